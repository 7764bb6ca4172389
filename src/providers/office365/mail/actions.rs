//! What can be done to one message: change its state, delete it, fetch an attachment or its MIME.

use crate::error::Code;
use crate::model::email::{EmailAttachment, MessageStatusUpdate};
use crate::providers::error::ProviderError;
use crate::providers::office365::graph::client::{GraphRequest, GraphResponse};
use crate::providers::office365::mail::graph_message::GraphAttachment;
use crate::providers::office365::mail::messages::{message_path, IMMUTABLE_IDS};
use crate::providers::office365::Office365;
use crate::providers::MessageActions;
use crate::store::AccountRecord;
use reqwest::Method;
use serde_json::{json, Value};

impl Office365 {
    /// A request on one message, always with immutable ids (those are the ids we hand out).
    pub(in crate::providers::office365) async fn on_message(
        &self,
        account: &AccountRecord,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<GraphResponse, ProviderError> {
        self.on_mail(account, method, path, body, &[]).await
    }

    /// The one way to call Graph on mail: always with immutable ids (the ids we hand out).
    pub(in crate::providers::office365) async fn on_mail(
        &self,
        account: &AccountRecord,
        method: Method,
        path: &str,
        body: Option<Value>,
        prefer: &[&'static str],
    ) -> Result<GraphResponse, ProviderError> {
        let mut request = GraphRequest::with(method, self.graph.url(path), body);
        request.prefer.push(IMMUTABLE_IDS);
        request.prefer.extend(prefer.iter().copied());
        self.graph_call(account, &request).await
    }

    async fn move_message(
        &self,
        account: &AccountRecord,
        path: &str,
        destination: &str,
    ) -> Result<(), ProviderError> {
        let body = json!({ "destinationId": destination });
        self.on_message(account, Method::POST, &format!("{path}/move"), Some(body))
            .await
            .map(|_| ())
    }
}

#[async_trait::async_trait]
impl MessageActions for Office365 {
    /// `unread`, `keywords` (Outlook categories) and `archived` (moved to or from Archive).
    #[tracing::instrument(name = "office365.update_message_status", skip_all, fields(account_id = account.id))]
    async fn update_message_status(
        &self,
        account: &AccountRecord,
        id: &str,
        update: MessageStatusUpdate,
    ) -> Result<(), ProviderError> {
        if update.unread.is_none() && update.archived.is_none() && update.keywords.is_none() {
            return Err(ProviderError::invalid(
                Code::BadRequest,
                "Give at least one of unread, archived, keywords.",
            ));
        }
        let path = message_path(id);
        let mut patch = serde_json::Map::new();
        if let Some(unread) = update.unread {
            patch.insert("isRead".into(), json!(!unread));
        }
        if let Some(keywords) = update.keywords {
            patch.insert("categories".into(), json!(keywords));
        }
        if !patch.is_empty() {
            self.on_message(account, Method::PATCH, &path, Some(Value::Object(patch)))
                .await?;
        }
        match update.archived {
            Some(true) => self.move_message(account, &path, "archive").await,
            Some(false) => {
                // Only a message in Archive goes back to the Inbox; elsewhere it is not archived.
                let folders = self.well_known_folders(account).await?;
                let current = self
                    .on_message(
                        account,
                        Method::GET,
                        &format!("{path}?$select=parentFolderId"),
                        None,
                    )
                    .await?
                    .json()?;
                match current.get("parentFolderId").and_then(Value::as_str) {
                    Some(folder) if folders.is_archive(folder) => {
                        self.move_message(account, &path, "inbox").await
                    }
                    _ => Ok(()),
                }
            }
            None => Ok(()),
        }
    }

    /// Moves the message to Deleted Items (Graph's DELETE does not purge).
    #[tracing::instrument(name = "office365.delete_message", skip_all, fields(account_id = account.id))]
    async fn delete_message(&self, account: &AccountRecord, id: &str) -> Result<(), ProviderError> {
        self.on_message(account, Method::DELETE, &message_path(id), None)
            .await
            .map(|_| ())
    }

    #[tracing::instrument(name = "office365.message_attachment", skip_all, fields(account_id = account.id))]
    async fn message_attachment(
        &self,
        account: &AccountRecord,
        id: &str,
        attachment_id: &str,
    ) -> Result<EmailAttachment, ProviderError> {
        let encoded = crate::providers::office365::graph::client::segment(attachment_id);
        let answer = self
            .on_message(
                account,
                Method::GET,
                &format!("{}/attachments/{encoded}", message_path(id)),
                None,
            )
            .await?;
        let mut found = answer.item(GraphAttachment::to_unified)?;
        if found.id.is_empty() {
            found.id = attachment_id.to_string();
        }
        Ok(found)
    }

    /// The message as MIME (RFC 822).
    #[tracing::instrument(name = "office365.raw_message", skip_all, fields(account_id = account.id))]
    async fn raw_message(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<bytes::Bytes, ProviderError> {
        Ok(self
            .on_message(
                account,
                Method::GET,
                &format!("{}/$value", message_path(id)),
                None,
            )
            .await?
            .bytes)
    }
}
