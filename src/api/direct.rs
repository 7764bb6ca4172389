//! The direct API: a request passed through to the provider's own API with the account's
//! credentials.

use super::extract::AccountAuth;
use crate::error::ApiError;
use crate::model::requests::Forward;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;

/// `ANY /v1/direct/{graph path}`: the path is taken as received, still percent-encoded, so that
/// what is checked is exactly what is sent.
#[utoipa::path(method(get, post, put, patch, delete), path = "/v1/direct/{path}", tag = "Direct", operation_id = "direct",
    params(("path" = String, Path, description = "A Microsoft Graph v1.0 path and query, e.g. `me/messages?$top=5`; any number of segments")),
    request_body(content = Option<Object>, description = "Passed to Graph as it comes (any content type, streamed)"),
    responses((status = 200, description = "Graph's answer as Graph gave it (status, headers, body); paging links in JSON lead back here")))]
pub async fn forward(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    request: Request,
) -> Result<Response<Body>, ApiError> {
    let (parts, body) = request.into_parts();
    let path = parts
        .uri
        .path()
        .strip_prefix("/v1/direct/")
        .unwrap_or_default()
        .to_string();
    let forward = Forward {
        method: parts.method,
        path,
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers,
        body,
    };
    Ok(state.direct(&account)?.forward(&account, forward).await?)
}
