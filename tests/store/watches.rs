//! A subscription's watch: claimed by one look at a time, moved on only from where the look read,
//! and a wake that comes while a look is under way is kept for the next look; the same for its
//! push channel, made due by the provider while it is being tended.

use super::{app, link, NOW};
use switchboard::store::*;

/// How long a claimed look holds the subscription.
const LEASE: i64 = 120;
const EVERY: i64 = 3600;

async fn subscription(s: &dyn Store) -> SubscriptionRecord {
    subscribed(s, None).await
}

async fn subscribed(s: &dyn Store, channel_due_at: Option<i64>) -> SubscriptionRecord {
    let a = app(s, "c1", None).await;
    let (account, _) = s
        .link_account(&link(a.id, "u1", AccountKind::Personal), NOW)
        .await
        .unwrap();
    s.upsert_subscription(&NewSubscription {
        app_id: a.id,
        account_id: account.id,
        resource: "/email/messages",
        notification_url: "https://crm.example.com/hook",
        filters: &[],
        feed: "{}",
        cursor: Some("c0"),
        quiet: false,
        poll_at: NOW,
        channel_due_at,
        now: NOW,
    })
    .await
    .unwrap()
}

fn advance<'a>(id: i64, from: &'a str, to: &'a str, poll_at: Option<i64>, at: i64) -> Advance<'a> {
    Advance {
        subscription_id: id,
        from: Some(from),
        to: Some(to),
        quiet: false,
        deliveries: &[],
        poll_at,
        now: at,
    }
}

async fn due_at(s: &dyn Store, at: i64) -> Vec<i64> {
    let claimed = s.claim_watches(at, at + LEASE, 16).await.unwrap();
    claimed.iter().map(|w| w.id).collect()
}

pub async fn a_wake_during_a_look_is_kept_for_the_next_look(s: &dyn Store) {
    let w = subscription(s).await;
    assert_eq!(due_at(s, NOW).await, vec![w.id]);
    assert!(due_at(s, NOW + 1).await.is_empty(), "held by the look");

    // A page read on keeps the hold, and a look that ends schedules the next one.
    let on = advance(w.id, "c0", "c1", None, NOW + 1);
    assert!(s.advance_watch(&on).await.unwrap());
    assert!(due_at(s, NOW + 2).await.is_empty(), "still held");
    let end = advance(w.id, "c1", "c2", Some(NOW + 2 + EVERY), NOW + 2);
    assert!(s.advance_watch(&end).await.unwrap());
    assert!(due_at(s, NOW + 3).await.is_empty(), "next look in an hour");
    assert!(!s.advance_watch(&end).await.unwrap(), "moved on already");

    // The provider tells of a change while the next look reads: the look's end keeps the wake.
    let at = NOW + 2 + EVERY;
    assert_eq!(due_at(s, at).await, vec![w.id]);
    s.wake_watch(w.id, at + 1).await.unwrap();
    let end = advance(w.id, "c2", "c3", Some(at + 2 + EVERY), at + 2);
    assert!(s.advance_watch(&end).await.unwrap());
    assert_eq!(due_at(s, at + 2).await, vec![w.id], "woken during the look");

    // Without a wake, the look's end stands.
    let end = advance(w.id, "c3", "c4", Some(at + 3 + EVERY), at + 3);
    assert!(s.advance_watch(&end).await.unwrap());
    assert!(due_at(s, at + 4).await.is_empty());
}

async fn channels_due_at(s: &dyn Store, at: i64) -> Vec<i64> {
    let claimed = s.claim_channels(at, at + LEASE, 16).await.unwrap();
    claimed.iter().map(|w| w.id).collect()
}

pub async fn a_channel_made_due_while_it_is_tended_stays_due(s: &dyn Store) {
    let w = subscribed(s, Some(NOW)).await;
    assert_eq!(channels_due_at(s, NOW).await, vec![w.id]);
    assert!(
        channels_due_at(s, NOW + 1).await.is_empty(),
        "held while tended"
    );
    let opened = ChannelChange::Opened {
        id: "graph-1",
        expires_at: NOW + 70 * 3600,
        state_hash: &[7; 32],
    };
    s.set_channel(w.id, opened, NOW + 69 * 3600, NOW + 1)
        .await
        .unwrap();
    assert!(
        channels_due_at(s, NOW + 2).await.is_empty(),
        "renewed later"
    );
    let (found, hash) = s.by_channel("graph-1").await.unwrap().unwrap();
    assert_eq!((found.id, hash), (w.id, vec![7; 32]));

    // The provider removes the channel while it is being renewed: the renewal's end keeps it due.
    let at = NOW + 69 * 3600;
    assert_eq!(channels_due_at(s, at).await, vec![w.id]);
    s.set_channel(w.id, ChannelChange::Closed, at + 1, at + 1)
        .await
        .unwrap();
    let renewed = ChannelChange::Renewed {
        expires_at: at + 70 * 3600,
    };
    s.set_channel(w.id, renewed, at + 69 * 3600, at + 2)
        .await
        .unwrap();
    assert_eq!(channels_due_at(s, at + 2).await, vec![w.id], "opened again");
    assert!(s.by_channel("graph-1").await.unwrap().is_none(), "closed");

    // Without such a call, the tending's end stands.
    let later = ChannelChange::Unchanged;
    s.set_channel(w.id, later, at + 300, at + 3).await.unwrap();
    assert!(channels_due_at(s, at + 4).await.is_empty());
    assert_eq!(channels_due_at(s, at + 300).await, vec![w.id]);
}
