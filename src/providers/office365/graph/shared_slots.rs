//! A mailbox's share of Graph held across every instance on one database: after its own
//! instance's gate, a call also takes one of the mailbox's slots in the store (see
//! `store::mailbox_slots`), under a lease it renews while the call runs. A killed instance's
//! slots free themselves when their leases run out (`LEASE`), so a crash costs the mailbox a slot
//! for at most that long.
//!
//! A busy mailbox does not pay two database round trips per call: a call that ends hands its
//! slot to the instance's next call of that mailbox (`HAND_OVER`), and only a slot nobody here
//! picks up within `GRACE`, or one held this way for longer than `HAND_OVER`, is given back to
//! the database, where the other instances find it.

use crate::store::Store;
use rand::Rng;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a slot stays held without its holder renewing it.
const LEASE: i64 = 30;
/// How often a held slot's lease is moved on.
const RENEW_EVERY: Duration = Duration::from_secs(10);
/// Between looks for a free slot while all are held: from the first to the last, doubling.
const FIRST_LOOK: Duration = Duration::from_millis(4);
const LAST_LOOK: Duration = Duration::from_millis(40);
/// A slot passes from call to call within this instance for at most this long before it goes
/// back to the database (where another instance may take it).
const HAND_OVER: Duration = Duration::from_millis(500);
/// How long a slot a call ended with waits for the next call here before it goes back.
const GRACE: Duration = Duration::from_millis(5);

/// What every slot of this instance shares: the store, the slots waiting to be handed over.
struct Pool {
    store: Arc<dyn Store>,
    /// Told when this process gives a slot back or hands one over, so its own waiters look at
    /// once (those of other instances look on their schedule).
    released: tokio::sync::Notify,
    spare: Mutex<HashMap<String, Vec<Lease>>>,
    /// Numbers each time a slot is set aside, so that a grace period ends only its own turn.
    set_aside: AtomicU64,
}

/// A slot held in the database, with the task renewing its lease.
struct Lease {
    mailbox: String,
    slot: i64,
    holder: String,
    renewal: tokio::task::JoinHandle<()>,
    /// When it was taken from the database.
    since: Instant,
    /// Its latest turn among the spare slots (see `Pool::set_aside`).
    turn: u64,
}

pub struct SharedSlots {
    pool: Arc<Pool>,
    /// This process, in the holder names of its slots.
    instance: String,
    taken: AtomicU64,
}

/// One held slot; dropping it hands it over or releases it.
pub struct SharedSlot {
    pool: Arc<Pool>,
    lease: Option<Lease>,
    /// The instance's own slot, given back only once the shared one is handed over or released
    /// (so that the call it lets in finds the shared slot free).
    local: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// What stopped a call from getting a slot.
pub enum NoSlot {
    /// All were held until the deadline.
    Busy,
    /// The store could not be asked.
    Store,
}

impl Pool {
    fn spare(&self, mailbox: &str) -> Option<Lease> {
        self.spare
            .lock()
            .expect("spare slots")
            .get_mut(mailbox)?
            .pop()
    }

    /// The slot set aside at `turn`, if nobody took it meanwhile. (The same slot may have been
    /// taken, used and set aside again since: that later turn has a grace period of its own.)
    fn unclaimed(&self, mailbox: &str, turn: u64) -> Option<Lease> {
        let mut spare = self.spare.lock().expect("spare slots");
        let leases = spare.get_mut(mailbox)?;
        let at = leases.iter().position(|l| l.turn == turn)?;
        let lease = leases.swap_remove(at);
        if leases.is_empty() {
            spare.remove(mailbox);
        }
        Some(lease)
    }

