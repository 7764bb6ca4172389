// A mailbox's share of Microsoft Graph across instances: slots under leases.
// Written once for both backends: the including module names `Db` and `Store` (see
// `store::dialect`).

use crate::store::mailbox_slots::MailboxSlotStore;
use crate::store::StoreResult;
use async_trait::async_trait;

#[async_trait]
impl MailboxSlotStore for Store {
    async fn take_mailbox_slot(
        &self,
        mailbox: &str,
        slots: i64,
        holder: &str,
        until: i64,
        now: i64,
    ) -> StoreResult<Option<i64>> {
        // A free slot picked at random (callers rarely collide); when two instances pick the
        // same one at once, the second finds it held and takes none (and looks again).
        let taken = sqlx::query_scalar(
            "WITH RECURSIVE n(slot) AS (SELECT 0 UNION ALL SELECT slot + 1 FROM n WHERE slot + 1 < $2) \
             INSERT INTO mailbox_slots (mailbox, slot, holder, until) \
             SELECT $1, slot, $3, $4 FROM n WHERE NOT EXISTS \
             (SELECT 1 FROM mailbox_slots m WHERE m.mailbox = $1 AND m.slot = n.slot AND m.until >= $5) \
             ORDER BY random() LIMIT 1 \
             ON CONFLICT (mailbox, slot) DO UPDATE SET holder = excluded.holder, until = excluded.until \
             WHERE mailbox_slots.until < $5 \
             RETURNING slot",
        )
        .bind(mailbox)
        .bind(slots)
        .bind(holder)
        .bind(until)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(taken)
    }

    async fn renew_mailbox_slot(
        &self,
        mailbox: &str,
        slot: i64,
        holder: &str,
        until: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE mailbox_slots SET until = $1 WHERE mailbox = $2 AND slot = $3 AND holder = $4",
        )
        .bind(until)
        .bind(mailbox)
        .bind(slot)
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_mailbox_slot(
        &self,
        mailbox: &str,
        slot: i64,
        holder: &str,
    ) -> StoreResult<()> {
        sqlx::query("DELETE FROM mailbox_slots WHERE mailbox = $1 AND slot = $2 AND holder = $3")
            .bind(mailbox)
            .bind(slot)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
