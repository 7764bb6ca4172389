//! Free/busy and meeting-time suggestions, as the contract has them.

use serde::{Deserialize, Serialize};

/// `WorkingInterval`: times of day, `HH:MM:SS`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingInterval {
    pub start: String,
    pub end: String,
}

/// `DayWorkSchedule`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DayWorkSchedule {
    pub day_of_week: String,
    pub working_intervals: Vec<WorkingInterval>,
}

/// `WeekWorkSchedule`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WeekWorkSchedule {
    pub day_schedules: Vec<DayWorkSchedule>,
    pub timezone: Option<String>,
}

/// `TimeInterval` / `FreeBusyItem`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeInterval {
    pub start: String,
    pub end: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// `FreeBusyRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FreeBusyRequest {
    pub time_min: String,
    pub time_max: String,
    #[serde(default)]
    pub emails: Vec<String>,
}

/// `FreeBusySchedule`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FreeBusySchedule {
    pub email: String,
    pub items: Vec<TimeInterval>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_hours: Option<WeekWorkSchedule>,
}

/// `FreeBusySchedulePage`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FreeBusySchedulePage {
    pub records: Vec<FreeBusySchedule>,
}

/// `MeetingAttendee`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MeetingAttendee {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work_hours: Option<WeekWorkSchedule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing)]
    pub busy_intervals: Vec<TimeInterval>,
    #[serde(default, skip_serializing)]
    pub free_intervals: Vec<TimeInterval>,
}

/// `SuggestMeetingTimesRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = SuggestMeetingTimesRequest)]
pub struct SuggestRequest {
    pub time_min: String,
    pub time_max: String,
    pub duration_minutes: i64,
    #[serde(default)]
    pub buffer_between_minutes: i64,
    pub availability_step: Option<i64>,
    #[serde(default)]
    pub attendees: Vec<MeetingAttendee>,
    pub default_timezone: Option<String>,
    pub default_work_hours: Option<WeekWorkSchedule>,
    pub availability_intervals: Option<serde_json::Value>,
    pub free_statuses: Option<Vec<String>>,
}

/// `SuggestMeetingTimesResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = SuggestMeetingTimesResponse)]
pub struct SuggestResponse {
    pub items: Vec<TimeInterval>,
    pub attendees: Vec<MeetingAttendee>,
}
