//! The contract's simple recurrence ⇄ an iCalendar `RRULE` line (RFC 5545), for the rules
//! Outlook can keep: one pattern, one ordinal, no `EXDATE`/`RDATE`.

use crate::error::Code;
use crate::model::recurrence::{Pattern, Range, SimpleRecurrence};
use crate::model::recurrence::{DAYS, INSTANCES};
use crate::providers::error::ProviderError;
use crate::providers::office365::time::{local_to_utc, zone};
use chrono::NaiveDate;

const CODES: &[&str] = &["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const ORDINALS: &[i32] = &[1, 2, 3, 4, -1];

fn unsupported(message: String) -> ProviderError {
    ProviderError::invalid(Code::RecurrenceUnsupported, message)
}

fn code(day: &str) -> &'static str {
    DAYS.iter()
        .position(|d| d.eq_ignore_ascii_case(day))
        .map_or("MO", |i| CODES[i])
}

/// `RRULE:…` for a rule; `until` is the end of `recurrenceEnd` in the series' zone, in UTC.
pub fn render(s: &SimpleRecurrence, zone_name: Option<&str>) -> String {
    let p = &s.pattern;
    let freq = match p.frequency.as_str() {
        "daily" => "DAILY",
        "weekly" => "WEEKLY",
        "monthly" | "monthlyRelative" => "MONTHLY",
        _ => "YEARLY",
    };
    let mut parts = vec![
        format!("FREQ={freq}"),
        format!("INTERVAL={}", p.interval.unwrap_or(1)),
    ];
    if let Some(m) = p.month_of_year {
        parts.push(format!("BYMONTH={m}"));
    }
    if let Some(d) = p.day_of_month {
        parts.push(format!("BYMONTHDAY={d}"));
    }
    if let Some(days) = p.days_of_week.as_deref().filter(|d| !d.is_empty()) {
        let list: Vec<&str> = days.iter().map(|d| code(d)).collect();
        parts.push(format!("BYDAY={}", list.join(",")));
    }
    if let Some(i) = p.instance.as_deref() {
        if let Some(pos) = INSTANCES.iter().position(|x| *x == i) {
            parts.push(format!("BYSETPOS={}", ORDINALS[pos]));
        }
    }
    if let Some(w) = p.week_start.as_deref() {
        parts.push(format!("WKST={}", code(w)));
    }
    if let Some(c) = s.range.count {
        parts.push(format!("COUNT={c}"));
    }
    if let Some(end) = s
        .range
        .recurrence_end
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    {
        let tz = zone_name.and_then(zone).unwrap_or(chrono_tz::UTC);
        let last = end.and_hms_opt(23, 59, 59).expect("valid time");
        if let Some(t) = local_to_utc(last, tz) {
            parts.push(format!("UNTIL={}", t.format("%Y%m%dT%H%M%SZ")));
        }
    }
    format!("RRULE:{}", parts.join(";"))
}

fn number(key: &str, value: &str) -> Result<i32, ProviderError> {
    value
        .trim_start_matches('+')
        .parse()
        .map_err(|_| unsupported(format!("{key}={value} is not a number")))
}

