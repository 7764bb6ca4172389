//! A mailbox's share of Microsoft Graph across every instance on one database: `slots` numbered
//! slots per mailbox, each held by one call under a lease that its holder renews while the call
//! runs and that frees the slot by itself when the holder dies.

use super::StoreResult;
use async_trait::async_trait;

#[async_trait]
pub trait MailboxSlotStore: Send + Sync {
    /// Takes a free slot of `mailbox` (one of `slots`; free = never taken, released, or its lease
    /// ran out before `now`) for `holder` until `until`; which, or none when all are held.
    async fn take_mailbox_slot(
        &self,
        mailbox: &str,
        slots: i64,
        holder: &str,
        until: i64,
        now: i64,
    ) -> StoreResult<Option<i64>>;
    /// Moves the lease on; false when the holder lost the slot (its lease had run out and
    /// another took it).
    async fn renew_mailbox_slot(
        &self,
        mailbox: &str,
        slot: i64,
        holder: &str,
        until: i64,
    ) -> StoreResult<bool>;
    async fn release_mailbox_slot(&self, mailbox: &str, slot: i64, holder: &str)
        -> StoreResult<()>;
}
