//! Webhooks through the API, to a real receiver: the validation request, signed notifications of
//! each change once, retries of a failing receiver until the subscription is made inactive, taking
//! it up again, and deleting it.

use crate::helpers::{
    call, eventually, expect_error, spawn_app_with, urlencode, Linked, TestApp, ADELE,
};
use crate::receiver::{signed_by, Receiver};
use crate::sync::created;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

/// Changes are looked for every second here.
pub(crate) const FAST: &[(&str, &str)] = &[("SWITCHBOARD_WEBHOOK_POLL_EVERY", "1")];

pub(crate) async fn linked(app: &TestApp, scopes: &str) -> (Linked, String) {
    let client = app.create_client().await;
    app.add_user(ADELE);
    let l = app.link(&client, scopes).await;
    let shown = app.cli_json(&["app", "show", &client.client_id, "--json"]);
    let secret = shown["signingSecret"].as_str().unwrap().to_string();
    assert!(secret.len() >= 32, "a signing secret: {shown}");
    (l, client.client_id)
}

async fn subscribe(app: &TestApp, l: &Linked, resource: &str, url: &str) -> reqwest::Response {
    let body = json!({"resource": resource, "notificationUrl": url});
    call(app, l, Method::POST, "/v1/subscriptions", Some(body), None).await
}

