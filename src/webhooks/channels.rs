//! Push channels: with `SWITCHBOARD_WEBHOOK_PUSH` on, every active subscription has a channel at
//! its provider (a Graph subscription) that calls `{public URL}/push/{serviceType}/notify` when
//! something changes, opened shortly after subscribing, renewed an hour before it ends, opened
//! again when the provider removed it, and closed when the subscription is deleted. What arrives
//! is believed only with the channel's secret (kept as a hash, compared in constant time), and
//! only wakes the subscription's watch.

use crate::clock::now;
use crate::error::ApiError;
use crate::model::sync::Feed;
use crate::providers::push::{PushTarget, Signal};
use crate::providers::Failure;
use crate::state::Services;
use crate::store::crypto::random_token;
use crate::store::{ChannelChange, SubscriptionRecord, TokenStatus};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A channel is renewed this long before it ends.
const RENEW_BEFORE: i64 = 3600;
/// After a failure to open or renew, the next try.
const RETRY_AFTER: i64 = 300;

/// Where a provider's calls for `service_type` arrive (`lifecycle`: its lifecycle calls).
pub fn endpoint(state: &Services, service_type: &str, lifecycle: bool) -> String {
    let base = state.settings.public_url.as_str().trim_end_matches('/');
    let kind = if lifecycle { "lifecycle" } else { "notify" };
    format!("{base}/push/{service_type}/{kind}")
}

/// When a channel ending at `expires_at` is next due: an hour before, or halfway for a short one.
fn renew_at(expires_at: i64) -> i64 {
    let at = now();
    (expires_at - RENEW_BEFORE)
        .max(at + (expires_at - at) / 2)
        .max(at + 60)
}

/// Opens, renews or opens again the subscription's channel.
pub async fn tend(state: &Services, s: &SubscriptionRecord) -> Result<(), ApiError> {
    let Some(account) = state.store.account(s.app_id, s.account_id).await? else {
        return Ok(());
    };
    if account.token_status == TokenStatus::Dead {
        let later = now() + RETRY_AFTER;
        return Ok(state
            .store
            .set_channel(s.id, ChannelChange::Unchanged, later, now())
            .await?);
    }
    let provider = state.provider(&account)?;
    if let Some(id) = &s.channel_id {
        match provider.renew_channel(&account, id).await {
            Ok(expires_at) => {
                let change = ChannelChange::Renewed { expires_at };
                return Ok(state
                    .store
                    .set_channel(s.id, change, renew_at(expires_at), now())
                    .await?);
            }
            Err(e) if e.kind == Failure::NotFound => {}
            Err(e) => return retry_later(state, s, e.into()).await,
        }
    }
    let feed: Feed = serde_json::from_str(&s.feed).map_err(ApiError::internal)?;
    let secret = random_token();
    let target = PushTarget {
        notify_url: &endpoint(state, &account.service_type, false),
        lifecycle_url: &endpoint(state, &account.service_type, true),
        client_state: secret.expose_secret(),
    };
    match provider.open_channel(&account, &feed, &target).await {
        Ok(channel) => {
            let hash = Sha256::digest(secret.expose_secret().as_bytes());
            let change = ChannelChange::Opened {
                id: &channel.id,
                expires_at: channel.expires_at,
                state_hash: &hash,
            };
            let due = renew_at(channel.expires_at);
            state.store.set_channel(s.id, change, due, now()).await?;
            // What changed while there was no channel is found by a look now.
            state.store.wake_watch(s.id, now()).await?;
            state.wake_watches.notify_one();
            Ok(())
        }
        Err(e) => retry_later(state, s, e.into()).await,
    }
}

async fn retry_later(
    state: &Services,
    s: &SubscriptionRecord,
    e: ApiError,
) -> Result<(), ApiError> {
    tracing::warn!(subscription = s.id, code = %e.code, "push channel could not be opened or renewed; changes are looked for on the schedule meanwhile");
    let later = now() + RETRY_AFTER;
    state
        .store
        .set_channel(s.id, ChannelChange::Unchanged, later, now())
        .await?;
    Ok(())
}

/// Closes the subscription's channel, if it has one (a failure only leaves it to expire).
pub async fn close(state: &Services, s: &SubscriptionRecord) {
    let Some(id) = &s.channel_id else { return };
    let Ok(Some(account)) = state.store.account(s.app_id, s.account_id).await else {
        return;
    };
    let Ok(provider) = state.provider(&account) else {
        return;
    };
    if let Err(e) = provider.close_channel(&account, id).await {
        tracing::warn!(subscription = s.id, code = %e.code, "push channel could not be closed; it ends by itself");
    }
}

/// What a provider POSTed to a push endpoint: each call with its channel's secret wakes the
/// channel's subscription (or has its channel renewed or opened again).
pub async fn incoming(
    state: &Services,
    service_type: &str,
    body: &[u8],
    lifecycle: bool,
) -> Result<(), ApiError> {
    let provider = state.provider_named(service_type)?;
    for call in provider.read_incoming(body, lifecycle) {
        let Some((s, hash)) = state.store.by_channel(&call.channel_id).await? else {
            continue;
        };
        let sent = Sha256::digest(call.client_state.as_bytes());
        if !bool::from(sent.as_slice().ct_eq(&hash)) {
            tracing::warn!(
                subscription = s.id,
                "a push call with the wrong secret was ignored"
            );
            continue;
        }
        if !s.active {
            continue;
        }
        let at = now();
        match call.signal {
            Signal::Changed | Signal::Missed => {}
            Signal::Reauthorize => {
                let store = &state.store;
                store
                    .set_channel(s.id, ChannelChange::Unchanged, at, at)
                    .await?;
            }
            Signal::Removed => {
                let store = &state.store;
                store
                    .set_channel(s.id, ChannelChange::Closed, at, at)
                    .await?;
            }
        }
        state.store.wake_watch(s.id, at).await?;
        state.wake_watches.notify_one();
    }
    Ok(())
}
