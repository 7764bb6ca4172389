//! The account behind an account token (read, delete, revoke its access) and, with app
//! credentials, the app's accounts: list, import with tokens the app holds, check a connection.

use super::extract::{AccountAuth, ApiJson, ApiPath, ApiQuery, AppAuth, QueryPairs};
use super::json::Json;
use crate::error::{ApiError, Code};
use crate::model::account::{Account, AccountImport, AccountSaveResult, AccountsPage};
use crate::state::{AppState, Services};
use crate::store::{AccountFilter, AccountRecord};
use axum::extract::State;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AccountParams {
    /// `true`: ask Microsoft now whether the grant still works (one token refresh if needed, one
    /// read of the profile); `tokenStatus` then says what Microsoft answered.
    ping_provider: Option<bool>,
    /// Refused: switchboard never hands out the Microsoft tokens (use the direct API instead).
    include_provider_auth: Option<bool>,
}

/// The account the token belongs to.
#[utoipa::path(get, path = "/v1/account", tag = "Account", operation_id = "getMyAccount",
    params(AccountParams), responses((status = 200, body = Account)))]
pub async fn me(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiQuery(p): ApiQuery<AccountParams>,
) -> Result<Json<Account>, ApiError> {
    if p.include_provider_auth == Some(true) {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            "includeProviderAuth: switchboard never hands out Microsoft tokens; call Graph through /v1/direct instead.",
        ));
    }
    let account = match p.ping_provider {
        Some(true) => std::sync::Arc::new(state.accounts(&account)?.ping(&account).await?),
        _ => account,
    };
    Ok(Json(Account::from_record(&account)))
}

/// Deletes the account with its tokens.
#[utoipa::path(delete, path = "/v1/account", tag = "Account", operation_id = "deleteAccount",
    responses((status = 200, body = crate::model::Ok)))]
pub async fn delete_me(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
) -> Result<Json<crate::model::Ok>, ApiError> {
    crate::accounts::delete(&state, account.app_id, account.id).await?;
    Ok(Json(crate::model::OK))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 1 to 500 (default 50).
    limit: Option<i64>,
    offset: Option<i64>,
    /// Only the accounts of this Microsoft tenant.
    auth_org_id: Option<String>,
    /// Only accounts of this service (`Office365` is the one there is).
    service_type: Option<String>,
    /// Refused until webhooks come.
    subscription_id: Option<String>,
}

/// The app's accounts.
#[utoipa::path(get, path = "/v1/am/accounts", tag = "Accounts", operation_id = "getAccounts",
    params(Paging), responses((status = 200, body = AccountsPage)))]
pub async fn list(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    ApiQuery(p): ApiQuery<Paging>,
) -> Result<Json<AccountsPage>, ApiError> {
    page(&state, &app, p, None).await.map(Json)
}

/// A page of the app's accounts of one kind (`None`: all), as `p` asks.
pub async fn page(
    state: &Services,
    app: &crate::store::AppRecord,
    p: Paging,
    kind: Option<&'static str>,
) -> Result<AccountsPage, ApiError> {
    let limit = p.limit.unwrap_or(50);
    let offset = p.offset.unwrap_or(0);
    if !(1..=500).contains(&limit) || offset < 0 {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            "limit must be 1 to 500 and offset 0 or more",
        ));
    }
    if p.subscription_id.is_some() {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            "subscriptionId: listing the accounts of a subscription is not offered.",
        ));
    }
    if p.service_type.as_deref().is_some_and(|s| s != "Office365") {
        return Ok(AccountsPage {
            offset,
            total_size: 0,
            done: true,
            records: vec![],
        });
    }
    let filter = AccountFilter {
        tenant: p.auth_org_id.as_deref(),
        kind,
        service_account: None,
    };
    let (rows, total) = state
        .store
        .list_accounts(app.id, filter, limit, offset)
        .await?;
    Ok(AccountsPage {
        offset,
        total_size: total,
        done: offset + (rows.len() as i64) >= total,
        records: rows.iter().map(Account::from_record).collect(),
    })
}

pub(super) async fn app_account(
    state: &Services,
    app_id: i64,
    id: &str,
) -> Result<std::sync::Arc<AccountRecord>, ApiError> {
    let id: i64 = id.parse().map_err(|_| {
        ApiError::bad_request(Code::BadRequest, "the account id must be an integer")
    })?;
    state.store.account(app_id, id).await?.ok_or_else(|| {
        ApiError::not_found(
            Code::AccountNotFound,
            format!("No account {id} for this app."),
        )
    })
}

