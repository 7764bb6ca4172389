//! Changing an app from the portal: rename, a new client secret, return URLs, and deletion after
//! the owner types the app's name.

use super::html::{csrf_field, field, page, refused_on_app, respond};
use super::session::SignedIn;
use super::session::{owned, owned_form};
use crate::apps::input::{Field, InputError};
use crate::apps::{self, AppDetails, AppError};
use crate::clock::now;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use secrecy::ExposeSecret;
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Change {
    name: String,
    url: String,
    confirm: String,
    csrf: String,
}

/// The management card of the app page.
pub fn card(who: &SignedIn, d: &AppDetails, error: Option<(&str, &str)>) -> Markup {
    let err = |f: &str| error.filter(|(name, _)| *name == f).map(|(_, m)| m);
    let id = &d.app.client_id;
    let csrf = csrf_field(&who.csrf);
    html! {
        div class="card" {
            h2 { "Return URLs" }
            ul id="return-urls" {
                @for u in &d.return_urls {
                    li {
                        code { (u) } " "
                        form method="post" action={ "/portal/apps/" (id) "/return-urls/remove" } class="inline" {
                            (csrf)
                            input type="hidden" name="url" value=(u);
                            button class="link" type="submit" { "remove" }
                        }
                    }
                }
            }
            @if let Some(m) = err("list") { p class="error" role="alert" { (m) } }
            form method="post" action={ "/portal/apps/" (id) "/return-urls" } {
                (csrf)
                (field("url", "New return URL", "url", "", err("url")))
                button type="submit" { "Add return URL" }
            }
        }
        div class="card" {
            h2 { "Manage" }
            form method="post" action={ "/portal/apps/" (id) "/rename" } {
                (csrf)
                (field("name", "App name", "text", &d.app.name, err("name")))
                button type="submit" { "Rename" }
            }
            form method="post" action={ "/portal/apps/" (id) "/secret" }
                data-confirm="The current client secret stops working at once. Continue?" {
                (csrf)
                button type="submit" { "New client secret" }
            }
            p { a href={ "/portal/apps/" (id) "/delete" } { "Delete this app…" } }
        }
    }
}

/// The management card again, with the error next to the field at fault.
fn problem(who: &SignedIn, d: &AppDetails, e: &InputError) -> Response {
    let field = match e.field {
        Field::ReturnUrls => "list",
        Field::ReturnUrl => "url",
        _ => "name",
    };
    let message = e.message.as_str();
    refused_on_app(
        (&who.owner.email, &who.csrf),
        &d.app.name,
        &d.app.client_id,
        card(who, d, Some((field, message))),
    )
}

/// Runs a change on an owned app after the CSRF check; input errors come back as a page.
async fn change<F, Fut>(
    state: &AppState,
    who: &SignedIn,
    client_id: &str,
    csrf: &str,
    run: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(AppDetails) -> Fut,
    Fut: std::future::Future<Output = Result<Response, AppError>>,
{
    let d = match owned_form(state, who, client_id, csrf).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    match run(d.clone()).await {
        Ok(r) => Ok(r),
        Err(AppError::Input(e)) => Ok(problem(who, &d, &e)),
        Err(e) => Err(ApiError::internal(e)),
    }
}

fn back(client_id: &str) -> Response {
    Redirect::to(&format!("/portal/apps/{client_id}")).into_response()
}

pub async fn rename(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<Change>,
) -> Result<Response, ApiError> {
    let store = state.store.clone();
    change(&state, &who, &client_id, &f.csrf, |d| async move {
        apps::rename(store.as_ref(), &d.app, &f.name, now()).await?;
        Ok(back(&d.app.client_id))
    })
    .await
}

pub async fn add_url(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<Change>,
) -> Result<Response, ApiError> {
    let store = state.store.clone();
    change(&state, &who, &client_id, &f.csrf, |d| async move {
        apps::add_return_url(store.as_ref(), &d.app, &f.url).await?;
        Ok(back(&d.app.client_id))
    })
    .await
}

pub async fn remove_url(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<Change>,
) -> Result<Response, ApiError> {
    let store = state.store.clone();
    change(&state, &who, &client_id, &f.csrf, |d| async move {
        apps::remove_return_url(store.as_ref(), &d.app, &f.url).await?;
        Ok(back(&d.app.client_id))
    })
    .await
}

pub async fn new_secret(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<Change>,
) -> Result<Response, ApiError> {
    let (store, email, csrf) = (
        state.store.clone(),
        who.owner.email.clone(),
        who.csrf.clone(),
    );
    change(&state, &who, &client_id, &f.csrf, |d| async move {
        let secret = apps::rotate_secret(store.as_ref(), &d.app, now()).await?;
        let body = html! {
            div class="card" {
                h1 { "New client secret" }
                p class="ok" { "The old secret no longer works. Copy this one now: it is shown only this once." }
                p { code id="client-secret" { (secret.expose_secret()) } }
                a class="button" href={ "/portal/apps/" (d.app.client_id) } { "Back to the app" }
            }
        };
        Ok(respond(StatusCode::OK, page("New client secret", Some((&email, &csrf)), body)))
    })
    .await
}

fn delete_form(
    who: &SignedIn,
    d: &AppDetails,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let body = html! {
        div class="card" {
            h1 { "Delete " (d.app.name) }
            p class="notice" { "This deletes the app, its Office 365 settings and every linked account. Apps using its credentials stop working at once." }
            form method="post" action={ "/portal/apps/" (d.app.client_id) "/delete" } {
                (csrf_field(&who.csrf))
                (field("confirm", "Type the app's name to confirm", "text", "", error))
                button type="submit" { "Delete for good" }
            }
        }
    };
    respond(
        status,
        page("Delete app", Some((&who.owner.email, &who.csrf)), body),
    )
}

pub async fn delete_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
) -> Response {
    match owned(&state, &who, &client_id).await {
        Ok(d) => delete_form(&who, &d, StatusCode::OK, None),
        Err(r) => r,
    }
}

pub async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<Change>,
) -> Result<Response, ApiError> {
    let (store, asker, services) = (state.store.clone(), &who, &state);
    change(&state, &who, &client_id, &f.csrf, |d| async move {
        if f.confirm.trim() != d.app.name {
            let message = "Type the app's name exactly to delete it.";
            return Ok(delete_form(
                asker,
                &d,
                StatusCode::BAD_REQUEST,
                Some(message),
            ));
        }
        crate::accounts::close_app_channels(services, d.app.id).await?;
        apps::delete(store.as_ref(), &d.app).await?;
        Ok(Redirect::to("/portal").into_response())
    })
    .await
}
