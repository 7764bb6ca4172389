//! Fields of the contract that Graph can fill, filled; its inputs honoured or refused by name.

use crate::calendar::create;
use crate::fake_microsoft::{message, User};
use crate::helpers::{account, call, expect_error, spawn_app, urlencode, TestApp, ADELE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn get(app: &TestApp, l: &crate::helpers::Linked, path: &str) -> Value {
    let r = call(app, l, Method::GET, path, None, None).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

/// A meeting request marked private, with an inline picture, and a reply quoting its parent.
fn mailbox(app: &TestApp, refuses_casts: bool) -> String {
    app.ms.add_user(User {
        refuses_casts,
        ..User::work(ADELE, "Adele Vance")
    });
    let mut m = message(1, "Planning");
    m["@odata.type"] = json!("#microsoft.graph.eventMessageRequest");
    m["meetingMessageType"] = json!("meetingRequest");
    m["_extended"] = json!([{"id": "Integer 0x0036", "value": "2"}]);
    m["body"]["content"] = json!("<p>New words</p><hr><p>Quoted words</p>");
    let id = m["id"].as_str().unwrap().to_string();
    app.ms.add_messages(ADELE, vec![m]);
    let att = app
        .ms
        .add_attachment(ADELE, &id, "logo.png", "image/png", b"png");
    app.ms.make_inline(ADELE, &id, &att, "logo@01");
    id
}

#[tokio::test]
async fn a_message_has_its_thread_index_meeting_method_and_sensitivity() {
    for refuses_casts in [false, true] {
        let app = spawn_app().await;
        let client = app.create_client().await;
        let id = mailbox(&app, refuses_casts);
        let l = app.link(&client, "Mail.Read").await;
        let m = get(&app, &l, &format!("/v1/email/messages/{}", urlencode(&id))).await;
        assert_eq!(m["threadIndex"], "AdQ001ZbLtwQn8mQ==");
        assert_eq!(m["sensitivity"], "private");
        assert_eq!(
            m["attachments"][0]["contentId"], "logo@01",
            "casts refused: {refuses_casts}"
        );
        let listed = get(&app, &l, "/v1/email/messages").await;
        assert_eq!(listed["records"][0]["threadIndex"], "AdQ001ZbLtwQn8mQ==");
        let method = if refuses_casts {
            Value::Null
        } else {
            json!("request")
        };
        assert_eq!(
            m["meetingMessageMethod"], method,
            "casts refused: {refuses_casts}"
        );
        assert_eq!(listed["records"][0]["meetingMessageMethod"], method);
    }
}

#[tokio::test]
async fn strip_quoted_gives_only_what_is_new_in_the_message() {
    let app = spawn_app().await;
    let client = app.create_client().await;
    let id = mailbox(&app, false);
    let l = app.link(&client, "Mail.Read").await;
    let path = format!("/v1/email/messages/{}", urlencode(&id));
    let whole = get(&app, &l, &path).await;
    assert!(whole["body"].as_str().unwrap().contains("Quoted words"));
    let new = get(
        &app,
        &l,
        &format!("{path}?stripQuoted=true&requireThreadId=true"),
    )
    .await;
    assert_eq!(new["body"], "<p>New words</p>");
    let r = call(
        &app,
        &l,
        Method::GET,
        &format!("{path}?nativeProperties=importance"),
        None,
        None,
    )
    .await;
    let e = expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
    assert!(e["message"].as_str().unwrap().contains("nativeProperties"));
}

#[tokio::test]
async fn events_carry_attachments_meeting_details_and_attendee_permissions() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    let at = |t: &str| json!({"dateTime": t, "timezone": "UTC"});
    let created = create(&app, &l, json!({"subject": "Design review", "start": at("2024-05-01T10:00:00Z"), "end": at("2024-05-01T11:00:00Z"),
        "meetingInfo": {"attendees": [{"emailAddress": {"address": "alex@contoso.com"}}], "onlineMeeting": true, "attendeePermissions": ["inviteOthers"]}})).await;
    assert!(created["onlineMeetingDetails"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://teams.microsoft.com/"));
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.ms.stored_event(ADELE, &id).unwrap()["hideAttendees"],
        true,
        "no seeOthers"
    );
    assert_eq!(
        created["record"]["meetingInfo"]["attendeePermissions"],
        json!(["inviteOthers"])
    );
    app.ms
        .add_event_attachment(ADELE, &id, "agenda.pdf", b"%PDF");
    let path = format!("/v1/calendars/primary/events/{}", urlencode(&id));
    let event = get(&app, &l, &path).await;
    assert_eq!(event["attachments"][0]["name"], "agenda.pdf");
    assert!(
        event["attachments"][0].get("content").is_none(),
        "described, not loaded"
    );
    let range = get(&app, &l, "/v1/calendars/primary/events/range?timeMin=2024-05-01T00:00:00Z&timeMax=2024-05-02T00:00:00Z").await;
    assert_eq!(range["records"][0]["omitted"], json!(["attachments"]));
    let refused = [
        json!({"meetingInfo": {"attendeePermissions": ["modify"]}}),
        json!({"attachments": [{"id": "x", "name": "a.txt", "inline": false}]}),
    ];
    for body in refused {
        let r = call(&app, &l, Method::PATCH, &path, Some(body), Some("*")).await;
        expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
    }
    let r = call(
        &app,
        &l,
        Method::PATCH,
        &path,
        Some(json!({"subject": "No etag"})),
        None,
    )
    .await;
    expect_error(
        r,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition.required",
    )
    .await;
    let r = call(
        &app,
        &l,
        Method::DELETE,
        &format!("{path}?notifyAttendees=false"),
        None,
        None,
    )
    .await;
    let e = expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
    assert!(
        e["message"].as_str().unwrap().contains("cancellation"),
        "{e}"
    );
    assert!(app.ms.stored_event(ADELE, &id).is_some(), "not deleted");
}

#[tokio::test]
async fn events_are_found_by_several_ical_uids_at_once() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    let at = |t: &str| json!({"dateTime": t, "timezone": "UTC"});
    let mut uids = Vec::new();
    for n in 0..12 {
        let start = format!("2024-06-{:02}T09:00:00Z", n + 1);
        let end = format!("2024-06-{:02}T10:00:00Z", n + 1);
        let e = create(
            &app,
            &l,
            json!({"subject": format!("E{n}"), "start": at(&start), "end": at(&end)}),
        )
        .await;
        uids.push(e["iCalUId"].as_str().unwrap().to_string());
    }
    let query: String = uids
        .iter()
        .map(|u| format!("iCalUId={}&", urlencode(u)))
        .collect();
    let found = get(
        &app,
        &l,
        &format!("/v1/calendars/primary/events/find?{query}"),
    )
    .await;
    assert_eq!(found["length"], 12, "past Graph's page of 10");
    let none = call(
        &app,
        &l,
        Method::GET,
        "/v1/calendars/primary/events/find",
        None,
        None,
    )
    .await;
    expect_error(none, StatusCode::BAD_REQUEST, "badRequest").await;
}

#[tokio::test]
async fn contacts_lists_and_calendars_answer_as_the_contract_says() {
    let app = spawn_app().await;
    let l = account(
        &app,
        "Contacts.ReadWrite Tasks.ReadWrite Calendar.ReadWrite",
    )
    .await;
    let c: Value = call(
        &app,
        &l,
        Method::POST,
        "/v1/contacts",
        Some(json!({"name": {"givenName": "Pavel"}, "notes": "<b>VIP</b>"})),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let path = format!("/v1/contacts/{}", urlencode(c["id"].as_str().unwrap()));
    let r = call(
        &app,
        &l,
        Method::PATCH,
        &path,
        Some(json!({"notes": "x"})),
        None,
    )
    .await;
    expect_error(
        r,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition.required",
    )
    .await;
    let html = get(&app, &l, &format!("{path}?bodyType=html")).await;
    assert_eq!(html["notes"], "&lt;b&gt;VIP&lt;/b&gt;");
    let r = call(
        &app,
        &l,
        Method::PATCH,
        "/v1/tasklists/default",
        Some(json!({"title": "Renamed"})),
        None,
    )
    .await;
    expect_error(
        r,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition.required",
    )
    .await;
    let list = get(&app, &l, "/v1/tasklists/default").await;
    assert_eq!(list["owner"], true);
    let calendar = get(&app, &l, "/v1/calendars/primary").await;
    assert_eq!(calendar["multipleRemindersSupported"], false);
    let r = call(
        &app,
        &l,
        Method::GET,
        "/v1/calendars?mode=group",
        None,
        None,
    )
    .await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
}

#[tokio::test]
async fn street_lines_and_raw_addresses_are_honoured() {
    let app = spawn_app().await;
    let l = account(&app, "Contacts.ReadWrite Mail.All").await;
    let address = json!({"street": "1 Main St", "streetLine2": "Suite 200", "city": "Redmond", "type": "work"});
    let created: Value = call(
        &app,
        &l,
        Method::POST,
        "/v1/contacts",
        Some(json!({"name": {"givenName": "Pavel"}, "addresses": [address]})),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        app.ms.stored_contact(ADELE, id).unwrap()["businessAddress"]["street"],
        "1 Main St\nSuite 200"
    );
    assert_eq!(
        created["record"]["addresses"][0]["streetLine2"],
        "Suite 200"
    );
    let email = json!({"subject": "Raw", "to": [{"raw": "\"Alex Wilber\" <alexw@contoso.com>"}, {"raw": "dan@contoso.com"}]});
    let r = call(
        &app,
        &l,
        Method::POST,
        "/v1/email/messages?returnIds=true",
        Some(email),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let sent = app
        .ms
        .stored_message(
            ADELE,
            r.json::<Value>().await.unwrap()["id"].as_str().unwrap(),
        )
        .unwrap();
    assert_eq!(
        sent["toRecipients"][0]["emailAddress"],
        json!({"name": "Alex Wilber", "address": "alexw@contoso.com"})
    );
    assert_eq!(
        sent["toRecipients"][1]["emailAddress"]["address"],
        "dan@contoso.com"
    );
    let bad = json!({"to": [{"raw": "Alex <alexw@contoso.com"}]});
    let r = call(
        &app,
        &l,
        Method::POST,
        "/v1/email/messages",
        Some(bad),
        None,
    )
    .await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
}
