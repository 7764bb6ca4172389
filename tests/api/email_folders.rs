use crate::helpers::{expect_error, spawn_app, urlencode, Linked, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn mailbox(app: &TestApp, scopes: &str) -> Linked {
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    app.link(&client, scopes).await
}

async fn create(app: &TestApp, l: &Linked, body: Value) -> reqwest::Response {
    app.http
        .post(format!("{}/v1/email/folders", app.address))
        .bearer_auth(&l.token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_whole_folder_tree_is_listed_with_paths_and_labels() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.ReadWrite").await;
    let projects: Value = create(&app, &l, json!({"name": "Projects"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(projects["fullName"], "Projects");
    let pid = projects["id"].as_str().unwrap();
    let r = create(&app, &l, json!({"name": "Alpha", "parentId": pid})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let alpha: Value = r.json().await.unwrap();
    assert_eq!(alpha["fullName"], "Projects/Alpha");
    assert_eq!(alpha["parentId"], pid);
    let inbox_id = crate::fake_microsoft::folder_id("adele@contoso.com", "inbox");
    create(&app, &l, json!({"name": "Receipts", "parentId": inbox_id})).await;
    for n in 0..8 {
        create(&app, &l, json!({"name": format!("Extra {n}")})).await;
    }

    let page: Value = app
        .as_account(&l, "/v1/email/folders")
        .await
        .json()
        .await
        .unwrap();
    let records = page["records"].as_array().unwrap();
    assert_eq!(page["length"], records.len());
    assert_eq!(
        records.len(),
        7 + 1 + 8 + 2,
        "well-known, Projects, 8 extra (past Graph's page of 10), 2 children"
    );
    let by_path = |p: &str| {
        records
            .iter()
            .find(|f| f["fullName"] == p)
            .unwrap_or_else(|| panic!("{p} missing: {page}"))
            .clone()
    };
    assert_eq!(by_path("Inbox")["sysLabel"], "inbox");
    assert_eq!(by_path("Sent Items")["sysLabel"], "sent");
    assert_eq!(by_path("Junk Email")["sysLabel"], "junk");
    assert!(by_path("Archive").get("sysLabel").is_none());
    assert_eq!(by_path("Inbox/Receipts")["parentId"], inbox_id);
    assert_eq!(by_path("Projects/Alpha")["isFolder"], true);

    let one: Value = app
        .as_account(
            &l,
            &format!(
                "/v1/email/folders/{}",
                urlencode(alpha["id"].as_str().unwrap())
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["fullName"], "Projects/Alpha");
    let inbox: Value = app
        .as_account(&l, "/v1/email/folders/inbox")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["id"], inbox_id);
    assert_eq!(inbox["sysLabel"], "inbox");
}

#[tokio::test]
async fn folder_creation_is_checked() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.ReadWrite").await;
    assert_eq!(
        create(&app, &l, json!({"name": "Projects"})).await.status(),
        StatusCode::CREATED
    );
    let body = expect_error(
        create(&app, &l, json!({"name": "projects"})).await,
        StatusCode::CONFLICT,
        "conflict",
    )
    .await;
    assert_eq!(body["originalError"]["error"]["code"], "ErrorFolderExists");
    expect_error(
        create(&app, &l, json!({"name": "  "})).await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
    expect_error(
        create(&app, &l, json!({"nam": "x"})).await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
    expect_error(
        create(&app, &l, json!({"name": "x", "parentId": "AQMkADnope="})).await,
        StatusCode::NOT_FOUND,
        "notFound",
    )
    .await;
    let reader = {
        let client = app.create_client().await;
        app.link(&client, "Mail.Read").await
    };
    expect_error(
        create(&app, &reader, json!({"name": "x"})).await,
        StatusCode::FORBIDDEN,
        "scope.missing",
    )
    .await;
    assert_eq!(
        app.as_account(&reader, "/v1/email/folders").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn well_known_folders_are_reported_and_cannot_be_remapped() {
    let app = spawn_app().await;
    let l = mailbox(&app, "Mail.ReadWrite").await;
    let known: Value = app
        .as_account(&l, "/v1/email/folders/wellKnown")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        known["archive"],
        crate::fake_microsoft::folder_id("adele@contoso.com", "archive")
    );
    assert_eq!(
        known["sent"],
        crate::fake_microsoft::folder_id("adele@contoso.com", "sentitems")
    );
    let patch = |body: Value| {
        app.http
            .patch(format!("{}/v1/email/folders/wellKnown", app.address))
            .bearer_auth(&l.token)
            .json(&body)
            .send()
    };
    let same = patch(json!({"sent": known["sent"]})).await.unwrap();
    assert_eq!(same.status(), StatusCode::OK);
    let other = patch(json!({"archive": known["sent"]})).await.unwrap();
    expect_error(other, StatusCode::BAD_REQUEST, "folders.fixed").await;
}
