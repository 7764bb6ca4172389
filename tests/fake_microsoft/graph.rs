//! Graph v1.0: `/me`, `/me/mailboxSettings`, `/me/messages`, with Graph's error envelope, token
//! expiry, 4 concurrent requests per mailbox, absolute `%24skip` nextLinks and `$select`.

use super::{
    attachments, calendar, contacts, delta, drive, events, folders, mail_delta, mail_read,
    mail_send, mail_write, now, schedule, subscriptions, todo, FakeMicrosoft,
};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub const MAILBOX_CONCURRENCY: usize = 4;

pub fn routes() -> Router<FakeMicrosoft> {
    Router::new()
        .route(
            "/v1.0/me/calendar/events/{id}/attachments/{attachment}",
            get(events::attachment),
        )
        .route(
            "/v1.0/me/calendars/{cal}/events/{id}/attachments/{attachment}",
            get(events::attachment),
        )
        .route(
            "/v1.0/me/calendar/getSchedule",
            post(schedule::get_schedule),
        )
        .route(
            "/v1.0/me/calendars",
            get(calendar::calendars).post(calendar::create_calendar),
        )
        .route(
            "/v1.0/me/calendar",
            get(calendar::calendar).patch(calendar::update_calendar),
        )
        .route(
            "/v1.0/me/calendars/{cal}",
            get(calendar::calendar).patch(calendar::update_calendar),
        )
        .route(
            "/v1.0/me/calendar/calendarView",
            get(calendar::calendar_view),
        )
        .route(
            "/v1.0/me/calendars/{cal}/calendarView",
            get(calendar::calendar_view),
        )
        .route(
            "/v1.0/me/calendar/events",
            get(events::list).post(events::create_event),
        )
        .route(
            "/v1.0/me/calendars/{cal}/events",
            get(events::list).post(events::create_event),
        )
        .route(
            "/v1.0/me/calendar/events/{id}",
            get(events::event)
                .patch(events::update_event)
                .delete(events::delete_event),
        )
        .route(
            "/v1.0/me/calendars/{cal}/events/{id}",
            get(events::event)
                .patch(events::update_event)
                .delete(events::delete_event),
        )
        .route(
            "/v1.0/me/calendar/events/{id}/{action}",
            post(events::respond).get(events::instances),
        )
        .route(
            "/v1.0/me/calendars/{cal}/events/{id}/{action}",
            post(events::respond).get(events::instances),
        )
        .route(
            "/v1.0/me/todo/lists",
            get(todo::lists).post(todo::create_list),
        )
        .route(
            "/v1.0/me/todo/lists/{list}",
            get(todo::list)
                .patch(todo::update_list)
                .delete(todo::delete_list),
        )
        .route(
            "/v1.0/me/todo/lists/{list}/tasks",
            get(todo::tasks).post(todo::create_task),
        )
        .route(
            "/v1.0/me/todo/lists/{list}/tasks/{id}",
            get(todo::task)
                .patch(todo::update_task)
                .delete(todo::delete_task),
        )
        .route(
            "/v1.0/me/contacts",
            get(contacts::list).post(contacts::create),
        )
        .route("/v1.0/me/contacts/delta", get(delta::contacts))
        .route(
            "/v1.0/me/mailFolders/{folder}/messages/delta",
            get(mail_delta::folder_messages),
        )
        .route("/v1.0/me/todo/lists/{list}/tasks/delta", get(delta::tasks))
        .route("/v1.0/me/calendarView/delta", get(delta::calendar_view))
        .route(
            "/v1.0/me/contacts/{id}",
            get(contacts::get_one)
                .patch(contacts::update)
                .delete(contacts::delete),
        )
        .route("/v1.0/me/contacts/{id}/photo/$value", get(contacts::photo))
        .route(
            "/v1.0/me/messages/{id}/attachments/createUploadSession",
            post(attachments::create_upload_session),
        )
        .route(
            "/upload/{session}",
            axum::routing::put(attachments::upload_range),
        )
        .route("/v1.0/_echo/{*rest}", axum::routing::any(drive::echo))
        .route(
            "/v1.0/me/drive/items/{id}/content",
            get(drive::download).put(drive::upload),
        )
        .route(
            "/v1.0/me/mailFolders/{folder}/childFolders",
            get(folders::child_folders).post(folders::create_child_folder),
        )
        .route("/v1.0/me", get(me))
        .route("/v1.0/me/mailboxSettings", get(mailbox_settings))
        .route(
            "/v1.0/me/messages",
            get(mail_read::list_messages).post(mail_send::create_draft),
        )
        .route("/v1.0/me/sendMail", post(mail_send::send_mail))
        .route("/v1.0/me/messages/{id}/send", post(mail_send::send_draft))
        .route("/v1.0/me/messages/{id}/reply", post(mail_send::reply))
        .route(
            "/v1.0/me/messages/{id}/createReply",
            post(mail_send::create_reply),
        )
        .route(
            "/v1.0/me/mailFolders",
            get(folders::list_folders).post(folders::create_folder),
        )
        .route("/v1.0/me/mailFolders/{folder}", get(folders::get_folder))
        .route(
            "/v1.0/me/mailFolders/{folder}/messages",
            get(mail_read::list_folder_messages),
        )
        .route(
            "/v1.0/me/messages/{id}",
            get(mail_read::get_message)
                .patch(mail_write::patch)
                .delete(mail_write::delete),
        )
        .route(
            "/v1.0/me/messages/{id}/move",
            post(mail_write::move_message),
        )
        .route(
            "/v1.0/me/messages/{id}/attachments",
            get(mail_write::list_attachments).post(attachments::add_attachment),
        )
        .route(
            "/v1.0/me/messages/{id}/attachments/{attachment}",
            get(mail_write::attachment).delete(mail_write::delete_attachment),
        )
        .route("/v1.0/me/messages/{id}/$value", get(mail_write::mime))
        .route("/v1.0/subscriptions", post(subscriptions::create))
        .route(
            "/v1.0/subscriptions/{id}",
            axum::routing::patch(subscriptions::update).delete(subscriptions::delete),
        )
}

