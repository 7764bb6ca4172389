use crate::helpers::{expect_error, query, spawn_app};
use reqwest::StatusCode;

#[tokio::test]
async fn codes_are_single_use_short_lived_and_bound_to_their_app() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let other = app.create_client().await;
    app.add_user("adele@contoso.com");

    let back = app
        .follow_link(&app.authorize_url(&client, "Mail.Read", ""))
        .await;
    let code = query(&back, "code").unwrap();
    expect_error(
        app.exchange(&other, &code).await,
        StatusCode::BAD_REQUEST,
        "code.invalid",
    )
    .await;
    assert_eq!(app.exchange(&client, &code).await.status(), StatusCode::OK);
    expect_error(
        app.exchange(&client, &code).await,
        StatusCode::BAD_REQUEST,
        "code.used",
    )
    .await;

    let back = app
        .follow_link(&app.authorize_url(&client, "Mail.Read", ""))
        .await;
    app.sql("UPDATE auth_codes SET expires_at = 0 WHERE used_at IS NULL")
        .await;
    expect_error(
        app.exchange(&client, &query(&back, "code").unwrap()).await,
        StatusCode::BAD_REQUEST,
        "code.expired",
    )
    .await;
    expect_error(
        app.exchange(&client, "made-up").await,
        StatusCode::BAD_REQUEST,
        "code.invalid",
    )
    .await;
}

#[tokio::test]
async fn the_exchange_needs_the_right_app_secret() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    let back = app
        .follow_link(&app.authorize_url(&client, "Mail.Read", ""))
        .await;
    let code = query(&back, "code").unwrap();
    let url = format!("{}/v1/auth/token/{code}", app.address);
    let wrong = app
        .http
        .post(&url)
        .basic_auth(&client.client_id, Some("wrong"))
        .send()
        .await
        .unwrap();
    assert!(wrong.headers().get("www-authenticate").is_some());
    expect_error(wrong, StatusCode::UNAUTHORIZED, "unauthorized").await;
    expect_error(
        app.http.post(&url).send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let garbage = app
        .http
        .post(&url)
        .header("authorization", "Basic %%%")
        .send()
        .await
        .unwrap();
    expect_error(garbage, StatusCode::UNAUTHORIZED, "unauthorized").await;
    // The failed attempts did not burn the code.
    assert_eq!(app.exchange(&client, &code).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn account_tokens_and_app_secrets_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    let linked = app.link(&client, "Mail.Read").await;
    let database = crate::database::contents(&app).await;
    assert!(!database.is_empty());
    let refresh = app.ms.live_refresh_tokens("adele@contoso.com");
    assert_eq!(refresh.len(), 1);
    for secret in [
        linked.token.as_str(),
        client.client_secret.as_str(),
        "Xy8Q~fake.secret.value",
        refresh[0].as_str(),
    ] {
        assert!(
            !crate::database::holds(&database, secret),
            "a secret sits in the database in plaintext"
        );
    }
}
