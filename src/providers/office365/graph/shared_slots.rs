//! A mailbox's share of Graph held across every instance on one database: after its own
//! instance's gate, a call also takes one of the mailbox's slots in the store (see
//! `store::mailbox_slots`), under a lease it renews while the call runs. A killed instance's
//! slots free themselves when their leases run out (`LEASE`), so a crash costs the mailbox a slot
//! for at most that long.
//!
//! A busy mailbox does not pay two database round trips per call: a call that ends hands its
//! slot to the instance's next call of that mailbox (`HAND_OVER`), and only a slot nobody here
//! picks up within `GRACE` (to twice that), or one held this way for longer than `HAND_OVER`, is
//! given back to the database, where the other instances find it. One sweeper per instance gives
//! back the slots left over, while there are any; a call costs no task or timer of its own.

use crate::store::Store;
use rand::Rng;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
/// How long a slot a call ended with waits for the next call here before it goes back (at most
/// twice this: the sweeper looks this often).
const GRACE: Duration = Duration::from_millis(5);

/// What every slot of this instance shares: the store, the slots waiting to be handed over.
struct Pool {
    store: Arc<dyn Store>,
    /// Told when this process gives a slot back or hands one over, so its own waiters look at
    /// once (those of other instances look on their schedule).
    released: tokio::sync::Notify,
    spare: Mutex<HashMap<String, Vec<Lease>>>,
    /// Whether the sweeper runs (it stops when no slot is spare).
    sweeping: AtomicBool,
    /// Where the sweeper runs: the runtime the slots were made on.
    runtime: Option<tokio::runtime::Handle>,
}

/// A slot held in the database, with the task renewing its lease.
struct Lease {
    mailbox: String,
    slot: i64,
    holder: String,
    renewal: tokio::task::JoinHandle<()>,
    /// When it was taken from the database.
    since: Instant,
    /// When it was last set aside for the next call.
    set_aside: tokio::time::Instant,
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

    /// Sets `lease` aside for this instance's next call of its mailbox.
    fn set_aside(self: &Arc<Self>, mut lease: Lease) {
        lease.set_aside = tokio::time::Instant::now();
        let mut spare = self.spare.lock().expect("spare slots");
        match spare.get_mut(&lease.mailbox) {
            Some(leases) => leases.push(lease),
            None => {
                spare.insert(lease.mailbox.clone(), vec![lease]);
            }
        }
        // Started under the lock, so that it cannot stop unseen in between.
        if !self.sweeping.swap(true, Ordering::AcqRel) {
            let pool = self.clone();
            let sweep = async move { pool.sweep().await };
            match self
                .runtime
                .clone()
                .or_else(|| tokio::runtime::Handle::try_current().ok())
            {
                Some(runtime) => drop(runtime.spawn(sweep)),
                None => self.sweeping.store(false, Ordering::Release),
            }
        }
    }

