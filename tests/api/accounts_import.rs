//! Accounts brought in with Microsoft tokens an app already holds, checked without saving, and
//! an account token given up with the Microsoft tokens behind it.

use crate::fake_microsoft::message;
use crate::helpers::{expect_error, spawn_app, TestApp, TestClient, ADELE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// What an app that linked Adele elsewhere holds: a refresh token for its Azure client.
const HELD: &[&str] = &[
    "openid",
    "profile",
    "email",
    "offline_access",
    "User.Read",
    "MailboxSettings.Read",
    "Mail.Read",
    "Calendars.Read",
];

async fn setup() -> (TestApp, TestClient) {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user(ADELE);
    app.ms
        .add_messages(ADELE, vec![message(1, "Imported hello")]);
    (app, client)
}

async fn post(app: &TestApp, client: &TestClient, path: &str, body: Value) -> reqwest::Response {
    app.as_app(client, Method::POST, path)
        .await
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn account_count(app: &TestApp, client: &TestClient) -> i64 {
    let page: Value = app
        .app_call(client, Method::GET, "/v1/am/accounts")
        .await
        .json()
        .await
        .unwrap();
    page["totalSize"].as_i64().unwrap()
}

#[tokio::test]
async fn an_account_is_imported_from_a_refresh_token_and_works() {
    let (app, client) = setup().await;
    let rt = app
        .ms
        .issue_refresh_token(&client.azure_client_id, ADELE, HELD);
    let body = json!({"serviceType": "Office365", "active": true, "authString1": rt, "email": ADELE,
        "oauthClientId": client.azure_client_id, "authString2": "an-old-access-token", "copyToSent": true});
    let r = post(
        &app,
        &client,
        "/v1/am/accounts?ensureAccess=true",
        body.clone(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let saved: Value = r.json().await.unwrap();
    let token = saved["accessToken"].as_str().unwrap().to_string();
    let me: Value = app
        .http
        .get(format!("{}/v1/account", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], saved["accountId"]);
    assert_eq!(me["email"], ADELE);
    assert_eq!(me["tokenStatus"], "active");
    assert_eq!(
        me["authScopes"],
        json!(["Calendar.Read", "Mail.Read"]),
        "read from the grant"
    );
    let page: Value = app
        .http
        .get(format!("{}/v1/email/messages", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["records"][0]["subject"], "Imported hello");
    let hits = app.ms.surface_hits();
    assert!(
        hits.contains_key("calendars.list"),
        "ensureAccess read the calendar: {hits:?}"
    );

    // The same user again is the same account, with a new account token; the first still works.
    let again = app
        .ms
        .issue_refresh_token(&client.azure_client_id, ADELE, HELD);
    let r = post(
        &app,
        &client,
        "/v1/am/accounts",
        json!({"serviceType": "Office365", "active": true, "authString1": again}),
    )
    .await;
    let second: Value = r.json().await.unwrap();
    assert_eq!(second["accountId"], saved["accountId"]);
    assert_ne!(second["accessToken"], saved["accessToken"]);
    assert_eq!(account_count(&app, &client).await, 1);
    let stored = app
        .sql_text("SELECT refresh_token_enc FROM provider_tokens")
        .await;
    assert!(
        stored.iter().all(|v| !v.contains("0.AXEA")),
        "refresh tokens are stored encrypted"
    );
}

#[tokio::test]
async fn bad_imports_are_refused_and_nothing_is_saved() {
    let (app, client) = setup().await;
    app.ms.set_strict_rotation(false);
    let rt = app
        .ms
        .issue_refresh_token(&client.azure_client_id, ADELE, HELD);
    let base = json!({"serviceType": "Office365", "active": true, "authString1": rt});
    let with = |extra: Value| {
        let mut b = base.clone();
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    let cases = [
        (
            "/v1/am/accounts",
            with(json!({"authScopes": ["Mail.Send"]})),
            "scopes.notGranted",
        ),
        (
            "/v1/am/accounts",
            with(json!({"authScopes": ["Mail.Everything"]})),
            "scope.invalid",
        ),
        (
            "/v1/am/accounts",
            with(json!({"email": "someone@else.com"})),
            "import.accountMismatch",
        ),
        (
            "/v1/am/accounts",
            with(json!({"oauthClientId": "11111111-2222-3333-4444-555555555555"})),
            "import.otherClient",
        ),
        (
            "/v1/am/accounts",
            with(json!({"serviceType": "Google"})),
            "serviceType.unsupported",
        ),
        (
            "/v1/am/accounts",
            with(json!({"password": "hunter2"})),
            "badRequest",
        ),
        (
            "/v1/am/accounts",
            with(json!({"authString1": ""})),
            "badRequest",
        ),
        (
            "/v1/am/accounts",
            with(json!({"nickname": "x"})),
            "badRequest",
        ),
        ("/v1/am/accounts?userId=7", base.clone(), "badRequest"),
        (
            "/v1/am/accounts?recycleKeys=email&recycleKeys=shoeSize",
            base.clone(),
            "badRequest",
        ),
    ];
    for (path, body, code) in cases {
        let r = post(&app, &client, path, body.clone()).await;
        let e = expect_error(r, StatusCode::BAD_REQUEST, code).await;
        assert!(!e["message"].as_str().unwrap().contains("0.AXEA"), "{e}");
    }
    app.ms.revoke_user(ADELE);
    let r = post(&app, &client, "/v1/am/accounts", base).await;
    let e = expect_error(r, StatusCode::BAD_REQUEST, "import.tokenRejected").await;
    assert!(
        e["message"].as_str().unwrap().contains("AADSTS50173"),
        "{e}"
    );
    assert_eq!(e["originalError"]["error"], "invalid_grant");
    assert_eq!(account_count(&app, &client).await, 0, "nothing half-saved");
    let r = app
        .http
        .post(format!("{}/v1/am/accounts", app.address))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn a_connection_is_checked_without_saving_anything() {
    let (app, client) = setup().await;
    // Microsoft keeps a used refresh token valid, so checking it does not spend it.
    app.ms.set_strict_rotation(false);
    let rt = app
        .ms
        .issue_refresh_token(&client.azure_client_id, ADELE, HELD);
    let body = json!({"serviceType": "Office365", "active": true, "authString1": rt});
    let r = post(&app, &client, "/v1/am/accounts/connect", body.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "Ok"}));
    assert_eq!(account_count(&app, &client).await, 0);
    assert!(
        app.ms.surface_hits().contains_key("messages.list"),
        "the mailbox was read"
    );
    let r = post(&app, &client, "/v1/am/accounts", body).await;
    assert_eq!(r.status(), StatusCode::OK, "the token still imports");
    let r = post(
        &app,
        &client,
        "/v1/am/accounts/connect",
        json!({"serviceType": "Office365", "authString1": "0.AXEAnot-a-token"}),
    )
    .await;
    expect_error(r, StatusCode::BAD_REQUEST, "import.tokenRejected").await;
}

#[tokio::test]
async fn giving_up_an_account_token_deletes_the_microsoft_tokens_behind_it() {
    let (app, client) = setup().await;
    let linked = app.link(&client, "Mail.Read").await;
    let other = app
        .exchange(&client, &{
            let back = app
                .follow_link(&app.authorize_url(&client, "Mail.Read", ""))
                .await;
            crate::helpers::query(&back, "code").unwrap()
        })
        .await
        .json::<Value>()
        .await
        .unwrap()["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .http
        .delete(format!("{}/v1/account/token", app.address))
        .bearer_auth(&linked.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = app.as_account(&linked, "/v1/account").await;
    expect_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let r = app
        .http
        .get(format!("{}/v1/email/messages", app.address))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    let e = expect_error(r, StatusCode::UNAUTHORIZED, "token.dead").await;
    assert!(e["message"].as_str().unwrap().contains("revoked"), "{e}");
    let rows = app
        .sql_text("SELECT COUNT(*) || '' FROM provider_tokens")
        .await;
    assert_eq!(rows, ["0"], "Microsoft's tokens are gone");
    let shown: Value = app
        .app_call(
            &client,
            Method::GET,
            &format!("/v1/am/accounts/{}", linked.account_id),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            shown["tokenStatus"].as_str(),
            shown["tokenErrorCode"].as_str()
        ),
        (Some("dead"), Some("revoked"))
    );
    // Re-authorizing brings it back under the same id.
    let extra = format!("&accountId={}", linked.account_id);
    let back = app
        .follow_link(&app.authorize_url(&client, "Mail.Read", &extra))
        .await;
    let code = crate::helpers::query(&back, "code").unwrap();
    let again: Value = app.exchange(&client, &code).await.json().await.unwrap();
    assert_eq!(again["accountId"], linked.account_id);
}
