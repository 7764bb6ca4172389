//! Office 365 behind the provider traits: each trait method is the `Office365` method of the same
//! name (the direct API's `forward` is `forward_to_graph`).

use super::Office365;
use crate::model::account::{AccountImport, AccountSaveResult};
use crate::model::email::{
    EmailAttachment, EmailDraft, EmailDraftResponse, EmailFolderInfo, EmailFolderInfoPage,
    EmailMessage, EmailMessagesPage, EmailSendResponse, MessageStatusUpdate, OutgoingEmail,
    WellKnownFolderIds,
};
use crate::model::requests::{BodyType, Forward, ListRequest, MessageRead};
use crate::providers::error::ProviderError;
use crate::providers::{Accounts, Direct, Mail};
use crate::store::{AccountRecord, AppRecord};
use axum::body::Body;
use axum::http::Response;

#[async_trait::async_trait]
impl Mail for Office365 {
    #[tracing::instrument(name = "office365.list_messages", skip_all, fields(account_id = account.id))]
    async fn list_messages(
        &self,
        account: &AccountRecord,
        req: ListRequest<'_>,
    ) -> Result<EmailMessagesPage, ProviderError> {
        Office365::list_messages(self, account, req).await
    }

    #[tracing::instrument(name = "office365.get_message", skip_all, fields(account_id = account.id))]
    async fn get_message(
        &self,
        account: &AccountRecord,
        id: &str,
        read: MessageRead,
    ) -> Result<EmailMessage, ProviderError> {
        Office365::get_message(self, account, id, read).await
    }

    #[tracing::instrument(name = "office365.update_message_status", skip_all, fields(account_id = account.id))]
    async fn update_message_status(
        &self,
        account: &AccountRecord,
        id: &str,
        update: MessageStatusUpdate,
    ) -> Result<(), ProviderError> {
        Office365::update_message_status(self, account, id, update).await
    }

    #[tracing::instrument(name = "office365.delete_message", skip_all, fields(account_id = account.id))]
    async fn delete_message(&self, account: &AccountRecord, id: &str) -> Result<(), ProviderError> {
        Office365::delete_message(self, account, id).await
    }

    #[tracing::instrument(name = "office365.message_attachment", skip_all, fields(account_id = account.id))]
    async fn message_attachment(
        &self,
        account: &AccountRecord,
        id: &str,
        attachment_id: &str,
    ) -> Result<EmailAttachment, ProviderError> {
        Office365::message_attachment(self, account, id, attachment_id).await
    }

    #[tracing::instrument(name = "office365.raw_message", skip_all, fields(account_id = account.id))]
    async fn raw_message(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<bytes::Bytes, ProviderError> {
        Office365::raw_message(self, account, id).await
    }

    #[tracing::instrument(name = "office365.send_message", skip_all, fields(account_id = account.id))]
    async fn send_message(
        &self,
        account: &AccountRecord,
        email: &OutgoingEmail,
        body: BodyType,
        return_ids: bool,
    ) -> Result<EmailSendResponse, ProviderError> {
        Office365::send_message(self, account, email, body, return_ids).await
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
        Office365::reply_to_message(self, account, id, email, body, return_ids).await
    }

    #[tracing::instrument(name = "office365.create_draft", skip_all, fields(account_id = account.id))]
    async fn create_draft(
        &self,
        account: &AccountRecord,
        email: &OutgoingEmail,
        body: BodyType,
    ) -> Result<EmailDraftResponse, ProviderError> {
        Office365::create_draft(self, account, email, body).await
    }

    #[tracing::instrument(name = "office365.get_draft", skip_all, fields(account_id = account.id))]
    async fn get_draft(
        &self,
        account: &AccountRecord,
        id: &str,
        read: MessageRead,
    ) -> Result<EmailDraft, ProviderError> {
        Office365::get_draft(self, account, id, read).await
    }

    #[tracing::instrument(name = "office365.update_draft", skip_all, fields(account_id = account.id))]
    async fn update_draft(
        &self,
        account: &AccountRecord,
        id: &str,
        email: &OutgoingEmail,
        body: BodyType,
    ) -> Result<EmailDraftResponse, ProviderError> {
        Office365::update_draft(self, account, id, email, body).await
    }

    #[tracing::instrument(name = "office365.delete_draft", skip_all, fields(account_id = account.id))]
    async fn delete_draft(&self, account: &AccountRecord, id: &str) -> Result<(), ProviderError> {
        Office365::delete_draft(self, account, id).await
    }

    #[tracing::instrument(name = "office365.send_existing_draft", skip_all, fields(account_id = account.id))]
    async fn send_existing_draft(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<(), ProviderError> {
        Office365::send_existing_draft(self, account, id).await
    }

    #[tracing::instrument(name = "office365.list_folders", skip_all, fields(account_id = account.id))]
    async fn list_folders(
        &self,
        account: &AccountRecord,
    ) -> Result<EmailFolderInfoPage, ProviderError> {
        Office365::list_folders(self, account).await
    }

    #[tracing::instrument(name = "office365.get_folder", skip_all, fields(account_id = account.id))]
    async fn get_folder(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<EmailFolderInfo, ProviderError> {
        Office365::get_folder(self, account, id).await
    }

    #[tracing::instrument(name = "office365.create_folder", skip_all, fields(account_id = account.id))]
    async fn create_folder(
        &self,
        account: &AccountRecord,
        name: &str,
        parent: Option<&str>,
    ) -> Result<EmailFolderInfo, ProviderError> {
        Office365::create_folder(self, account, name, parent).await
    }

    #[tracing::instrument(name = "office365.well_known_folder_ids", skip_all, fields(account_id = account.id))]
    async fn well_known_folder_ids(
        &self,
        account: &AccountRecord,
    ) -> Result<WellKnownFolderIds, ProviderError> {
        Office365::well_known_folder_ids(self, account).await
    }
}

#[async_trait::async_trait]
impl Direct for Office365 {
    #[tracing::instrument(name = "office365.forward", skip_all, fields(account_id = account.id))]
    async fn forward(
        &self,
        account: &AccountRecord,
        f: Forward,
    ) -> Result<Response<Body>, ProviderError> {
        Office365::forward_to_graph(self, account, f).await
    }
}

#[async_trait::async_trait]
impl Accounts for Office365 {
    #[tracing::instrument(name = "office365.ping", skip_all, fields(account_id = account.id))]
    async fn ping(&self, account: &AccountRecord) -> Result<AccountRecord, ProviderError> {
        Office365::ping(self, account).await
    }

    #[tracing::instrument(name = "office365.check_import", skip_all, fields(app_id = app.id))]
    async fn check_import(
        &self,
        app: &AppRecord,
        input: &AccountImport,
    ) -> Result<(), ProviderError> {
        Office365::check_import(self, app, input, true)
            .await
            .map(|_| ())
    }

    #[tracing::instrument(name = "office365.import", skip_all, fields(app_id = app.id))]
    async fn import(
        &self,
        app: &AppRecord,
        input: &AccountImport,
        ensure_access: bool,
    ) -> Result<AccountSaveResult, ProviderError> {
        let checked = Office365::check_import(self, app, input, ensure_access).await?;
        self.save_import(app, checked).await
    }
}
