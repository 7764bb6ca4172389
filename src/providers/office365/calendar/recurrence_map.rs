//! Graph `patternedRecurrence` ⇄ the contract's `Recurrence`. Reads give both forms (`simple`
//! fields and an `RRULE`); writes take either, as long as Outlook can keep the rule.

use crate::error::Code;
use crate::model::calendar::EventDateTime;
use crate::model::recurrence::{IcalRecurrence, Pattern, Range, Recurrence, SimpleRecurrence};
use crate::model::recurrence::{DAYS, INSTANCES};
use crate::providers::error::ProviderError;
use crate::providers::office365::calendar::event_time::outlook_zone;
use crate::providers::office365::calendar::graph_event::GraphRecurrence;
use crate::providers::office365::calendar::rrule;
use crate::providers::office365::time::{iana_name, zone};
use chrono::{DateTime, Datelike, NaiveDate};
use serde_json::{json, Value};

/// Contract frequency ⇄ Graph pattern type.
pub const FREQUENCIES: &[(&str, &str)] = &[
    ("daily", "daily"),
    ("weekly", "weekly"),
    ("monthly", "absoluteMonthly"),
    ("monthlyRelative", "relativeMonthly"),
    ("yearly", "absoluteYearly"),
    ("yearlyRelative", "relativeYearly"),
];
const RANGES: &[(&str, &str)] = &[
    ("byDate", "endDate"),
    ("byCount", "numbered"),
    ("unbounded", "noEnd"),
];

fn unsupported(message: String) -> ProviderError {
    ProviderError::invalid(Code::RecurrenceUnsupported, message)
}

fn swap(
    table: &[(&'static str, &'static str)],
    key: &str,
    graph_side: bool,
) -> Option<&'static str> {
    table.iter().find_map(|(ours, graph)| {
        let (from, to) = if graph_side {
            (*graph, *ours)
        } else {
            (*ours, *graph)
        };
        from.eq_ignore_ascii_case(key).then_some(to)
    })
}

/// Reads a series' rule; `start` is the master's start (the first occurrence).
pub fn from_graph(r: &GraphRecurrence, start: Option<&EventDateTime>) -> Option<Recurrence> {
    let p = r.pattern.as_ref()?;
    let kind = p.kind.as_deref()?;
    let frequency = swap(FREQUENCIES, kind, true)?;
    let uses = |what: &str| match what {
        "days" => matches!(kind, "weekly" | "relativeMonthly" | "relativeYearly"),
        "day" => matches!(kind, "absoluteMonthly" | "absoluteYearly"),
        "month" => matches!(kind, "absoluteYearly" | "relativeYearly"),
        _ => kind.starts_with("relative"),
    };
    let days: Vec<String> = p
        .days_of_week
        .iter()
        .flatten()
        .map(|d| d.to_lowercase())
        .collect();
    let pattern = Pattern {
        frequency: frequency.to_string(),
        interval: p.interval,
        days_of_week: (uses("days") && !days.is_empty()).then_some(days),
        week_start: (kind == "weekly")
            .then(|| p.first_day_of_week.clone())
            .flatten(),
        day_of_month: p.day_of_month.filter(|d| uses("day") && *d > 0),
        month_of_year: p.month.filter(|m| uses("month") && *m > 0),
        instance: p.index.clone().filter(|_| uses("index")),
    };
    let g = r.range.clone().unwrap_or_default();
    let range_kind = swap(RANGES, g.kind.as_deref().unwrap_or("noEnd"), true);
    let zone_name = g.recurrence_time_zone.as_deref().and_then(iana_name);
    let recurrence_start = start.cloned().or_else(|| {
        g.start_date.as_ref().map(|d| EventDateTime {
            date_only: Some(d.to_string()),
            date_time: None,
            timezone: zone_name.clone(),
        })
    });
    let range = Range {
        kind: range_kind.map(str::to_string),
        recurrence_start: recurrence_start.clone(),
        recurrence_end: g.end_date.filter(|_| range_kind == Some("byDate")),
        count: g
            .number_of_occurrences
            .filter(|_| range_kind == Some("byCount")),
        pattern_exclusions: None,
    };
    let simple = SimpleRecurrence { pattern, range };
    Some(Recurrence {
        original: Some("simple".into()),
        ical: Some(IcalRecurrence {
            rules: vec![rrule::render(&simple, zone_name.as_deref())],
            recurrence_start,
        }),
        simple: Some(simple),
    })
}

/// The local date and IANA zone an `EventDateTime` stands for.
pub fn local_date(w: &EventDateTime) -> Option<(NaiveDate, Option<String>)> {
    if let Some(d) = &w.date_only {
        return Some((
            NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?,
            w.timezone.clone(),
        ));
    }
    let t = DateTime::parse_from_rfc3339(w.date_time.as_deref()?).ok()?;
    let date = match w.timezone.as_deref().and_then(zone) {
        Some(tz) => t.with_timezone(&tz).date_naive(),
        None => t.date_naive(),
    };
    Some((date, w.timezone.clone()))
}

