//! `DELETE /v1/account/token`: an app gives up an account's access. Microsoft has no revocation
//! endpoint for one app's delegated refresh token (revoking sign-in sessions would sign the user
//! out of everything), so switchboard forgets the tokens: it can no longer reach the mailbox.

use crate::error::ApiError;
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
