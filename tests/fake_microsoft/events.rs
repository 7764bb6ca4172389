//! Graph events: created with Outlook's defaults, read in the caller's zone, changed with
//! If-Match, deleted, answered.

use super::calendar::{calendar_id, etag, not_found, shown, stamp, wanted_zone};
use super::fixtures::utc_of;
use super::graph::{conflict, graph_error, require, stale};
use super::series;
use super::FakeMicrosoft;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

const WRITE: &[&str] = &["Calendars.ReadWrite"];
const READ: &[&str] = &["Calendars.Read", "Calendars.ReadWrite"];

pub(super) async fn create_event(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    p: Option<Path<String>>,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(cal) = calendar_id(&fake, &email, p.as_ref().map(|Path(k)| k.as_str())) else {
        return not_found();
    };
    if utc_of(&body["start"]).is_none() || utc_of(&body["end"]).is_none() {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "ErrorInvalidRequest",
            "start and end are required, with a known time zone.",
        );
    }
    let name = fake
        .with(|i| {
            i.users
                .iter()
                .find(|u| u.email == email)
                .map(|u| u.name.clone())
        })
        .unwrap_or_default();
    let online = body["isOnlineMeeting"] == true;
    let mut e = json!({
        "id": format!("AAMkAGI1event{}=", uuid::Uuid::new_v4().simple()), "@odata.etag": etag(), "createdDateTime": stamp(), "lastModifiedDateTime": stamp(),
        "iCalUId": format!("040000008200E00074C5B7101A82E008{}", uuid::Uuid::new_v4().simple().to_string().to_uppercase()),
        "type": "singleInstance", "isOrganizer": true, "isCancelled": false, "isAllDay": false, "showAs": "busy", "sensitivity": "normal",
        "importance": "normal", "isReminderOn": true, "reminderMinutesBeforeStart": 15, "hasAttachments": false, "categories": [],
        "responseStatus": { "response": "organizer", "time": "0001-01-01T00:00:00Z" }, "attendees": [],
        "organizer": { "emailAddress": { "name": name, "address": email } }, "location": { "displayName": "" },
        "body": { "contentType": "html", "content": "" }, "isOnlineMeeting": online,
        "onlineMeetingProvider": if online { "teamsForBusiness" } else { "unknown" },
        "onlineMeeting": if online { json!({ "joinUrl": "https://teams.microsoft.com/l/meetup-join/fake", "conferenceId": "123456789" }) } else { Value::Null },
        "_calendar": cal,
    });
    apply(&mut e, &body);
    if body["recurrence"].is_object() {
        e["type"] = json!("seriesMaster");
    }
    e["webLink"] = json!(format!(
        "https://outlook.office365.com/owa/?itemid={}&exvsurl=1&path=/calendar/item",
        e["id"].as_str().unwrap()
    ));
    // Graph ignores `Prefer: outlook.timezone` here and answers in the event's own zone.
    let own_zone = e["originalStartTimeZone"]
        .as_str()
        .unwrap_or("UTC")
        .to_string();
    let shown_event = shown(&e, &own_zone);
    fake.with(|i| i.events.entry(email).or_default().push(e));
    (StatusCode::CREATED, Json(shown_event)).into_response()
}

fn apply(e: &mut Value, body: &Value) {
    for (k, v) in body.as_object().into_iter().flatten() {
        e[k] = match k.as_str() {
            "attendees" => json!(v
                .as_array()
                .into_iter()
                .flatten()
                .map(|a| {
                    let mut a = a.clone();
                    a["status"] = json!({"response": "none", "time": "0001-01-01T00:00:00Z"});
                    a
                })
                .collect::<Vec<_>>()),
            "body" => {
                json!({ "contentType": v["contentType"].as_str().unwrap_or("html").to_lowercase(), "content": v["content"] })
            }
            _ => v.clone(),
        };
    }
    if let Some(z) = body["start"]["timeZone"].as_str() {
        e["originalStartTimeZone"] = json!(z);
    }
    if let Some(z) = body["end"]["timeZone"].as_str() {
        e["originalEndTimeZone"] = json!(z);
    }
}

