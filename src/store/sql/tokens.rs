// An account's provider tokens, the refresh lease, and saving a refresh.
// Written once for both backends: the including module names `Db` and `Store` (see
// `store::dialect`).

use crate::store::dialect::Dialect;
use crate::store::rows::to_json_list;
use crate::store::{ProviderTokens, RefreshedTokens, StoreResult, TokenStore};
use async_trait::async_trait;
use sqlx::Row;

#[async_trait]
impl TokenStore for Store {
    async fn provider_tokens(&self, account_id: i64) -> StoreResult<Option<ProviderTokens>> {
        let row = sqlx::query(
            "SELECT access_token_enc, refresh_token_enc, access_expires_at, refreshed_at, lease_owner, lease_until \
             FROM provider_tokens WHERE account_id = $1",
        )
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| ProviderTokens {
            account_id,
            access_token_enc: r.get("access_token_enc"),
            refresh_token_enc: r.get("refresh_token_enc"),
            access_expires_at: r.get("access_expires_at"),
            refreshed_at: r.get("refreshed_at"),
            lease_owner: r.get("lease_owner"),
            lease_until: r.get("lease_until"),
        }))
    }

    async fn try_lease(
        &self,
        account_id: i64,
        owner: &str,
        until: i64,
        now: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE provider_tokens SET lease_owner = $1, lease_until = $2 WHERE account_id = $3 \
             AND (lease_owner IS NULL OR lease_until < $4)",
        )
        .bind(owner)
        .bind(until)
        .bind(account_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn renew_lease(&self, account_id: i64, owner: &str, until: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE provider_tokens SET lease_until = $1 WHERE account_id = $2 AND lease_owner = $3",
        )
        .bind(until)
        .bind(account_id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_lease(&self, account_id: i64, owner: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE provider_tokens SET lease_owner = NULL, lease_until = NULL WHERE account_id = $1 AND lease_owner = $2",
        )
        .bind(account_id)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn save_refresh(
        &self,
        account_id: i64,
        t: &RefreshedTokens,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(Db::BEGIN).await?;
        sqlx::query(
            "UPDATE provider_tokens SET access_token_enc = $1, \
             refresh_token_enc = COALESCE($2, refresh_token_enc), access_expires_at = $3, refreshed_at = $4, \
             lease_owner = NULL, lease_until = NULL WHERE account_id = $5",
        )
        .bind(&t.access_token_enc)
        .bind(&t.refresh_token_enc)
        .bind(t.access_expires_at)
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE accounts SET permissions = $1, token_status = 'active', token_error_code = NULL, \
             token_error = NULL, updated_at = $2 WHERE id = $3",
        )
        .bind(to_json_list(&t.permissions))
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.hot.forget_account(account_id);
        Ok(())
    }
}
