//! `/metrics`: Prometheus metrics (see `crate::metrics`), on the main address unless
//! `SWITCHBOARD_METRICS_LISTEN` gives them one of their own.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let accounts = state.store.account_status_counts(None).await?;
    Ok((
        [(
            CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(&accounts),
    )
        .into_response())
}

/// The metrics alone, for their own address.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}
