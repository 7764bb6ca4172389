use crate::fake_microsoft::User;
use crate::helpers::{expect_error, spawn_app, Linked, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const DAY_MIN: &str = "2024-01-16T00:00:00Z";
const DAY_MAX: &str = "2024-01-17T00:00:00Z";

/// Adele in New York (the account), Bob in London, Carol in Berlin, on a winter Tuesday: their
/// working hours (08:00 to 17:00 local) overlap from 13:00 to 16:00 UTC.
async fn three_people(app: &TestApp) -> Linked {
    let client = app.create_client().await;
    app.ms.add_user(User {
        time_zone: "Eastern Standard Time".into(),
        ..User::work("adele@contoso.com", "Adele")
    });
    app.ms.add_user(User {
        time_zone: "GMT Standard Time".into(),
        ..User::work("bob@contoso.com", "Bob")
    });
    app.ms.add_user(User {
        time_zone: "W. Europe Standard Time".into(),
        ..User::work("carol@contoso.com", "Carol")
    });
    app.ms.sign_in_as("adele@contoso.com");
    app.ms.add_event(
        "bob@contoso.com",
        "Standup",
        "2024-01-16T13:00:00",
        "2024-01-16T14:00:00",
        "busy",
    );
    app.ms.add_event(
        "carol@contoso.com",
        "Maybe",
        "2024-01-16T15:00:00",
        "2024-01-16T15:30:00",
        "tentative",
    );
    app.ms.add_event(
        "adele@contoso.com",
        "Early",
        "2024-01-16T09:00:00",
        "2024-01-16T10:00:00",
        "busy",
    );
    app.link(&client, "Calendar.Read").await
}

async fn post(app: &TestApp, l: &Linked, path: &str, body: Value) -> reqwest::Response {
    app.http
        .post(format!("{}{path}", app.address))
        .bearer_auth(&l.token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn slots(app: &TestApp, l: &Linked, extra: Value) -> Vec<String> {
    let mut body = json!({"timeMin": DAY_MIN, "timeMax": DAY_MAX, "durationMinutes": 30,
        "attendees": [{"email": "adele@contoso.com"}, {"email": "bob@contoso.com"}, {"email": "carol@contoso.com"}]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = post(app, l, "/v1/calendars/suggestMeetingTimes", body).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let v: Value = r.json().await.unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap()[11..16].to_string())
        .collect()
}

#[tokio::test]
async fn free_busy_shows_each_persons_busy_time_and_working_hours() {
    let app = spawn_app().await;
    let l = three_people(&app).await;
    let r = post(&app, &l, "/v1/calendars/freeBusy", json!({"timeMin": DAY_MIN, "timeMax": DAY_MAX, "emails": ["bob@contoso.com", "carol@contoso.com", "nobody@contoso.com"]})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page: Value = r.json().await.unwrap();
    let records = page["records"].as_array().unwrap();
    assert_eq!(
        records[0]["items"],
        json!([{"start": "2024-01-16T13:00:00Z", "end": "2024-01-16T14:00:00Z", "status": "busy"}])
    );
    assert_eq!(records[0]["workHours"]["timezone"], "Europe/London");
    assert_eq!(
        records[0]["workHours"]["daySchedules"][0],
        json!({"dayOfWeek": "monday", "workingIntervals": [{"start": "08:00:00", "end": "17:00:00"}]})
    );
    assert_eq!(records[1]["items"][0]["status"], "tentative");
    assert_eq!(records[1]["workHours"]["timezone"], "Europe/Berlin");
    assert!(records[2]["error"]
        .as_str()
        .unwrap()
        .contains("could not be found"));
    let own: Value = post(
        &app,
        &l,
        "/v1/calendars/freeBusy",
        json!({"timeMin": DAY_MIN, "timeMax": DAY_MAX}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        own["records"][0]["email"], "adele@contoso.com",
        "no emails: the account itself"
    );
}

#[tokio::test]
async fn suggested_times_are_free_for_everyone_inside_everyones_working_hours() {
    let app = spawn_app().await;
    let l = three_people(&app).await;
    assert_eq!(
        slots(&app, &l, json!({})).await,
        ["14:00", "14:30", "15:30"],
        "13:00 Bob is busy, 15:00 Carol is tentative, 16:00 Carol has gone home"
    );
    assert_eq!(
        slots(&app, &l, json!({"bufferBetweenMinutes": 15})).await,
        ["14:00", "15:30"],
        "14:30 leaves no 15 minutes before Carol's"
    );
    assert_eq!(
        slots(&app, &l, json!({"freeStatuses": ["free", "tentative"]})).await,
        ["14:00", "14:30", "15:00", "15:30"]
    );
    assert_eq!(
        slots(
            &app,
            &l,
            json!({"durationMinutes": 60, "availabilityStep": 60})
        )
        .await,
        ["14:00"]
    );
    let r = post(
        &app,
        &l,
        "/v1/calendars/suggestMeetingTimes",
        json!({"timeMin": DAY_MIN, "timeMax": DAY_MAX, "durationMinutes": 30,
        "attendees": [{"email": "bob@contoso.com"}, {"email": "carol@contoso.com"}]}),
    )
    .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v["attendees"][0]["timezone"], "Europe/London",
        "each attendee's zone is reported"
    );
}

#[tokio::test]
async fn attendees_outside_the_tenant_can_bring_their_own_hours_and_busy_time() {
    let app = spawn_app().await;
    let l = three_people(&app).await;
    let guest = json!({"timezone": "Asia/Tokyo", "busyIntervals": [{"start": "2024-01-16T00:00:00Z", "end": "2024-01-16T00:30:00Z"}],
        "workHours": {"timezone": "Asia/Tokyo", "daySchedules": [{"dayOfWeek": "tuesday", "workingIntervals": [{"start": "08:00:00", "end": "10:00:00"}]}]}});
    // Tokyo 08:00 to 10:00 on Tuesday is 23:00 to 01:00 UTC (Monday to Tuesday); with Bob's day, nothing fits.
    let r = post(&app, &l, "/v1/calendars/suggestMeetingTimes", json!({"timeMin": DAY_MIN, "timeMax": DAY_MAX, "durationMinutes": 30, "attendees": [guest.clone()]})).await;
    let v: Value = r.json().await.unwrap();
    let alone: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        alone,
        ["2024-01-16T00:30:00Z"],
        "00:00 is busy, 01:00 is 10:00 in Tokyo"
    );
    assert!(slots(
        &app,
        &l,
        json!({"attendees": [{"email": "bob@contoso.com"}, guest]})
    )
    .await
    .is_empty());
}

#[tokio::test]
async fn availability_requests_are_checked() {
    let app = spawn_app().await;
    let l = three_people(&app).await;
    for body in [
        json!({"timeMin": DAY_MIN, "timeMax": DAY_MAX, "durationMinutes": 0}),
        json!({"timeMin": DAY_MAX, "timeMax": DAY_MIN, "durationMinutes": 30}),
        json!({"timeMin": DAY_MIN, "timeMax": DAY_MAX, "durationMinutes": 30, "freeStatuses": ["maybe"]}),
        json!({"timeMin": DAY_MIN, "timeMax": DAY_MAX, "durationMinutes": 30, "availabilityIntervals": {"intervals": []}}),
        json!({"timeMin": DAY_MIN, "timeMax": DAY_MAX, "durationMinutes": 30, "defaultTimezone": "Moon/Base"}),
        json!({"timeMin": "tomorrow", "timeMax": DAY_MAX, "durationMinutes": 30}),
    ] {
        expect_error(
            post(&app, &l, "/v1/calendars/suggestMeetingTimes", body).await,
            StatusCode::BAD_REQUEST,
            "badRequest",
        )
        .await;
    }
    let many: Vec<String> = (0..21).map(|n| format!("p{n}@contoso.com")).collect();
    expect_error(
        post(
            &app,
            &l,
            "/v1/calendars/freeBusy",
            json!({"timeMin": DAY_MIN, "timeMax": DAY_MAX, "emails": many}),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "badRequest",
    )
    .await;
}
