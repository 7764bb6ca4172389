//! Messages: list (all, in a folder, a conversation), read (also raw), attachments, status
//! changes, delete, send and reply.

use super::extract::{AccountAuth, ApiJson, ApiPath, ApiQuery};
use super::json::Json;
use super::scope_check::{op, Scoped};
use crate::error::{ApiError, Code};
use crate::model::email::{
    EmailAttachment, EmailMessage, EmailMessagesPage, EmailSendResponse, MessageStatusUpdate,
    OutgoingEmail,
};
use crate::model::requests::{BodyType, ListRequest, MessageRead};
use crate::model::{Ok as OkResponse, OK};
use crate::scopes::Operation;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// The `nextPageToken` of the previous page (it remembers the query).
    page_token: Option<String>,
    /// Messages per page, 1 to 100 (default 25); an extension of the contract.
    limit: Option<u32>,
    /// Gmail-style operators: `from:`, `to:`, `subject:`, `after:`, `is:unread`, `has:attachment`, words, "phrases".
    q: Option<String>,
    /// `html` (default) or `text`.
    body_type: Option<String>,
    /// Outside a folder, also Deleted Items and Junk Email.
    include_trash_and_junk: Option<bool>,
    /// Refused: Office 365's own properties are read through the direct API.
    native_properties: Option<String>,
}

/// `nativeProperties` would change what comes back if ignored, so it is refused.
pub(super) fn no_native_properties(value: Option<&String>) -> Result<(), ApiError> {
    match value {
        Some(_) => Err(ApiError::bad_request(
            Code::BadRequest,
            "nativeProperties: Office 365's own properties are not returned here; read them with the direct API (/v1/direct/me/messages/{id}?$select=…).",
        )),
        None => Ok(()),
    }
}

impl ListParams {
    fn request(&self) -> Result<ListRequest<'_>, ApiError> {
        no_native_properties(self.native_properties.as_ref())?;
        Ok(ListRequest {
            include_trash_and_junk: self.include_trash_and_junk.unwrap_or(false),
            ..page(
                self.page_token.as_deref(),
                self.limit,
                self.body_type.as_deref(),
            )?
        }
        .with_query(self.q.as_deref()))
    }
}

/// A listing's paging and body type; the rest is added by the listing.
fn page<'a>(
    page_token: Option<&'a str>,
    limit: Option<u32>,
    body_type: Option<&str>,
) -> Result<ListRequest<'a>, ApiError> {
    Ok(ListRequest {
        folder: None,
        conversation: None,
        q: None,
        body_type: BodyType::parse(body_type)?,
        include_trash_and_junk: false,
        page_token,
        limit,
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct FolderParams {
    /// The `nextPageToken` of the previous page (it remembers the query).
    page_token: Option<String>,
    /// Messages per page, 1 to 100 (default 25); an extension of the contract.
    limit: Option<u32>,
    /// Gmail-style operators, as for all messages.
    q: Option<String>,
    /// `html` (default) or `text`.
    body_type: Option<String>,
    /// Refused: Office 365's own properties are read through the direct API.
    native_properties: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ConversationParams {
    page_token: Option<String>,
    /// Messages per page, 1 to 100 (default 25); an extension of the contract.
    limit: Option<u32>,
    /// `html` (default) or `text`.
    body_type: Option<String>,
}

/// Messages of the whole mailbox, newest first.
#[utoipa::path(get, path = "/v1/email/messages", tag = "Messages", operation_id = "messages",
    params(ListParams), responses((status = 200, body = EmailMessagesPage)))]
pub async fn list(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<EmailMessagesPage>, ApiError> {
    Ok(Json(
        state
            .mail(&account)?
            .list_messages(&account, p.request()?)
            .await?,
    ))
}

/// One folder's messages, newest first.
#[utoipa::path(get, path = "/v1/email/folders/{folderId}/messages", tag = "EmailFolders", operation_id = "folderEmails",
    params(("folderId" = String, Path, description = "A folder id or a well-known name: inbox, sentitems, drafts, deleteditems, junkemail, archive"), FolderParams),
    responses((status = 200, body = EmailMessagesPage)))]
pub async fn list_in_folder(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
    ApiPath(folder): ApiPath<String>,
    ApiQuery(p): ApiQuery<FolderParams>,
) -> Result<Json<EmailMessagesPage>, ApiError> {
    no_native_properties(p.native_properties.as_ref())?;
    let request = ListRequest {
        folder: Some(&folder),
        ..page(p.page_token.as_deref(), p.limit, p.body_type.as_deref())?
    }
    .with_query(p.q.as_deref());
    Ok(Json(
        state
            .mail(&account)?
            .list_messages(&account, request)
            .await?,
    ))
}

/// A thread's messages, oldest first, with their bodies.
#[utoipa::path(get, path = "/v1/email/conversations/{threadId}", tag = "Messages", operation_id = "conversation",
    params(("threadId" = String, Path, description = "A message's `threadId`"), ConversationParams),
    responses((status = 200, body = EmailMessagesPage)))]
