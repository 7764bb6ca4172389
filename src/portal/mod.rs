//! The portal for app owners, served by the same binary under `/portal`. Pages are plain HTML
//! forms (they work without JavaScript); every rule comes from the same service layer as the API
//! and the CLI.

pub mod accounts;
mod apps;
mod client_address;
mod home;
pub mod html;
mod invites;
mod manage;
mod office365;
mod service_accounts;
pub mod session;
mod signin;
mod signup;
mod webhooks;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/portal", get(home::home))
        .route("/portal/assets/portal.css", get(html::stylesheet))
        .route("/portal/assets/portal.js", get(html::script))
        .route(
            "/portal/signin",
            get(signin::signin_page).post(signin::signin),
        )
        .route(
            "/portal/signup",
            get(signup::signup_page).post(signup::signup),
        )
        .route("/portal/signout", post(signin::signout))
        .route("/portal/invites", post(invites::create))
        .route("/portal/apps", post(apps::create))
        .route("/portal/apps/new", get(apps::new_app))
        .route("/portal/apps/{client_id}", get(apps::show))
        .route("/portal/apps/{client_id}/office365", post(office365::save))
        .route(
            "/portal/apps/{client_id}/permissions",
            get(office365::permissions),
        )
        .route("/portal/apps/{client_id}/rename", post(manage::rename))
        .route("/portal/apps/{client_id}/secret", post(manage::new_secret))
        .route(
            "/portal/apps/{client_id}/signing-secret",
            post(webhooks::new_secret),
        )
        .route(
            "/portal/apps/{client_id}/events-url",
            post(webhooks::events_url),
        )
        .route(
            "/portal/apps/{client_id}/deliveries/{delivery}/replay",
            post(webhooks::replay),
        )
        .route(
            "/portal/apps/{client_id}/return-urls",
            post(manage::add_url),
        )
        .route(
            "/portal/apps/{client_id}/return-urls/remove",
            post(manage::remove_url),
        )
        .route(
            "/portal/apps/{client_id}/delete",
            get(manage::delete_page).post(manage::delete),
        )
        .route("/portal/apps/{client_id}/link", post(accounts::link))
        .route(
            "/portal/apps/{client_id}/consent",
            post(service_accounts::consent),
        )
        .route(
            "/portal/apps/{client_id}/service-accounts/{account_id}/mailboxes",
            post(service_accounts::add_mailbox),
        )
        .route(
            "/portal/apps/{client_id}/certificate",
            post(service_accounts::certificate),
        )
        .route("/portal/apps/{client_id}/linked", get(accounts::linked))
        .route(
            "/portal/apps/{client_id}/accounts/{account_id}/delete",
            post(accounts::delete),
        )
}
