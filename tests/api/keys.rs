//! Rotating the master key while two instances serve accounts that refresh on every call: no
//! call fails, every stored secret moves to the new key, the new key alone then opens the
//! database, and the old one, retired, opens nothing.

use crate::helpers::{spawn_app_with, Linked, TestApp};
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const USERS: [&str; 3] = ["adele@contoso.com", "alex@contoso.com", "megan@contoso.com"];

fn key<'a>(status: &'a Value, id: &str) -> &'a Value {
    status["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("key {id} in {status}"))
}

/// Calls every account through both instances until told to stop; (calls, failures).
fn load(
    app: &TestApp,
    bases: [String; 2],
    linked: Vec<Linked>,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<(usize, usize)> {
    let http = app.http.clone();
    tokio::spawn(async move {
        let (calls, failed) = (AtomicUsize::new(0), AtomicUsize::new(0));
        while !stop.load(Ordering::Relaxed) {
            for (n, l) in linked.iter().enumerate() {
                let r = http
                    .get(format!("{}/v1/email/messages?limit=1", bases[n % 2]))
                    .bearer_auth(&l.token)
                    .send()
                    .await
                    .unwrap();
                calls.fetch_add(1, Ordering::Relaxed);
                if r.status() != 200 {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        (calls.into_inner(), failed.into_inner())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_master_key_rotates_under_load_and_the_old_one_retires() {
    let app = spawn_app_with(&[("SWITCHBOARD_KEYS_EVERY", "1")]).await;
    let replica = app.spawn_replica().await;
    let client = app.create_client().await;
    let mut linked = Vec::new();
    for email in USERS {
        app.add_user(email);
        app.ms
            .add_messages(email, vec![crate::fake_microsoft::message(1, "Hi")]);
        app.ms.sign_in_as(email);
        linked.push(app.link(&client, "Mail.Read").await);
    }
    // Every call refreshes, so new tokens are sealed all through the rotation.
    app.ms.set_access_lifetime(60);
    app.ms.expire_access_tokens();
    let old = app.cli_json(&["keys", "status", "--json"]);
    let old_id = old["keys"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(old["keys"][0]["state"], "inUse");
    assert_eq!(old["keys"][0]["configured"], true);

    // A sync token an app holds from before the rotation.
    let synced = crate::sync::post(&app, &linked[0], "/v1/email/sync").await;
    let held = synced["syncUpdatedToken"].as_str().unwrap().to_string();
    let tokens: Vec<String> = linked.iter().map(|l| l.token.clone()).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let running = load(
        &app,
        [app.address.clone(), replica.clone()],
        linked,
        stop.clone(),
    );
    let rotated = app.cli_json(&["keys", "rotate", "--json"]);
    let new_id = rotated["id"].as_str().unwrap().to_string();
    let new_key = rotated["key"].as_str().unwrap().to_string();
    assert_ne!(new_id, old_id);
    let again = app.cli(&["keys", "rotate"]);
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("not in use yet"), "{said}");

    let mut status = Value::Null;
    for _ in 0..200 {
        status = app.cli_json(&["keys", "status", "--json"]);
        if key(&status, &new_id)["state"] == "inUse" && key(&status, &old_id)["secrets"] == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(key(&status, &new_id)["state"], "inUse", "{status}");
    assert_eq!(key(&status, &old_id)["state"], "unused", "{status}");
    assert!(
        key(&status, &new_id)["secrets"].as_i64().unwrap() >= 7,
        "{status}"
    );
    // Calls go on a while under the new key.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::Relaxed);
    let (calls, failed) = running.await.unwrap();
    assert!(calls >= 12, "the load ran all along: {calls} calls");
    assert_eq!(failed, 0, "no call failed during the rotation");

    // Not while the old key is still this process's master key.
    let early = app.cli(&["keys", "retire", &old_id]);
    let said = String::from_utf8_lossy(&early.stderr);
    assert!(said.contains("set it to the newer key"), "{said}");
    // The operator moves on to the new key; the old one is retired.
    let with_new = [("SWITCHBOARD_MASTER_KEY", new_key.as_str())];
    let retired = app.cli_with(&with_new, &["keys", "retire", &old_id]);
    assert!(
        retired.status.success(),
        "{}",
        String::from_utf8_lossy(&retired.stderr)
    );
    let moved = app.spawn_replica_with(&with_new).await;
    for token in &tokens {
        let r = app
            .http
            .get(format!("{moved}/v1/email/messages?limit=1"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    // What the old key sealed for an app is now expired: start the sync again.
    let r = app
        .http
        .get(format!(
            "{moved}/v1/email/sync/updated?deltaToken={}",
            url::form_urlencoded::byte_serialize(held.as_bytes()).collect::<String>()
        ))
        .bearer_auth(&tokens[0])
        .send()
        .await
        .unwrap();
    crate::helpers::expect_error(r, reqwest::StatusCode::GONE, "syncToken.expired").await;
    let stale = app.cli(&["keys", "status"]);
    assert!(!stale.status.success());
    let said = String::from_utf8_lossy(&stale.stderr);
    assert!(said.contains("cannot decrypt this database"), "{said}");
}
