//! Calendars and their events: list, create, read, update; events in a range, found by uid,
//! created, changed, answered and deleted; free/busy, meeting suggestions, event attachments.

use super::extract::{
    if_match, required_if_match, ApiJson, ApiPath, ApiQuery, IfMatch, QueryPairs,
};
use super::json::Json;
use super::scope_check::{op, Scoped};
use crate::error::{ApiError, Code};
use crate::model::availability::{
    FreeBusyRequest, FreeBusySchedulePage, SuggestRequest, SuggestResponse,
};
use crate::model::calendar::{
    Calendar, CalendarInput, CalendarsPage, Event, EventOrId, EventsPage, MeetingResponse,
};
use crate::model::requests::{BodyType, EventWrite};
use crate::model::{Ok as OkResponse, OK};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CalendarsParams {
    page_token: Option<String>,
    /// Also calendars others share with the account.
    with_shared: Option<bool>,
    /// `user` (the account's calendars); `group` calendars are refused.
    mode: Option<String>,
}

/// The account's calendars; `primary` is the default one everywhere an id goes.
#[utoipa::path(get, path = "/v1/calendars", tag = "Calendars", operation_id = "calendars",
    params(CalendarsParams), responses((status = 200, body = CalendarsPage)))]
pub async fn calendars(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiQuery(p): ApiQuery<CalendarsParams>,
) -> Result<Json<CalendarsPage>, ApiError> {
    if p.mode.as_deref().is_some_and(|m| m != "user") {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            "mode: only `user` (the account's own calendars) is offered.",
        ));
    }
    Ok(Json(
        state
            .calendars(&account)?
            .calendars(
                &account,
                p.page_token.as_deref(),
                p.with_shared.unwrap_or(false),
            )
            .await?,
    ))
}

/// Creates a calendar.
#[utoipa::path(post, path = "/v1/calendars", tag = "Calendars", operation_id = "createCalendar",
    request_body = CalendarInput, responses((status = 200, body = Calendar)))]
pub async fn create_calendar(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarWrite>,
    ApiJson(input): ApiJson<CalendarInput>,
) -> Result<Json<Calendar>, ApiError> {
    Ok(Json(
        state
            .calendars(&account)?
            .create_calendar(&account, &input)
            .await?,
    ))
}

/// One calendar.
#[utoipa::path(get, path = "/v1/calendars/{calendarId}", tag = "Calendars", operation_id = "calendarById",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`")),
    responses((status = 200, body = Calendar)))]
pub async fn calendar(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Calendar>, ApiError> {
    Ok(Json(
        state.calendars(&account)?.calendar(&account, &id).await?,
    ))
}

/// Renames a calendar.
#[utoipa::path(patch, path = "/v1/calendars/{calendarId}", tag = "Calendars", operation_id = "updateCalendar",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`")),
    request_body = CalendarInput, responses((status = 200, body = Calendar)))]
pub async fn update_calendar(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarWrite>,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<CalendarInput>,
) -> Result<Json<Calendar>, ApiError> {
    Ok(Json(
        state
            .calendars(&account)?
            .update_calendar(&account, &id, &input)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// RFC 3339; events ending after it (exclusive). Required on the first page.
    time_min: Option<String>,
    /// RFC 3339; events starting before it (exclusive). Required on the first page.
    time_max: Option<String>,
    page_token: Option<String>,
}

/// Events between two instants, occurrences of series one by one.
#[utoipa::path(get, path = "/v1/calendars/{calendarId}/events/range", tag = "Events", operation_id = "range",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`"), RangeParams),
    responses((status = 200, body = EventsPage)))]
