//! Microsoft To Do: lists (a default one and Flagged Emails per user) and tasks, with due dates
//! normalised to UTC as the service does, etags and If-Match.

use super::graph::{conflict, graph_error, require, stale};
use super::FakeMicrosoft;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::TimeZone;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::str::FromStr;

/// Delegated, or an app-only token's roles (on `/users/{id}/todo/…`).
const READ: &[&str] = &[
    "Tasks.Read",
    "Tasks.ReadWrite",
    "Tasks.Read.All",
    "Tasks.ReadWrite.All",
];
const WRITE: &[&str] = &["Tasks.ReadWrite", "Tasks.ReadWrite.All"];
const WRITABLE: &[&str] = &[
    "title",
    "body",
    "importance",
    "status",
    "dueDateTime",
    "startDateTime",
    "reminderDateTime",
    "categories",
    "isReminderOn",
    "completedDateTime",
];

fn not_found() -> Response {
    graph_error(
        StatusCode::NOT_FOUND,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

fn etag() -> String {
    format!(
        "W/\"xzyPKP0BiUGgld+lMKXwb{}\"",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    )
}

/// Seven fractional digits, as To Do writes its timestamps.
fn stamp() -> String {
    let now = chrono::Utc::now();
    format!(
        "{}.{:07}Z",
        now.format("%Y-%m-%dT%H:%M:%S"),
        now.timestamp_subsec_nanos() / 100
    )
}

/// `{"dateTime", "timeZone"}` in any zone → the same instant in UTC.
fn to_utc(v: &Value) -> Option<Value> {
    let local =
        chrono::NaiveDateTime::parse_from_str(v["dateTime"].as_str()?, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()?;
    let zone = v["timeZone"].as_str().unwrap_or("UTC");
    let tz: chrono_tz::Tz = if zone == "UTC" {
        chrono_tz::UTC
    } else {
        windows_timezones::WindowsTimezone::from_str(zone)
            .ok()?
            .into()
    };
    let utc = tz
        .from_local_datetime(&local)
        .earliest()?
        .with_timezone(&chrono::Utc);
    Some(
        json!({ "dateTime": utc.format("%Y-%m-%dT%H:%M:%S.0000000").to_string(), "timeZone": "UTC" }),
    )
}

pub(super) fn default_lists() -> Vec<Value> {
    [("Tasks", "defaultList"), ("Flagged Emails", "flaggedEmails")]
        .iter()
        .map(|(name, wellknown)| json!({ "@odata.etag": etag(), "id": format!("AAMkADIy{wellknown}="), "displayName": name, "isOwner": true, "isShared": false, "wellknownListName": wellknown }))
        .collect()
}

fn page(
    fake: &FakeMicrosoft,
    all: Vec<Value>,
    q: &HashMap<String, String>,
    path: &str,
) -> Response {
    let top: usize = q.get("$top").and_then(|t| t.parse().ok()).unwrap_or(10);
    let skip: usize = q.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut body = json!({ "value": all.iter().skip(skip).take(top).collect::<Vec<_>>() });
    if skip + top < all.len() {
        body["@odata.nextLink"] = json!(format!(
            "{}{path}?%24top={top}&%24skip={}",
            fake.base_url,
            skip + top
        ));
    }
    Json(body).into_response()
}

pub(super) async fn lists(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let all = fake.with(|i| i.todo_lists.get(&email).cloned().unwrap_or_default());
    if !q.contains_key("$top") {
        // Graph's quirk: without `$top`, the first lists and no nextLink to the others.
        let first: Vec<Value> = all.into_iter().take(16).collect();
        return Json(json!({ "value": first })).into_response();
    }
    page(&fake, all, &q, "/v1.0/me/todo/lists")
}

pub(super) async fn create_list(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(name) = body["displayName"].as_str() else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            "displayName is required.",
        );
    };
    let list = json!({ "@odata.etag": etag(), "id": format!("AAMkADIylist{}=", uuid::Uuid::new_v4().simple()), "displayName": name, "isOwner": true, "isShared": false, "wellknownListName": "none" });
    fake.with(|i| i.todo_lists.entry(email).or_default().push(list.clone()));
    (StatusCode::CREATED, Json(list)).into_response()
}

pub(super) fn find_list(fake: &FakeMicrosoft, email: &str, id: &str) -> Option<Value> {
    fake.with(|i| {
        i.todo_lists
            .get(email)
            .and_then(|ls| ls.iter().find(|l| l["id"] == id).cloned())
    })
}

pub(super) async fn list(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    find_list(&fake, &email, &id).map_or_else(not_found, |l| Json(l).into_response())
}

pub(super) async fn update_list(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(current) = find_list(&fake, &email, &id) else {
        return not_found();
    };
    if stale(&headers, &current) {
        return conflict();
    }
    let updated = fake.with(|i| {
        let l = i
            .todo_lists
            .get_mut(&email)?
            .iter_mut()
            .find(|l| l["id"] == id.as_str())?;
        l["displayName"] = body["displayName"].clone();
        l["@odata.etag"] = json!(etag());
        Some(l.clone())
    });
    updated.map_or_else(not_found, |l| Json(l).into_response())
}

pub(super) async fn delete_list(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(current) = find_list(&fake, &email, &id) else {
        return not_found();
    };
    if current["wellknownListName"] != "none" {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            "A well-known list cannot be deleted.",
        );
    }
    fake.with(|i| {
        i.todo_lists
            .get_mut(&email)
            .map(|ls| ls.retain(|l| l["id"] != id.as_str()))
    });
    StatusCode::NO_CONTENT.into_response()
}

