//! Graph mail changes: PATCH, DELETE (to Deleted Items), move (a new id unless immutable ids are
//! asked for, as Outlook does), attachments and `$value` (MIME).

use super::graph::{conflict, graph_error, require, stale};
use super::{folder_id, FakeMicrosoft, WELL_KNOWN};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;

fn not_found() -> Response {
    graph_error(
        StatusCode::NOT_FOUND,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

fn denied() -> Response {
    graph_error(
        StatusCode::FORBIDDEN,
        "ErrorAccessDenied",
        "Access is denied. Check credentials and try again.",
    )
}

fn immutable(headers: &HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("IdType=\"ImmutableId\""))
}

/// Runs `f` on the user's message, if it exists.
fn on_message<T>(
    fake: &FakeMicrosoft,
    email: &str,
    id: &str,
    f: impl FnOnce(&mut Value) -> T,
) -> Option<T> {
    fake.with(|i| {
        i.messages
            .get_mut(email)
            .and_then(|ms| ms.iter_mut().find(|m| m["id"] == id))
            .map(f)
    })
}

/// Every change gives an Outlook item a new change key, and so a new etag.
fn renew_change_key(m: &mut Value) {
    let key = format!(
        "CQAAABYAAAC4ofQHEIqCSbQPot83AFcb{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    m["@odata.etag"] = json!(format!("W/\"{key}\""));
    m["changeKey"] = json!(key);
}

/// What a client sees of a stored message.
pub(super) fn public(m: &Value) -> Value {
    let mut m = m.clone();
    if let Some(o) = m.as_object_mut() {
        o.retain(|k, _| !k.starts_with('_'));
    }
    m
}

pub(super) async fn patch(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Ok(Value::Object(changes)) = serde_json::from_slice::<Value>(&body) else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "RequestBodyRead",
            "Invalid JSON in the request body.",
        );
    };
    const WRITABLE: &[&str] = &[
        "isRead",
        "categories",
        "flag",
        "importance",
        "subject",
        "body",
        "toRecipients",
        "ccRecipients",
        "bccRecipients",
        "replyTo",
        "inferenceClassification",
    ];
    if let Some(bad) = changes.keys().find(|k| !WRITABLE.contains(&k.as_str())) {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "ErrorInvalidProperty",
            &format!("The property '{bad}' does not exist or cannot be changed."),
        );
    }
    let updated = on_message(&fake, &email, &id, |m| {
        if stale(&headers, m) {
            return conflict();
        }
        for (k, v) in changes {
            m[&k] = v;
        }
        m["lastModifiedDateTime"] =
            json!(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string());
        renew_change_key(m);
        Json(public(m)).into_response()
    });
    updated.unwrap_or_else(not_found)
}

fn move_to(
    fake: &FakeMicrosoft,
    email: &str,
    id: &str,
    destination: &str,
    keep_id: bool,
) -> Option<Value> {
    let key = destination.to_ascii_lowercase();
    let target = if WELL_KNOWN.iter().any(|(wk, _)| *wk == key) {
        folder_id(email, &key)
    } else {
        destination.to_string()
    };
    on_message(fake, email, id, |m| {
        m["parentFolderId"] = json!(target);
        if !keep_id {
            m["id"] = json!(format!("AAMkAGmoved{}=", uuid::Uuid::new_v4().simple()));
        }
        public(m)
    })
}

pub(super) async fn delete(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    if on_message(&fake, &email, &id, |m| stale(&headers, m)) == Some(true) {
        return conflict();
    }
    match move_to(&fake, &email, &id, "deleteditems", true) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => not_found(),
    }
}

pub(super) async fn move_message(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(destination) = body.get("destinationId").and_then(Value::as_str) else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "ErrorInvalidParameter",
            "destinationId is required.",
        );
    };
    match move_to(&fake, &email, &id, destination, immutable(&headers)) {
        Some(m) => (StatusCode::CREATED, Json(m)).into_response(),
        None => not_found(),
    }
}

pub(super) async fn attachment(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.Read", "Mail.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let found = on_message(&fake, &email, &id, |m| {
        m["_attachments"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["id"] == attachment.as_str()).cloned())
    });
    match found {
        Some(Some(a)) => Json(a).into_response(),
        _ => not_found(),
    }
}

/// The message as MIME, as `$value` returns it.
pub(super) async fn mime(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.Read", "Mail.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(m) = on_message(&fake, &email, &id, |m| m.clone()) else {
        return not_found();
    };
    let addr = |v: &Value| {
        format!(
            "{} <{}>",
            v["emailAddress"]["name"].as_str().unwrap_or_default(),
            v["emailAddress"]["address"].as_str().unwrap_or_default()
        )
    };
    let to: Vec<String> = m["toRecipients"]
        .as_array()
        .map(|a| a.iter().map(addr).collect())
        .unwrap_or_default();
    let subject = m["subject"].as_str().unwrap_or_default();
    let encoded = base64::engine::general_purpose::STANDARD.encode(subject.as_bytes());
    let body = format!(
        "From: {}\r\nTo: {}\r\nSubject: =?utf-8?B?{encoded}?=\r\nMessage-ID: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=\"utf-8\"\r\n\r\n{}\r\n",
        addr(&m["from"]),
        to.join(", "),
        m["internetMessageId"].as_str().unwrap_or_default(),
        m["body"]["content"].as_str().unwrap_or_default()
    );
    ([("content-type", "text/plain")], body).into_response()
}

pub(super) async fn list_attachments(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.Read", "Mail.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let select = q.get("$select");
    match on_message(&fake, &email, &id, |m| {
        let all = m["_attachments"].as_array().cloned().unwrap_or_default();
        match select {
            Some(s) => all.iter().map(|a| super::shape::project(a, s)).collect(),
            None => all,
        }
    }) {
        Some(list) => Json(json!({ "value": list })).into_response(),
        None => not_found(),
    }
}

pub(super) async fn delete_attachment(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let removed = on_message(&fake, &email, &id, |m| {
        let list = m["_attachments"].as_array_mut()?;
        let before = list.len();
        list.retain(|a| a["id"] != attachment.as_str());
        let left = list.len();
        m["hasAttachments"] = json!(left > 0);
        (left < before).then_some(())
    });
    match removed {
        Some(Some(())) => StatusCode::NO_CONTENT.into_response(),
        _ => not_found(),
    }
}
