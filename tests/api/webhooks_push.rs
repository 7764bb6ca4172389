//! Webhooks pushed by Microsoft: with push on, each subscription gets a Graph subscription whose
//! notifications reach switchboard's push endpoint and wake its watch at once (the schedule is an
//! hour here, so only a push can); a call without the right clientState is ignored; lifecycle
//! calls renew, re-create or catch up; unsubscribing deletes the Graph subscription.

use crate::helpers::{call, eventually, spawn_app_with, Linked, TestApp, ADELE};
use crate::receiver::{signed_by, Receiver};
use crate::webhooks::{secret_of, subscribed, unsubscribe};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

const PUSHED: &[(&str, &str)] = &[
    ("SWITCHBOARD_WEBHOOK_PUSH", "on"),
    ("SWITCHBOARD_WEBHOOK_POLL_EVERY", "3600"),
];

/// Waits until the fake has a Graph subscription other than `not`; it.
async fn graph_subscription(
    app: &TestApp,
    not: Option<&str>,
) -> crate::fake_microsoft::subscriptions::FakeSubscription {
    for _ in 0..100 {
        let live = app.ms.subscriptions();
        if let Some(s) = live.into_iter().find(|s| Some(s.id.as_str()) != not) {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no Graph subscription was created");
}

async fn new_contact(app: &TestApp, l: &Linked, name: &str) -> String {
    let body = json!({"name": {"givenName": name}});
    crate::sync::created(app, l, "/v1/contacts", body).await
}

fn told(n: &crate::receiver::Received) -> Value {
    n.json()["payloads"].clone()
}

#[tokio::test]
async fn microsoft_pushes_changes_through_a_graph_subscription_switchboard_keeps_alive() {
    let app = spawn_app_with(PUSHED).await;
    let client = app.create_client().await;
    app.add_user(ADELE);
    let l = app.link(&client, "Contacts.ReadWrite").await;
    let secret = secret_of(&app, &client.client_id);
    let receiver = Receiver::start().await;
    let id = subscribed(&app, &l, "/contacts", &receiver.url).await["id"]
        .as_i64()
        .unwrap();

    let graph = graph_subscription(&app, None).await;
    assert_eq!(graph.resource, "me/contacts");
    let push = format!("{}/push/Office365/notify", app.direct_address);
    assert_eq!(graph.notification_url, push);
    let state = graph.client_state.clone().unwrap();
    assert!((32..=128).contains(&state.len()), "a secret clientState");
    let hours = (graph.expires - chrono::Utc::now().timestamp()) / 3600;
    assert!((60..=71).contains(&hours), "under 4,230 minutes: {hours} h");

    let first = new_contact(&app, &l, "Nina").await;
    let got = receiver.wait_for(1).await;
    assert!(signed_by(&got[0], &secret));
    assert_eq!(
        told(&got[0]),
        json!([{"id": first, "changeType": "updated"}])
    );

    // A call that does not carry the subscription's clientState wakes nothing.
    app.ms.mute_subscription(&graph.id);
    let second = new_contact(&app, &l, "Omar").await;
    let forged = json!({"value": [{"subscriptionId": graph.id, "clientState": "guess", "changeType": "created"}]});
    let r = app.http.post(&push).json(&forged).send().await.unwrap();
    assert_eq!(r.status(), 202);
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(
        receiver.notifications().len(),
        1,
        "a forged call is ignored"
    );
    // Graph says it dropped notifications: the delta catches up.
    assert_eq!(app.ms.lifecycle(&graph.id, "missed").await, 202);
    let got = receiver.wait_for(2).await;
    assert_eq!(
        told(&got[1]),
        json!([{"id": second, "changeType": "updated"}])
    );

    // Reauthorization renews the subscription.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    app.ms.lifecycle(&graph.id, "reauthorizationRequired").await;
    eventually("the renewal after reauthorizationRequired", async || {
        let live = app.ms.subscriptions();
        live.iter()
            .any(|s| s.id == graph.id && s.expires > graph.expires)
    })
    .await;

    // A removed subscription is created again, and what changed meanwhile is told.
    app.ms.lifecycle(&graph.id, "subscriptionRemoved").await;
    let third = new_contact(&app, &l, "Pia").await;
    let again = graph_subscription(&app, Some(&graph.id)).await;
    assert_ne!(
        again.client_state.as_deref(),
        Some(state.as_str()),
        "a new secret"
    );
    let got = receiver.wait_for(3).await;
    assert_eq!(
        told(&got[2]),
        json!([{"id": third, "changeType": "updated"}])
    );
    let fourth = new_contact(&app, &l, "Quinn").await;
    let got = receiver.wait_for(4).await;
    assert_eq!(
        told(&got[3]),
        json!([{"id": fourth, "changeType": "updated"}])
    );

    unsubscribe(&app, &l, id).await;
    assert!(
        app.ms.subscriptions().is_empty(),
        "the Graph subscription is deleted"
    );

    // Deleting the account deletes its Graph subscriptions.
    let body = json!({"resource": "/contacts", "notificationUrl": receiver.url});
    let r = call(
        &app,
        &l,
        Method::POST,
        "/v1/subscriptions",
        Some(body),
        None,
    )
    .await;
    assert_eq!(r.status(), 200);
    graph_subscription(&app, None).await;
    let r = call(&app, &l, Method::DELETE, "/v1/account", None, None).await;
    assert_eq!(r.status(), 200);
    assert!(app.ms.subscriptions().is_empty(), "gone with the account");
}
