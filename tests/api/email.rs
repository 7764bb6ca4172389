use crate::fake_microsoft::{message, GraphFault};
use crate::helpers::{expect_error, spawn_app, Linked, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

async fn mailbox(app: &TestApp, count: usize, scopes: &str) -> Linked {
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    app.ms.add_messages(
        "adele@contoso.com",
        (0..count)
            .map(|n| message(n, &format!("Message {n} — ünïcödé ✓")))
            .collect(),
    );
    app.link(&client, scopes).await
}

#[tokio::test]
async fn messages_page_through_graph_with_opaque_tokens() {
    let app = spawn_app().await;
    let linked = mailbox(&app, 23, "Mail.Read").await;
    let mut seen = Vec::new();
    let mut path = "/v1/email/messages?limit=10".to_string();
    let mut pages = 0;
    loop {
        let page: Value = app.as_account(&linked, &path).await.json().await.unwrap();
        pages += 1;
        let records = page["records"].as_array().unwrap();
        assert_eq!(page["length"], records.len());
        for m in records {
            seen.push(m["subject"].as_str().unwrap().to_string());
            assert_eq!(
                m["omitted"],
                serde_json::json!(["body", "attachments", "internetHeaders"])
            );
            assert!(m.get("body").is_none());
        }
        match page["nextPageToken"].as_str() {
            Some(token) => {
                assert!(
                    !token.contains("skip") && !token.contains("http"),
                    "the token is opaque: {token}"
                );
                path = format!(
                    "/v1/email/messages?pageToken={}",
                    crate::helpers::urlencode(token)
                );
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 23);
    assert_eq!(seen[0], "Message 22 — ünïcödé ✓", "newest first");
    assert_eq!(seen[22], "Message 0 — ünïcödé ✓");
}

#[tokio::test]
async fn a_message_maps_to_the_unified_model() {
    let app = spawn_app().await;
    let linked = mailbox(&app, 5, "Mail.Read").await;
    let m: Value = app
        .as_account(&linked, "/v1/email/messages/AAMkADhMGAAA0004%3D")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["id"], "AAMkADhMGAAA0004=");
    assert_eq!(m["threadId"], "AAQkADOUpag6yWs4=");
    assert_eq!(
        m["from"],
        serde_json::json!({"name": "Adele Vance", "address": "adelev@contoso.OnMicrosoft.com"})
    );
    assert_eq!(m["to"][0]["address"], "AlexW@contoso.OnMicrosoft.com");
    assert_eq!(m["receivedAt"], "2018-09-05T03:15:08Z");
    assert_eq!(m["sysLabels"], serde_json::json!(["inbox", "flagged"]));
    assert!(m["body"].as_str().unwrap().contains("<p>Body of Message 4"));
    assert!(!m["omitted"]
        .as_array()
        .unwrap()
        .contains(&Value::from("body")));
    let text: Value = app
        .as_account(
            &linked,
            "/v1/email/messages/AAMkADhMGAAA0004%3D?bodyType=text",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(text["body"], "Body of Message 4 — ünïcödé ✓");
    let unread: Value = app
        .as_account(&linked, "/v1/email/messages/AAMkADhMGAAA0001%3D")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unread["sysLabels"], serde_json::json!(["inbox", "unread"]));
}

#[tokio::test]
async fn graph_errors_are_passed_on_decoded() {
    let app = spawn_app().await;
    let linked = mailbox(&app, 1, "Mail.Read").await;
    let body = expect_error(
        app.as_account(&linked, "/v1/email/messages/AAMkADhMGAAA9999%3D")
            .await,
        StatusCode::NOT_FOUND,
        "notFound",
    )
    .await;
    assert_eq!(body["originalError"]["error"]["code"], "ErrorItemNotFound");
    // A read is asked once more when its answer is unreadable; twice unreadable, it fails.
    app.ms.push_graph_fault(GraphFault::Malformed);
    app.ms.push_graph_fault(GraphFault::Malformed);
    expect_error(
        app.as_account(&linked, "/v1/email/messages").await,
        StatusCode::BAD_GATEWAY,
        "provider.badResponse",
    )
    .await;
    let r = app
        .as_account(&linked, "/v1/email/messages?bodyType=pdf")
        .await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
    let r = app
        .as_account(&linked, "/v1/email/messages?q=pizza%20is%3Aunread")
        .await;
    let body = expect_error(r, StatusCode::BAD_REQUEST, "query.untranslatable").await;
    assert!(
        body["message"].as_str().unwrap().contains("is:unread"),
        "{body}"
    );
}

#[tokio::test]
async fn throttling_is_retried_after_the_time_graph_asks_for() {
    let app = spawn_app().await;
    let linked = mailbox(&app, 2, "Mail.Read").await;
    app.ms.push_graph_fault(GraphFault::Throttled {
        retry_after: Some("0.2"),
    });
    app.ms
        .push_graph_fault(GraphFault::Throttled { retry_after: None });
    app.ms.push_graph_fault(GraphFault::Unavailable);
    let started = std::time::Instant::now();
    assert_eq!(
        app.as_account(&linked, "/v1/email/messages").await.status(),
        StatusCode::OK
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(200),
        "Retry-After was honoured"
    );
    for _ in 0..4 {
        app.ms.push_graph_fault(GraphFault::Throttled {
            retry_after: Some("0"),
        });
    }
    let r = app.as_account(&linked, "/v1/email/messages").await;
    assert!(r.headers().get("retry-after").is_some());
    let body = expect_error(r, StatusCode::TOO_MANY_REQUESTS, "provider.throttled").await;
    assert_eq!(body["originalError"]["error"]["code"], "TooManyRequests");
}

#[tokio::test]
async fn page_tokens_are_bound_to_their_account_and_cannot_be_forged() {
    let app = spawn_app().await;
    let linked = mailbox(&app, 15, "Mail.Read").await;
    let page: Value = app
        .as_account(&linked, "/v1/email/messages?limit=5")
        .await
        .json()
        .await
        .unwrap();
    let token = page["nextPageToken"].as_str().unwrap().to_string();
    let client = app.create_client().await;
    app.add_user("bob@contoso.com");
    app.ms.sign_in_as("bob@contoso.com");
    let bob = app.link(&client, "Mail.Read").await;
    let path = format!(
        "/v1/email/messages?pageToken={}",
        crate::helpers::urlencode(&token)
    );
    expect_error(
        app.as_account(&bob, &path).await,
        StatusCode::BAD_REQUEST,
        "pageToken.invalid",
    )
    .await;
    let forged = format!("{}x", &token[..token.len() - 1]);
    let path = format!(
        "/v1/email/messages?pageToken={}",
        crate::helpers::urlencode(&forged)
    );
    expect_error(
        app.as_account(&linked, &path).await,
        StatusCode::BAD_REQUEST,
        "pageToken.invalid",
    )
    .await;
    expect_error(
        app.as_account(
            &linked,
            "/v1/email/messages?pageToken=https%3A%2F%2Fevil.example.com",
        )
        .await,
        StatusCode::BAD_REQUEST,
        "pageToken.invalid",
    )
    .await;
}

#[tokio::test]
async fn reading_mail_needs_a_mail_scope() {
    let app = spawn_app().await;
    let linked = mailbox(&app, 1, "Calendar.Read").await;
    let requests = app.ms.counters().graph_requests;
    let body = expect_error(
        app.as_account(&linked, "/v1/email/messages").await,
        StatusCode::FORBIDDEN,
        "scope.missing",
    )
    .await;
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("Mail.Read")
            && message.contains(&format!("accountId={}", linked.account_id)),
        "{message}"
    );
    expect_error(
        app.as_account(&linked, "/v1/email/messages/AAMkADhMGAAA0000%3D")
            .await,
        StatusCode::FORBIDDEN,
        "scope.missing",
    )
    .await;
    assert_eq!(
        app.ms.counters().graph_requests,
        requests,
        "refused before calling Microsoft"
    );
}

#[tokio::test]
async fn a_long_retry_after_is_handed_back_instead_of_holding_the_caller() {
    let app = spawn_app().await;
    let linked = mailbox(&app, 2, "Mail.Read").await;
    // The account's folders are looked up on its first listing; get that done first.
    assert_eq!(
        app.as_account(&linked, "/v1/email/messages").await.status(),
        StatusCode::OK
    );
    let requests = app.ms.counters().graph_requests;
    app.ms.push_graph_fault(GraphFault::Throttled {
        retry_after: Some("120"),
    });
    let started = std::time::Instant::now();
    let r = app.as_account(&linked, "/v1/email/messages").await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "answered at once"
    );
    assert_eq!(r.headers()["retry-after"], "120");
    expect_error(r, StatusCode::TOO_MANY_REQUESTS, "provider.throttled").await;
    assert_eq!(
        app.ms.counters().graph_requests,
        requests + 1,
        "not retried against Microsoft's wish"
    );
}

#[tokio::test]
async fn page_tokens_survive_a_restart() {
    let app = spawn_app().await;
    let linked = mailbox(&app, 12, "Mail.Read").await;
    let first: Value = app
        .as_account(&linked, "/v1/email/messages?limit=5")
        .await
        .json()
        .await
        .unwrap();
    let token = first["nextPageToken"].as_str().unwrap();
    // Another process on the same database and key: what a restart leaves.
    let restarted = app.spawn_replica().await;
    let r = app
        .http
        .get(format!(
            "{restarted}/v1/email/messages?pageToken={}",
            crate::helpers::urlencode(token)
        ))
        .bearer_auth(&linked.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let second: Value = r.json().await.unwrap();
    assert_eq!(second["length"], 5);
    assert_ne!(second["records"][0]["id"], first["records"][0]["id"]);
}
