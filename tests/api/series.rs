//! Recurring series: written as `simple` or `RRULE`, read back both ways, expanded in ranges,
//! occurrences found by their planned date, and exceptions and deletions reported by the series.

use crate::calendar::create;
use crate::helpers::{account, call, expect_error, spawn_app, urlencode, Linked, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn get(app: &TestApp, l: &Linked, path: &str) -> Value {
    let r = call(app, l, Method::GET, path, None, None).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

async fn range(app: &TestApp, l: &Linked, min: &str, max: &str) -> Vec<Value> {
    let path = format!(
        "/v1/calendars/primary/events/range?timeMin={}&timeMax={}",
        urlencode(min),
        urlencode(max)
    );
    get(app, l, &path).await["records"]
        .as_array()
        .unwrap()
        .clone()
}

fn berlin(t: &str) -> Value {
    json!({"dateTime": t, "timezone": "Europe/Berlin"})
}

#[tokio::test]
async fn a_weekly_series_reports_its_changed_and_deleted_occurrences() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    let master = create(&app, &l, json!({
        "subject": "Standup",
        "start": berlin("2024-01-08T09:00:00+01:00"), "end": berlin("2024-01-08T09:30:00+01:00"),
        "recurrence": {"simple": {"pattern": {"frequency": "weekly", "daysOfWeek": ["monday"]}, "range": {"type": "byCount", "count": 6}}}
    })).await;
    let record = &master["record"];
    assert_eq!(record["recurrenceType"], "master");
    let simple = &record["recurrence"]["simple"];
    assert_eq!(simple["pattern"]["frequency"], "weekly");
    assert_eq!(simple["pattern"]["daysOfWeek"], json!(["monday"]));
    assert_eq!(simple["range"]["type"], "byCount");
    assert_eq!(simple["range"]["count"], 6);
    let rule = record["recurrence"]["ical"]["rules"][0].as_str().unwrap();
    assert!(
        rule.starts_with("RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO"),
        "{rule}"
    );
    assert!(rule.contains("COUNT=6"), "{rule}");
    let id = master["id"].as_str().unwrap();
    let base = format!("/v1/calendars/primary/events/{}", urlencode(id));

    let all = range(&app, &l, "2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z").await;
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|e| e["recurrenceType"] == "occurrence"
        && e["occurrenceInfo"]["masterId"] == id
        && e["occurrenceInfo"]["type"] == "regular"));
    assert_eq!(all[1]["start"]["dateTime"], "2024-01-15T09:00:00+01:00");

    // Found by planned date or by planned time; then changed and deleted.
    let second = get(&app, &l, &format!("{base}/occurrences/2024-01-15")).await;
    assert_eq!(second["start"]["dateTime"], "2024-01-15T09:00:00+01:00");
    let by_time = get(
        &app,
        &l,
        &format!("{base}/occurrences/{}", urlencode("2024-02-05T08:00:00Z")),
    )
    .await;
    assert_eq!(by_time["start"]["dateTime"], "2024-02-05T09:00:00+01:00");
    let second_path = format!(
        "/v1/calendars/primary/events/{}",
        urlencode(second["id"].as_str().unwrap())
    );
    let r = call(
        &app,
        &l,
        Method::PATCH,
        &second_path,
        Some(json!({
            "subject": "Standup (moved)",
            "start": berlin("2024-01-16T10:00:00+01:00"), "end": berlin("2024-01-16T10:30:00+01:00")
        })),
        Some("*"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let fourth = get(&app, &l, &format!("{base}/occurrences/2024-01-29")).await;
    let fourth_path = format!(
        "/v1/calendars/primary/events/{}",
        urlencode(fourth["id"].as_str().unwrap())
    );
    let r = call(&app, &l, Method::DELETE, &fourth_path, None, None).await;
    assert_eq!(r.status(), StatusCode::OK);

    let series = get(&app, &l, &format!("{base}/series")).await;
    assert_eq!(series["id"], id);
    let modified = series["modifiedOccurrences"].as_array().unwrap();
    assert_eq!(modified.len(), 1, "{series}");
    assert_eq!(modified[0]["type"], "modified");
    assert_eq!(
        modified[0]["originalStart"]["dateTime"],
        "2024-01-15T09:00:00+01:00"
    );
    assert_eq!(
        modified[0]["start"]["dateTime"],
        "2024-01-16T10:00:00+01:00"
    );
    let deleted = series["deletedOccurrences"].as_array().unwrap();
    assert_eq!(deleted.len(), 1, "{series}");
    assert_eq!(deleted[0]["type"], "deleted");
    assert_eq!(deleted[0]["masterId"], id);
    assert_eq!(
        deleted[0]["originalStart"]["dateTime"],
        "2024-01-29T09:00:00+01:00"
    );
    assert_eq!(
        series["recurrence"]["simple"]["range"]["patternExclusions"][0]["dateTime"],
        "2024-01-29T09:00:00+01:00"
    );
    assert_eq!(
        series["recurrence"]["ical"]["rules"][1],
        "EXDATE:20240129T080000Z"
    );

    let moved = get(&app, &l, &format!("{base}/occurrences/2024-01-15")).await;
    assert_eq!(moved["subject"], "Standup (moved)");
    assert_eq!(moved["occurrenceInfo"]["type"], "modified");
    let r = call(
        &app,
        &l,
        Method::GET,
        &format!("{base}/occurrences/2024-01-29"),
        None,
        None,
    )
    .await;
    expect_error(r, StatusCode::NOT_FOUND, "occurrence.deleted").await;
    let r = call(
        &app,
        &l,
        Method::GET,
        &format!("{base}/occurrences/2024-01-09"),
        None,
        None,
    )
    .await;
    expect_error(r, StatusCode::NOT_FOUND, "occurrence.notFound").await;
    let r = call(
        &app,
        &l,
        Method::GET,
        &format!("{base}/occurrences/soon"),
        None,
        None,
    )
    .await;
    expect_error(r, StatusCode::BAD_REQUEST, "badRequest").await;

    let left = range(&app, &l, "2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z").await;
    assert_eq!(left.len(), 5);
    assert!(left.iter().any(|e| e["subject"] == "Standup (moved)"));
}

#[tokio::test]
async fn a_series_keeps_its_local_time_across_daylight_saving() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    let master = create(&app, &l, json!({
        "subject": "Review",
        "start": berlin("2024-03-18T09:00:00+01:00"), "end": berlin("2024-03-18T10:00:00+01:00"),
        "recurrence": {"simple": {"pattern": {"frequency": "weekly"}, "range": {"type": "byDate", "recurrenceEnd": "2024-04-08"}}}
    })).await;
    let starts: Vec<Value> = range(&app, &l, "2024-03-01T00:00:00Z", "2024-05-01T00:00:00Z")
        .await
        .iter()
        .map(|e| e["start"]["dateTime"].clone())
        .collect();
    assert_eq!(
        starts,
        [
            "2024-03-18T09:00:00+01:00",
            "2024-03-25T09:00:00+01:00",
            "2024-04-01T09:00:00+02:00",
            "2024-04-08T09:00:00+02:00",
        ]
    );

    // A new rule for the series keeps its start: here, it now ends a week earlier.
    let path = format!(
        "/v1/calendars/primary/events/{}",
        urlencode(master["id"].as_str().unwrap())
    );
    let rule = json!({"recurrence": {"simple": {"pattern": {"frequency": "weekly"}, "range": {"type": "byDate", "recurrenceEnd": "2024-04-01"}}}});
    let r = call(&app, &l, Method::PATCH, &path, Some(rule), Some("*")).await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let left = range(&app, &l, "2024-03-01T00:00:00Z", "2024-05-01T00:00:00Z").await;
    assert_eq!(left.len(), 3);
    assert_eq!(left[0]["start"]["dateTime"], "2024-03-18T09:00:00+01:00");
}

