use crate::fake_microsoft::message;
use crate::helpers::{expect_error, spawn_app, urlencode, Linked, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn with(mut m: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
}

fn person(name: &str, address: &str) -> Value {
    json!({ "emailAddress": { "name": name, "address": address } })
}

/// A mailbox with messages that differ in one thing each.
async fn mailbox(app: &TestApp) -> Linked {
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    let inbox = vec![
        with(
            message(1, "Quarterly report"),
            json!({"from": person("Bob Builder", "bob@fabrikam.com"), "receivedDateTime": "2020-01-15T10:00:00Z", "sentDateTime": "2020-01-15T09:59:00Z", "isRead": false}),
        ),
        with(
            message(2, "Lunch on Friday"),
            json!({"toRecipients": [person("Carol", "carol@contoso.com")], "receivedDateTime": "2020-02-20T10:00:00Z", "sentDateTime": "2020-02-20T09:59:00Z", "isRead": true}),
        ),
        with(
            message(3, "Invoice attached"),
            json!({"hasAttachments": true, "ccRecipients": [person("Dan", "dan@contoso.com")], "receivedDateTime": "2020-03-05T10:00:00Z", "sentDateTime": "2020-03-05T09:59:00Z", "isRead": true}),
        ),
        with(
            message(4, "O'Brien's quarterly numbers"),
            json!({"receivedDateTime": "2020-04-01T10:00:00Z", "sentDateTime": "2020-04-01T09:59:00Z", "isRead": false, "body": {"contentType": "html", "content": "<p>pizza party</p>"}}),
        ),
    ];
    app.ms.add_messages("adele@contoso.com", inbox);
    app.ms.add_messages_to("adele@contoso.com", "deleteditems", vec![with(message(5, "Old quarterly draft"), json!({"receivedDateTime": "2020-05-01T10:00:00Z", "sentDateTime": "2020-05-01T09:59:00Z"}))]);
    app.ms.add_messages_to("adele@contoso.com", "junkemail", vec![with(message(6, "You won a quarterly prize"), json!({"receivedDateTime": "2020-06-01T10:00:00Z", "sentDateTime": "2020-06-01T09:59:00Z"}))]);
    app.ms.add_messages_to("adele@contoso.com", "sentitems", vec![with(message(7, "Re: Lunch on Friday"), json!({"receivedDateTime": "2020-02-21T10:00:00Z", "sentDateTime": "2020-02-21T09:59:00Z", "isRead": true}))]);
    app.link(&client, "Mail.Read").await
}

async fn subjects(app: &TestApp, linked: &Linked, query: &str) -> Vec<String> {
    let r = app
        .as_account(linked, &format!("/v1/email/messages?{query}"))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "{query}: {}",
        r.text().await.unwrap()
    );
    let page: Value = r.json().await.unwrap();
    page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_string())
        .collect()
}

async fn q(app: &TestApp, linked: &Linked, q: &str) -> Vec<String> {
    subjects(app, linked, &format!("q={}", urlencode(q))).await
}

