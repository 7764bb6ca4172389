use super::extract::{AccountAuth, ApiPath, ApiQuery, AppAuth};
use crate::error::ApiError;
use crate::model::account::{Account, AccountsPage};
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
