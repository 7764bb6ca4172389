//! The mail sync acceptance at size: 5,000 messages over nested folders sync completely, read
//! half on one instance and half on another with Microsoft's access token invalidated on the
//! way; then 200 changes, 50 moves and 50 deletions are each reported exactly once.

use crate::fake_microsoft::message;
use crate::helpers::{account, call, spawn_app, urlencode, Linked, TestApp, ADELE};
use crate::sync::{drain, ids};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// One page of a stream from `base`: its records, and the token (and its kind) to go on with.
async fn page(
    app: &TestApp,
    base: &str,
    l: &Linked,
    path: &str,
    param: &str,
    token: &str,
) -> (Vec<Value>, &'static str, String) {
    let url = format!("{base}{path}?{param}={}", urlencode(token));
    let r = app
        .http
        .get(url)
        .bearer_auth(&l.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page: Value = r.json().await.unwrap();
    let records = page["records"].as_array().unwrap().clone();
    match (
        page["nextPageToken"].as_str(),
        page["nextDeltaToken"].as_str(),
    ) {
        (Some(next), None) => (records, "pageToken", next.to_string()),
        (None, Some(delta)) => (records, "deltaToken", delta.to_string()),
        other => panic!("exactly one next token: {other:?}"),
    }
}

#[tokio::test]
async fn five_thousand_messages_sync_completely_across_a_restart_and_changes_come_once() {
    let app = spawn_app().await;
    let l = account(&app, "Mail.ReadWrite").await;
    app.ms.add_messages(
        ADELE,
        (0..4000)
            .map(|n| message(n, &format!("Inbox {n}")))
            .collect(),
    );
    app.ms.add_messages_to(
        ADELE,
        "sentitems",
        (4000..5000).map(|n| message(n, "Sent")).collect(),
    );
    let all: Vec<String> = (0..5000)
        .map(|n| message(n, "")["id"].as_str().unwrap().to_string())
        .collect();
    let folder = |body: Value| {
        call(
            &app,
            &l,
            Method::POST,
            "/v1/email/folders",
            Some(body),
            None,
        )
    };
    let projects: Value = folder(json!({"name": "Projects"}))
        .await
        .json()
        .await
        .unwrap();
    let nested: Value = folder(json!({"name": "2024", "parentId": projects["id"]}))
        .await
        .json()
        .await
        .unwrap();
    for id in &all[..500] {
        app.ms
            .move_message(ADELE, id, nested["id"].as_str().unwrap());
    }

    let r = call(&app, &l, Method::POST, "/v1/email/sync", None, None).await;
    let status: Value = r.json().await.unwrap();
    let path = "/v1/email/sync/updated";
    let (mut seen, mut param, mut token) = (
        vec![],
        "deltaToken",
        status["syncUpdatedToken"].as_str().unwrap().to_string(),
    );
    // Half on this instance; then Microsoft's access token stops working, and another instance
    // (a restart) goes on from the same token.
    for _ in 0..25 {
        let (records, p, t) = page(&app, &app.address, &l, path, param, &token).await;
        seen.extend(records);
        (param, token) = (p, t);
    }
    assert_eq!(param, "pageToken", "the round is not over half way");
    app.ms.expire_access_tokens();
    let replica = app.spawn_replica().await;
    while param == "pageToken" {
        let (records, p, t) = page(&app, &replica, &l, path, param, &token).await;
        seen.extend(records);
        (param, token) = (p, t);
    }
    let unique: BTreeSet<String> = ids(&seen).into_iter().collect();
    assert_eq!(seen.len(), 5000, "each message once");
    assert_eq!(unique, all.iter().cloned().collect::<BTreeSet<_>>());
    let del = status["syncDeletedToken"].as_str().unwrap();
    let (gone, del) = drain(&app, &replica, &l, "/v1/email/sync/deleted", del).await;
    assert!(gone.is_empty());

    let status_of = |id: &str| format!("/v1/email/messages/{}/status", urlencode(id));
    for id in &all[1000..1200] {
        let r = call(
            &app,
            &l,
            Method::POST,
            &status_of(id),
            Some(json!({"unread": false})),
            None,
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    for id in &all[2000..2050] {
        let r = call(
            &app,
            &l,
            Method::POST,
            &status_of(id),
            Some(json!({"archived": true})),
            None,
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    for id in &all[3000..3050] {
        app.ms.purge_message(ADELE, id);
    }
    let (changed, _) = drain(&app, &app.address, &l, path, &token).await;
    let (deleted, _) = drain(&app, &app.address, &l, "/v1/email/sync/deleted", &del).await;
    let changed_ids: BTreeSet<String> = ids(&changed).into_iter().collect();
    assert_eq!(changed.len(), 250, "200 changes and 50 moves, once each");
    assert_eq!(
        changed_ids,
        all[1000..1200]
            .iter()
            .chain(&all[2000..2050])
            .cloned()
            .collect()
    );
    let deleted_ids: BTreeSet<String> = ids(&deleted).into_iter().collect();
    assert_eq!(deleted.len(), 50);
    assert_eq!(deleted_ids, all[3000..3050].iter().cloned().collect());
}
