//! Delta sync in the contract's words: what starting a sync answers, the pages of changed and of
//! deleted records, and the feeds a provider is asked for changes of.

use crate::model::calendar::Event;
use crate::model::contact::Contact;
use crate::model::email::EmailMessage;
use crate::model::task::Task;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// `SyncStatus`: the tokens to read the two streams from (as `deltaToken`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub sync_updated_token: String,
    pub sync_deleted_token: String,
    /// Always true: the first round is pulled as the app reads it.
    pub ready: bool,
}

/// A page of a stream: `nextPageToken` while there is more now, `nextDeltaToken` once the app has
/// everything there is (keep it for the next round). The records are the contract's resource
/// (`EmailMessage`, `Contact`, `Task`, `Event`) for the updated stream, `DeletedRecord` (for mail
/// `DeletedEmailMessage`) for the deleted one, as the change log keeps them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_delta_token: Option<String>,
    pub length: usize,
    pub records: Vec<Box<RawValue>>,
}

/// A stream's page as the contract names and types it, for the API document only: every stream is
/// served as a [`SyncPage`].
macro_rules! documented_page {
    ($(#[$doc:meta])* $name:ident of $record:ty) => {
        $(#[$doc])*
        #[derive(utoipa::ToSchema)]
        #[serde(rename_all = "camelCase")]
        #[allow(dead_code)]
        pub struct $name {
            next_page_token: Option<String>,
            next_delta_token: Option<String>,
            length: usize,
            records: Vec<$record>,
        }
    };
}

documented_page!(
    /// The updated stream of a mail sync (the contract's `EmailMessagesPage`).
    SyncEmailPage of EmailMessage
);
documented_page!(
    /// The updated stream of a contacts sync (the contract's `ContactsPage`).
    SyncContactsPage of Contact
);
documented_page!(
    /// `SyncTasksPage`: the updated stream of a task sync.
    SyncTasksPage of Task
);
documented_page!(
    /// The updated stream of a calendar sync (the contract's `EventsPage`).
    SyncEventsPage of Event
);
documented_page!(
    /// `DeletedPage`: the deleted stream of a contacts, task or calendar sync.
    DeletedPage of DeletedRecord
);
documented_page!(
    /// `EmailDeletedPage`: the deleted stream of a mail sync.
    EmailDeletedPage of DeletedEmailMessage
);

/// `DeletedRecord`: an item that is gone, and when switchboard learnt it (described for the API
/// document; served as a [`DeletedEmailMessage`] without a folder).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct DeletedRecord {
    id: String,
    timestamp: String,
}

/// `DeletedEmailMessage`: a message (or, without `folderId`, any item) that is gone, the folder it
/// was last seen in, and when switchboard learnt it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletedEmailMessage {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_id: Option<String>,
    pub timestamp: String,
}

/// What a sync follows, as the app asked for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "feed", rename_all = "camelCase")]
pub enum Feed {
    /// The default contacts folder.
    Contacts,
    /// One To Do list; tasks completed before `skip_completed_before` (Unix seconds) are left out.
    #[serde(rename_all = "camelCase")]
    Tasks {
        list: String,
        skip_completed_before: Option<i64>,
    },
    /// Every mail folder; the first round only messages received in the last `days_within` days.
    #[serde(rename_all = "camelCase")]
    Email {
        days_within: Option<u32>,
        /// `html` or `text`.
        body: String,
    },
    /// The events of one calendar between two instants (Unix seconds).
    #[serde(rename_all = "camelCase")]
    Events {
        calendar: String,
        time_min: i64,
        time_max: i64,
    },
}

impl Feed {
    /// The name a sync of this feed has among the account's syncs (one per name).
    pub fn stream(&self) -> String {
        match self {
            Feed::Contacts => "contacts".to_string(),
            Feed::Email { .. } => "email".to_string(),
            Feed::Tasks { list, .. } => Self::tasks_stream(list),
            Feed::Events { calendar, .. } => Self::events_stream(calendar),
        }
    }

    pub fn tasks_stream(list: &str) -> String {
        format!("tasks:{list}")
    }

    pub fn events_stream(calendar: &str) -> String {
        format!("events:{calendar}")
    }
}
