// Linked accounts, their account tokens and their status counts.
// Written once for both backends: the including module names `Db` and `Store` (see
// `store::dialect`).

use crate::store::dialect::{params, Dialect};
use crate::store::rows::{self, Columns};
use crate::store::token_lookups::{Found, TokenLookups};
use crate::store::{
    AccountFilter, AccountKind, AccountRecord, AccountStore, EventRecord, LinkAccount,
    RefreshedTokens, StoreError, StoreResult, TokenError, TokenStatus,
};
use async_trait::async_trait;
use sqlx::Row;
use std::sync::Arc;

const ACCOUNT_COLUMNS: &str =
    "a.id, a.app_id, a.service_type, a.tenant_id, a.object_id, a.email, a.name, \
    a.timezone, a.auth_scopes, a.permissions, a.token_status, a.token_error_code, a.token_error, \
    a.auth_obtained_at, a.created_at, a.updated_at, t.access_expires_at, a.kind, a.parent_id, \
    a.mailbox_user";
/// An account's (`a`) token times (`t`), read without the tokens; after `JOIN` or `LEFT JOIN`.
fn token_times() -> String {
    format!(
        "provider_tokens t {} ON t.account_id = a.id",
        Db::tokens_by("times")
    )
}
/// The accounts with their token expiry, in one query.
fn accounts() -> String {
    format!("accounts a LEFT JOIN {}", token_times())
}

/// Look-ups by account token on `pool`, taken together (see `store::token_lookups`).
pub(super) fn token_lookups(pool: sqlx::Pool<Db>) -> TokenLookups {
    TokenLookups::start(move |hashes| {
        let pool = pool.clone();
        Box::pin(async move { by_tokens(&pool, &hashes).await })
    })
}

/// The accounts of these account tokens, each with its token's hash.
async fn by_tokens(pool: &sqlx::Pool<Db>, hashes: &[Vec<u8>]) -> StoreResult<Found> {
    let statement = format!(
        "SELECT k.token_hash, {ACCOUNT_COLUMNS} FROM account_tokens k JOIN accounts a \
         ON a.id = k.account_id LEFT JOIN {} WHERE k.token_hash IN ({})",
        token_times(),
        params(hashes.len())
    );
    let mut query = sqlx::query(&statement);
    for hash in hashes {
        query = query.bind(hash);
    }
    let found = query.fetch_all(pool).await?;
    found
        .iter()
        .map(|r| Ok((r.bytes("token_hash"), Arc::new(rows::account(r)?))))
        .collect()
}

/// The provider tokens of a (re)linked account, in its transaction; a missing refresh token
/// keeps the stored one.
async fn save_tokens(
    tx: &mut <Db as sqlx::Database>::Connection,
    id: i64,
    tokens: &RefreshedTokens,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO provider_tokens (account_id, access_token_enc, refresh_token_enc, access_expires_at, \
         refreshed_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id) DO UPDATE SET \
         access_token_enc = excluded.access_token_enc, \
         refresh_token_enc = COALESCE(excluded.refresh_token_enc, provider_tokens.refresh_token_enc), \
         access_expires_at = excluded.access_expires_at, refreshed_at = excluded.refreshed_at, \
         lease_owner = NULL, lease_until = NULL",
    )
    .bind(id)
    .bind(&tokens.access_token_enc)
    .bind(&tokens.refresh_token_enc)
    .bind(tokens.access_expires_at)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(())
}