pub(crate) async fn subscribed(app: &TestApp, l: &Linked, resource: &str, url: &str) -> Value {
    let r = subscribe(app, l, resource, url).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

pub(crate) async fn get(app: &TestApp, l: &Linked, path: &str) -> Value {
    let r = call(app, l, Method::GET, path, None, None).await;
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

pub(crate) async fn unsubscribe(app: &TestApp, l: &Linked, id: i64) {
    let path = format!("/v1/subscriptions/{id}");
    let r = call(app, l, Method::DELETE, &path, None, None).await;
    assert_eq!(r.status(), 200);
}

pub(crate) fn secret_of(app: &TestApp, client_id: &str) -> String {
    let shown = app.cli_json(&["app", "show", client_id, "--json"]);
    shown["signingSecret"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_subscriber_is_told_each_change_once_signed_until_it_unsubscribes() {
    let app = spawn_app_with(FAST).await;
    let (l, client_id) = linked(&app, "Contacts.ReadWrite").await;
    app.ms.add_contacts(ADELE, 30);
    let receiver = Receiver::start().await;
    let s = subscribed(&app, &l, "/contacts", &receiver.url).await;
    assert_eq!(receiver.validations(), 1, "the URL was validated first");
    assert_eq!(s["resource"], "/contacts");
    assert_eq!(s["notificationUrl"], receiver.url.as_str());
    assert_eq!(s["active"], true);
    let id = s["id"].as_i64().unwrap();

    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(
        receiver.notifications().is_empty(),
        "what was there before is not news"
    );
    let nina = json!({"name": {"givenName": "Nina"}});
    let contact = created(&app, &l, "/v1/contacts", nina).await;
    let got = receiver.wait_for(1).await;
    let n = &got[0];
    assert!(signed_by(n, &secret_of(&app, &client_id)), "signed: {n:?}");
    let ts: i64 = n.header("x-aurinko-request-timestamp").parse().unwrap();
    assert!((chrono::Utc::now().timestamp() - ts).abs() < 30);
    assert_eq!(n.header("content-type"), "application/json");
    let body = n.json();
    assert_eq!(body["subscription"], id);
    assert_eq!(body["resource"], "/contacts");
    assert_eq!(body["accountId"], l.account_id);
    assert_eq!(
        body["payloads"],
        json!([{"id": contact, "changeType": "updated"}])
    );

    let path = format!("/v1/contacts/{}", urlencode(&contact));
    let r = call(&app, &l, Method::DELETE, &path, None, Some("*")).await;
    assert_eq!(r.status(), 200);
    let got = receiver.wait_for(2).await;
    assert_eq!(
        got[1].json()["payloads"],
        json!([{"id": contact, "changeType": "deleted"}])
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(receiver.notifications().len(), 2, "each change once");

    let one = get(&app, &l, &format!("/v1/subscriptions/{id}")).await;
    assert_eq!(one["id"], id);
    assert!(one.get("failSince").is_none(), "{one}");
    let page = get(&app, &l, "/v1/subscriptions").await;
    assert_eq!(page["totalSize"], 1);
    assert_eq!(page["records"][0]["id"], id);

    unsubscribe(&app, &l, id).await;
    app.ms.add_contacts(ADELE, 1);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        receiver.notifications().len(),
        2,
        "nothing after unsubscribing"
    );
    let r = call(
        &app,
        &l,
        Method::GET,
        &format!("/v1/subscriptions/{id}"),
        None,
        None,
    )
    .await;
    expect_error(r, StatusCode::NOT_FOUND, "subscription.notFound").await;
}

#[tokio::test]
async fn a_subscription_is_refused_unless_its_url_and_resource_are_acceptable() {
    let app = spawn_app_with(FAST).await;
    let (l, _) = linked(&app, "Contacts.Read").await;
    let receiver = Receiver::start().await;
    receiver.echo_validation(false);
    let r = subscribe(&app, &l, "/contacts", &receiver.url).await;
    let e = expect_error(
        r,
        StatusCode::BAD_REQUEST,
        "notificationUrl.validationFailed",
    )
    .await;
    assert!(
        e["message"].as_str().unwrap().contains("validation token"),
        "{e}"
    );

    let closed = format!("http://127.0.0.1:{}/hook", crate::helpers::free_port());
    let r = subscribe(&app, &l, "/contacts", &closed).await;
    expect_error(
        r,
        StatusCode::BAD_REQUEST,
        "notificationUrl.validationFailed",
    )
    .await;
    for bad in [
        "ftp://example.com/hook",
        "/relative",
        "https://user:pw@example.com/",
        "https://example.com/#x",
    ] {
        let r = subscribe(&app, &l, "/contacts", bad).await;
        expect_error(r, StatusCode::BAD_REQUEST, "notificationUrl.invalid").await;
    }
    receiver.echo_validation(true);
    for resource in ["/contacts/x", "/calendars/other/events", "/drive", ""] {
        let r = subscribe(&app, &l, resource, &receiver.url).await;
        expect_error(r, StatusCode::BAD_REQUEST, "subscription.resourceInvalid").await;
    }
    let r = subscribe(&app, &l, "/email/messages", &receiver.url).await;
    expect_error(r, StatusCode::FORBIDDEN, "scope.missing").await;
    let page = get(&app, &l, "/v1/subscriptions?includeInactive=true").await;
    assert_eq!(page["totalSize"], 0, "nothing was created: {page}");
}

#[tokio::test]
async fn a_mail_subscription_tells_each_change_in_any_folder_once_and_can_leave_drafts_out() {
    let app = spawn_app_with(FAST).await;
    let (l, _) = linked(&app, "Mail.ReadWrite Mail.Drafts").await;
    let (all, nested) = crate::sync_mail::mailbox(&app, &l, 40, 3, 4).await;
    let receiver = Receiver::start().await;
    let filters = json!(["withoutDrafts"]);
    let body =
        json!({"resource": "/email/messages", "notificationUrl": receiver.url, "filters": filters});
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
    let s: Value = r.json().await.unwrap();
    assert_eq!(s["filters"], filters);

    let status = format!("/v1/email/messages/{}/status", urlencode(&all[10]));
    let r = call(
        &app,
        &l,
        Method::POST,
        &status,
        Some(json!({"unread": false})),
        None,
    )
    .await;
    assert_eq!(r.status(), 200);
    app.ms.move_message(ADELE, &all[20], &nested);
    app.ms.purge_message(ADELE, &all[30]);
    let draft = json!({"subject": "Not yet", "body": "draft", "to": [{"address": "a@b.example"}]});
    let r = call(
        &app,
        &l,
        Method::POST,
        "/v1/email/drafts",
        Some(draft),
        None,
    )
    .await;
    assert!(r.status().is_success(), "{}", r.status());

    eventually("three changes told", async || {
        receiver.payloads().len() >= 3
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let mut expected = vec![
        (all[10].clone(), "updated".to_string()),
        (all[20].clone(), "updated".to_string()),
        (all[30].clone(), "deleted".to_string()),
    ];
    expected.sort();
    assert_eq!(
        receiver.payloads(),
        expected,
        "read, moved (once, not deleted), purged, each once; no draft"
    );
}

#[tokio::test]
async fn when_microsoft_loses_track_of_the_changes_the_app_is_told_and_the_watch_starts_again() {
    let app = spawn_app_with(FAST).await;
    let (l, _) = linked(&app, "Contacts.Read").await;
    app.ms.add_contacts(ADELE, 5);
    let receiver = Receiver::start().await;
    let id = subscribed(&app, &l, "/contacts", &receiver.url).await["id"]
        .as_i64()
        .unwrap();
    app.ms.expire_delta(ADELE);
    let got = receiver.wait_for(1).await;
    let told = got[0].json();
    assert_eq!(told["subscription"], id);
    assert_eq!(told["lifecycleEvent"], "error");
    assert!(told["error"].as_str().unwrap().contains("sync"), "{told}");
    assert_eq!(told["payloads"], json!([]));

    // The watch reads a new first round quietly, then tells what changes after it.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        receiver.notifications().len(),
        1,
        "what was there is not news"
    );
    let added = app.ms.add_contacts(ADELE, 1);
    let got = receiver.wait_for(2).await;
    assert_eq!(
        got[1].json()["payloads"],
        json!([{"id": added[0], "changeType": "updated"}])
    );
}

#[tokio::test]
async fn notifications_never_go_to_a_private_network_unless_allowed() {
    let app = spawn_app_with(&[("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "false")]).await;
    let (l, _) = linked(&app, "Contacts.Read").await;
    let receiver = Receiver::start().await;
    let r = subscribe(&app, &l, "/contacts", &receiver.url).await;
    let e = expect_error(r, StatusCode::BAD_REQUEST, "notificationUrl.invalid").await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("private or local network"),
        "{e}"
    );
    for literal in [
        "http://169.254.169.254/latest",
        "http://[::1]:9/x",
        "http://10.0.0.7/x",
    ] {
        let r = subscribe(&app, &l, "/contacts", literal).await;
        expect_error(r, StatusCode::BAD_REQUEST, "notificationUrl.invalid").await;
    }
    // A name is checked when it is resolved.
    let named = receiver.url.replace("127.0.0.1", "localhost");
    let r = subscribe(&app, &l, "/contacts", &named).await;
    let e = expect_error(
        r,
        StatusCode::BAD_REQUEST,
        "notificationUrl.validationFailed",
    )
    .await;
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("private or local network"),
        "{e}"
    );
    assert_eq!(receiver.validations(), 0, "nothing reached it");
}
