//! The local dates an Outlook `patternedRecurrence` produces, so a series can say which of its
//! occurrences were deleted (Graph lists only the ones that still exist).

use crate::model::recurrence::DAYS;
use crate::providers::office365::calendar::graph_event::{GraphPattern, GraphRecurrence};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

fn weekdays(p: &GraphPattern) -> Vec<Weekday> {
    p.days_of_week
        .iter()
        .flatten()
        .filter_map(|d| DAYS.iter().position(|x| x.eq_ignore_ascii_case(d)))
        .filter_map(|i| Weekday::try_from(i as u8).ok())
        .collect()
}

/// The day of `month`, or its last day when the month is shorter.
fn day_in(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    (1..=day.min(31))
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(year, month, d))
}

/// The `index` (first…fourth, last) day of `month` that is one of `days`.
fn nth(year: i32, month: u32, days: &[Weekday], index: &str) -> Option<NaiveDate> {
    let all: Vec<NaiveDate> = (1..=31)
        .filter_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .filter(|d| days.contains(&d.weekday()))
        .collect();
    match index {
        "second" => all.get(1),
        "third" => all.get(2),
        "fourth" => all.get(3),
        "last" => all.last(),
        _ => all.first(),
    }
    .copied()
}

/// Dates from `first` (the series start) up to `horizon`, and never more than the range allows.
pub fn dates(recurrence: &GraphRecurrence, first: NaiveDate, horizon: NaiveDate) -> Vec<NaiveDate> {
    let (p, r) = (
        recurrence.pattern.clone().unwrap_or_default(),
        recurrence.range.clone().unwrap_or_default(),
    );
    let interval = p.interval.unwrap_or(1).max(1) as i64;
    let limit = match r.kind.as_deref() {
        Some("numbered") => r.number_of_occurrences.unwrap_or(0) as usize,
        _ => usize::MAX,
    };
    let end = match r.kind.as_deref() {
        Some("endDate") => r
            .end_date
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map_or(horizon, |e| e.min(horizon)),
        _ => horizon,
    };
    let days = weekdays(&p);
    let month = p.month.unwrap_or(first.month());
    let day = p.day_of_month.unwrap_or(first.day());
    let index = p.index.as_deref().unwrap_or("first");
    let mut out = vec![];
    let push = |d: NaiveDate, out: &mut Vec<NaiveDate>| {
        if d >= first && d <= end && out.len() < limit {
            out.push(d);
        }
    };
    let kind = p.kind.as_deref().unwrap_or("daily");
    let mut step = 0i64;
    loop {
        let candidates: Vec<NaiveDate> = match kind {
            "daily" => vec![first + Duration::days(step * interval)],
            "weekly" => {
                let start_of_week = match p.first_day_of_week.as_deref() {
                    Some(d) if d.eq_ignore_ascii_case("monday") => first.week(Weekday::Mon),
                    _ => first.week(Weekday::Sun),
                }
                .first_day()
                    + Duration::weeks(step * interval);
                (0..7)
                    .map(|o| start_of_week + Duration::days(o))
                    .filter(|d| days.contains(&d.weekday()))
                    .collect()
            }
            "absoluteMonthly" | "relativeMonthly" => {
                let months = first.month0() as i64 + step * interval;
                let (y, m) = (
                    first.year() + (months / 12) as i32,
                    (months % 12) as u32 + 1,
                );
                let d = if kind == "absoluteMonthly" {
                    day_in(y, m, day)
                } else {
                    nth(y, m, &days, index)
                };
                d.into_iter().collect()
            }
            "absoluteYearly" | "relativeYearly" => {
                let y = first.year() + (step * interval) as i32;
                let d = if kind == "absoluteYearly" {
                    day_in(y, month, day)
                } else {
                    nth(y, month, &days, index)
                };
                d.into_iter().collect()
            }
            _ => return out,
        };
        if candidates.first().is_some_and(|d| *d > end) || out.len() >= limit || step > 100_000 {
            return out;
        }
        for d in candidates {
            push(d, &mut out);
        }
        step += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(v: serde_json::Value) -> GraphRecurrence {
        serde_json::from_value(v).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn patterns_expand_like_outlook() {
        let weekly = rule(
            json!({"pattern": {"type": "weekly", "interval": 2, "daysOfWeek": ["monday", "thursday"], "firstDayOfWeek": "sunday"}, "range": {"type": "numbered", "numberOfOccurrences": 4}}),
        );
        assert_eq!(
            dates(&weekly, d("2024-01-04"), d("2030-01-01")),
            [
                d("2024-01-04"),
                d("2024-01-15"),
                d("2024-01-18"),
                d("2024-01-29")
            ]
        );
        let last_friday = rule(
            json!({"pattern": {"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["friday"], "index": "last"}, "range": {"type": "endDate", "endDate": "2024-03-31"}}),
        );
        assert_eq!(
            dates(&last_friday, d("2024-01-01"), d("2030-01-01")),
            [d("2024-01-26"), d("2024-02-23"), d("2024-03-29")]
        );
        let monthly_31 = rule(
            json!({"pattern": {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31}, "range": {"type": "noEnd"}}),
        );
        assert_eq!(
            dates(&monthly_31, d("2024-01-31"), d("2024-03-01")),
            [d("2024-01-31"), d("2024-02-29")]
        );
        let yearly = rule(
            json!({"pattern": {"type": "absoluteYearly", "interval": 1, "month": 2, "dayOfMonth": 29}, "range": {"type": "numbered", "numberOfOccurrences": 2}}),
        );
        assert_eq!(
            dates(&yearly, d("2024-02-29"), d("2030-01-01")),
            [d("2024-02-29"), d("2025-02-28")]
        );
    }
}
