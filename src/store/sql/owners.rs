// Portal owners, their invitations and sessions.
// Written once for both backends: the including module names `Db` and `Store` (see
// `store::dialect`).

use crate::store::dialect::Dialect;
use crate::store::rows;
use crate::store::{Admission, NewInvite, OwnerRecord, OwnerStore, StoreResult};
use async_trait::async_trait;
use sqlx::Row;

#[async_trait]
impl OwnerStore for Store {
    async fn create_owner(
        &self,
        email: &str,
        password_hash: &str,
        now: i64,
        admission: Admission<'_>,
    ) -> StoreResult<Option<OwnerRecord>> {
        let mut tx = self.pool.begin_with(Db::BEGIN).await?;
        // Owners are made one at a time across instances, so that "only the first" holds.
        if let Some(statement) = Db::OWNERS_TAKE_TURNS {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        let admitted = match admission {
            Admission::Any => true,
            Admission::FirstOnly => sqlx::query("SELECT 1 FROM owners LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?
                .is_none(),
            Admission::Invite(token_hash) => sqlx::query(
                "UPDATE owner_invites SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
                     AND expires_at > $3 AND lower(email) = lower($4)",
            )
            .bind(now)
            .bind(token_hash)
            .bind(now)
            .bind(email)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1,
        };
        if !admitted {
            return Ok(None);
        }
        let row = sqlx::query(
            "INSERT INTO owners (email, password_hash, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING RETURNING id, email, password_hash, created_at",
        )
        .bind(email)
        .bind(password_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            // Taken: the invitation stays usable.
            return Ok(None);
        };
        tx.commit().await?;
        Ok(Some(rows::owner(&row)))
    }

    async fn has_owners(&self) -> StoreResult<bool> {
        Ok(sqlx::query("SELECT 1 FROM owners LIMIT 1")
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    async fn create_invite(&self, invite: &NewInvite<'_>) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO owner_invites (token_hash, email, invited_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(invite.token_hash)
        .bind(invite.email)
        .bind(invite.invited_by)
        .bind(invite.created_at)
        .bind(invite.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn invite_email(&self, token_hash: &[u8], now: i64) -> StoreResult<Option<String>> {
        let row = sqlx::query(
            "SELECT email FROM owner_invites WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn owner_by_email(&self, email: &str) -> StoreResult<Option<OwnerRecord>> {
        let row =
            sqlx::query("SELECT id, email, password_hash, created_at FROM owners WHERE lower(email) = lower($1)")
                .bind(email)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.as_ref().map(rows::owner))
    }

    async fn insert_owner_session(
        &self,
        token_hash: &[u8],
        owner_id: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO owner_sessions (token_hash, owner_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(owner_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn owner_by_session(
        &self,
        token_hash: &[u8],
        now: i64,
    ) -> StoreResult<Option<OwnerRecord>> {
        let row = sqlx::query(
            "SELECT o.id, o.email, o.password_hash, o.created_at FROM owner_sessions s \
             JOIN owners o ON o.id = s.owner_id WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(rows::owner))
    }

    async fn delete_owner_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        sqlx::query("DELETE FROM owner_sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
