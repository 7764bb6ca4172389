//! Giving up an account's access. `DELETE /v1/account/token`: Microsoft has no revocation
//! endpoint for one app's delegated refresh token (revoking sign-in sessions would sign the user
//! out of everything), so switchboard forgets the tokens and can no longer reach the mailbox.

use crate::clock::now;
use crate::error::ApiError;
use crate::store::{AccountRecord, Store, TokenError};

/// Forgets the account's provider tokens and the account token `token_hash` (all of them when
/// `None`); the account stays `dead` until it is re-authorized.
pub async fn revoke_account_access(
    store: &dyn Store,
    account: &AccountRecord,
    token_hash: Option<&[u8]>,
) -> Result<(), ApiError> {
    let reason = TokenError {
        code: "revoked".into(),
        message: "The app revoked this account's access (DELETE /v1/account/token); its Microsoft tokens were deleted.".into(),
    };
    let t = now();
    store
        .revoke_access(account.id, token_hash, &reason, t)
        .await?;
    let details = crate::events::Details::default();
    crate::events::tell(
        store,
        account.app_id,
        Some(account.id),
        "account.revoked",
        details,
        t,
    )
    .await?;
    tracing::info!(account_id = account.id, "account access revoked by the app");
    Ok(())
}