/// Applies what the client sent to a task, as To Do stores it.
fn apply(task: &mut Value, body: &serde_json::Map<String, Value>) -> Result<(), Response> {
    if let Some(bad) = body.keys().find(|k| !WRITABLE.contains(&k.as_str())) {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            &format!("Property '{bad}' cannot be written."),
        ));
    }
    for (k, v) in body {
        task[k] = match k.as_str() {
            "dueDateTime" | "startDateTime" | "reminderDateTime" if !v.is_null() => to_utc(v)
                .ok_or_else(|| {
                    graph_error(
                        StatusCode::BAD_REQUEST,
                        "invalidRequest",
                        "Invalid dateTimeTimeZone.",
                    )
                })?,
            _ => v.clone(),
        };
    }
    if body.contains_key("status") {
        task["completedDateTime"] = if task["status"] == "completed" {
            json!({ "dateTime": chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S.0000000").to_string(), "timeZone": "UTC" })
        } else {
            Value::Null
        };
    }
    task["@odata.etag"] = json!(etag());
    task["lastModifiedDateTime"] = json!(stamp());
    // Absent dateTimeTimeZone properties are omitted, not null.
    if let Some(o) = task.as_object_mut() {
        o.retain(|_, v| !v.is_null());
    }
    Ok(())
}

pub(super) async fn tasks(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(list): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    if find_list(&fake, &email, &list).is_none() {
        return not_found();
    }
    let all = fake.with(|i| {
        i.todo_tasks
            .get(&(email.clone(), list.clone()))
            .cloned()
            .unwrap_or_default()
    });
    page(&fake, all, &q, &format!("/v1.0/me/todo/lists/{list}/tasks"))
}

pub(super) async fn create_task(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(list): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    if find_list(&fake, &email, &list).is_none() {
        return not_found();
    }
    let Some(fields) = body
        .as_object()
        .filter(|f| f.get("title").and_then(Value::as_str).is_some())
    else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "invalidRequest",
            "title is required.",
        );
    };
    let mut task = json!({ "id": format!("AQMkADAwATM0task{}", uuid::Uuid::new_v4().simple()), "importance": "normal", "isReminderOn": false,
        "status": "notStarted", "createdDateTime": stamp(), "categories": [], "body": { "content": "", "contentType": "text" }, "linkedResources": [] });
    if let Err(r) = apply(&mut task, fields) {
        return r;
    }
    fake.with(|i| {
        i.todo_tasks
            .entry((email, list))
            .or_default()
            .push(task.clone())
    });
    (StatusCode::CREATED, Json(task)).into_response()
}

fn find_task(fake: &FakeMicrosoft, email: &str, list: &str, id: &str) -> Option<Value> {
    fake.with(|i| {
        i.todo_tasks
            .get(&(email.to_string(), list.to_string()))
            .and_then(|ts| ts.iter().find(|t| t["id"] == id).cloned())
    })
}

pub(super) async fn task(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path((list, id)): Path<(String, String)>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    find_task(&fake, &email, &list, &id).map_or_else(not_found, |t| Json(t).into_response())
}

pub(super) async fn update_task(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path((list, id)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(mut current) = find_task(&fake, &email, &list, &id) else {
        return not_found();
    };
    if stale(&headers, &current) {
        return conflict();
    }
    if let Err(r) = apply(&mut current, &body.as_object().cloned().unwrap_or_default()) {
        return r;
    }
    fake.with(|i| {
        if let Some(t) = i
            .todo_tasks
            .get_mut(&(email, list))
            .and_then(|ts| ts.iter_mut().find(|t| t["id"] == id.as_str()))
        {
            *t = current.clone();
        }
    });
    Json(current).into_response()
}

pub(super) async fn delete_task(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path((list, id)): Path<(String, String)>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(current) = find_task(&fake, &email, &list, &id) else {
        return not_found();
    };
    if stale(&headers, &current) {
        return conflict();
    }
    fake.with(|i| {
        i.todo_tasks
            .get_mut(&(email, list))
            .map(|ts| ts.retain(|t| t["id"] != id.as_str()))
    });
    StatusCode::NO_CONTENT.into_response()
}
