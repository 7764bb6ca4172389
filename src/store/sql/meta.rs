// The service's own settings (key → value), and a ping for health checks.
// Written once for both backends: the including module names `Db` and `Store` (see
// `store::dialect`).

use crate::store::{MetaStore, StoreResult};
use async_trait::async_trait;
use sqlx::Row;

#[async_trait]
impl MetaStore for Store {
    async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn put_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    fn hot(&self) -> &crate::store::hot::HotCache {
        &self.hot
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}