/// A stored event, or an occurrence computed from its series.
fn find_event(fake: &FakeMicrosoft, email: &str, cal: &str, id: &str) -> Option<Value> {
    let events: Vec<Value> = fake
        .with(|i| i.events.get(email).cloned())
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e["_calendar"] == cal)
        .collect();
    events
        .iter()
        .find(|e| e["id"] == id)
        .cloned()
        .or_else(|| series::computed(&events, id))
}

/// `/me/calendar/events/{id}…` or `/me/calendars/{cal}/events/{id}…`.
fn keys(p: &HashMap<String, String>) -> (Option<&str>, &str) {
    (
        p.get("cal").map(String::as_str),
        p.get("id").map(String::as_str).unwrap_or_default(),
    )
}

pub(super) async fn event(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(p): Path<HashMap<String, String>>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let (cal, id) = keys(&p);
    let Some(cal) = calendar_id(&fake, &email, cal) else {
        return not_found();
    };
    find_event(&fake, &email, &cal, id).map_or_else(not_found, |e| {
        let shown = shown(&e, &wanted_zone(&headers));
        let expanded = super::mail_read::expand(shown, &e, q.get("$expand").map(String::as_str));
        Json(expanded).into_response()
    })
}

pub(super) async fn update_event(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(p): Path<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let (cal, id) = keys(&p);
    let Some(cal) = calendar_id(&fake, &email, cal) else {
        return not_found();
    };
    let Some(mut e) = find_event(&fake, &email, &cal, id) else {
        return not_found();
    };
    if stale(&headers, &e) {
        return conflict();
    }
    apply(&mut e, &body);
    e["@odata.etag"] = json!(etag());
    e["lastModifiedDateTime"] = json!(stamp());
    if e["type"] == "occurrence" {
        e["type"] = json!("exception");
    }
    fake.with(|i| {
        let es = i.events.entry(email.clone()).or_default();
        match es.iter_mut().find(|x| x["id"] == id) {
            Some(slot) => *slot = e.clone(),
            None => es.push(e.clone()),
        }
    });
    // Graph answers an update in UTC, whatever `Prefer: outlook.timezone` asked for.
    Json(shown(&e, "UTC")).into_response()
}

pub(super) async fn delete_event(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let (cal, id) = keys(&p);
    let Some(cal) = calendar_id(&fake, &email, cal) else {
        return not_found();
    };
    match find_event(&fake, &email, &cal, id) {
        None => return not_found(),
        Some(e) if stale(&headers, &e) => return conflict(),
        Some(_) => {}
    }
    let occurrence = series::occurrence_day(id);
    fake.with(|i| {
        let es = i.events.entry(email.clone()).or_default();
        es.retain(|e| e["id"] != id && e["seriesMasterId"] != id);
        if let Some((master, day)) = occurrence {
            if let Some(m) = es.iter_mut().find(|e| e["id"] == master.as_str()) {
                if !m["_cancelled"].is_array() {
                    m["_cancelled"] = json!([]);
                }
                m["_cancelled"].as_array_mut().unwrap().push(json!(day));
            }
        }
    });
    StatusCode::NO_CONTENT.into_response()
}

pub(super) async fn respond(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(p): Path<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let (cal, id) = keys(&p);
    let Some(cal) = calendar_id(&fake, &email, cal) else {
        return not_found();
    };
    let response = match p.get("action").map(String::as_str) {
        Some("accept") => "accepted",
        Some("tentativelyAccept") => "tentativelyAccepted",
        Some("decline") => "declined",
        _ => return not_found(),
    };
    let done = fake.with(|i| {
        let e = i
            .events
            .get_mut(&email)?
            .iter_mut()
            .find(|e| e["id"] == id && e["_calendar"] == cal.as_str())?;
        e["responseStatus"] = json!({ "response": response, "time": stamp() });
        e["_lastComment"] = body["comment"].clone();
        e["_sendResponse"] = body["sendResponse"].clone();
        Some(())
    });
    done.map_or_else(not_found, |_| StatusCode::ACCEPTED.into_response())
}

