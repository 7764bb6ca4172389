//! Graph attachments on a message: one posted whole (up to 3 MB), or an upload session whose
//! ranges go to an upload URL that carries its own token.

use super::graph::{graph_error, require};
use super::FakeMicrosoft;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::{json, Value};

pub(super) async fn add_attachment(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(a): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.ReadWrite"]) {
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
        super::attach(m, stored.clone());
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
    let email = match require(&fake, &headers, &["Mail.ReadWrite"]) {
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
                    super::attach(m, stored);
                }
            });
            StatusCode::CREATED.into_response()
        }
    }
}
