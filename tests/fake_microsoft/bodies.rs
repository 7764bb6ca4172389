//! What Graph's request reader refuses in a body written to a resource: a property its type (or
//! the derived type its `@odata.type` names) does not have.

use super::graph::graph_error;
use super::schema::{derives_from, entity, has_property, navigation};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::Response;

/// A JSON body written to a resource may name only properties of its type (or of the derived
/// type its `@odata.type` names), as Graph's request reader insists.
pub async fn checked_body(entity_name: &str, request: Request) -> Result<Request, Response> {
    let json = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !json {
        return Ok(request);
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
        return Err(graph_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            "The request body is too large.",
        ));
    };
    let unknown = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| unknown_property(entity_name, &v));
    if let Some(message) = unknown {
        return Err(graph_error(
            StatusCode::BAD_REQUEST,
            "RequestBodyRead",
            &message,
        ));
    }
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

fn unknown_property(entity_name: &str, body: &serde_json::Value) -> Option<String> {
    let base = entity(entity_name)?;
    let t = body["@odata.type"]
        .as_str()
        .and_then(|n| entity(n.trim_start_matches("#microsoft.graph.")))
        .filter(|d| derives_from(d, base.name))
        .unwrap_or(base);
    body.as_object()?
        .keys()
        .find(|k| !k.starts_with("@odata.") && !has_property(t, k) && navigation(t, k).is_none())
        .map(|k| format!("The property '{k}' does not exist on type 'microsoft.graph.{}'. Make sure to only use property names that are defined by the type or mark the type as open type.", t.name))
}
