//! Every request gets an id (`X-Request-Id`, kept from the caller when sane), a tracing span named
//! by the matched route (never the raw URI: it may carry codes or tokens), its count and latency
//! in the metrics, and errors rendered as `{code, message, requestId, originalError?}`.

use crate::error::{for_bare_status, ErrorBody};
use crate::metrics::{RequestLabels, RouteLabels};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;
use std::time::Instant;
use tracing::Instrument;

fn incoming_id(req: &Request) -> Option<String> {
    let id = req.headers().get("x-request-id")?.to_str().ok()?;
    let sane = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    sane.then(|| id.to_string())
}

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let id = incoming_id(&req).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let started = Instant::now();
    let mut response = next.run(req).instrument(span.clone()).await;
    let status = response.status();
    let body = response.extensions_mut().remove::<ErrorBody>().or_else(|| {
        // Bare statuses and plain-text rejections get our shape; our own JSON and HTML pages stay.
        let plain = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
        let passed_on = response
            .extensions()
            .get::<crate::error::Passthrough>()
            .is_some();
        (plain && !passed_on && (status.is_client_error() || status.is_server_error()))
            .then(|| for_bare_status(status))
    });
    if let Some(body) = body {
        let mut value = json!({ "code": body.code, "message": body.message, "requestId": id });
        if let Some(original) = body.original {
            value["originalError"] = original;
        }
        *response.body_mut() = Body::from(value.to_string());
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response.headers_mut().remove(header::CONTENT_LENGTH);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let elapsed = started.elapsed();
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            elapsed_ms = elapsed.as_millis() as u64,
            "request finished"
        );
    });
    let m = &state.metrics;
    let labels = RouteLabels { method, route };
    m.request_seconds
        .get_or_create(&labels)
        .observe(elapsed.as_secs_f64());
    let labels = RequestLabels {
        method: labels.method,
        route: labels.route,
        status: status.as_u16(),
    };
    m.requests.get_or_create(&labels).inc();
    response
}
