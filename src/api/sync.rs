//! Delta sync of the mailbox, contacts, a To Do list and the primary calendar: start a sync, then
//! read its updated and deleted streams with the tokens it gives.

use super::extract::{ApiPath, ApiQuery};
use super::json::Json;
use super::scope_check::{op, Scoped};
use crate::error::{ApiError, Code};
use crate::model::parse_instant;
use crate::model::requests::BodyType;
use crate::model::sync::{
    DeletedPage, EmailDeletedPage, Feed, SyncContactsPage, SyncEmailPage, SyncEventsPage, SyncPage,
    SyncStatus, SyncTasksPage,
};
use crate::state::AppState;
use crate::store::{AccountRecord, ChangeKind};
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct StreamParams {
    /// A token that ended a round (`nextDeltaToken`), or one a sync started with.
    delta_token: Option<String>,
    /// A token of the page before (`nextPageToken`).
    page_token: Option<String>,
}

/// One page of a stream; the token says where the app stands.
async fn read(
    state: &AppState,
    account: &AccountRecord,
    stream: &str,
    kind: ChangeKind,
    p: StreamParams,
) -> Result<Json<SyncPage>, ApiError> {
    let token = p.page_token.or(p.delta_token).ok_or_else(|| {
        ApiError::bad_request(
            Code::SyncTokenInvalid,
            "Give deltaToken (from starting the sync, or a page's nextDeltaToken) or pageToken.",
        )
    })?;
    let page = crate::sync::read(state, account, stream, kind, &token).await?;
    let next = page.next.seal(&state.keys, account, stream);
    let records = page
        .records
        .into_iter()
        .map(|c| serde_json::value::RawValue::from_string(c.record))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::internal)?;
    Ok(Json(SyncPage {
        next_page_token: (!page.next.delta).then(|| next.clone()),
        next_delta_token: page.next.delta.then_some(next),
        length: records.len(),
        records,
    }))
}

/// An RFC 3339 time (or a date) as Unix seconds.
fn instant(name: &str, text: &str) -> Result<i64, ApiError> {
    parse_instant(text).map(|t| t.timestamp()).ok_or_else(|| {
        ApiError::bad_request(
            Code::BadRequest,
            format!("{name} '{text}' must be RFC 3339 (2024-05-01T00:00:00Z) or a date"),
        )
    })
}

/// The longest `daysWithin`: a hundred years.
const MAX_DAYS: u32 = 36_500;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct EmailSyncParams {
    /// The first round has only the messages received in the last this many days (1 to 36500).
    days_within: Option<u32>,
    /// `html` (default) or `text`.
    body_type: Option<String>,
}

/// Starts (or starts again) the sync of the whole mailbox, every folder.
#[utoipa::path(post, path = "/v1/email/sync", tag = "EmailSync", operation_id = "emailSyncStart",
    params(EmailSyncParams), responses((status = 200, body = SyncStatus)))]
pub async fn email_start(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
    ApiQuery(p): ApiQuery<EmailSyncParams>,
) -> Result<Json<SyncStatus>, ApiError> {
    let body = match BodyType::parse(p.body_type.as_deref())? {
        BodyType::Html => "html",
        BodyType::Text => "text",
    };
    if p.days_within.is_some_and(|d| !(1..=MAX_DAYS).contains(&d)) {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            format!("daysWithin must be 1 to {MAX_DAYS}"),
        ));
    }
    let feed = Feed::Email {
        days_within: p.days_within,
        body: body.to_string(),
    };
    Ok(Json(crate::sync::start(&state, &account, &feed).await?))
}

/// Messages new or changed since the token, in any folder (a moved message comes once, in its new
/// folder).
#[utoipa::path(get, path = "/v1/email/sync/updated", tag = "EmailSync", operation_id = "emailSyncUpdated",
    params(StreamParams), responses((status = 200, body = SyncEmailPage), (status = 410, description = "The sync was started again, or Microsoft lost track of its changes (`syncToken.expired`): start it again.")))]
