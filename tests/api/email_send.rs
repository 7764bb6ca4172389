use crate::fake_microsoft::message;
use crate::helpers::{expect_error, spawn_app, urlencode, Linked, TestApp};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::{json, Value};

const ADELE: &str = "adele@contoso.com";

async fn mailbox(app: &TestApp, scopes: &str) -> Linked {
    let client = app.create_client().await;
    app.add_user(ADELE);
    app.ms
        .add_messages(ADELE, vec![message(1, "Question about the invoice")]);
    app.link(&client, scopes).await
}

async fn post(app: &TestApp, linked: &Linked, path: &str, body: &Value) -> reqwest::Response {
    app.http
        .post(format!("{}{path}", app.address))
        .bearer_auth(&linked.token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn sent_items(app: &TestApp, linked: &Linked) -> Vec<Value> {
    let page: Value = app
        .as_account(linked, "/v1/email/folders/sentitems/messages")
        .await
        .json()
        .await
        .unwrap();
    page["records"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_message_is_sent_with_recipients_headers_categories_and_attachments() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.Read Mail.Send").await;
    let pdf: Vec<u8> = (0..2_500_000u32).map(|n| (n % 251) as u8).collect();
    let email = json!({
        "subject": "Grüße aus Köln ✓", "body": "<p>Hallo <b>Welt</b></p>",
        "to": [{"name": "Alex Wilber", "address": "alexw@contoso.com"}], "cc": [{"address": "dan@contoso.com"}],
        "xHeaders": [{"name": "X-Campaign", "value": "spring"}], "keywords": ["Blue category"],
        "attachments": [{"name": "report.pdf", "mimeType": "application/pdf", "content": STANDARD.encode(&pdf)}]
    });
    let r = post(&app, &l, "/v1/email/messages", &email).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"status": "Ok", "processingStatus": "Ok"})
    );

    let sent = sent_items(&app, &l).await;
    assert_eq!(sent.len(), 1);
    let m = &sent[0];
    assert_eq!(m["subject"], "Grüße aus Köln ✓");
    assert_eq!(
        m["to"],
        json!([{"name": "Alex Wilber", "address": "alexw@contoso.com"}])
    );
    assert_eq!(m["cc"][0]["address"], "dan@contoso.com");
    assert_eq!(m["keywords"], json!(["Blue category"]));
    assert_eq!(m["sysLabels"], json!(["sent"]));
    assert!(m["hasAttachments"].as_bool().unwrap());
    let id = m["id"].as_str().unwrap();
    let full: Value = app
        .as_account(&l, &format!("/v1/email/messages/{}", urlencode(id)))
        .await
        .json()
        .await
        .unwrap();
    assert!(full["body"]
        .as_str()
        .unwrap()
        .contains("<p>Hallo <b>Welt</b></p>"));
    let stored = app.ms.stored_message(ADELE, id).unwrap();
    assert_eq!(
        stored["internetMessageHeaders"],
        json!([{"name": "X-Campaign", "value": "spring"}])
    );
    let att_id = stored["_attachments"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let att: Value = app
        .as_account(
            &l,
            &format!(
                "/v1/email/messages/{}/attachments/{}",
                urlencode(id),
                urlencode(&att_id)
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        STANDARD.decode(att["content"].as_str().unwrap()).unwrap(),
        pdf
    );
}

#[tokio::test]
async fn return_ids_sends_through_a_draft_and_the_id_stays_valid() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.All").await;
    let email = json!({"subject": "With ids", "body": "plain text", "to": [{"address": "alexw@contoso.com"}]});
    let r = post(
        &app,
        &l,
        "/v1/email/messages?returnIds=true&bodyType=text",
        &email,
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let sent: Value = r.json().await.unwrap();
    let id = sent["id"].as_str().unwrap();
    assert!(sent["threadId"].is_string());
    let m: Value = app
        .as_account(&l, &format!("/v1/email/messages/{}", urlencode(id)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(m["subject"], "With ids");
    assert_eq!(
        m["sysLabels"],
        json!(["sent"]),
        "sent, not a draft any more"
    );
    assert_eq!(m["body"], "plain text");
}

#[tokio::test]
async fn replies_stay_in_the_thread() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.All").await;
    let original = app.ms.stored_message(ADELE, "AAMkADhMGAAA0001=").unwrap();
    let r = post(
        &app,
        &l,
        "/v1/email/messages/AAMkADhMGAAA0001%3D/reply",
        &json!({"body": "Thanks, paid today."}),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "a reply answers 200, as the contract says"
    );
    let sent = sent_items(&app, &l).await;
    assert_eq!(sent[0]["threadId"], original["conversationId"]);
    assert_eq!(
        sent[0]["to"][0]["address"], "adelev@contoso.OnMicrosoft.com",
        "to the original sender"
    );
    assert_eq!(sent[0]["subject"], "RE: Question about the invoice");

    let r = post(
        &app,
        &l,
        "/v1/email/messages/AAMkADhMGAAA0001%3D/reply?returnIds=true",
        &json!({"body": "One more thing", "cc": [{"address": "dan@contoso.com"}]}),
    )
    .await;
    let ids: Value = r.json().await.unwrap();
    assert_eq!(ids["threadId"], original["conversationId"]);
    let conversation: Value = app
        .as_account(
            &l,
            &format!(
                "/v1/email/conversations/{}",
                urlencode(original["conversationId"].as_str().unwrap())
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(conversation["length"], 3);

    let r = post(
        &app,
        &l,
        "/v1/email/messages/AAMkADhMGAAA9999%3D/reply",
        &json!({"body": "?"}),
    )
    .await;
    expect_error(r, StatusCode::NOT_FOUND, "notFound").await;
    let r = post(
        &app,
        &l,
        "/v1/email/messages/AAMkADhMGAAA0001%3D/reply",
        &json!({"body": "x", "inReplyTo": "<a@b>"}),
    )
    .await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
}

#[tokio::test]
async fn outgoing_mail_is_checked_before_microsoft_is_asked() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.Send").await;
    let requests = app.ms.counters().graph_requests;
    for (body, words) in [
        (json!({"subject": "nobody"}), "recipient"),
        (
            json!({"to": [{"address": "not an address"}]}),
            "e-mail address",
        ),
        (
            json!({"to": [{"address": "a@contoso.com"}], "tracking": {"opens": true}}),
            "tracking",
        ),
        (
            json!({"to": [{"address": "a@contoso.com"}], "inReplyTo": "<x@y>"}),
            "/reply",
        ),
        (
            json!({"to": [{"address": "a@contoso.com"}], "subjct": "typo"}),
            "subjct",
        ),
        (
            json!({"to": [{"address": "a@contoso.com"}], "xHeaders": [{"name": "Subject", "value": "x"}]}),
            "X-",
        ),
        (
            json!({"to": [{"address": "a@contoso.com"}], "attachments": [{"name": "a", "content": "***"}]}),
            "base64",
        ),
    ] {
        let body = expect_error(
            post(&app, &l, "/v1/email/messages", &body).await,
            StatusCode::BAD_REQUEST,
            "badRequest",
        )
        .await;
        assert!(
            body["message"].as_str().unwrap().contains(words),
            "{words}: {body}"
        );
    }
    let big = json!({"to": [{"address": "a@contoso.com"}], "attachments": [{"name": "big.bin", "content": STANDARD.encode(vec![7u8; 3 * 1024 * 1024 + 1])}]});
    expect_error(
        post(&app, &l, "/v1/email/messages", &big).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "message.tooLarge",
    )
    .await;
    assert_eq!(
        app.ms.counters().graph_requests,
        requests,
        "nothing reached Microsoft"
    );

    let r = post(
        &app,
        &l,
        "/v1/email/messages?returnIds=true",
        &json!({"to": [{"address": "a@contoso.com"}]}),
    )
    .await;
    let body = expect_error(r, StatusCode::FORBIDDEN, "scope.missing").await;
    assert!(
        body["message"].as_str().unwrap().contains("Mail.Drafts"),
        "{body}"
    );
    let reader = {
        let client = app.create_client().await;
        app.link(&client, "Mail.ReadWrite").await
    };
    let r = post(
        &app,
        &reader,
        "/v1/email/messages",
        &json!({"to": [{"address": "a@contoso.com"}]}),
    )
    .await;
    expect_error(r, StatusCode::FORBIDDEN, "scope.missing").await;
}

#[tokio::test]
async fn a_message_over_graphs_4_mb_limit_goes_out_as_a_draft_in_parts() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.All").await;
    let a: Vec<u8> = (0..2_600_000u32).map(|n| (n % 253) as u8).collect();
    let b: Vec<u8> = (0..2_700_000u32).map(|n| (n % 241) as u8).collect();
    let email = json!({
        "subject": "Two big files", "to": [{"address": "alexw@contoso.com"}],
        "attachments": [{"name": "a.bin", "content": STANDARD.encode(&a)}, {"name": "b.bin", "content": STANDARD.encode(&b)}]
    });
    let r = post(&app, &l, "/v1/email/messages", &email).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let sent = sent_items(&app, &l).await;
    assert_eq!(sent.len(), 1);
    let stored = app
        .ms
        .stored_message(ADELE, sent[0]["id"].as_str().unwrap())
        .unwrap();
    let files: Vec<Vec<u8>> = stored["_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            STANDARD
                .decode(x["contentBytes"].as_str().unwrap())
                .unwrap()
        })
        .collect();
    assert_eq!(files, vec![a, b]);
    assert_eq!(stored["isDraft"], false);

    let sender_only = {
        let client = app.create_client().await;
        app.link(&client, "Mail.Send").await
    };
    let r = post(&app, &sender_only, "/v1/email/messages", &email).await;
    let body = expect_error(r, StatusCode::PAYLOAD_TOO_LARGE, "message.tooLarge").await;
    assert!(
        body["message"].as_str().unwrap().contains("Mail.Drafts"),
        "{body}"
    );
}

#[tokio::test]
async fn an_attachment_over_3_mb_is_uploaded_in_ranges() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.All").await;
    let video: Vec<u8> = (0..7_000_000u32)
        .map(|n| (n.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let email = json!({
        "subject": "The recording", "to": [{"address": "alexw@contoso.com"}],
        "attachments": [{"name": "small.txt", "content": STANDARD.encode(b"hi")}, {"name": "meeting.mp4", "mimeType": "video/mp4", "content": STANDARD.encode(&video)}]
    });
    let r = post(&app, &l, "/v1/email/messages?returnIds=true", &email).await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let stored = app.ms.stored_message(ADELE, &id).unwrap();
    assert_eq!(stored["isDraft"], false, "sent");
    let files: Vec<(String, Vec<u8>)> = stored["_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["name"].as_str().unwrap().to_string(),
                STANDARD
                    .decode(x["contentBytes"].as_str().unwrap())
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        files,
        vec![
            ("small.txt".to_string(), b"hi".to_vec()),
            ("meeting.mp4".to_string(), video)
        ]
    );
}
