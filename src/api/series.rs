use super::extract::{AccountAuth, ApiPath};
use super::scope_check;
use crate::error::ApiError;
use crate::model::calendar::Event;
use crate::model::recurrence::SeriesInfo;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;

pub async fn series(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath((calendar, id)): ApiPath<(String, String)>,
) -> Result<Json<SeriesInfo>, ApiError> {
    scope_check::require(&state, &account, "calendar.read")?;
    Ok(Json(state.series(&account, &calendar, &id).await?))
}

pub async fn occurrence(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath((calendar, id, ost)): ApiPath<(String, String, String)>,
) -> Result<Json<Event>, ApiError> {
    scope_check::require(&state, &account, "calendar.read")?;
    Ok(Json(
        state.occurrence(&account, &calendar, &id, &ost).await?,
    ))
}
