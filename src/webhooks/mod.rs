//! Webhooks: an app subscribes to one of an account's resources, and is told what changed in it.
//!
//! Every subscription watches its resource's changes through the provider's delta (the feed a
//! sync of that resource reads, from its own position), so a change is reported once whatever
//! wakes the watch: the schedule (`SWITCHBOARD_WEBHOOK_POLL_EVERY`) or a provider's own
//! notification. Reading the changes and queueing what they gave happen in one store write, and
//! notifications wait in the store until they are delivered, signed with the app's signing
//! secret; so nothing is lost or told twice across restarts, and several instances share the
//! work by claiming it.

pub mod channels;
pub mod deliver;
pub mod egress;
pub mod handshake;
pub mod signing;
pub mod watch;

use crate::clock::now;
use crate::error::{ApiError, Code};
use crate::model::subscription::{
    ChangeType, DataConsumerFilter, Notification, Payload, SubscriptionRequest,
};
use crate::model::sync::Feed;
use crate::scopes::Operation;
use crate::state::Services;
use crate::store::{AccountRecord, NewDelivery, NewSubscription, SubscriptionRecord};

/// A resource an app can subscribe to: the feed that tells its changes, and what reading it
/// takes.
fn target(resource: &str) -> Result<(Feed, Operation), ApiError> {
    let parts: Vec<&str> = resource.trim_matches('/').split('/').collect();
    let year = 365 * 86_400;
    match parts.as_slice() {
        ["email", "messages"] => Ok((
            Feed::Email {
                days_within: None,
                body: "text".to_string(),
            },
            Operation::EmailRead,
        )),
        ["contacts"] => Ok((Feed::Contacts, Operation::ContactsRead)),
        ["tasklists", list, "tasks"] if !list.is_empty() => Ok((
            Feed::Tasks {
                list: (*list).to_string(),
                skip_completed_before: None,
            },
            Operation::TasksRead,
        )),
        ["calendars", "primary", "events"] => Ok((
            Feed::Events {
                calendar: "primary".to_string(),
                time_min: now() - year,
                time_max: now() + 2 * year,
            },
            Operation::CalendarRead,
        )),
        _ => Err(ApiError::bad_request(
            Code::SubscriptionResourceInvalid,
            format!(
                "resource '{resource}' cannot be subscribed to; use /email/messages, \
                 /calendars/primary/events, /contacts or /tasklists/{{id}}/tasks \
                 (Office 365 tracks changes of the primary calendar only)"
            ),
        )),
    }
}

/// Creates the subscription, or takes up the account's one to the same resource at the same URL
/// again (active again, told to the app with `lifecycleEvent: active`), once its URL answered
/// the validation request.
pub async fn subscribe(
    state: &Services,
    account: &AccountRecord,
    request: SubscriptionRequest,
) -> Result<SubscriptionRecord, ApiError> {
    let missing =
        |field: &str| ApiError::bad_request(Code::BadRequest, format!("{field} is required"));
    let resource = request.resource.ok_or_else(|| missing("resource"))?;
    let url = request
        .notification_url
        .ok_or_else(|| missing("notificationUrl"))?;
    let (feed, operation) = target(&resource)?;
    state.require_any(account, &[operation])?;
    let settings = &state.settings.webhooks;
    let url = handshake::accept(&state.outbound, settings, "notificationUrl", &url).await?;
    let url = url.as_str();
    let before = state
        .store
        .find_subscription(account.id, &resource, url)
        .await?;
    let start = match before.as_ref().and_then(|s| s.cursor.as_ref()) {
        Some(_) => None,
        None => Some(watch::baseline(state, account, &feed).await?),
    };
    let mut filters: Vec<String> = request
        .filters
        .iter()
        .map(|f| f.as_str().to_string())
        .collect();
    filters.dedup();
    let at = now();
    let feed = serde_json::to_string(&feed).map_err(ApiError::internal)?;
    let subscription = state
        .store
        .upsert_subscription(&NewSubscription {
            app_id: account.app_id,
            account_id: account.id,
            resource: &resource,
            notification_url: url,
            filters: &filters,
            feed: &feed,
            cursor: start.as_ref().map(|s| s.cursor.as_str()),
            quiet: start.as_ref().is_some_and(|s| s.quiet),
            poll_at: at + state.settings.webhooks.poll_every.as_secs() as i64,
            channel_due_at: state.settings.webhooks.push.then_some(at),
            now: at,
        })
        .await?;
    if state.settings.webhooks.push {
        state.wake_watches.notify_one();
    }
    if before.is_some_and(|b| !b.active) {
        let told = notification(&subscription, None, Some("active"), &[])?;
        state.store.enqueue(&[told], at).await?;
        state.wake_deliveries.notify_one();
    }
    Ok(subscription)
}

