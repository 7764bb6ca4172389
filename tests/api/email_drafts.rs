use crate::fake_microsoft::message;
use crate::helpers::{expect_error, spawn_app, urlencode, Linked, TestApp};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ADELE: &str = "adele@contoso.com";

async fn mailbox(app: &TestApp, scopes: &str) -> Linked {
    let client = app.create_client().await;
    app.add_user(ADELE);
    app.ms.add_messages(ADELE, vec![message(1, "Not a draft")]);
    app.link(&client, scopes).await
}

async fn call(
    app: &TestApp,
    l: &Linked,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = app
        .http
        .request(method, format!("{}{path}", app.address))
        .bearer_auth(&l.token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

fn file(name: &str, bytes: &[u8]) -> Value {
    json!({"name": name, "mimeType": "application/octet-stream", "content": STANDARD.encode(bytes)})
}

fn attachment_names(app: &TestApp, id: &str) -> Vec<String> {
    let stored = app.ms.stored_message(ADELE, id).unwrap();
    stored["_attachments"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_draft_is_created_replaced_read_and_sent() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.All").await;
    let r = call(&app, &l, Method::POST, "/v1/email/drafts?bodyType=text", Some(json!({"subject": "Plan", "body": "first words", "attachments": [file("one.txt", b"1")]}))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/email/drafts/{}", urlencode(&id));

    let draft: Value = call(
        &app,
        &l,
        Method::GET,
        &format!("{path}?bodyType=text"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(draft["id"], id.as_str());
    assert_eq!(draft["message"]["subject"], "Plan");
    assert_eq!(draft["message"]["body"], "first words");
    assert_eq!(draft["message"]["sysLabels"], json!(["draft"]));

    let replaced = json!({"subject": "Plan v2", "body": "<p>better</p>", "to": [{"address": "alexw@contoso.com"}], "attachments": [file("two.txt", b"2")]});
    assert_eq!(
        call(&app, &l, Method::PUT, &path, Some(replaced))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        attachment_names(&app, &id),
        ["two.txt"],
        "attachments replaced"
    );
    let keep = json!({"subject": "Plan v3", "body": "<p>best</p>", "to": [{"address": "alexw@contoso.com"}]});
    assert_eq!(
        call(&app, &l, Method::PUT, &path, Some(keep))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        attachment_names(&app, &id),
        ["two.txt"],
        "attachments kept when none are given"
    );
    let draft: Value = call(&app, &l, Method::GET, &path, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(draft["message"]["subject"], "Plan v3");
    assert_eq!(draft["message"]["to"][0]["address"], "alexw@contoso.com");

    let r = call(&app, &l, Method::POST, &format!("{path}/send"), None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "Ok"}));
    let sent: Value = app
        .as_account(&l, "/v1/email/folders/sentitems/messages")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent["records"][0]["subject"], "Plan v3");
    expect_error(
        call(&app, &l, Method::GET, &path, None).await,
        StatusCode::NOT_FOUND,
        "draft.notFound",
    )
    .await;
}

#[tokio::test]
async fn drafts_are_deleted_and_other_messages_are_not_drafts() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.Drafts").await;
    let id = call(
        &app,
        &l,
        Method::POST,
        "/v1/email/drafts",
        Some(json!({"subject": "Scrap"})),
    )
    .await
    .json::<Value>()
    .await
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/email/drafts/{}", urlencode(&id));
    let r = call(&app, &l, Method::DELETE, &path, None).await;
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "Ok"}));
    expect_error(
        call(&app, &l, Method::GET, &path, None).await,
        StatusCode::NOT_FOUND,
        "draft.notFound",
    )
    .await;
    let not_draft = "/v1/email/drafts/AAMkADhMGAAA0001%3D";
    expect_error(
        call(&app, &l, Method::GET, not_draft, None).await,
        StatusCode::NOT_FOUND,
        "draft.notFound",
    )
    .await;
    expect_error(
        call(&app, &l, Method::DELETE, not_draft, None).await,
        StatusCode::NOT_FOUND,
        "draft.notFound",
    )
    .await;
    assert!(
        app.ms.stored_message(ADELE, "AAMkADhMGAAA0001=").is_some(),
        "not touched"
    );
}

#[tokio::test]
async fn draft_requests_are_checked() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.All").await;
    let id = call(
        &app,
        &l,
        Method::POST,
        "/v1/email/drafts",
        Some(json!({"subject": "x", "to": [{"address": "a@contoso.com"}]})),
    )
    .await
    .json::<Value>()
    .await
    .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/v1/email/drafts/{}", urlencode(&id));
    expect_error(
        call(
            &app,
            &l,
            Method::POST,
            &format!("{path}/send?sendTime=2030-01-01T00:00:00Z"),
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
    expect_error(
        call(
            &app,
            &l,
            Method::POST,
            &format!("{path}/send"),
            Some(json!({"tracking": {"opens": true}})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
    let headers = json!({"subject": "x", "xHeaders": [{"name": "X-A", "value": "1"}]});
    expect_error(
        call(&app, &l, Method::PUT, &path, Some(headers)).await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
    expect_error(
        call(
            &app,
            &l,
            Method::POST,
            "/v1/email/drafts",
            Some(json!({"inReplyTo": "<a@b>"})),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;

    let reader = {
        let client = app.create_client().await;
        app.link(&client, "Mail.Read").await
    };
    expect_error(
        call(
            &app,
            &reader,
            Method::POST,
            "/v1/email/drafts",
            Some(json!({"subject": "x"})),
        )
        .await,
        StatusCode::FORBIDDEN,
        "scope.missing",
    )
    .await;
    let drafter = {
        let client = app.create_client().await;
        app.link(&client, "Mail.Drafts").await
    };
    let r = call(&app, &drafter, Method::POST, &format!("{path}/send"), None).await;
    let body = expect_error(r, StatusCode::FORBIDDEN, "scope.missing").await;
    assert!(
        body["message"].as_str().unwrap().contains("Mail.Send"),
        "{body}"
    );
    // Sending a draft needs both: sending alone does not reach someone's drafts.
    let sender = {
        let client = app.create_client().await;
        app.link(&client, "Mail.Send").await
    };
    let r = call(&app, &sender, Method::POST, &format!("{path}/send"), None).await;
    let body = expect_error(r, StatusCode::FORBIDDEN, "scope.missing").await;
    assert!(
        body["message"].as_str().unwrap().contains("Mail.Drafts"),
        "{body}"
    );
}

#[tokio::test]
async fn a_large_draft_is_built_in_parts() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.Drafts").await;
    let a = vec![1u8; 2_600_000];
    let b = vec![2u8; 2_600_000];
    let body = json!({"subject": "Big", "attachments": [file("a.bin", &a), file("b.bin", &b)]});
    let r = call(&app, &l, Method::POST, "/v1/email/drafts", Some(body)).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(attachment_names(&app, &id), ["a.bin", "b.bin"]);
    let stored = app.ms.stored_message(ADELE, &id).unwrap();
    let sizes: Vec<u64> = stored["_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["size"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, [2_600_000, 2_600_000]);
    let draft: Value = call(
        &app,
        &l,
        Method::GET,
        &format!("/v1/email/drafts/{}", urlencode(&id)),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(draft["message"]["hasAttachments"], true);
}