pub async fn email_updated(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
    ApiQuery(p): ApiQuery<StreamParams>,
) -> Result<Json<SyncPage>, ApiError> {
    read(&state, &account, "email", ChangeKind::Updated, p).await
}

/// Messages gone from the mailbox since the token, with the folder they were last in.
#[utoipa::path(get, path = "/v1/email/sync/deleted", tag = "EmailSync", operation_id = "emailSyncDeleted",
    params(StreamParams), responses((status = 200, body = EmailDeletedPage), (status = 410, description = "The sync was started again, or Microsoft lost track of its changes (`syncToken.expired`): start it again.")))]
pub async fn email_deleted(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::EmailRead>,
    ApiQuery(p): ApiQuery<StreamParams>,
) -> Result<Json<SyncPage>, ApiError> {
    read(&state, &account, "email", ChangeKind::Deleted, p).await
}

/// Starts (or starts again) the sync of the default contacts folder.
#[utoipa::path(post, path = "/v1/contacts/sync", tag = "ContSync", operation_id = "contSyncStart",
    responses((status = 200, body = SyncStatus)))]
pub async fn contacts_start(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::ContactsRead>,
) -> Result<Json<SyncStatus>, ApiError> {
    Ok(Json(
        crate::sync::start(&state, &account, &Feed::Contacts).await?,
    ))
}

/// Contacts new or changed since the token.
#[utoipa::path(get, path = "/v1/contacts/sync/updated", tag = "ContSync", operation_id = "contSyncUpdated",
    params(StreamParams), responses((status = 200, body = SyncContactsPage), (status = 410, description = "The sync was started again, or Microsoft lost track of its changes (`syncToken.expired`): start it again.")))]
pub async fn contacts_updated(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::ContactsRead>,
    ApiQuery(p): ApiQuery<StreamParams>,
) -> Result<Json<SyncPage>, ApiError> {
    read(&state, &account, "contacts", ChangeKind::Updated, p).await
}

/// Contacts deleted since the token.
#[utoipa::path(get, path = "/v1/contacts/sync/deleted", tag = "ContSync", operation_id = "contSyncDeleted",
    params(StreamParams), responses((status = 200, body = DeletedPage), (status = 410, description = "The sync was started again, or Microsoft lost track of its changes (`syncToken.expired`): start it again.")))]
pub async fn contacts_deleted(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::ContactsRead>,
    ApiQuery(p): ApiQuery<StreamParams>,
) -> Result<Json<SyncPage>, ApiError> {
    read(&state, &account, "contacts", ChangeKind::Deleted, p).await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TaskSyncParams {
    /// Leave out tasks completed before this time (RFC 3339 or a date).
    skip_completed_before_date: Option<String>,
}

/// Starts (or starts again) the sync of a To Do list (`default` names the default list).
#[utoipa::path(post, path = "/v1/tasklists/{taskListId}/sync", tag = "TaskSync", operation_id = "taskSyncStart",
    params(("taskListId" = String, Path, description = "A list id, or `default`"), TaskSyncParams),
    responses((status = 200, body = SyncStatus)))]
pub async fn tasks_start(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksRead>,
    ApiPath(list): ApiPath<String>,
    ApiQuery(p): ApiQuery<TaskSyncParams>,
) -> Result<Json<SyncStatus>, ApiError> {
    let skip_completed_before = p
        .skip_completed_before_date
        .as_deref()
        .map(|t| instant("skipCompletedBeforeDate", t))
        .transpose()?;
    let feed = Feed::Tasks {
        list,
        skip_completed_before,
    };
    Ok(Json(crate::sync::start(&state, &account, &feed).await?))
}

/// Tasks of the list new or changed since the token.
#[utoipa::path(get, path = "/v1/tasklists/{taskListId}/sync/updated", tag = "TaskSync", operation_id = "taskSyncUpdated",
    params(("taskListId" = String, Path, description = "The list the sync was started on"), StreamParams),
    responses((status = 200, body = SyncTasksPage), (status = 410, description = "The sync was started again, or Microsoft lost track of its changes (`syncToken.expired`): start it again.")))]