pub async fn find(
    state: &Services,
    account: &AccountRecord,
    id: i64,
) -> Result<SubscriptionRecord, ApiError> {
    state
        .store
        .subscription(account.id, id)
        .await?
        .ok_or_else(|| {
            ApiError::not_found(
                Code::SubscriptionNotFound,
                format!("This account has no subscription {id}."),
            )
        })
}

/// Deletes the subscription: nothing more is sent for it, not even what was waiting.
pub async fn unsubscribe(
    state: &Services,
    account: &AccountRecord,
    id: i64,
) -> Result<(), ApiError> {
    let subscription = find(state, account, id).await?;
    channels::close(state, &subscription).await;
    // Gone meanwhile (another request deleted it) is as good.
    state.store.delete_subscription(account.id, id).await?;
    Ok(())
}

/// A notification of the subscription to queue: what changed, or a change of its state.
pub fn notification(
    s: &SubscriptionRecord,
    error: Option<&str>,
    lifecycle_event: Option<&str>,
    payloads: &[Payload],
) -> Result<NewDelivery, ApiError> {
    let body = serde_json::to_string(&Notification {
        subscription: s.id,
        resource: &s.resource,
        account_id: s.account_id,
        error,
        lifecycle_event,
        payloads,
    })
    .map_err(ApiError::internal)?;
    Ok(NewDelivery {
        app_id: s.app_id,
        subscription_id: Some(s.id),
        url: s.notification_url.clone(),
        body,
    })
}

/// Whether the subscription's filters keep a change.
fn kept(filters: &[String], change: &crate::providers::changes::Changed) -> bool {
    use crate::providers::changes::Changed;
    let without_drafts = filters
        .iter()
        .any(|f| f == DataConsumerFilter::WithoutDrafts.as_str());
    !(without_drafts && matches!(change, Changed::Message(m) if m.sys_labels.contains(&"draft")))
}

/// What a page of changes tells a subscription.
pub fn payloads(
    s: &SubscriptionRecord,
    page: &crate::providers::changes::ChangePage,
) -> Vec<Payload> {
    let updated = page
        .updated
        .iter()
        .filter(|(_, change)| kept(&s.filters, change))
        .map(|(id, _)| Payload {
            id: id.clone(),
            change_type: ChangeType::Updated,
        });
    let deleted = page.deleted.iter().map(|gone| Payload {
        id: gone.id.clone(),
        change_type: ChangeType::Deleted,
    });
    updated.chain(deleted).collect()
}

/// Queues a notification of the app again, as a new delivery (signed anew when it is sent);
/// `false` when the app has no such delivery.
pub async fn replay(
    store: &dyn crate::store::Store,
    app_id: i64,
    delivery_id: i64,
    at: i64,
) -> Result<bool, crate::store::StoreError> {
    let Some(d) = store.delivery(app_id, delivery_id).await? else {
        return Ok(false);
    };
    let again = NewDelivery {
        app_id,
        subscription_id: d.subscription_id,
        url: d.url,
        body: d.body,
    };
    store.enqueue(&[again], at).await?;
    Ok(true)
}

/// Sets (once it answered the validation request) or clears the URL the app is told its
/// accounts' events at.
pub async fn set_events_url(
    store: &dyn crate::store::Store,
    (client, settings): (&reqwest::Client, &crate::config::Webhooks),
    app_id: i64,
    url: Option<&str>,
) -> Result<(), ApiError> {
    let Some(url) = url else {
        return Ok(store.set_events_url(app_id, None).await?);
    };
    let url = handshake::accept(client, settings, "the events URL", url).await?;
    Ok(store.set_events_url(app_id, Some(url.as_str())).await?)
}
