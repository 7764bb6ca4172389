//! Accounts and links as the contract describes them, and the service's own front page.

use crate::helpers::{expect_error, spawn_app, urlencode, ADELE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn accounts_are_filtered_pinged_and_never_hand_out_microsofts_tokens() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user(ADELE);
    let l = app.link(&client, "Mail.Read").await;
    let me = app.account_json(&l).await;
    let tenant = me["authOrgId"].as_str().unwrap().to_string();
    let page = |q: String| {
        let path = format!("/v1/am/accounts{q}");
        let (app, client) = (&app, &client);
        async move { app.app_call(client, Method::GET, &path).await }
    };
    let mine: Value = page(format!("?authOrgId={tenant}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["totalSize"], 1);
    let other: Value = page("?authOrgId=another-tenant".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["totalSize"], 0);
    let google: Value = page("?serviceType=Google".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(google["records"], json!([]));
    expect_error(
        page("?subscriptionId=3".into()).await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
    app.ms.revoke_user(ADELE);
    app.ms.expire_access_tokens();
    assert_eq!(
        app.account_json(&l).await["tokenStatus"],
        "active",
        "not asked yet"
    );
    let pinged: Value = app
        .as_account(&l, "/v1/account?pingProvider=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pinged["tokenStatus"], "dead", "Microsoft was asked");
    let r = app
        .as_account(&l, "/v1/account?includeProviderAuth=true")
        .await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
}

#[tokio::test]
async fn a_link_checks_the_address_and_the_access_it_was_asked_to() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user(ADELE);
    let wrong = app
        .follow_link(&app.authorize_url(&client, "Mail.Read", "&authEmail=bob%40contoso.com"))
        .await;
    assert_eq!(
        crate::helpers::query(&wrong, "error").as_deref(),
        Some("auth.accountMismatch"),
        "{wrong}"
    );
    let checked = app
        .follow_link(&app.authorize_url(
            &client,
            "Mail.Read",
            &format!(
                "&authEmail={}&ensureAccess=true&recycle=true",
                urlencode(ADELE)
            ),
        ))
        .await;
    assert_eq!(
        crate::helpers::query(&checked, "status").as_deref(),
        Some("success"),
        "{checked}"
    );
    assert!(
        app.ms.surface_hits().contains_key("messages.list"),
        "the mailbox was read"
    );
    let r = app
        .get(
            &app.authorize_url(&client, "Mail.Read", "&clientOrgId=acme")
                .replace(&app.address, ""),
        )
        .await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
}

#[tokio::test]
async fn the_address_of_the_service_tells_a_newcomer_where_to_go() {
    let app = spawn_app().await;
    let r = app.get("/").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = r.text().await.unwrap();
    for link in [
        "href=\"/portal\"",
        "href=\"/docs\"",
        "href=\"/healthz\"",
        "href=\"/openapi.json\"",
    ] {
        assert!(page.contains(link), "{link}");
    }
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(
        docs.text().await.unwrap().contains("swagger"),
        "the docs UI is served from the binary"
    );
}
