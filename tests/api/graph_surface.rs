//! Every request of switchboard's Graph request list, driven through the API against the strict
//! fake; and the fake refusing what Graph refuses.

use crate::fake_microsoft::{message, User};
use crate::helpers::{call, spawn_app, spawn_app_with, urlencode, Linked, TestApp, ADELE};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard::providers::office365::graph::surface::{GRAPH_REQUESTS, UPLOAD_RANGE};

/// Calls as the account that must succeed; each answers the JSON body (or `null`).
struct As<'a>(&'a TestApp, &'a Linked);

impl As<'_> {
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let etag = (method == Method::PATCH).then_some("*");
        let r = call(self.0, self.1, method.clone(), path, body, etag).await;
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
    async fn get(&self, path: &str) -> Value {
        self.send(Method::GET, path, None).await
    }
    async fn delete(&self, path: &str) -> Value {
        self.send(Method::DELETE, path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> Value {
        self.send(Method::POST, path, Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> Value {
        self.send(Method::PUT, path, Some(body)).await
    }
    async fn patch(&self, path: &str, body: Value) -> Value {
        self.send(Method::PATCH, path, Some(body)).await
    }
}

fn id(v: &Value) -> String {
    urlencode(v["id"].as_str().expect("an id"))
}

async fn mail(app: &TestApp, l: &Linked) {
    let a = As(app, l);
    let m = message(1, "Invoice");
    let mid = m["id"].as_str().unwrap().to_string();
    app.ms.add_messages(ADELE, vec![m]);
    let att = app
        .ms
        .add_attachment(ADELE, &mid, "logo.png", "image/png", b"png");
    app.ms.make_inline(ADELE, &mid, &att, "logo@01");
    let m = urlencode(&mid);
    a.get("/v1/email/messages").await;
    a.get("/v1/email/messages?q=invoice%20pizza").await;
    a.get("/v1/email/folders/inbox/messages").await;
    a.get(&format!("/v1/email/messages/{m}?loadInlines=true"))
        .await;
    a.get(&format!("/v1/email/messages/{m}/raw")).await;
    let status = format!("/v1/email/messages/{m}/status");
    a.post(&status, json!({"unread": false, "archived": true}))
        .await;
    a.post(&status, json!({"archived": false})).await;
    let folder = a
        .post("/v1/email/folders", json!({"name": "Receipts"}))
        .await;
    a.post(
        "/v1/email/folders",
        json!({"name": "2024", "parentId": folder["id"]}),
    )
    .await;
    a.get("/v1/email/folders").await;
    a.get(&format!("/v1/email/folders/{}", id(&folder))).await;
    let to = json!([{"address": "alexw@contoso.com"}]);
    a.post("/v1/email/messages", json!({"subject": "Hi", "to": to}))
        .await;
    let big = STANDARD.encode(vec![7u8; 3_500_000]);
    let large =
        json!({"subject": "Big", "to": to, "attachments": [{"name": "big.bin", "content": big}]});
    a.post("/v1/email/messages?returnIds=true", large).await;
    let reply = format!("/v1/email/messages/{m}/reply");
    a.post(&reply, json!({"body": "Thanks"})).await;
    a.post(&format!("{reply}?returnIds=true"), json!({"body": "Again"}))
        .await;
    let file = |name: &str| json!([{"name": name, "content": STANDARD.encode(name)}]);
    let draft = a
        .post(
            "/v1/email/drafts",
            json!({"subject": "D", "attachments": file("a.txt")}),
        )
        .await;
    let d = format!("/v1/email/drafts/{}", id(&draft));
    a.put(
        &d,
        json!({"subject": "D2", "to": to, "attachments": file("b.txt")}),
    )
    .await;
    a.get(&d).await;
    a.delete(&d).await;
    let draft = a
        .post("/v1/email/drafts", json!({"subject": "E", "to": to}))
        .await;
    a.send(
        Method::POST,
        &format!("/v1/email/drafts/{}/send", id(&draft)),
        None,
    )
    .await;
    let att = urlencode(&att);
    a.get(&format!("/v1/email/messages/{m}/attachments/{att}"))
        .await;
    a.delete(&format!("/v1/email/messages/{m}")).await;
    sync(&a, "/v1/email/sync").await;
}

async fn calendar(app: &TestApp, l: &Linked) {
    let a = As(app, l);
    a.get("/v1/calendars").await;
    a.get("/v1/calendars/primary").await;
    let cal = a.post("/v1/calendars", json!({"name": "Team"})).await;
    a.patch(
        &format!("/v1/calendars/{}", id(&cal)),
        json!({"name": "Team 2"}),
    )
    .await;
    let at = |t: &str| json!({"dateTime": t, "timezone": "Europe/Berlin"});
    let event = json!({"subject": "Review", "start": at("2024-05-01T10:00:00+02:00"), "end": at("2024-05-01T11:00:00+02:00")});
    let e = a
        .post("/v1/calendars/primary/events?returnRecord=true", event)
        .await;
    let path = format!("/v1/calendars/primary/events/{}", id(&e));
    a.get("/v1/calendars/primary/events/range?timeMin=2024-04-30T00:00:00Z&timeMax=2024-05-02T00:00:00Z").await;
    a.get(&path).await;
    a.patch(&path, json!({"subject": "Review 2"})).await;
    for response in ["accepted", "tentative", "declined"] {
        a.put(&format!("{path}/response"), json!({"response": response}))
            .await;
    }
    let uid = urlencode(e["iCalUId"].as_str().unwrap());
    a.get(&format!("/v1/calendars/primary/events/find?iCalUId={uid}"))
        .await;
    let raw_id = e["id"].as_str().unwrap();
    let att = urlencode(
        &app.ms
            .add_event_attachment(ADELE, raw_id, "agenda.pdf", b"%PDF"),
    );
    a.get(&format!("{path}/attachments/{att}")).await;
    a.delete(&path).await;
    let weekly = json!({"subject": "Weekly", "start": at("2024-01-01T10:00:00+01:00"), "end": at("2024-01-01T11:00:00+01:00"),
        "recurrence": {"simple": {"pattern": {"frequency": "weekly"}, "range": {"type": "byCount", "count": 3}}}});
    let master = a
        .post("/v1/calendars/primary/events?returnRecord=true", weekly)
        .await;
    a.get(&format!(
        "/v1/calendars/primary/events/{}/series",
        id(&master)
    ))
    .await;
    let window = json!({"timeMin": "2024-05-01T00:00:00Z", "timeMax": "2024-05-02T00:00:00Z", "emails": [ADELE]});
    a.post("/v1/calendars/freeBusy", window).await;
    sync(&a, "/v1/calendars/primary/sync").await;
}

async fn contacts(app: &TestApp, l: &Linked) {
    let a = As(app, l);
    let c = a
        .post("/v1/contacts", json!({"name": {"givenName": "Pavel"}}))
        .await;
    app.ms
        .set_contact_photo(ADELE, c["id"].as_str().unwrap(), b"jpeg");
    let path = format!("/v1/contacts/{}", id(&c));
    a.get("/v1/contacts").await;
    a.get(&format!("{path}?withPhoto=true")).await;
    a.patch(&path, json!({"notes": "Mornings"})).await;
    a.delete(&path).await;
    sync(&a, "/v1/contacts/sync").await;
}

/// Starts a sync and reads both of its streams once.
async fn sync(a: &As<'_>, path: &str) {
    let status = a.post(path, json!({})).await;
    for (stream, token) in [
        ("updated", "syncUpdatedToken"),
        ("deleted", "syncDeletedToken"),
    ] {
        let token = urlencode(status[token].as_str().unwrap());
        a.get(&format!("{path}/{stream}?deltaToken={token}")).await;
    }
}

async fn tasks(app: &TestApp, l: &Linked) {
    let a = As(app, l);
    a.get("/v1/tasklists").await;
    let list = a.post("/v1/tasklists", json!({"title": "Errands"})).await;
    let path = format!("/v1/tasklists/{}", id(&list));
    a.get(&path).await;
    a.patch(&path, json!({"title": "Errands 2"})).await;
    let task = a
        .post(&format!("{path}/tasks"), json!({"title": "Milk"}))
        .await;
    let t = format!("{path}/tasks/{}", id(&task));
    a.get(&format!("{path}/tasks")).await;
    a.get(&t).await;
    a.patch(&t, json!({"status": "completed"})).await;
    a.delete(&t).await;
    sync(&a, &format!("{path}/sync")).await;
    a.delete(&path).await;
}

/// Subscribes to a To Do list's tasks (opening a Graph subscription), has it renewed, and
/// unsubscribes (deleting it).
async fn push(app: &TestApp, l: &Linked) {
    let a = As(app, l);
    let receiver = crate::receiver::Receiver::start().await;
    let body = json!({"resource": "/tasklists/default/tasks", "notificationUrl": receiver.url});
    let s = a.post("/v1/subscriptions", body).await;
    let graph = loop {
        if let Some(g) = app.ms.subscriptions().pop() {
            break g;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        graph.resource.starts_with("me/todo/lists/"),
        "{}",
        graph.resource
    );
    app.ms.lifecycle(&graph.id, "reauthorizationRequired").await;
    while !app.ms.surface_hits().contains_key("subscription.update") {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    a.delete(&format!("/v1/subscriptions/{}", s["id"])).await;
}

#[tokio::test]
async fn every_listed_graph_request_is_driven_through_the_strict_fake() {
    let app = spawn_app_with(&[
        ("SWITCHBOARD_WEBHOOK_PUSH", "on"),
        ("SWITCHBOARD_WEBHOOK_POLL_EVERY", "3600"),
    ])
    .await;
    let client = app.create_client().await;
    app.ms.add_user(User::work(ADELE, "Adele Vance"));
    let scopes = "Mail.All Calendar.ReadWrite Contacts.ReadWrite Tasks.ReadWrite";
    let l = app.link(&client, scopes).await;
    mail(&app, &l).await;
    calendar(&app, &l).await;
    contacts(&app, &l).await;
    tasks(&app, &l).await;
    push(&app, &l).await;
    // A service account finds a mailbox of its organisation in the directory.
    let service = crate::service_accounts::consent(&app, &client, "Mail.Read").await;
    crate::service_accounts::managed(&app, &client, service.account_id, ADELE).await;
    let hits = app.ms.surface_hits();
    let missed: Vec<&str> = GRAPH_REQUESTS
        .iter()
        .chain([&UPLOAD_RANGE])
        .map(|c| c.name)
        .filter(|name| !hits.contains_key(name))
        .collect();
    assert!(missed.is_empty(), "listed but never driven: {missed:?}");
    assert!(app.ms.unlisted_requests().is_empty());
    for c in GRAPH_REQUESTS {
        assert!(
            c.doc_url().starts_with("https://learn.microsoft.com/"),
            "{}",
            c.name
        );
    }
}

/// What Graph answers a request sent as is through the direct API.
async fn direct(app: &TestApp, l: &Linked, path: &str, prefer: Option<&str>) -> (u16, Value) {
    let mut r = app
        .http
        .get(format!("{}/v1/direct{path}", app.address))
        .bearer_auth(&l.token);
    if let Some(p) = prefer {
        r = r.header("Prefer", p);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_fake_refuses_what_graph_refuses() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    app.ms.add_user(User::work(ADELE, "Adele Vance"));
    let m = message(1, "Logo inside");
    let mid = m["id"].as_str().unwrap().to_string();
    app.ms.add_messages(ADELE, vec![m]);
    let att = app
        .ms
        .add_attachment(ADELE, &mid, "logo.png", "image/png", b"png");
    app.ms.make_inline(ADELE, &mid, &att, "logo@01");
    let l = app.link(&client, "Mail.Read Calendar.Read").await;
    let one = format!("/me/messages/{}", urlencode(&mid));

    // A derived type's property inside $expand: refused unless cast.
    let base = format!("{one}?$expand=attachments($select=id,name,contentId)");
    let (status, body) = direct(&app, &l, &base, None).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "RequestBroker--ParseUri");
    assert_eq!(
        body["error"]["message"],
        "Could not find a property named 'contentId' on type 'microsoft.graph.attachment'."
    );
    let cast = format!(
        "{one}?$expand=attachments($select=id,name,microsoft.graph.fileAttachment/contentId)"
    );
    let (status, body) = direct(&app, &l, &cast, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["attachments"][0]["contentId"], "logo@01");
    assert!(body["attachments"][0].get("contentBytes").is_none());

    let refused = [
        (
            "/me/messages?$select=subjekt",
            None,
            "RequestBroker--ParseUri",
        ),
        (
            "/me/messages?$filter=sender/emailAddress/address eq 'a' and colour eq 'red'",
            None,
            "RequestBroker--ParseUri",
        ),
        (
            "/me/messages?$search=\"a\"&$orderby=receivedDateTime desc",
            None,
            "ErrorInvalidUrlQuery",
        ),
        ("/me/messages?$top=1001", None, "ErrorInvalidUrlQuery"),
        ("/me/messages?$frobnicate=1", None, "BadRequest"),
        ("/me/calendar/calendarView", None, "ErrorInvalidParameter"),
        ("/me/calendar/events?$search=\"lunch\"", None, "BadRequest"),
        ("/me/calendar/events?$expand=instances", None, "BadRequest"),
        (
            &one,
            Some("outlook.timezone=\"Mars Standard Time\""),
            "TimeZoneNotSupportedException",
        ),
        (&format!("{one}/$value?$select=subject"), None, "BadRequest"),
        // Delta: mail per folder only, few options, calendars through a window.
        ("/me/messages/delta", None, "BadRequest"),
        ("/me/calendar/events/delta", None, "BadRequest"),
        ("/me/mailFolders/inbox/messages/delta?$search=\"x\"", None, "ErrorInvalidUrlQuery"),
        ("/me/mailFolders/inbox/messages/delta?$filter=subject eq 'x'", None, "ErrorInvalidUrlQuery"),
        ("/me/calendarView/delta", None, "ErrorInvalidParameter"),
        ("/me/calendarView/delta?startDateTime=2024-01-01T00:00:00Z&endDateTime=2024-02-01T00:00:00Z&$select=subject", None, "ErrorInvalidUrlQuery"),
        ("/me/contacts/delta?$top=5", None, "ErrorInvalidUrlQuery"),
    ];
    for (path, prefer, code) in refused {
        let (status, body) = direct(&app, &l, path, prefer).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some(code)),
            "{path}: {body}"
        );
    }
}
