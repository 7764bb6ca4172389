//! An account whose grant is gone: marked dead with Microsoft's reason, decoded, and the app told
//! (`account.tokenDead`). A service account takes its managed accounts with it: they reach their
//! mailboxes only through its tokens.

use crate::clock::now;
use crate::providers::office365::Office365;
use crate::store::{
    AccountFilter, AccountKind, AccountRecord, StoreResult, TokenError, TokenStatus,
};

impl Office365 {
    /// Marks the account (and a service account's managed accounts) dead and tells the app;
    /// the account as it now stands.
    pub(in crate::providers::office365) async fn declare_dead(
        &self,
        account: &AccountRecord,
        error: &TokenError,
    ) -> StoreResult<AccountRecord> {
        let t = now();
        let mut dead = vec![account.id];
        if account.kind == AccountKind::Daemon {
            let managed = AccountFilter {
                service_account: Some(account.id),
                ..Default::default()
            };
            let mut offset = 0;
            loop {
                let (page, _) = self
                    .store
                    .list_accounts(account.app_id, managed, 200, offset)
                    .await?;
                if page.is_empty() {
                    break;
                }
                offset += page.len() as i64;
                dead.extend(page.iter().map(|m| m.id));
            }
        }
        for id in dead {
            self.store
                .set_token_status(id, TokenStatus::Dead, Some(error), t)
                .await?;
            let details = crate::events::Details {
                reason: Some((&error.code, &error.message)),
                ..Default::default()
            };
            let kind = "account.tokenDead";
            crate::events::tell(
                self.store.as_ref(),
                account.app_id,
                Some(id),
                kind,
                details,
                t,
            )
            .await?;
        }
        tracing::warn!(account_id = account.id, reason = %error.code, "account token is dead");
        let mut dead = account.clone();
        dead.token_status = TokenStatus::Dead;
        dead.token_error = Some(error.clone());
        Ok(dead)
    }
}
