// Signing secrets, subscriptions and where each stands in the provider's changes. The
// notifications to deliver are in `deliveries.rs`.
// Written once for both backends: the including module names `Db` and `Store` (see
// `store::dialect`).

use crate::store::dialect::Dialect;
use crate::store::rows;
use crate::store::{
    Advance, Attempt, ChannelChange, DeliveryRecord, NewDelivery, NewSubscription, StoreResult,
    SubscriptionRecord, WebhookStore,
};
use async_trait::async_trait;
use sqlx::Row;

const COLUMNS: &str = "id, app_id, account_id, resource, notification_url, filters, feed, cursor, \
                       quiet, active, fail_since, fail_description, channel_id";

/// `column = new`, unless the time in `column` has come by `now`: a wake that made a claimed
/// subscription due while it was worked on is not written over by the work's end.
fn unless_due(column: &str, new: &str, now: &str) -> String {
    format!("{column} = CASE WHEN {column} <= {now} THEN {column} ELSE {new} END")
}

impl Store {
    /// Active subscriptions whose `due` time (a column) has come at `now`, moved on to `until` in
    /// the same statement, so that one instance takes each.
    async fn claim(
        &self,
        due: &str,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<SubscriptionRecord>> {
        let rows = sqlx::query(&format!(
            "UPDATE subscriptions SET {due} = $1 WHERE id IN \
             (SELECT id FROM subscriptions WHERE active = 1 AND {due} <= $2 \
              ORDER BY {due} LIMIT $3 {}) RETURNING {COLUMNS}",
            Db::skip_locked("subscriptions")
        ))
        .bind(until)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows::subscriptions(&rows)
    }
}

#[async_trait]
impl WebhookStore for Store {
    async fn signing_secret(&self, app_id: i64) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT signing_secret_enc FROM apps WHERE id = $1")
                .bind(app_id)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    async fn set_signing_secret(
        &self,
        app_id: i64,
        secret_enc: &str,
        only_if_missing: bool,
    ) -> StoreResult<bool> {
        let condition = if only_if_missing {
            " AND signing_secret_enc IS NULL"
        } else {
            ""
        };
        let done = sqlx::query(&format!(
            "UPDATE apps SET signing_secret_enc = $1 WHERE id = $2{condition}"
        ))
        .bind(secret_enc)
        .bind(app_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(done == 1)
    }

    async fn upsert_subscription(
        &self,
        new: &NewSubscription<'_>,
    ) -> StoreResult<SubscriptionRecord> {
        let row = sqlx::query(&format!(
            "INSERT INTO subscriptions (app_id, account_id, resource, notification_url, filters, \
             feed, cursor, quiet, active, poll_at, channel_due_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11, $12) \
             ON CONFLICT (account_id, resource, notification_url) DO UPDATE SET \
             filters = excluded.filters, \
             quiet = CASE WHEN subscriptions.cursor IS NULL THEN excluded.quiet ELSE subscriptions.quiet END, \
             cursor = COALESCE(subscriptions.cursor, excluded.cursor), \
             active = 1, fail_since = NULL, fail_description = NULL, poll_at = excluded.poll_at, \
             channel_due_at = excluded.channel_due_at, \
             updated_at = excluded.updated_at \
             RETURNING {COLUMNS}"
        ))
        .bind(new.app_id)
        .bind(new.account_id)
        .bind(new.resource)
        .bind(new.notification_url)
        .bind(rows::to_json_list(new.filters))
        .bind(new.feed)
        .bind(new.cursor)
        .bind(new.quiet as i64)
        .bind(new.poll_at)
        .bind(new.channel_due_at)
        .bind(new.now)
        .bind(new.now)
        .fetch_one(&self.pool)
        .await?;
        rows::subscription(&row)
    }

    async fn find_subscription(
        &self,
        account_id: i64,
        resource: &str,
        url: &str,
    ) -> StoreResult<Option<SubscriptionRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM subscriptions \
             WHERE account_id = $1 AND resource = $2 AND notification_url = $3"
        ))
        .bind(account_id)
        .bind(resource)
        .bind(url)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(rows::subscription).transpose()
    }

    async fn subscription(
        &self,
        account_id: i64,
        id: i64,
    ) -> StoreResult<Option<SubscriptionRecord>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM subscriptions WHERE account_id = $1 AND id = $2"
        ))
        .bind(account_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(rows::subscription).transpose()
    }

    async fn list_subscriptions(
        &self,
        account_id: i64,
        include_inactive: bool,
        limit: i64,
        offset: i64,
    ) -> StoreResult<(Vec<SubscriptionRecord>, i64)> {
        let which = if include_inactive {
            ""
        } else {
            " AND active = 1"
        };
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM subscriptions WHERE account_id = $1{which} \
             ORDER BY id LIMIT $2 OFFSET $3"
        ))
        .bind(account_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM subscriptions WHERE account_id = $1{which}"
        ))
        .bind(account_id)
        .fetch_one(&self.pool)
        .await?;
        Ok((rows::subscriptions(&rows)?, total))
    }

    async fn app_subscriptions(
        &self,
        app_id: i64,
        limit: i64,
    ) -> StoreResult<Vec<SubscriptionRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM subscriptions WHERE app_id = $1 ORDER BY id DESC LIMIT $2"
        ))
        .bind(app_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows::subscriptions(&rows)
    }

    async fn delete_subscription(&self, account_id: i64, id: i64) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM subscriptions WHERE account_id = $1 AND id = $2")
            .bind(account_id)
            .bind(id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(done == 1)
    }

    async fn claim_watches(
        &self,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<SubscriptionRecord>> {
        self.claim("poll_at", now, until, limit).await
    }

    async fn advance_watch(&self, advance: &Advance<'_>) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(Db::BEGIN).await?;
        let moved = sqlx::query(&format!(
            "UPDATE subscriptions SET cursor = $1, quiet = $2, {} \
             WHERE id = $4 AND cursor IS NOT DISTINCT FROM $5",
            unless_due("poll_at", "COALESCE($3, poll_at)", "$6")
        ))
        .bind(advance.to)
        .bind(advance.quiet as i64)
        .bind(advance.poll_at)
        .bind(advance.subscription_id)
        .bind(advance.from)
        .bind(advance.now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved == 0 {
            return Ok(false);
        }
        super::deliveries::insert(&mut tx, advance.deliveries, advance.now).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn wake_watch(&self, subscription_id: i64, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE subscriptions SET poll_at = $1 WHERE id = $2 AND poll_at > $3")
            .bind(now)
            .bind(subscription_id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn claim_channels(
        &self,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<SubscriptionRecord>> {
        self.claim("channel_due_at", now, until, limit).await
    }

    async fn set_channel(
        &self,
        subscription_id: i64,
        change: ChannelChange<'_>,
        due_at: i64,
        now: i64,
    ) -> StoreResult<()> {
        let set = match change {
            ChannelChange::Opened { .. } => {
                "channel_id = $1, channel_expires_at = $2, channel_state_hash = $3,"
            }
            ChannelChange::Renewed { .. } => "channel_expires_at = $1,",
            ChannelChange::Closed => {
                "channel_id = NULL, channel_expires_at = NULL, channel_state_hash = NULL,"
            }
            ChannelChange::Unchanged => "",
        };
        let given = set.matches('$').count();
        let (due, at, id) = (given + 1, given + 2, given + 3);
        let due = unless_due("channel_due_at", &format!("${due}"), &format!("${at}"));
        let sql = format!("UPDATE subscriptions SET {set} {due} WHERE id = ${id}");
        let mut query = sqlx::query(&sql);
        query = match change {
            ChannelChange::Opened {
                id,
                expires_at,
                state_hash,
            } => query.bind(id).bind(expires_at).bind(state_hash),
            ChannelChange::Renewed { expires_at } => query.bind(expires_at),
            ChannelChange::Closed | ChannelChange::Unchanged => query,
        };
        query
            .bind(due_at)
            .bind(now)
            .bind(subscription_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn by_channel(
        &self,
        channel_id: &str,
    ) -> StoreResult<Option<(SubscriptionRecord, Vec<u8>)>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS}, channel_state_hash FROM subscriptions WHERE channel_id = $1"
        ))
        .bind(channel_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok((
                rows::subscription(&r)?,
                r.get::<Option<Vec<u8>>, _>("channel_state_hash")
                    .unwrap_or_default(),
            ))
        })
        .transpose()
    }

    async fn enqueue(&self, deliveries: &[NewDelivery], now: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(Db::BEGIN).await?;
        super::deliveries::insert(&mut tx, deliveries, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn claim_deliveries(
        &self,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        super::deliveries::claim(&self.pool, now, until, limit).await
    }

    async fn record_attempt(
        &self,
        delivery_id: i64,
        attempt: &Attempt,
        now: i64,
    ) -> StoreResult<()> {
        super::deliveries::record_attempt(&self.pool, delivery_id, attempt, now).await
    }

    async fn deliveries(
        &self,
        app_id: i64,
        subscription_id: Option<i64>,
        limit: i64,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        super::deliveries::log(&self.pool, app_id, subscription_id, limit).await
    }

    async fn delivery(&self, app_id: i64, id: i64) -> StoreResult<Option<DeliveryRecord>> {
        super::deliveries::one(&self.pool, app_id, id).await
    }

    async fn prune_deliveries(&self, before: i64) -> StoreResult<u64> {
        let gone = sqlx::query("DELETE FROM deliveries WHERE state != 'pending' AND done_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await?;
        Ok(gone.rows_affected())
    }

    async fn events_url(&self, app_id: i64) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT events_url FROM apps WHERE id = $1")
                .bind(app_id)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    async fn set_events_url(&self, app_id: i64, url: Option<&str>) -> StoreResult<()> {
        sqlx::query("UPDATE apps SET events_url = $1 WHERE id = $2")
            .bind(url)
            .bind(app_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
