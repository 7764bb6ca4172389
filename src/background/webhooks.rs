//! The webhook workers: one tends push channels and looks at the subscriptions whose changes are
//! due a look, one delivers the notifications that are due. Both claim their work in the store (moved on past the time
//! the work may take), so an instance that dies leaves its work to be claimed again.

use crate::clock::now;
use crate::state::AppState;
use crate::store::{Attempt, DeliveryRecord};
use crate::webhooks::signing;
use futures_util::future::join_all;
use secrecy::SecretString;
use std::collections::btree_map::{BTreeMap, Entry};
use std::time::Duration;

/// Subscriptions looked at together, and notifications delivered together.
const WATCHES_AT_ONCE: i64 = 16;
const DELIVERIES_AT_ONCE: i64 = 32;
/// How long a claimed look may take before another instance may claim it again.
const WATCH_LEASE: i64 = 120;
const TICK: Duration = Duration::from_secs(1);

/// Tends due push channels and looks at due subscriptions when woken (a provider said something
/// changed) or every second, until the task is dropped.
pub async fn watch(state: AppState) {
    loop {
        tokio::select! {
            () = state.wake_watches.notified() => {}
            () = tokio::time::sleep(TICK) => {}
        }
        if let Err(e) = channel_pass(&state).await {
            tracing::warn!(error = %e, "push channel pass failed");
        }
        if let Err(e) = watch_pass(&state).await {
            tracing::warn!(error = %e, "webhook watch pass failed");
        }
    }
}

/// Opens or renews the push channels due now; how many.
pub async fn channel_pass(state: &AppState) -> anyhow::Result<usize> {
    let at = now();
    let due = state
        .store
        .claim_channels(at, at + WATCH_LEASE, WATCHES_AT_ONCE)
        .await?;
    let tended = due.iter().map(|s| async move {
        if let Err(e) = crate::webhooks::channels::tend(state, s).await {
            tracing::warn!(subscription = s.id, code = %e.code, "could not tend a push channel");
        }
    });
    join_all(tended).await;
    Ok(due.len())
}

/// Looks at the subscriptions due now; how many.
pub async fn watch_pass(state: &AppState) -> anyhow::Result<usize> {
    let at = now();
    let due = state
        .store
        .claim_watches(at, at + WATCH_LEASE, WATCHES_AT_ONCE)
        .await?;
    let looks = due.iter().map(|s| async move {
        if let Err(e) = crate::webhooks::watch::look(state, s).await {
            tracing::warn!(subscription = s.id, account_id = s.account_id, code = %e.code, "could not look at a subscription's changes");
        }
    });
    join_all(looks).await;
    Ok(due.len())
}

/// Delivers due notifications when woken (something was queued) or every second.
pub async fn deliver(state: AppState) {
    loop {
        tokio::select! {
            () = state.wake_deliveries.notified() => {}
            () = tokio::time::sleep(TICK) => {}
        }
        loop {
            match deliver_pass(&state).await {
                Ok(n) if n as i64 == DELIVERIES_AT_ONCE => continue,
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook delivery pass failed");
                    break;
                }
            }
        }
    }
}

/// Tries the notifications due now; how many.
pub async fn deliver_pass(state: &AppState) -> anyhow::Result<usize> {
    let at = now();
    let lease = state.settings.webhooks.timeout.as_secs() as i64 + 30;
    let due = state
        .store
        .claim_deliveries(at, at + lease, DELIVERIES_AT_ONCE)
        .await?;
    // One receiver's notifications one after another, in the order they were queued; receivers
    // side by side.
    let mut by_url: BTreeMap<&str, Vec<&DeliveryRecord>> = BTreeMap::new();
    for d in &due {
        by_url.entry(d.url.as_str()).or_default().push(d);
    }
    // Each app's signing secret read once for the pass.
    let mut secrets: BTreeMap<i64, Option<SecretString>> = BTreeMap::new();
    for d in &due {
        if let Entry::Vacant(slot) = secrets.entry(d.app_id) {
            let read = signing::secret(state.store.as_ref(), &state.keys, d.app_id).await;
            let secret = read.inspect_err(|e| tracing::error!(error = %e, "no signing secret"));
            slot.insert(secret.ok());
        }
    }
    let secrets = &secrets;
    let receivers = by_url.into_values().map(|queue| async move {
        for d in queue {
            let secret = secrets.get(&d.app_id).and_then(Option::as_ref);
            deliver_one(state, d, secret).await;
        }
    });
    join_all(receivers).await;
    Ok(due.len())
}

async fn deliver_one(state: &AppState, d: &DeliveryRecord, secret: Option<&SecretString>) {
    let outcome = crate::webhooks::deliver::attempt(state, d, secret).await;
    match &outcome {
        Attempt::Delivered { .. } => {
            tracing::info!(delivery = d.id, subscription = ?d.subscription_id, "notification delivered")
        }
        Attempt::Failed {
            error, retry_at, ..
        } => {
            tracing::warn!(delivery = d.id, subscription = ?d.subscription_id, %error, given_up = retry_at.is_none(), "notification not delivered")
        }
    }
    if let Err(e) = state.store.record_attempt(d.id, &outcome, now()).await {
        tracing::warn!(error = %e, delivery = d.id, "could not record a delivery attempt");
    }
}
