//! Sending and replying. Without `returnIds`: `sendMail` / `reply`, which need only Mail.Send.
//! With it, or when the message is over Graph's 4 MB request limit or has an attachment over
//! 3 MB: a draft (`messages` / `createReply`), its attachments added one by one (the large ones
//! through upload sessions), then sent. Immutable ids keep the draft's id valid once the message
//! sits in Sent Items.

use crate::error::Code;
use crate::model::email::{EmailSendResponse, OutgoingEmail};
use crate::model::requests::BodyType;
use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::mail::compose::{
    graph_message, Composed, LargeAttachment, Purpose,
};
use crate::providers::office365::mail::messages::message_path;
use crate::providers::office365::Office365;
use crate::providers::Sending;
use crate::scopes::Operation;
use crate::store::AccountRecord;
use reqwest::Method;
use serde_json::{json, Value};

/// Graph refuses request bodies over 4 MB; leave room for the envelope.
const GRAPH_BODY_LIMIT: usize = 4 * 1024 * 1024 - 64 * 1024;
/// Upload ranges must be multiples of 320 KiB; ten of them stay under Graph's 4 MB.
const UPLOAD_CHUNK: usize = 10 * 320 * 1024;

const SENT: EmailSendResponse = EmailSendResponse {
    processing_status: "Ok",
    status: "Ok",
    id: None,
    thread_id: None,
};

pub(in crate::providers::office365) fn draft_id(draft: &Value) -> Result<&str, ProviderError> {
    draft
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| ProviderError::internal("Graph created a draft without an id"))
}

fn too_big(message: &Value) -> bool {
    serde_json::to_vec(message)
        .map(|v| v.len())
        .unwrap_or(usize::MAX)
        > GRAPH_BODY_LIMIT
}

fn take_attachments(message: &mut Value) -> Vec<Value> {
    match message
        .as_object_mut()
        .and_then(|m| m.remove("attachments"))
    {
        Some(Value::Array(list)) => list,
        _ => vec![],
    }
}

/// How a message goes out.
pub(in crate::providers::office365) enum Route {
    /// `sendMail` / `reply`: one request.
    Direct,
    /// A draft, its attachments added separately, then sent.
    Draft {
        attachments: Vec<Value>,
        large: Vec<LargeAttachment>,
    },
}

impl Office365 {
    pub(in crate::providers::office365) async fn graph_post(
        &self,
        account: &AccountRecord,
        path: &str,
        body: Value,
    ) -> Result<Value, ProviderError> {
        self.on_mail(account, Method::POST, path, Some(body), &[])
            .await?
            .json()
    }

    pub(in crate::providers::office365) fn route(
        &self,
        account: &AccountRecord,
        composed: &mut Composed,
        return_ids: bool,
    ) -> Result<Route, ProviderError> {
        let large = std::mem::take(&mut composed.large);
        let big = too_big(&composed.message);
        if !big && large.is_empty() {
            return Ok(if return_ids {
                Route::Draft {
                    attachments: vec![],
                    large,
                }
            } else {
                Route::Direct
            });
        }
        let can_draft = [Operation::EmailDrafts, Operation::EmailModify]
            .into_iter()
            .any(|op| self.scopes.allows(&account.auth_scopes, op));
        if !can_draft {
            return Err(ProviderError::new(
                Failure::TooLarge,
                Code::MessageTooLarge,
                "Messages over 4 MB, or with an attachment over 3 MB, are sent as a draft in parts, which needs Mail.Drafts or Mail.ReadWrite; re-authorize the account with one of them.",
            ));
        }
        let attachments = if big {
            take_attachments(&mut composed.message)
        } else {
            vec![]
        };
        Ok(Route::Draft { attachments, large })
    }

    /// Adds attachments to a draft: small ones in one request each, large ones in ranges.
    pub(in crate::providers::office365) async fn add_attachments(
        &self,
        account: &AccountRecord,
        id: &str,
        attachments: Vec<Value>,
        large: Vec<LargeAttachment>,
    ) -> Result<(), ProviderError> {
        let path = format!("{}/attachments", message_path(id));
        for attachment in attachments {
            self.graph_post(account, &path, attachment).await?;
        }
        for attachment in large {
            self.upload_attachment(account, &path, attachment).await?;
        }
        Ok(())
    }

