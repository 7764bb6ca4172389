use super::extract::{AccountAuth, ApiJson, ApiPath};
use super::scope_check;
use crate::error::ApiError;
use crate::model::email::{
    EmailFolderCreate, EmailFolderInfo, EmailFolderInfoPage, WellKnownFolderIds,
};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

pub async fn list(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
) -> Result<Json<EmailFolderInfoPage>, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    Ok(Json(state.list_folders(&account).await?))
}

pub async fn get_one(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<EmailFolderInfo>, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    Ok(Json(state.get_folder(&account, &id).await?))
}

pub async fn create(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiJson(folder): ApiJson<EmailFolderCreate>,
) -> Result<(StatusCode, Json<EmailFolderInfo>), ApiError> {
    scope_check::require(&state, &account, "email.modify")?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .create_folder(&account, &folder.name, folder.parent_id.as_deref())
                .await?,
        ),
    ))
}

pub async fn well_known(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
) -> Result<Json<WellKnownFolderIds>, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    Ok(Json(state.well_known_folder_ids(&account).await?))
}

/// Office 365's Sent Items and Archive are fixed: naming them again is fine, remapping is refused.
pub async fn update_well_known(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiJson(wanted): ApiJson<WellKnownFolderIds>,
) -> Result<Json<WellKnownFolderIds>, ApiError> {
    scope_check::require(&state, &account, "email.modify")?;
    let current = state.well_known_folder_ids(&account).await?;
    let same = |w: &Option<String>, c: &Option<String>| w.is_none() || w == c;
    if !same(&wanted.archive, &current.archive) || !same(&wanted.sent, &current.sent) {
        return Err(ApiError::bad_request(
            "folders.fixed",
            "Office 365's Sent Items and Archive folders are fixed by Outlook and cannot be remapped.",
        ));
    }
    Ok(Json(current))
}
