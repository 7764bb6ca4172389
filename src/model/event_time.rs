//! When an event starts or ends: a day, or an instant in a named zone.

use serde::{Deserialize, Serialize};

/// `EventDateTime`: a day for an all-day event, or an instant and its IANA zone.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventDateTime {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_only: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}
