//! Seeing inside: Prometheus metrics at `/metrics` (or on an address of their own), and logs as
//! one JSON object per line carrying the request id.

use crate::helpers::{account, free_port, spawn_app, spawn_app_with, ADELE};

#[tokio::test]
async fn metrics_count_requests_graph_calls_refreshes_and_accounts_without_ids_in_labels() {
    let app = spawn_app().await;
    let l = account(&app, "Mail.Read").await;
    app.ms
        .add_messages(ADELE, vec![crate::fake_microsoft::message(1, "Hi")]);
    app.ms.expire_access_tokens();
    let page: serde_json::Value = app
        .as_account(&l, "/v1/email/messages")
        .await
        .json()
        .await
        .unwrap();
    let id = page["records"][0]["id"].as_str().unwrap().to_string();
    app.as_account(&l, &format!("/v1/email/messages/{id}"))
        .await;
    let r = app.get("/metrics").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let text = r.text().await.unwrap();
    for expected in [
        r#"switchboard_http_requests_total{method="GET",route="/v1/email/messages",status="200"} 1"#,
        r#"switchboard_http_request_duration_seconds_bucket{"#,
        r#"switchboard_graph_calls_total{operation="messages.list",status="200"}"#,
        r#"switchboard_graph_calls_total{operation="message.get",status="200"}"#,
        r#"switchboard_graph_call_duration_seconds_count{operation="messages.list"}"#,
        r#"switchboard_token_refreshes_total{outcome="ok"} 1"#,
        r#"switchboard_accounts{token_status="active"} 1"#,
        r#"switchboard_accounts{token_status="dead"} 0"#,
        r#"switchboard_mailbox_wait_seconds_count"#,
        r#"switchboard_open_connections"#,
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    assert!(
        text.contains(r#"route="/v1/email/messages/{messageId}""#),
        "routes are templates"
    );
    assert!(!text.contains(&id), "no item ids in labels");
    assert!(!text.contains(&l.token), "no tokens");
}

#[tokio::test]
async fn invented_methods_are_counted_as_other_so_labels_stay_bounded() {
    let app = spawn_app().await;
    for n in 0..3 {
        let method = reqwest::Method::from_bytes(format!("FOO{n}").as_bytes()).unwrap();
        let r = app
            .http
            .request(method, format!("{}/v1/account", app.direct_address))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    let text = app.get("/metrics").await.text().await.unwrap();
    assert!(
        text.contains(
            r#"switchboard_http_requests_total{method="other",route="/v1/account",status="405"} 3"#
        ),
        "{text}"
    );
    assert!(!text.contains("FOO"), "no invented method in labels");
}

#[tokio::test]
async fn metrics_can_have_an_address_of_their_own() {
    let port = free_port();
    let address = format!("127.0.0.1:{port}");
    let app = spawn_app_with(&[("SWITCHBOARD_METRICS_LISTEN", &address)]).await;
    assert_eq!(app.get("/metrics").await.status(), 404);
    let r = app
        .http
        .get(format!("http://{address}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("switchboard_accounts"));
}

#[tokio::test]
async fn json_logs_carry_the_request_id_on_every_line_of_a_request() {
    let app = spawn_app().await;
    let (child, base) = crate::process::start(
        &app,
        &[
            ("SWITCHBOARD_LOG_FORMAT", "json"),
            ("SWITCHBOARD_LOG", "debug"),
        ],
        true,
    )
    .await;
    let r = app
        .http
        .get(format!("{base}/v1/account"))
        .header("x-request-id", "probe-4711")
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let l = account(&app, "Mail.Read").await;
    let r = app
        .http
        .get(format!("{base}/v1/email/messages"))
        .header("x-request-id", "probe-4712")
        .bearer_auth(&l.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, logs) = crate::process::stop(child);
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    let of_probe: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["span"]["request_id"] == "probe-4711")
        .collect();
    assert!(
        of_probe
            .iter()
            .any(|l| l["fields"]["message"] == "request finished"
                && l["fields"]["status"] == 401
                && l["span"]["route"] == "/v1/account"),
        "{logs}"
    );
    assert!(lines
        .iter()
        .any(|l| l["fields"]["message"] == "switchboard is listening"));
    assert!(!logs.contains("not-a-token"));
    // A provider call's lines carry the request's span, the provider operation and the Graph call.
    let graph_call = lines
        .iter()
        .find(|l| {
            l["fields"]["message"] == "graph call"
                && l["spans"]
                    .as_array()
                    .is_some_and(|s| s.iter().any(|s| s["request_id"] == "probe-4712"))
        })
        .unwrap_or_else(|| panic!("no graph call line for probe-4712: {logs}"));
    let names: Vec<&str> = graph_call["spans"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(names.contains(&"office365.list_messages"), "{names:?}");
    assert_eq!(names.last(), Some(&"graph"), "{names:?}");
    assert!(!logs.contains(&l.token));
}
