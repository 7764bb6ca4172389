//! Delta sync in the contract's words: what starting a sync answers, the pages of changed and of
//! deleted records, and the feeds a provider is asked for changes of.

use crate::model::calendar::Event;
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
/// (`Contact`, `Task`, `Event`) for the updated stream, `DeletedRecord` for the deleted one.
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

/// `SyncTasksPage`: the updated stream of a task sync (described for the API document; served as a
/// [`SyncPage`]).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SyncTasksPage {
    next_page_token: Option<String>,
    next_delta_token: Option<String>,
    length: usize,
    records: Vec<Task>,
}

/// The updated stream of a calendar sync (the contract's `EventsPage`; described for the API
/// document, served as a [`SyncPage`]).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SyncEventsPage {
    next_page_token: Option<String>,
    next_delta_token: Option<String>,
    length: usize,
    records: Vec<Event>,
}

/// `DeletedRecord`: an item that is gone, and when switchboard learnt it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletedRecord {
    pub id: String,
    pub timestamp: String,
}

/// The updated stream of a mail sync (the contract's `EmailMessagesPage`; described for the API
/// document, served as a [`SyncPage`]).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct SyncEmailPage {
    next_page_token: Option<String>,
    next_delta_token: Option<String>,
    length: usize,
    records: Vec<EmailMessage>,
}

/// `DeletedEmailMessage`: a message that is gone, the folder it was last seen in, and when
/// switchboard learnt it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletedEmailMessage {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_id: Option<String>,
    pub timestamp: String,
}

/// `EmailDeletedPage` (described for the API document; served as a [`SyncPage`]).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct EmailDeletedPage {
    next_page_token: Option<String>,
    next_delta_token: Option<String>,
    length: usize,
    records: Vec<DeletedEmailMessage>,
}

/// `DeletedPage`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeletedPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_delta_token: Option<String>,
    pub length: usize,
    pub records: Vec<DeletedRecord>,
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