pub async fn range(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiPath(calendar): ApiPath<String>,
    ApiQuery(p): ApiQuery<RangeParams>,
) -> Result<Json<EventsPage>, ApiError> {
    Ok(Json(
        state
            .calendars(&account)?
            .events_range(
                &account,
                &calendar,
                p.time_min.as_deref(),
                p.time_max.as_deref(),
                p.page_token.as_deref(),
            )
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct WriteParams {
    /// Tell the attendees (default `true`).
    notify_attendees: Option<bool>,
    /// Whether `description` is `html` (default) or `text`.
    body_type: Option<String>,
    /// Answer the event as written (default `true`).
    return_record: Option<bool>,
}

impl WriteParams {
    fn how<'a>(&self, if_match: Option<&'a str>) -> Result<EventWrite<'a>, ApiError> {
        Ok(EventWrite {
            body: BodyType::parse(self.body_type.as_deref())?,
            notify: self.notify_attendees.unwrap_or(true),
            return_record: self.return_record.unwrap_or(true),
            if_match,
        })
    }
}

/// Creates an event (Office 365 always invites the attendees of a new event).
#[utoipa::path(post, path = "/v1/calendars/{calendarId}/events", tag = "Events", operation_id = "createEvent",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`"), WriteParams),
    request_body = Event, responses((status = 201, body = EventOrId)))]
pub async fn create_event(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarWrite>,
    ApiPath(calendar): ApiPath<String>,
    ApiQuery(p): ApiQuery<WriteParams>,
    ApiJson(event): ApiJson<Event>,
) -> Result<(StatusCode, Json<EventOrId>), ApiError> {
    let created = state
        .calendars(&account)?
        .create_event(&account, &calendar, &event, &p.how(None)?)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct EventParams {
    /// Refused: Office 365's own properties are read through the direct API.
    native_properties: Option<String>,
}

/// One event, with its attachments described.
#[utoipa::path(get, path = "/v1/calendars/{calendarId}/events/{eventId}", tag = "Events", operation_id = "event",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`"), ("eventId" = String, Path, description = "The event id"), EventParams),
    responses((status = 200, body = Event)))]
pub async fn event(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiPath((calendar, id)): ApiPath<(String, String)>,
    ApiQuery(p): ApiQuery<EventParams>,
) -> Result<Json<Event>, ApiError> {
    super::email::no_native_properties(p.native_properties.as_ref())?;
    Ok(Json(
        state
            .calendars(&account)?
            .event(&account, &calendar, &id)
            .await?,
    ))
}

/// Changes the fields given; `If-Match` is the etag last read (`*`: whatever is there).
#[utoipa::path(patch, path = "/v1/calendars/{calendarId}/events/{eventId}", tag = "Events", operation_id = "updateEvent",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`"), ("eventId" = String, Path, description = "The event id"), WriteParams, IfMatch),
    request_body = Event, responses((status = 200, body = EventOrId)))]
pub async fn update_event(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarWrite>,
    ApiPath((calendar, id)): ApiPath<(String, String)>,
    ApiQuery(p): ApiQuery<WriteParams>,
    headers: HeaderMap,
    ApiJson(event): ApiJson<Event>,
) -> Result<Json<EventOrId>, ApiError> {
    let how = p.how(required_if_match(&headers)?)?;
    Ok(Json(
        state
            .calendars(&account)?
            .update_event(&account, &calendar, &id, &event, &how)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// `false` is refused for a meeting the account organizes: Outlook always sends the
    /// cancellation.
    notify_attendees: Option<bool>,
}

/// Deletes an event (`If-Match`, when given, must be its etag).
#[utoipa::path(delete, path = "/v1/calendars/{calendarId}/events/{eventId}", tag = "Events", operation_id = "deleteEvent",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`"), ("eventId" = String, Path, description = "The event id"),
        DeleteParams, ("If-Match" = Option<String>, Header, description = "The etag last read")),
    responses((status = 200, body = OkResponse)))]
pub async fn delete_event(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarWrite>,
    ApiPath((calendar, id)): ApiPath<(String, String)>,
    ApiQuery(p): ApiQuery<DeleteParams>,
    headers: HeaderMap,
) -> Result<Json<OkResponse>, ApiError> {
    let notify = p.notify_attendees.unwrap_or(true);
    state
        .calendars(&account)?
        .delete_event(&account, &calendar, &id, if_match(&headers)?, notify)
        .await?;
    Ok(Json(OK))
}

