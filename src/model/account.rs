//! Accounts as the API shows them, and accounts brought in with tokens an app already holds.

use super::rfc3339;
use crate::store::{AccountKind, AccountRecord};
use serde::{Deserialize, Serialize};

/// `ApiAccountOutDto`, the fields that apply to Office 365 accounts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ApiAccountOutDto)]
pub struct Account {
    pub id: i64,
    pub service_type: String,
    pub service_provider: &'static str,
    pub active: bool,
    pub token_status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_error_code: Option<String>,
    #[serde(rename = "type")]
    pub account_type: &'static str,
    pub daemon: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_string: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailbox_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub auth_user_id: String,
    pub auth_org_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    pub auth_scopes: Vec<String>,
    pub auth_native_scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_obtained_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_expires_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Account {
    pub fn from_record(a: &AccountRecord) -> Self {
        Account {
            id: a.id,
            service_type: a.service_type.clone(),
            service_provider: "Office365",
            active: true,
            token_status: a.token_status.to_string(),
            token_error: a.token_error.as_ref().map(|e| e.message.clone()),
            token_error_code: a.token_error.as_ref().map(|e| e.code.clone()),
            account_type: a.kind.name(),
            daemon: a.kind == AccountKind::Daemon,
            login_string: a.email.clone(),
            email: a.email.clone(),
            mailbox_address: a.email.clone(),
            name: a.name.clone(),
            auth_user_id: match &a.kind {
                AccountKind::Managed { user, .. } => user.clone(),
                _ => a.object_id.clone(),
            },
            auth_org_id: a.tenant_id.clone(),
            timezone: a.timezone.clone(),
            auth_scopes: a.auth_scopes.clone(),
            auth_native_scopes: a.permissions.clone(),
            auth_obtained_at: a.auth_obtained_at.map(rfc3339),
            auth_expires_at: a.access_expires_at.map(rfc3339),
            created_at: rfc3339(a.created_at),
            updated_at: rfc3339(a.updated_at),
        }
    }
}

/// `AccountsPage`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountsPage {
    pub offset: i64,
    pub total_size: i64,
    pub done: bool,
    pub records: Vec<Account>,
}

/// `ApiAccountInDto`: an account brought in with Microsoft tokens an app already holds. Every
/// field of the contract is accepted; what each does for Office 365 is in the README.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ApiAccountInDto)]
pub struct AccountImport {
    pub service_type: Option<String>,
    pub service_provider: Option<String>,
    pub auth_scopes: Option<Vec<String>>,
    pub auth_org_id: Option<String>,
    pub auth_user_id: Option<String>,
    pub client_org_id: Option<String>,
    pub server_url: Option<String>,
    pub login_string: Option<String>,
    pub oauth_client_id: Option<String>,
    pub active: Option<bool>,
    /// The Microsoft refresh token.
    pub auth_string1: Option<String>,
    /// A Microsoft access token; a refresh replaces it at once.
    pub auth_string2: Option<String>,
    pub password: Option<String>,
    pub auth_obtained_at: Option<String>,
    pub auth_expires_at: Option<String>,
    pub email: Option<String>,
    pub email2: Option<String>,
    pub name: Option<String>,
    pub server_info: Option<String>,
    pub timezone: Option<String>,
    pub copy_to_sent: Option<bool>,
    pub trust_server: Option<bool>,
}

/// `AccountSaveResult`.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountSaveResult {
    pub account_id: i64,
    pub access_token: String,
}
