//! Graph mail sending: `sendMail`, drafts (`POST /me/messages`), `send`, `reply`, `createReply`.
//! Sent mail lands in the sender's Sent Items, where tests can read it.

use super::graph::{graph_error, require};
use super::mail_write::public;
use super::{folder_id, FakeMicrosoft};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::{json, Value};

fn immutable(headers: &HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("IdType=\"ImmutableId\""))
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A stored message built from what the client sent, as Outlook fills it in.
fn build(
    fake: &FakeMicrosoft,
    email: &str,
    input: &Value,
    folder: &str,
    draft: bool,
) -> Result<Value, Response> {
    let name = fake
        .with(|i| {
            i.users
                .iter()
                .find(|u| u.email == email)
                .map(|u| u.name.clone())
        })
        .unwrap_or_default();
    let mut m = input.clone();
    let id = format!("AAMkAGsent{}=", uuid::Uuid::new_v4().simple());
    let body = input
        .get("body")
        .cloned()
        .unwrap_or(json!({"contentType": "Text", "content": ""}));
    let kind = body["contentType"]
        .as_str()
        .unwrap_or("text")
        .to_lowercase();
    let content = body["content"].as_str().unwrap_or_default();
    let content = if kind == "html" {
        format!("<html><body>{content}</body></html>")
    } else {
        content.to_string()
    };
    for key in ["toRecipients", "ccRecipients", "bccRecipients", "replyTo"] {
        let list: Vec<Value> = m[key]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|mut r| {
                if r["emailAddress"]["name"].is_null() {
                    r["emailAddress"]["name"] = r["emailAddress"]["address"].clone();
                }
                r
            })
            .collect();
        m[key] = json!(list);
    }
    let mut attachments = Vec::new();
    for a in input["attachments"].as_array().cloned().unwrap_or_default() {
        let Ok(bytes) = base64::engine::general_purpose::STANDARD
            .decode(a["contentBytes"].as_str().unwrap_or_default())
        else {
            return Err(graph_error(
                StatusCode::BAD_REQUEST,
                "ErrorInvalidContent",
                "The attachment content is not valid base64.",
            ));
        };
        let mut stored = a.clone();
        stored["id"] = json!(format!("AAMkAtt{}=", uuid::Uuid::new_v4().simple()));
        stored["size"] = json!(bytes.len());
        attachments.push(stored);
    }
    let o = m.as_object_mut().expect("messages are objects");
    o.remove("attachments");
    o.insert("id".into(), json!(id));
    o.insert(
        "conversationId".into(),
        json!(format!("AAQk{}=", uuid::Uuid::new_v4().simple())),
    );
    o.insert("parentFolderId".into(), json!(folder_id(email, folder)));
    o.insert("isDraft".into(), json!(draft));
    o.insert("isRead".into(), json!(true));
    o.insert("createdDateTime".into(), json!(now()));
    o.insert("lastModifiedDateTime".into(), json!(now()));
    o.insert("receivedDateTime".into(), json!(now()));
    o.insert(
        "sentDateTime".into(),
        if draft { Value::Null } else { json!(now()) },
    );
    o.insert("hasAttachments".into(), json!(!attachments.is_empty()));
    o.insert(
        "body".into(),
        json!({"contentType": kind, "content": content}),
    );
    o.insert(
        "bodyPreview".into(),
        json!(body["content"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(255)
            .collect::<String>()),
    );
    o.insert(
        "from".into(),
        json!({"emailAddress": {"name": name, "address": email}}),
    );
    o.insert(
        "sender".into(),
        json!({"emailAddress": {"name": name, "address": email}}),
    );
    o.insert("importance".into(), json!("normal"));
    o.insert("flag".into(), json!({"flagStatus": "notFlagged"}));
    o.insert(
        "internetMessageId".into(),
        json!(format!(
            "<{}@fake.outlook.com>",
            uuid::Uuid::new_v4().simple()
        )),
    );
    o.insert("_attachments".into(), json!(attachments));
    Ok(m)
}

