use crate::helpers::{expect_error, spawn_app};
use reqwest::StatusCode;

#[tokio::test]
async fn every_error_has_the_same_json_shape_and_a_request_id() {
    let app = spawn_app().await;
    expect_error(
        app.get("/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
        "notFound",
    )
    .await;
    let r = app
        .http
        .put(format!("{}/v1/account", app.address))
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::METHOD_NOT_ALLOWED, "methodNotAllowed").await;
    expect_error(
        app.get("/v1/account").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let r = app
        .http
        .get(format!("{}/v1/account", app.address))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let r = app
        .http
        .get(format!("{}/v1/account", app.address))
        .header("authorization", "Basic")
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let r = app.get("/v1/auth/authorize").await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
}

#[tokio::test]
async fn malformed_input_is_a_4xx_never_a_500() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let cases = [
        "/v1/am/accounts?limit=abc",
        "/v1/am/accounts?offset=-1",
        "/v1/am/accounts/not-a-number",
        "/v1/am/accounts/99999999999999999999999",
        "/v1/am/accounts/%FF%FE",
    ];
    for path in cases {
        let r = app.app_call(&client, reqwest::Method::GET, path).await;
        assert!(r.status().is_client_error(), "{path}: {}", r.status());
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(
            body["code"].is_string() && body["requestId"].is_string(),
            "{path}: {body}"
        );
    }
    let r = app
        .as_app(&client, reqwest::Method::GET, "/v1/account")
        .await
        .header("X-Aurinko-Account-Id", "1 OR 1=1")
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::BAD_REQUEST, "accountId.invalid").await;
    let r = app
        .get(&format!(
            "/v1/auth/authorize?clientId={}&serviceType=Office365&returnUrl=x&ensureScopes=maybe",
            client.client_id
        ))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app.get("/v1/auth/callback?state=%ZZ").await;
    assert!(r.status().is_client_error());
}

#[tokio::test]
async fn a_sane_caller_request_id_is_kept_and_an_insane_one_replaced() {
    let app = spawn_app().await;
    let r = app
        .http
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "trace-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "trace-123");
    let r = app
        .http
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "bad id\twith tabs")
        .send()
        .await
        .unwrap();
    assert_ne!(r.headers()["x-request-id"], "bad id\twith tabs");
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), StatusCode::OK);
}
