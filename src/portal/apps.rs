//! An owner's apps: create one (its client secret shown once), and see one with its return URLs,
//! its Office 365 settings and the redirect URI to register in Azure.

use super::guard::{forbidden, owned};
use super::html::{csrf_field, escape, field, form_field, page, respond};
use super::session::SignedIn;
use crate::apps::{self, AppError};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use secrecy::ExposeSecret;
use serde::Deserialize;

fn new_app_form(who: &SignedIn, name: &str, url: &str, error: Option<(&str, &str)>) -> String {
    let err = |f: &str| error.filter(|(field, _)| *field == f).map(|(_, m)| m);
    page(
        "New app",
        Some((&who.owner.email, &who.csrf)),
        &format!(
            r#"<div class="card"><h1>New app</h1><form method="post" action="/portal/apps">{}{}{}<button type="submit">Create app</button></form></div>"#,
            csrf_field(&who.csrf),
            field("name", "App name", "text", name, err("name")),
            field(
                "returnUrl",
                "Return URL (where your users come back after linking; https, or http on localhost)",
                "url",
                url,
                err("returnUrl")
            ),
        ),
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
        Ok(created) => {
            let id = escape(&created.app.client_id);
            let body = format!(
                r#"<div class="card"><h1>{} is ready</h1><p class="ok">Copy the client secret now: it is shown only this once and stored only as a hash.</p><table><tr><th>Client id</th><td><code id="client-id">{id}</code></td></tr><tr><th>Client secret</th><td><code id="client-secret">{}</code></td></tr></table><a class="button" href="/portal/apps/{id}">Continue to the app</a></div>"#,
                escape(&created.app.name),
                escape(created.client_secret.expose_secret())
            );
            Ok(respond(
                StatusCode::CREATED,
                page("App created", Some((&who.owner.email, &who.csrf)), &body),
            ))
        }
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
) -> Result<Response, ApiError> {
    let d = match owned(&state, &who, &client_id).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let body = format!(
        r#"<div class="card"><h1>{}</h1><p>Client id <code>{}</code></p></div>
{}{}{}"#,
        escape(&d.app.name),
        escape(&d.app.client_id),
        super::manage::card(&who, &d, None),
        super::office365::settings_card(&state, &who, &d),
        super::accounts::card(&state, &who, d.app.id, &d.app.client_id).await?,
    );
    Ok(respond(
        StatusCode::OK,
        page(&d.app.name, Some((&who.owner.email, &who.csrf)), &body),
    ))
}
