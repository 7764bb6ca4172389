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
use crate::providers::office365::calendar::graph_event::GraphEvent;
use crate::providers::office365::calendar::recurrence_map;
use crate::providers::office365::graph::shapes::{nonempty, strings, Text};
use crate::providers::office365::graph::values::{bad, lookup};
use crate::providers::office365::mail::graph_message::GraphAttachment;
use crate::providers::office365::time::DateTimeTimeZone;
use serde_json::{json, Map, Value};

/// The zone Graph names when an event's zone is one Outlook made up (no IANA or Windows name).
const CUSTOM_ZONE: &str = "tzone://Microsoft/Custom";

const SHOW_AS: &[(&str, &str)] = &[
    ("free", "free"),
    ("busy", "busy"),
    ("tentative", "tentative"),
    ("oof", "outOfOffice"),
    ("workingElsewhere", "busy"),
    ("unknown", "unknown"),
];
pub fn from_graph(v: &GraphEvent, calendar_id: Option<&str>) -> Event {
    let all_day = v.is_all_day.unwrap_or(false);
    let zone_of = |zone: &Text| nonempty(zone).filter(|z| !z.eq_ignore_ascii_case(CUSTOM_ZONE));
    let start_zone = zone_of(&v.original_start_time_zone);
    let end_zone = zone_of(&v.original_end_time_zone).or_else(|| start_zone.clone());
    let attachments = v.attachments.as_ref().map(|list| {
        list.iter()
            .map(GraphAttachment::to_unified)
            .collect::<Vec<_>>()
    });
    let reminder = v.is_reminder_on.map(|on| Reminder {
        use_default: Some(false),
        overrides: Some(if on {
            vec![ReminderOverride {
                minutes: v.reminder_minutes_before_start.unwrap_or(15),
            }]
        } else {
            vec![]
        }),
    });
    let start = v
        .start
        .as_ref()
        .and_then(|s| when(s, all_day, start_zone.as_deref()));
    Event {
        id: nonempty(&v.id),
        etag: nonempty(&v.etag),
        calendar_id: calendar_id.map(str::to_string),
        created_time: v.created_date_time.as_deref().and_then(normalize_time),
        last_modified_time: v
            .last_modified_date_time
            .as_deref()
            .and_then(normalize_time),
        subject: nonempty(&v.subject),
        description: v
            .body
            .as_ref()
            .and_then(|b| b.content.as_deref())
            .map(str::to_string),
        location: v.location.as_ref().and_then(|l| nonempty(&l.display_name)),
        recurrence: v
            .recurrence
            .as_ref()
            .and_then(|r| recurrence_map::from_graph(r, start.as_ref())),
        occurrence_info: occurrence(v, all_day, start.as_ref(), start_zone.as_deref()),
        end: v
            .end
            .as_ref()
            .and_then(|e| when(e, all_day, end_zone.as_deref())),
        start,
        organizer: v
            .organizer
            .as_ref()
            .and_then(|o| o.email_address.as_ref()?.address_in())
            .map(|email_address| Organizer {
                id: None,
                email_address,
            }),
        meeting_info: Some(meeting_from_graph(v)),
        recurrence_type: nonempty(&v.kind).map(|t| {
            match t.as_str() {
                "seriesMaster" => "master",
                "occurrence" | "exception" => "occurrence",
                _ => "single",
            }
            .to_string()
        }),
        reminder,
        i_cal_uid: nonempty(&v.ical_uid),
        show_as: v
            .show_as
            .as_deref()
            .and_then(|s| lookup(SHOW_AS, s))
            .map(str::to_string),
        sensitivity: nonempty(&v.sensitivity),
        categories: v.categories.is_some().then(|| strings(&v.categories)),
        html_link: nonempty(&v.web_link),
        has_attachments: v.has_attachments,
        omitted: (attachments.is_none() && v.has_attachments == Some(true))
            .then(|| vec!["attachments".to_string()]),
        attachments,
        global_id: None,
    }
}

/// Where an occurrence or exception sits in its series.
fn occurrence(
    v: &GraphEvent,
    all_day: bool,
    start: Option<&EventDateTime>,
    event_zone: Option<&str>,
) -> Option<OccurrenceInfo> {
    let kind = match v.kind.as_deref()? {
        "occurrence" => "regular",
        "exception" => "modified",
        _ => return None,
    };
    let original = nonempty(&v.original_start).and_then(|t| {
        let planned = DateTimeTimeZone {
            date_time: Some(t.trim_end_matches('Z').into()),
            time_zone: Some("UTC".into()),
        };
        when(&planned, all_day, event_zone)
    });
    Some(OccurrenceInfo {
        id: nonempty(&v.id),
        kind: kind.into(),
        original_start: original,
        start: start.cloned(),
        master_id: nonempty(&v.series_master_id),
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
