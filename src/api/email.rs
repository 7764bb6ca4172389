use super::extract::{AccountAuth, ApiJson, ApiPath, ApiQuery};
use super::scope_check;
use crate::error::ApiError;
use crate::model::email::{
    EmailAttachment, EmailMessage, EmailMessagesPage, EmailSendResponse, MessageStatusUpdate,
    OutgoingEmail,
};
use crate::model::{Ok as OkResponse, OK};
use crate::providers::office365::messages::{BodyType, ListRequest};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
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
    fn request<'a>(
        &'a self,
        folder: Option<&'a str>,
        conversation: Option<&'a str>,
    ) -> Result<ListRequest<'a>, ApiError> {
        Ok(ListRequest {
            folder,
            conversation,
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
    Ok(Json(
        state
            .list_messages(&account, p.request(None, None)?)
            .await?,
    ))
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
            .list_messages(&account, p.request(Some(&folder), None)?)
            .await?,
    ))
}

pub async fn conversation(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(thread): ApiPath<String>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<EmailMessagesPage>, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    if p.q.is_some() {
        return Err(ApiError::bad_request(
            "badRequest",
            "q is not accepted on a conversation",
        ));
    }
    Ok(Json(
        state
            .list_messages(&account, p.request(None, Some(&thread))?)
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetParams {
    body_type: Option<String>,
    load_inlines: Option<bool>,
}

pub async fn get_one(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<GetParams>,
) -> Result<Json<EmailMessage>, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    let body = BodyType::parse(p.body_type.as_deref())?;
    Ok(Json(
        state
            .get_message(&account, &id, body, p.load_inlines.unwrap_or(false))
            .await?,
    ))
}

pub async fn raw(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<impl IntoResponse, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    let mime = state.raw_message(&account, &id).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], mime))
}

pub async fn attachment(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath((id, attachment_id)): ApiPath<(String, String)>,
) -> Result<Json<EmailAttachment>, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    Ok(Json(
        state
            .message_attachment(&account, &id, &attachment_id)
            .await?,
    ))
}

pub async fn update_status(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    ApiJson(update): ApiJson<MessageStatusUpdate>,
) -> Result<Json<OkResponse>, ApiError> {
    scope_check::require(&state, &account, "email.modify")?;
    state.update_message_status(&account, &id, update).await?;
    Ok(Json(OK))
}

pub async fn delete(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<OkResponse>, ApiError> {
    scope_check::require(&state, &account, "email.modify")?;
    state.delete_message(&account, &id).await?;
    Ok(Json(OK))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendParams {
    body_type: Option<String>,
    return_ids: Option<bool>,
}

impl SendParams {
    /// Sending needs `email.send`; returning ids goes through a draft, which needs more.
    fn check(
        &self,
        state: &AppState,
        account: &crate::store::AccountRecord,
    ) -> Result<(BodyType, bool), ApiError> {
        scope_check::require(state, account, "email.send")?;
        let return_ids = self.return_ids.unwrap_or(false);
        if return_ids {
            scope_check::require_any(state, account, &["email.drafts", "email.modify"])?;
        }
        Ok((BodyType::parse(self.body_type.as_deref())?, return_ids))
    }
}

pub async fn send(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiQuery(p): ApiQuery<SendParams>,
    ApiJson(email): ApiJson<OutgoingEmail>,
) -> Result<(StatusCode, Json<EmailSendResponse>), ApiError> {
    let (body, return_ids) = p.check(&state, &account)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .send_message(&account, &email, body, return_ids)
                .await?,
        ),
    ))
}

pub async fn reply(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<SendParams>,
    ApiJson(email): ApiJson<OutgoingEmail>,
) -> Result<Json<EmailSendResponse>, ApiError> {
    let (body, return_ids) = p.check(&state, &account)?;
    // 200, as the contract says for a reply (a new message is 201).
    Ok(Json(
        state
            .reply_to_message(&account, &id, &email, body, return_ids)
            .await?,
    ))
}
