//! Microsoft misbehaving: bursts of 429, 5xx, time-outs, unreadable JSON and connections that
//! drop mid-answer, from Graph and from the token endpoint. Every answer is one of our documented
//! errors (the contract relay checks its shape), no account changes state because of them, and
//! no change is lost or made twice.

use crate::fake_microsoft::{message, GraphFault, TokenFault};
use crate::helpers::{account, spawn_app_with, Linked, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

const SETTINGS: [(&str, &str); 1] = [("SWITCHBOARD_PROVIDER_TIMEOUT", "1")];

fn graph_faults() -> Vec<(&'static str, Vec<GraphFault>)> {
    let throttled = GraphFault::Throttled {
        retry_after: Some("0"),
    };
    vec![
        ("a burst of 429", vec![throttled; 8]),
        ("5xx", vec![GraphFault::Unavailable; 8]),
        ("unreadable JSON", vec![GraphFault::Malformed; 2]),
        ("a dropped connection", vec![GraphFault::Reset; 8]),
        (
            "a time-out",
            vec![GraphFault::Slow(Duration::from_secs(3)); 8],
        ),
    ]
}

/// Our answer to a call Microsoft spoiled: a success, or a documented error that is not ours.
async fn documented(r: reqwest::Response, what: &str) -> (StatusCode, Value) {
    let status = r.status();
    let retry_after = r.headers().contains_key("retry-after");
    let body: Value = r.json().await.unwrap_or_default();
    if status.is_success() {
        return (status, body);
    }
    assert!(
        matches!(status.as_u16(), 429 | 502 | 503 | 504),
        "{what}: {status} {body}"
    );
    assert!(
        body["code"].is_string() && body["message"].is_string() && body["requestId"].is_string(),
        "{what}: {body}"
    );
    if matches!(status.as_u16(), 429 | 503) {
        assert!(retry_after, "{what}: says when to retry");
    }
    (status, body)
}

async fn token_status(app: &TestApp, l: &Linked) -> Value {
    app.account_json(l).await["tokenStatus"].clone()
}

#[tokio::test]
async fn graph_faults_on_reads_end_in_documented_errors_and_leave_the_account_alone() {
    let app = spawn_app_with(&SETTINGS).await;
    let l = account(&app, "Mail.Read").await;
    app.ms
        .add_messages(crate::helpers::ADELE, vec![message(1, "Hello")]);
    for (what, faults) in graph_faults() {
        for f in faults {
            app.ms.push_graph_fault(f);
        }
        let r = app.as_account(&l, "/v1/email/messages?limit=5").await;
        documented(r, what).await;
        assert_eq!(token_status(&app, &l).await, "active", "{what}");
        app.ms.clear_graph_faults();
        let r = app.as_account(&l, "/v1/email/messages?limit=5").await;
        assert_eq!(r.status(), StatusCode::OK, "after {what}");
    }
}

#[tokio::test]
async fn graph_faults_on_changes_lose_nothing_and_make_nothing_twice() {
    let app = spawn_app_with(&SETTINGS).await;
    let l = account(&app, "Contacts.ReadWrite").await;
    for (n, (what, faults)) in graph_faults().into_iter().enumerate() {
        for f in faults {
            app.ms.push_graph_fault(f);
        }
        let name = format!("Contact {n}");
        let r = crate::helpers::call(
            &app,
            &l,
            Method::POST,
            "/v1/contacts",
            Some(json!({"name": {"givenName": name}})),
            None,
        )
        .await;
        let (status, body) = documented(r, what).await;
        app.ms.clear_graph_faults();
        let page: Value = app
            .as_account(&l, "/v1/contacts?limit=100")
            .await
            .json()
            .await
            .unwrap();
        let copies = page["records"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["name"]["givenName"] == name.as_str())
            .count();
        if status.is_success() {
            assert_eq!(copies, 1, "{what}: made once");
        } else if body["code"] == "provider.outcomeUnknown" {
            assert!(copies <= 1, "{what}: never twice");
        } else {
            assert!(copies <= 1, "{what}: never twice ({body})");
        }
        if what == "a dropped connection" {
            assert_eq!(
                body["code"], "provider.outcomeUnknown",
                "the caller is told to look before retrying"
            );
            assert_eq!(copies, 1, "Graph made it; it was not made again");
        }
        assert_eq!(token_status(&app, &l).await, "active", "{what}");
    }
}

#[tokio::test]
async fn token_endpoint_faults_during_a_refresh_keep_the_account_and_its_refresh_token() {
    let app = spawn_app_with(&SETTINGS).await;
    let l = account(&app, "Mail.Read").await;
    // Microsoft keeps used refresh tokens valid: a grant whose answer was lost costs nothing.
    app.ms.set_strict_rotation(false);
    let faults: Vec<(&str, Vec<TokenFault>)> = vec![
        (
            "a burst of 429",
            vec![
                TokenFault::Throttled {
                    retry_after: Some("1")
                };
                4
            ],
        ),
        ("5xx", vec![TokenFault::Unavailable; 4]),
        ("unreadable JSON", vec![TokenFault::Malformed; 4]),
        ("a dropped connection", vec![TokenFault::Reset; 4]),
        (
            "a time-out",
            vec![TokenFault::Slow(Duration::from_secs(3)); 4],
        ),
    ];
    for (what, faults) in faults {
        app.ms.expire_access_tokens();
        for f in faults {
            app.ms.push_token_fault(f);
        }
        let r = app.as_account(&l, "/v1/email/folders").await;
        documented(r, what).await;
        assert_eq!(token_status(&app, &l).await, "active", "{what}");
        app.ms.clear_token_faults();
        // A refused token is not refreshed again within a minute; a fresh start is.
        let again = app.spawn_replica().await;
        let r = app
            .http
            .get(format!("{again}/v1/email/folders"))
            .bearer_auth(&l.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "after {what}");
    }
}
