//! Drafts: created in Drafts, read and replaced while they are drafts, deleted or sent.

use crate::error::Code;
use crate::model::email::{EmailDraft, EmailDraftResponse, OutgoingEmail};
use crate::model::requests::{BodyType, MessageRead};
use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::mail::compose::{graph_message, Composed, Purpose};
use crate::providers::office365::mail::messages::message_path;
use crate::providers::office365::mail::sending::{draft_id, Route};
use crate::providers::office365::Office365;
use crate::providers::{Drafts, Messages};
use crate::store::AccountRecord;
use reqwest::Method;
use serde_json::{json, Value};

fn response(draft: &Value) -> Result<EmailDraftResponse, ProviderError> {
    Ok(EmailDraftResponse {
        id: draft_id(draft)?.to_string(),
        web_link: draft
            .get("webLink")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

fn not_a_draft(id: &str) -> ProviderError {
    ProviderError::not_found(
        Code::DraftNotFound,
        format!("No draft '{id}' (it may have been sent already)."),
    )
}

impl Office365 {
    async fn on_draft(
        &self,
        account: &AccountRecord,
        method: Method,
        path: &str,
        body: Option<Value>,
        prefer: &[&'static str],
    ) -> Result<Value, ProviderError> {
        self.on_mail(account, method, path, body, prefer)
            .await?
            .json()
    }

    /// The message, if it is a draft.
    async fn draft_json(
        &self,
        account: &AccountRecord,
        id: &str,
        body: BodyType,
    ) -> Result<Value, ProviderError> {
        let message = self
            .on_draft(
                account,
                Method::GET,
                &message_path(id),
                None,
                &[crate::providers::office365::mail::messages::body_prefer(
                    body,
                )],
            )
            .await
            .map_err(|e| {
                if e.kind == Failure::NotFound {
                    not_a_draft(id)
                } else {
                    e
                }
            })?;
        // A deleted draft sits in Deleted Items, still a draft to Outlook, but gone to the user.
        let folders = self.well_known_folders(account).await?;
        let in_trash = message
            .get("parentFolderId")
            .and_then(Value::as_str)
            .and_then(|f| folders.label(f))
            == Some("trash");
        if message.get("isDraft").and_then(Value::as_bool) != Some(true) || in_trash {
            return Err(not_a_draft(id));
        }
        Ok(message)
    }
}

#[async_trait::async_trait]
impl Drafts for Office365 {
    #[tracing::instrument(name = "office365.create_draft", skip_all, fields(account_id = account.id))]
    async fn create_draft(
        &self,
        account: &AccountRecord,
        email: &OutgoingEmail,
        body: BodyType,
    ) -> Result<EmailDraftResponse, ProviderError> {
        let mut composed = graph_message(email, body, Purpose::Draft)?;
        let (attachments, large) = match self.route(account, &mut composed, true)? {
            Route::Draft { attachments, large } => (attachments, large),
            Route::Direct => (vec![], vec![]),
        };
        let draft = self
            .graph_post(account, "/me/messages", composed.message)
            .await?;
        self.add_attachments(account, draft_id(&draft)?, attachments, large)
            .await?;
        response(&draft)
    }

    #[tracing::instrument(name = "office365.get_draft", skip_all, fields(account_id = account.id))]
    async fn get_draft(
        &self,
        account: &AccountRecord,
        id: &str,
        read: MessageRead,
    ) -> Result<EmailDraft, ProviderError> {
        let message = self.get_message(account, id, read).await.map_err(|e| {
            if e.kind == Failure::NotFound {
                not_a_draft(id)
            } else {
                e
            }
        })?;
        // A deleted draft sits in Deleted Items, still a draft to Outlook, but gone to the user.
        let labels = &message.sys_labels;
        if !labels.contains(&"draft") || labels.contains(&"trash") {
            return Err(not_a_draft(id));
        }
        Ok(EmailDraft {
            id: id.to_string(),
            message,
        })
    }

    /// Replaces the draft's subject, body, recipients and categories; its attachments too when
    /// the request brings some.
    #[tracing::instrument(name = "office365.update_draft", skip_all, fields(account_id = account.id))]
    async fn update_draft(
        &self,
        account: &AccountRecord,
        id: &str,
        email: &OutgoingEmail,
        body: BodyType,
    ) -> Result<EmailDraftResponse, ProviderError> {
        if !email.x_headers.is_empty() {
            return Err(ProviderError::invalid(
                Code::BadRequest,
                "xHeaders can only be set when the draft is created",
            ));
        }
        let Composed { mut message, large } = graph_message(email, body, Purpose::Draft)?;
        let attachments = match message
            .as_object_mut()
            .and_then(|m| m.remove("attachments"))
        {
            Some(Value::Array(list)) => list,
            _ => vec![],
        };
        self.draft_json(account, id, body).await?;
        let m = message
            .as_object_mut()
            .expect("a composed message is an object");
        for key in [
            "toRecipients",
            "ccRecipients",
            "bccRecipients",
            "replyTo",
            "categories",
        ] {
            m.entry(key).or_insert(json!([]));
        }
        m.entry("subject").or_insert(json!(""));
        m.entry("body")
            .or_insert(json!({ "contentType": "Text", "content": "" }));
        let path = message_path(id);
        let updated = self
            .on_draft(account, Method::PATCH, &path, Some(message), &[])
            .await?;
        if !attachments.is_empty() || !large.is_empty() {
            let existing = self
                .on_draft(
                    account,
                    Method::GET,
                    &format!("{path}/attachments?$select=id"),
                    None,
                    &[],
                )
                .await?;
            for old in existing
                .get("value")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(old_id) = old.get("id").and_then(Value::as_str) {
                    let old_id = crate::providers::office365::graph::client::segment(old_id);
                    self.on_draft(
                        account,
                        Method::DELETE,
                        &format!("{path}/attachments/{old_id}"),
                        None,
                        &[],
                    )
                    .await?;
                }
            }
            self.add_attachments(account, id, attachments, large)
                .await?;
        }
        response(&updated)
    }

    #[tracing::instrument(name = "office365.delete_draft", skip_all, fields(account_id = account.id))]
    async fn delete_draft(&self, account: &AccountRecord, id: &str) -> Result<(), ProviderError> {
        self.draft_json(account, id, BodyType::Html).await?;
        self.on_draft(account, Method::DELETE, &message_path(id), None, &[])
            .await
            .map(|_| ())
    }

    #[tracing::instrument(name = "office365.send_existing_draft", skip_all, fields(account_id = account.id))]
    async fn send_existing_draft(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<(), ProviderError> {
        self.draft_json(account, id, BodyType::Html).await?;
        self.graph_post(account, &format!("{}/send", message_path(id)), Value::Null)
            .await
            .map(|_| ())
    }
}