pub async fn tasks_updated(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksRead>,
    ApiPath(list): ApiPath<String>,
    ApiQuery(p): ApiQuery<StreamParams>,
) -> Result<Json<SyncPage>, ApiError> {
    let stream = Feed::tasks_stream(&list);
    read(&state, &account, &stream, ChangeKind::Updated, p).await
}

/// Tasks of the list deleted since the token.
#[utoipa::path(get, path = "/v1/tasklists/{taskListId}/sync/deleted", tag = "TaskSync", operation_id = "taskSyncDeleted",
    params(("taskListId" = String, Path, description = "The list the sync was started on"), StreamParams),
    responses((status = 200, body = DeletedPage), (status = 410, description = "The sync was started again, or Microsoft lost track of its changes (`syncToken.expired`): start it again.")))]
pub async fn tasks_deleted(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::TasksRead>,
    ApiPath(list): ApiPath<String>,
    ApiQuery(p): ApiQuery<StreamParams>,
) -> Result<Json<SyncPage>, ApiError> {
    let stream = Feed::tasks_stream(&list);
    read(&state, &account, &stream, ChangeKind::Deleted, p).await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CalendarSyncParams {
    /// RFC 3339; the window's start (default: a year ago).
    time_min: Option<String>,
    /// RFC 3339; the window's end (default: a year from now).
    time_max: Option<String>,
}

/// Starts (or starts again) the sync of the events of the primary calendar in a window.
#[utoipa::path(post, path = "/v1/calendars/{calendarId}/sync", tag = "CalSync", operation_id = "calSyncStart",
    params(("calendarId" = String, Path, description = "`primary` (Office 365 tracks changes of the primary calendar only)"), CalendarSyncParams),
    responses((status = 200, body = SyncStatus)))]
pub async fn calendar_start(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiPath(calendar): ApiPath<String>,
    ApiQuery(p): ApiQuery<CalendarSyncParams>,
) -> Result<Json<SyncStatus>, ApiError> {
    let year = Duration::days(365);
    let at = |given: Option<&str>, name, default: DateTime<Utc>| {
        given.map_or(Ok(default.timestamp()), |t| instant(name, t))
    };
    let time_min = at(p.time_min.as_deref(), "timeMin", Utc::now() - year)?;
    let time_max = at(p.time_max.as_deref(), "timeMax", Utc::now() + year)?;
    if time_min >= time_max {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            "timeMin must be before timeMax",
        ));
    }
    let feed = Feed::Events {
        calendar,
        time_min,
        time_max,
    };
    Ok(Json(crate::sync::start(&state, &account, &feed).await?))
}

/// Events of the window new or changed since the token.
#[utoipa::path(get, path = "/v1/calendars/{calendarId}/sync/updated", tag = "CalSync", operation_id = "calSyncUpdated",
    params(("calendarId" = String, Path, description = "The calendar the sync was started on"), StreamParams),
    responses((status = 200, body = SyncEventsPage), (status = 410, description = "The sync was started again, or Microsoft lost track of its changes (`syncToken.expired`): start it again.")))]
pub async fn calendar_updated(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiPath(calendar): ApiPath<String>,
    ApiQuery(p): ApiQuery<StreamParams>,
) -> Result<Json<SyncPage>, ApiError> {
    let stream = Feed::events_stream(&calendar);
    read(&state, &account, &stream, ChangeKind::Updated, p).await
}

/// Events of the window deleted since the token.
#[utoipa::path(get, path = "/v1/calendars/{calendarId}/sync/deleted", tag = "CalSync", operation_id = "calSyncDeleted",
    params(("calendarId" = String, Path, description = "The calendar the sync was started on"), StreamParams),
    responses((status = 200, body = DeletedPage), (status = 410, description = "The sync was started again, or Microsoft lost track of its changes (`syncToken.expired`): start it again.")))]
pub async fn calendar_deleted(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::CalendarRead>,
    ApiPath(calendar): ApiPath<String>,
    ApiQuery(p): ApiQuery<StreamParams>,
) -> Result<Json<SyncPage>, ApiError> {
    let stream = Feed::events_stream(&calendar);
    read(&state, &account, &stream, ChangeKind::Deleted, p).await
}
