//! `POST /me/calendar/getSchedule`: busy times of several people in the tenant, and their working
//! hours (Monday to Friday, 08:00 to 17:00 in each one's zone); unknown people get an error item.

use super::calendar::wanted_zone;
use super::fixtures::{utc_of, zone_of};
use super::graph::{graph_error, require};
use super::FakeMicrosoft;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

pub(super) async fn get_schedule(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Err(r) = require(&fake, &headers, &["Calendars.Read", "Calendars.ReadWrite"]) {
        return r;
    }
    let (Some(from), Some(to)) = (utc_of(&body["startTime"]), utc_of(&body["endTime"])) else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "ErrorInvalidParameter",
            "startTime and endTime are required.",
        );
    };
    let zone = wanted_zone(&headers);
    let tz = zone_of(&zone).unwrap_or(chrono_tz::UTC);
    let show = |t: chrono::DateTime<chrono::Utc>| json!({ "dateTime": t.with_timezone(&tz).format("%Y-%m-%dT%H:%M:%S.0000000").to_string(), "timeZone": zone });
    let mut value = Vec::new();
    for email in body["schedules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let user = fake.with(|i| {
            i.users
                .iter()
                .find(|u| u.email.eq_ignore_ascii_case(email))
                .cloned()
        });
        let Some(user) = user else {
            value.push(json!({ "scheduleId": email, "availabilityView": "", "scheduleItems": [], "workingHours": null,
                               "error": { "message": format!("The user {email} could not be found."), "responseCode": "ErrorMailRecipientNotFound" } }));
            continue;
        };
        let events = fake.with(|i| i.events.get(&user.email).cloned().unwrap_or_default());
        let items: Vec<Value> = events
            .iter()
            .filter_map(|e| Some((utc_of(&e["start"])?, utc_of(&e["end"])?, e)))
            .filter(|(s, e, _)| *e > from && *s < to)
            .map(|(s, e, ev)| json!({ "isPrivate": false, "status": ev["showAs"], "subject": ev["subject"], "location": "", "start": show(s), "end": show(e) }))
            .collect();
        value.push(json!({
            "scheduleId": email, "availabilityView": "0".repeat(((to - from).num_minutes() / 30).max(0) as usize), "scheduleItems": items,
            "workingHours": { "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"], "startTime": "08:00:00.0000000",
                              "endTime": "17:00:00.0000000", "timeZone": { "name": user.time_zone } }
        }));
    }
    Json(json!({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)", "value": value })).into_response()
}
