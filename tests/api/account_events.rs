//! Account events at the app's events URL: signed like every notification, each once per change
//! (linked, re-authorized, dead with Microsoft's reason, deleted), and the app's own troubles
//! (credentials refused, secret expiring) once until something else happens.

use crate::helpers::{expect_error, spawn_app_with, TestApp, TestClient, ADELE};
use crate::receiver::{signed_by, Receiver};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Duration;

/// An app whose events go to a new receiver; the receiver and the signing secret.
pub async fn listening(app: &TestApp, client: &TestClient) -> (Receiver, String) {
    let receiver = Receiver::start().await;
    let set = app.cli_json(&[
        "app",
        "events-url",
        &client.client_id,
        &receiver.url,
        "--json",
    ]);
    assert_eq!(set["eventsUrl"], receiver.url.as_str());
    assert_eq!(receiver.validations(), 1, "the URL was validated");
    let shown = app.cli_json(&["app", "show", &client.client_id, "--json"]);
    assert_eq!(shown["eventsUrl"], receiver.url.as_str());
    (
        receiver,
        shown["signingSecret"].as_str().unwrap().to_string(),
    )
}

fn kinds(receiver: &Receiver) -> Vec<String> {
    receiver
        .notifications()
        .iter()
        .map(|n| n.json()["event"].as_str().unwrap().to_string())
        .collect()
}

// The CLI runs while the receiver answers: more than one thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_change_of_an_account_is_told_once_signed() {
    let app = spawn_app_with(&[]).await;
    let client = app.create_client().await;
    let (receiver, secret) = listening(&app, &client).await;
    app.add_user(ADELE);
    let l = app.link(&client, "Mail.Read").await;
    let got = receiver.wait_for(1).await;
    assert!(signed_by(&got[0], &secret));
    let linked: Value = got[0].json();
    assert_eq!(linked["event"], "account.linked");
    assert_eq!(linked["accountId"], l.account_id);
    assert!(linked["at"].is_string());

    app.link(&client, "Mail.Read").await;
    receiver.wait_for(2).await;

    app.ms.revoke_user(ADELE);
    let expire = format!(
        "UPDATE provider_tokens SET access_expires_at = 0 WHERE account_id = {}",
        l.account_id
    );
    app.sql(&expire).await;
    for _ in 0..3 {
        let r = app.as_account(&l, "/v1/email/messages").await;
        expect_error(r, StatusCode::UNAUTHORIZED, "token.dead").await;
    }
    let got = receiver.wait_for(3).await;
    let dead = got[2].json();
    assert_eq!(dead["event"], "account.tokenDead");
    assert!(
        dead["reason"]["code"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS"),
        "{dead}"
    );
    assert!(!dead["reason"]["message"].as_str().unwrap().is_empty());

    let path = format!("/v1/am/accounts/{}", l.account_id);
    assert_eq!(
        app.app_call(&client, Method::DELETE, &path).await.status(),
        200
    );
    receiver.wait_for(4).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        kinds(&receiver),
        [
            "account.linked",
            "account.reauthorized",
            "account.tokenDead",
            "account.deleted"
        ]
    );
    assert!(receiver
        .notifications()
        .iter()
        .all(|n| signed_by(n, &secret)));

    let cleared = app.cli_json(&["app", "events-url", &client.client_id, "--clear", "--json"]);
    assert!(cleared["eventsUrl"].is_null());
    app.link(&client, "Mail.Read").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.notifications().len(), 4, "nothing once cleared");
}

// The CLI runs while the receiver answers: more than one thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_is_told_once_that_its_secret_expires_soon_and_that_microsoft_refused_it() {
    let app = spawn_app_with(&[("SWITCHBOARD_KEEP_ALIVE_EVERY", "1")]).await;
    let client = app.create_client().await;
    let (receiver, _) = listening(&app, &client).await;
    let soon = (chrono::Utc::now() + chrono::Duration::days(5))
        .format("%Y-%m-%d")
        .to_string();
    let secret_file = app.dir.join(format!("{}.secret", client.client_id));
    app.cli_json(&[
        "app",
        "office365",
        &client.client_id,
        "--azure-client-id",
        &client.azure_client_id,
        "--azure-client-secret-file",
        secret_file.to_str().unwrap(),
        "--secret-expires",
        &soon,
        "--json",
    ]);
    let got = receiver.wait_for(2).await;
    assert_eq!(got[0].json()["event"], "app.credentialsUpdated");
    let expiring = got[1].json();
    assert_eq!(expiring["event"], "app.secretExpiring");
    assert!(
        expiring["expiresAt"].as_str().unwrap().starts_with(&soon),
        "{expiring}"
    );
    assert!(expiring.get("accountId").is_none());

    app.add_user(ADELE);
    app.ms.set_access_lifetime(60);
    let l = app.link(&client, "Mail.Read").await;
    app.ms.set_app_secret(
        &client.azure_client_id,
        Some("Xy8Q~fake.secret.value"),
        true,
    );
    for _ in 0..3 {
        let r = app.as_account(&l, "/v1/email/messages").await;
        expect_error(r, StatusCode::FAILED_DEPENDENCY, "app.office365.rejected").await;
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        kinds(&receiver),
        [
            "app.credentialsUpdated",
            "app.secretExpiring",
            "account.linked",
            "app.credentialsRejected"
        ],
        "each once, in order"
    );
    let rejected = receiver.notifications()[3].json();
    assert_eq!(rejected["reason"]["code"], "AADSTS7000222");
}
