use super::extract::{if_match, AccountAuth, ApiJson, ApiPath, ApiQuery};
use super::scope_check;
use crate::error::ApiError;
use crate::model::availability::{
    FreeBusyRequest, FreeBusySchedulePage, SuggestRequest, SuggestResponse,
};
use crate::model::calendar::{
    Calendar, CalendarInput, CalendarsPage, Event, EventOrId, EventsPage, MeetingResponse,
};
use crate::model::{Ok as OkResponse, OK};
use crate::providers::office365::events::EventWrite;
use crate::providers::office365::messages::BodyType;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarsParams {
    page_token: Option<String>,
    with_shared: Option<bool>,
}

pub async fn calendars(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiQuery(p): ApiQuery<CalendarsParams>,
) -> Result<Json<CalendarsPage>, ApiError> {
    scope_check::require(&state, &account, "calendar.read")?;
    Ok(Json(
        state
            .calendars(
                &account,
                p.page_token.as_deref(),
                p.with_shared.unwrap_or(false),
            )
            .await?,
    ))
}

pub async fn create_calendar(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiJson(input): ApiJson<CalendarInput>,
) -> Result<Json<Calendar>, ApiError> {
    scope_check::require(&state, &account, "calendar.write")?;
    Ok(Json(state.create_calendar(&account, &input).await?))
}

pub async fn calendar(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Calendar>, ApiError> {
    scope_check::require(&state, &account, "calendar.read")?;
    Ok(Json(state.calendar(&account, &id).await?))
}

pub async fn update_calendar(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<CalendarInput>,
) -> Result<Json<Calendar>, ApiError> {
    scope_check::require(&state, &account, "calendar.write")?;
    Ok(Json(state.update_calendar(&account, &id, &input).await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RangeParams {
    time_min: Option<String>,
    time_max: Option<String>,
    page_token: Option<String>,
}

pub async fn range(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(calendar): ApiPath<String>,
    ApiQuery(p): ApiQuery<RangeParams>,
) -> Result<Json<EventsPage>, ApiError> {
    scope_check::require(&state, &account, "calendar.read")?;
    Ok(Json(
        state
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteParams {
    notify_attendees: Option<bool>,
    body_type: Option<String>,
    return_record: Option<bool>,
}

impl WriteParams {
    fn how<'a>(&self, if_match: Option<&'a str>) -> Result<EventWrite<'a>, ApiError> {
        Ok(EventWrite {
            body: BodyType::parse(self.body_type.as_deref())?,
            notify: self.notify_attendees.unwrap_or(true),
            return_record: self.return_record.unwrap_or(false),
            if_match,
        })
    }
}

pub async fn create_event(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(calendar): ApiPath<String>,
    ApiQuery(p): ApiQuery<WriteParams>,
    ApiJson(event): ApiJson<Event>,
) -> Result<(StatusCode, Json<EventOrId>), ApiError> {
    scope_check::require(&state, &account, "calendar.write")?;
    let created = state
        .create_event(&account, &calendar, &event, &p.how(None)?)
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn event(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath((calendar, id)): ApiPath<(String, String)>,
) -> Result<Json<Event>, ApiError> {
    scope_check::require(&state, &account, "calendar.read")?;
    Ok(Json(state.event(&account, &calendar, &id).await?))
}

pub async fn update_event(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath((calendar, id)): ApiPath<(String, String)>,
    ApiQuery(p): ApiQuery<WriteParams>,
    headers: HeaderMap,
    ApiJson(event): ApiJson<Event>,
) -> Result<Json<EventOrId>, ApiError> {
    scope_check::require(&state, &account, "calendar.write")?;
    Ok(Json(
        state
            .update_event(
                &account,
                &calendar,
                &id,
                &event,
                &p.how(if_match(&headers)?)?,
            )
            .await?,
    ))
}

pub async fn delete_event(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath((calendar, id)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<OkResponse>, ApiError> {
    scope_check::require(&state, &account, "calendar.write")?;
    state
        .delete_event(&account, &calendar, &id, if_match(&headers)?)
        .await?;
    Ok(Json(OK))
}

pub async fn respond(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath((calendar, id)): ApiPath<(String, String)>,
    ApiQuery(p): ApiQuery<WriteParams>,
    ApiJson(r): ApiJson<MeetingResponse>,
) -> Result<Json<OkResponse>, ApiError> {
    scope_check::require(&state, &account, "calendar.write")?;
    state
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

pub async fn free_busy(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiJson(req): ApiJson<FreeBusyRequest>,
) -> Result<Json<FreeBusySchedulePage>, ApiError> {
    scope_check::require(&state, &account, "calendar.read")?;
    Ok(Json(state.free_busy(&account, &req).await?))
}

pub async fn suggest_meeting_times(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiJson(req): ApiJson<SuggestRequest>,
) -> Result<Json<SuggestResponse>, ApiError> {
    scope_check::require(&state, &account, "calendar.read")?;
    Ok(Json(state.suggest_meeting_times(&account, req).await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FindParams {
    #[serde(rename = "iCalUId")]
    ical_uid: Option<String>,
}

pub async fn find(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(calendar): ApiPath<String>,
    ApiQuery(p): ApiQuery<FindParams>,
) -> Result<Json<EventsPage>, ApiError> {
    scope_check::require(&state, &account, "calendar.read")?;
    Ok(Json(
        state
            .find_events(
                &account,
                &calendar,
                p.ical_uid.as_deref().unwrap_or_default(),
            )
            .await?,
    ))
}

pub async fn attachment(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath((calendar, id, attachment)): ApiPath<(String, String, String)>,
) -> Result<Json<crate::model::email::EmailAttachment>, ApiError> {
    scope_check::require(&state, &account, "calendar.read")?;
    Ok(Json(
        state
            .event_attachment(&account, &calendar, &id, &attachment)
            .await?,
    ))
}
