//! Headers that keep browsers from framing, sniffing or leaking what we answer. Every answer is
//! `nosniff`, unframeable and sends no referrer; the portal may run only its own script and
//! style; JSON and whatever the direct API relays (an attachment may be HTML) run nothing at all.

use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::Response;

const PORTAL: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";
/// `/`: a static page with its style inline and no script.
const HOME: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
/// The docs UI: its own bundled script and style (with inline styles), calls to this origin.
const DOCS: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";
/// Everything else is data, never a page.
const DATA: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";

/// The content security policy for an answer to `path`.
pub fn policy(path: &str) -> &'static str {
    if path == "/portal" || path.starts_with("/portal/") {
        PORTAL
    } else if path == "/" {
        HOME
    } else if path == "/docs" || path.starts_with("/docs/") {
        DOCS
    } else {
        DATA
    }
}

/// The headers on an answer, with the policy chosen for its path.
pub fn apply(response: &mut Response, csp: &'static str) {
    let h = response.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
}
