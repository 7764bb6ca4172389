//! For the direct API tests: an echo of what reached Graph, and drive item content streamed both
//! ways in step with the test (so that a proxy that buffers would stall instead of passing).

use super::graph::caller;
use super::FakeMicrosoft;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use serde_json::{json, Value};

pub const CHUNK: usize = 1024 * 1024;

/// `ANY /v1.0/_echo/...`: what arrived, headers included.
pub(super) async fn echo(State(fake): State<FakeMicrosoft>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if let Err(r) = caller(&fake, &parts.headers) {
        return r;
    }
    let headers: serde_json::Map<String, Value> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v.to_str().unwrap_or("?"))))
        .collect();
    let bytes = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    Json(json!({ "method": parts.method.as_str(), "path": parts.uri.path(), "query": parts.uri.query(), "headers": headers, "bodyLength": bytes.len() })).into_response()
}

/// `PUT /v1.0/me/drive/items/{id}/content`: counts what streams in, and says when the first
/// bytes arrived.
pub(super) async fn upload(
    State(fake): State<FakeMicrosoft>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    if let Err(r) = caller(&fake, &parts.headers) {
        return r;
    }
    let mut stream = body.into_data_stream();
    let mut size = 0usize;
    let mut first = true;
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        size += chunk.len();
        if first && !chunk.is_empty() {
            first = false;
            fake.streaming.upload_started.notify_one();
        }
    }
    (StatusCode::CREATED, Json(json!({ "id": id, "size": size }))).into_response()
}

/// `GET /v1.0/me/drive/items/{id}/content`: `size` bytes from the id (`item-<size>`), the rest
/// sent only once the test says the first chunk reached it.
pub(super) async fn download(
    State(fake): State<FakeMicrosoft>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    if let Err(r) = caller(&fake, request.headers()) {
        return r;
    }
    let size: usize = id
        .strip_prefix("item-")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let gate = fake.streaming.download_gate.clone();
    let chunks = futures_util::stream::iter(0..size.div_ceil(CHUNK)).then(move |n| {
        let gate = gate.clone();
        async move {
            if n == 1 {
                gate.notified().await;
            }
            let len = CHUNK.min(size - n * CHUNK);
            Ok::<_, std::io::Error>(Bytes::from(vec![(n % 251) as u8; len]))
        }
    });
    Response::builder()
        .header("content-type", "application/octet-stream")
        .body(Body::from_stream(chunks))
        .unwrap()
}
