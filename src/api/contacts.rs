use super::extract::{if_match, AccountAuth, ApiJson, ApiPath, ApiQuery};
use super::scope_check;
use crate::error::ApiError;
use crate::model::contact::{Contact, ContactOrId, ContactsPage};
use crate::model::{Ok as OkResponse, OK};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListParams {
    page_token: Option<String>,
    limit: Option<u32>,
}

pub async fn list(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<ContactsPage>, ApiError> {
    scope_check::require(&state, &account, "contacts.read")?;
    Ok(Json(
        state
            .list_contacts(&account, p.page_token.as_deref(), p.limit)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetParams {
    with_photo: Option<bool>,
}

pub async fn get_one(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<GetParams>,
) -> Result<Json<Contact>, ApiError> {
    scope_check::require(&state, &account, "contacts.read")?;
    Ok(Json(
        state
            .get_contact(&account, &id, p.with_photo.unwrap_or(false))
            .await?,
    ))
}

pub async fn create(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiJson(contact): ApiJson<Contact>,
) -> Result<(StatusCode, Json<ContactOrId>), ApiError> {
    scope_check::require(&state, &account, "contacts.write")?;
    Ok((
        StatusCode::CREATED,
        Json(state.create_contact(&account, &contact).await?),
    ))
}

pub async fn update(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(contact): ApiJson<Contact>,
) -> Result<Json<ContactOrId>, ApiError> {
    scope_check::require(&state, &account, "contacts.write")?;
    Ok(Json(
        state
            .update_contact(&account, &id, &contact, if_match(&headers)?)
            .await?,
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Json<OkResponse>, ApiError> {
    scope_check::require(&state, &account, "contacts.write")?;
    state
        .delete_contact(&account, &id, if_match(&headers)?)
        .await?;
    Ok(Json(OK))
}
