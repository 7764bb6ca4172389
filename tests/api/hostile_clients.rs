//! Clients that hold connections, stall bodies, crowd a mailbox or provoke refreshes: each is cut
//! off or refused in bounded time, and the service keeps answering everyone else.

use crate::fake_microsoft::GraphFault;
use crate::helpers::{account, expect_error, spawn_app_with, TestApp};
use reqwest::StatusCode;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.direct_address.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// What the server sends before it closes the connection, or `None` if it is still open after
/// `wait`.
async fn until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(wait, stream.read_to_end(&mut got)).await;
    match read {
        Ok(_) => Some(String::from_utf8_lossy(&got).into_owned()),
        Err(_) => None,
    }
}

#[tokio::test]
async fn half_sent_headers_and_stalled_bodies_are_cut_off() {
    let app = spawn_app_with(&[
        ("SWITCHBOARD_HEADER_TIMEOUT", "1"),
        ("SWITCHBOARD_BODY_TIMEOUT", "1"),
    ])
    .await;
    let l = account(&app, "Mail.Send").await;
    let mut half = Vec::new();
    for _ in 0..10 {
        let mut s = connect(&app).await;
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        half.push(s);
    }
    let mut idle = connect(&app).await;
    let mut stalled = connect(&app).await;
    let head = format!(
        "POST /v1/email/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{{\"subject\":",
        l.token
    );
    stalled.write_all(head.as_bytes()).await.unwrap();

    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    for s in &mut half {
        assert!(
            until_closed(s, Duration::from_secs(5)).await.is_some(),
            "a connection that never finished its headers is closed"
        );
    }
    assert!(until_closed(&mut idle, Duration::from_secs(5))
        .await
        .is_some());
    let answer = until_closed(&mut stalled, Duration::from_secs(5))
        .await
        .expect("a stalled body is answered");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request.bodyTimeout"), "{answer}");
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn open_connections_are_capped_and_the_rest_wait_their_turn() {
    let app = spawn_app_with(&[
        ("SWITCHBOARD_MAX_CONNECTIONS", "4"),
        ("SWITCHBOARD_MAX_CONNECTIONS_PER_CLIENT", "4"),
        ("SWITCHBOARD_HEADER_TIMEOUT", "30"),
    ])
    .await;
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(connect(&app).await);
    }
    // Accepted by the kernel, but not served while four connections are open.
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(700))
        .build()
        .unwrap();
    let url = format!("{}/healthz", app.direct_address);
    assert!(
        quick.get(&url).send().await.is_err(),
        "a fifth connection waits"
    );
    held.pop();
    let r = tokio::time::timeout(Duration::from_secs(5), app.http.get(&url).send())
        .await
        .expect("served once a connection closed")
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn one_client_address_cannot_take_every_connection() {
    let app = spawn_app_with(&[
        ("SWITCHBOARD_MAX_CONNECTIONS_PER_CLIENT", "3"),
        ("SWITCHBOARD_HEADER_TIMEOUT", "30"),
    ])
    .await;
    let target: std::net::SocketAddr = app
        .direct_address
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let mut attacker = Vec::new();
    for _ in 0..10 {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        let mut s = socket.connect(target).await.unwrap();
        let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await;
        attacker.push(s);
    }
    let mut closed = 0;
    for s in &mut attacker {
        if until_closed(s, Duration::from_millis(500)).await.is_some() {
            closed += 1;
        }
    }
    assert_eq!(
        closed, 7,
        "beyond its three, the address's connections are closed at once"
    );
    let r = tokio::time::timeout(Duration::from_secs(2), app.get("/healthz"))
        .await
        .expect("others are served at once");
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_request_that_runs_too_long_is_stopped_with_a_clear_answer() {
    let app = spawn_app_with(&[("SWITCHBOARD_REQUEST_TIMEOUT", "1")]).await;
    let l = account(&app, "Mail.Read").await;
    app.ms
        .push_graph_fault(GraphFault::Slow(Duration::from_secs(3)));
    let r = app.as_account(&l, "/v1/email/folders").await;
    let body = expect_error(r, StatusCode::SERVICE_UNAVAILABLE, "request.timeout").await;
    assert!(body["message"].as_str().unwrap().contains("1 s"), "{body}");
}

#[tokio::test]
async fn waiting_for_a_busy_mailbox_has_a_deadline() {
    let app = spawn_app_with(&[("SWITCHBOARD_QUEUE_WAIT", "1")]).await;
    let l = account(&app, "Mail.Read").await;
    // Warm the folder cache so that each call below is one Graph call.
    assert_eq!(
        app.as_account(&l, "/v1/email/messages?limit=1")
            .await
            .status(),
        StatusCode::OK
    );
    for _ in 0..4 {
        app.ms
            .push_graph_fault(GraphFault::Slow(Duration::from_secs(4)));
    }
    let calls = (0..5).map(|_| app.as_account(&l, "/v1/email/messages?limit=1"));
    let answers = futures_util::future::join_all(calls).await;
    let busy: Vec<&reqwest::Response> = answers
        .iter()
        .filter(|r| r.status() == StatusCode::SERVICE_UNAVAILABLE)
        .collect();
    assert_eq!(busy.len(), 1, "the fifth caller is told, not queued");
    assert!(busy[0].headers().contains_key("retry-after"));
    let ok = answers
        .iter()
        .filter(|r| r.status() == StatusCode::OK)
        .count();
    assert_eq!(ok, 4);
    let busy = answers
        .into_iter()
        .find(|r| r.status() == StatusCode::SERVICE_UNAVAILABLE)
        .unwrap();
    expect_error(busy, StatusCode::SERVICE_UNAVAILABLE, "provider.busy").await;
}

#[tokio::test]
async fn graph_refusing_a_token_again_and_again_drives_one_refresh_at_most() {
    let app = spawn_app_with(&[]).await;
    let l = account(&app, "Mail.Read").await;
    let grants = app.ms.counters().refresh_grants;
    for _ in 0..10 {
        app.ms.push_graph_fault(GraphFault::Unauthorized);
    }
    for _ in 0..5 {
        let r = app
            .http
            .get(format!("{}/v1/direct/me", app.address))
            .bearer_auth(&l.token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    assert!(
        app.ms.counters().refresh_grants <= grants + 1,
        "{} refreshes",
        app.ms.counters().refresh_grants - grants
    );
}

#[tokio::test]
async fn large_bodies_in_flight_share_a_budget() {
    let app = spawn_app_with(&[
        ("SWITCHBOARD_LARGE_BODY_BUDGET_MB", "9"),
        ("SWITCHBOARD_QUEUE_WAIT", "1"),
    ])
    .await;
    let l = account(&app, "Mail.Send").await;
    let file: Vec<u8> = (0..1_500_000u32).map(|n| (n % 251) as u8).collect();
    let mail = serde_json::json!({
        "subject": "Figures", "body": "attached",
        "to": [{"address": "alexw@contoso.com"}],
        "attachments": [{"name": "figures.bin", "content": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &file)}]
    });
    let send = || {
        app.http
            .post(format!("{}/v1/email/messages", app.address))
            .bearer_auth(&l.token)
            .json(&mail)
            .send()
    };
    // The first send (2 MB, counted three times) holds most of the 9 MiB while Graph is slow.
    app.ms
        .push_graph_fault(GraphFault::Slow(Duration::from_secs(3)));
    let first = tokio::spawn(send());
    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = send().await.unwrap();
    let body = expect_error(second, StatusCode::SERVICE_UNAVAILABLE, "server.busy").await;
    assert!(
        body["message"].as_str().unwrap().contains("retry"),
        "{body}"
    );
    // The direct API streams its body through without holding it: it takes nothing from the
    // budget, so it passes while the budget is spent.
    let direct = serde_json::json!({"message": {
        "subject": "Figures", "toRecipients": [{"emailAddress": {"address": "alexw@contoso.com"}}],
        "body": {"contentType": "text", "content": "x".repeat(2_000_000)}
    }});
    let r = app
        .http
        .post(format!("{}/v1/direct/me/sendMail", app.address))
        .bearer_auth(&l.token)
        .json(&direct)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED, "{:?}", r.text().await);
    assert!(!first.is_finished(), "the budget was still spent");
    assert_eq!(first.await.unwrap().unwrap().status(), StatusCode::CREATED);
    assert_eq!(
        send().await.unwrap().status(),
        StatusCode::CREATED,
        "room again"
    );
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}
