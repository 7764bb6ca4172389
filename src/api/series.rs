//! A recurring event's series: its pattern with changed and deleted occurrences, and one
//! occurrence by its original start.

use super::extract::ApiPath;
use super::json::Json;
use super::scope_check::{op, Scoped};
use crate::error::ApiError;
use crate::model::calendar::Event;
use crate::model::recurrence::SeriesInfo;
use crate::state::AppState;
use axum::extract::State;

/// A series' rule, its changed occurrences and its deleted ones.
#[utoipa::path(get, path = "/v1/calendars/{calendarId}/events/{masterId}/series", tag = "Events", operation_id = "seriesInfo",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`"), ("masterId" = String, Path, description = "The series master's id")),
    responses((status = 200, body = SeriesInfo)))]
pub async fn series(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiPath((calendar, id)): ApiPath<(String, String)>,
) -> Result<Json<SeriesInfo>, ApiError> {
    Ok(Json(
        state
            .calendars(&account)?
            .series(&account, &calendar, &id)
            .await?,
    ))
}

/// The occurrence first planned for `ost` (a date, or an RFC 3339 time).
#[utoipa::path(get, path = "/v1/calendars/{calendarId}/events/{masterId}/occurrences/{ost}", tag = "Events", operation_id = "occurrenceByOrigStart",
    params(("calendarId" = String, Path, description = "A calendar id, or `primary`"), ("masterId" = String, Path, description = "The series master's id"),
        ("ost" = String, Path, description = "The original start: a date or an RFC 3339 time")),
    responses((status = 200, body = Event)))]
pub async fn occurrence(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiPath((calendar, id, ost)): ApiPath<(String, String, String)>,
) -> Result<Json<Event>, ApiError> {
    Ok(Json(
        state
            .calendars(&account)?
            .occurrence(&account, &calendar, &id, &ost)
            .await?,
    ))
}
