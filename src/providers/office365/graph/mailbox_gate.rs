//! Each mailbox's share of Graph: at most `concurrency` calls at once per mailbox (Graph allows
//! four), and a caller waits at most `wait` for a free slot before it is told `provider.busy`,
//! so a slow Graph cannot pile up callers without end. How long a call waited is logged. With
//! `shared` slots the share holds across every instance on the database: a call takes its own
//! instance's slot first (so an instance never asks the store for more than its share), then
//! one of the mailbox's slots in the store.

use crate::error::Code;
use crate::metrics::Metrics;
use crate::providers::error::ProviderError;
use crate::providers::office365::graph::shared_slots::{NoSlot, SharedSlot, SharedSlots};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Waits shorter than this are not worth a log line.
const NOTABLE_WAIT: Duration = Duration::from_millis(250);

pub struct MailboxGates {
    /// Each mailbox's gate, bounded (see `bounded_map`).
    gates: crate::bounded_map::BoundedMap<String, Arc<Semaphore>>,
    concurrency: usize,
    wait: Duration,
    shared: Option<SharedSlots>,
    metrics: Arc<Metrics>,
}

/// A slot of a mailbox, held until dropped.
pub enum MailboxSlot {
    Local(OwnedSemaphorePermit),
    /// The shared slot, holding the instance's own.
    Shared(SharedSlot),
}

impl MailboxGates {
    pub fn new(
        concurrency: usize,
        wait: Duration,
        shared: Option<SharedSlots>,
        metrics: Arc<Metrics>,
    ) -> Self {
        MailboxGates {
            gates: crate::bounded_map::bounded(
                crate::bounded_map::CAPACITY,
                crate::bounded_map::IDLE,
            ),
            concurrency,
            wait,
            shared,
            metrics,
        }
    }

    /// A slot of `mailbox`, held until it is dropped.
    pub async fn enter(&self, mailbox: &str) -> Result<MailboxSlot, ProviderError> {
        let gate = self
            .gates
            .get_with_by_ref(mailbox, || Arc::new(Semaphore::new(self.concurrency)));
        let started = Instant::now();
        // A free slot is taken at once; only a wait arms a timer.
        let local = match gate.clone().try_acquire_owned() {
            Ok(local) => local,
            Err(_) => match tokio::time::timeout(self.wait, gate.acquire_owned()).await {
                Ok(local) => local.expect("mailbox gates are never closed"),
                Err(_) => return Err(self.busy(mailbox)),
            },
        };
        let slot = match &self.shared {
            None => MailboxSlot::Local(local),
            Some(slots) => match slots
                .take(mailbox, self.concurrency, started + self.wait)
                .await
            {
                Ok(slot) => MailboxSlot::Shared(slot.with_local(local)),
                Err(NoSlot::Busy) => return Err(self.busy(mailbox)),
                Err(NoSlot::Store) => {
                    return Err(ProviderError::unavailable(
                        Code::ProviderBusy,
                        "The mailbox's share of Microsoft Graph could not be looked up in the database. Retry shortly.",
                        1,
                    ))
                }
            },
        };
        let waited = started.elapsed();
        self.metrics
            .mailbox_wait_seconds
            .observe(waited.as_secs_f64());
        if waited >= NOTABLE_WAIT {
            tracing::info!(
                mailbox,
                waited_ms = waited.as_millis() as u64,
                "waited for a mailbox slot"
            );
        }
        Ok(slot)
    }

    fn busy(&self, mailbox: &str) -> ProviderError {
        self.metrics.shed("provider.busy");
        tracing::warn!(
            mailbox,
            waited_ms = self.wait.as_millis() as u64,
            "no mailbox slot in time; the call is refused"
        );
        ProviderError::unavailable(
            Code::ProviderBusy,
            "This mailbox already has as many Microsoft Graph calls running as Graph allows, and none finished in time. Retry shortly.",
            self.wait.as_secs().clamp(1, 30),
        )
    }
}