#[async_trait]
impl AccountStore for Store {
    async fn link_account(
        &self,
        link: &LinkAccount,
        now: i64,
    ) -> StoreResult<(AccountRecord, bool)> {
        let mut tx = self.pool.begin_with(Db::BEGIN).await?;
        let existing: Option<i64> = sqlx::query(
            "SELECT id FROM accounts WHERE app_id = $1 AND tenant_id = $2 AND object_id = $3",
        )
        .bind(link.app_id)
        .bind(&link.tenant_id)
        .bind(&link.object_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.get(0));
        let id: i64 = sqlx::query(
            "INSERT INTO accounts (app_id, service_type, tenant_id, object_id, email, name, timezone, auth_scopes, \
             permissions, token_status, auth_obtained_at, created_at, updated_at, kind, parent_id, mailbox_user) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active', $10, $11, $12, $13, $14, $15) \
             ON CONFLICT (app_id, tenant_id, object_id) DO UPDATE SET email = excluded.email, \
             name = excluded.name, timezone = excluded.timezone, auth_scopes = excluded.auth_scopes, \
             permissions = excluded.permissions, token_status = 'active', token_error_code = NULL, \
             token_error = NULL, auth_obtained_at = excluded.auth_obtained_at, updated_at = excluded.updated_at \
             RETURNING id",
        )
        .bind(link.app_id)
        .bind(&link.service_type)
        .bind(&link.tenant_id)
        .bind(&link.object_id)
        .bind(&link.email)
        .bind(&link.name)
        .bind(&link.timezone)
        .bind(rows::to_json_list(&link.auth_scopes))
        .bind(rows::to_json_list(&link.permissions))
        .bind(now)
        .bind(now)
        .bind(now)
        .bind(link.kind.name())
        .bind(match &link.kind {
            AccountKind::Managed {
                service_account, ..
            } => Some(*service_account),
            _ => None,
        })
        .bind(match &link.kind {
            AccountKind::Managed { user, .. } => Some(user.as_str()),
            _ => None,
        })
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        if let Some(tokens) = &link.tokens {
            save_tokens(&mut tx, id, tokens, now).await?;
        }
        if let Some(hash) = &link.account_token_hash {
            sqlx::query(
                "INSERT INTO account_tokens (token_hash, account_id, created_at) VALUES ($1, $2, $3)",
            )
            .bind(hash)
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM {} WHERE a.id = $1",
            accounts()
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let record = rows::account(&row)?;
        tx.commit().await?;
        self.hot.forget_account(id);
        Ok((record, existing.is_none()))
    }

    async fn account(&self, app_id: i64, id: i64) -> StoreResult<Option<Arc<AccountRecord>>> {
        if let Some(held) = self.hot.account(app_id, id) {
            return Ok(Some(held));
        }
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM {} WHERE a.id = $1 AND a.app_id = $2",
            accounts()
        ))
        .bind(id)
        .bind(app_id)
        .fetch_optional(&self.pool)
        .await?;
        let account = row.as_ref().map(rows::account).transpose()?.map(Arc::new);
        if let Some(account) = &account {
            self.hot.keep_account(account, None);
        }
        Ok(account)
    }

    async fn account_by_token(&self, token_hash: &[u8]) -> StoreResult<Option<Arc<AccountRecord>>> {
        if let Some(held) = self.hot.account_by_token(token_hash) {
            return Ok(Some(held));
        }
        let account = self.lookups.account(token_hash).await?;
        if let Some(account) = &account {
            self.hot.keep_account(account, Some(token_hash));
        }
        Ok(account)
    }

    async fn insert_account_token(
        &self,
        account_id: i64,
        token_hash: &[u8],
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO account_tokens (token_hash, account_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(account_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_accounts(
        &self,
        app_id: i64,
        filter: AccountFilter<'_>,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<AccountRecord>, i64)> {
        // `?2 IS NULL` keeps one query for "all" and "only these" (tenant, kind, service account).
        const WHERE: &str = "a.app_id = $1 AND (CAST($2 AS TEXT) IS NULL OR a.tenant_id = $2) \
            AND (CAST($3 AS TEXT) IS NULL OR a.kind = $3) \
            AND (CAST($4 AS BIGINT) IS NULL OR a.parent_id = $4)";
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM {} WHERE {WHERE} ORDER BY a.id LIMIT $5 OFFSET $6",
            accounts()
        ))
        .bind(app_id)
        .bind(filter.tenant)
        .bind(filter.kind)
        .bind(filter.service_account)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM accounts a WHERE {WHERE}"))
            .bind(app_id)
            .bind(filter.tenant)
            .bind(filter.kind)
            .bind(filter.service_account)
            .fetch_one(&self.pool)
            .await?
            .get(0);
        Ok((
            rows.iter().map(rows::account).collect::<StoreResult<_>>()?,
            total,
        ))
    }

    async fn account_status_counts(
        &self,
        app_id: Option<i64>,
    ) -> StoreResult<Vec<(TokenStatus, i64)>> {
        let rows = sqlx::query(
            "SELECT token_status, COUNT(*) AS n FROM accounts WHERE ($1 IS NULL OR app_id = $1) \
             GROUP BY token_status",
        )
        .bind(app_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.get("token_status");
                let parsed = status
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("token_status '{status}'")))?;
                Ok((parsed, r.get("n")))
            })
            .collect()
    }

    async fn delete_account(&self, app_id: i64, id: i64) -> StoreResult<bool> {
        // Tokens, codes and account tokens go with it (ON DELETE CASCADE).
        let done = sqlx::query("DELETE FROM accounts WHERE id = $1 AND app_id = $2")
            .bind(id)
            .bind(app_id)
            .execute(&self.pool)
            .await?;
        self.hot.forget_accounts();
        Ok(done.rows_affected() == 1)
    }

    async fn revoke_access(
        &self,
        account_id: i64,
        token_hash: Option<&[u8]>,
        reason: &TokenError,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(Db::BEGIN).await?;
        match token_hash {
            Some(hash) => {
                sqlx::query("DELETE FROM account_tokens WHERE token_hash = $1 AND account_id = $2")
                    .bind(hash)
                    .bind(account_id)
            }
            None => {
                sqlx::query("DELETE FROM account_tokens WHERE account_id = $1").bind(account_id)
            }
        }
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM provider_tokens WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE accounts SET token_status = 'dead', token_error_code = $1, token_error = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(&reason.code)
        .bind(&reason.message)
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.hot.forget_account(account_id);
        Ok(())
    }

    async fn revive_managed(&self, service_account: i64, now: i64) -> StoreResult<Vec<i64>> {
        let rows = sqlx::query(
            "UPDATE accounts SET token_status = 'active', token_error_code = NULL, token_error = NULL, \
             updated_at = $1 WHERE parent_id = $2 AND token_status = 'dead' RETURNING id",
        )
        .bind(now)
        .bind(service_account)
        .fetch_all(&self.pool)
        .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
        for id in &ids {
            self.hot.forget_account(*id);
        }
        Ok(ids)
    }

    async fn set_token_status(
        &self,
        account_id: i64,
        status: TokenStatus,
        error: Option<&TokenError>,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            // Only a new sign-in (link_account) brings a dead account back.
            "UPDATE accounts SET token_status = $1, token_error_code = $2, token_error = $3, updated_at = $4 \
             WHERE id = $5 AND token_status != 'dead'",
        )
        .bind(status.to_string())
        .bind(error.map(|e| e.code.as_str()))
        .bind(error.map(|e| e.message.as_str()))
        .bind(now)
        .bind(account_id)
        .execute(&self.pool)
        .await?;
        self.hot.forget_account(account_id);
        Ok(())
    }

    async fn record_event(&self, e: &EventRecord<'_>) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Db::BEGIN).await?;
        if e.states.contains(&e.kind) {
            let states =
                rows::to_json_list(&e.states.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            let latest: Option<(String, String)> = sqlx::query_as(&format!(
                "SELECT kind, detail FROM account_events WHERE app_id = $1 AND account_id = $2 \
                 AND (kind = $3 OR kind NOT IN (SELECT value FROM {})) \
                 ORDER BY id DESC LIMIT 1",
                Db::text_list("$4")
            ))
            .bind(e.app_id)
            .bind(e.account_id)
            .bind(e.kind)
            .bind(states)
            .fetch_optional(&mut *tx)
            .await?;
            if latest.is_some_and(|(kind, detail)| kind == e.kind && detail == e.detail) {
                return Ok(false);
            }
        }
        sqlx::query("INSERT INTO account_events (app_id, account_id, kind, detail, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(e.app_id)
            .bind(e.account_id)
            .bind(e.kind)
            .bind(e.detail)
            .bind(e.now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO deliveries (app_id, subscription_id, url, body, state, next_at, created_at) \
             SELECT id, NULL, events_url, $1, 'pending', $2, $3 FROM apps \
             WHERE id = $4 AND events_url IS NOT NULL",
        )
        .bind(e.body)
        .bind(e.now)
        .bind(e.now)
        .bind(e.app_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn idle_accounts(&self, before: i64, limit: i64) -> StoreResult<Vec<AccountRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts a JOIN {} \
             WHERE a.token_status != 'dead' AND a.kind = 'personal' AND COALESCE(t.refreshed_at, 0) < $1 \
             ORDER BY COALESCE(t.refreshed_at, 0) LIMIT $2",
            token_times()
        ))
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(rows::account).collect()
    }
}
