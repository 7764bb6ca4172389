//! Ids, links and page tokens a hostile client crafts: none reaches anything but what it names.

use crate::fake_microsoft::message;
use crate::helpers::{account, call, expect_error, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ALL: &str = "Mail.All Calendar.ReadWrite Contacts.ReadWrite Tasks.ReadWrite";

#[tokio::test]
async fn dot_ids_are_refused_before_graph_is_asked() {
    let app = crate::helpers::spawn_app().await;
    let l = account(&app, ALL).await;
    let before = app.ms.counters().graph_requests;
    for path in [
        "/v1/email/messages/%2E%2E",
        "/v1/email/messages/%2e%2e",
        "/v1/email/messages/..",
        "/v1/email/messages/.",
        "/v1/email/messages/%2E",
        "/v1/email/messages/%2E%2E/attachments/x",
        "/v1/contacts/%2E%2E",
        "/v1/calendars/%2E%2E",
        "/v1/calendars/%2E%2E/events/range?timeMin=2026-01-01T00:00:00Z&timeMax=2026-02-01T00:00:00Z",
        "/v1/calendars/primary/events/%2E%2E",
        "/v1/tasklists/%2E%2E/tasks",
        "/v1/tasklists/default/tasks/..",
        "/v1/email/folders/%2E%2E",
    ] {
        let (status, answer) = app.raw_get(path, &l.token).await;
        assert!(
            status == 400 && answer.contains("\"id.invalid\""),
            "{path}: {status} {answer}"
        );
    }
    assert_eq!(
        app.ms.counters().graph_requests,
        before,
        "nothing was sent to Graph"
    );
}

/// Every listing of the API.
fn listings() -> Vec<&'static str> {
    vec![
        "/v1/email/messages",
        "/v1/contacts",
        "/v1/calendars",
        "/v1/tasklists",
        "/v1/tasklists/default/tasks",
        "/v1/calendars/primary/events/range?timeMin=2026-01-01T00:00:00Z&timeMax=2027-01-01T00:00:00Z",
    ]
}

async fn get(app: &TestApp, l: &crate::helpers::Linked, path: &str) -> reqwest::Response {
    call(app, l, Method::GET, path, None, None).await
}

#[tokio::test]
async fn an_empty_page_token_or_parameter_means_absent() {
    let app = crate::helpers::spawn_app().await;
    let l = account(&app, ALL).await;
    for path in listings() {
        let sep = if path.contains('?') { '&' } else { '?' };
        for extra in ["pageToken=", "pageToken=&limit=", "limit=&pageToken"] {
            let r = get(&app, &l, &format!("{path}{sep}{extra}")).await;
            assert_eq!(r.status(), StatusCode::OK, "{path} {extra}");
            let page: Value = r.json().await.unwrap();
            assert!(page["records"].is_array(), "{path}: {page}");
        }
    }
    let r = get(&app, &l, "/v1/account?pingProvider=").await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_page_token_works_only_on_the_listing_that_issued_it() {
    let app = crate::helpers::spawn_app().await;
    let l = account(&app, ALL).await;
    let messages = (0..5).map(|n| message(n, &format!("M {n}"))).collect();
    app.ms.add_messages(crate::helpers::ADELE, messages);
    for n in 0..3 {
        let r = call(
            &app,
            &l,
            Method::POST,
            "/v1/contacts",
            Some(json!({"name": {"givenName": format!("C {n}")}})),
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let page: Value = get(&app, &l, "/v1/email/messages?limit=2")
        .await
        .json()
        .await
        .unwrap();
    let token = page["nextPageToken"]
        .as_str()
        .expect("a next page")
        .to_string();
    let own = get(&app, &l, &format!("/v1/email/messages?pageToken={token}")).await;
    assert_eq!(own.status(), StatusCode::OK);
    for other in [
        "/v1/contacts",
        "/v1/tasklists",
        "/v1/tasklists/default/tasks",
    ] {
        let r = get(&app, &l, &format!("{other}?pageToken={token}")).await;
        expect_error(r, StatusCode::BAD_REQUEST, "pageToken.invalid").await;
    }
    let contacts: Value = get(&app, &l, "/v1/contacts?limit=1")
        .await
        .json()
        .await
        .unwrap();
    let token = contacts["nextPageToken"].as_str().expect("more contacts");
    let r = get(&app, &l, &format!("/v1/email/messages?pageToken={token}")).await;
    expect_error(r, StatusCode::BAD_REQUEST, "pageToken.invalid").await;
}
