//! A service account's life: a consent the organisation withdraws (or an app registration
//! deleted) turns it and its managed accounts dead with Microsoft's reason decoded, and the app
//! is told; a new consent brings them back; an organisation that consented elsewhere is saved
//! with `POST /v1/am/svc_accounts`; deleting a service account takes its managed accounts.

use crate::account_events::listening;
use crate::helpers::{call, expect_error, spawn_app, Linked, TestApp, TestClient};
use crate::service_accounts::{consent, daemon_url, managed, organisation, PEOPLE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The app-only token in hand expires, at Microsoft and here.
async fn expire_app_token(app: &TestApp, service: &Linked) {
    app.ms.expire_access_tokens();
    let expire = format!(
        "UPDATE provider_tokens SET access_expires_at = 0 WHERE account_id = {}",
        service.account_id
    );
    app.sql(&expire).await;
}

async fn account(app: &TestApp, client: &TestClient, id: i64) -> Value {
    let r = app
        .app_call(client, Method::GET, &format!("/v1/am/accounts/{id}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

// The CLI runs while the receiver answers: more than one thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_consent_kills_the_service_account_and_its_mailboxes_until_consent_is_given_again(
) {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let (receiver, _) = listening(&app, &client).await;
    let people = organisation(&app);
    let service = consent(&app, &client, "Mail.Read").await;
    let adele = managed(&app, &client, service.account_id, PEOPLE[0]).await;
    let megan = managed(&app, &client, service.account_id, PEOPLE[1]).await;
    receiver.wait_for(3).await;

    // The administrator removes the app; the app-only token in hand expires.
    app.ms
        .revoke_admin_consent(&client.azure_client_id, &people[0].tid);
    expire_app_token(&app, &service).await;
    let r = call(&app, &adele, Method::GET, "/v1/email/messages", None, None).await;
    let e = expect_error(r, StatusCode::UNAUTHORIZED, "token.dead").await;
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("authorizeDaemon"), "{e}");
    assert_eq!(e["originalError"]["error_codes"], json!([700016]), "{e}");
    let r = call(&app, &megan, Method::GET, "/v1/email/messages", None, None).await;
    expect_error(r, StatusCode::UNAUTHORIZED, "token.dead").await;
    for id in [service.account_id, adele.account_id, megan.account_id] {
        let a = account(&app, &client, id).await;
        assert_eq!(a["tokenStatus"], "dead", "{a}");
        assert_eq!(a["tokenErrorCode"], "AADSTS700016", "{a}");
    }
    let got = receiver.wait_for(6).await;
    let mut dead: Vec<i64> = got[3..]
        .iter()
        .map(|n| n.json())
        .filter(|e: &Value| e["event"] == "account.tokenDead")
        .map(|e| e["accountId"].as_i64().unwrap())
        .collect();
    dead.sort();
    assert_eq!(
        dead,
        [service.account_id, adele.account_id, megan.account_id]
    );

    // The administrator consents again: the same service account, its mailboxes working again.
    let url = daemon_url(
        &app,
        &client,
        "Mail.Read",
        &format!("&accountId={}", service.account_id),
    );
    let back = app.follow_link(&url).await;
    assert_eq!(
        crate::helpers::query(&back, "status").as_deref(),
        Some("success"),
        "{back}"
    );
    let r = call(&app, &adele, Method::GET, "/v1/email/messages", None, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let a = account(&app, &client, megan.account_id).await;
    assert_eq!(a["tokenStatus"], "active", "{a}");
}

#[tokio::test]
async fn a_deleted_app_registration_is_decoded_too() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    organisation(&app);
    let service = consent(&app, &client, "Mail.Read").await;
    let adele = managed(&app, &client, service.account_id, PEOPLE[0]).await;
    app.ms.delete_app(&client.azure_client_id);
    expire_app_token(&app, &service).await;
    let r = call(&app, &adele, Method::GET, "/v1/email/messages", None, None).await;
    let e = expect_error(r, StatusCode::UNAUTHORIZED, "token.dead").await;
    assert!(e["message"].as_str().unwrap().contains("deleted"), "{e}");
}

#[tokio::test]
async fn an_organisation_that_consented_elsewhere_is_saved_and_deleting_it_takes_its_mailboxes() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let people = organisation(&app);
    let service = consent(&app, &client, "Mail.Read Calendar.Read").await;
    let adele = managed(&app, &client, service.account_id, PEOPLE[0]).await;

    let upsert = |body: Value| {
        let client = &client;
        let app = &app;
        async move {
            app.as_app(client, Method::POST, "/v1/am/svc_accounts")
                .await
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let r = upsert(json!({"authOrgId": people[0].tid, "authScopes": ["Mail.Read"]})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    assert_eq!(saved["accountId"], service.account_id);
    let a = account(&app, &client, service.account_id).await;
    assert_eq!(a["authScopes"], json!(["Mail.Read"]));

    let r = upsert(json!({"authOrgId": "72f988bf-86f1-41af-91ab-2d7cd011db47"})).await;
    let e = expect_error(r, StatusCode::FAILED_DEPENDENCY, "auth.appMisconfigured").await;
    assert!(
        e["message"].as_str().unwrap().contains("AADSTS90002"),
        "{e}"
    );
    let r = upsert(json!({})).await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
    let r = upsert(json!({"authOrgId": people[0].tid, "authScopes": ["Contacts.ReadWrite"]})).await;
    expect_error(r, StatusCode::BAD_REQUEST, "scopes.notGranted").await;

    // The direct API's `me` is the managed account's user.
    let direct = format!(
        "{}/v1/direct/me/messages?$select=subject",
        app.direct_address
    );
    let r = app
        .http
        .get(direct)
        .bearer_auth(&adele.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page: Value = r.json().await.unwrap();
    assert_eq!(
        page["value"][0]["subject"],
        format!("For {}", PEOPLE[0]),
        "{page}"
    );

    let path = format!("/v1/am/accounts/{}", service.account_id);
    let r = app.app_call(&client, Method::DELETE, &path).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = call(&app, &adele, Method::GET, "/v1/account", None, None).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app.app_call(&client, Method::GET, "/v1/am/accounts").await;
    let all: Value = r.json().await.unwrap();
    assert_eq!(all["totalSize"], 0, "{all}");
}

#[tokio::test]
async fn a_managed_mailbox_is_pushed_through_a_graph_subscription_on_its_user() {
    let app = crate::helpers::spawn_app_with(&[
        ("SWITCHBOARD_WEBHOOK_PUSH", "on"),
        ("SWITCHBOARD_WEBHOOK_POLL_EVERY", "3600"),
    ])
    .await;
    let client = app.create_client().await;
    let people = organisation(&app);
    let service = consent(&app, &client, "Mail.Read").await;
    let megan = managed(&app, &client, service.account_id, PEOPLE[1]).await;
    let receiver = crate::receiver::Receiver::start().await;
    crate::webhooks::subscribed(&app, &megan, "/email/messages", &receiver.url).await;
    let mut graph = app.ms.subscriptions();
    for _ in 0..100 {
        if !graph.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        graph = app.ms.subscriptions();
    }
    assert_eq!(graph.len(), 1, "a Graph subscription");
    assert_eq!(
        graph[0].resource,
        format!("users/{}/messages", people[1].oid)
    );

    app.ms
        .add_messages(PEOPLE[1], vec![crate::fake_microsoft::message(40, "Hello")]);
    let got = receiver.wait_for(1).await;
    let told = got[0].json();
    assert_eq!(told["accountId"], megan.account_id);
    // Graph's delta tells a new message as a change, like every other.
    let id = crate::fake_microsoft::message(40, "")["id"].clone();
    assert_eq!(
        told["payloads"],
        json!([{"id": id, "changeType": "updated"}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_request_for_the_organisation_however_many_mailboxes_call_at_once() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    organisation(&app);
    let service = consent(&app, &client, "Mail.Read").await;
    let mut mailboxes = Vec::new();
    for email in PEOPLE {
        mailboxes.push(managed(&app, &client, service.account_id, email).await);
    }
    expire_app_token(&app, &service).await;
    let before = app.ms.counters().client_credentials_grants;
    let calls = (0..60).map(|n| {
        let m = &mailboxes[n % mailboxes.len()];
        call(&app, m, Method::GET, "/v1/email/messages", None, None)
    });
    let answers = futures_util::future::join_all(calls).await;
    assert!(answers.iter().all(|r| r.status() == StatusCode::OK));
    let asked = app.ms.counters().client_credentials_grants - before;
    assert_eq!(asked, 1, "one app-only token for the organisation");
    assert!(
        app.ms.counters().throttled_by_concurrency == 0,
        "the per-mailbox guard kept each mailbox at 4: the fake refused none"
    );
}
