//! Drafts: create, read, update, delete, send.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::json::Json;
use super::scope_check::{op, Scoped};
use crate::error::{ApiError, Code};
use crate::model::email::{EmailDraft, EmailDraftResponse, OutgoingEmail};
use crate::model::requests::{BodyType, MessageRead};
use crate::model::{Ok as OkResponse, OK};
use crate::state::AppState;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BodyParams {
    /// Whether `body` is (or is read as) `html` (default) or `text`.
    body_type: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ReadParams {
    /// Whether `body` is read as `html` (default) or `text`.
    body_type: Option<String>,
    /// Also load the content of inline attachments.
    load_inlines: Option<bool>,
    /// Refused: Office 365's own properties are read through the direct API.
    native_properties: Option<String>,
}

impl BodyParams {
    fn body(&self) -> Result<BodyType, ApiError> {
        BodyType::parse(self.body_type.as_deref())
    }
}

/// Creates a draft.
#[utoipa::path(post, path = "/v1/email/drafts", tag = "Drafts", operation_id = "createDraft",
    params(BodyParams), request_body = OutgoingEmail, responses((status = 200, body = EmailDraftResponse)))]
pub async fn create(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailDrafts>,
    ApiQuery(p): ApiQuery<BodyParams>,
    ApiJson(email): ApiJson<OutgoingEmail>,
) -> Result<Json<EmailDraftResponse>, ApiError> {
    Ok(Json(
        state
            .mail(&account)?
            .create_draft(&account, &email, p.body()?)
            .await?,
    ))
}

/// Reads a draft.
#[utoipa::path(get, path = "/v1/email/drafts/{draftId}", tag = "Drafts", operation_id = "getDraft",
    params(("draftId" = String, Path, description = "The draft id"), ReadParams),
    responses((status = 200, body = EmailDraft)))]
pub async fn get_one(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::DraftsOrRead>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<ReadParams>,
) -> Result<Json<EmailDraft>, ApiError> {
    super::email::no_native_properties(p.native_properties.as_ref())?;
    let read = MessageRead {
        body: BodyType::parse(p.body_type.as_deref())?,
        load_inlines: p.load_inlines.unwrap_or(false),
        strip_quoted: false,
    };
    Ok(Json(
        state.mail(&account)?.get_draft(&account, &id, read).await?,
    ))
}

/// Replaces a draft's subject, body, recipients and categories (its attachments too, when given).
#[utoipa::path(put, path = "/v1/email/drafts/{draftId}", tag = "Drafts", operation_id = "updateDraft",
    params(("draftId" = String, Path, description = "The draft id"), BodyParams),
    request_body = OutgoingEmail, responses((status = 200, body = EmailDraftResponse)))]
pub async fn update(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailDrafts>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<BodyParams>,
    ApiJson(email): ApiJson<OutgoingEmail>,
) -> Result<Json<EmailDraftResponse>, ApiError> {
    Ok(Json(
        state
            .mail(&account)?
            .update_draft(&account, &id, &email, p.body()?)
            .await?,
    ))
}

/// Deletes a draft.
#[utoipa::path(delete, path = "/v1/email/drafts/{draftId}", tag = "Drafts", operation_id = "deleteDraft",
    params(("draftId" = String, Path, description = "The draft id")), responses((status = 200, body = OkResponse)))]
pub async fn delete(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailDrafts>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<OkResponse>, ApiError> {
    state.mail(&account)?.delete_draft(&account, &id).await?;
    Ok(Json(OK))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct SendParams {
    /// Refused: scheduled sending is not offered.
    send_time: Option<String>,
}

/// `DraftSendDetails`: only `tracking`, which is refused.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct DraftSendDetails {
    #[schema(value_type = Option<Object>)]
    tracking: Option<()>,
}

/// `EmailDraftSendResponse`.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EmailDraftSendResponse {
    status: &'static str,
}

/// Sends a draft. Scheduled sending and tracking are not offered, so they are refused.
#[utoipa::path(post, path = "/v1/email/drafts/{draftId}/send", tag = "Drafts", operation_id = "sendDraft",
    params(("draftId" = String, Path, description = "The draft id"), SendParams),
    request_body(content = Option<DraftSendDetails>), responses((status = 200, body = EmailDraftSendResponse)))]
pub async fn send(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::DraftsAndSend>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<SendParams>,
    body: axum::body::Bytes,
) -> Result<Json<EmailDraftSendResponse>, ApiError> {
    if p.send_time.is_some() {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            "sendTime (scheduled sending) is not supported by switchboard",
        ));
    }
    let details: Value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::bad_request(Code::BadRequest, format!("The JSON body is not valid: {e}"))
        })?
    };
    if details.get("tracking").is_some_and(|t| !t.is_null()) {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            "tracking is not supported by switchboard",
        ));
    }
    state
        .mail(&account)?
        .send_existing_draft(&account, &id)
        .await?;
    Ok(Json(EmailDraftSendResponse { status: "Ok" }))
}