/// A path Graph has no resource for (after the strict checks, which see every request).
pub async fn no_such_segment(uri: axum::http::Uri) -> Response {
    let last = uri
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    graph_error(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        &format!("Resource not found for the segment '{last}'."),
    )
}

pub fn graph_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "error": { "code": code, "message": message, "innerError": {
        "date": "2026-11-23T10:00:00", "request-id": uuid::Uuid::new_v4().to_string(),
        "client-request-id": uuid::Uuid::new_v4().to_string() } } });
    (status, Json(body)).into_response()
}

/// The signed-in user, and the scopes of the token, after the checks Graph makes.
pub(super) struct Caller {
    pub(super) email: String,
    pub(super) scopes: Vec<String>,
}

pub(super) fn caller(fake: &FakeMicrosoft, headers: &HeaderMap) -> Result<Caller, Response> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if token.is_empty() {
        return Err(graph_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Access token is empty.",
        ));
    }
    let acting_for = headers
        .get(super::app_only::ACTING_FOR)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    fake.with(|i| match i.access_tokens.get(token) {
        None => Err(graph_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "CompactToken parsing failed with error code: 80049217",
        )),
        Some(a) if a.expires_at <= now() => Err(graph_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.",
        )),
        // An app-only token reaches the mailbox `/users/{id}` named (see `app_only`).
        Some(a) => Ok(Caller {
            email: match a.app {
                Some(_) => acting_for.clone().unwrap_or_default(),
                None => a.user.clone(),
            },
            scopes: a.scopes.clone(),
        }),
    })
}

/// The caller's email when its token holds one of `permissions`; Graph's 403 otherwise.
pub(super) fn require(
    fake: &FakeMicrosoft,
    headers: &HeaderMap,
    permissions: &[&str],
) -> Result<String, Response> {
    let c = caller(fake, headers)?;
    if has_any(&c.scopes, permissions) {
        Ok(c.email)
    } else {
        Err(graph_error(
            StatusCode::FORBIDDEN,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        ))
    }
}

pub(super) fn has_any(scopes: &[String], wanted: &[&str]) -> bool {
    scopes
        .iter()
        .any(|s| wanted.iter().any(|w| s.eq_ignore_ascii_case(w)))
}

async fn me(State(fake): State<FakeMicrosoft>, headers: HeaderMap) -> Response {
    let c = match caller(&fake, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let u = fake
        .with(|i| i.users.iter().find(|u| u.email == c.email).cloned())
        .unwrap();
    Json(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
        "businessPhones": [], "displayName": u.name, "givenName": u.name.split(' ').next(),
        "jobTitle": null, "mail": if u.mail_null { Value::Null } else { json!(u.email) }, "mobilePhone": null,
        "officeLocation": null, "preferredLanguage": "en-US", "surname": null,
        "userPrincipalName": u.email, "id": u.oid
    }))
    .into_response()
}

async fn mailbox_settings(State(fake): State<FakeMicrosoft>, headers: HeaderMap) -> Response {
    let c = match caller(&fake, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !has_any(
        &c.scopes,
        &["MailboxSettings.Read", "MailboxSettings.ReadWrite"],
    ) {
        return graph_error(
            StatusCode::FORBIDDEN,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        );
    }
    let u = fake
        .with(|i| i.users.iter().find(|u| u.email == c.email).cloned())
        .unwrap();
    Json(json!({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('x')/mailboxSettings",
        "timeZone": u.time_zone, "dateFormat": "M/d/yyyy", "timeFormat": "h:mm tt" })).into_response()
}

/// Graph's answer to a stale `If-Match` on any Outlook item (message, event, contact, task).
pub fn conflict() -> Response {
    graph_error(
        StatusCode::PRECONDITION_FAILED,
        "ErrorIrresolvableConflict",
        "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.",
    )
}

/// Whether `If-Match` names another version than the item's current one.
pub fn stale(headers: &HeaderMap, current: &Value) -> bool {
    headers
        .get("if-match")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|m| m != "*" && current["@odata.etag"] != m)
}
