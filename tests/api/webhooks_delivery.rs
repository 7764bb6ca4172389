//! Delivering notifications: a failing receiver retried until its subscription is inactive, taken
//! up again and replayed; three instances sharing the work; the delivery log pruned.

use crate::helpers::{eventually, spawn_app_with, TestApp, ADELE};
use crate::receiver::{signed_by, Receiver};
use crate::webhooks::{get, linked, secret_of, subscribed, FAST};
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn a_failing_receiver_is_retried_then_the_subscription_is_inactive_until_taken_up_again() {
    let mut settings = FAST.to_vec();
    settings.extend([
        ("SWITCHBOARD_WEBHOOK_RETRY_FIRST", "1"),
        ("SWITCHBOARD_WEBHOOK_RETRY_FOR", "3"),
    ]);
    let app = spawn_app_with(&settings).await;
    let (l, client_id) = linked(&app, "Contacts.Read").await;
    let receiver = Receiver::start().await;
    let id = subscribed(&app, &l, "/contacts", &receiver.url).await["id"]
        .as_i64()
        .unwrap();
    receiver.answer(500);
    let first = app.ms.add_contacts(ADELE, 1);
    let failed = receiver.wait_for(2).await;
    assert_eq!(
        failed[0].body, failed[1].body,
        "the same notification, tried again"
    );
    let failing = get(&app, &l, &format!("/v1/subscriptions/{id}")).await;
    assert!(failing["failSince"].is_string(), "{failing}");
    assert!(
        failing["failDescription"].as_str().unwrap().contains("500"),
        "{failing}"
    );

    let one = format!("/v1/subscriptions/{id}");
    eventually("the subscription given up", async || {
        get(&app, &l, &one).await["active"] == false
    })
    .await;
    assert_eq!(get(&app, &l, "/v1/subscriptions").await["totalSize"], 0);
    assert_eq!(
        get(&app, &l, "/v1/subscriptions?includeInactive=true").await["totalSize"],
        1
    );
    let tried = receiver.notifications().len();
    app.ms.add_contacts(ADELE, 1);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        receiver.notifications().len(),
        tried,
        "an inactive subscription is quiet"
    );

    let log = app.cli_json(&["webhooks", "deliveries", &client_id, "--json"]);
    let entry = &log["deliveries"][0];
    assert_eq!(entry["state"], "failed", "{log}");
    assert!(entry["attempts"].as_i64().unwrap() >= 2, "{log}");

    receiver.answer(200);
    let again = subscribed(&app, &l, "/contacts", &receiver.url).await;
    assert_eq!(
        (again["id"].as_i64(), &again["active"]),
        (Some(id), &json!(true))
    );
    assert!(again.get("failSince").is_none(), "{again}");
    let got = receiver.wait_for(tried + 2).await;
    let bodies: Vec<Value> = got[tried..].iter().map(|n| n.json()).collect();
    assert!(
        bodies.iter().any(|b| b["lifecycleEvent"] == "active"),
        "{bodies:?}"
    );
    let told: Vec<&Value> = bodies
        .iter()
        .flat_map(|b| b["payloads"].as_array().unwrap())
        .collect();
    assert_eq!(
        told.len(),
        1,
        "the change made while inactive is caught up: {bodies:?}"
    );
    assert_ne!(
        told[0]["id"],
        first[0].as_str(),
        "the given-up one is not sent again by itself"
    );

    let failed_id = log["deliveries"][0]["id"].as_i64().unwrap().to_string();
    let before = receiver.notifications().len();
    app.cli_json(&["webhooks", "replay", &client_id, &failed_id, "--json"]);
    let replayed = receiver.wait_for(before + 1).await;
    assert_eq!(replayed[before].body, failed[0].body, "replayed as it was");
    assert!(signed_by(&replayed[before], &secret_of(&app, &client_id)));
}

#[tokio::test]
async fn three_instances_on_one_database_tell_each_change_once_between_them() {
    let app = spawn_app_with(FAST).await;
    app.spawn_replica().await;
    app.spawn_replica().await;
    let (l, _) = linked(&app, "Contacts.Read").await;
    let receiver = Receiver::start().await;
    subscribed(&app, &l, "/contacts", &receiver.url).await;
    let mut added = Vec::new();
    for _ in 0..6 {
        added.extend(app.ms.add_contacts(ADELE, 5));
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    let told = |receiver: &Receiver| -> Vec<String> {
        receiver.payloads().into_iter().map(|(id, _)| id).collect()
    };
    eventually("every change told", async || {
        told(&receiver).len() >= added.len()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    added.sort();
    assert_eq!(
        told(&receiver),
        added,
        "each new contact once, whichever instance looked"
    );
    let ids: std::collections::BTreeSet<String> = receiver
        .notifications()
        .iter()
        .map(|n| n.header("x-switchboard-delivery"))
        .collect();
    assert_eq!(
        ids.len(),
        receiver.notifications().len(),
        "each delivery sent once"
    );
}

#[tokio::test]
async fn the_delivery_log_forgets_what_was_done_a_week_ago() {
    let app = spawn_app_with(FAST).await;
    let (l, client_id) = linked(&app, "Contacts.Read").await;
    let receiver = Receiver::start().await;
    subscribed(&app, &l, "/contacts", &receiver.url).await;
    app.ms.add_contacts(ADELE, 1);
    receiver.wait_for(1).await;
    let log = |app: &TestApp| app.cli_json(&["webhooks", "deliveries", &client_id, "--json"]);
    eventually("the delivery logged as delivered", async || {
        log(&app)["deliveries"][0]["state"] == "delivered"
    })
    .await;
    let entries = log(&app)["deliveries"].clone();
    assert_eq!(entries.as_array().unwrap().len(), 1, "{entries}");
    app.sql("UPDATE deliveries SET done_at = done_at - 8 * 86400")
        .await;
    // An instance prunes when it starts, and every minute after.
    app.spawn_replica().await;
    eventually("the week-old delivery pruned", async || {
        log(&app)["deliveries"].as_array().unwrap().is_empty()
    })
    .await;
}
