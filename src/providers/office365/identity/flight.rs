//! One account's refreshes in this process: one at a time, numbered, the last failure shared with
//! the callers that waited for it, and refreshes forced by Graph refusing a token spaced out.

use crate::providers::error::ProviderError;
use crate::store::crypto::random_id;
use secrecy::SecretString;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// After a refresh forced by Graph refusing a token, the next one is not forced before this
/// long: a Graph answer of 401 that a new token does not cure is about the request, and
/// refreshing on each would let any caller drive grants.
const FORCED_REFRESH_GAP: Duration = Duration::from_secs(60);

/// A refresh that failed, shared with the callers that waited for it.
struct Failure {
    /// Which attempt failed.
    attempt: u64,
    /// For a transient failure: nobody asks Microsoft again before this (its Retry-After).
    quiet_until: Option<Instant>,
    error: ProviderError,
}

/// One account's refreshes in this process: one at a time, numbered, the last failure kept.
#[derive(Default)]
pub(in crate::providers::office365) struct Flight {
    pub(in crate::providers::office365) lock: tokio::sync::Mutex<()>,
    pub(in crate::providers::office365) attempts: AtomicU64,
    failure: Mutex<Option<Failure>>,
    /// When Graph's refusal of a token last made this process refresh.
    forced_at: Mutex<Option<Instant>>,
}

impl Flight {
    /// The error of the last refresh, if it failed.
    pub(in crate::providers::office365) fn last_failure(&self) -> Option<ProviderError> {
        let failure = self.failure.lock().expect("refresh failure poisoned");
        failure.as_ref().map(|f| f.error.clone())
    }

    /// Whether a refresh forced by a refused token may go ahead now (and then notes it).
    pub(in crate::providers::office365) fn may_force(&self) -> bool {
        let mut at = self.forced_at.lock().expect("forced refresh time poisoned");
        if at.is_some_and(|t| t.elapsed() < FORCED_REFRESH_GAP) {
            return false;
        }
        *at = Some(Instant::now());
        true
    }

    /// The failure a caller that arrived at attempt `seen` should get instead of trying again.
    pub(in crate::providers::office365) fn failure_since(
        &self,
        seen: u64,
    ) -> Option<ProviderError> {
        let failure = self.failure.lock().expect("refresh failure poisoned");
        let f = failure.as_ref()?;
        (f.attempt > seen || f.quiet_until.is_some_and(|t| t > Instant::now()))
            .then(|| f.error.clone())
    }

    pub(in crate::providers::office365) fn record(
        &self,
        result: &Result<SecretString, ProviderError>,
    ) {
        let attempt = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        *self.failure.lock().expect("refresh failure poisoned") =
            result.as_ref().err().map(|error| Failure {
                attempt,
                quiet_until: error
                    .retry_after
                    .map(|s| Instant::now() + Duration::from_secs(s)),
                error: error.clone(),
            });
    }
}

pub struct Refresher {
    /// Each account's flight, bounded (see `bounded_map`).
    flights: crate::bounded_map::BoundedMap<i64, Arc<Flight>>,
    pub(in crate::providers::office365) instance: String,
    /// Access tokens in use, decrypted.
    pub(in crate::providers::office365) held: super::held::HeldTokens,
}

impl Default for Refresher {
    fn default() -> Self {
        Refresher {
            flights: crate::bounded_map::bounded(
                crate::bounded_map::CAPACITY,
                crate::bounded_map::IDLE,
            ),
            instance: random_id(8),
            held: Default::default(),
        }
    }
}

impl Refresher {
    pub(in crate::providers::office365) fn flight(&self, account_id: i64) -> Arc<Flight> {
        self.flights.get_with(account_id, Default::default)
    }
}
