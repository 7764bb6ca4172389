// Notifications to deliver, claimed by the delivery worker, and kept afterwards as the
// delivery log.
// Written once for both backends: the including module names `Db` and `Store` (see
// `store::dialect`).

use crate::store::dialect::Dialect;
use crate::store::rows;
use crate::store::{Attempt, DeliveryRecord, NewDelivery, StoreResult};
use sqlx::{Pool, Transaction};

const COLUMNS: &str = "id, app_id, subscription_id, url, body, state, attempts, next_at, \
                       last_status, last_error, created_at, done_at";

pub(super) async fn insert(
    tx: &mut Transaction<'_, Db>,
    deliveries: &[NewDelivery],
    now: i64,
) -> StoreResult<()> {
    for d in deliveries {
        sqlx::query(
            "INSERT INTO deliveries (app_id, subscription_id, url, body, state, next_at, created_at) \
             VALUES ($1, $2, $3, $4, 'pending', $5, $6)",
        )
        .bind(d.app_id)
        .bind(d.subscription_id)
        .bind(&d.url)
        .bind(&d.body)
        .bind(now)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub(super) async fn claim(
    pool: &Pool<Db>,
    now: i64,
    until: i64,
    limit: i64,
) -> StoreResult<Vec<DeliveryRecord>> {
    let rows = sqlx::query(&format!(
        "UPDATE deliveries SET next_at = $1 WHERE id IN \
         (SELECT d.id FROM deliveries d LEFT JOIN subscriptions s ON s.id = d.subscription_id \
          WHERE d.state = 'pending' AND d.next_at <= $2 \
          AND (d.subscription_id IS NULL OR s.active = 1) \
          ORDER BY d.next_at, d.id LIMIT $3 {}) RETURNING {COLUMNS}",
        Db::skip_locked("d")
    ))
    .bind(until)
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut claimed = rows::deliveries(&rows)?;
    claimed.sort_by_key(|d| d.id);
    Ok(claimed)
}

pub(super) async fn record_attempt(
    pool: &Pool<Db>,
    id: i64,
    attempt: &Attempt,
    now: i64,
) -> StoreResult<()> {
    let mut tx = pool.begin_with(Db::BEGIN).await?;
    let subscription: Option<i64> =
        sqlx::query_scalar("SELECT subscription_id FROM deliveries WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .flatten();
    match attempt {
        Attempt::Delivered { status } => {
            sqlx::query(
                "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, \
                 last_status = $1, last_error = NULL, done_at = $2 WHERE id = $3",
            )
            .bind(status)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE subscriptions SET fail_since = NULL, fail_description = NULL WHERE id = $1",
            )
            .bind(subscription)
            .execute(&mut *tx)
            .await?;
        }
        Attempt::Failed {
            status,
            error,
            retry_at,
        } => {
            let (state, next_at, done_at) = match retry_at {
                Some(at) => ("pending", *at, None),
                None => ("failed", now, Some(now)),
            };
            sqlx::query(
                "UPDATE deliveries SET state = $1, attempts = attempts + 1, next_at = $2, \
                 last_status = $3, last_error = $4, done_at = $5 WHERE id = $6",
            )
            .bind(state)
            .bind(next_at)
            .bind(status)
            .bind(error)
            .bind(done_at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let still_active = retry_at.is_some() as i64;
            sqlx::query(
                "UPDATE subscriptions SET fail_since = COALESCE(fail_since, $1), \
                 fail_description = $2, active = active * $3 WHERE id = $4",
            )
            .bind(now)
            .bind(error)
            .bind(still_active)
            .bind(subscription)
            .execute(&mut *tx)
            .await?;
            if retry_at.is_none() {
                sqlx::query(
                    "UPDATE deliveries SET state = 'failed', done_at = $1, \
                     last_error = 'not sent: the subscription was made inactive' \
                     WHERE subscription_id = $2 AND state = 'pending'",
                )
                .bind(now)
                .bind(subscription)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

pub(super) async fn log(
    pool: &Pool<Db>,
    app_id: i64,
    subscription_id: Option<i64>,
    limit: i64,
) -> StoreResult<Vec<DeliveryRecord>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM deliveries WHERE app_id = $1 AND ($2 IS NULL OR subscription_id = $3) \
         ORDER BY id DESC LIMIT $4"
    ))
    .bind(app_id)
    .bind(subscription_id)
    .bind(subscription_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows::deliveries(&rows)
}

pub(super) async fn one(
    pool: &Pool<Db>,
    app_id: i64,
    id: i64,
) -> StoreResult<Option<DeliveryRecord>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM deliveries WHERE app_id = $1 AND id = $2"
    ))
    .bind(app_id)
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(rows::delivery).transpose()
}
