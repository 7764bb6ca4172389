// Sign-in sessions in flight, hosted links, and the one-time codes handed back to apps.
// Written once for both backends: the including module names `Db` and `Store` (see
// `store::dialect`).

use crate::store::rows::{json_list, to_json_list};
use crate::store::{AuthSession, AuthStore, CodeRedemption, HostedLink, StoreResult};
use async_trait::async_trait;
use sqlx::Row;

#[async_trait]
impl AuthStore for Store {
    async fn insert_auth_session(&self, s: &AuthSession) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO auth_sessions (state_hash, app_id, return_url, app_state, scopes, permissions, \
             ensure_scopes, account_id, pkce_verifier_enc, expires_at, expected_email, ensure_access, service_type, link_hash, link_name, daemon) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(&s.state_hash)
        .bind(s.app_id)
        .bind(&s.return_url)
        .bind(&s.app_state)
        .bind(to_json_list(&s.scopes))
        .bind(to_json_list(&s.permissions))
        .bind(s.ensure_scopes)
        .bind(s.account_id)
        .bind(&s.pkce_verifier_enc)
        .bind(s.expires_at)
        .bind(&s.expected_email)
        .bind(s.ensure_access)
        .bind(&s.service_type)
        .bind(&s.link_hash)
        .bind(&s.link_name)
        .bind(s.daemon)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn take_auth_session(&self, state_hash: &[u8]) -> StoreResult<Option<AuthSession>> {
        let row = sqlx::query(
            "DELETE FROM auth_sessions WHERE state_hash = $1 RETURNING app_id, return_url, app_state, scopes, \
             permissions, ensure_scopes, account_id, pkce_verifier_enc, expires_at, expected_email, ensure_access, service_type, \
             link_hash, link_name, daemon",
        )
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(AuthSession {
            state_hash: state_hash.to_vec(),
            app_id: r.get("app_id"),
            service_type: r.get("service_type"),
            return_url: r.get("return_url"),
            app_state: r.get("app_state"),
            scopes: json_list(r.get("scopes"))?,
            permissions: json_list(r.get("permissions"))?,
            ensure_scopes: r.get("ensure_scopes"),
            expected_email: r.get("expected_email"),
            ensure_access: r.get("ensure_access"),
            account_id: r.get("account_id"),
            pkce_verifier_enc: r.get("pkce_verifier_enc"),
            expires_at: r.get("expires_at"),
            link_hash: r.get("link_hash"),
            link_name: r.get("link_name"),
            daemon: r.get("daemon"),
        }))
    }

    async fn purge_expired(&self, now: i64) -> StoreResult<u64> {
        let sessions = sqlx::query("DELETE FROM auth_sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        // Used codes are kept until they expire so that a replay is told apart from a typo.
        let codes = sqlx::query("DELETE FROM auth_codes WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM hosted_links WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        let portal = sqlx::query("DELETE FROM owner_sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(sessions.rows_affected() + codes.rows_affected() + portal.rows_affected())
    }

    async fn insert_auth_code(
        &self,
        code_hash: &[u8],
        app_id: i64,
        account_id: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query("INSERT INTO auth_codes (code_hash, app_id, account_id, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(code_hash)
            .bind(app_id)
            .bind(account_id)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn redeem_auth_code(
        &self,
        code_hash: &[u8],
        app_id: i64,
        now: i64,
    ) -> StoreResult<CodeRedemption> {
        let claimed = sqlx::query(
            "UPDATE auth_codes SET used_at = $1 WHERE code_hash = $2 AND app_id = $3 AND used_at IS NULL \
             AND expires_at >= $4 RETURNING account_id",
        )
        .bind(now)
        .bind(code_hash)
        .bind(app_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = claimed {
            return Ok(CodeRedemption::Redeemed(row.get(0)));
        }
        let row = sqlx::query(
            "SELECT used_at, expires_at FROM auth_codes WHERE code_hash = $1 AND app_id = $2",
        )
        .bind(code_hash)
        .bind(app_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            None => CodeRedemption::Unknown,
            Some(r) if r.get::<Option<i64>, _>(0).is_some() => CodeRedemption::AlreadyUsed,
            Some(_) => CodeRedemption::Expired,
        })
    }

    async fn insert_link(&self, token_hash: &[u8], link: &HostedLink, now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO hosted_links (token_hash, app_id, params, name, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(link.app_id)
        .bind(&link.params)
        .bind(&link.name)
        .bind(link.expires_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn hosted_link(&self, token_hash: &[u8], now: i64) -> StoreResult<Option<HostedLink>> {
        let row = sqlx::query(
            "SELECT app_id, params, name, expires_at FROM hosted_links \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| HostedLink {
            app_id: r.get("app_id"),
            params: r.get("params"),
            name: r.get("name"),
            expires_at: r.get("expires_at"),
        }))
    }

    async fn use_link(&self, token_hash: &[u8], now: i64) -> StoreResult<bool> {
        let used = sqlx::query(
            "UPDATE hosted_links SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(used == 1)
    }
}
