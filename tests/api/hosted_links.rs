//! Hosted links: an app asks for a single-use sign-in URL; the user's browser opens a page with
//! one button (a mail scanner's GET starts nothing), goes through Microsoft, and the account is
//! linked once, with the link's name in the `account.linked` event.

use crate::helpers::{
    expect_error, location, query, spawn_app, TestApp, TestClient, ADELE, RETURN_URL,
};
use crate::receiver::Receiver;
use reqwest::StatusCode;
use serde_json::{json, Value};
use url::Url;

/// Links are switchboard's own, not an operation of the contract: straight to the service.
async fn new_link(app: &TestApp, client: &TestClient, body: Value) -> reqwest::Response {
    app.http
        .post(format!("{}/v1/links", app.direct_address))
        .basic_auth(&client.client_id, Some(&client.client_secret))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn link_url(app: &TestApp, client: &TestClient, body: Value) -> String {
    let r = new_link(app, client, body).await;
    assert_eq!(r.status(), 200);
    let made: Value = r.json().await.unwrap();
    made["url"].as_str().unwrap().to_string()
}

/// Presses the page's button and signs in at Microsoft; the callback URL, not yet visited.
async fn press(app: &TestApp, url: &str) -> String {
    let start = app.http.post(url).send().await.unwrap();
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    let at_microsoft = location(&start);
    assert!(
        at_microsoft.starts_with(&app.ms.login_url()),
        "{at_microsoft}"
    );
    let back = app.http.get(&at_microsoft).send().await.unwrap();
    location(&back)
}

async fn finish(app: &TestApp, callback: &str) -> Url {
    let back = app.http.get(callback).send().await.unwrap();
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    Url::parse(&location(&back)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hosted_link_links_one_account_once_and_names_it_in_the_event() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let receiver = Receiver::start().await;
    app.cli_json(&[
        "app",
        "events-url",
        &client.client_id,
        &receiver.url,
        "--json",
    ]);
    app.add_user(ADELE);
    let body = json!({"scopes": "Mail.Read", "returnUrl": RETURN_URL, "name": "crm-user-42",
                      "expiresIn": 3600, "state": "s1"});
    let r = new_link(&app, &client, body.clone()).await;
    assert_eq!(r.status(), 200);
    let made: Value = r.json().await.unwrap();
    assert_eq!(made["name"], "crm-user-42");
    let url = made["url"].as_str().unwrap().to_string();
    assert!(
        url.starts_with(&format!("{}/v1/links/", app.direct_address)),
        "{url}"
    );

    for _ in 0..2 {
        let page = app.http.get(&url).send().await.unwrap();
        assert_eq!(page.status(), 200, "opening the page starts nothing");
        let html = page.text().await.unwrap();
        assert!(
            html.contains("Test app") && html.contains("method=\"post\""),
            "{html}"
        );
    }
    let back = finish(&app, &press(&app, &url).await).await;
    assert_eq!(query(&back, "status").as_deref(), Some("success"), "{back}");
    assert_eq!(query(&back, "state").as_deref(), Some("s1"));
    let code = query(&back, "code").unwrap();
    let account: Value = app.exchange(&client, &code).await.json().await.unwrap();
    let told = receiver.wait_for(1).await[0].json();
    assert_eq!(told["event"], "account.linked");
    assert_eq!(told["name"], "crm-user-42");
    assert_eq!(told["accountId"], account["accountId"]);
    let again = app.http.post(&url).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::GONE, "used up");
    assert_eq!(
        app.http.get(&url).send().await.unwrap().status(),
        StatusCode::GONE
    );

    // Two sign-ins started from one link: the first to finish links, the second is refused.
    let url = link_url(&app, &client, body.clone()).await;
    let (first, second) = (press(&app, &url).await, press(&app, &url).await);
    let back = finish(&app, &first).await;
    assert_eq!(query(&back, "status").as_deref(), Some("success"));
    let back = finish(&app, &second).await;
    assert_eq!(query(&back, "status").as_deref(), Some("error"));
    assert_eq!(query(&back, "error").as_deref(), Some("link.used"));

    // A re-authorization link for the account.
    let reauth =
        json!({"scopes": "Mail.Read", "returnUrl": RETURN_URL, "accountId": account["accountId"]});
    let url = link_url(&app, &client, reauth).await;
    let back = finish(&app, &press(&app, &url).await).await;
    assert_eq!(query(&back, "status").as_deref(), Some("success"));
    let events = receiver.wait_for(3).await;
    let last = events.last().unwrap().json();
    assert_eq!(last["event"], "account.reauthorized");
    assert_eq!(last["accountId"], account["accountId"]);

    // An expired link.
    let url = link_url(&app, &client, body).await;
    app.sql("UPDATE hosted_links SET expires_at = 0").await;
    assert_eq!(
        app.http.get(&url).send().await.unwrap().status(),
        StatusCode::GONE
    );
    assert_eq!(
        app.http.post(&url).send().await.unwrap().status(),
        StatusCode::GONE
    );
}

#[tokio::test]
async fn a_link_is_refused_unless_the_app_could_use_it() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let bad = [
        (
            json!({"returnUrl": "https://elsewhere.example/cb"}),
            StatusCode::BAD_REQUEST,
            "returnUrl.unregistered",
        ),
        (
            json!({"returnUrl": RETURN_URL, "expiresIn": 10}),
            StatusCode::BAD_REQUEST,
            "badRequest",
        ),
        (
            json!({"returnUrl": RETURN_URL, "scopes": "Mail.Everything"}),
            StatusCode::BAD_REQUEST,
            "scope.invalid",
        ),
        (
            json!({"returnUrl": RETURN_URL, "accountId": 999}),
            StatusCode::NOT_FOUND,
            "account.notFound",
        ),
        (
            json!({"scopes": "Mail.Read"}),
            StatusCode::BAD_REQUEST,
            "badRequest",
        ),
        (
            json!({"returnUrl": RETURN_URL, "extra": 1}),
            StatusCode::BAD_REQUEST,
            "badRequest",
        ),
    ];
    for (body, status, code) in bad {
        expect_error(new_link(&app, &client, body).await, status, code).await;
    }
    let anonymous = app
        .http
        .post(format!("{}/v1/links", app.direct_address))
        .json(&json!({"returnUrl": RETURN_URL}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let nowhere = format!("{}/v1/links/not-a-link", app.direct_address);
    assert_eq!(
        app.http.get(&nowhere).send().await.unwrap().status(),
        StatusCode::GONE
    );
}