#[tokio::test]
async fn rrules_are_taken_when_outlook_can_keep_them() {
    let app = spawn_app().await;
    let l = account(&app, "Calendar.ReadWrite").await;
    let created = create(&app, &l, json!({
        "subject": "Retro",
        "start": {"dateTime": "2024-01-26T15:00:00Z"}, "end": {"dateTime": "2024-01-26T16:00:00Z"},
        "recurrence": {"ical": {"rules": ["RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"]}}
    })).await;
    let pattern = &created["record"]["recurrence"]["simple"]["pattern"];
    assert_eq!(pattern["frequency"], "monthlyRelative");
    assert_eq!(pattern["instance"], "last");
    assert_eq!(pattern["daysOfWeek"], json!(["friday"]));
    assert_eq!(
        created["record"]["recurrence"]["simple"]["range"]["count"],
        3
    );

    let at = |recurrence: Value| {
        json!({
            "subject": "x", "start": {"dateTime": "2024-02-01T10:00:00Z"}, "end": {"dateTime": "2024-02-01T11:00:00Z"},
            "recurrence": recurrence
        })
    };
    for (body, words) in [
        (at(json!({})), "simple or ical"),
        (
            at(json!({"ical": {"rules": ["RRULE:FREQ=HOURLY"]}})),
            "FREQ=HOURLY",
        ),
        (
            at(
                json!({"ical": {"rules": ["RRULE:FREQ=WEEKLY;BYDAY=MO", "EXDATE:20240205T100000Z"]}}),
            ),
            "delete or change single occurrences",
        ),
        (
            at(json!({"simple": {"pattern": {"frequency": "fortnightly"}}})),
            "fortnightly",
        ),
        (
            at(
                json!({"simple": {"pattern": {"frequency": "monthlyRelative", "daysOfWeek": ["friday"], "instance": "fifth"}}}),
            ),
            "fifth",
        ),
        (
            at(
                json!({"simple": {"pattern": {"frequency": "daily"}, "range": {"type": "byDate", "recurrenceEnd": "2024-01-01"}}}),
            ),
            "before the series starts",
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
        let e = expect_error(r, StatusCode::BAD_REQUEST, "recurrence.unsupported").await;
        assert!(e["message"].as_str().unwrap().contains(words), "{e}");
    }
    let single = create(&app, &l, json!({"subject": "once", "start": {"dateTime": "2024-02-01T10:00:00Z"}, "end": {"dateTime": "2024-02-01T11:00:00Z"}})).await;
    let path = format!(
        "/v1/calendars/primary/events/{}/series",
        urlencode(single["id"].as_str().unwrap())
    );
    let r = call(&app, &l, Method::GET, &path, None, None).await;
    expect_error(r, StatusCode::BAD_REQUEST, "event.notSeries").await;
}
