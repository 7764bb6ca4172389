//! Outlook's time: `dateTimeTimeZone` values (a local time without offset, up to seven fractional
//! digits, and a zone that is a Windows name, an IANA name or UTC) ⇄ instants, and the zone names
//! both ways with the CLDR mapping.

use chrono::format::{Fixed, Item, Numeric, Pad, Parsed};
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};
use std::str::FromStr;
use windows_timezones::WindowsTimezone;

/// A zone from whatever Outlook sent: Windows name, IANA name, or a spelling of UTC.
pub fn zone(name: &str) -> Option<Tz> {
    let n = name.trim();
    if matches!(
        n,
        "UTC"
            | "Utc"
            | "utc"
            | "tzone://Microsoft/Utc"
            | "Coordinated Universal Time"
            | "GMT"
            | "Etc/UTC"
    ) {
        return Some(Tz::UTC);
    }
    if let Ok(windows) = WindowsTimezone::from_str(n) {
        return Some(windows.into());
    }
    Tz::from_str(n).ok()
}

/// The IANA name for a zone Outlook names (e.g. the mailbox's "Pacific Standard Time").
pub fn iana_name(name: &str) -> Option<String> {
    zone(name).map(|tz| tz.name().to_string())
}

/// The Windows name Outlook prefers for an IANA zone, when that Windows zone keeps the same clock
/// now and half a year on (the CLDR table lags behind some zones' rule changes; those are sent by
/// their IANA name, which Outlook also takes).
pub fn windows_name(iana: &str) -> Option<String> {
    use chrono::Offset;
    let tz = Tz::from_str(iana).ok()?;
    let windows = WindowsTimezone::try_from(tz).ok()?;
    let same_clock = |back: Tz| {
        let now = Utc::now();
        [now, now + chrono::Duration::days(182)]
            .iter()
            .all(|t| t.with_timezone(&tz).offset().fix() == t.with_timezone(&back).offset().fix())
    };
    let back: Tz = windows.into();
    same_clock(back).then(|| windows.to_string())
}

/// `%Y-%m-%dT%H:%M:%S%.f` read once, not for every time parsed; its first nine items are
/// `%Y-%m-%dT%H:%M`.
const LOCAL_TIME: [Item<'static>; 12] = [
    Item::Numeric(Numeric::Year, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Month, Pad::Zero),
    Item::Literal("-"),
    Item::Numeric(Numeric::Day, Pad::Zero),
    Item::Literal("T"),
    Item::Numeric(Numeric::Hour, Pad::Zero),
    Item::Literal(":"),
    Item::Numeric(Numeric::Minute, Pad::Zero),
    Item::Literal(":"),
    Item::Numeric(Numeric::Second, Pad::Zero),
    Item::Fixed(Fixed::Nanosecond),
];
const TO_THE_MINUTE: usize = 9;

fn naive(text: &str) -> Option<NaiveDateTime> {
    let read = |items: &[Item<'static>]| {
        let mut parsed = Parsed::new();
        chrono::format::parse(&mut parsed, text, items.iter()).ok()?;
        parsed.to_naive_datetime_with_offset(0).ok()
    };
    read(&LOCAL_TIME).or_else(|| read(&LOCAL_TIME[..TO_THE_MINUTE]))
}

/// A local time in a zone → the instant. A time that does not exist (skipped by a DST change)
/// is taken as the same wall time after the change; an ambiguous one as the first of the two.
pub fn local_to_utc(local: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => tz
            .from_local_datetime(&(local + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc)),
    }
}

/// Graph's `dateTimeTimeZone`: a local time without offset and the zone it is in.
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DateTimeTimeZone<'a> {
    #[serde(borrow)]
    pub date_time: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    pub time_zone: Option<std::borrow::Cow<'a, str>>,
}

impl DateTimeTimeZone<'_> {
    /// The instant it names (a zone left out means UTC).
    pub fn instant(&self) -> Option<DateTime<Utc>> {
        let local = naive(self.date_time.as_deref()?)?;
        let tz = zone(self.time_zone.as_deref().unwrap_or("UTC"))?;
        local_to_utc(local, tz)
    }
}

