//! Graph `event` ⇄ unified `Event`. Timed events are instants shown in the event's own zone
//! (RFC 3339 with that zone's offset, and its IANA name); all-day events are floating dates.
//! Writes go to Outlook in its Windows zone names.

use crate::model::calendar::{Event, EventDateTime, Organizer, Reminder, ReminderOverride};
use crate::model::normalize_time;
use crate::model::recurrence::OccurrenceInfo;
use crate::model::requests::BodyType;
use crate::providers::error::ProviderError;
use crate::providers::office365::calendar::event_meeting::{meeting_from_graph, meeting_to_graph};
use crate::providers::office365::calendar::event_time::{graph_when, seconds, when};
use crate::providers::office365::calendar::recurrence_map;
use crate::providers::office365::graph::values::{address, bad, lookup, text};
use serde_json::{json, Map, Value};

const SHOW_AS: &[(&str, &str)] = &[
    ("free", "free"),
    ("busy", "busy"),
    ("tentative", "tentative"),
    ("oof", "outOfOffice"),
    ("workingElsewhere", "busy"),
    ("unknown", "unknown"),
];
pub fn from_graph(v: &Value, calendar_id: Option<&str>) -> Event {
    let all_day = v.get("isAllDay").and_then(Value::as_bool).unwrap_or(false);
    let zone_of =
        |key: &str| text(v, key).filter(|z| !z.eq_ignore_ascii_case("tzone://Microsoft/Custom"));
    let meeting = meeting_from_graph(v);
    let has_attachments = v.get("hasAttachments").and_then(Value::as_bool);
    let attachments = v.get("attachments").and_then(Value::as_array).map(|list| {
        list.iter()
            .map(crate::providers::office365::mail::message_map::attachment)
            .collect::<Vec<_>>()
    });
    let reminder = match v.get("isReminderOn").and_then(Value::as_bool) {
        Some(true) => Some(Reminder {
            use_default: Some(false),
            overrides: Some(vec![ReminderOverride {
                minutes: v
                    .get("reminderMinutesBeforeStart")
                    .and_then(Value::as_i64)
                    .unwrap_or(15),
            }]),
        }),
        Some(false) => Some(Reminder {
            use_default: Some(false),
            overrides: Some(vec![]),
        }),
        None => None,
    };
    let start = v
        .get("start")
        .and_then(|s| when(s, all_day, zone_of("originalStartTimeZone").as_deref()));
    let occurrence_info = occurrence(
        v,
        all_day,
        start.as_ref(),
        &zone_of("originalStartTimeZone"),
    );
    Event {
        id: text(v, "id"),
        etag: text(v, "@odata.etag"),
        calendar_id: calendar_id.map(str::to_string),
        created_time: text(v, "createdDateTime").and_then(|t| normalize_time(&t)),
        last_modified_time: text(v, "lastModifiedDateTime").and_then(|t| normalize_time(&t)),
        subject: text(v, "subject"),
        description: v
            .pointer("/body/content")
            .and_then(Value::as_str)
            .map(str::to_string),
        location: v
            .pointer("/location/displayName")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        recurrence: v
            .get("recurrence")
            .filter(|r| r.is_object())
            .and_then(|r| recurrence_map::from_graph(r, start.as_ref())),
        occurrence_info,
        start,
        end: v.get("end").and_then(|e| {
            when(
                e,
                all_day,
                zone_of("originalEndTimeZone")
                    .or(zone_of("originalStartTimeZone"))
                    .as_deref(),
            )
        }),
        organizer: v
            .get("organizer")
            .and_then(address)
            .map(|email_address| Organizer {
                id: None,
                email_address,
            }),
        meeting_info: Some(meeting),
        recurrence_type: text(v, "type").map(|t| {
            match t.as_str() {
                "seriesMaster" => "master",
                "occurrence" | "exception" => "occurrence",
                _ => "single",
            }
            .to_string()
        }),
        reminder,
        i_cal_uid: text(v, "iCalUId"),
        show_as: text(v, "showAs")
            .and_then(|s| lookup(SHOW_AS, &s))
            .map(str::to_string),
        sensitivity: text(v, "sensitivity"),
        categories: v.get("categories").and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        }),
        html_link: text(v, "webLink"),
        has_attachments,
        omitted: (attachments.is_none() && has_attachments == Some(true))
            .then(|| vec!["attachments".to_string()]),
        attachments,
        global_id: None,
    }
}

