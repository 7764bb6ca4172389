use crate::helpers::{account, call, expect_error, spawn_app, urlencode};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn task_lists_with_the_default_alias() {
    let app = spawn_app().await;
    let l = account(&app, "Tasks.ReadWrite").await;
    let page: Value = call(&app, &l, Method::GET, "/v1/tasklists", None, None)
        .await
        .json()
        .await
        .unwrap();
    let titles: Vec<&str> = page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Tasks", "Flagged Emails"]);
    assert_eq!(page["records"][1]["emailsList"], true);
    let default: Value = call(&app, &l, Method::GET, "/v1/tasklists/default", None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(default["defaultList"], true);
    assert_eq!(default["title"], "Tasks");

    let r = call(
        &app,
        &l,
        Method::POST,
        "/v1/tasklists",
        Some(json!({"title": "Groceries"})),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    let path = format!(
        "/v1/tasklists/{}",
        urlencode(created["id"].as_str().unwrap())
    );
    let renamed: Value = call(
        &app,
        &l,
        Method::PATCH,
        &path,
        Some(json!({"title": "Shopping"})),
        created["etag"].as_str(),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(renamed["title"], "Shopping");
    let stale = call(
        &app,
        &l,
        Method::PATCH,
        &path,
        Some(json!({"title": "Again"})),
        created["etag"].as_str(),
    )
    .await;
    expect_error(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "precondition.failed",
    )
    .await;
    assert_eq!(
        call(&app, &l, Method::DELETE, &path, None, None)
            .await
            .json::<Value>()
            .await
            .unwrap(),
        json!({"status": "Ok"})
    );
    let r = call(
        &app,
        &l,
        Method::DELETE,
        "/v1/tasklists/default",
        None,
        None,
    )
    .await;
    let body = expect_error(r, StatusCode::BAD_REQUEST, "provider.badRequest").await;
    assert!(
        body["message"].as_str().unwrap().contains("well-known"),
        "{body}"
    );
}

#[tokio::test]
async fn tasks_keep_their_meaning_in_utc() {
    let app = spawn_app().await;
    let l = account(&app, "Tasks.ReadWrite").await;
    let body = json!({"title": "Call Bob ☎", "notes": "About the invoice", "importance": "high", "due": "2024-05-01T09:00:00+02:00", "startDateTime": "2024-04-30", "categories": ["Work"]});
    let r = call(
        &app,
        &l,
        Method::POST,
        "/v1/tasklists/default/tasks",
        Some(body),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    let record = &created["record"];
    assert_eq!(record["due"], "2024-05-01T07:00:00Z");
    assert_eq!(record["startDateTime"], "2024-04-30T00:00:00Z");
    assert_eq!(record["notes"], "About the invoice");
    assert_eq!(record["importance"], "high");
    assert_eq!(record["status"], "notStarted");
    assert!(record.get("completed").is_none());
    let path = format!(
        "/v1/tasklists/default/tasks/{}",
        urlencode(created["id"].as_str().unwrap())
    );

    let done: Value = call(
        &app,
        &l,
        Method::PATCH,
        &path,
        Some(json!({"status": "completed", "due": null})),
        created["etag"].as_str(),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(done["record"]["status"], "completed");
    assert!(done["record"]["completed"].as_str().unwrap().ends_with('Z'));
    assert!(
        done["record"].get("due").is_none(),
        "null clears the due date"
    );
    assert_eq!(done["record"]["title"], "Call Bob ☎", "untouched");
    let read: Value = call(&app, &l, Method::GET, &path, None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["status"], "completed");
    expect_error(
        call(
            &app,
            &l,
            Method::DELETE,
            &path,
            None,
            created["etag"].as_str(),
        )
        .await,
        StatusCode::PRECONDITION_FAILED,
        "precondition.failed",
    )
    .await;
    assert_eq!(
        call(&app, &l, Method::DELETE, &path, None, done["etag"].as_str())
            .await
            .status(),
        StatusCode::OK
    );
    expect_error(
        call(&app, &l, Method::GET, &path, None, None).await,
        StatusCode::NOT_FOUND,
        "notFound",
    )
    .await;
}

#[tokio::test]
async fn tasks_are_paged() {
    let app = spawn_app().await;
    let l = account(&app, "Tasks.ReadWrite").await;
    for n in 0..12 {
        call(
            &app,
            &l,
            Method::POST,
            "/v1/tasklists/default/tasks",
            Some(json!({"title": format!("Task {n}")})),
            None,
        )
        .await;
    }
    let mut titles = Vec::new();
    let mut path = "/v1/tasklists/default/tasks?limit=5".to_string();
    loop {
        let page: Value = call(&app, &l, Method::GET, &path, None, None)
            .await
            .json()
            .await
            .unwrap();
        titles.extend(
            page["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["title"].as_str().unwrap().to_string()),
        );
        match page["nextPageToken"].as_str() {
            Some(t) => path = format!("/v1/tasklists/default/tasks?pageToken={}", urlencode(t)),
            None => break,
        }
    }
    assert_eq!(titles.len(), 12);
    assert_eq!(titles[11], "Task 11");
}

#[tokio::test]
async fn task_input_is_checked_and_scopes_enforced() {
    let app = spawn_app().await;
    let l = account(&app, "Tasks.ReadWrite").await;
    let requests = app.ms.counters().graph_requests;
    for (body, words) in [
        (json!({"notes": "no title"}), "title"),
        (json!({"title": "x", "status": "done"}), "status"),
        (json!({"title": "x", "importance": "urgent"}), "importance"),
        (json!({"title": "x", "due": "tomorrow"}), "due"),
        (json!({"title": "x", "parentId": "p"}), "sub-tasks"),
        (json!({"title": "x", "reminder": "y"}), "reminder"),
    ] {
        let e = expect_error(
            call(
                &app,
                &l,
                Method::POST,
                "/v1/tasklists/default/tasks",
                Some(body),
                None,
            )
            .await,
            StatusCode::BAD_REQUEST,
            "badRequest",
        )
        .await;
        assert!(
            e["message"].as_str().unwrap().contains(words),
            "{words}: {e}"
        );
    }
    assert_eq!(
        app.ms.counters().graph_requests,
        requests,
        "refused before Microsoft"
    );
    let reader = {
        let client = app.create_client().await;
        app.link(&client, "Tasks.Read").await
    };
    assert_eq!(
        call(&app, &reader, Method::GET, "/v1/tasklists", None, None)
            .await
            .status(),
        StatusCode::OK
    );
    expect_error(
        call(
            &app,
            &reader,
            Method::POST,
            "/v1/tasklists",
            Some(json!({"title": "x"})),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "scope.missing",
    )
    .await;
    let mail_only = {
        let client = app.create_client().await;
        app.link(&client, "Mail.Read").await
    };
    expect_error(
        call(&app, &mail_only, Method::GET, "/v1/tasklists", None, None).await,
        StatusCode::FORBIDDEN,
        "scope.missing",
    )
    .await;
}

#[tokio::test]
async fn every_task_list_is_listed_even_past_the_first_sixteen() {
    let app = spawn_app().await;
    let l = account(&app, "Tasks.ReadWrite").await;
    for n in 0..18 {
        let body = json!({"title": format!("List {n}")});
        let r = call(&app, &l, Method::POST, "/v1/tasklists", Some(body), None).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let mut titles = Vec::new();
    let mut path = "/v1/tasklists".to_string();
    loop {
        let page: Value = call(&app, &l, Method::GET, &path, None, None)
            .await
            .json()
            .await
            .unwrap();
        for t in page["records"].as_array().unwrap() {
            titles.push(t["title"].as_str().unwrap().to_string());
        }
        match page["nextPageToken"].as_str() {
            Some(t) => path = format!("/v1/tasklists?pageToken={}", urlencode(t)),
            None => break,
        }
    }
    assert_eq!(titles.len(), 20, "{titles:?}");
    assert!(titles.contains(&"List 17".to_string()));
}
