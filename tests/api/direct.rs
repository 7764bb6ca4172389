use crate::fake_microsoft::message;
use crate::helpers::{expect_error, spawn_app, Linked, TestApp, TestClient};
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

const ADELE: &str = "adele@contoso.com";
const FIFTY_MB: usize = 50 * 1024 * 1024;

async fn mailbox(app: &TestApp) -> (TestClient, Linked) {
    let client = app.create_client().await;
    app.add_user(ADELE);
    app.ms.add_messages(
        ADELE,
        (0..5).map(|n| message(n, &format!("Direct {n}"))).collect(),
    );
    let linked = app.link(&client, "Mail.ReadWrite Mail.Send").await;
    (client, linked)
}

#[tokio::test]
async fn requests_reach_graph_as_sent_with_the_accounts_token_and_nothing_of_ours() {
    let app = spawn_app().await;
    let (client, l) = mailbox(&app).await;
    let r = app
        .http
        .post(format!(
            "{}/v1/direct/_echo/a/b%2Fc?$top=2&x=%C3%BC",
            app.address
        ))
        .basic_auth(&client.client_id, Some(&client.client_secret))
        .header("X-Aurinko-Account-Id", l.account_id.to_string())
        .header("Cookie", "session=ours")
        .header("Connection", "keep-alive, X-Hop")
        .header("X-Hop", "hop")
        .header("Prefer", "outlook.timezone=\"Pacific Standard Time\"")
        .header("X-Custom", "kept")
        .body("{\"hello\":1}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let echo: Value = r.json().await.unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["path"], "/v1.0/_echo/a/b%2Fc");
    assert_eq!(echo["query"], "$top=2&x=%C3%BC");
    assert_eq!(echo["bodyLength"], 11);
    let headers = echo["headers"].as_object().unwrap();
    assert!(
        headers["authorization"]
            .as_str()
            .unwrap()
            .starts_with("Bearer EwB"),
        "Graph's token, not the app's credentials"
    );
    assert_eq!(
        headers["prefer"],
        "outlook.timezone=\"Pacific Standard Time\""
    );
    assert_eq!(headers["x-custom"], "kept");
    // A body of known length goes with its length, not re-chunked (Graph's uploads need it).
    assert_eq!(headers["content-length"], "11", "{echo}");
    assert!(!headers.contains_key("transfer-encoding"), "{echo}");
    for gone in ["cookie", "x-aurinko-account-id", "x-hop"] {
        assert!(!headers.contains_key(gone), "{gone} was forwarded: {echo}");
    }
}

#[tokio::test]
async fn graph_answers_come_back_as_graph_gave_them() {
    let app = spawn_app().await;
    let (_, l) = mailbox(&app).await;
    let me: Value = app
        .as_account(&l, "/v1/direct/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["userPrincipalName"], ADELE);
    let page: Value = app
        .as_account(&l, "/v1/direct/me/messages?$top=2&$select=subject")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["value"].as_array().unwrap().len(), 2);
    assert!(page["@odata.nextLink"]
        .as_str()
        .unwrap()
        .contains("%24skip=2"));
    let r = app
        .as_account(&l, "/v1/direct/me/messages/AAMkADhMGAAA9999%3D")
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "ErrorItemNotFound",
        "Graph's own error body"
    );
    let send = json!({"message": {"subject": "via direct", "toRecipients": [{"emailAddress": {"address": "a@contoso.com"}}]}});
    let r = app
        .http
        .post(format!("{}/v1/direct/me/sendMail", app.address))
        .bearer_auth(&l.token)
        .json(&send)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn graphs_paging_links_lead_back_through_the_direct_api() {
    let app = spawn_app().await;
    let (_, l) = mailbox(&app).await;
    let mut next = format!(
        "{}/v1/direct/me/messages?$top=2&$select=subject",
        app.address
    );
    let mut subjects = Vec::new();
    loop {
        let page: Value = app
            .http
            .get(&next)
            .bearer_auth(&l.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for m in page["value"].as_array().unwrap() {
            subjects.push(m["subject"].as_str().unwrap().to_string());
        }
        match page["@odata.nextLink"].as_str() {
            Some(link) => {
                assert!(
                    link.starts_with(&format!("{}/v1/direct/me/messages?", app.direct_address)),
                    "{link}"
                );
                next = link.to_string();
            }
            None => break,
        }
    }
    subjects.sort();
    let want: Vec<String> = (0..5).map(|n| format!("Direct {n}")).collect();
    assert_eq!(
        subjects, want,
        "every message once, through the account token"
    );
    // Graph's own URLs elsewhere in the answer are left as they are; a small answer goes out
    // whole, with its length (the rewritten one).
    let r = app.as_account(&l, "/v1/direct/me/messages?$top=1").await;
    let length: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let bytes = r.bytes().await.unwrap();
    assert_eq!(length, bytes.len());
    let page: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(page["@odata.nextLink"]
        .as_str()
        .unwrap()
        .starts_with(&app.direct_address));
    assert!(page["@odata.context"]
        .as_str()
        .unwrap()
        .starts_with("https://graph.microsoft.com/"));
}

#[tokio::test]
async fn no_path_leads_anywhere_but_graph() {
    let app = spawn_app().await;
    let (_, l) = mailbox(&app).await;
    let requests = app.ms.counters().graph_requests;
    for path in [
        "/v1/direct/me/%2e%2e/%2e%2e/beta/me",
        "/v1/direct/me/../../beta/me",
        "/v1/direct/me/%252e%252e/x",
        "/v1/direct/https:%2F%2Fevil.example.com%2Fsteal",
        "/v1/direct/https://evil.example.com/steal",
        "/v1/direct/me%5C..%5Cx",
        "/v1/direct/me//messages",
    ] {
        let (status, response) = app.raw_get(path, &l.token).await;
        assert_eq!(status, 400, "{path}: {response}");
        assert!(
            response.contains("\"code\":\"direct.path\""),
            "{path}: {response}"
        );
    }
    assert_eq!(
        app.ms.counters().graph_requests,
        requests,
        "nothing was forwarded"
    );
    expect_error(
        app.get("/v1/direct/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn a_50_mb_upload_streams_through() {
    let app = spawn_app().await;
    let (_, l) = mailbox(&app).await;
    let started = app.ms.streaming.clone();
    // The rest of the body is only sent once Graph has the first megabyte: a proxy that read the
    // whole body before forwarding would stall here.
    let body = futures_util::stream::iter(0..50).then(move |n| {
        let started = started.clone();
        async move {
            if n == 1 {
                tokio::time::timeout(Duration::from_secs(20), started.upload_started.notified())
                    .await
                    .expect("upload did not stream");
            }
            Ok::<_, std::io::Error>(vec![(n % 256) as u8; 1024 * 1024])
        }
    });
    let r = app
        .http
        .put(format!(
            "{}/v1/direct/me/drive/items/big/content",
            app.address
        ))
        .bearer_auth(&l.token)
        .header("content-type", "application/octet-stream")
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["size"], FIFTY_MB);
}

#[tokio::test]
async fn a_50_mb_download_streams_through() {
    let app = spawn_app().await;
    let (_, l) = mailbox(&app).await;
    let r = app
        .as_account(
            &l,
            &format!("/v1/direct/me/drive/items/item-{FIFTY_MB}/content"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut stream = r.bytes_stream();
    let mut received = 0usize;
    let mut released = false;
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(20), stream.next())
        .await
        .expect("download did not stream")
    {
        let chunk = chunk.unwrap();
        assert!(
            chunk
                .iter()
                .all(|b| *b == ((received / (1024 * 1024)) % 251) as u8)
                || chunk.is_empty()
                || received % (1024 * 1024) != 0
        );
        received += chunk.len();
        if !released && received >= 1024 * 1024 {
            // Graph sends the rest only now: a proxy that buffered the answer would never get here.
            app.ms.streaming.download_gate.notify_one();
            released = true;
        }
    }
    assert_eq!(received, FIFTY_MB);
}
