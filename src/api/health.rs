//! Liveness (`/healthz`) and readiness (`/readyz`, which asks the store).

use super::json::Json;
use crate::error::{ApiError, Code};
use crate::state::AppState;
use axum::extract::State;
use serde_json::{json, Value};

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "Health", operation_id = "healthz",
    responses((status = 200, description = "`{\"status\":\"ok\"}`", body = Object)))]
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The process can serve: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "Health", operation_id = "readyz",
    responses((status = 200, description = "`{\"status\":\"ready\"}`", body = Object),
        (status = 503, description = "The database is not answering.", body = crate::api::openapi::ErrorAnswer)))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state
        .store
        .ping()
        .await
        .map_err(|_| ApiError::unavailable(Code::NotReady, "The database is not answering.", 5))?;
    Ok(Json(json!({ "status": "ready" })))
}
