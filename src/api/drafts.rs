use super::extract::{AccountAuth, ApiJson, ApiPath, ApiQuery};
use super::scope_check;
use crate::error::ApiError;
use crate::model::email::{EmailDraft, EmailDraftResponse, OutgoingEmail};
use crate::model::{Ok as OkResponse, OK};
use crate::providers::office365::messages::BodyType;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BodyParams {
    body_type: Option<String>,
}

impl BodyParams {
    fn body(&self) -> Result<BodyType, ApiError> {
        BodyType::parse(self.body_type.as_deref())
    }
}

pub async fn create(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiQuery(p): ApiQuery<BodyParams>,
    ApiJson(email): ApiJson<OutgoingEmail>,
) -> Result<Json<EmailDraftResponse>, ApiError> {
    scope_check::require(&state, &account, "email.drafts")?;
    Ok(Json(state.create_draft(&account, &email, p.body()?).await?))
}

pub async fn get_one(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<BodyParams>,
) -> Result<Json<EmailDraft>, ApiError> {
    scope_check::require_any(&state, &account, &["email.drafts", "email.read"])?;
    Ok(Json(state.get_draft(&account, &id, p.body()?).await?))
}

pub async fn update(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<BodyParams>,
    ApiJson(email): ApiJson<OutgoingEmail>,
) -> Result<Json<EmailDraftResponse>, ApiError> {
    scope_check::require(&state, &account, "email.drafts")?;
    Ok(Json(
        state.update_draft(&account, &id, &email, p.body()?).await?,
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<OkResponse>, ApiError> {
    scope_check::require(&state, &account, "email.drafts")?;
    state.delete_draft(&account, &id).await?;
    Ok(Json(OK))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendParams {
    send_time: Option<String>,
}

/// `EmailDraftSendResponse`. Scheduled sending and tracking are not offered, so they are refused.
pub async fn send(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<SendParams>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    scope_check::require(&state, &account, "email.drafts")?;
    scope_check::require(&state, &account, "email.send")?;
    if p.send_time.is_some() {
        return Err(ApiError::bad_request(
            "badRequest",
            "sendTime (scheduled sending) is not supported by switchboard",
        ));
    }
    let details: Value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad_request("badRequest", format!("The JSON body is not valid: {e}"))
        })?
    };
    if details.get("tracking").is_some_and(|t| !t.is_null()) {
        return Err(ApiError::bad_request(
            "badRequest",
            "tracking is not supported by switchboard",
        ));
    }
    state.send_existing_draft(&account, &id).await?;
    Ok(Json(serde_json::json!({ "status": "Ok" })))
}
