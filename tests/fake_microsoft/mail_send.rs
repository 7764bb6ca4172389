//! Graph mail sending: `sendMail`, drafts (`POST /me/messages`), `send`, `reply`, `createReply`.
//! Sent mail lands in the sender's Sent Items, where tests can read it.

use super::graph::{caller, graph_error, has_any};
use super::mail_write::public;
use super::{folder_id, FakeMicrosoft};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::{json, Value};

fn can(fake: &FakeMicrosoft, headers: &HeaderMap, permission: &str) -> Result<String, Response> {
    let c = caller(fake, headers)?;
    if has_any(&c.scopes, &[permission]) {
        Ok(c.email)
    } else {
        Err(graph_error(
            StatusCode::FORBIDDEN,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        ))
    }
}

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

fn store(fake: &FakeMicrosoft, email: &str, m: Value) {
    fake.with(|i| i.messages.entry(email.to_string()).or_default().push(m));
}

pub(super) async fn send_mail(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let email = match can(&fake, &headers, "Mail.Send") {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(message) = body.get("message").filter(|m| m.is_object()) else {
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
    if body.get("saveToSentItems") != Some(&json!(false)) {
        store(&fake, &email, m);
    }
    StatusCode::ACCEPTED.into_response()
}

pub(super) async fn create_draft(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Json(message): Json<Value>,
) -> Response {
    let email = match can(&fake, &headers, "Mail.ReadWrite") {
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
    let email = match can(&fake, &headers, "Mail.Send") {
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
    let email = match can(fake, headers, permission) {
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
    let mut message = body.get("message").cloned().unwrap_or(json!({}));
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

pub(super) async fn add_attachment(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(a): Json<Value>,
) -> Response {
    let email = match can(&fake, &headers, "Mail.ReadWrite") {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Ok(bytes) = base64::engine::general_purpose::STANDARD
        .decode(a["contentBytes"].as_str().unwrap_or_default())
    else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "ErrorInvalidContent",
            "The attachment content is not valid base64.",
        );
    };
    if bytes.len() > 3 * 1024 * 1024 {
        return graph_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
            "Attachments over 3 MB need an upload session.",
        );
    }
    let mut stored = a.clone();
    stored["id"] = json!(format!("AAMkAtt{}=", uuid::Uuid::new_v4().simple()));
    stored["size"] = json!(bytes.len());
    let added = fake.with(|i| {
        let m = i
            .messages
            .get_mut(&email)?
            .iter_mut()
            .find(|m| m["id"] == id.as_str())?;
        m["hasAttachments"] = json!(true);
        match m.get_mut("_attachments").and_then(Value::as_array_mut) {
            Some(list) => list.push(stored.clone()),
            None => m["_attachments"] = json!([stored.clone()]),
        }
        Some(())
    });
    match added {
        Some(()) => (StatusCode::CREATED, Json(stored)).into_response(),
        None => graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        ),
    }
}

/// `POST /me/messages/{id}/attachments/createUploadSession`: an upload URL on another path with
/// its own token, as Outlook gives one.
pub(super) async fn create_upload_session(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let email = match can(&fake, &headers, "Mail.ReadWrite") {
        Ok(e) => e,
        Err(r) => return r,
    };
    let item = &body["AttachmentItem"];
    let (Some(name), Some(size)) = (item["name"].as_str(), item["size"].as_u64()) else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "ErrorInvalidParameter",
            "AttachmentItem needs name and size.",
        );
    };
    if fake.stored_message(&email, &id).is_none() {
        return graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        );
    }
    let session = uuid::Uuid::new_v4().simple().to_string();
    let upload = super::Upload {
        email,
        message_id: id,
        item: item.clone(),
        name: name.to_string(),
        size: size as usize,
        received: Vec::new(),
    };
    fake.with(|i| i.uploads.insert(session.clone(), upload));
    let url = format!(
        "{}/upload/{session}?authtoken=fake-upload-token",
        fake.base_url
    );
    (StatusCode::CREATED, Json(json!({ "uploadUrl": url, "expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": ["0-"] }))).into_response()
}

/// `PUT {uploadUrl}`: ranges in order, multiples of 320 KiB but the last, no Authorization.
pub(super) async fn upload_range(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(session): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    if headers.contains_key("authorization") {
        return graph_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "An Authorization header must not be sent with an upload URL.",
        );
    }
    let range = headers
        .get("content-range")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let parsed = range.strip_prefix("bytes ").and_then(|r| {
        let (span, total) = r.split_once('/')?;
        let (a, b) = span.split_once('-')?;
        Some((
            a.parse::<usize>().ok()?,
            b.parse::<usize>().ok()?,
            total.parse::<usize>().ok()?,
        ))
    });
    let Some((start, end, total)) = parsed else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "InvalidContentRange",
            "Content-Range is missing or malformed.",
        );
    };
    let outcome = fake.with(|i| {
        let up = i.uploads.get_mut(&session)?;
        if start != up.received.len() || end + 1 - start != body.len() || total != up.size {
            return Some(Err("The range does not follow what was received."));
        }
        if end + 1 < total && body.len() % (320 * 1024) != 0 {
            return Some(Err("Ranges must be multiples of 320 KiB."));
        }
        up.received.extend_from_slice(&body);
        Some(Ok(up.received.len() == up.size))
    });
    match outcome {
        None => graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The upload session does not exist.",
        ),
        Some(Err(why)) => graph_error(StatusCode::RANGE_NOT_SATISFIABLE, "InvalidRange", why),
        Some(Ok(false)) => {
            let next = fake.with(|i| i.uploads[&session].received.len());
            Json(json!({ "expirationDateTime": "2030-01-01T00:00:00Z", "nextExpectedRanges": [format!("{next}-")] })).into_response()
        }
        Some(Ok(true)) => {
            let up = fake
                .with(|i| i.uploads.remove(&session))
                .expect("session exists");
            let stored = json!({
                "@odata.type": "#microsoft.graph.fileAttachment", "id": format!("AAMkAtt{}=", uuid::Uuid::new_v4().simple()),
                "name": up.name, "contentType": up.item["contentType"], "size": up.size,
                "isInline": up.item["isInline"].as_bool().unwrap_or(false), "contentId": up.item["contentId"],
                "contentBytes": base64::engine::general_purpose::STANDARD.encode(&up.received)
            });
            fake.with(|i| {
                if let Some(m) = i
                    .messages
                    .get_mut(&up.email)
                    .and_then(|ms| ms.iter_mut().find(|m| m["id"] == up.message_id.as_str()))
                {
                    m["hasAttachments"] = json!(true);
                    match m.get_mut("_attachments").and_then(Value::as_array_mut) {
                        Some(list) => list.push(stored),
                        None => m["_attachments"] = json!([stored]),
                    }
                }
            });
            StatusCode::CREATED.into_response()
        }
    }
}
