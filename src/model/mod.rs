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

/// Whether `text` is `YYYY-MM-DDTHH:MM:SSZ` with a real date and time: as `normalize_time` would
/// write it already (most of Graph's timestamps), so it need not be parsed and written again.
fn already_normal(text: &str) -> bool {
    let b = text.as_bytes();
    let shaped = b.len() == 20
        && [
            (4, b'-'),
            (7, b'-'),
            (10, b'T'),
            (13, b':'),
            (16, b':'),
            (19, b'Z'),
        ]
        .iter()
        .all(|&(at, c)| b[at] == c);
    if !shaped {
        return false;
    }
    let number = |from: usize, to: usize| {
        b[from..to].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    match [(0, 4), (5, 7), (8, 10), (11, 13), (14, 16), (17, 19)].map(|(f, t)| number(f, t)) {
        [Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)] => {
            chrono::NaiveDate::from_ymd_opt(year as i32, month, day).is_some()
                && hour < 24
                && minute < 60
                && second < 60
        }
        _ => false,
    }
}

/// Re-renders a provider timestamp (any RFC 3339 form, up to 7 fractional digits) as UTC `Z`.
pub fn normalize_time(text: &str) -> Option<String> {
    if already_normal(text) {
        return Some(text.to_string());
    }
    rewrite_time(text)
}

/// `text` parsed and written again as UTC `Z`, to the millisecond when it has a fraction.
fn rewrite_time(text: &str) -> Option<String> {
    let parsed = DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc);
    let format = if parsed.timestamp_subsec_nanos() == 0 {
        SecondsFormat::Secs
    } else {
        SecondsFormat::Millis
    };
    Some(parsed.to_rfc3339_opts(format, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_the_same_with_or_without_the_shortcut() {
        for text in [
            "2018-09-25T03:15:08Z",
            "2024-02-29T23:59:59Z",
            "2023-02-29T10:00:00Z",
            "2018-13-25T03:15:08Z",
            "2018-09-25T24:00:00Z",
            "2018-09-25T03:60:08Z",
            "2016-12-31T23:59:60Z",
            "2018-09-25t03:15:08z",
            "2018-09-25T03:15:08.0000000Z",
            "2018-09-25T03:15:08.1230000Z",
            "2018-09-25T03:15:08+02:00",
            "0000-01-01T00:00:00Z",
            "2018-09-25T03:15:0xZ",
            "2018-09-25 03:15:08Z",
            "",
        ] {
            assert_eq!(normalize_time(text), rewrite_time(text), "{text}");
        }
        assert!(already_normal("2018-09-25T03:15:08Z"));
        assert!(!already_normal("2018-09-25T03:15:08.0000000Z"));
    }
}