    /// Gives back the slots spare for longer than `GRACE`, every `GRACE`, until none is spare.
    async fn sweep(&self) {
        loop {
            tokio::time::sleep(GRACE).await;
            let now = tokio::time::Instant::now();
            let unclaimed: Vec<Lease> = {
                let mut spare = self.spare.lock().expect("spare slots");
                let mut unclaimed = Vec::new();
                for leases in spare.values_mut() {
                    let (over, kept): (Vec<_>, _) = std::mem::take(leases)
                        .into_iter()
                        .partition(|l| now.duration_since(l.set_aside) >= GRACE);
                    *leases = kept;
                    unclaimed.extend(over);
                }
                spare.retain(|_, leases| !leases.is_empty());
                if spare.is_empty() && unclaimed.is_empty() {
                    self.sweeping.store(false, Ordering::Release);
                    return;
                }
                unclaimed
            };
            if !unclaimed.is_empty() {
                for lease in unclaimed {
                    self.release(lease).await;
                }
                self.released.notify_waiters();
            }
        }
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
                sweeping: AtomicBool::new(false),
                runtime: tokio::runtime::Handle::try_current().ok(),
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
        // Named only when the database is asked (a slot handed over keeps its name).
        let mut holder = None;
        let mut pause = FIRST_LOOK;
        loop {
            if let Some(lease) = self.pool.spare(mailbox) {
                return Ok(self.slot(lease));
            }
            // Listening from before the second look, so that a slot set aside or given back
            // while the database is asked wakes this call (else it would sleep a full pause).
            let released = self.pool.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            if let Some(lease) = self.pool.spare(mailbox) {
                return Ok(self.slot(lease));
            }
            let holder = holder.get_or_insert_with(|| {
                format!(
                    "{}:{}",
                    self.instance,
                    self.taken.fetch_add(1, Ordering::Relaxed)
                )
            });
            let at = crate::clock::now();
            let taken = self
                .pool
                .store
                .take_mailbox_slot(mailbox, slots as i64, holder, at + LEASE, at)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "mailbox slots could not be read");
                    NoSlot::Store
                })?;
            if let Some(slot) = taken {
                return Ok(self.slot(self.lease(mailbox, slot, holder.clone())));
            }
            if Instant::now() + pause >= deadline {
                return Err(NoSlot::Busy);
            }
            let jitter = rand::thread_rng().gen_range(0..=pause.as_millis() as u64 / 2);
            tokio::select! {
                () = tokio::time::sleep(pause + Duration::from_millis(jitter)) => {}
                () = released => {}
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
            set_aside: tokio::time::Instant::now(),
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
        let (Some(lease), local) = (self.lease.take(), self.local.take()) else {
            return;
        };
        let pool = self.pool.clone();
        if lease.since.elapsed() < HAND_OVER {
            pool.set_aside(lease);
            drop(local);
            pool.released.notify_waiters();
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            lease.renewal.abort();
            return; // Shutting down: the lease runs out by itself.
        };
        runtime.spawn(async move {
            pool.release(lease).await;
            drop(local);
            pool.released.notify_waiters();
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store in a temp dir of its own (removed by the caller).
    async fn store() -> (std::path::PathBuf, Arc<dyn Store>) {
        let dir = std::env::temp_dir().join(format!("sb-slots-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let url = format!("sqlite://{}/slots.db?mode=rwc", dir.display());
        (dir, crate::store::connect(&url).await.expect("a store"))
    }

    /// A slot taken again within each grace period stays in the instance, however many grace
    /// periods its run of calls spans (an earlier grace period once sent it back to the database
    /// while a later call had set it aside again: a database round trip per call under load).
    #[tokio::test]
    async fn a_slot_in_steady_use_is_handed_over_past_its_first_grace_period() {
        let (dir, store) = store().await;
        let slots = SharedSlots::new(store);
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

    /// A slot set aside that no call here takes goes back to the database, where another
    /// instance gets it, and the sweeper stops once nothing is spare.
    #[tokio::test]
    async fn a_slot_nobody_here_takes_goes_back_and_the_sweeper_stops() {
        let (dir, store) = store().await;
        let (here, there) = (SharedSlots::new(store.clone()), SharedSlots::new(store));
        let deadline = || Instant::now() + Duration::from_secs(5);
        let Ok(slot) = here.take("mailbox", 1, deadline()).await else {
            panic!("a free slot");
        };
        drop(slot);
        assert!(
            here.pool.sweeping.load(Ordering::Acquire),
            "set aside, swept"
        );
        let started = Instant::now();
        let Ok(taken) = there.take("mailbox", 1, deadline()).await else {
            panic!("the other instance gets the mailbox's only slot");
        };
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        drop(taken);
        let swept = |slots: &SharedSlots| {
            !slots.pool.sweeping.load(Ordering::Acquire)
                && slots.pool.spare.lock().expect("spare").is_empty()
        };
        let given = Instant::now() + Duration::from_secs(5);
        while !(swept(&here) && swept(&there)) {
            assert!(
                Instant::now() < given,
                "the sweepers stop once nothing is spare"
            );
            tokio::time::sleep(GRACE).await;
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
