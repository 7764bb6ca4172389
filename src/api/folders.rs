//! Mail folders: list, read, create, and the well-known folder ids.

use super::extract::{ApiJson, ApiPath};
use super::json::Json;
use super::scope_check::{op, Scoped};
use crate::error::{ApiError, Code};
use crate::model::email::{
    EmailFolderCreate, EmailFolderInfo, EmailFolderInfoPage, WellKnownFolderIds,
};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;

/// Every folder of the mailbox (the whole tree); `fullName` is the path.
#[utoipa::path(get, path = "/v1/email/folders", tag = "EmailFolders", operation_id = "folders",
    params(("pageToken" = Option<String>, Query, description = "Accepted; every folder comes in one page")),
    responses((status = 200, body = EmailFolderInfoPage)))]
pub async fn list(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
) -> Result<Json<EmailFolderInfoPage>, ApiError> {
    Ok(Json(state.mail(&account)?.list_folders(&account).await?))
}

/// One folder.
#[utoipa::path(get, path = "/v1/email/folders/{folderId}", tag = "EmailFolders", operation_id = "folder",
    params(("folderId" = String, Path, description = "A folder id or a well-known name")),
    responses((status = 200, body = EmailFolderInfo)))]
pub async fn get_one(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<EmailFolderInfo>, ApiError> {
    Ok(Json(state.mail(&account)?.get_folder(&account, &id).await?))
}

/// Creates a folder (a duplicate name is 409 `conflict`).
#[utoipa::path(post, path = "/v1/email/folders", tag = "EmailFolders", operation_id = "createFolder",
    request_body = EmailFolderCreate,
    responses((status = 201, body = EmailFolderInfo),
        (status = 409, description = "A folder of that name is already there", body = crate::api::openapi::ErrorAnswer)))]
pub async fn create(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailModify>,
    ApiJson(folder): ApiJson<EmailFolderCreate>,
) -> Result<(StatusCode, Json<EmailFolderInfo>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .mail(&account)?
                .create_folder(&account, &folder.name, folder.parent_id.as_deref())
                .await?,
        ),
    ))
}

/// The Sent Items and Archive folder ids.
#[utoipa::path(get, path = "/v1/email/folders/wellKnown", tag = "EmailFolders", operation_id = "wellKnownFolders",
    responses((status = 200, body = WellKnownFolderIds)))]
pub async fn well_known(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
) -> Result<Json<WellKnownFolderIds>, ApiError> {
    Ok(Json(
        state
            .mail(&account)?
            .well_known_folder_ids(&account)
            .await?,
    ))
}

/// Office 365's Sent Items and Archive are fixed: naming them again is fine, remapping is refused.
#[utoipa::path(patch, path = "/v1/email/folders/wellKnown", tag = "EmailFolders", operation_id = "updateWellKnownFolders",
    request_body = WellKnownFolderIds, responses((status = 200, body = WellKnownFolderIds)))]
pub async fn update_well_known(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailModify>,
    ApiJson(wanted): ApiJson<WellKnownFolderIds>,
) -> Result<Json<WellKnownFolderIds>, ApiError> {
    let current = state
        .mail(&account)?
        .well_known_folder_ids(&account)
        .await?;
    let same = |w: &Option<String>, c: &Option<String>| w.is_none() || w == c;
    if !same(&wanted.archive, &current.archive) || !same(&wanted.sent, &current.sent) {
        return Err(ApiError::bad_request(
            Code::FoldersFixed,
            "Office 365's Sent Items and Archive folders are fixed by Outlook and cannot be remapped.",
        ));
    }
    Ok(Json(current))
}
