//! Checking and giving up an account's access. `DELETE /v1/account/token`: Microsoft has no
//! revocation endpoint for one app's delegated refresh token (revoking sign-in sessions would sign
//! the user out of everything), so switchboard forgets the tokens and can no longer reach the
//! mailbox.

use crate::error::ApiError;
use crate::providers::office365::graph::GraphRequest;
use crate::state::{now, Services};
use crate::store::{AccountRecord, TokenError};

impl Services {
    pub async fn revoke_account_access(
        &self,
        account: &AccountRecord,
        token_hash: Option<&[u8]>,
    ) -> Result<(), ApiError> {
        let reason = TokenError {
            code: "revoked".into(),
            message: "The app revoked this account's access (DELETE /v1/account/token); its Microsoft tokens were deleted.".into(),
        };
        let t = now();
        self.store
            .revoke_access(account.id, token_hash, &reason, t)
            .await?;
        self.store
            .record_event(account.app_id, account.id, "account.revoked", "", t)
            .await?;
        tracing::info!(account_id = account.id, "account access revoked by the app");
        Ok(())
    }
}

impl Services {
    /// `pingProvider`: one read of the profile through the account's grant (refreshing it if it
    /// is due), so that `tokenStatus` says what Microsoft answers now.
    pub async fn ping_provider(&self, account: &AccountRecord) -> Result<AccountRecord, ApiError> {
        let me = GraphRequest::get(self.graph.url("/me"), vec![]);
        match self.graph_call(account, &me).await {
            Ok(_) => {}
            Err(e) if e.code == "token.dead" => {}
            Err(e) => return Err(e),
        }
        self.store
            .account(account.app_id, account.id)
            .await?
            .ok_or_else(|| ApiError::not_found("account.notFound", "The account was deleted."))
    }
}