    async fn upload_attachment(
        &self,
        account: &AccountRecord,
        attachments_path: &str,
        a: LargeAttachment,
    ) -> Result<(), ProviderError> {
        let total = a.bytes.len();
        let item = json!({ "AttachmentItem": {
            "attachmentType": "file", "name": a.name, "size": total, "contentType": a.content_type,
            "isInline": a.inline, "contentId": a.content_id,
        }});
        let session = self
            .graph_post(
                account,
                &format!("{attachments_path}/createUploadSession"),
                item,
            )
            .await?;
        let url = session
            .get("uploadUrl")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ProviderError::internal("Graph opened an upload session without an uploadUrl")
            })?;
        let mailbox = account.id.to_string();
        for (n, chunk) in a.bytes.chunks(UPLOAD_CHUNK).enumerate() {
            let start = n * UPLOAD_CHUNK;
            let range = format!("bytes {start}-{}/{total}", start + chunk.len() - 1);
            self.graph
                .put_range(&mailbox, url, &range, chunk.to_vec())
                .await?;
        }
        Ok(())
    }

    /// Adds the attachments to a draft, sends it and reports its ids.
    async fn complete_draft(
        &self,
        account: &AccountRecord,
        draft: Value,
        attachments: Vec<Value>,
        large: Vec<LargeAttachment>,
    ) -> Result<EmailSendResponse, ProviderError> {
        let id = draft_id(&draft)?;
        self.add_attachments(account, id, attachments, large)
            .await?;
        self.graph_post(account, &format!("{}/send", message_path(id)), Value::Null)
            .await?;
        Ok(EmailSendResponse {
            processing_status: "Ok",
            status: "Ok",
            id: Some(id.to_string()),
            thread_id: draft
                .get("conversationId")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }
}

#[async_trait::async_trait]
impl Sending for Office365 {
    #[tracing::instrument(name = "office365.send_message", skip_all, fields(account_id = account.id))]
    async fn send_message(
        &self,
        account: &AccountRecord,
        email: &OutgoingEmail,
        body: BodyType,
        return_ids: bool,
    ) -> Result<EmailSendResponse, ProviderError> {
        let mut composed = graph_message(email, body, Purpose::New)?;
        match self.route(account, &mut composed, return_ids)? {
            Route::Direct => {
                self.graph_post(
                    account,
                    "/me/sendMail",
                    json!({ "message": composed.message, "saveToSentItems": true }),
                )
                .await?;
                Ok(SENT)
            }
            Route::Draft { attachments, large } => {
                let draft = self
                    .graph_post(account, "/me/messages", composed.message)
                    .await?;
                let sent = self
                    .complete_draft(account, draft, attachments, large)
                    .await?;
                Ok(if return_ids { sent } else { SENT })
            }
        }
    }

    #[tracing::instrument(name = "office365.reply_to_message", skip_all, fields(account_id = account.id))]
    async fn reply_to_message(
        &self,
        account: &AccountRecord,
        id: &str,
        email: &OutgoingEmail,
        body: BodyType,
        return_ids: bool,
    ) -> Result<EmailSendResponse, ProviderError> {
        if email.in_reply_to.is_some() || email.references.is_some() || email.keywords.is_some() {
            return Err(ProviderError::invalid(
                Code::BadRequest,
                "a reply takes no inReplyTo, references or keywords",
            ));
        }
        let mut composed = graph_message(email, body, Purpose::Reply)?;
        let path = message_path(id);
        match self.route(account, &mut composed, return_ids)? {
            Route::Direct => {
                self.graph_post(
                    account,
                    &format!("{path}/reply"),
                    json!({ "message": composed.message }),
                )
                .await?;
                Ok(SENT)
            }
            Route::Draft { attachments, large } => {
                let draft = self
                    .graph_post(
                        account,
                        &format!("{path}/createReply"),
                        json!({ "message": composed.message }),
                    )
                    .await?;
                let sent = self
                    .complete_draft(account, draft, attachments, large)
                    .await?;
                Ok(if return_ids { sent } else { SENT })
            }
        }
    }
}
