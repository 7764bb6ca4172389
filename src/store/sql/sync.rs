// Delta syncs and their change log.
// Written once for both backends: the including module names `Db` and `Store` (see
// `store::dialect`).

use crate::store::dialect::Dialect;
use crate::store::rows;
use crate::store::{ChangeKind, LoggedChange, Pulled, StoreResult, SyncRecord, SyncStore};
use async_trait::async_trait;
use sqlx::Row;

const COLUMNS: &str = "id, account_id, stream, params, generation, cursor, round_complete, \
                       updated_ack, deleted_ack";

#[async_trait]
impl SyncStore for Store {
    async fn start_sync(
        &self,
        account_id: i64,
        stream: &str,
        params: &str,
        now: i64,
    ) -> StoreResult<SyncRecord> {
        let mut tx = self.pool.begin_with(Db::BEGIN).await?;
        let row = sqlx::query(&format!(
            "INSERT INTO syncs (account_id, stream, params, generation, created_at) \
             VALUES ($1, $2, $3, 1, $4) \
             ON CONFLICT (account_id, stream) DO UPDATE SET params = excluded.params, \
             generation = syncs.generation + 1, cursor = NULL, round_complete = 0, \
             updated_ack = 0, deleted_ack = 0, created_at = excluded.created_at, pulled_at = NULL \
             RETURNING {COLUMNS}"
        ))
        .bind(account_id)
        .bind(stream)
        .bind(params)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let sync = rows::sync(&row);
        sqlx::query("DELETE FROM sync_changes WHERE sync_id = $1")
            .bind(sync.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(sync)
    }

    async fn sync(&self, account_id: i64, stream: &str) -> StoreResult<Option<SyncRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM syncs WHERE account_id = $1 AND stream = $2"
        ))
        .bind(account_id)
        .bind(stream)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(rows::sync))
    }

    async fn log_pulled(&self, pulled: &Pulled<'_>) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Db::BEGIN).await?;
        let moved = sqlx::query(
            "UPDATE syncs SET cursor = $1, round_complete = $2, pulled_at = $3 \
             WHERE id = $4 AND generation = $5 AND cursor IS NOT DISTINCT FROM $6",
        )
        .bind(pulled.cursor)
        .bind(pulled.round_complete as i64)
        .bind(pulled.now)
        .bind(pulled.sync_id)
        .bind(pulled.generation)
        .bind(pulled.from)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            return Ok(false);
        }
        for change in pulled.changes {
            let replaced = match change.kind {
                ChangeKind::Updated => "kind = 'updated' AND seq >= s.updated_ack",
                ChangeKind::Deleted => {
                    "((kind = 'updated' AND seq >= s.updated_ack) \
                     OR (kind = 'deleted' AND seq >= s.deleted_ack))"
                }
            };
            sqlx::query(&format!(
                "DELETE FROM sync_changes WHERE sync_id = $1 AND item_id = $2 AND seq IN \
                 (SELECT c.seq FROM sync_changes c JOIN syncs s ON s.id = c.sync_id \
                  WHERE c.sync_id = $1 AND c.item_id = $2 AND {replaced})"
            ))
            .bind(pulled.sync_id)
            .bind(&change.item_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO sync_changes (sync_id, kind, item_id, record, at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(pulled.sync_id)
            .bind(change.kind.as_str())
            .bind(&change.item_id)
            .bind(&change.record)
            .bind(pulled.now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn logged(
        &self,
        sync_id: i64,
        kind: ChangeKind,
        from_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<LoggedChange>> {
        let rows = sqlx::query(
            "SELECT seq, record FROM sync_changes WHERE sync_id = $1 AND kind = $2 AND seq >= $3 \
             ORDER BY seq LIMIT $4",
        )
        .bind(sync_id)
        .bind(kind.as_str())
        .bind(from_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| LoggedChange {
                seq: r.get("seq"),
                record: r.get("record"),
            })
            .collect())
    }

    async fn acknowledge(&self, sync_id: i64, kind: ChangeKind, seq: i64) -> StoreResult<()> {
        let column = match kind {
            ChangeKind::Updated => "updated_ack",
            ChangeKind::Deleted => "deleted_ack",
        };
        let mut tx = self.pool.begin_with(Db::BEGIN).await?;
        sqlx::query(&format!(
            "UPDATE syncs SET {column} = CASE WHEN {column} > $1 THEN {column} ELSE $1 END WHERE id = $2"
        ))
        .bind(seq)
        .bind(sync_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "DELETE FROM sync_changes WHERE sync_id = $1 AND kind = $2 AND seq < \
             (SELECT {column} FROM syncs WHERE id = $3)"
        ))
        .bind(sync_id)
        .bind(kind.as_str())
        .bind(sync_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
