//! The HTTP API: one module per resource, one router, and the OpenAPI document built from the
//! same annotated handlers (so the routes and the document cannot disagree).

mod accounts;
mod auth;
mod calendar;
mod contacts;
mod direct;
mod drafts;
mod edge;
mod email;
pub mod extract;
mod folders;
mod health;
mod home;
mod json;
mod links;
mod metrics;
pub mod openapi;
mod push;
pub mod request_id;
pub mod request_limits;
pub mod scope_check;
mod security_headers;
mod series;
mod service_accounts;
mod subscriptions;
mod sync;
mod tasks;

use crate::error::{ApiError, Code};
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{any, get, post};
use axum::Router;
use utoipa::{Modify, OpenApi as _};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Outgoing mail carries its attachments in base64: Exchange's default 35 MB message limit, encoded.
const MAIL_BODY_LIMIT: usize = crate::guards::large_bodies::UNSIZED;

/// The routes that take outgoing mail, with their larger body limit.
fn mail_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(email::list, email::send))
        .routes(routes!(email::reply))
        .routes(routes!(drafts::create))
        .routes(routes!(drafts::get_one, drafts::update, drafts::delete))
        .layer(DefaultBodyLimit::max(MAIL_BODY_LIMIT))
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(auth::authorize))
        .routes(routes!(auth::authorize_daemon))
        .routes(routes!(auth::callback))
        .routes(routes!(auth::token, auth::token_by_get))
        .routes(routes!(accounts::me, accounts::delete_me))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(accounts::list, accounts::import))
        .routes(routes!(accounts::connect))
        .routes(routes!(service_accounts::list, service_accounts::upsert))
        .routes(routes!(service_accounts::add_managed))
        .routes(routes!(accounts::get_one, accounts::delete_one))
        .merge(mail_routes())
        .routes(routes!(email::get_one, email::delete))
        .routes(routes!(email::raw))
        .routes(routes!(email::update_status))
        .routes(routes!(email::attachment))
        .routes(routes!(email::conversation))
        .routes(routes!(drafts::send))
        .routes(routes!(folders::list, folders::create))
        .routes(routes!(folders::well_known, folders::update_well_known))
        .routes(routes!(folders::get_one))
        .routes(routes!(email::list_in_folder))
        .routes(routes!(contacts::list, contacts::create))
        .routes(routes!(
            contacts::get_one,
            contacts::update,
            contacts::delete
        ))
        .routes(routes!(tasks::lists, tasks::create_list))
        .routes(routes!(tasks::list, tasks::update_list, tasks::delete_list))
        .routes(routes!(tasks::tasks, tasks::create_task))
        .routes(routes!(tasks::task, tasks::update_task, tasks::delete_task))
        .routes(routes!(calendar::calendars, calendar::create_calendar))
        .routes(routes!(calendar::free_busy))
        .routes(routes!(calendar::suggest_meeting_times))
        .routes(routes!(calendar::calendar, calendar::update_calendar))
        .routes(routes!(calendar::range))
        .routes(routes!(calendar::create_event))
        .routes(routes!(
            calendar::event,
            calendar::update_event,
            calendar::delete_event
        ))
        .routes(routes!(calendar::respond))
        .routes(routes!(calendar::find))
        .routes(routes!(series::series))
        .routes(routes!(series::occurrence))
        .routes(routes!(calendar::attachment))
        .routes(routes!(sync::email_start))
        .routes(routes!(sync::email_updated))
        .routes(routes!(sync::email_deleted))
        .routes(routes!(sync::contacts_start))
        .routes(routes!(sync::contacts_updated))
        .routes(routes!(sync::contacts_deleted))
        .routes(routes!(sync::tasks_start))
        .routes(routes!(sync::tasks_updated))
        .routes(routes!(sync::tasks_deleted))
        .routes(routes!(sync::calendar_start))
        .routes(routes!(sync::calendar_updated))
        .routes(routes!(sync::calendar_deleted))
        .routes(routes!(subscriptions::list, subscriptions::subscribe))
        .routes(routes!(subscriptions::get_one, subscriptions::unsubscribe))
        .routes(routes!(links::create))
}

/// The OpenAPI document: the handlers' annotations, then the shared conventions.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, doc) = api_routes().split_for_parts();
    finish(doc)
}

fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    doc.merge(openapi::DirectDoc::openapi());
    openapi::Conventions.modify(&mut doc);
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    doc
}

/// The docs UI at `/docs`, from assets built into the binary; nothing is fetched elsewhere (no
/// validator badge either).
fn docs_ui(doc: utoipa::openapi::OpenApi) -> utoipa_swagger_ui::SwaggerUi {
    let config = utoipa_swagger_ui::Config::from("/openapi.json").validator_url("none");
    utoipa_swagger_ui::SwaggerUi::new("/docs")
        .url("/openapi.json", doc)
        .config(config)
}

pub use metrics::router as metrics_router;

pub fn router(state: AppState) -> Router {
    let (api, doc) = api_routes().split_for_parts();
    let doc = finish(doc);
    let mut router = Router::new();
    if state.settings.metrics_listen.is_none() {
        router = router.route("/metrics", get(metrics::metrics));
    }
    router
        .merge(api)
        // A Graph path has any number of segments, which OpenAPI cannot say: documented apart.
        .route("/v1/direct/{*path}", any(direct::forward))
        .route("/v1/links/{token}", get(links::show).post(links::open))
        .route("/push/{service}/notify", post(push::notify))
        .route("/push/{service}/lifecycle", post(push::lifecycle))
        .route("/", get(home::page))
        .merge(docs_ui(doc))
        .merge(crate::portal::router())
        .fallback(|| async { ApiError::not_found(Code::NotFound, "No such endpoint.") })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            edge::middleware,
        ))
        .with_state(state)
}
