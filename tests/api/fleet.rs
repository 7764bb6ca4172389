//! Several instances on one database as one service: a mailbox's share of Graph (four calls at
//! once) and its token refresh hold across all of them.

use crate::helpers::{spawn_app_with, TestApp};
use reqwest::StatusCode;

/// GETs every URL at once with `token`; their statuses. A call that is not answered 200 is shown
/// with its body, so a failure says which error it was.
pub async fn at_once(
    app: &TestApp,
    urls: impl Iterator<Item = String>,
    token: &str,
) -> Vec<StatusCode> {
    let calls: Vec<_> = urls
        .map(|url| {
            let request = app.http.get(url).bearer_auth(token);
            tokio::spawn(async move {
                let response = request.send().await.unwrap();
                let status = response.status();
                if status != StatusCode::OK {
                    eprintln!("{status}: {}", response.text().await.unwrap_or_default());
                }
                status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for call in calls {
        statuses.push(call.await.unwrap());
    }
    statuses
}

/// A storm of calls on one mailbox queues for its four slots: on a slow, shared machine the last
/// of a few hundred may wait longer than the 5 s a caller waits by default (which would answer
/// `provider.busy`, tested on its own). These tests are about one refresh and four at once.
pub const PATIENT: (&str, &str) = ("SWITCHBOARD_QUEUE_WAIT", "60");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_share_a_mailboxs_four_graph_calls_and_refresh_once() {
    let app = spawn_app_with(&[("SWITCHBOARD_MAILBOX_SLOTS", "shared"), PATIENT]).await;
    let replicas = [app.spawn_replica().await, app.spawn_replica().await];
    let bases = [&app.address, &replicas[0], &replicas[1]];
    let client = app.create_client().await;
    let linked = crate::tokens::linked_with_expiring_token(&app, &client).await;
    crate::tokens::expired_after_warming(&app, &bases, &linked).await;
    let before = app.ms.counters();

    let urls = (0..240).map(|n| format!("{}/v1/email/messages?limit=1", bases[n % 3]));
    for status in at_once(&app, urls, &linked.token).await {
        assert_eq!(status, StatusCode::OK);
    }
    let after = app.ms.counters();
    assert_eq!(
        after.refresh_grants - before.refresh_grants,
        1,
        "one refresh"
    );
    assert!(after.graph_requests - before.graph_requests >= 240);
    assert_eq!(
        after.throttled_by_concurrency, before.throttled_by_concurrency,
        "the three instances together never went over Graph's four calls per mailbox"
    );
    assert_eq!(after.max_in_flight, 4, "and used all four");
    // Every slot was given back.
    crate::helpers::eventually("slots released", async || {
        app.sql_text("SELECT CAST(COUNT(*) AS TEXT) FROM mailbox_slots")
            .await
            == ["0"]
    })
    .await;
}

/// Links an account, has three instances (started with `changes`) serve it, deletes it through
/// the second; how many reads the other two still served, and for how long.
async fn deleted_through_one_instance(changes: &[(&str, &str)]) -> (u32, std::time::Duration) {
    let app = spawn_app_with(changes).await;
    let replicas = [
        app.spawn_replica_with(changes).await,
        app.spawn_replica_with(changes).await,
    ];
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    let linked = app.link(&client, "Mail.Read").await;
    let read = |base: String| {
        let request = app
            .http
            .get(format!("{base}/v1/email/messages?limit=1"))
            .bearer_auth(&linked.token);
        async move { request.send().await.unwrap().status() }
    };
    // Every instance has served the account (whatever it keeps in memory, it now has).
    for base in [&app.address, &replicas[0], &replicas[1]] {
        assert_eq!(read(base.clone()).await, StatusCode::OK);
    }
    let r = app
        .http
        .delete(format!("{}/v1/account", replicas[0]))
        .bearer_auth(&linked.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let deleted = std::time::Instant::now();
    // The instance that deleted it refuses it at once.
    assert_eq!(read(replicas[0].clone()).await, StatusCode::UNAUTHORIZED);
    let (mut served, mut served_for) = (0, std::time::Duration::ZERO);
    for base in [&app.address, &replicas[1]] {
        loop {
            match read(base.clone()).await {
                StatusCode::UNAUTHORIZED => break,
                status => assert_eq!(status, StatusCode::OK),
            }
            served += 1;
            served_for = deleted.elapsed();
            assert!(served_for < std::time::Duration::from_secs(10));
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    (served, served_for)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_deleted_through_one_instance_is_refused_by_the_others_within_the_cache_bound() {
    // The documented bound is SWITCHBOARD_CACHE_SECONDS (1 s by default); the margin is for a
    // slow machine's scheduling, not for the bound.
    let (_, served_for) = deleted_through_one_instance(&[]).await;
    assert!(
        served_for < std::time::Duration::from_secs(3),
        "{served_for:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_no_cache_an_account_deleted_through_one_instance_is_refused_by_the_others_at_once() {
    let (served, _) = deleted_through_one_instance(&[("SWITCHBOARD_CACHE_SECONDS", "0")]).await;
    assert_eq!(
        served, 0,
        "every instance reads an account token from the database each time"
    );
}