/// Where an occurrence or exception sits in its series.
fn occurrence(
    v: &Value,
    all_day: bool,
    start: Option<&EventDateTime>,
    event_zone: &Option<String>,
) -> Option<OccurrenceInfo> {
    let kind = match v.get("type")?.as_str()? {
        "occurrence" => "regular",
        "exception" => "modified",
        _ => return None,
    };
    let original = text(v, "originalStart")
        .map(|t| json!({ "dateTime": t.trim_end_matches('Z'), "timeZone": "UTC" }))
        .and_then(|t| when(&t, all_day, event_zone.as_deref()));
    Some(OccurrenceInfo {
        id: text(v, "id"),
        kind: kind.into(),
        original_start: original,
        start: start.cloned(),
        master_id: text(v, "seriesMasterId"),
    })
}

/// The Graph fields for what `e` gives (on a PATCH, only those change).
pub fn to_graph(e: &Event, body_type: BodyType, creating: bool) -> Result<Value, ProviderError> {
    let mut m = Map::new();
    if let Some(subject) = &e.subject {
        m.insert("subject".into(), json!(subject));
    }
    if let Some(description) = &e.description {
        let kind = if body_type == BodyType::Text {
            "Text"
        } else {
            "HTML"
        };
        m.insert(
            "body".into(),
            json!({ "contentType": kind, "content": description }),
        );
    }
    if let Some(location) = &e.location {
        m.insert("location".into(), json!({ "displayName": location }));
    }
    match (&e.start, &e.end) {
        (Some(start), Some(end)) => {
            let (s, s_all_day) = graph_when("start", start)?;
            let (en, e_all_day) = graph_when("end", end)?;
            if s_all_day != e_all_day {
                return Err(bad(
                    "start and end must both be dateOnly (all-day) or both dateTime",
                ));
            }
            if seconds(end) <= seconds(start) {
                return Err(bad(
                    "end must be after start (for all-day events, the day after the last day)",
                ));
            }
            m.insert("start".into(), s);
            m.insert("end".into(), en);
            m.insert("isAllDay".into(), json!(s_all_day));
        }
        (None, None) if !creating => {}
        _ => return Err(bad("give both start and end")),
    }
    if let Some(recurrence) = &e.recurrence {
        m.insert(
            "recurrence".into(),
            recurrence_map::to_graph(recurrence, e.start.as_ref())?,
        );
    }
    if let Some(info) = &e.meeting_info {
        meeting_to_graph(info, &mut m)?;
    }
    if e.attachments.as_ref().is_some_and(|a| !a.is_empty()) {
        return Err(bad("attachments: an event's attachments cannot be written here yet; add them through the direct API (POST /v1/direct/me/events/{id}/attachments)"));
    }
    if let Some(show) = &e.show_as {
        let graph = SHOW_AS
            .iter()
            .find(|(_, ours)| ours == show)
            .map(|(g, _)| *g)
            .ok_or_else(|| {
                bad(format!(
                    "showAs '{show}' is not one of free, busy, tentative, outOfOffice, unknown"
                ))
            })?;
        m.insert("showAs".into(), json!(graph));
    }
    if let Some(sensitivity) = &e.sensitivity {
        if !matches!(
            sensitivity.as_str(),
            "normal" | "private" | "personal" | "confidential"
        ) {
            return Err(bad(format!(
                "sensitivity '{sensitivity}' is not one of normal, private, personal, confidential"
            )));
        }
        m.insert("sensitivity".into(), json!(sensitivity));
    }
    if let Some(categories) = &e.categories {
        m.insert("categories".into(), json!(categories));
    }
    if let Some(reminder) = &e.reminder {
        match (reminder.use_default, reminder.overrides.as_deref()) {
            (_, Some([])) => {
                m.insert("isReminderOn".into(), json!(false));
            }
            (_, Some([one])) => {
                m.insert("isReminderOn".into(), json!(true));
                m.insert("reminderMinutesBeforeStart".into(), json!(one.minutes));
            }
            (_, Some(_)) => return Err(bad("Outlook keeps one reminder per event")),
            (Some(true), None) => {
                m.insert("isReminderOn".into(), json!(true));
            }
            _ => {}
        }
    }
    Ok(Value::Object(m))
}
