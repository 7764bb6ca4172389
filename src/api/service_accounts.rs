//! Service accounts (contract tag Services) and their managed accounts (tag Managed accounts),
//! with app credentials: list the app's service accounts, save one for an organisation whose
//! administrator consented, and add one of its mailboxes as a managed account.

use super::accounts::{app_account, import_options, page, Paging};
use super::extract::{ApiJson, ApiPath, ApiQuery, AppAuth, QueryPairs};
use super::json::Json;
use crate::error::ApiError;
use crate::model::account::{AccountImport, AccountSaveResult, AccountsPage};
use crate::state::AppState;
use axum::extract::State;

/// The app's service accounts (one per organisation whose administrator consented).
#[utoipa::path(get, path = "/v1/am/svc_accounts", tag = "Services", operation_id = "getSvcAccounts",
    params(Paging), responses((status = 200, body = AccountsPage)))]
pub async fn list(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    ApiQuery(p): ApiQuery<Paging>,
) -> Result<Json<AccountsPage>, ApiError> {
    Ok(Json(page(&state, &app, p, Some("daemon")).await?))
}

/// The service account of the organisation `authOrgId`, whose administrator consented already
/// (through `/v1/auth/authorizeDaemon` or in Azure): checked with an app-only token, saved, and
/// given a new account token.
#[utoipa::path(post, path = "/v1/am/svc_accounts", tag = "Services", operation_id = "upsertServiceAccount",
    params(("recycleKeys" = Option<Vec<String>>, Query, description = "Accepted; a service account is matched by its organisation")),
    request_body = AccountImport, responses((status = 200, body = AccountSaveResult)))]
pub async fn upsert(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    q: QueryPairs,
    ApiJson(input): ApiJson<AccountImport>,
) -> Result<Json<AccountSaveResult>, ApiError> {
    import_options(&q)?;
    Ok(Json(
        crate::service_accounts::upsert(&state, &app, &input).await?,
    ))
}

/// One mailbox of the service account's organisation (`email`, `loginString` or `authUserId`)
/// as a managed account: found in the directory, reachable, and within the scopes the service
/// account allows (`authScopes`, default all of them); used like any account afterwards.
#[utoipa::path(post, path = "/v1/am/svc_accounts/{accId}/accounts", tag = "Managed accounts",
    operation_id = "upsertManagedAccount",
    params(
        ("accId" = i64, Path, description = "The service account"),
        ("ensureAccess" = Option<bool>, Query, description = "Accepted; the mailbox is always read once before it is saved"),
        ("recycleKeys" = Option<Vec<String>>, Query, description = "Accepted; a managed account is matched by its service account and user"),
        ("userId" = Option<String>, Query, description = "Refused: accounts are not attached to users here"),
        ("userAccount" = Option<String>, Query, description = "Refused: accounts are not attached to users here"),
    ),
    request_body = AccountImport, responses((status = 200, body = AccountSaveResult)))]
pub async fn add_managed(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    ApiPath(id): ApiPath<String>,
    q: QueryPairs,
    ApiJson(input): ApiJson<AccountImport>,
) -> Result<Json<AccountSaveResult>, ApiError> {
    import_options(&q)?;
    let service = app_account(&state, app.id, &id).await?;
    Ok(Json(
        crate::service_accounts::add_mailbox(&state, &service, &input).await?,
    ))
}
