//! Every request gets an id (`X-Request-Id`, kept from the caller when sane), a tracing span named
//! by the matched route (never the raw URI: it may carry codes or tokens), its count and latency
//! in the metrics, and errors rendered as `{code, message, requestId, originalError?}`.

use crate::error::{for_bare_status, ErrorBody};
use crate::metrics::{RequestLabels, RouteLabels};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue, Method};
use axum::response::Response;
use serde_json::json;
use std::time::Instant;

fn incoming_id(req: &Request) -> Option<String> {
    let id = req.headers().get("x-request-id")?.to_str().ok()?;
    let sane = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    sane.then(|| id.to_string())
}

/// The error body to put on a response: ours (an `ErrorBody` extension), or our shape for a bare
/// status or a plain-text rejection. Our own JSON and HTML pages, and what the direct API passes
/// on, stay as they are.
fn error_body(response: &mut Response) -> Option<ErrorBody> {
    let status = response.status();
    response.extensions_mut().remove::<ErrorBody>().or_else(|| {
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
    })
}

/// `{code, message, requestId, originalError?}` as the response's body.
fn render_error(response: &mut Response, body: ErrorBody, id: &str) {
    let mut value = json!({ "code": body.code.as_str(), "message": body.message, "requestId": id });
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

/// The method as a metric label: the standard ones by name, anything else as `other` (a client
/// inventing methods must not grow the metrics without bound).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "other",
    }
}

/// A random (v4) UUID from the thread's generator (seeded from the system's), without a system
/// call per request as `Uuid::new_v4` makes.
fn new_id() -> String {
    let bytes: [u8; 16] = rand::Rng::gen(&mut rand::thread_rng());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// A request as it arrived: its id, method, route template, span and start.
pub struct Arrival {
    id: String,
    method: &'static str,
    route: String,
    span: tracing::Span,
    started: Instant,
}

impl Arrival {
    pub fn of(req: &Request) -> Self {
        let id = incoming_id(req).unwrap_or_else(new_id);
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map(|m| m.as_str().to_string())
            .unwrap_or_else(|| "unmatched".into());
        let method = method_label(req.method());
        let span =
            tracing::info_span!("request", request_id = %id, method = %method, route = %route);
        Arrival {
            id,
            method,
            route,
            span,
            started: Instant::now(),
        }
    }

    /// The span the request is handled in.
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// The response with its id (and our error shape, when it is an error), logged and counted.
    pub fn finish(self, state: &AppState, mut response: Response) -> Response {
        let status = response.status();
        if let Some(body) = error_body(&mut response) {
            render_error(&mut response, body, &self.id);
        }
        if let Ok(value) = HeaderValue::from_str(&self.id) {
            response.headers_mut().insert("x-request-id", value);
        }
        let elapsed = self.started.elapsed();
        self.span.in_scope(|| {
            tracing::info!(
                status = status.as_u16(),
                elapsed_ms = elapsed.as_millis() as u64,
                "request finished"
            );
        });
        let m = &state.metrics;
        let labels = RouteLabels {
            method: self.method,
            route: self.route,
        };
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
}
