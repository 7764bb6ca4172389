use crate::fake_microsoft::{GraphFault, TokenFault};
use crate::helpers::{expect_error, spawn_app, spawn_app_with, TestApp, TestClient};
use reqwest::StatusCode;
use serde_json::Value;

pub async fn linked_with_expiring_token(
    app: &TestApp,
    client: &TestClient,
) -> crate::helpers::Linked {
    app.add_user("adele@contoso.com");
    app.ms.add_messages(
        "adele@contoso.com",
        (0..3)
            .map(|n| crate::fake_microsoft::message(n, "Hello"))
            .collect(),
    );
    app.ms.set_access_lifetime(60); // inside the refresh window: the next call refreshes
    let linked = app.link(client, "Mail.Read").await;
    app.ms.set_access_lifetime(3599);
    linked
}

/// Each instance reads mail once (and so looks the mailbox's folders up); then the stored
/// access token is made due, as an hour passing would.
pub async fn expired_after_warming(
    app: &TestApp,
    bases: &[&String],
    linked: &crate::helpers::Linked,
) {
    for base in bases {
        let r = app
            .http
            .get(format!("{base}/v1/email/messages?limit=1"))
            .bearer_auth(&linked.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    app.sql("UPDATE provider_tokens SET access_expires_at = 0")
        .await;
}

#[tokio::test]
async fn two_hundred_concurrent_calls_on_an_expired_token_refresh_once() {
    let app = spawn_app_with(&[crate::fleet::PATIENT]).await;
    let client = app.create_client().await;
    let linked = linked_with_expiring_token(&app, &client).await;
    let before = app.ms.counters();
    let urls = (0..200).map(|_| format!("{}/v1/email/messages?limit=2", app.address));
    for status in crate::fleet::at_once(&app, urls, &linked.token).await {
        assert_eq!(status, StatusCode::OK);
    }
    let after = app.ms.counters();
    assert_eq!(
        after.refresh_grants - before.refresh_grants,
        1,
        "exactly one token request"
    );
    assert!(
        after.max_in_flight <= 4,
        "at most 4 requests in flight per mailbox, saw {}",
        after.max_in_flight
    );
    assert_eq!(
        after.throttled_by_concurrency, 0,
        "switchboard never trips MailboxConcurrency itself"
    );
}

#[tokio::test]
async fn two_instances_on_one_database_refresh_once_between_them() {
    let app = spawn_app().await;
    let replica = app.spawn_replica().await;
    let client = app.create_client().await;
    let linked = linked_with_expiring_token(&app, &client).await;
    expired_after_warming(&app, &[&app.address, &replica], &linked).await;
    let before = app.ms.counters().refresh_grants;
    // Two calls per instance (within Outlook's 4 per mailbox even where each instance counts only
    // its own).
    let urls = (0..4).map(|n| {
        let base = if n % 2 == 0 { &app.address } else { &replica };
        format!("{base}/v1/email/messages?limit=1")
    });
    for status in crate::fleet::at_once(&app, urls, &linked.token).await {
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(
        app.ms.counters().refresh_grants - before,
        1,
        "one refresh across both instances"
    );
}

#[tokio::test]
async fn rotated_refresh_tokens_are_persisted_before_use() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.ms.set_strict_rotation(true); // a used refresh token is revoked: reusing an old one fails
    let linked = linked_with_expiring_token(&app, &client).await;
    for round in 0..3 {
        // An hour passes: the stored access token is due.
        app.sql("UPDATE provider_tokens SET access_expires_at = 0")
            .await;
        let r = app.as_account(&linked, "/v1/email/messages").await;
        assert_eq!(r.status(), StatusCode::OK, "round {round}");
    }
    assert_eq!(app.ms.counters().refresh_grants, 3);
    assert_eq!(app.ms.live_refresh_tokens("adele@contoso.com").len(), 1);
    let account: Value = app.account_json(&linked).await;
    assert_eq!(account["tokenStatus"], "active");
}

#[tokio::test]
async fn a_revoked_grant_makes_the_account_dead_and_stops_calls_to_microsoft() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let linked = linked_with_expiring_token(&app, &client).await;
    app.ms.revoke_user("adele@contoso.com");
    let body = expect_error(
        app.as_account(&linked, "/v1/email/messages").await,
        StatusCode::UNAUTHORIZED,
        "token.dead",
    )
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
    assert_eq!(body["originalError"]["error"], "invalid_grant");

    let account: Value = app.account_json(&linked).await;
    assert_eq!(account["tokenStatus"], "dead");
    assert_eq!(account["tokenErrorCode"], "AADSTS50173");
    assert!(
        account["tokenError"]
            .as_str()
            .unwrap()
            .contains("link again"),
        "{account}"
    );

    let grants = app.ms.counters().refresh_grants;
    let requests = app.ms.counters().graph_requests;
    expect_error(
        app.as_account(&linked, "/v1/email/messages").await,
        StatusCode::UNAUTHORIZED,
        "token.dead",
    )
    .await;
    assert_eq!(
        app.ms.counters().refresh_grants,
        grants,
        "no token request for a dead account"
    );
    assert_eq!(
        app.ms.counters().graph_requests,
        requests,
        "no Graph request for a dead account"
    );

    // Re-authorizing brings it back.
    app.ms.set_access_lifetime(3599);
    let back = app
        .follow_link(&app.authorize_url(
            &client,
            "Mail.Read",
            &format!("&accountId={}", linked.account_id),
        ))
        .await;
    assert_eq!(
        crate::helpers::query(&back, "status").as_deref(),
        Some("success")
    );
    assert_eq!(
        app.as_account(&linked, "/v1/email/messages").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_rejected_app_secret_flags_the_app_and_keeps_the_account() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let linked = linked_with_expiring_token(&app, &client).await;
    app.ms.set_app_secret(
        &client.azure_client_id,
        Some("Xy8Q~fake.secret.value"),
        true,
    );
    let body = expect_error(
        app.as_account(&linked, "/v1/email/messages").await,
        StatusCode::FAILED_DEPENDENCY,
        "app.office365.rejected",
    )
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("expired"),
        "{body}"
    );
    let account: Value = app.account_json(&linked).await;
    assert_eq!(account["tokenStatus"], "active");
    let shown = app.cli_json(&["app", "show", &client.client_id, "--json"]);
    assert_eq!(shown["office365"]["problem"]["code"], "AADSTS7000222");
    // Fixing the secret clears the flag, and the account works again.
    app.ms.set_app_secret(
        &client.azure_client_id,
        Some("Xy8Q~fake.secret.value"),
        false,
    );
    let secret_file = app.dir.join("fixed.secret");
    std::fs::write(&secret_file, "Xy8Q~fake.secret.value").unwrap();
    app.cli_json(&[
        "app",
        "office365",
        &client.client_id,
        "--azure-client-id",
        &client.azure_client_id,
        "--azure-client-secret-file",
        secret_file.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        app.as_account(&linked, "/v1/email/messages").await.status(),
        StatusCode::OK
    );
    let shown = app.cli_json(&["app", "show", &client.client_id, "--json"]);
    assert!(shown["office365"]["problem"].is_null());
}

#[tokio::test]
async fn throttling_and_outages_at_the_token_endpoint_are_retryable_not_fatal() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let linked = linked_with_expiring_token(&app, &client).await;
    app.ms.push_token_fault(TokenFault::Throttled {
        retry_after: Some("1"),
    });
    let grants = app.ms.counters().refresh_grants;
    let r = app.as_account(&linked, "/v1/email/messages").await;
    assert_eq!(r.headers().get("retry-after").unwrap(), "1");
    expect_error(r, StatusCode::SERVICE_UNAVAILABLE, "token.refresh.retry").await;
    assert_eq!(
        app.ms.counters().refresh_grants,
        grants + 1,
        "callers waiting on the refresh share its outcome"
    );

    // Within Retry-After the token endpoint is left alone.
    let r = app.as_account(&linked, "/v1/email/messages").await;
    expect_error(r, StatusCode::SERVICE_UNAVAILABLE, "token.refresh.retry").await;
    assert_eq!(app.ms.counters().refresh_grants, grants + 1);

    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.ms.push_token_fault(TokenFault::Unavailable);
    let r = app.as_account(&linked, "/v1/email/messages").await;
    assert!(r.headers().get("retry-after").is_some());
    expect_error(r, StatusCode::SERVICE_UNAVAILABLE, "token.refresh.retry").await;
    assert_eq!(app.account_json(&linked).await["tokenStatus"], "active");

    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(
        app.as_account(&linked, "/v1/email/messages").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_unreachable_token_endpoint_is_retryable_not_fatal() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let linked = linked_with_expiring_token(&app, &client).await;
    let closed = format!(
        "http://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    );
    let cut_off = app
        .spawn_replica_with(&[("SWITCHBOARD_OFFICE365_LOGIN_URL", &closed)])
        .await;
    let r = app
        .http
        .get(format!("{cut_off}/v1/email/messages"))
        .bearer_auth(&linked.token)
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("retry-after").is_some());
    let body = expect_error(r, StatusCode::SERVICE_UNAVAILABLE, "token.refresh.retry").await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("could not be reached"),
        "{body}"
    );
    assert_eq!(app.account_json(&linked).await["tokenStatus"], "active");
}

#[tokio::test]
async fn a_token_graph_rejects_early_is_refreshed_once_and_the_call_retried() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    app.ms.add_messages(
        "adele@contoso.com",
        vec![crate::fake_microsoft::message(1, "Hi")],
    );
    let linked = app.link(&client, "Mail.Read").await;
    let grants = app.ms.counters().refresh_grants;
    app.ms.expire_access_tokens();
    assert_eq!(
        app.as_account(&linked, "/v1/email/messages").await.status(),
        StatusCode::OK
    );
    assert_eq!(app.ms.counters().refresh_grants, grants + 1);
    // Refused again within a minute of that refresh: no second forced refresh; the token,
    // fresh as it is, is refused, and the account is marked invalid.
    app.ms.push_graph_fault(GraphFault::Unauthorized);
    expect_error(
        app.as_account(&linked, "/v1/email/messages").await,
        StatusCode::UNAUTHORIZED,
        "token.invalid",
    )
    .await;
    assert_eq!(app.ms.counters().refresh_grants, grants + 1);
    let account: Value = app.account_json(&linked).await;
    assert_eq!(account["tokenStatus"], "invalid");
    assert_eq!(
        app.as_account(&linked, "/v1/email/messages").await.status(),
        StatusCode::OK,
        "invalid accounts are still tried"
    );
    let account: Value = app.account_json(&linked).await;
    assert_eq!(
        account["tokenStatus"], "active",
        "a call that works makes the account active again"
    );
}