/// One of the app's accounts.
#[utoipa::path(get, path = "/v1/am/accounts/{id}", tag = "Accounts", operation_id = "getAccount",
    params(("id" = i64, Path, description = "The account id")), responses((status = 200, body = Account)))]
pub async fn get_one(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Account>, ApiError> {
    let account = app_account(&state, app.id, &id).await?;
    Ok(Json(Account::from_record(&account)))
}

/// Deletes one of the app's accounts with its tokens.
#[utoipa::path(delete, path = "/v1/am/accounts/{id}", tag = "Accounts", operation_id = "amAccountDelete",
    params(("id" = i64, Path, description = "The account id")), responses((status = 200, body = crate::model::Ok)))]
pub async fn delete_one(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<crate::model::Ok>, ApiError> {
    let account = app_account(&state, app.id, &id).await?;
    crate::accounts::delete(&state, app.id, account.id).await?;
    Ok(Json(crate::model::OK))
}

/// Service keys of the contract; an account is always matched by its Microsoft tenant and user.
const SERVICE_KEYS: &[&str] = &[
    "email",
    "orgId",
    "userId",
    "serverUrl",
    "username",
    "clientOrgId",
];

/// `userId`/`userAccount` attach accounts to Aurinko users, which switchboard does not have.
pub(super) fn import_options(q: &QueryPairs) -> Result<bool, ApiError> {
    for name in ["userId", "userAccount"] {
        if q.one(name).is_some() {
            return Err(ApiError::bad_request(
                Code::BadRequest,
                format!("{name}: accounts are not attached to users here; leave it out."),
            ));
        }
    }
    if let Some(key) = q
        .all("recycleKeys")
        .into_iter()
        .find(|k| !SERVICE_KEYS.contains(k))
    {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            format!(
                "recycleKeys: '{key}' is not one of {}",
                SERVICE_KEYS.join(", ")
            ),
        ));
    }
    Ok(q.flag("ensureAccess")?.unwrap_or(false))
}

/// `POST /v1/am/accounts`: an account from Microsoft tokens the app already holds.
#[utoipa::path(post, path = "/v1/am/accounts", tag = "Accounts", operation_id = "upsertPersonal",
    params(
        ("ensureAccess" = Option<bool>, Query, description = "Also read one item of each kind of data the scopes allow"),
        ("recycleKeys" = Option<Vec<String>>, Query, description = "Accepted; an account is always matched by its Microsoft tenant and user"),
        ("userId" = Option<String>, Query, description = "Refused: accounts are not attached to users here"),
        ("userAccount" = Option<String>, Query, description = "Refused: accounts are not attached to users here"),
    ),
    request_body = AccountImport, responses((status = 200, body = AccountSaveResult)))]
pub async fn import(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    q: QueryPairs,
    ApiJson(input): ApiJson<AccountImport>,
) -> Result<Json<AccountSaveResult>, ApiError> {
    let ensure_access = import_options(&q)?;
    let importer = state.importer(input.service_type.as_deref())?;
    Ok(Json(importer.import(&app, &input, ensure_access).await?))
}

/// `POST /v1/am/accounts/connect`: the same checks, nothing saved.
#[utoipa::path(post, path = "/v1/am/accounts/connect", tag = "Accounts", operation_id = "checkConnection",
    request_body = AccountImport, responses((status = 200, body = crate::model::Ok)))]
pub async fn connect(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    q: QueryPairs,
    ApiJson(input): ApiJson<AccountImport>,
) -> Result<Json<crate::model::Ok>, ApiError> {
    // A check reads a little of each kind of data, whatever ensureAccess says.
    import_options(&q)?;
    let importer = state.importer(input.service_type.as_deref())?;
    importer.check_import(&app, &input).await?;
    Ok(Json(crate::model::OK))
}

/// `DELETE /v1/account/token`: this account token goes (with app credentials: all of them), and
/// so do the Microsoft tokens behind the account; it stays `dead` until it is re-authorized.
#[utoipa::path(delete, path = "/v1/account/token", tag = "Account", operation_id = "deleteToken",
    responses((status = 200, body = crate::model::Ok)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    headers: axum::http::HeaderMap,
) -> Result<Json<crate::model::Ok>, ApiError> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| crate::store::crypto::hash_secret(token.trim()));
    crate::auth::revoke::revoke_account_access(state.store.as_ref(), &account, bearer.as_deref())
        .await?;
    Ok(Json(crate::model::OK))
}
