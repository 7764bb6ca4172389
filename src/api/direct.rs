use super::extract::AccountAuth;
use crate::error::ApiError;
use crate::providers::office365::direct::Forward;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;

/// `ANY /v1/direct/{graph path}`: the path is taken as received, still percent-encoded, so that
/// what is checked is exactly what is sent.
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
    state.forward_to_graph(&account, forward).await
}
