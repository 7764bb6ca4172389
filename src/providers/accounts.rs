//! An account's standing with its provider: asking whether the grant still works, and accounts
//! brought in with tokens an app already holds.
use crate::error::ApiError;
use crate::model::account::{AccountImport, AccountSaveResult};
use crate::store::{AccountRecord, AppRecord};

#[async_trait::async_trait]
pub trait Accounts: Send + Sync {
    /// One read through the account's grant (refreshing it if it is due); the account as it
    /// stands afterwards, its token status saying what the provider answered.
    async fn ping(&self, account: &AccountRecord) -> Result<AccountRecord, ApiError>;

    /// Checks the tokens in `input` (one refresh, who they belong to, what they grant; with
    /// `ensure_access`, a read of each kind of data). With `save`, saves the account in one write
    /// and returns its new account token.
    async fn import(
        &self,
        app: &AppRecord,
        input: &AccountImport,
        ensure_access: bool,
        save: bool,
    ) -> Result<Option<AccountSaveResult>, ApiError>;
}