/// `GET …/events?$filter=iCalUId eq '…' or iCalUId eq '…'`: the one filter the fake understands
/// here; pages of 10 unless `$top` says otherwise, with `%24skip` nextLinks.
pub(super) async fn list(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    p: Option<Path<HashMap<String, String>>>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let cal = p.as_ref().and_then(|Path(m)| m.get("cal").cloned());
    let Some(cal) = calendar_id(&fake, &email, cal.as_deref()) else {
        return not_found();
    };
    let wanted: Option<Vec<String>> = q.get("$filter").map(|f| {
        f.split(" or ")
            .filter_map(|c| c.trim().strip_prefix("iCalUId eq '")?.strip_suffix('\''))
            .map(|v| v.replace("''", "'"))
            .collect()
    });
    let clauses = q.get("$filter").map_or(0, |f| f.split(" or ").count());
    if wanted.as_ref().is_some_and(|w| w.len() != clauses) {
        return graph_error(StatusCode::BAD_REQUEST, "BadRequest", "Unsupported filter.");
    }
    let zone = wanted_zone(&headers);
    let events: Vec<Value> = fake
        .with(|i| i.events.get(&email).cloned().unwrap_or_default())
        .into_iter()
        .filter(|e| {
            e["_calendar"] == cal.as_str()
                && wanted
                    .as_ref()
                    .is_none_or(|w| w.iter().any(|uid| e["iCalUId"] == uid.as_str()))
        })
        .map(|e| shown(&e, &zone))
        .collect();
    let top: usize = q.get("$top").and_then(|t| t.parse().ok()).unwrap_or(10);
    let skip: usize = q.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut body = json!({ "value": events.iter().skip(skip).take(top).collect::<Vec<_>>() });
    if skip + top < events.len() {
        let mut link =
            url::Url::parse(&format!("{}/v1.0/me/calendars/{cal}/events", fake.base_url)).unwrap();
        if let Some(f) = q.get("$filter") {
            link.query_pairs_mut().append_pair("$filter", f);
        }
        link.query_pairs_mut()
            .append_pair("$top", &top.to_string())
            .append_pair("$skip", &(skip + top).to_string());
        body["@odata.nextLink"] = json!(link.as_str().replace("%24", "$").replace('$', "%24"));
    }
    Json(body).into_response()
}

pub(super) async fn attachment(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(p): Path<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let (cal, id) = keys(&p);
    let Some(cal) = calendar_id(&fake, &email, cal) else {
        return not_found();
    };
    let wanted = p.get("attachment").cloned().unwrap_or_default();
    let found = find_event(&fake, &email, &cal, id).and_then(|e| {
        e["_attachments"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["id"] == wanted.as_str()).cloned())
    });
    found.map_or_else(not_found, |a| Json(a).into_response())
}

/// `GET …/events/{id}/instances?startDateTime&endDateTime`: a series' occurrences and exceptions.
pub(super) async fn instances(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(p): Path<HashMap<String, String>>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let (cal, id) = keys(&p);
    let Some(cal) = calendar_id(&fake, &email, cal) else {
        return not_found();
    };
    if p.get("action").map(String::as_str) != Some("instances") {
        return not_found();
    }
    let window = |k: &str| {
        q.get(k)
            .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let (Some(from), Some(to)) = (window("startDateTime"), window("endDateTime")) else {
        return graph_error(StatusCode::BAD_REQUEST, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
    };
    let Some(master) = find_event(&fake, &email, &cal, id).filter(|m| m["type"] == "seriesMaster")
    else {
        return not_found();
    };
    let events: Vec<Value> = fake
        .with(|i| i.events.get(&email).cloned())
        .unwrap_or_default()
        .into_iter()
        .filter(|e| e["_calendar"] == cal.as_str())
        .collect();
    let zone = wanted_zone(&headers);
    let mut hits: Vec<Value> = series::expanded(&events)
        .into_iter()
        .filter(|e| e["seriesMasterId"] == master["id"])
        .filter(|e| {
            utc_of(&e["end"]).is_some_and(|end| end > from)
                && utc_of(&e["start"]).is_some_and(|start| start < to)
        })
        .collect();
    hits.sort_by_key(|e| utc_of(&e["start"]));
    Json(json!({ "value": hits.iter().map(|e| shown(e, &zone)).collect::<Vec<_>>() }))
        .into_response()
}
