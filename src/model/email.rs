//! Mail as the API speaks it: messages, addresses, headers, attachments, folders, drafts, sends.

use serde::Serialize;

/// `EmailAddress`.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailAddress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub address: String,
}

/// `EmailMessage`, the fields Office 365 can fill.
#[derive(Debug, Clone, Serialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailMessage {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internet_message_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub sys_labels: Vec<&'static str>,
    pub keywords: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<EmailAddress>,
    pub to: Vec<EmailAddress>,
    pub cc: Vec<EmailAddress>,
    pub bcc: Vec<EmailAddress>,
    pub reply_to: Vec<EmailAddress>,
    pub has_attachments: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_snippet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folder_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<EmailAttachment>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internet_headers: Option<Vec<EmailHeader>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub references: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_link: Option<String>,
    /// The `Thread-Index` (Outlook's conversation index, base64).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_index: Option<String>,
    /// For meeting messages: `request`, `reply`, `cancel` or `other`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_message_method: Option<&'static str>,
    /// On a single message read: `normal`, `personal`, `private` or `confidential`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<&'static str>,
    pub omitted: Vec<&'static str>,
}

/// `EmailHeader`.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct EmailHeader {
    pub name: String,
    pub value: String,
}

/// `EmailMessagesPageNext`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailMessagesPage {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    pub length: usize,
    pub records: Vec<EmailMessage>,
}

/// `UpdateMessageStatusData`.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = UpdateMessageStatusData)]
pub struct MessageStatusUpdate {
    pub unread: Option<bool>,
    pub archived: Option<bool>,
    pub keywords: Option<Vec<String>>,
}

/// `EmailAttachment` (and `EmailAttachmentContent`): `content` only when it was loaded.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailAttachment {
    pub id: String,
    pub name: Option<String>,
    pub mime_type: Option<String>,
    pub size: Option<u64>,
    pub inline: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_id: Option<String>,
    /// Base64; absent for attachments that are not files (attached items, links).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

/// The contract's `EmailAddress` as the API receives it: `address` (and `name`), or `raw`
/// (`Name <address>` or a bare address) when there is no `address`.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(try_from = "EmailAddressWire")]
#[schema(as = EmailAddressInput)]
pub struct EmailAddressIn {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub address: String,
    /// Read only when `address` is missing.
    #[serde(skip_serializing)]
    pub raw: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailAddressWire {
    name: Option<String>,
    address: Option<String>,
    raw: Option<String>,
}

impl EmailAddressIn {
    pub fn new(address: impl Into<String>, name: Option<String>) -> Self {
        EmailAddressIn {
            name,
            address: address.into(),
            raw: None,
        }
    }
}

impl TryFrom<EmailAddressWire> for EmailAddressIn {
    type Error = String;

    fn try_from(w: EmailAddressWire) -> Result<Self, String> {
        if let Some(address) = w.address.filter(|a| !a.trim().is_empty()) {
            return Ok(EmailAddressIn {
                name: w.name,
                address,
                raw: w.raw,
            });
        }
        let raw = w
            .raw
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or("an address needs `address` (or `raw`)")?;
        let (name, address) = match raw.rsplit_once('<') {
            Some((name, rest)) => {
                let name = name.trim().trim_matches('"').trim();
                let address = rest.trim_end().strip_suffix('>').ok_or("raw: unclosed <")?;
                (
                    (!name.is_empty()).then(|| name.to_string()).or(w.name),
                    address.trim(),
                )
            }
            None => (w.name, raw),
        };
        Ok(EmailAddressIn {
            name,
            address: address.to_string(),
            raw: Some(raw.to_string()),
        })
    }
}

/// `EmailHeader`.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = EmailHeaderInput)]
pub struct HeaderIn {
    pub name: String,
    pub value: String,
}

/// `OutgoingEmailAttachment`.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = OutgoingEmailAttachment)]
pub struct AttachmentIn {
    pub name: String,
    pub mime_type: Option<String>,
    /// Base64.
    pub content: String,
    #[serde(default)]
    pub inline: bool,
    pub content_id: Option<String>,
}

/// `OutgoingEmail` and `OutgoingEmailReply` (a reply has no `inReplyTo`, `references`, `keywords`).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutgoingEmail {
    pub from: Option<EmailAddressIn>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    #[serde(default)]
    pub to: Vec<EmailAddressIn>,
    #[serde(default)]
    pub cc: Vec<EmailAddressIn>,
    #[serde(default)]
    pub bcc: Vec<EmailAddressIn>,
    #[serde(default)]
    pub reply_to: Vec<EmailAddressIn>,
    #[serde(default)]
    pub x_headers: Vec<HeaderIn>,
    #[serde(default)]
    pub attachments: Vec<AttachmentIn>,
    pub tracking: Option<serde_json::Value>,
    pub follow_up: Option<serde_json::Value>,
    pub keywords: Option<Vec<String>>,
}

/// `EmailSendResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailSendResponse {
    pub status: &'static str,
    /// `Ok`: everything asked was done (the message and all its attachments went out).
    pub processing_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
}

/// `EmailFolderInfo`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailFolderInfo {
    pub id: String,
    pub name: String,
    /// The path from the top, e.g. `Inbox/Projects`.
    pub full_name: String,
    pub is_folder: bool,
    pub is_label: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sys_label: Option<&'static str>,
}

/// `EmailFolderInfoPage`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmailFolderInfoPage {
    pub length: usize,
    pub records: Vec<EmailFolderInfo>,
}

/// `EmailFolderCreate`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmailFolderCreate {
    pub name: String,
    pub parent_id: Option<String>,
}

/// `WellKnownFoldersOut` / `WellKnownFoldersIn`.
#[derive(Debug, Default, Serialize, serde::Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = WellKnownFoldersOut)]
pub struct WellKnownFolderIds {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<String>,
}

/// `EmailDraftResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailDraftResponse {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_link: Option<String>,
}

/// `EmailDraft`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EmailDraft {
    pub id: String,
    pub message: EmailMessage,
}
