//! Mail: listings and single messages, their state, sending and replying, drafts, folders.
use crate::model::email::{
    EmailAttachment, EmailDraft, EmailDraftResponse, EmailFolderInfo, EmailFolderInfoPage,
    EmailMessage, EmailMessagesPage, EmailSendResponse, MessageStatusUpdate, OutgoingEmail,
    WellKnownFolderIds,
};
use crate::model::requests::{BodyType, ListRequest, MessageRead};
use crate::providers::error::ProviderError;
use crate::store::AccountRecord;

/// Listing and reading messages.
#[async_trait::async_trait]
pub trait Messages: Send + Sync {
    async fn list_messages(
        &self,
        account: &AccountRecord,
        req: ListRequest<'_>,
    ) -> Result<EmailMessagesPage, ProviderError>;

    /// One message with its body, headers and attachments described; `load_inlines` also loads
    /// the content of inline attachments (the pictures of an HTML body).
    async fn get_message(
        &self,
        account: &AccountRecord,
        id: &str,
        read: MessageRead,
    ) -> Result<EmailMessage, ProviderError>;
}

/// What can be done to one message besides answering it.
#[async_trait::async_trait]
pub trait MessageActions: Send + Sync {
    /// `unread`, `keywords` (Outlook categories) and `archived` (moved to or from Archive).
    async fn update_message_status(
        &self,
        account: &AccountRecord,
        id: &str,
        update: MessageStatusUpdate,
    ) -> Result<(), ProviderError>;

    /// Moves the message to Deleted Items (Graph's DELETE does not purge).
    async fn delete_message(&self, account: &AccountRecord, id: &str) -> Result<(), ProviderError>;

    async fn message_attachment(
        &self,
        account: &AccountRecord,
        id: &str,
        attachment_id: &str,
    ) -> Result<EmailAttachment, ProviderError>;

    /// The message as MIME (RFC 822).
    async fn raw_message(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<bytes::Bytes, ProviderError>;
}

/// Sending new mail and replies.
#[async_trait::async_trait]
pub trait Sending: Send + Sync {
    async fn send_message(
        &self,
        account: &AccountRecord,
        email: &OutgoingEmail,
        body: BodyType,
        return_ids: bool,
    ) -> Result<EmailSendResponse, ProviderError>;

    async fn reply_to_message(
        &self,
        account: &AccountRecord,
        id: &str,
        email: &OutgoingEmail,
        body: BodyType,
        return_ids: bool,
    ) -> Result<EmailSendResponse, ProviderError>;
}

/// Drafts: written, changed, sent later.
#[async_trait::async_trait]
pub trait Drafts: Send + Sync {
    async fn create_draft(
        &self,
        account: &AccountRecord,
        email: &OutgoingEmail,
        body: BodyType,
    ) -> Result<EmailDraftResponse, ProviderError>;

    async fn get_draft(
        &self,
        account: &AccountRecord,
        id: &str,
        read: MessageRead,
    ) -> Result<EmailDraft, ProviderError>;

    /// Replaces the draft's subject, body, recipients and categories; its attachments too when
    /// the request brings some.
    async fn update_draft(
        &self,
        account: &AccountRecord,
        id: &str,
        email: &OutgoingEmail,
        body: BodyType,
    ) -> Result<EmailDraftResponse, ProviderError>;

    async fn delete_draft(&self, account: &AccountRecord, id: &str) -> Result<(), ProviderError>;

    async fn send_existing_draft(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<(), ProviderError>;
}

/// The mailbox's folders.
#[async_trait::async_trait]
pub trait MailFolders: Send + Sync {
    async fn list_folders(
        &self,
        account: &AccountRecord,
    ) -> Result<EmailFolderInfoPage, ProviderError>;

    /// One folder, its `fullName` built by walking up to the root.
    async fn get_folder(
        &self,
        account: &AccountRecord,
        id: &str,
    ) -> Result<EmailFolderInfo, ProviderError>;

    async fn create_folder(
        &self,
        account: &AccountRecord,
        name: &str,
        parent: Option<&str>,
    ) -> Result<EmailFolderInfo, ProviderError>;

    async fn well_known_folder_ids(
        &self,
        account: &AccountRecord,
    ) -> Result<WellKnownFolderIds, ProviderError>;
}

/// All of mail.
pub trait Mail: Messages + MessageActions + Sending + Drafts + MailFolders {}

impl<T: Messages + MessageActions + Sending + Drafts + MailFolders> Mail for T {}
