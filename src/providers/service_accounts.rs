//! Service accounts: a tenant administrator consents once for the whole organisation
//! (application permissions), the provider issues app-only tokens, and each mailbox of that
//! organisation is reached as a managed account, with no user signing in.

use crate::providers::error::ProviderError;
use crate::providers::linking::{LinkFailure, TokenSet};
use crate::store::AccountRecord;

/// What a tenant's consent gives: the tenant, the application permissions it granted (the
/// provider's names, normalised), and a first app-only token.
pub struct Consented {
    pub tenant_id: String,
    pub granted: Vec<String>,
    pub tokens: TokenSet,
}

/// One mailbox of a service account's organisation.
pub struct Mailbox {
    /// The user's id in the directory.
    pub user_id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub timezone: Option<String>,
}

#[async_trait::async_trait]
pub trait ServiceAccounts: Send + Sync {
    /// The provider's admin-consent page for the app: its own tenant's, or any organisation's.
    async fn admin_consent_url(
        &self,
        app_id: i64,
        redirect_uri: &str,
        state: &str,
    ) -> Result<String, ProviderError>;

    /// The administrator did not consent (or could not): what happened and what to do.
    fn admin_consent_refused(&self, error: &str, description: &str) -> LinkFailure;

    /// An app-only token for the tenant, and what it grants.
    async fn consented(&self, app_id: i64, tenant: &str) -> Result<Consented, LinkFailure>;

    /// The mailbox of the service account's organisation with this address or user id: it
    /// exists, has a mailbox, and the organisation lets the app reach it.
    async fn mailbox(
        &self,
        service_account: &AccountRecord,
        who: &str,
    ) -> Result<Mailbox, ProviderError>;
}
