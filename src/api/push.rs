//! Where providers push: a provider's notifications that something changed, and its lifecycle
//! calls about the channels themselves. Both answer the provider's validation request (echoing
//! `validationToken` as text) when a channel is opened. Not part of the app-facing API.

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// The validation token a provider sent, decoded, if this is its validation request.
fn validation_token(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "validationToken")
        .map(|(_, v)| v.into_owned())
}

async fn receive(
    state: &AppState,
    service: &str,
    query: Option<String>,
    body: &[u8],
    lifecycle: bool,
) -> Result<Response, ApiError> {
    if let Some(token) = validation_token(query.as_deref()) {
        let text = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
        return Ok((StatusCode::OK, text, token).into_response());
    }
    crate::webhooks::channels::incoming(state, service, body, lifecycle).await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

pub async fn notify(
    State(state): State<AppState>,
    Path(service): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    receive(&state, &service, query, &body, false).await
}

pub async fn lifecycle(
    State(state): State<AppState>,
    Path(service): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    receive(&state, &service, query, &body, true).await
}
