use super::extract::{AccountAuth, ApiJson, ApiPath, ApiQuery, AppAuth, QueryPairs};
use crate::error::ApiError;
use crate::model::account::{Account, AccountImport, AccountSaveResult, AccountsPage};
use crate::state::{AppState, Services};
use crate::store::AccountRecord;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

pub async fn me(AccountAuth(account): AccountAuth) -> Json<Account> {
    Json(Account::from_record(&account))
}

pub async fn delete_me(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
) -> Result<Json<crate::model::Ok>, ApiError> {
    state
        .store
        .delete_account(account.app_id, account.id)
        .await?;
    Ok(Json(crate::model::OK))
}

#[derive(Deserialize)]
pub struct Paging {
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    ApiQuery(p): ApiQuery<Paging>,
) -> Result<Json<AccountsPage>, ApiError> {
    let limit = p.limit.unwrap_or(50);
    let offset = p.offset.unwrap_or(0);
    if !(1..=500).contains(&limit) || offset < 0 {
        return Err(ApiError::bad_request(
            "badRequest",
            "limit must be 1 to 500 and offset 0 or more",
        ));
    }
    let (rows, total) = state.store.list_accounts(app.id, limit, offset).await?;
    let records = rows.iter().map(Account::from_record).collect();
    Ok(Json(AccountsPage {
        offset,
        total_size: total,
        done: offset + (rows.len() as i64) >= total,
        records,
    }))
}

async fn app_account(state: &Services, app_id: i64, id: &str) -> Result<AccountRecord, ApiError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad_request("badRequest", "the account id must be an integer"))?;
    state.store.account(app_id, id).await?.ok_or_else(|| {
        ApiError::not_found("account.notFound", format!("No account {id} for this app."))
    })
}

pub async fn get_one(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Account>, ApiError> {
    let account = app_account(&state, app.id, &id).await?;
    Ok(Json(Account::from_record(&account)))
}

pub async fn delete_one(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<crate::model::Ok>, ApiError> {
    let account = app_account(&state, app.id, &id).await?;
    state.store.delete_account(app.id, account.id).await?;
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
fn import_options(q: &QueryPairs) -> Result<bool, ApiError> {
    for name in ["userId", "userAccount"] {
        if q.one(name).is_some() {
            return Err(ApiError::bad_request(
                "badRequest",
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
            "badRequest",
            format!(
                "recycleKeys: '{key}' is not one of {}",
                SERVICE_KEYS.join(", ")
            ),
        ));
    }
    Ok(q.flag("ensureAccess")?.unwrap_or(false))
}

/// `POST /v1/am/accounts`: an account from Microsoft tokens the app already holds.
pub async fn import(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    q: QueryPairs,
    ApiJson(input): ApiJson<AccountImport>,
) -> Result<Json<AccountSaveResult>, ApiError> {
    let ensure_access = import_options(&q)?;
    let checked = state.check_import(&app, &input, ensure_access).await?;
    Ok(Json(state.save_import(&app, checked).await?))
}

/// `POST /v1/am/accounts/connect`: the same checks, nothing saved.
pub async fn connect(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    q: QueryPairs,
    ApiJson(input): ApiJson<AccountImport>,
) -> Result<Json<crate::model::Ok>, ApiError> {
    // A check reads a little of each kind of data, whatever ensureAccess says.
    import_options(&q)?;
    state.check_import(&app, &input, true).await?;
    Ok(Json(crate::model::OK))
}

/// `DELETE /v1/account/token`: this account token goes (with app credentials: all of them), and
/// so do the Microsoft tokens behind the account; it stays `dead` until it is re-authorized.
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
    state
        .revoke_account_access(&account, bearer.as_deref())
        .await?;
    Ok(Json(crate::model::OK))
}
