//! `Recurrence`, `SeriesInfo` and `OccurrenceInfo`, as the contract has them.

use super::event_time::EventDateTime;
use serde::{Deserialize, Serialize};

/// The days of the week, as patterns name them, Monday first.
pub const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
/// Which week of the month a relative pattern means.
pub const INSTANCES: &[&str] = &["first", "second", "third", "fourth", "last"];

/// `Recurrence`: a series' rule as `simple` fields and as iCalendar lines. On input give one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recurrence {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ical: Option<IcalRecurrence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simple: Option<SimpleRecurrence>,
}

/// `Recurrence_ical`: `RRULE:`/`EXDATE` lines and the first start.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = Recurrence_ical)]
pub struct IcalRecurrence {
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence_start: Option<EventDateTime>,
}

/// `Recurrence_simple`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Recurrence_simple)]
pub struct SimpleRecurrence {
    pub pattern: Pattern,
    #[serde(default)]
    pub range: Range,
}

/// `Recurrence_simple_pattern`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = Recurrence_simple_pattern)]
pub struct Pattern {
    pub frequency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_of_week: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week_start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day_of_month: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month_of_year: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
}

/// `Recurrence_simple_range`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = Recurrence_simple_range)]
pub struct Range {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence_start: Option<EventDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence_end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern_exclusions: Option<Vec<EventDateTime>>,
}

/// `OccurrenceInfo`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OccurrenceInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_start: Option<EventDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<EventDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_id: Option<String>,
}

/// `SeriesInfo`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeriesInfo {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_id: Option<String>,
    pub recurrence: Recurrence,
    pub modified_occurrences: Vec<OccurrenceInfo>,
    pub deleted_occurrences: Vec<OccurrenceInfo>,
}
