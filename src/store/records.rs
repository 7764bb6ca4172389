//! Rows as the rest of the service sees them. Secret fields hold ciphertexts or hashes only.

use serde::{Deserialize, Serialize};
use strum::{Display, EnumString};

#[derive(Debug, Clone)]
pub struct NewApp {
    pub client_id: String,
    pub name: String,
    pub secret_hash: Vec<u8>,
    pub return_urls: Vec<String>,
    /// The portal owner, for apps made in the portal.
    pub owner_id: Option<i64>,
    pub now: i64,
}

#[derive(Clone)]
pub struct AppRecord {
    pub id: i64,
    pub client_id: String,
    pub name: String,
    pub secret_hash: Vec<u8>,
    pub owner_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl std::fmt::Debug for AppRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppRecord")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The app's Azure registration. `client_secret_enc` is `None` for a public (PKCE-only) client.
#[derive(Clone)]
pub struct Office365Settings {
    pub azure_client_id: String,
    pub client_secret_enc: Option<String>,
    pub authority: String,
    pub secret_expires_at: Option<i64>,
    pub problem: Option<AppProblem>,
    pub updated_at: i64,
    /// A certificate credential, used instead of the secret when set.
    pub certificate: Option<CertificateCredential>,
}

impl Office365Settings {
    /// No secret and no certificate: a public client (PKCE only).
    pub fn is_public(&self) -> bool {
        self.client_secret_enc.is_none() && self.certificate.is_none()
    }
}

/// A certificate (PEM, public) and its private key (encrypted like a secret).
#[derive(Clone)]
pub struct CertificateCredential {
    pub certificate_pem: String,
    pub private_key_enc: String,
}

impl std::fmt::Debug for Office365Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Office365Settings")
            .field("azure_client_id", &self.azure_client_id)
            .field("public_client", &self.is_public())
            .field("authority", &self.authority)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppProblem {
    pub code: String,
    pub message: String,
    pub at: i64,
}

/// A pending authorization, keyed by the hash of its `state`.
#[derive(Clone)]
pub struct AuthSession {
    pub state_hash: Vec<u8>,
    pub app_id: i64,
    /// The provider the user signs in with (`Office365`).
    pub service_type: String,
    pub return_url: String,
    pub app_state: Option<String>,
    pub scopes: Vec<String>,
    pub permissions: Vec<String>,
    pub ensure_scopes: bool,
    /// `authEmail`: the address the user must sign in with.
    pub expected_email: Option<String>,
    /// `ensureAccess`: read one item of each kind of data the scopes allow before saving.
    pub ensure_access: bool,
    pub account_id: Option<i64>,
    pub pkce_verifier_enc: String,
    pub expires_at: i64,
    /// The hosted link the sign-in came through: its token's hash and the app's name for it.
    pub link_hash: Option<Vec<u8>>,
    pub link_name: Option<String>,
    /// A tenant administrator's consent for a service account, not a user's sign-in.
    pub daemon: bool,
}

/// A hosted link that can still be used.
#[derive(Debug, Clone)]
pub struct HostedLink {
    pub app_id: i64,
    /// What it asks for (JSON).
    pub params: String,
    pub name: Option<String>,
    pub expires_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRedemption {
    Redeemed(i64),
    Unknown,
    AlreadyUsed,
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Display, EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum TokenStatus {
    Active,
    Invalid,
    Dead,
}

/// Why an account's tokens stopped working: a stable code plus the decoded explanation.
#[derive(Debug, Clone)]
pub struct TokenError {
    pub code: String,
    pub message: String,
}

/// How an account reaches its mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountKind {
    /// A user signed in and consented (delegated permissions, a refresh token).
    Personal,
    /// A tenant administrator consented for the whole organisation: app-only tokens, no mailbox
    /// of its own.
    Daemon,
    /// One mailbox of a service account's tenant, reached with that service account's tokens.
    Managed {
        service_account: i64,
        /// The mailbox's user id in the tenant.
        user: String,
    },
}

impl AccountKind {
    /// The name stored and shown (`type` in the API).
    pub fn name(&self) -> &'static str {
        match self {
            AccountKind::Personal => "personal",
            AccountKind::Daemon => "daemon",
            AccountKind::Managed { .. } => "managed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct AccountRecord {
    pub id: i64,
    pub app_id: i64,
    pub service_type: String,
    pub tenant_id: String,
    pub object_id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub timezone: Option<String>,
    pub auth_scopes: Vec<String>,
    pub permissions: Vec<String>,
    pub token_status: TokenStatus,
    pub token_error: Option<TokenError>,
    pub auth_obtained_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// When the stored Graph access token expires.
    pub access_expires_at: Option<i64>,
    pub kind: AccountKind,
}

impl AccountRecord {
    /// What the provider tokens of this account are bound to (associated data of their ciphertexts).
    pub fn token_purpose(&self, which: &str) -> String {
        token_purpose(self.app_id, &self.tenant_id, &self.object_id, which)
    }
}

pub fn token_purpose(app_id: i64, tenant_id: &str, object_id: &str, which: &str) -> String {
    format!("o365:{app_id}:{tenant_id}:{object_id}:{which}")
}

/// Which of an app's accounts a listing shows (`None`: any).
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountFilter<'a> {
    pub tenant: Option<&'a str>,
    /// An [`AccountKind`] name.
    pub kind: Option<&'static str>,
    /// The managed accounts of this service account.
    pub service_account: Option<i64>,
}

/// The result of a successful sign-in, to create or update an account.
#[derive(Debug, Clone)]
pub struct LinkAccount {
    pub app_id: i64,
    /// The provider the account lives with (`Office365`).
    pub service_type: String,
    /// Set when re-authorizing a given account.
    pub account_id: Option<i64>,
    pub tenant_id: String,
    pub object_id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub timezone: Option<String>,
    pub auth_scopes: Vec<String>,
    /// The provider's tokens (none for a managed account: it uses its service account's).
    pub tokens: Option<RefreshedTokens>,
    /// The granted permissions, when there are no tokens to carry them.
    pub permissions: Vec<String>,
    pub kind: AccountKind,
    /// An account token to issue in the same transaction (its hash).
    pub account_token_hash: Option<Vec<u8>>,
}

#[derive(Clone)]
pub struct RefreshedTokens {
    pub access_token_enc: String,
    /// `None` keeps the stored refresh token (Microsoft did not send a new one).
    pub refresh_token_enc: Option<String>,
    pub access_expires_at: i64,
    pub permissions: Vec<String>,
}

impl std::fmt::Debug for RefreshedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshedTokens")
            .field("access_expires_at", &self.access_expires_at)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct ProviderTokens {
    pub account_id: i64,
    pub access_token_enc: String,
    pub refresh_token_enc: Option<String>,
    pub access_expires_at: i64,
    pub refreshed_at: Option<i64>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
}

/// A portal owner. The password hash is argon2 (PHC string) and never shown.
#[derive(Clone)]
pub struct OwnerRecord {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub created_at: i64,
}

impl std::fmt::Debug for OwnerRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnerRecord")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("password_hash", &"<redacted>")
            .finish()
    }
}
