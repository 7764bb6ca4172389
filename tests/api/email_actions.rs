use crate::fake_microsoft::{folder_id, message};
use crate::helpers::{expect_error, spawn_app, Linked, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const ADELE: &str = "adele@contoso.com";

async fn mailbox(app: &TestApp, scopes: &str) -> Linked {
    let client = app.create_client().await;
    app.add_user(ADELE);
    let mut thread: Vec<Value> = (0..3)
        .map(|n| message(n, &format!("Thread part {n}")))
        .collect();
    for (n, m) in thread.iter_mut().enumerate() {
        m["conversationId"] = json!("AAQkThread=");
        m["receivedDateTime"] = json!(format!("2021-01-0{}T10:00:00Z", 3 - n));
    }
    app.ms.add_messages(ADELE, thread);
    app.ms.add_messages(ADELE, vec![message(10, "Standalone")]);
    app.link(&client, scopes).await
}

async fn post_json(app: &TestApp, linked: &Linked, path: &str, body: Value) -> reqwest::Response {
    app.http
        .post(format!("{}{path}", app.address))
        .bearer_auth(&linked.token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn stored(app: &TestApp, id: &str) -> Value {
    app.ms
        .stored_message(ADELE, id)
        .expect("message still exists under its id")
}

#[tokio::test]
async fn status_changes_read_state_categories_and_archiving_keeping_the_id() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.ReadWrite").await;
    let id = "AAMkADhMGAAA0010=";
    let path = "/v1/email/messages/AAMkADhMGAAA0010%3D/status";
    let r = post_json(
        &app,
        &l,
        path,
        json!({"unread": true, "keywords": ["Red category", "Follow up"]}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "Ok"}));
    assert_eq!(stored(&app, id)["isRead"], false);
    assert_eq!(
        stored(&app, id)["categories"],
        json!(["Red category", "Follow up"])
    );

    assert_eq!(
        post_json(&app, &l, path, json!({"archived": true}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        stored(&app, id)["parentFolderId"],
        folder_id(ADELE, "archive"),
        "moved, and the id did not change"
    );
    assert_eq!(
        post_json(&app, &l, path, json!({"archived": false, "unread": false}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        stored(&app, id)["parentFolderId"],
        folder_id(ADELE, "inbox")
    );
    assert_eq!(stored(&app, id)["isRead"], true);
    // Not archived already: stays where it is.
    assert_eq!(
        post_json(&app, &l, path, json!({"archived": false}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        stored(&app, id)["parentFolderId"],
        folder_id(ADELE, "inbox")
    );
}

#[tokio::test]
async fn status_input_is_checked() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.ReadWrite").await;
    let path = "/v1/email/messages/AAMkADhMGAAA0010%3D/status";
    expect_error(
        post_json(&app, &l, path, json!({})).await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
    let typo = expect_error(
        post_json(&app, &l, path, json!({"unraed": true})).await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
    assert!(
        typo["message"].as_str().unwrap().contains("unraed"),
        "{typo}"
    );
    expect_error(
        post_json(&app, &l, path, json!({"unread": "yes"})).await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
    let r = app
        .http
        .post(format!("{}{path}", app.address))
        .bearer_auth(&l.token)
        .body("unread=true")
        .send()
        .await
        .unwrap();
    expect_error(
        r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupportedMediaType",
    )
    .await;
    let r = app
        .http
        .post(format!("{}{path}", app.address))
        .bearer_auth(&l.token)
        .header("content-type", "application/json")
        .body("{\"unread\": tru")
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
    let r = post_json(
        &app,
        &l,
        "/v1/email/messages/AAMkADhMGAAA9999%3D/status",
        json!({"unread": true}),
    )
    .await;
    let body = expect_error(r, StatusCode::NOT_FOUND, "notFound").await;
    assert_eq!(body["originalError"]["error"]["code"], "ErrorItemNotFound");
}

#[tokio::test]
async fn changing_mail_needs_a_scope_that_allows_it() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.Read").await;
    let r = post_json(
        &app,
        &l,
        "/v1/email/messages/AAMkADhMGAAA0010%3D/status",
        json!({"unread": true}),
    )
    .await;
    let body = expect_error(r, StatusCode::FORBIDDEN, "scope.missing").await;
    assert!(
        body["message"].as_str().unwrap().contains("Mail.ReadWrite"),
        "{body}"
    );
    let r = app
        .http
        .delete(format!(
            "{}/v1/email/messages/AAMkADhMGAAA0010%3D",
            app.address
        ))
        .bearer_auth(&l.token)
        .send()
        .await
        .unwrap();
    expect_error(r, StatusCode::FORBIDDEN, "scope.missing").await;
}

#[tokio::test]
async fn delete_moves_to_deleted_items() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.ReadWrite").await;
    let r = app
        .http
        .delete(format!(
            "{}/v1/email/messages/AAMkADhMGAAA0010%3D",
            app.address
        ))
        .bearer_auth(&l.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "Ok"}));
    assert_eq!(
        stored(&app, "AAMkADhMGAAA0010=")["parentFolderId"],
        folder_id(ADELE, "deleteditems")
    );
    let page: Value = app
        .as_account(&l, "/v1/email/messages")
        .await
        .json()
        .await
        .unwrap();
    assert!(!page["records"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["subject"] == "Standalone"));
}

#[tokio::test]
async fn attachments_and_mime_are_returned_as_they_are() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.Read").await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let att = app.ms.add_attachment(
        ADELE,
        "AAMkADhMGAAA0010=",
        "report ü.pdf",
        "application/pdf",
        &bytes,
    );
    let path = format!(
        "/v1/email/messages/AAMkADhMGAAA0010%3D/attachments/{}",
        crate::helpers::urlencode(&att)
    );
    let a: Value = app.as_account(&l, &path).await.json().await.unwrap();
    assert_eq!(a["name"], "report ü.pdf");
    assert_eq!(a["mimeType"], "application/pdf");
    assert_eq!(a["size"], 300_000);
    assert_eq!(a["inline"], false);
    use base64::Engine;
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(a["content"].as_str().unwrap())
            .unwrap(),
        bytes
    );
    let r = app
        .as_account(
            &l,
            "/v1/email/messages/AAMkADhMGAAA0010%3D/attachments/nope",
        )
        .await;
    expect_error(r, StatusCode::NOT_FOUND, "notFound").await;

    let r = app
        .as_account(&l, "/v1/email/messages/AAMkADhMGAAA0010%3D/raw")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let mime = r.text().await.unwrap();
    assert!(
        mime.contains("From: Adele Vance <adelev@contoso.OnMicrosoft.com>")
            && mime.contains("MIME-Version: 1.0"),
        "{mime}"
    );
}

#[tokio::test]
async fn a_conversation_lists_its_messages_oldest_first_with_bodies() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.Read").await;
    let page: Value = app
        .as_account(&l, "/v1/email/conversations/AAQkThread%3D?bodyType=text")
        .await
        .json()
        .await
        .unwrap();
    let subjects: Vec<&str> = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        ["Thread part 2", "Thread part 1", "Thread part 0"]
    );
    assert_eq!(page["records"][0]["body"], "Body of Thread part 2");
    assert!(!page["records"][0]["omitted"]
        .as_array()
        .unwrap()
        .contains(&json!("body")));
    let small: Value = app
        .as_account(&l, "/v1/email/conversations/AAQkThread%3D?limit=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(small["length"], 2);
    assert!(small["nextPageToken"].is_string());
}

#[tokio::test]
async fn a_message_describes_its_attachments_and_headers_and_can_load_inline_pictures() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.Read").await;
    let doc = app.ms.add_attachment(
        ADELE,
        "AAMkADhMGAAA0010=",
        "contract.docx",
        "application/msword",
        b"doc bytes",
    );
    let logo = app.ms.add_attachment(
        ADELE,
        "AAMkADhMGAAA0010=",
        "logo.png",
        "image/png",
        b"\x89PNG fake",
    );
    app.ms
        .make_inline(ADELE, "AAMkADhMGAAA0010=", &logo, "logo@01");
    let m: Value = app
        .as_account(&l, "/v1/email/messages/AAMkADhMGAAA0010%3D")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        m["omitted"],
        json!([]),
        "nothing left out of a single message"
    );
    let attachments = m["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 2);
    assert_eq!(attachments[0]["id"], doc.as_str());
    assert_eq!(attachments[0]["name"], "contract.docx");
    assert_eq!(attachments[0]["size"], 9);
    assert!(
        attachments.iter().all(|a| a.get("content").is_none()),
        "described, not loaded"
    );
    assert_eq!(attachments[1]["inline"], true);
    assert_eq!(attachments[1]["contentId"], "logo@01");
    assert_eq!(m["inReplyTo"], "<parent10@contoso.com>");
    assert_eq!(
        m["references"],
        "<root10@contoso.com> <parent10@contoso.com>"
    );
    assert!(m["internetHeaders"]
        .as_array()
        .unwrap()
        .contains(&json!({"name": "X-Mailer", "value": "Microsoft Outlook 16.0"})));
    // The id shown can be used to fetch the attachment.
    let path = format!(
        "/v1/email/messages/AAMkADhMGAAA0010%3D/attachments/{}",
        crate::helpers::urlencode(&doc)
    );
    assert_eq!(app.as_account(&l, &path).await.status(), StatusCode::OK);

    let loaded: Value = app
        .as_account(
            &l,
            "/v1/email/messages/AAMkADhMGAAA0010%3D?loadInlines=true",
        )
        .await
        .json()
        .await
        .unwrap();
    use base64::Engine;
    let inline = &loaded["attachments"][1];
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(inline["content"].as_str().unwrap())
            .unwrap(),
        b"\x89PNG fake"
    );
    assert!(
        loaded["attachments"][0].get("content").is_none(),
        "only inline attachments are loaded"
    );
}
