//! Recurring series as Outlook keeps them: a `seriesMaster` with a `patternedRecurrence`,
//! occurrences computed from it (ids `{master}_OCC_{yyyymmdd}`), exceptions stored on their own
//! once an occurrence is changed, and cancelled dates once one is deleted.

use super::fixtures::{utc_of, zone_of};
use chrono::{Datelike, Duration, NaiveDate, TimeZone};
use serde_json::{json, Value};

/// The local dates a pattern produces (daily, weekly, absoluteMonthly; any range type).
fn dates(master: &Value) -> Vec<NaiveDate> {
    let r = &master["recurrence"];
    let p = &r["pattern"];
    let interval = p["interval"].as_i64().unwrap_or(1).max(1);
    let Some(first) = r["range"]["startDate"]
        .as_str()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return vec![];
    };
    let last = match r["range"]["type"].as_str() {
        Some("endDate") => r["range"]["endDate"]
            .as_str()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or(first),
        _ => first + Duration::days(3 * 366),
    };
    let limit = match r["range"]["type"].as_str() {
        Some("numbered") => r["range"]["numberOfOccurrences"].as_u64().unwrap_or(1) as usize,
        _ => 2000,
    };
    let weekdays: Vec<String> = p["daysOfWeek"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d.as_str().map(str::to_lowercase))
        .collect();
    let mut out = vec![];
    let mut day = first;
    while day <= last && out.len() < limit {
        let hit = match p["type"].as_str().unwrap_or("daily") {
            "daily" => (day - first).num_days() % interval == 0,
            "weekly" => {
                let week = (day - first).num_days().div_euclid(7);
                let name = day.format("%A").to_string().to_lowercase();
                week % interval == 0 && weekdays.contains(&name)
            }
            "absoluteMonthly" => {
                let months =
                    (day.year() - first.year()) * 12 + day.month() as i32 - first.month() as i32;
                months as i64 % interval == 0
                    && day.day() as u64 == p["dayOfMonth"].as_u64().unwrap_or(1)
            }
            _ => false,
        };
        if hit {
            out.push(day);
        }
        day += Duration::days(1);
    }
    out
}

/// One computed occurrence of `master` on a local date.
fn occurrence(master: &Value, day: NaiveDate) -> Option<Value> {
    let zone = master["start"]["timeZone"].as_str().unwrap_or("UTC");
    let tz = zone_of(zone)?;
    let (start, end) = (utc_of(&master["start"])?, utc_of(&master["end"])?);
    let time = start.with_timezone(&tz).time();
    let at = tz.from_local_datetime(&day.and_time(time)).earliest()?;
    let utc = at.with_timezone(&chrono::Utc);
    let fmt = |t: chrono::DateTime<chrono::Utc>| json!({ "dateTime": t.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S.0000000").to_string(), "timeZone": zone });
    let mut o = master.clone();
    o["id"] = json!(format!(
        "{}_OCC_{}",
        master["id"].as_str()?,
        day.format("%Y%m%d")
    ));
    o["type"] = json!("occurrence");
    o["seriesMasterId"] = master["id"].clone();
    o["recurrence"] = Value::Null;
    o["originalStart"] = json!(utc.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    o["start"] = fmt(utc);
    o["end"] = fmt(utc + (end - start));
    Some(o)
}

/// Everything a calendar shows: single events, exceptions, and each master's occurrences
/// except the cancelled ones and those replaced by exceptions.
pub(super) fn expanded(events: &[Value]) -> Vec<Value> {
    let mut out = vec![];
    for e in events {
        if e["type"] != "seriesMaster" {
            out.push(e.clone());
            continue;
        }
        for day in dates(e) {
            let Some(o) = occurrence(e, day) else {
                continue;
            };
            let cancelled = e["_cancelled"]
                .as_array()
                .is_some_and(|c| c.iter().any(|d| d == &json!(day.to_string())));
            let replaced = events.iter().any(|x| x["id"] == o["id"]);
            if !cancelled && !replaced {
                out.push(o);
            }
        }
    }
    out
}

/// A computed occurrence by id, if its master still has it.
pub(super) fn computed(events: &[Value], id: &str) -> Option<Value> {
    let (master_id, _) = occurrence_day(id)?;
    let master = events.iter().find(|e| e["id"] == master_id.as_str())?;
    expanded(std::slice::from_ref(master))
        .into_iter()
        .find(|o| o["id"] == id)
}

/// The local date an occurrence id stands for.
pub(super) fn occurrence_day(id: &str) -> Option<(String, String)> {
    let (master, day) = id.split_once("_OCC_")?;
    let day = NaiveDate::parse_from_str(day, "%Y%m%d").ok()?;
    Some((master.to_string(), day.to_string()))
}
