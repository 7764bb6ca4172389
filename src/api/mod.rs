//! The HTTP API: one module per resource, one router.

mod accounts;
mod auth;
mod calendar;
mod contacts;
mod direct;
mod drafts;
mod email;
pub mod extract;
mod folders;
mod health;
pub mod request_id;
pub mod scope_check;
mod series;
mod tasks;

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use axum::Router;

/// Outgoing mail carries its attachments in base64: Exchange's default 35 MB message limit, encoded.
const MAIL_BODY_LIMIT: usize = 48 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/v1/auth/authorize", get(auth::authorize))
        .route("/v1/auth/callback", get(auth::callback))
        .route("/v1/auth/token/{code}", post(auth::token).get(auth::token))
        .route("/v1/account", get(accounts::me).delete(accounts::delete_me))
        .route(
            "/v1/account/token",
            axum::routing::delete(accounts::revoke_token),
        )
        .route(
            "/v1/am/accounts",
            get(accounts::list).post(accounts::import),
        )
        .route("/v1/am/accounts/connect", post(accounts::connect))
        .route(
            "/v1/am/accounts/{id}",
            get(accounts::get_one).delete(accounts::delete_one),
        )
        .route(
            "/v1/email/messages",
            get(email::list)
                .post(email::send)
                .layer(DefaultBodyLimit::max(MAIL_BODY_LIMIT)),
        )
        .route(
            "/v1/email/messages/{id}/reply",
            post(email::reply).layer(DefaultBodyLimit::max(MAIL_BODY_LIMIT)),
        )
        .route(
            "/v1/email/messages/{id}",
            get(email::get_one).delete(email::delete),
        )
        .route("/v1/email/messages/{id}/raw", get(email::raw))
        .route("/v1/email/messages/{id}/status", post(email::update_status))
        .route(
            "/v1/email/messages/{id}/attachments/{attachment}",
            get(email::attachment),
        )
        .route("/v1/email/conversations/{thread}", get(email::conversation))
        .route(
            "/v1/email/drafts",
            post(drafts::create).layer(DefaultBodyLimit::max(MAIL_BODY_LIMIT)),
        )
        .route(
            "/v1/email/drafts/{id}",
            get(drafts::get_one)
                .put(drafts::update)
                .delete(drafts::delete)
                .layer(DefaultBodyLimit::max(MAIL_BODY_LIMIT)),
        )
        .route("/v1/email/drafts/{id}/send", post(drafts::send))
        .route(
            "/v1/email/folders",
            get(folders::list).post(folders::create),
        )
        .route(
            "/v1/email/folders/wellKnown",
            get(folders::well_known).patch(folders::update_well_known),
        )
        .route("/v1/email/folders/{id}", get(folders::get_one))
        .route(
            "/v1/email/folders/{id}/messages",
            get(email::list_in_folder),
        )
        .route("/v1/contacts", get(contacts::list).post(contacts::create))
        .route(
            "/v1/contacts/{id}",
            get(contacts::get_one)
                .patch(contacts::update)
                .delete(contacts::delete),
        )
        .route("/v1/tasklists", get(tasks::lists).post(tasks::create_list))
        .route(
            "/v1/tasklists/{list}",
            get(tasks::list)
                .patch(tasks::update_list)
                .delete(tasks::delete_list),
        )
        .route(
            "/v1/tasklists/{list}/tasks",
            get(tasks::tasks).post(tasks::create_task),
        )
        .route(
            "/v1/tasklists/{list}/tasks/{id}",
            get(tasks::task)
                .patch(tasks::update_task)
                .delete(tasks::delete_task),
        )
        .route(
            "/v1/calendars",
            get(calendar::calendars).post(calendar::create_calendar),
        )
        .route("/v1/calendars/freeBusy", post(calendar::free_busy))
        .route(
            "/v1/calendars/suggestMeetingTimes",
            post(calendar::suggest_meeting_times),
        )
        .route(
            "/v1/calendars/{calendar}",
            get(calendar::calendar).patch(calendar::update_calendar),
        )
        .route(
            "/v1/calendars/{calendar}/events/range",
            get(calendar::range),
        )
        .route(
            "/v1/calendars/{calendar}/events",
            post(calendar::create_event),
        )
        .route(
            "/v1/calendars/{calendar}/events/{id}",
            get(calendar::event)
                .patch(calendar::update_event)
                .delete(calendar::delete_event),
        )
        .route(
            "/v1/calendars/{calendar}/events/{id}/response",
            axum::routing::put(calendar::respond),
        )
        .route("/v1/calendars/{calendar}/events/find", get(calendar::find))
        .route(
            "/v1/calendars/{calendar}/events/{id}/series",
            get(series::series),
        )
        .route(
            "/v1/calendars/{calendar}/events/{id}/occurrences/{ost}",
            get(series::occurrence),
        )
        .route(
            "/v1/calendars/{calendar}/events/{id}/attachments/{attachment}",
            get(calendar::attachment),
        )
        .route("/v1/direct/{*path}", any(direct::forward))
        .merge(crate::portal::router())
        .fallback(|| async { ApiError::not_found("notFound", "No such endpoint.") })
        .layer(axum::middleware::from_fn(request_id::middleware))
        .with_state(state)
}