pub async fn conversation(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
    ApiPath(thread): ApiPath<String>,
    ApiQuery(p): ApiQuery<ConversationParams>,
) -> Result<Json<EmailMessagesPage>, ApiError> {
    let request = ListRequest {
        conversation: Some(&thread),
        ..page(p.page_token.as_deref(), p.limit, p.body_type.as_deref())?
    };
    Ok(Json(
        state
            .mail(&account)?
            .list_messages(&account, request)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct GetParams {
    /// `html` (default) or `text`.
    body_type: Option<String>,
    /// Also load the content of inline attachments (the pictures of an HTML body).
    load_inlines: Option<bool>,
    /// The part of the body that is new in this message, without the quoted earlier ones.
    strip_quoted: Option<bool>,
    /// Always honoured: every message has its `threadId`.
    #[allow(dead_code)]
    require_thread_id: Option<bool>,
    /// Refused: Office 365's own properties are read through the direct API.
    native_properties: Option<String>,
}

/// One message: body, headers and its attachments described.
#[utoipa::path(get, path = "/v1/email/messages/{messageId}", tag = "Messages", operation_id = "message",
    params(("messageId" = String, Path, description = "The message id"), GetParams),
    responses((status = 200, body = EmailMessage)))]
pub async fn get_one(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<GetParams>,
) -> Result<Json<EmailMessage>, ApiError> {
    no_native_properties(p.native_properties.as_ref())?;
    let read = MessageRead {
        body: BodyType::parse(p.body_type.as_deref())?,
        load_inlines: p.load_inlines.unwrap_or(false),
        strip_quoted: p.strip_quoted.unwrap_or(false),
    };
    Ok(Json(
        state
            .mail(&account)?
            .get_message(&account, &id, read)
            .await?,
    ))
}

/// The message as MIME (RFC 822).
#[utoipa::path(get, path = "/v1/email/messages/{messageId}/raw", tag = "Messages", operation_id = "messageRaw",
    params(("messageId" = String, Path, description = "The message id")),
    responses((status = 200, description = "The MIME message", content_type = "text/plain", body = String)))]
pub async fn raw(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
    ApiPath(id): ApiPath<String>,
) -> Result<impl IntoResponse, ApiError> {
    let mime = state.mail(&account)?.raw_message(&account, &id).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], mime))
}

/// One attachment with its content in base64.
#[utoipa::path(get, path = "/v1/email/messages/{messageId}/attachments/{attachmentId}", tag = "Messages", operation_id = "emailAttachment",
    params(("messageId" = String, Path, description = "The message id"), ("attachmentId" = String, Path, description = "The attachment id")),
    responses((status = 200, body = EmailAttachment)))]
pub async fn attachment(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
    ApiPath((id, attachment_id)): ApiPath<(String, String)>,
) -> Result<Json<EmailAttachment>, ApiError> {
    Ok(Json(
        state
            .mail(&account)?
            .message_attachment(&account, &id, &attachment_id)
            .await?,
    ))
}

/// Read state, Outlook categories (`keywords`), to or from Archive.
#[utoipa::path(post, path = "/v1/email/messages/{messageId}/status", tag = "Messages", operation_id = "updateMessageStatus",
    params(("messageId" = String, Path, description = "The message id")),
    request_body = MessageStatusUpdate, responses((status = 200, body = OkResponse)))]
pub async fn update_status(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailModify>,
    ApiPath(id): ApiPath<String>,
    ApiJson(update): ApiJson<MessageStatusUpdate>,
) -> Result<Json<OkResponse>, ApiError> {
    state
        .mail(&account)?
        .update_message_status(&account, &id, update)
        .await?;
    Ok(Json(OK))
}

/// Moves the message to Deleted Items.
#[utoipa::path(delete, path = "/v1/email/messages/{messageId}", tag = "Messages", operation_id = "deleteMessage",
    params(("messageId" = String, Path, description = "The message id")),
    responses((status = 200, body = OkResponse)))]
pub async fn delete(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailModify>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<OkResponse>, ApiError> {
    state.mail(&account)?.delete_message(&account, &id).await?;
    Ok(Json(OK))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct SendParams {
    /// Whether `body` is `html` (default) or `text`.
    body_type: Option<String>,
    /// Answer the sent message's `id` and `threadId` (sends through a draft).
    return_ids: Option<bool>,
}

impl SendParams {
    /// Returning ids goes through a draft, which needs more than sending.
    fn check(
        &self,
        state: &AppState,
        account: &crate::store::AccountRecord,
    ) -> Result<(BodyType, bool), ApiError> {
        let return_ids = self.return_ids.unwrap_or(false);
        if return_ids {
            let draft = [Operation::EmailDrafts, Operation::EmailModify];
            state.require_any(account, &draft)?;
        }
        Ok((BodyType::parse(self.body_type.as_deref())?, return_ids))
    }
}

/// Sends a new message.
#[utoipa::path(post, path = "/v1/email/messages", tag = "Messages", operation_id = "send",
    params(SendParams), request_body = OutgoingEmail,
    responses((status = 201, body = EmailSendResponse),
        (status = 413, description = "Too large to send without drafts (`message.tooLarge`)", body = crate::api::openapi::ErrorAnswer)))]
pub async fn send(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailSend>,
    ApiQuery(p): ApiQuery<SendParams>,
    ApiJson(email): ApiJson<OutgoingEmail>,
) -> Result<(StatusCode, Json<EmailSendResponse>), ApiError> {
    let (body, return_ids) = p.check(&state, &account)?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .mail(&account)?
                .send_message(&account, &email, body, return_ids)
                .await?,
        ),
    ))
}

/// Replies in the thread (to the sender unless `to` is given).
#[utoipa::path(post, path = "/v1/email/messages/{messageId}/reply", tag = "Messages", operation_id = "reply",
    params(("messageId" = String, Path, description = "The message replied to"), SendParams),
    request_body = OutgoingEmail, responses((status = 200, body = EmailSendResponse)))]
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
            .mail(&account)?
            .reply_to_message(&account, &id, &email, body, return_ids)
            .await?,
    ))
}
