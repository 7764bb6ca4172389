//! Graph calendars: `calendarView` needs both bounds and returns what overlaps; times
//! come back in the zone of `Prefer: outlook.timezone` (UTC otherwise) with the original zones
//! kept; all-day events stay on their dates; etags, If-Match and responses.

use super::fixtures::{utc_of, zone_of};
use super::graph::{graph_error, require};
use super::FakeMicrosoft;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

const READ: &[&str] = &["Calendars.Read", "Calendars.ReadWrite"];
const WRITE: &[&str] = &["Calendars.ReadWrite"];

pub(super) fn not_found() -> Response {
    graph_error(
        StatusCode::NOT_FOUND,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

pub(super) fn etag() -> String {
    format!(
        "W/\"ZlnW4RIAV06KYYwlrfNZvQAA{}\"",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

pub(super) fn stamp() -> String {
    let now = chrono::Utc::now();
    format!(
        "{}.{:07}Z",
        now.format("%Y-%m-%dT%H:%M:%S"),
        now.timestamp_subsec_nanos() / 100
    )
}

pub(super) fn default_calendar(email: &str, name: &str) -> Value {
    json!({ "id": format!("AAMkCal{}=", email.replace(['@', '.'], "")), "name": "Calendar", "color": "auto", "hexColor": "",
            "isDefaultCalendar": true, "canEdit": true, "canShare": true, "canViewPrivateItems": true,
            "owner": { "name": name, "address": email } })
}

/// The calendar a path names: `None` is the default one.
pub(super) fn calendar_id(fake: &FakeMicrosoft, email: &str, key: Option<&str>) -> Option<String> {
    fake.with(|i| {
        let all = i.calendars.get(email)?;
        let found = match key {
            None => all.iter().find(|c| c["isDefaultCalendar"] == true),
            Some(k) => all.iter().find(|c| c["id"] == k),
        };
        found.map(|c| c["id"].as_str().unwrap().to_string())
    })
}

pub(super) fn wanted_zone(headers: &HeaderMap) -> String {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix("outlook.timezone=")
                .map(|z| z.trim_matches('"').to_string())
        })
        .unwrap_or_else(|| "UTC".into())
}

/// What a client sees: times in its zone, private fields gone.
pub(super) fn shown(e: &Value, zone: &str) -> Value {
    let mut out = e.clone();
    let tz = zone_of(zone).unwrap_or(chrono_tz::UTC);
    for key in ["start", "end"] {
        if e["isAllDay"] == true {
            out[key]["timeZone"] = json!(zone);
        } else if let Some(t) = utc_of(&e[key]) {
            out[key] = json!({ "dateTime": t.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S.0000000").to_string(), "timeZone": zone });
        }
    }
    if let Some(o) = out.as_object_mut() {
        o.retain(|k, _| !k.starts_with('_'));
    }
    out
}

pub(super) async fn calendars(State(fake): State<FakeMicrosoft>, headers: HeaderMap) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    Json(json!({ "value": fake.with(|i| i.calendars.get(&email).cloned().unwrap_or_default()) }))
        .into_response()
}

pub(super) async fn create_calendar(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(name) = body["name"].as_str() else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "ErrorInvalidParameter",
            "name is required.",
        );
    };
    let c = json!({ "id": format!("AAMkCal{}=", uuid::Uuid::new_v4().simple()), "name": name, "color": body.get("color").cloned().unwrap_or(json!("auto")),
                    "hexColor": "", "isDefaultCalendar": false, "canEdit": true, "canShare": true, "owner": { "address": email } });
    fake.with(|i| i.calendars.entry(email).or_default().push(c.clone()));
    (StatusCode::CREATED, Json(c)).into_response()
}

pub(super) async fn calendar(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    p: Option<Path<String>>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(id) = calendar_id(&fake, &email, p.as_ref().map(|Path(k)| k.as_str())) else {
        return not_found();
    };
    fake.with(|i| {
        i.calendars[&email]
            .iter()
            .find(|c| c["id"] == id.as_str())
            .cloned()
    })
    .map_or_else(not_found, |c| Json(c).into_response())
}

pub(super) async fn update_calendar(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    p: Option<Path<String>>,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(id) = calendar_id(&fake, &email, p.as_ref().map(|Path(k)| k.as_str())) else {
        return not_found();
    };
    let updated = fake.with(|i| {
        let c = i
            .calendars
            .get_mut(&email)?
            .iter_mut()
            .find(|c| c["id"] == id.as_str())?;
        for key in ["name", "color"] {
            if let Some(v) = body.get(key) {
                c[key] = v.clone();
            }
        }
        Some(c.clone())
    });
    updated.map_or_else(not_found, |c| Json(c).into_response())
}

pub(super) async fn calendar_view(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    p: Option<Path<String>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(cal) = calendar_id(&fake, &email, p.as_ref().map(|Path(k)| k.as_str())) else {
        return not_found();
    };
    let window = |k: &str| {
        q.get(k)
            .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    let (Some(from), Some(to)) = (window("startDateTime"), window("endDateTime")) else {
        return graph_error(StatusCode::BAD_REQUEST, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
    };
    let zone = wanted_zone(&headers);
    let mine: Vec<Value> = fake
        .with(|i| i.events.get(&email).cloned().unwrap_or_default())
        .into_iter()
        .filter(|e| e["_calendar"] == cal.as_str())
        .collect();
    let mut hits: Vec<Value> = super::series::expanded(&mine)
        .into_iter()
        .filter(|e| {
            utc_of(&e["end"]).is_some_and(|end| end > from)
                && utc_of(&e["start"]).is_some_and(|start| start < to)
        })
        .collect();
    hits.sort_by_key(|e| utc_of(&e["start"]));
    let top: usize = q.get("$top").and_then(|t| t.parse().ok()).unwrap_or(10);
    let skip: usize = q.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut body = json!({ "value": hits.iter().skip(skip).take(top).map(|e| shown(e, &zone)).collect::<Vec<_>>() });
    if skip + top < hits.len() {
        let keep: String = ["startDateTime", "endDateTime"]
            .iter()
            .map(|k| {
                format!(
                    "{k}={}&",
                    url::form_urlencoded::byte_serialize(q[*k].as_bytes()).collect::<String>()
                )
            })
            .collect();
        body["@odata.nextLink"] = json!(format!(
            "{}/v1.0/me/calendars/{cal}/calendarView?{keep}%24top={top}&%24skip={}",
            fake.base_url,
            skip + top
        ));
    }
    Json(body).into_response()
}
