//! Changes: a provider's delta of a feed, one page at a time, from where the last page left it.
use crate::model::calendar::Event;
use crate::model::contact::Contact;
use crate::model::email::EmailMessage;
use crate::model::sync::Feed;
use crate::model::task::Task;
use crate::providers::error::ProviderError;
use crate::store::AccountRecord;
use serde::Serialize;

/// A record that is new or changed, in the contract's shape.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Changed {
    Contact(Box<Contact>),
    Task(Box<Task>),
    Event(Box<Event>),
    Message(Box<EmailMessage>),
}

/// A record that is gone, and the folder it was last in (for mail).
#[derive(Debug)]
pub struct Removed {
    pub id: String,
    pub folder_id: Option<String>,
}

/// One page of a provider's changes.
#[derive(Debug, Default)]
pub struct ChangePage {
    /// New or changed records, with their ids.
    pub updated: Vec<(String, Changed)>,
    /// Records that are gone.
    pub deleted: Vec<Removed>,
    /// Where the next page starts (the provider's own, opaque to everyone else).
    pub cursor: String,
    /// Whether the round ended here: the next page would start a new round of changes.
    pub round_complete: bool,
}

#[async_trait::async_trait]
pub trait Changes: Send + Sync {
    /// The page of `feed` at `cursor`, or the first page of its first round without one.
    /// A provider that lost track of the changes (its cursor expired) fails with
    /// `Code::SyncReset`: the sync has to start again.
    async fn changes(
        &self,
        account: &AccountRecord,
        feed: &Feed,
        cursor: Option<&str>,
    ) -> Result<ChangePage, ProviderError>;
}
