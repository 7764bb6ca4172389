//! A mailbox's share of Graph held across every instance on one database: after its own
//! instance's gate, a call also takes one of the mailbox's slots in the store (see
//! `store::mailbox_slots`), under a lease it renews while the call runs. A killed instance's
//! slots free themselves when their leases run out (`LEASE`), so a crash costs the mailbox a slot
//! for at most that long.

use crate::store::Store;
use rand::Rng;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a slot stays held without its holder renewing it.
const LEASE: i64 = 30;
/// How often a held slot's lease is moved on.
const RENEW_EVERY: Duration = Duration::from_secs(10);
/// Between looks for a free slot while all are held: from the first to the last, doubling.
const FIRST_LOOK: Duration = Duration::from_millis(4);
const LAST_LOOK: Duration = Duration::from_millis(40);

pub struct SharedSlots {
    store: Arc<dyn Store>,
    /// This process, in the holder names of its slots.
    instance: String,
    taken: AtomicU64,
    /// Told when this process gives a slot back, so its own waiters look at once (those of
    /// other instances look on their schedule).
    released: Arc<tokio::sync::Notify>,
}

/// One held slot; dropping it releases the slot.
pub struct SharedSlot {
    store: Arc<dyn Store>,
    released: Arc<tokio::sync::Notify>,
    mailbox: String,
    slot: i64,
    holder: String,
    renewal: tokio::task::JoinHandle<()>,
    /// The instance's own slot, given back only once the shared one is (so that the call it lets
    /// in finds the shared slot free).
    local: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// What stopped a call from getting a slot.
pub enum NoSlot {
    /// All were held until the deadline.
    Busy,
    /// The store could not be asked.
    Store,
}

impl SharedSlots {
    pub fn new(store: Arc<dyn Store>) -> Self {
        SharedSlots {
            store,
            instance: uuid::Uuid::new_v4().simple().to_string(),
            taken: AtomicU64::new(0),
            released: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// One of the `slots` of `mailbox`, waiting for one until `deadline`.
    pub async fn take(
        &self,
        mailbox: &str,
        slots: usize,
        deadline: Instant,
    ) -> Result<SharedSlot, NoSlot> {
        let holder = format!(
            "{}:{}",
            self.instance,
            self.taken.fetch_add(1, Ordering::Relaxed)
        );
        let mut pause = FIRST_LOOK;
        loop {
            let at = crate::clock::now();
            let taken = self
                .store
                .take_mailbox_slot(mailbox, slots as i64, &holder, at + LEASE, at)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "mailbox slots could not be read");
                    NoSlot::Store
                })?;
            if let Some(slot) = taken {
                return Ok(self.held(mailbox, slot, holder));
            }
            if Instant::now() + pause >= deadline {
                return Err(NoSlot::Busy);
            }
            let jitter = rand::thread_rng().gen_range(0..=pause.as_millis() as u64 / 2);
            tokio::select! {
                () = tokio::time::sleep(pause + Duration::from_millis(jitter)) => {}
                () = self.released.notified() => {}
            }
            pause = (pause * 2).min(LAST_LOOK);
        }
    }

    fn held(&self, mailbox: &str, slot: i64, holder: String) -> SharedSlot {
        let (store, renewed_mailbox, renewed_holder) =
            (self.store.clone(), mailbox.to_string(), holder.clone());
        let renewal = tokio::spawn(async move {
            loop {
                tokio::time::sleep(RENEW_EVERY).await;
                let kept = store
                    .renew_mailbox_slot(
                        &renewed_mailbox,
                        slot,
                        &renewed_holder,
                        crate::clock::now() + LEASE,
                    )
                    .await;
                if !matches!(kept, Ok(true)) {
                    tracing::warn!(mailbox = %renewed_mailbox, "a mailbox slot's lease could not be renewed");
                    return;
                }
            }
        });
        SharedSlot {
            store: self.store.clone(),
            released: self.released.clone(),
            mailbox: mailbox.to_string(),
            slot,
            holder,
            renewal,
            local: None,
        }
    }
}

impl SharedSlot {
    /// Holds the instance's own slot with this one.
    pub fn with_local(mut self, local: tokio::sync::OwnedSemaphorePermit) -> Self {
        self.local = Some(local);
        self
    }
}

impl Drop for SharedSlot {
    fn drop(&mut self) {
        self.renewal.abort();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return; // Shutting down: the lease runs out by itself.
        };
        let (store, released, mailbox, holder, slot, local) = (
            self.store.clone(),
            self.released.clone(),
            std::mem::take(&mut self.mailbox),
            std::mem::take(&mut self.holder),
            self.slot,
            self.local.take(),
        );
        runtime.spawn(async move {
            if let Err(e) = store.release_mailbox_slot(&mailbox, slot, &holder).await {
                tracing::warn!(error = %e, "a mailbox slot could not be released; its lease will run out");
            }
            drop(local);
            released.notify_waiters();
        });
    }
}
