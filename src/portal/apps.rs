//! An owner's apps: create one (its client secret shown once), and see one with its return URLs,
//! its Office 365 settings and the redirect URI to register in Azure.

use super::html::{csrf_field, field, form_field, page, respond};
use super::session::{cookie, set_cookie, SignedIn, SAVED};
use super::session::{forbidden, owned};
use crate::apps::{self, AppError};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use secrecy::ExposeSecret;
use serde::Deserialize;

fn new_app_form(who: &SignedIn, name: &str, url: &str, error: Option<(&str, &str)>) -> Markup {
    let err = |f: &str| error.filter(|(field, _)| *field == f).map(|(_, m)| m);
    let url_label =
        "Return URL (where your users come back after linking; https, or http on localhost)";
    page(
        "New app",
        Some((&who.owner.email, &who.csrf)),
        html! {
            div class="card" {
                h1 { "New app" }
                form method="post" action="/portal/apps" {
                    (csrf_field(&who.csrf))
                    (field("name", "App name", "text", name, err("name")))
                    (field("returnUrl", url_label, "url", url, err("returnUrl")))
                    button type="submit" { "Create app" }
                }
            }
        },
    )
}

/// The page that shows a new app's client secret, once.
fn created_page(who: &SignedIn, name: &str, client_id: &str, secret: &str) -> Markup {
    page(
        "App created",
        Some((&who.owner.email, &who.csrf)),
        html! {
            div class="card" {
                h1 { (name) " is ready" }
                p class="ok" { "Copy the client secret now: it is shown only this once and stored only as a hash." }
                table {
                    tr { th { "Client id" } td { code id="client-id" { (client_id) } } }
                    tr { th { "Client secret" } td { code id="client-secret" { (secret) } } }
                }
                a class="button" href={ "/portal/apps/" (client_id) } { "Continue to the app" }
            }
        },
    )
}

pub async fn new_app(who: SignedIn) -> Response {
    respond(StatusCode::OK, new_app_form(&who, "", "", None))
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct NewApp {
    name: String,
    return_url: String,
    csrf: String,
}

pub async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<NewApp>,
) -> Result<Response, ApiError> {
    if !who.csrf_ok(&f.csrf) {
        return Ok(forbidden(&who));
    }
    let urls = [f.return_url.clone()];
    let now = crate::clock::now();
    match apps::create(
        state.store.as_ref(),
        &f.name,
        &urls,
        Some(who.owner.id),
        now,
    )
    .await
    {
        Ok(created) => Ok(respond(
            StatusCode::CREATED,
            created_page(
                &who,
                &created.app.name,
                &created.app.client_id,
                created.client_secret.expose_secret(),
            ),
        )),
        Err(AppError::Input(e)) => {
            let field = form_field(e.field);
            Ok(respond(
                StatusCode::BAD_REQUEST,
                new_app_form(&who, &f.name, &f.return_url, Some((field, &e.message))),
            ))
        }
        Err(e) => Err(ApiError::internal(e)),
    }
}

pub async fn show(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let d = match owned(&state, &who, &client_id).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let saved = cookie(&headers, SAVED).is_some_and(|c| c == d.app.client_id);
    let accounts = super::accounts::card(&state, &who, d.app.id, &d.app.client_id).await?;
    let body = html! {
        div class="card" {
            h1 { (d.app.name) }
            p { "Client id " code { (d.app.client_id) } }
        }
        (super::manage::card(&who, &d, None))
        (super::office365::settings_card(&state, &who, &d, saved))
        (accounts)
        (super::service_accounts::card(&state, &who, &d).await?)
        (super::webhooks::card(&state, &who, &d, None).await?)
    };
    let mut response = respond(
        StatusCode::OK,
        page(&d.app.name, Some((&who.owner.email, &who.csrf)), body),
    );
    if saved {
        let (k, v) = set_cookie(SAVED, "", 0);
        response.headers_mut().append(k, v);
    }
    Ok(response)
}