/// The account's answer to an invitation: `accepted`, `tentative` or `declined`.
#[utoipa::path(put, path = "/v1/calendars/{calendarId}/events/{eventId}/response", tag = "Events", operation_id = "updateMeetingResponse",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`"), ("eventId" = String, Path, description = "The event id"),
        ("notifyAttendees" = Option<bool>, Query, description = "Send the answer to the organizer (default `true`)")),
    request_body = MeetingResponse, responses((status = 200, body = OkResponse)))]
pub async fn respond(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarWrite>,
    ApiPath((calendar, id)): ApiPath<(String, String)>,
    ApiQuery(p): ApiQuery<WriteParams>,
    ApiJson(r): ApiJson<MeetingResponse>,
) -> Result<Json<OkResponse>, ApiError> {
    state
        .calendars(&account)?
        .respond(
            &account,
            &calendar,
            &id,
            &r.response,
            r.comment.as_deref(),
            p.notify_attendees.unwrap_or(true),
        )
        .await?;
    Ok(Json(OK))
}

/// Busy times and working hours of up to 20 people.
#[utoipa::path(post, path = "/v1/calendars/freeBusy", tag = "FreeBusySchedule", operation_id = "freeBusy",
    request_body = FreeBusyRequest, responses((status = 200, body = FreeBusySchedulePage)))]
pub async fn free_busy(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiJson(req): ApiJson<FreeBusyRequest>,
) -> Result<Json<FreeBusySchedulePage>, ApiError> {
    Ok(Json(
        state.calendars(&account)?.free_busy(&account, &req).await?,
    ))
}

/// Slots free for every attendee, inside everyone's working hours.
#[utoipa::path(post, path = "/v1/calendars/suggestMeetingTimes", tag = "FreeBusySchedule", operation_id = "suggestMeetingTimes",
    request_body = SuggestRequest, responses((status = 200, body = SuggestResponse)))]
pub async fn suggest_meeting_times(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiJson(req): ApiJson<SuggestRequest>,
) -> Result<Json<SuggestResponse>, ApiError> {
    Ok(Json(
        state
            .calendars(&account)?
            .suggest_meeting_times(&account, req)
            .await?,
    ))
}

/// The events with these iCalendar UIDs (a series and its exceptions share one).
#[utoipa::path(get, path = "/v1/calendars/{calendarId}/events/find", tag = "Events", operation_id = "eventsByICalUIds",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`"),
        ("iCalUId" = Vec<String>, Query, description = "One or more UIDs (repeat the parameter, at most 20)"),
        ("pageToken" = Option<String>, Query, description = "Accepted; every match comes in one page")),
    responses((status = 200, body = EventsPage)))]
pub async fn find(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiPath(calendar): ApiPath<String>,
    q: QueryPairs,
) -> Result<Json<EventsPage>, ApiError> {
    let uids = q.all("iCalUId");
    Ok(Json(
        state
            .calendars(&account)?
            .find_events(&account, &calendar, &uids)
            .await?,
    ))
}

/// An event's attachment with its content in base64.
#[utoipa::path(get, path = "/v1/calendars/{calendarId}/events/{eventId}/attachments/{attachmentId}", tag = "Events", operation_id = "attachment",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`"), ("eventId" = String, Path, description = "The event id"),
        ("attachmentId" = String, Path, description = "The attachment id")),
    responses((status = 200, body = crate::model::email::EmailAttachment)))]
pub async fn attachment(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiPath((calendar, id, attachment)): ApiPath<(String, String, String)>,
) -> Result<Json<crate::model::email::EmailAttachment>, ApiError> {
    Ok(Json(
        state
            .calendars(&account)?
            .event_attachment(&account, &calendar, &id, &attachment)
            .await?,
    ))
}
