use crate::helpers::{expect_error, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::Value;

#[tokio::test]
async fn apps_list_get_and_delete_only_their_own_accounts() {
    let app = spawn_app().await;
    let a = app.create_client().await;
    let b = app.create_client().await;
    for n in 0..3 {
        let email = format!("user{n}@contoso.com");
        app.add_user(&email);
        app.ms.sign_in_as(&email);
        app.link(&a, "Mail.Read").await;
    }
    let theirs = app.link(&b, "Mail.Read").await;

    let page: Value = app
        .app_call(&a, Method::GET, "/v1/am/accounts?limit=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["totalSize"], 3);
    assert_eq!(page["records"].as_array().unwrap().len(), 2);
    assert_eq!(page["done"], false);
    let rest: Value = app
        .app_call(&a, Method::GET, "/v1/am/accounts?limit=2&offset=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["records"].as_array().unwrap().len(), 1);
    assert_eq!(rest["done"], true);
    let first_id = page["records"][0]["id"].as_i64().unwrap();

    let one: Value = app
        .app_call(&a, Method::GET, &format!("/v1/am/accounts/{first_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["email"], "user0@contoso.com");

    // Another app's account is invisible, by id and through X-Aurinko-Account-Id.
    let r = app
        .app_call(
            &a,
            Method::GET,
            &format!("/v1/am/accounts/{}", theirs.account_id),
        )
        .await;
    expect_error(r, StatusCode::NOT_FOUND, "account.notFound").await;
    let r = app
        .as_app(&a, Method::GET, "/v1/account")
        .await
        .header("X-Aurinko-Account-Id", theirs.account_id.to_string())
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::NOT_FOUND, "account.notFound").await;
    let r = app
        .app_call(
            &a,
            Method::DELETE,
            &format!("/v1/am/accounts/{}", theirs.account_id),
        )
        .await;
    expect_error(r, StatusCode::NOT_FOUND, "account.notFound").await;
    assert_eq!(
        app.as_account(&theirs, "/v1/account").await.status(),
        StatusCode::OK
    );

    // App credentials + X-Aurinko-Account-Id reach the app's own account.
    let r = app
        .as_app(&a, Method::GET, "/v1/account")
        .await
        .header("X-Aurinko-Account-Id", first_id.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let r = app
        .app_call(&a, Method::DELETE, &format!("/v1/am/accounts/{first_id}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let page: Value = app
        .app_call(&a, Method::GET, "/v1/am/accounts")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["totalSize"], 2);
    let r = app
        .app_call(&a, Method::GET, "/v1/am/accounts?limit=0")
        .await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
}

#[tokio::test]
async fn deleting_an_account_wipes_its_tokens() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    let linked = app.link(&client, "Mail.Read").await;
    let r = app
        .http
        .delete(format!("{}/v1/account", app.address))
        .bearer_auth(&linked.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    expect_error(
        app.as_account(&linked, "/v1/account").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert!(app
        .sql_text("SELECT access_token_enc FROM provider_tokens")
        .await
        .is_empty());
    assert!(app
        .sql_text("SELECT account_id FROM account_tokens")
        .await
        .is_empty());
}
