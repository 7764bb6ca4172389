//! Changing and deleting an app from the portal.

use crate::helpers::{spawn_app, TestApp, RETURN_URL};
use crate::portal::{grab, signed_up};
use reqwest::StatusCode;

async fn api_status(app: &TestApp, client_id: &str, secret: &str) -> StatusCode {
    let r = app
        .http
        .get(format!("{}/v1/am/accounts", app.address))
        .basic_auth(client_id, Some(secret))
        .send()
        .await
        .unwrap();
    r.status()
}

#[tokio::test]
async fn owners_rename_rotate_edit_return_urls_and_delete_with_confirmation() {
    let app = spawn_app().await;
    let mut b = signed_up(&app, "dana@example.com").await;
    let csrf = b.csrf.clone();
    let (_, page, _) = b
        .post(
            &app,
            "/portal/apps",
            &[("name", "CRM"), ("returnUrl", RETURN_URL), ("csrf", &csrf)],
        )
        .await;
    let (id, old_secret) = (grab(&page, "client-id"), grab(&page, "client-secret"));
    let at = |p: &str| format!("/portal/apps/{id}{p}");

    let (status, _, _) = b
        .post(
            &app,
            &at("/rename"),
            &[("name", "CRM Pro"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page, _) = b
        .post(&app, &at("/rename"), &[("name", "  "), ("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(r#"id="name-error""#) && page.contains("1 to 100 characters"));

    let (status, page, _) = b
        .post(
            &app,
            &at("/return-urls"),
            &[("url", "https://crm.example.com/cb#x"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(r#"id="url-error""#) && page.contains("fragment"));
    let (status, _, _) = b
        .post(
            &app,
            &at("/return-urls"),
            &[("url", "https://crm.example.com/cb"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = b.get(&app, &at("")).await;
    assert!(page.contains("CRM Pro") && page.contains("https://crm.example.com/cb"));
    let (status, _, _) = b
        .post(
            &app,
            &at("/return-urls/remove"),
            &[("url", RETURN_URL), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page, _) = b
        .post(
            &app,
            &at("/return-urls/remove"),
            &[("url", "https://crm.example.com/cb"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "the last return URL stays");
    assert!(page.contains("at least one return URL"));

    let (status, page, _) = b.post(&app, &at("/secret"), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    let new_secret = grab(&page, "client-secret");
    assert_eq!(
        api_status(&app, &id, &old_secret).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(api_status(&app, &id, &new_secret).await, StatusCode::OK);

    let (status, page, _) = b
        .post(&app, &at("/delete"), &[("confirm", "CRM"), ("csrf", &csrf)])
        .await;
    assert!(page.contains(r#"id="confirm-error""#), "{page}");
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the name must be typed exactly"
    );
    let (status, _, _) = b
        .post(
            &app,
            &at("/delete"),
            &[("confirm", "CRM Pro"), ("csrf", "forged")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, location) = b
        .post(
            &app,
            &at("/delete"),
            &[("confirm", "CRM Pro"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/portal"))
    );
    assert_eq!(
        api_status(&app, &id, &new_secret).await,
        StatusCode::UNAUTHORIZED
    );
    let (status, _, _) = b.get(&app, &at("")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