#[tokio::test]
async fn every_operator_selects_what_it_says() {
    let app = spawn_app().await;
    let l = mailbox(&app).await;
    assert_eq!(
        q(&app, &l, "from:bob@fabrikam.com").await,
        ["Quarterly report"]
    );
    assert_eq!(
        q(&app, &l, "from:Bob").await,
        ["Quarterly report"],
        "a name is searched"
    );
    assert_eq!(
        q(&app, &l, "to:carol@contoso.com").await,
        ["Lunch on Friday"]
    );
    assert_eq!(q(&app, &l, "cc:dan").await, ["Invoice attached"]);
    assert_eq!(q(&app, &l, "subject:invoice").await, ["Invoice attached"]);
    assert_eq!(
        q(&app, &l, "subject:\"O'Brien's quarterly\"").await,
        ["O'Brien's quarterly numbers"]
    );
    assert_eq!(
        q(&app, &l, "after:03/01/2020").await,
        ["O'Brien's quarterly numbers", "Invoice attached"]
    );
    assert_eq!(
        q(&app, &l, "before:2020-02-21").await,
        ["Lunch on Friday", "Quarterly report"]
    );
    assert_eq!(
        q(&app, &l, "after:2020-02-01 before:2020/03/06").await,
        ["Invoice attached", "Re: Lunch on Friday", "Lunch on Friday"]
    );
    assert_eq!(
        q(&app, &l, "is:unread").await,
        ["O'Brien's quarterly numbers", "Quarterly report"]
    );
    assert_eq!(
        q(&app, &l, "is:read has:attachment").await,
        ["Invoice attached"]
    );
    assert_eq!(
        q(&app, &l, "pizza").await,
        ["O'Brien's quarterly numbers"],
        "plain words search the body"
    );
    assert_eq!(
        q(&app, &l, "\"quarterly report\"").await,
        ["Quarterly report"]
    );
    assert_eq!(
        q(&app, &l, "quarterly after:2020-03-01").await,
        ["O'Brien's quarterly numbers"]
    );
    assert_eq!(
        q(&app, &l, "from:bob@fabrikam.com is:read").await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn trash_and_junk_are_left_out_unless_asked_for_in_filters_and_searches() {
    let app = spawn_app().await;
    let l = mailbox(&app).await;
    let all = subjects(&app, &l, "").await;
    assert_eq!(all.len(), 5, "{all:?}");
    assert!(!all.iter().any(|s| s.contains("Old") || s.contains("prize")));
    assert_eq!(
        subjects(&app, &l, "includeTrashAndJunk=true").await.len(),
        7
    );
    assert_eq!(
        q(&app, &l, "quarterly").await.len(),
        2,
        "searched, then trash and junk dropped"
    );
    let with_trash = subjects(
        &app,
        &l,
        &format!("includeTrashAndJunk=true&q={}", urlencode("quarterly")),
    )
    .await;
    assert_eq!(with_trash.len(), 4, "{with_trash:?}");
}

#[tokio::test]
async fn labels_come_from_the_folder_and_folders_can_be_listed_by_name_or_id() {
    let app = spawn_app().await;
    let l = mailbox(&app).await;
    let page: Value = app
        .as_account(&l, "/v1/email/messages?includeTrashAndJunk=true")
        .await
        .json()
        .await
        .unwrap();
    let label = |subject: &str| {
        page["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["subject"] == subject)
            .unwrap()["sysLabels"]
            .clone()
    };
    assert_eq!(label("Quarterly report"), json!(["inbox", "unread"]));
    assert_eq!(label("Re: Lunch on Friday"), json!(["sent"]));
    assert_eq!(label("Old quarterly draft")[0], "trash");
    assert_eq!(label("You won a quarterly prize")[0], "junk");

    let sent: Value = app
        .as_account(&l, "/v1/email/folders/sentitems/messages")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent["length"], 1);
    let trash_id = crate::fake_microsoft::folder_id("adele@contoso.com", "deleteditems");
    let trash: Value = app
        .as_account(
            &l,
            &format!("/v1/email/folders/{}/messages", urlencode(&trash_id)),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        trash["records"][0]["subject"], "Old quarterly draft",
        "a folder's own listing includes its messages"
    );
    let unread_in_inbox = subjects(&app, &l, "").await;
    assert!(unread_in_inbox.contains(&"Quarterly report".to_string()));
    let r = app.as_account(&l, "/v1/email/folders/nope/messages").await;
    expect_error(r, StatusCode::NOT_FOUND, "notFound").await;
}

#[tokio::test]
async fn a_query_keeps_its_meaning_across_pages() {
    let app = spawn_app().await;
    let l = mailbox(&app).await;
    let first: Value = app
        .as_account(
            &l,
            &format!("/v1/email/messages?limit=1&q={}", urlencode("quarterly")),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["length"], 1);
    let token = first["nextPageToken"].as_str().unwrap();
    let second: Value = app
        .as_account(
            &l,
            &format!("/v1/email/messages?pageToken={}", urlencode(token)),
        )
        .await
        .json()
        .await
        .unwrap();
    let subject = second["records"]
        .as_array()
        .unwrap()
        .first()
        .map(|m| m["subject"].as_str().unwrap().to_string());
    assert!(
        subject.is_none_or(|s| s.to_lowercase().contains("quarterly")),
        "{second}"
    );
}
