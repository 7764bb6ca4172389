//! `Calendar`, `Event` and their parts, as the contract has them.

pub use super::event_time::EventDateTime;
use serde::{Deserialize, Serialize};

/// `Calendar`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Calendar {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    pub access_role: &'static str,
    pub primary: bool,
    /// Outlook keeps one reminder per event.
    pub multiple_reminders_supported: bool,
}

/// `CalendarsPage`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CalendarsPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    pub length: usize,
    pub records: Vec<Calendar>,
}

/// `CalendarCreate` / `CalendarUpdate`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CalendarCreate)]
pub struct CalendarInput {
    pub name: Option<String>,
    pub color: Option<String>,
    pub description: Option<String>,
}

/// `Attendee`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Attendee {
    /// Read-only; Outlook attendees have no id of their own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub email_address: EmailAddressIn,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

pub use super::email::EmailAddressIn;

/// `OnlineMeetingDetails`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OnlineMeetingDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
}

/// `MeetingInfo`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MeetingInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub canceled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendees: Option<Vec<Attendee>>,
    /// `seeOthers` (Outlook's `hideAttendees` when absent) and `inviteOthers` (Outlook attendees
    /// can always forward); `modify` is refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendee_permissions: Option<Vec<String>>,
    /// The account's own response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    /// Write-only in the contract: asks for a Teams meeting; answers carry the details instead.
    #[serde(skip_serializing)]
    pub online_meeting: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_meeting_provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_meeting_details: Option<OnlineMeetingDetails>,
}

/// `ReminderOverride` / `Reminder`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderOverride {
    pub minutes: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reminder {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_default: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overrides: Option<Vec<ReminderOverride>>,
}

/// `Event`. On input the read-only fields are ignored; on a PATCH only the fields given change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Event {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<EventDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<EventDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organizer: Option<Organizer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_info: Option<MeetingInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<super::recurrence::Recurrence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occurrence_info: Option<super::recurrence::OccurrenceInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder: Option<Reminder>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub i_cal_uid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_as: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html_link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_attachments: Option<bool>,
    /// Described (no content) on a single event; refused on writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<crate::model::email::EmailAttachment>>,
    /// Read-only; ignored on writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_id: Option<String>,
    /// What this record leaves out (`attachments` in ranges).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub omitted: Option<Vec<String>>,
}

/// `Organizer`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organizer {
    /// Read-only; Outlook organizers have no id of their own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub email_address: EmailAddressIn,
}

/// `EventOrId`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventOrId {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub i_cal_u_id: Option<String>,
    /// The Teams meeting made for the event, if one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_meeting_provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_meeting_details: Option<OnlineMeetingDetails>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<Event>,
}

/// `EventsPageNext`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventsPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    pub length: usize,
    pub records: Vec<Event>,
}

/// `MeetingResponse`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingResponse {
    pub response: String,
    pub comment: Option<String>,
}