fn recipients(m: &Value) -> usize {
    ["toRecipients", "ccRecipients", "bccRecipients"]
        .iter()
        .map(|k| m[*k].as_array().map_or(0, Vec::len))
        .sum()
}

fn no_recipients() -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        "ErrorInvalidRecipients",
        "At least one recipient is required, but none were found.",
    )
}

/// An action's parameter: Graph reads their names without case (the Graph SDKs send `Message`,
/// `SaveToSentItems`; the documentation writes `message`, `saveToSentItems`).
fn param<'a>(body: &'a Value, name: &str) -> Option<&'a Value> {
    body.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn store(fake: &FakeMicrosoft, email: &str, m: Value) {
    fake.with(|i| i.messages.entry(email.to_string()).or_default().push(m));
}

pub(super) async fn send_mail(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.Send"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(message) = param(&body, "message").filter(|m| m.is_object()) else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "ErrorInvalidParameter",
            "The message parameter is required.",
        );
    };
    if recipients(message) == 0 {
        return no_recipients();
    }
    let m = match build(&fake, &email, message, "sentitems", false) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let save = param(&body, "saveToSentItems");
    if save != Some(&json!(false)) && save != Some(&json!("false")) {
        store(&fake, &email, m);
    }
    StatusCode::ACCEPTED.into_response()
}

pub(super) async fn create_draft(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Json(message): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let m = match build(&fake, &email, &message, "drafts", true) {
        Ok(m) => m,
        Err(r) => return r,
    };
    store(&fake, &email, m.clone());
    (StatusCode::CREATED, Json(public(&m))).into_response()
}

pub(super) async fn send_draft(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.Send"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let keep_id = immutable(&headers);
    let sent = fake.with(|i| {
        let m = i
            .messages
            .get_mut(&email)?
            .iter_mut()
            .find(|m| m["id"] == id.as_str())?;
        if m["isDraft"] != true || recipients(m) == 0 {
            return Some(Err(()));
        }
        m["isDraft"] = json!(false);
        m["sentDateTime"] = json!(now());
        m["parentFolderId"] = json!(folder_id(&email, "sentitems"));
        if !keep_id {
            m["id"] = json!(format!("AAMkAGsent{}=", uuid::Uuid::new_v4().simple()));
        }
        Some(Ok(()))
    });
    match sent {
        Some(Ok(())) => StatusCode::ACCEPTED.into_response(),
        Some(Err(())) => no_recipients(),
        None => graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        ),
    }
}

/// `reply` sends at once; `createReply` leaves a draft in Drafts.
async fn answer(
    fake: &FakeMicrosoft,
    headers: &HeaderMap,
    id: &str,
    body: &Value,
    draft: bool,
) -> Response {
    let permission = if draft { "Mail.ReadWrite" } else { "Mail.Send" };
    let email = match require(fake, headers, &[permission]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(original) = fake.stored_message(&email, id) else {
        return graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        );
    };
    let mut message = param(body, "message").cloned().unwrap_or(json!({}));
    if message.get("toRecipients").is_none() {
        message["toRecipients"] = json!([original["from"]]);
    }
    if message.get("subject").is_none() {
        message["subject"] = json!(format!(
            "RE: {}",
            original["subject"].as_str().unwrap_or_default()
        ));
    }
    let folder = if draft { "drafts" } else { "sentitems" };
    let mut m = match build(fake, &email, &message, folder, draft) {
        Ok(m) => m,
        Err(r) => return r,
    };
    m["conversationId"] = original["conversationId"].clone();
    m["inReplyTo"] = original["internetMessageId"].clone();
    store(fake, &email, m.clone());
    if draft {
        (StatusCode::CREATED, Json(public(&m))).into_response()
    } else {
        StatusCode::ACCEPTED.into_response()
    }
}

pub(super) async fn reply(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    answer(&fake, &headers, &id, &body, false).await
}

pub(super) async fn create_reply(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    answer(&fake, &headers, &id, &body, true).await
}
