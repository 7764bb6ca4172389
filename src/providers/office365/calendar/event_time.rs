//! An event's start and end: Graph's `dateTimeTimeZone` (read in the event's own zone, written
//! in the Windows zone Outlook prefers) ⇄ the contract's `EventDateTime`.

use crate::model::calendar::EventDateTime;
use crate::providers::error::ProviderError;
use crate::providers::office365::graph::values::bad;
use crate::providers::office365::time::{iana_name, windows_name, zone, DateTimeTimeZone};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{json, Value};

/// The instant an `EventDateTime` stands for, in Unix seconds (an all-day date as midnight UTC).
pub(in crate::providers::office365) fn seconds(w: &EventDateTime) -> Option<i64> {
    match (&w.date_time, &w.date_only) {
        (Some(t), _) => DateTime::parse_from_rfc3339(t).ok().map(|t| t.timestamp()),
        (None, Some(d)) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc().timestamp()),
        _ => None,
    }
}

/// A Graph start or end, read in the event's zone.
pub(in crate::providers::office365) fn when(
    t: &DateTimeTimeZone,
    all_day: bool,
    event_zone: Option<&str>,
) -> Option<EventDateTime> {
    if all_day {
        let day = t.date_time.as_deref()?.get(..10)?.to_string();
        return Some(EventDateTime {
            date_only: Some(day),
            date_time: None,
            timezone: event_zone.and_then(iana_name),
        });
    }
    let instant = t.instant()?;
    let tz = event_zone.and_then(zone).unwrap_or(chrono_tz::UTC);
    Some(EventDateTime {
        date_only: None,
        date_time: Some(
            instant
                .with_timezone(&tz)
                .to_rfc3339_opts(SecondsFormat::Secs, true),
        ),
        timezone: Some(tz.name().to_string()),
    })
}

/// The Windows name Outlook wants for an IANA zone (or the IANA name when it has none).
pub(in crate::providers::office365) fn outlook_zone(iana: &str) -> Result<String, ProviderError> {
    if zone(iana).is_none() {
        return Err(bad(format!(
            "timezone '{iana}' is not an IANA time zone name such as Europe/Berlin"
        )));
    }
    Ok(if iana == "UTC" || iana == "Etc/UTC" {
        "UTC".to_string()
    } else {
        windows_name(iana).unwrap_or_else(|| iana.to_string())
    })
}

/// A unified start or end → Graph's `dateTimeTimeZone`, and whether it is a date only.
pub(in crate::providers::office365) fn graph_when(
    field: &str,
    w: &EventDateTime,
) -> Result<(Value, bool), ProviderError> {
    match (&w.date_only, &w.date_time) {
        (Some(day), None) => {
            let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
                bad(format!(
                    "{field}.dateOnly '{day}' is not a date like 2024-05-01"
                ))
            })?;
            let tz = w
                .timezone
                .as_deref()
                .map(outlook_zone)
                .transpose()?
                .unwrap_or_else(|| "UTC".into());
            Ok((
                json!({ "dateTime": format!("{day}T00:00:00.0000000"), "timeZone": tz }),
                true,
            ))
        }
        (None, Some(text)) => {
            let instant: DateTime<Utc> = DateTime::parse_from_rfc3339(text)
                .map_err(|_| bad(format!("{field}.dateTime '{text}' must be RFC 3339 with an offset, e.g. 2024-05-01T09:00:00-07:00")))?
                .with_timezone(&Utc);
            let (local, tz) = match w.timezone.as_deref() {
                Some(iana) => {
                    let name = outlook_zone(iana)?;
                    let tz = zone(iana).expect("checked by outlook_zone");
                    (instant.with_timezone(&tz).naive_local(), name)
                }
                None => (instant.naive_utc(), "UTC".to_string()),
            };
            Ok((
                json!({ "dateTime": local.format("%Y-%m-%dT%H:%M:%S.0000000").to_string(), "timeZone": tz }),
                false,
            ))
        }
        _ => Err(bad(format!(
            "{field} needs exactly one of dateOnly and dateTime"
        ))),
    }
}
