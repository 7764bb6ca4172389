//! The language of the house: the public contract's resource types (Aurinko-compatible,
//! camelCase JSON) and the requests the API makes of providers, none of them tied to a provider.

pub mod account;
pub mod availability;
pub mod calendar;
pub mod contact;
pub mod email;
pub mod event_time;
pub mod recurrence;
pub mod requests;
pub mod subscription;
pub mod sync;
pub mod task;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

/// `OkResponse`: `{"status":"Ok"}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = OkResponse)]
pub struct Ok {
    status: &'static str,
}

pub const OK: Ok = Ok { status: "Ok" };

/// RFC 3339 in UTC with `Z`, the one time format of the API.
pub fn rfc3339(unix_seconds: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An instant as the API takes one: RFC 3339, or a plain `YYYY-MM-DD` taken as midnight UTC.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
        })
}

/// Re-renders a provider timestamp (any RFC 3339 form, up to 7 fractional digits) as UTC `Z`.
pub fn normalize_time(text: &str) -> Option<String> {
    let parsed = DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc);
    let format = if parsed.timestamp_subsec_nanos() == 0 {
        SecondsFormat::Secs
    } else {
        SecondsFormat::Millis
    };
    Some(parsed.to_rfc3339_opts(format, true))
}
