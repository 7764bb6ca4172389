//! Watching a subscription's changes: its feed's first round is read without reporting anything
//! (it is what was there), then every later change becomes a notification. Each page read is
//! written with what it gave in one store write, only if nobody moved the watch meanwhile.

use super::{notification, payloads};
use crate::clock::now;
use crate::error::{ApiError, Code};
use crate::model::sync::Feed;
use crate::state::Services;
use crate::store::{AccountRecord, Advance, SubscriptionRecord, TokenStatus};

/// Pages of a first round read while subscribing; a longer one goes on in the background.
const BASELINE_PAGES: usize = 20;
/// Pages read at most in one look at a subscription's changes.
const PAGES_PER_LOOK: usize = 10;
/// Changes told in one notification at most.
const PER_NOTIFICATION: usize = 100;

/// Where a new watch starts.
pub struct Start {
    pub cursor: String,
    /// Whether the first round is still being read there.
    pub quiet: bool,
}

/// Reads the feed's first round (as much of it as one request should wait for).
pub async fn baseline(
    state: &Services,
    account: &AccountRecord,
    feed: &Feed,
) -> Result<Start, ApiError> {
    let provider = state.changes(account)?;
    let mut cursor: Option<String> = None;
    for _ in 0..BASELINE_PAGES {
        let page = provider.changes(account, feed, cursor.as_deref()).await?;
        if page.round_complete {
            return Ok(Start {
                cursor: page.cursor,
                quiet: false,
            });
        }
        cursor = Some(page.cursor);
    }
    Ok(Start {
        cursor: cursor.unwrap_or_default(),
        quiet: true,
    })
}

/// Looks at the subscription's changes from where it stands, queueing a notification for each
/// page that has any, until the round ends. Its claim stands while it reads on, and a wake that
/// comes meanwhile (a provider told of a change the look may have read past) is kept by the store
/// for the next look.
pub async fn look(state: &Services, s: &SubscriptionRecord) -> Result<(), ApiError> {
    let Some(account) = state.store.account(s.app_id, s.account_id).await? else {
        return Ok(());
    };
    if account.token_status == TokenStatus::Dead {
        return Ok(());
    }
    let feed: Feed = serde_json::from_str(&s.feed).map_err(ApiError::internal)?;
    let provider = state.changes(&account)?;
    let every = state.settings.webhooks.poll_every.as_secs() as i64;
    let (mut cursor, mut quiet) = (s.cursor.clone(), s.quiet);
    for n in 1..=PAGES_PER_LOOK {
        let page = match provider.changes(&account, &feed, cursor.as_deref()).await {
            Err(e) if e.code == Code::SyncReset => return lost(state, s, cursor).await,
            other => other?,
        };
        let news = if quiet {
            Vec::new()
        } else {
            payloads(s, &page)
        };
        let deliveries = news
            .chunks(PER_NOTIFICATION)
            .map(|chunk| notification(s, None, None, chunk))
            .collect::<Result<Vec<_>, _>>()?;
        let done = page.round_complete;
        let at = now();
        let moved = state
            .store
            .advance_watch(&Advance {
                subscription_id: s.id,
                from: cursor.as_deref(),
                to: Some(&page.cursor),
                quiet: quiet && !done,
                deliveries: &deliveries,
                poll_at: match (done, n == PAGES_PER_LOOK) {
                    (true, _) => Some(at + every),
                    (false, true) => Some(at),
                    (false, false) => None,
                },
                now: at,
            })
            .await?;
        if !moved {
            // Another look moved it on meanwhile, from a read that may have come before what
            // woke this one: the next look starts from where that one left it.
            state.store.wake_watch(s.id, at).await?;
            state.wake_watches.notify_one();
            return Ok(());
        }
        if !deliveries.is_empty() {
            state.wake_deliveries.notify_one();
        }
        (cursor, quiet) = (Some(page.cursor), quiet && !done);
        if done {
            break;
        }
    }
    Ok(())
}

/// The provider lost track of the changes: the watch starts again from a new first round, and
/// the app is told changes may have been missed (a sync of the resource finds them).
async fn lost(
    state: &Services,
    s: &SubscriptionRecord,
    cursor: Option<String>,
) -> Result<(), ApiError> {
    let told = notification(
        s,
        Some("Microsoft lost track of this resource's changes; some may not have been told. Run a sync of it to catch up."),
        Some("error"),
        &[],
    )?;
    let at = now();
    state
        .store
        .advance_watch(&Advance {
            subscription_id: s.id,
            from: cursor.as_deref(),
            to: None,
            quiet: true,
            deliveries: &[told],
            poll_at: Some(at),
            now: at,
        })
        .await?;
    state.wake_deliveries.notify_one();
    Ok(())
}