fn check_days(days: &[String]) -> Result<Vec<String>, ProviderError> {
    days.iter()
        .map(|d| {
            let d = d.to_lowercase();
            DAYS.contains(&d.as_str())
                .then_some(d.clone())
                .ok_or_else(|| unsupported(format!("'{d}' is not a day of the week")))
        })
        .collect()
}

/// A rule to write; the series starts with `event_start` unless the range names its own start.
pub fn to_graph(
    rec: &Recurrence,
    event_start: Option<&EventDateTime>,
) -> Result<Value, ProviderError> {
    let simple = match (&rec.simple, &rec.ical) {
        (Some(s), _) => s.clone(),
        (None, Some(ical)) => {
            let mut s = rrule::parse(&ical.rules)?;
            s.range.recurrence_start = ical.recurrence_start.clone();
            s
        }
        (None, None) => return Err(unsupported("recurrence needs simple or ical".into())),
    };
    let start = simple
        .range
        .recurrence_start
        .as_ref()
        .or(event_start)
        .ok_or_else(|| {
            unsupported(
                "a recurring event needs start (or recurrence.simple.range.recurrenceStart)".into(),
            )
        })?;
    let (first, zone_name) = local_date(start).ok_or_else(|| {
        unsupported("recurrenceStart is not a valid date or RFC 3339 time".into())
    })?;
    let p = &simple.pattern;
    let kind = swap(FREQUENCIES, &p.frequency, false).ok_or_else(|| {
        unsupported(format!(
            "frequency '{}' is not one of daily, weekly, monthly, monthlyRelative, yearly, yearlyRelative",
            p.frequency
        ))
    })?;
    let interval = p.interval.unwrap_or(1);
    if !(1..=999).contains(&interval) {
        return Err(unsupported("interval must be between 1 and 999".into()));
    }
    let mut pattern = json!({ "type": kind, "interval": interval });
    let start_day = DAYS[first.weekday().num_days_from_monday() as usize].to_string();
    let days = check_days(p.days_of_week.as_deref().unwrap_or_default())?;
    match kind {
        "weekly" => {
            let days = if days.is_empty() {
                vec![start_day]
            } else {
                days
            };
            pattern["daysOfWeek"] = json!(days);
            pattern["firstDayOfWeek"] = json!(p.week_start.as_deref().unwrap_or("sunday"));
        }
        "relativeMonthly" | "relativeYearly" => {
            if days.is_empty() {
                return Err(unsupported(format!("{} needs daysOfWeek", p.frequency)));
            }
            let index = p.instance.as_deref().unwrap_or("first");
            if !INSTANCES.contains(&index) {
                return Err(unsupported(format!(
                    "instance '{index}' is not one of first, second, third, fourth, last"
                )));
            }
            pattern["daysOfWeek"] = json!(days);
            pattern["index"] = json!(index);
        }
        _ => {}
    }
    if matches!(kind, "absoluteMonthly" | "absoluteYearly") {
        let day = p.day_of_month.unwrap_or(first.day());
        if !(1..=31).contains(&day) {
            return Err(unsupported("dayOfMonth must be between 1 and 31".into()));
        }
        pattern["dayOfMonth"] = json!(day);
    }
    if kind.ends_with("Yearly") {
        let month = p.month_of_year.unwrap_or(first.month());
        if !(1..=12).contains(&month) {
            return Err(unsupported("monthOfYear must be between 1 and 12".into()));
        }
        pattern["month"] = json!(month);
    }
    let r = &simple.range;
    let range_kind = r.kind.clone().unwrap_or_else(|| {
        match (&r.recurrence_end, r.count) {
            (Some(_), _) => "byDate",
            (None, Some(_)) => "byCount",
            _ => "unbounded",
        }
        .to_string()
    });
    let graph_kind = swap(RANGES, &range_kind, false).ok_or_else(|| {
        unsupported(format!(
            "range type '{range_kind}' is not one of byDate, byCount, unbounded"
        ))
    })?;
    let mut range = json!({ "type": graph_kind, "startDate": first.to_string() });
    if let Some(z) = zone_name.as_deref() {
        range["recurrenceTimeZone"] = json!(outlook_zone(z)?);
    }
    match graph_kind {
        "endDate" => {
            let end = r
                .recurrence_end
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .ok_or_else(|| {
                    unsupported("byDate needs recurrenceEnd as a date like 2024-12-31".into())
                })?;
            if end < first {
                return Err(unsupported(
                    "recurrenceEnd is before the series starts".into(),
                ));
            }
            range["endDate"] = json!(end.to_string());
        }
        "numbered" => {
            let count = r
                .count
                .filter(|c| *c >= 1)
                .ok_or_else(|| unsupported("byCount needs count of at least 1".into()))?;
            range["numberOfOccurrences"] = json!(count);
        }
        _ => {}
    }
    Ok(json!({ "pattern": pattern, "range": range }))
}
