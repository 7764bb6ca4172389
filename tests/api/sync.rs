//! Delta sync of contacts, To Do tasks and the primary calendar, through the API against the
//! fake's delta: the first round, then each change once in the right stream, tokens that survive
//! another instance, and the 410 when the sync was started again or Graph lost its state.

use crate::helpers::{account, call, expect_error, spawn_app, urlencode, Linked, TestApp, ADELE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

pub async fn post(app: &TestApp, l: &Linked, path: &str) -> Value {
    let r = call(app, l, Method::POST, path, None, None).await;
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

/// The token to go on with after a page: a page token while the round goes on, or the delta
/// token that ended it.
pub enum Next {
    Page(String),
    Delta(String),
}

/// One page of a stream from `base` (an instance's address): its records, and what follows.
pub async fn page(
    app: &TestApp,
    base: &str,
    l: &Linked,
    path: &str,
    token: &Next,
) -> (Vec<Value>, Next) {
    let (param, token) = match token {
        Next::Page(t) => ("pageToken", t),
        Next::Delta(t) => ("deltaToken", t),
    };
    let url = format!("{base}{path}?{param}={}", urlencode(token));
    let r = app
        .http
        .get(url)
        .bearer_auth(&l.token)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {text}");
    let page: Value = serde_json::from_str(&text).unwrap();
    let records = page["records"].as_array().unwrap().clone();
    assert_eq!(page["length"], records.len());
    assert!(records.len() <= 100, "a page holds at most 100 records");
    let next = match (
        page["nextPageToken"].as_str(),
        page["nextDeltaToken"].as_str(),
    ) {
        (Some(next), None) => Next::Page(next.to_string()),
        (None, Some(delta)) => Next::Delta(delta.to_string()),
        other => panic!("a page has exactly one of nextPageToken and nextDeltaToken: {other:?}"),
    };
    (records, next)
}

/// Reads a stream from a delta token until a page ends the round; its records and the delta
/// token that ended it.
pub async fn drain(
    app: &TestApp,
    base: &str,
    l: &Linked,
    path: &str,
    token: &str,
) -> (Vec<Value>, String) {
    let (mut records, mut next) = (vec![], Next::Delta(token.to_string()));
    for _ in 0..100 {
        let (got, after) = page(app, base, l, path, &next).await;
        records.extend(got);
        match after {
            Next::Delta(delta) => return (records, delta),
            page_token => next = page_token,
        }
    }
    panic!("{path} never ended its round");
}

async fn get(app: &TestApp, l: &Linked, path: &str) -> reqwest::Response {
    call(app, l, Method::GET, path, None, None).await
}

pub fn ids(records: &[Value]) -> Vec<String> {
    records
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// The ids of `records`, sorted.
fn sorted_ids(records: &[Value]) -> Vec<String> {
    let mut ids = ids(records);
    ids.sort();
    ids
}

/// Creates an item through the API; its id.
pub(crate) async fn created(app: &TestApp, l: &Linked, path: &str, body: Value) -> String {
    let r = call(app, l, Method::POST, path, Some(body), None).await;
    assert_eq!(r.status(), 201, "{path}");
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn contacts_sync_reports_the_first_round_then_each_change_once_across_instances() {
    let app = spawn_app().await;
    let l = account(&app, "Contacts.ReadWrite").await;
    let added: BTreeSet<String> = app.ms.add_contacts(ADELE, 150).into_iter().collect();
    let status = post(&app, &l, "/v1/contacts/sync").await;
    assert_eq!(status["ready"], true);
    let (up, del) = (
        status["syncUpdatedToken"].as_str().unwrap(),
        status["syncDeletedToken"].as_str().unwrap(),
    );
    let base = app.address.clone();
    let (first, up) = drain(&app, &base, &l, "/v1/contacts/sync/updated", up).await;
    let seen: BTreeSet<String> = ids(&first).into_iter().collect();
    assert_eq!(first.len(), 150, "each contact once");
    assert_eq!(seen, added);
    assert!(first.iter().all(|c| c["name"]["displayName"]
        .as_str()
        .is_some_and(|n| n.starts_with("Contact "))));
    let (gone, del) = drain(&app, &base, &l, "/v1/contacts/sync/deleted", del).await;
    assert!(gone.is_empty(), "{gone:?}");

    let list: Vec<&String> = added.iter().collect();
    for id in &list[..3] {
        let path = format!("/v1/contacts/{}", urlencode(id));
        let r = call(
            &app,
            &l,
            Method::PATCH,
            &path,
            Some(json!({"notes": "met at the fair"})),
            Some("*"),
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    for id in &list[3..5] {
        let path = format!("/v1/contacts/{}", urlencode(id));
        let r = call(&app, &l, Method::DELETE, &path, None, Some("*")).await;
        assert_eq!(r.status(), 200);
    }
    let new = call(
        &app,
        &l,
        Method::POST,
        "/v1/contacts",
        Some(json!({"name": {"givenName": "Nina"}})),
        None,
    )
    .await;
    assert_eq!(new.status(), 201);
    let new_id = new.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Another instance on the same database goes on from the same tokens.
    let replica = app.spawn_replica().await;
    let (changed, up) = drain(&app, &replica, &l, "/v1/contacts/sync/updated", &up).await;
    let mut expected: Vec<String> = list[..3].iter().map(|s| s.to_string()).collect();
    expected.push(new_id);
    let got = sorted_ids(&changed);
    expected.sort();
    assert_eq!(
        got, expected,
        "the updated stream has the three changed and the new one, once"
    );
    let (deleted, del) = drain(&app, &base, &l, "/v1/contacts/sync/deleted", &del).await;
    let got = sorted_ids(&deleted);
    assert_eq!(got, vec![list[3].clone(), list[4].clone()]);
    assert!(deleted.iter().all(|d| d["timestamp"].as_str().is_some()));

    // Nothing new: both streams are empty, and say so with a delta token.
    let (again, _) = drain(&app, &base, &l, "/v1/contacts/sync/updated", &up).await;
    let (again_deleted, _) = drain(&app, &base, &l, "/v1/contacts/sync/deleted", &del).await;
    assert!(
        again.is_empty() && again_deleted.is_empty(),
        "{again:?} {again_deleted:?}"
    );
}

#[tokio::test]
async fn sync_tokens_are_bound_and_expire_when_the_sync_starts_again_or_graph_loses_its_state() {
    let app = spawn_app().await;
    let l = account(&app, "Contacts.Read Tasks.Read").await;
    app.ms.add_contacts(ADELE, 3);
    let status = post(&app, &l, "/v1/contacts/sync").await;
    let up = status["syncUpdatedToken"].as_str().unwrap().to_string();
    let del = status["syncDeletedToken"].as_str().unwrap().to_string();
    let r = get(
        &app,
        &l,
        &format!("/v1/contacts/sync/updated?deltaToken={}", urlencode(&del)),
    )
    .await;
    expect_error(r, StatusCode::BAD_REQUEST, "syncToken.invalid").await;
    let r = get(&app, &l, "/v1/contacts/sync/updated?deltaToken=forged").await;
    expect_error(r, StatusCode::BAD_REQUEST, "syncToken.invalid").await;
    let r = get(
        &app,
        &l,
        &format!(
            "/v1/tasklists/default/sync/updated?deltaToken={}",
            urlencode(&up)
        ),
    )
    .await;
    expect_error(r, StatusCode::BAD_REQUEST, "syncToken.invalid").await;
    let r = get(&app, &l, "/v1/contacts/sync/updated").await;
    expect_error(r, StatusCode::BAD_REQUEST, "syncToken.invalid").await;

    let base = app.address.clone();
    let (first, up) = drain(&app, &base, &l, "/v1/contacts/sync/updated", &up).await;
    assert_eq!(first.len(), 3);
    // Graph evicts its delta state: the app is told to start again, and nothing is skipped.
    app.ms.expire_delta(ADELE);
    app.ms.add_contacts(ADELE, 1);
    let r = get(
        &app,
        &l,
        &format!("/v1/contacts/sync/updated?deltaToken={}", urlencode(&up)),
    )
    .await;
    expect_error(r, StatusCode::GONE, "syncToken.expired").await;
    let restarted = post(&app, &l, "/v1/contacts/sync").await;
    let again = restarted["syncUpdatedToken"].as_str().unwrap();
    let (all, _) = drain(&app, &base, &l, "/v1/contacts/sync/updated", again).await;
    assert_eq!(all.len(), 4, "the new round has everything there is");
    // Tokens of the sync before it was started again are expired.
    let r = get(
        &app,
        &l,
        &format!("/v1/contacts/sync/deleted?deltaToken={}", urlencode(&del)),
    )
    .await;
    expect_error(r, StatusCode::GONE, "syncToken.expired").await;
}

#[tokio::test]
async fn task_sync_follows_the_default_list() {
    let app = spawn_app().await;
    let l = account(&app, "Tasks.ReadWrite").await;
    let mut made = vec![];
    for title in ["Milk", "Eggs", "Bread"] {
        let path = "/v1/tasklists/default/tasks";
        made.push(created(&app, &l, path, json!({"title": title})).await);
    }
    let status = post(&app, &l, "/v1/tasklists/default/sync").await;
    let base = app.address.clone();
    let path = "/v1/tasklists/default/sync";
    let (first, up) = drain(
        &app,
        &base,
        &l,
        &format!("{path}/updated"),
        status["syncUpdatedToken"].as_str().unwrap(),
    )
    .await;
    let got = sorted_ids(&first);
    made.sort();
    assert_eq!(got, made);
    assert!(first
        .iter()
        .all(|t| t["title"].is_string() && t["status"] == "notStarted"));
    let gone = format!("/v1/tasklists/default/tasks/{}", urlencode(&made[0]));
    assert_eq!(
        call(&app, &l, Method::DELETE, &gone, None, Some("*"))
            .await
            .status(),
        200
    );
    let (deleted, _) = drain(
        &app,
        &base,
        &l,
        &format!("{path}/deleted"),
        status["syncDeletedToken"].as_str().unwrap(),
    )
    .await;
    assert_eq!(ids(&deleted), vec![made[0].clone()]);
    let (changed, _) = drain(&app, &base, &l, &format!("{path}/updated"), &up).await;
    assert!(
        changed.is_empty(),
        "a deletion is not an update: {changed:?}"
    );
}

#[tokio::test]
async fn calendar_sync_follows_the_primary_calendar_in_its_window() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    let mut made = vec![];
    for (subject, day) in [
        ("Standup", "2024-02-01"),
        ("Review", "2024-02-02"),
        ("Far away", "2025-06-01"),
    ] {
        let body = json!({"subject": subject, "start": {"dateTime": format!("{day}T10:00:00Z")}, "end": {"dateTime": format!("{day}T11:00:00Z")}});
        made.push(created(&app, &l, "/v1/calendars/primary/events", body).await);
    }
    let r = call(
        &app,
        &l,
        Method::POST,
        "/v1/calendars/other/sync",
        None,
        None,
    )
    .await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
    let window = "timeMin=2024-01-01T00:00:00Z&timeMax=2024-03-01T00:00:00Z";
    let status = post(&app, &l, &format!("/v1/calendars/primary/sync?{window}")).await;
    let base = app.address.clone();
    let path = "/v1/calendars/primary/sync";
    let (first, up) = drain(
        &app,
        &base,
        &l,
        &format!("{path}/updated"),
        status["syncUpdatedToken"].as_str().unwrap(),
    )
    .await;
    let got = sorted_ids(&first);
    let mut inside = made[..2].to_vec();
    inside.sort();
    assert_eq!(got, inside, "only the events of the window");
    assert!(first.iter().all(|e| e["start"]["dateTime"].is_string()));
    let moved = format!("/v1/calendars/primary/events/{}", urlencode(&made[1]));
    let r = call(
        &app,
        &l,
        Method::PATCH,
        &moved,
        Some(json!({"subject": "Review (moved)"})),
        Some("*"),
    )
    .await;
    assert_eq!(r.status(), 200);
    let (changed, _) = drain(&app, &base, &l, &format!("{path}/updated"), &up).await;
    assert_eq!(ids(&changed), vec![made[1].clone()]);
    assert_eq!(changed[0]["subject"], "Review (moved)");
}

#[tokio::test]
async fn a_change_not_yet_read_is_replaced_by_the_next_and_dropped_by_a_deletion() {
    let app = spawn_app().await;
    let l = account(&app, "Contacts.ReadWrite").await;
    let made = app.ms.add_contacts(ADELE, 2);
    let (a, b) = (&made[0], &made[1]);
    let status = post(&app, &l, "/v1/contacts/sync").await;
    let base = app.address.clone();
    let (updated, deleted) = ("/v1/contacts/sync/updated", "/v1/contacts/sync/deleted");
    let (_, up) = drain(
        &app,
        &base,
        &l,
        updated,
        status["syncUpdatedToken"].as_str().unwrap(),
    )
    .await;
    let (_, mut del) = drain(
        &app,
        &base,
        &l,
        deleted,
        status["syncDeletedToken"].as_str().unwrap(),
    )
    .await;
    let (app_ref, l_ref) = (&app, &l);
    let patch = |id: &String, notes: &str| {
        let path = format!("/v1/contacts/{}", urlencode(id));
        let body = json!({ "notes": notes });
        async move {
            let r = call(app_ref, l_ref, Method::PATCH, &path, Some(body), Some("*")).await;
            assert_eq!(r.status(), 200);
        }
    };
    // Each read of the deleted stream pulls a new round, which logs the updates for the updated
    // stream the app has not read yet.
    patch(a, "one").await;
    (_, del) = drain(&app, &base, &l, deleted, &del).await;
    patch(a, "two").await;
    patch(b, "soon gone").await;
    (_, del) = drain(&app, &base, &l, deleted, &del).await;
    let gone = format!("/v1/contacts/{}", urlencode(b));
    assert_eq!(
        call(&app, &l, Method::DELETE, &gone, None, Some("*"))
            .await
            .status(),
        200
    );
    let (removed, _) = drain(&app, &base, &l, deleted, &del).await;
    assert_eq!(ids(&removed), vec![b.clone()]);
    let (changed, _) = drain(&app, &base, &l, updated, &up).await;
    assert_eq!(
        ids(&changed),
        vec![a.clone()],
        "a once, b not at all: {changed:?}"
    );
    assert_eq!(changed[0]["notes"], "two", "as it is now");
}

#[tokio::test]
async fn task_sync_leaves_out_tasks_completed_before_the_given_date() {
    let app = spawn_app().await;
    let l = account(&app, "Tasks.ReadWrite").await;
    let list = "/v1/tasklists/default/tasks";
    let open = created(&app, &l, list, json!({"title": "Open"})).await;
    let done = created(&app, &l, list, json!({"title": "Done"})).await;
    let path = format!("{list}/{}", urlencode(&done));
    let r = call(
        &app,
        &l,
        Method::PATCH,
        &path,
        Some(json!({"status": "completed"})),
        Some("*"),
    )
    .await;
    assert_eq!(r.status(), 200);
    let base = app.address.clone();
    let first_round = |query: &'static str| {
        let (app, l, base) = (&app, &l, &base);
        async move {
            let status = post(app, l, &format!("/v1/tasklists/default/sync{query}")).await;
            let token = status["syncUpdatedToken"].as_str().unwrap().to_string();
            let updated = "/v1/tasklists/default/sync/updated";
            sorted_ids(&drain(app, base, l, updated, &token).await.0)
        }
    };
    let mut both = vec![open.clone(), done.clone()];
    both.sort();
    assert_eq!(first_round("").await, both);
    assert_eq!(
        first_round("?skipCompletedBeforeDate=2100-01-01").await,
        vec![open.clone()]
    );
    assert_eq!(
        first_round("?skipCompletedBeforeDate=2000-01-01").await,
        both,
        "completed after it: kept"
    );
}