    async fn release(&self, lease: Lease) {
        lease.renewal.abort();
        if let Err(e) = self
            .store
            .release_mailbox_slot(&lease.mailbox, lease.slot, &lease.holder)
            .await
        {
            tracing::warn!(error = %e, "a mailbox slot could not be released; its lease will run out");
        }
    }
}

impl SharedSlots {
    pub fn new(store: Arc<dyn Store>) -> Self {
        SharedSlots {
            pool: Arc::new(Pool {
                store,
                released: tokio::sync::Notify::new(),
                spare: Mutex::default(),
                set_aside: AtomicU64::new(0),
            }),
            instance: uuid::Uuid::new_v4().simple().to_string(),
            taken: AtomicU64::new(0),
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
            if let Some(lease) = self.pool.spare(mailbox) {
                return Ok(self.slot(lease));
            }
            let at = crate::clock::now();
            let taken = self
                .pool
                .store
                .take_mailbox_slot(mailbox, slots as i64, &holder, at + LEASE, at)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "mailbox slots could not be read");
                    NoSlot::Store
                })?;
            if let Some(slot) = taken {
                return Ok(self.slot(self.lease(mailbox, slot, holder)));
            }
            if Instant::now() + pause >= deadline {
                return Err(NoSlot::Busy);
            }
            let jitter = rand::thread_rng().gen_range(0..=pause.as_millis() as u64 / 2);
            tokio::select! {
                () = tokio::time::sleep(pause + Duration::from_millis(jitter)) => {}
                () = self.pool.released.notified() => {}
            }
            pause = (pause * 2).min(LAST_LOOK);
        }
    }

    fn slot(&self, lease: Lease) -> SharedSlot {
        SharedSlot {
            pool: self.pool.clone(),
            lease: Some(lease),
            local: None,
        }
    }

    fn lease(&self, mailbox: &str, slot: i64, holder: String) -> Lease {
        let (store, renewed_mailbox, renewed_holder) =
            (self.pool.store.clone(), mailbox.to_string(), holder.clone());
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
        Lease {
            mailbox: mailbox.to_string(),
            slot,
            holder,
            renewal,
            since: Instant::now(),
            turn: 0,
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
        let (Some(mut lease), local) = (self.lease.take(), self.local.take()) else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            lease.renewal.abort();
            return; // Shutting down: the lease runs out by itself.
        };
        let pool = self.pool.clone();
        if lease.since.elapsed() < HAND_OVER {
            lease.turn = pool.set_aside.fetch_add(1, Ordering::Relaxed);
            let (mailbox, turn) = (lease.mailbox.clone(), lease.turn);
            pool.spare
                .lock()
                .expect("spare slots")
                .entry(mailbox.clone())
                .or_default()
                .push(lease);
            drop(local);
            pool.released.notify_waiters();
            runtime.spawn(async move {
                tokio::time::sleep(GRACE).await;
                if let Some(lease) = pool.unclaimed(&mailbox, turn) {
                    pool.release(lease).await;
                    pool.released.notify_waiters();
                }
            });
        } else {
            runtime.spawn(async move {
                pool.release(lease).await;
                drop(local);
                pool.released.notify_waiters();
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A slot taken again within each grace period stays in the instance, however many grace
    /// periods its run of calls spans (an earlier grace period once sent it back to the database
    /// while a later call had set it aside again: a database round trip per call under load).
    #[tokio::test]
    async fn a_slot_in_steady_use_is_handed_over_past_its_first_grace_period() {
        let dir = std::env::temp_dir().join(format!("sb-slots-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let url = format!("sqlite://{}/slots.db?mode=rwc", dir.display());
        let slots = SharedSlots::new(crate::store::connect(&url).await.expect("a store"));
        let take = || async {
            let deadline = Instant::now() + Duration::from_secs(5);
            match slots.take("mailbox", 4, deadline).await {
                Ok(slot) => slot,
                Err(_) => panic!("a free slot"),
            }
        };
        let holder = |slot: &SharedSlot| slot.lease.as_ref().map(|l| l.holder.clone());
        let first = take().await;
        let held_by = holder(&first);
        // From here on the clock moves only when every task waits (the slot never needs the
        // database again, which paused time would starve).
        tokio::time::pause();
        drop(first);
        for call in 0..10 {
            tokio::time::sleep(GRACE / 4).await;
            let again = take().await;
            assert_eq!(
                holder(&again),
                held_by,
                "call {call} took its slot from the database"
            );
            tokio::time::sleep(GRACE / 4).await;
            drop(again);
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
