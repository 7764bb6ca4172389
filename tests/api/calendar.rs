use crate::helpers::{account, call, expect_error, spawn_app, urlencode, Linked, TestApp, ADELE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub(crate) async fn create(app: &TestApp, l: &Linked, event: Value) -> Value {
    let r = call(
        app,
        l,
        Method::POST,
        "/v1/calendars/primary/events?returnRecord=true",
        Some(event),
        None,
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    r.json().await.unwrap()
}

async fn range(app: &TestApp, l: &Linked, min: &str, max: &str) -> Vec<String> {
    let path = format!(
        "/v1/calendars/primary/events/range?timeMin={}&timeMax={}",
        urlencode(min),
        urlencode(max)
    );
    let page: Value = call(app, l, Method::GET, &path, None, None)
        .await
        .json()
        .await
        .unwrap();
    page["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn calendars_with_the_primary_alias() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    let page: Value = call(&app, &l, Method::GET, "/v1/calendars", None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["records"][0]["primary"], true);
    assert_eq!(page["records"][0]["accessRole"], "owner");
    let primary: Value = call(&app, &l, Method::GET, "/v1/calendars/primary", None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(primary["id"], page["records"][0]["id"]);
    let created: Value = call(
        &app,
        &l,
        Method::POST,
        "/v1/calendars",
        Some(json!({"name": "Bookings"})),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(created["primary"], false);
    let path = format!(
        "/v1/calendars/{}",
        urlencode(created["id"].as_str().unwrap())
    );
    let renamed: Value = call(
        &app,
        &l,
        Method::PATCH,
        &path,
        Some(json!({"name": "Client bookings"})),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(renamed["name"], "Client bookings");
    expect_error(
        call(
            &app,
            &l,
            Method::PATCH,
            &path,
            Some(json!({"description": "x"})),
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
}

#[tokio::test]
async fn an_event_created_in_one_zone_reads_right_in_its_own_and_in_utc() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    let created = create(&app, &l, json!({
        "subject": "Berlin stand-up", "description": "<p>Agenda</p>", "location": "Room 1",
        "start": {"dateTime": "2024-07-01T09:00:00+02:00", "timezone": "Europe/Berlin"},
        "end": {"dateTime": "2024-07-01T04:30:00-03:00", "timezone": "Europe/Berlin"},
        "meetingInfo": {"attendees": [{"emailAddress": {"address": "alex@contoso.com"}, "type": "optional"}], "onlineMeeting": true},
        "showAs": "tentative", "sensitivity": "private", "reminder": {"overrides": [{"minutes": 30}]}, "categories": ["Team"]
    })).await;
    let stored = app
        .ms
        .stored_event(ADELE, created["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        stored["start"],
        json!({"dateTime": "2024-07-01T09:00:00.0000000", "timeZone": "W. Europe Standard Time"}),
        "Outlook gets its Windows zone name and local time"
    );
    assert_eq!(stored["end"]["dateTime"], "2024-07-01T09:30:00.0000000");
    let e = &created["record"];
    assert_eq!(
        e["start"],
        json!({"dateTime": "2024-07-01T09:00:00+02:00", "timezone": "Europe/Berlin"})
    );
    assert_eq!(e["end"]["dateTime"], "2024-07-01T09:30:00+02:00");
    assert_eq!(e["showAs"], "tentative");
    assert_eq!(e["reminder"]["overrides"][0]["minutes"], 30);
    assert_eq!(e["meetingInfo"]["attendees"][0]["type"], "optional");
    assert!(
        e["meetingInfo"].get("onlineMeeting").is_none(),
        "write-only in the contract"
    );
    assert!(e["meetingInfo"]["onlineMeetingDetails"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://teams.microsoft.com/"));
    assert_eq!(e["recurrenceType"], "single");
    assert_eq!(e["organizer"]["emailAddress"]["address"], ADELE);
    // A Pacific client sees the same instant in the range it asks for.
    assert_eq!(
        range(
            &app,
            &l,
            "2024-06-30T23:30:00-07:00",
            "2024-07-01T00:15:00-07:00"
        )
        .await,
        ["Berlin stand-up"]
    );
}

#[tokio::test]
async fn dst_edges_and_all_day_events_keep_their_meaning() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    // Berlin springs forward at 02:00 on 31 March 2024: 01:30 CET to 03:30 CEST is one hour.
    let e = create(&app, &l, json!({"subject": "Night shift", "start": {"dateTime": "2024-03-31T01:30:00+01:00", "timezone": "Europe/Berlin"}, "end": {"dateTime": "2024-03-31T03:30:00+02:00", "timezone": "Europe/Berlin"}})).await;
    assert_eq!(
        e["record"]["start"]["dateTime"],
        "2024-03-31T01:30:00+01:00"
    );
    assert_eq!(e["record"]["end"]["dateTime"], "2024-03-31T03:30:00+02:00");
    assert_eq!(
        range(&app, &l, "2024-03-31T01:30:00Z", "2024-03-31T02:00:00Z").await,
        Vec::<String>::new(),
        "it ended at 01:30Z"
    );
    assert_eq!(
        range(&app, &l, "2024-03-31T01:29:00Z", "2024-03-31T03:00:00Z").await,
        ["Night shift"]
    );

    let all_day = create(&app, &l, json!({"subject": "Holiday", "start": {"dateOnly": "2024-05-01"}, "end": {"dateOnly": "2024-05-02"}})).await;
    assert_eq!(all_day["record"]["start"]["dateOnly"], "2024-05-01");
    assert_eq!(all_day["record"]["end"]["dateOnly"], "2024-05-02");
    assert!(all_day["record"]["start"].get("dateTime").is_none());
    assert_eq!(
        range(&app, &l, "2024-05-01T12:00:00Z", "2024-05-01T13:00:00Z").await,
        ["Holiday"]
    );
}

#[tokio::test]
async fn range_bounds_are_exclusive_as_the_contract_says() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.Read Calendar.ReadWrite").await;
    create(&app, &l, json!({"subject": "Ten", "start": {"dateTime": "2024-02-01T10:00:00Z"}, "end": {"dateTime": "2024-02-01T11:00:00Z"}})).await;
    assert_eq!(
        range(&app, &l, "2024-02-01T11:00:00Z", "2024-02-01T12:00:00Z").await,
        Vec::<String>::new(),
        "ending at timeMin: out"
    );
    assert_eq!(
        range(&app, &l, "2024-02-01T09:00:00Z", "2024-02-01T10:00:00Z").await,
        Vec::<String>::new(),
        "starting at timeMax: out"
    );
    assert_eq!(
        range(&app, &l, "2024-02-01T10:59:00Z", "2024-02-01T12:00:00Z").await,
        ["Ten"]
    );
    for _ in 0..11 {
        create(&app, &l, json!({"subject": "Many", "start": {"dateTime": "2024-02-02T10:00:00Z"}, "end": {"dateTime": "2024-02-02T11:00:00Z"}})).await;
    }
    let first: Value = call(&app, &l, Method::GET, "/v1/calendars/primary/events/range?timeMin=2024-02-02T00:00:00Z&timeMax=2024-02-03T00:00:00Z", None, None).await.json().await.unwrap();
    assert_eq!(first["length"], 11, "one page of Graph's 50");
    let bad = call(
        &app,
        &l,
        Method::GET,
        "/v1/calendars/primary/events/range?timeMin=2024-02-02T00:00:00",
        None,
        None,
    )
    .await;
    expect_error(bad, StatusCode::BAD_REQUEST, "badRequest").await;
}

#[tokio::test]
async fn events_change_with_etags_get_answered_and_deleted() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    let created = create(&app, &l, json!({"subject": "Sync", "start": {"dateTime": "2024-02-01T10:00:00Z"}, "end": {"dateTime": "2024-02-01T11:00:00Z"}})).await;
    let path = format!(
        "/v1/calendars/primary/events/{}",
        urlencode(created["id"].as_str().unwrap())
    );
    let r = call(
        &app,
        &l,
        Method::PATCH,
        &format!("{path}?returnRecord=true"),
        Some(json!({"subject": "Sync (moved)"})),
        created["etag"].as_str(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let updated: Value = r.json().await.unwrap();
    assert_eq!(updated["record"]["subject"], "Sync (moved)");
    assert_eq!(
        updated["record"]["start"]["dateTime"], "2024-02-01T10:00:00Z",
        "untouched"
    );
    let stale = call(
        &app,
        &l,
        Method::PATCH,
        &path,
        Some(json!({"subject": "lost"})),
        created["etag"].as_str(),
    )
    .await;
    expect_error(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "precondition.failed",
    )
    .await;
    let r = call(
        &app,
        &l,
        Method::PUT,
        &format!("{path}/response"),
        Some(json!({"response": "tentative", "comment": "Maybe"})),
        None,
    )
    .await;
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"status": "Ok"}));
    let stored = app
        .ms
        .stored_event(ADELE, created["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(stored["responseStatus"]["response"], "tentativelyAccepted");
    assert_eq!(stored["_lastComment"], "Maybe");
    let read: Value = call(&app, &l, Method::GET, &path, None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["meetingInfo"]["response"], "tentative");
    assert_eq!(
        call(&app, &l, Method::DELETE, &path, None, None)
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
async fn events_outlook_cannot_hold_are_refused() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    let requests = app.ms.counters().graph_requests;
    let at = |s: &str, e: &str| json!({"subject": "x", "start": {"dateTime": s}, "end": {"dateTime": e}});
    for (body, words) in [
        (at("2024-02-01T10:00:00", "2024-02-01T11:00:00Z"), "offset"),
        (
            json!({"subject": "x", "start": {"dateTime": "2024-02-01T10:00:00Z", "timezone": "Mars/Olympus"}, "end": {"dateTime": "2024-02-01T11:00:00Z"}}),
            "IANA",
        ),
        (
            json!({"subject": "x", "start": {"dateOnly": "2024-02-01"}, "end": {"dateTime": "2024-02-01T11:00:00Z"}}),
            "both",
        ),
        (
            at("2024-02-01T11:00:00Z", "2024-02-01T10:00:00Z"),
            "after start",
        ),
        (
            json!({"subject": "x", "start": {"dateTime": "2024-02-01T10:00:00Z"}}),
            "both start and end",
        ),
        (
            json!({"subject": "x", "start": {"dateTime": "2024-02-01T10:00:00Z"}, "end": {"dateTime": "2024-02-01T11:00:00Z"}, "reminder": {"overrides": [{"minutes": 5}, {"minutes": 10}]}}),
            "one reminder",
        ),
    ] {
        let r = call(
            &app,
            &l,
            Method::POST,
            "/v1/calendars/primary/events",
            Some(body),
            None,
        )
        .await;
        let e = expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;
        assert!(
            e["message"].as_str().unwrap().contains(words),
            "{words}: {e}"
        );
    }
    let invite = json!({"subject": "x", "start": {"dateTime": "2024-02-01T10:00:00Z"}, "end": {"dateTime": "2024-02-01T11:00:00Z"}, "meetingInfo": {"attendees": [{"emailAddress": {"address": "a@contoso.com"}}]}});
    let e = expect_error(
        call(
            &app,
            &l,
            Method::POST,
            "/v1/calendars/primary/events?notifyAttendees=false",
            Some(invite),
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
    assert!(e["message"].as_str().unwrap().contains("invitations"));
    assert_eq!(
        app.ms.counters().graph_requests,
        requests,
        "refused before Microsoft"
    );
    let reader = {
        let client = app.create_client().await;
        app.link(&client, "Calendar.Read").await
    };
    expect_error(
        call(
            &app,
            &reader,
            Method::POST,
            "/v1/calendars/primary/events",
            Some(at("2024-02-01T10:00:00Z", "2024-02-01T11:00:00Z")),
            None,
        )
        .await,
        StatusCode::FORBIDDEN,
        "scope.missing",
    )
    .await;
}

#[tokio::test]
async fn events_are_found_by_ical_uid_and_their_attachments_read() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    let created = create(&app, &l, json!({"subject": "Contract review", "start": {"dateTime": "2024-02-01T10:00:00Z"}, "end": {"dateTime": "2024-02-01T11:00:00Z"}})).await;
    create(&app, &l, json!({"subject": "Other", "start": {"dateTime": "2024-02-01T12:00:00Z"}, "end": {"dateTime": "2024-02-01T13:00:00Z"}})).await;
    let uid = created["iCalUId"].as_str().unwrap();
    let found: Value = call(
        &app,
        &l,
        Method::GET,
        &format!(
            "/v1/calendars/primary/events/find?iCalUId={}",
            urlencode(uid)
        ),
        None,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(found["length"], 1);
    assert_eq!(found["records"][0]["subject"], "Contract review");
    assert_eq!(found["records"][0]["iCalUid"], uid);
    let none: Value = call(
        &app,
        &l,
        Method::GET,
        "/v1/calendars/primary/events/find?iCalUId=O%27Brien",
        None,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(none["length"], 0);
    expect_error(
        call(
            &app,
            &l,
            Method::GET,
            "/v1/calendars/primary/events/find",
            None,
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;

    let id = created["id"].as_str().unwrap();
    let att = app
        .ms
        .add_event_attachment(ADELE, id, "contract.pdf", b"%PDF-1.7");
    let path = format!(
        "/v1/calendars/primary/events/{}/attachments/{}",
        urlencode(id),
        urlencode(&att)
    );
    let a: Value = call(&app, &l, Method::GET, &path, None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["name"], "contract.pdf");
    use base64::Engine;
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(a["content"].as_str().unwrap())
            .unwrap(),
        b"%PDF-1.7"
    );
    let read: Value = call(
        &app,
        &l,
        Method::GET,
        &format!("/v1/calendars/primary/events/{}", urlencode(id)),
        None,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(read["hasAttachments"], true);
}
