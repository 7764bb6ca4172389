//! Killed at any moment during token refreshes, the service loses no account: the service runs
//! as its own process, is killed with SIGKILL at random points while every call refreshes
//! (access tokens that live less than the refresh margin), and is started again. The fake
//! rotates refresh tokens strictly (a used one works only for a short grace, as with providers
//! that revoke on rotation; Microsoft itself never revokes them), and finishes a grant even when
//! its caller died, so a kill can land after Microsoft rotated and before the new token was
//! saved: that account must come back on the grace, and keep the newest token from then on.

use crate::fake_microsoft::message;
use crate::helpers::{spawn_app, Linked, TestApp};
use crate::process::Service;
use rand::Rng;
use reqwest::StatusCode;
use std::time::Duration;

const KILLS: usize = 100;
const USERS: [&str; 3] = ["adele@contoso.com", "alex@contoso.com", "megan@contoso.com"];

async fn start(app: &TestApp) -> (Service, String) {
    crate::process::start(app, &[("SWITCHBOARD_LOG", "error")], false).await
}

async fn messages(app: &TestApp, base: &str, l: &Linked) -> Option<StatusCode> {
    app.http
        .get(format!("{base}/v1/email/messages?limit=1"))
        .bearer_auth(&l.token)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()
        .map(|r| r.status())
}

#[tokio::test]
async fn sigkill_during_refreshes_loses_no_account() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let mut linked = Vec::new();
    for email in USERS {
        app.add_user(email);
        app.ms.add_messages(email, vec![message(1, "Hi")]);
        app.ms.sign_in_as(email);
        linked.push(app.link(&client, "Mail.Read").await);
    }
    // Every call refreshes: tokens live a minute, less than the refresh margin.
    app.ms.set_access_lifetime(60);
    app.ms.expire_access_tokens();
    app.ms.set_strict_rotation(true);
    app.ms.set_rotation_grace(Duration::from_secs(30));
    let calls = |base: String| {
        let app = &app;
        futures_util::future::join_all(linked.iter().flat_map(|l| [l, l]).map(move |l| {
            let base = base.clone();
            async move { messages(app, &base, l).await }
        }))
    };
    // Kills land anywhere within the time a fresh process takes to answer a round of calls
    // (which depends on the store: a new PostgreSQL pool opens connections as it goes).
    let (mut service, base) = start(&app).await;
    let started = std::time::Instant::now();
    calls(base).await;
    let round = started.elapsed().max(Duration::from_millis(120));
    service.child.kill().unwrap();
    service.child.wait().unwrap();
    let mut rng = rand::thread_rng();
    let mut killed_mid_call = 0;
    for _ in 0..KILLS {
        let (mut service, base) = start(&app).await;
        let kill_after = rng.gen_range(Duration::ZERO..round);
        let answered = tokio::select! {
            done = calls(base) => Some(done),
            () = tokio::time::sleep(kill_after) => None,
        };
        service.child.kill().expect("SIGKILL");
        service.child.wait().unwrap();
        if answered.is_none() {
            killed_mid_call += 1;
        }
        // A refresh lease of the dead process runs out within seconds, the mailbox slots it
        // held (shared on PostgreSQL) within 30 s; rather than wait, the test lets them run out
        // at once.
        app.sql("UPDATE provider_tokens SET lease_owner = NULL, lease_until = NULL")
            .await;
        app.sql("DELETE FROM mailbox_slots").await;
    }
    assert!(
        killed_mid_call > KILLS / 2,
        "most kills land mid-refresh: {killed_mid_call}"
    );
    let grants = app.ms.counters().refresh_grants;
    assert!(
        grants >= KILLS as u32 / 2,
        "refreshes ran while killed: {grants}"
    );

    // Started once more, every account works: the first call refreshes with the refresh token
    // kept last (within the grace if its successor died with the process); then used refresh
    // tokens stop working at once, so an account that did not keep its newest would fail on
    // the next call, which refreshes again.
    let (mut service, base) = start(&app).await;
    for (round, grace) in [Duration::from_secs(30), Duration::ZERO]
        .into_iter()
        .enumerate()
    {
        app.ms.set_rotation_grace(grace);
        for (l, email) in linked.iter().zip(USERS) {
            assert_eq!(
                messages(&app, &base, l).await,
                Some(StatusCode::OK),
                "{email} was lost (round {round})"
            );
        }
    }
    for (l, email) in linked.iter().zip(USERS) {
        let account: serde_json::Value = app
            .http
            .get(format!("{base}/v1/account"))
            .bearer_auth(&l.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(account["tokenStatus"], "active", "{email}");
    }
    service.child.kill().unwrap();
    service.child.wait().unwrap();
}