/// One `RRULE` → the simple form. `recurrenceStart` is left for the caller.
pub fn parse(rules: &[String]) -> Result<SimpleRecurrence, ProviderError> {
    let mut rrule = None;
    for line in rules.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        match line.split_once(':') {
            Some((name, body)) if name.eq_ignore_ascii_case("RRULE") => {
                if rrule.replace(body).is_some() {
                    return Err(unsupported("Outlook keeps one RRULE per series".into()));
                }
            }
            _ => {
                return Err(unsupported(format!(
                    "'{line}' cannot be kept by Outlook; create the series with one RRULE, then delete or change single occurrences"
                )))
            }
        }
    }
    let body =
        rrule.ok_or_else(|| unsupported("recurrence.ical.rules needs an RRULE line".into()))?;
    let (mut freq, mut pattern, mut range) = (None, Pattern::default(), Range::default());
    let (mut ordinal, mut setpos) = (None, None);
    for part in body.split(';').filter(|p| !p.is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| unsupported(format!("'{part}' is not KEY=VALUE")))?;
        match key.to_ascii_uppercase().as_str() {
            "FREQ" => freq = Some(value.to_ascii_uppercase()),
            "INTERVAL" => pattern.interval = Some(number(key, value)?.max(0) as u32),
            "COUNT" => range.count = Some(number(key, value)?.max(0) as u32),
            "UNTIL" => {
                let day = value
                    .get(..8)
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok());
                range.recurrence_end = Some(
                    day.ok_or_else(|| unsupported(format!("UNTIL={value} is not a date")))?
                        .to_string(),
                );
            }
            "WKST" => pattern.week_start = Some(day_name(value)?),
            "BYMONTH" => pattern.month_of_year = Some(number(key, value)?.max(0) as u32),
            "BYMONTHDAY" => {
                let d = number(key, value)?;
                if d < 1 {
                    return Err(unsupported("Outlook keeps one positive BYMONTHDAY".into()));
                }
                pattern.day_of_month = Some(d as u32);
            }
            "BYSETPOS" => setpos = Some(number(key, value)?),
            "BYDAY" => {
                let mut days = vec![];
                for item in value.split(',') {
                    let split = item.len().saturating_sub(2);
                    let (n, d) = item.split_at(split);
                    if !n.is_empty() {
                        let n = number("BYDAY", n)?;
                        if ordinal.replace(n).is_some_and(|o| o != n) {
                            return Err(unsupported(
                                "Outlook keeps one ordinal for all BYDAY days".into(),
                            ));
                        }
                    }
                    days.push(day_name(d)?);
                }
                pattern.days_of_week = Some(days);
            }
            other => {
                return Err(unsupported(format!(
                    "RRULE part {other} cannot be kept by Outlook"
                )))
            }
        }
    }
    let position = setpos.or(ordinal);
    if let Some(n) = position {
        let i = ORDINALS.iter().position(|o| *o == n).ok_or_else(|| {
            unsupported(format!(
                "Outlook takes the 1st to 4th or the last day, not {n}"
            ))
        })?;
        pattern.instance = Some(INSTANCES[i].to_string());
    }
    let has_days = pattern.days_of_week.is_some();
    pattern.frequency = match (
        freq.as_deref(),
        position.is_some() || (has_days && pattern.day_of_month.is_none()),
    ) {
        (Some("DAILY"), _) if has_days => "weekly",
        (Some("DAILY"), _) => "daily",
        (Some("WEEKLY"), _) => "weekly",
        (Some("MONTHLY"), true) => "monthlyRelative",
        (Some("MONTHLY"), false) => "monthly",
        (Some("YEARLY"), true) => "yearlyRelative",
        (Some("YEARLY"), false) => "yearly",
        (other, _) => {
            return Err(unsupported(format!(
                "FREQ={} cannot be kept by Outlook (DAILY, WEEKLY, MONTHLY, YEARLY)",
                other.unwrap_or("")
            )))
        }
    }
    .to_string();
    if pattern.frequency.ends_with("Relative") && pattern.instance.is_none() {
        pattern.instance = Some("first".into());
    }
    Ok(SimpleRecurrence { pattern, range })
}

fn day_name(code_text: &str) -> Result<String, ProviderError> {
    CODES
        .iter()
        .position(|c| c.eq_ignore_ascii_case(code_text))
        .map(|i| DAYS[i].to_string())
        .ok_or_else(|| unsupported(format!("'{code_text}' is not a day code like MO")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_round_trip_through_the_simple_form() {
        for rule in [
            "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;WKST=SU;COUNT=10",
            "RRULE:FREQ=MONTHLY;INTERVAL=1;BYDAY=TH;BYSETPOS=-1",
            "RRULE:FREQ=YEARLY;INTERVAL=1;BYMONTH=3;BYMONTHDAY=15",
            "RRULE:FREQ=DAILY;INTERVAL=3",
        ] {
            let simple = parse(&[rule.to_string()]).unwrap();
            assert_eq!(render(&simple, None), rule);
        }
        let relative = parse(&["RRULE:FREQ=MONTHLY;BYDAY=2TU".into()]).unwrap();
        assert_eq!(relative.pattern.frequency, "monthlyRelative");
        assert_eq!(relative.pattern.instance.as_deref(), Some("second"));
        let weekdays = parse(&["RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR".into()]).unwrap();
        assert_eq!(weekdays.pattern.frequency, "weekly");
        for bad in [
            "RRULE:FREQ=HOURLY",
            "RRULE:FREQ=MONTHLY;BYDAY=5FR",
            "RRULE:FREQ=WEEKLY;BYHOUR=9",
            "EXDATE:20240101T090000Z",
        ] {
            let err = parse(&[bad.to_string()]).unwrap_err();
            assert_eq!(err.code, "recurrence.unsupported", "{bad}");
        }
    }

    #[test]
    fn until_is_the_end_of_the_last_day_in_the_series_zone() {
        let mut s = parse(&["RRULE:FREQ=DAILY".into()]).unwrap();
        s.range.recurrence_end = Some("2024-07-01".into());
        assert!(render(&s, Some("America/Los_Angeles")).ends_with("UNTIL=20240702T065959Z"));
    }
}
