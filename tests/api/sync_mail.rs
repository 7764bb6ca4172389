//! Mail sync over every folder: the first round has each message once (nested folders too); then
//! a read, an archived (moved) message, one moved to Deleted Items and one deleted for good are
//! each reported once, in the right stream, and a moved message is not reported deleted.

use crate::fake_microsoft::message;
use crate::helpers::{account, call, spawn_app, urlencode, Linked, TestApp, ADELE};
use crate::sync::{drain, ids, post};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Adele's mailbox: `inbox` messages in the Inbox and `sent` in Sent Items, the first `nested` of
/// them moved to a folder two levels down; their ids in order, and the nested folder's id.
pub async fn mailbox(
    app: &TestApp,
    l: &Linked,
    inbox: usize,
    sent: usize,
    nested: usize,
) -> (Vec<String>, String) {
    app.ms.add_messages(
        ADELE,
        (0..inbox)
            .map(|n| message(n, &format!("Inbox {n}")))
            .collect(),
    );
    app.ms.add_messages_to(
        ADELE,
        "sentitems",
        (inbox..inbox + sent).map(|n| message(n, "Sent")).collect(),
    );
    let all: Vec<String> = (0..inbox + sent)
        .map(|n| message(n, "")["id"].as_str().unwrap().to_string())
        .collect();
    let folder = |body: Value| async move {
        let r = call(app, l, Method::POST, "/v1/email/folders", Some(body), None).await;
        assert_eq!(r.status(), 201);
        r.json::<Value>().await.unwrap()
    };
    let projects = folder(json!({"name": "Projects"})).await;
    let child = folder(json!({"name": "2024", "parentId": projects["id"]})).await;
    let child = child["id"].as_str().unwrap().to_string();
    for id in &all[..nested] {
        app.ms.move_message(ADELE, id, &child);
    }
    (all, child)
}

#[tokio::test]
async fn mail_sync_covers_every_folder_and_reports_each_change_once() {
    let app = spawn_app().await;
    let l = account(&app, "Mail.ReadWrite").await;
    let (all, nested_id) = mailbox(&app, &l, 130, 4, 6).await;

    let status = post(&app, &l, "/v1/email/sync?bodyType=text").await;
    let base = app.address.clone();
    let up = status["syncUpdatedToken"].as_str().unwrap();
    let (first, up) = drain(&app, &base, &l, "/v1/email/sync/updated", up).await;
    assert_eq!(first.len(), 134, "each message once");
    let seen: BTreeSet<String> = ids(&first).into_iter().collect();
    assert_eq!(seen, all.iter().cloned().collect::<BTreeSet<_>>());
    let in_nested = first
        .iter()
        .filter(|m| m["folderId"] == nested_id.as_str())
        .count();
    assert_eq!(
        in_nested, 6,
        "the nested folder's messages come with their folder"
    );
    let del = status["syncDeletedToken"].as_str().unwrap();
    let (gone, del) = drain(&app, &base, &l, "/v1/email/sync/deleted", del).await;
    assert!(gone.is_empty(), "{gone:?}");

    let status_of = |id: &str| format!("/v1/email/messages/{}/status", urlencode(id));
    for id in &all[10..13] {
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
    for id in &all[20..22] {
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
    let trash = format!("/v1/email/messages/{}", urlencode(&all[30]));
    assert_eq!(
        call(&app, &l, Method::DELETE, &trash, None, None)
            .await
            .status(),
        200
    );
    app.ms.purge_message(ADELE, &all[40]);

    let (changed, up) = drain(&app, &base, &l, "/v1/email/sync/updated", &up).await;
    let mut got = ids(&changed);
    got.sort();
    let mut expected: Vec<String> = [10, 11, 12, 20, 21, 30]
        .iter()
        .map(|n| all[*n].clone())
        .collect();
    expected.sort();
    assert_eq!(
        got, expected,
        "read, archived and trashed messages, once each"
    );
    let (deleted, del) = drain(&app, &base, &l, "/v1/email/sync/deleted", &del).await;
    assert_eq!(
        ids(&deleted),
        vec![all[40].clone()],
        "only the one deleted for good"
    );
    let inbox: Value = call(&app, &l, Method::GET, "/v1/email/folders/inbox", None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        deleted[0]["folderId"], inbox["id"],
        "with the folder it was last in"
    );

    let (again, _) = drain(&app, &base, &l, "/v1/email/sync/updated", &up).await;
    let (again_deleted, _) = drain(&app, &base, &l, "/v1/email/sync/deleted", &del).await;
    assert!(
        again.is_empty() && again_deleted.is_empty(),
        "{again:?} {again_deleted:?}"
    );
}

#[tokio::test]
async fn a_mail_sync_window_out_of_range_is_a_400() {
    let app = spawn_app().await;
    let l = account(&app, "Mail.Read").await;
    for days in ["0", "36501", "2147483648", "-1", "x"] {
        let path = format!("/v1/email/sync?daysWithin={days}");
        let r = call(&app, &l, Method::POST, &path, None, None).await;
        assert_eq!(r.status(), 400, "daysWithin={days}");
        let body: Value = r.json().await.unwrap();
        assert!(
            body["code"].is_string() && body["requestId"].is_string(),
            "{body}"
        );
    }
}
