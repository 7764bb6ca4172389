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

/// Look-ups that read the store (no cache) asked at once are answered together, one statement
/// for many tokens: each call still gets its own token's account, and a deleted account's token
/// or an unknown one, taken in the same statements, is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn look_ups_asked_at_once_each_get_their_own_account() {
    let app = crate::helpers::spawn_app_with(&[("SWITCHBOARD_CACHE_SECONDS", "0")]).await;
    let client = app.create_client().await;
    let mut linked = Vec::new();
    for n in 0..6 {
        let email = format!("user{n}@contoso.com");
        app.add_user(&email);
        app.ms.sign_in_as(&email);
        linked.push((Some(email), app.link(&client, "Mail.Read").await));
    }
    let gone = &mut linked[5];
    let r = app
        .http
        .delete(format!("{}/v1/account", app.address))
        .bearer_auth(&gone.1.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    gone.0 = None;

    let calls: Vec<_> = (0..180)
        .map(|n| {
            let (email, token) = match linked.get(n % 7) {
                Some((email, l)) => (email.clone(), l.token.clone()),
                None => (None, format!("{}x", linked[0].1.token)),
            };
            let request = app
                .http
                .get(format!("{}/v1/account", app.address))
                .bearer_auth(token);
            tokio::spawn(async move { (email, request.send().await.unwrap()) })
        })
        .collect();
    let (mut found, mut refused) = (0, 0);
    for call in calls {
        let (email, response) = call.await.unwrap();
        match email {
            Some(email) => {
                assert_eq!(response.status(), StatusCode::OK);
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["email"], email.as_str(), "{body}");
                found += 1;
            }
            None => {
                expect_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
                refused += 1;
            }
        }
    }
    assert_eq!((found, refused), (130, 50));
}