/// An instant as Graph's `dateTimeTimeZone`, in UTC.
pub fn to_graph_utc(t: DateTime<Utc>) -> Value {
    // Outlook writes seven fractional digits (100 ns units); chrono has no such format.
    let local = format!(
        "{}.{:07}",
        t.format("%Y-%m-%dT%H:%M:%S"),
        t.timestamp_subsec_nanos() / 100
    );
    json!({ "dateTime": local, "timeZone": "UTC" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_read_with_the_formats_they_stand_for() {
        use chrono::format::StrftimeItems;
        let items = |f| StrftimeItems::new(f).collect::<Vec<_>>();
        assert_eq!(items("%Y-%m-%dT%H:%M:%S%.f"), LOCAL_TIME);
        assert_eq!(items("%Y-%m-%dT%H:%M"), LOCAL_TIME[..TO_THE_MINUTE]);
        for (text, read) in [
            (
                "2026-12-01T09:30:15.1234567",
                Some("2026-12-01 09:30:15.123456700"),
            ),
            ("2026-12-01T09:30:15", Some("2026-12-01 09:30:15")),
            ("2026-12-01T09:30", Some("2026-12-01 09:30:00")),
            ("2026-02-30T09:30:00", None),
            ("2026-12-01 09:30:00", None),
        ] {
            let was = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
                .ok();
            assert_eq!(naive(text), was, "{text}");
            assert_eq!(
                naive(text).map(|t| t.to_string()).as_deref(),
                read,
                "{text}"
            );
        }
    }

    #[test]
    fn windows_iana_and_utc_names_all_resolve() {
        assert_eq!(
            iana_name("Pacific Standard Time").as_deref(),
            Some("America/Los_Angeles")
        );
        assert_eq!(
            iana_name("W. Europe Standard Time").as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(iana_name("Europe/Paris").as_deref(), Some("Europe/Paris"));
        assert_eq!(zone("tzone://Microsoft/Utc"), Some(Tz::UTC));
        assert_eq!(
            windows_name("America/New_York").as_deref(),
            Some("Eastern Standard Time")
        );
        assert!(zone("Mars Standard Time").is_none());
    }

    #[test]
    fn every_windows_zone_outlook_can_send_resolves_to_the_same_clock() {
        use chrono::Offset;
        let (mut windows, mut skipped) = (std::collections::BTreeSet::new(), vec![]);
        for tz in chrono_tz::TZ_VARIANTS {
            let Some(name) = windows_name(tz.name()) else {
                skipped.push(tz.name());
                continue;
            };
            let back = zone(&name).unwrap_or_else(|| panic!("{name} does not resolve"));
            if windows.insert(name.clone()) {
                let now = Utc::now();
                for t in [now, now + chrono::Duration::days(182)] {
                    let (a, b) = (
                        t.with_timezone(&tz).offset().fix(),
                        t.with_timezone(&back).offset().fix(),
                    );
                    assert_eq!(a, b, "{} vs {name} ({})", tz.name(), back.name());
                }
            }
        }
        assert!(windows.len() > 130, "only {} Windows zones", windows.len());
        assert!(skipped.contains(&"America/Scoresbysund"), "{skipped:?}");
    }

    #[test]
    fn graph_local_times_become_instants_across_dst() {
        let at = |dt: &str, tz: &str| {
            DateTimeTimeZone {
                date_time: Some(dt.into()),
                time_zone: Some(tz.into()),
            }
            .instant()
            .unwrap()
            .to_rfc3339()
        };
        assert_eq!(
            at("2017-04-15T11:00:00.0000000", "Pacific Standard Time"),
            "2017-04-15T18:00:00+00:00"
        );
        assert_eq!(
            at("2017-01-15T11:00:00.0000000", "Pacific Standard Time"),
            "2017-01-15T19:00:00+00:00"
        );
        assert_eq!(
            at("2020-08-25T04:00:00.0000000", "UTC"),
            "2020-08-25T04:00:00+00:00"
        );
        // 2:30 on the spring-forward night does not exist in Los Angeles: 3:30 PDT.
        assert_eq!(
            at("2021-03-14T02:30:00", "Pacific Standard Time"),
            "2021-03-14T10:30:00+00:00"
        );
        // 1:30 on the fall-back night happens twice: the first, still PDT.
        assert_eq!(
            at("2021-11-07T01:30:00", "Pacific Standard Time"),
            "2021-11-07T08:30:00+00:00"
        );
        assert_eq!(
            to_graph_utc(
                DateTime::parse_from_rfc3339("2021-11-07T01:30:00-07:00")
                    .unwrap()
                    .with_timezone(&Utc)
            )["dateTime"],
            "2021-11-07T08:30:00.0000000"
        );
    }
}
