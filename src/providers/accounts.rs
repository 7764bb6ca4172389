//! An account's standing with its provider: asking whether the grant still works, and accounts
//! brought in with tokens an app already holds.
use crate::model::account::{AccountImport, AccountSaveResult};
use crate::providers::error::ProviderError;
use crate::store::{AccountRecord, AppRecord};

#[async_trait::async_trait]
pub trait Accounts: Send + Sync {
    /// One read through the account's grant (refreshing it if it is due); the account as it
    /// stands afterwards, its token status saying what the provider answered.
    async fn ping(&self, account: &AccountRecord) -> Result<AccountRecord, ProviderError>;

    /// Uses the account's grant now (one token refresh), so that an idle account does not reach
    /// the provider's inactivity expiry (Microsoft: 90 days). A refused grant marks the account
    /// dead, as any refresh does.
    async fn keep_alive(&self, account: &AccountRecord) -> Result<(), ProviderError>;

    /// Checks the tokens in `input` (one refresh, who they belong to, what they grant, and a
    /// read of each kind of data they allow); nothing is saved.
    async fn check_import(
        &self,
        app: &AppRecord,
        input: &AccountImport,
    ) -> Result<(), ProviderError>;

    /// The same checks (the reads only with `ensure_access`), then the account saved in one
    /// write with a new account token.
    async fn import(
        &self,
        app: &AppRecord,
        input: &AccountImport,
        ensure_access: bool,
    ) -> Result<AccountSaveResult, ProviderError>;
}
