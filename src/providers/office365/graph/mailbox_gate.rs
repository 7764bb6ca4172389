//! Each mailbox's share of Graph: at most `concurrency` calls at once per mailbox (Graph allows
//! four), and a caller waits at most `wait` for a free slot before it is told `provider.busy`,
//! so a slow Graph cannot pile up callers without end. How long a call waited is logged.

use crate::error::Code;
use crate::metrics::Metrics;
use crate::providers::error::ProviderError;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Waits shorter than this are not worth a log line.
const NOTABLE_WAIT: Duration = Duration::from_millis(250);

pub struct MailboxGates {
    /// Each mailbox's gate, bounded (see `cache`).
    gates: moka::sync::Cache<String, Arc<Semaphore>>,
    concurrency: usize,
    wait: Duration,
    metrics: Arc<Metrics>,
}

impl MailboxGates {
    pub fn new(concurrency: usize, wait: Duration, metrics: Arc<Metrics>) -> Self {
        MailboxGates {
            gates: crate::providers::office365::cache::bounded(
                crate::providers::office365::cache::CAPACITY,
                crate::providers::office365::cache::IDLE,
            ),
            concurrency,
            wait,
            metrics,
        }
    }

    /// A slot of `mailbox`, held until the permit is dropped.
    pub async fn enter(&self, mailbox: &str) -> Result<OwnedSemaphorePermit, ProviderError> {
        let gate = self
            .gates
            .get_with_by_ref(mailbox, || Arc::new(Semaphore::new(self.concurrency)));
        let started = Instant::now();
        match tokio::time::timeout(self.wait, gate.acquire_owned()).await {
            Ok(permit) => {
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
                Ok(permit.expect("mailbox gates are never closed"))
            }
            Err(_) => {
                self.metrics.shed("provider.busy");
                tracing::warn!(
                    mailbox,
                    waited_ms = self.wait.as_millis() as u64,
                    "no mailbox slot in time; the call is refused"
                );
                Err(ProviderError::unavailable(
                    Code::ProviderBusy,
                    "This mailbox already has as many Microsoft Graph calls running as Graph allows, and none finished in time. Retry shortly.",
                    self.wait.as_secs().clamp(1, 30),
                ))
            }
        }
    }
}
