use super::extract::{AccountAuth, ApiPath, ApiQuery};
use super::scope_check;
use crate::error::ApiError;
use crate::model::email::{EmailMessage, EmailMessagesPage};
use crate::providers::office365::messages::{BodyType, ListRequest};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListParams {
    page_token: Option<String>,
    limit: Option<u32>,
    q: Option<String>,
    body_type: Option<String>,
    include_trash_and_junk: Option<bool>,
}

impl ListParams {
    fn request<'a>(&'a self, folder: Option<&'a str>) -> Result<ListRequest<'a>, ApiError> {
        Ok(ListRequest {
            folder,
            q: self.q.as_deref(),
            body_type: BodyType::parse(self.body_type.as_deref())?,
            include_trash_and_junk: self.include_trash_and_junk.unwrap_or(false),
            page_token: self.page_token.as_deref(),
            limit: self.limit,
        })
    }
}

pub async fn list(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<EmailMessagesPage>, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    Ok(Json(state.list_messages(&account, p.request(None)?).await?))
}

pub async fn list_in_folder(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(folder): ApiPath<String>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<EmailMessagesPage>, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    Ok(Json(
        state
            .list_messages(&account, p.request(Some(&folder))?)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetParams {
    body_type: Option<String>,
}

pub async fn get_one(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<GetParams>,
) -> Result<Json<EmailMessage>, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    let body = BodyType::parse(p.body_type.as_deref())?;
    Ok(Json(state.get_message(&account, &id, body).await?))
}
