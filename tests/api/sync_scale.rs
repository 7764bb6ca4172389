//! The mail sync acceptance at size: 5,000 messages over nested folders sync completely, read
//! half on one instance and half on another with Microsoft's access token invalidated on the
//! way; then 200 changes, 50 moves and 50 deletions are each reported exactly once.

use crate::helpers::{account, call, spawn_app, urlencode, ADELE};
use crate::sync::{drain, ids, page, Next};
use crate::sync_mail::mailbox;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[tokio::test]
async fn five_thousand_messages_sync_completely_across_a_restart_and_changes_come_once() {
    let app = spawn_app().await;
    let l = account(&app, "Mail.ReadWrite").await;
    let (all, _) = mailbox(&app, &l, 4000, 1000, 500).await;

    let r = call(&app, &l, Method::POST, "/v1/email/sync", None, None).await;
    let status: Value = r.json().await.unwrap();
    let path = "/v1/email/sync/updated";
    let mut next = Next::Delta(status["syncUpdatedToken"].as_str().unwrap().to_string());
    let mut seen = vec![];
    // Half on this instance; then Microsoft's access token stops working, and another instance
    // (a restart) goes on from the same token.
    for _ in 0..25 {
        let (records, after) = page(&app, &app.address, &l, path, &next).await;
        seen.extend(records);
        next = after;
    }
    assert!(
        matches!(next, Next::Page(_)),
        "the round is not over half way"
    );
    app.ms.expire_access_tokens();
    let replica = app.spawn_replica().await;
    let token = loop {
        let (records, after) = page(&app, &replica, &l, path, &next).await;
        seen.extend(records);
        match after {
            Next::Delta(delta) => break delta,
            more => next = more,
        }
    };
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
