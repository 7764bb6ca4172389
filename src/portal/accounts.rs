//! The accounts linked to an app: health, the decoded reason when one needs its user again, delete,
//! and a button that links a test account through the real OAuth flow and comes back here.

use super::html::{csrf_field, page, respond, when};
use super::session::SignedIn;
use super::session::{owned, owned_form};
use crate::auth::link::{self, AuthorizeParams};
use crate::clock::now;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{AccountFilter, AccountRecord};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;

/// What the account's token status says, with the decoded reason when it needs its user again.
fn reason(a: &AccountRecord) -> Option<String> {
    a.token_error.as_ref().map(|e| {
        if e.message.starts_with(&e.code) {
            e.message.clone()
        } else {
            format!("{}: {}", e.code, e.message)
        }
    })
}

pub(super) fn row(client_id: &str, csrf: &str, a: &AccountRecord, now: i64) -> Markup {
    let moment = |t: Option<i64>| html! { @if let Some(t) = t { (when(t, now)) } @else { "—" } };
    html! {
        tr data-account=(a.id) {
            td { (a.email.as_deref().unwrap_or("—")) br; small { (a.name.as_deref().unwrap_or("")) } }
            td { (a.auth_scopes.join(" ")) }
            td class="status" {
                (a.token_status.to_string())
                @if let Some(r) = reason(a) { br; span class="error" { (r) } }
            }
            td { (moment(a.auth_obtained_at)) }
            td { (moment(a.access_expires_at)) }
            td {
                form method="post" action={ "/portal/apps/" (client_id) "/accounts/" (a.id) "/delete" }
                    data-confirm="Delete this account?" {
                    (csrf_field(csrf))
                    button type="submit" { "Delete" }
                }
            }
        }
    }
}

/// The accounts card of the app page. The table scrolls inside its card on narrow screens.
pub async fn card(
    state: &AppState,
    who: &SignedIn,
    app_id: i64,
    client_id: &str,
) -> Result<Markup, ApiError> {
    // Service accounts and their mailboxes have their own card.
    let personal = AccountFilter {
        kind: Some("personal"),
        ..Default::default()
    };
    let (accounts, total) = state.store.list_accounts(app_id, personal, 200, 0).await?;
    let t = now();
    Ok(html! {
        div class="card" {
            h2 { "Linked accounts" }
            @if accounts.is_empty() {
                p { "No linked accounts yet." }
            } @else {
                div class="table-wrap" {
                    table id="accounts" {
                        thead { tr {
                            th { "Account" } th { "Scopes" } th { "Token status" } th { "Linked" }
                            th { "Last refreshed token valid until" } th {}
                        } }
                        tbody { @for a in &accounts { (row(client_id, &who.csrf, a, t)) } }
                    }
                }
                p { (total) " account(s)." }
            }
            form method="post" action={ "/portal/apps/" (client_id) "/link" } {
                (csrf_field(&who.csrf))
                label for="link-scopes" { "Scopes for a test account" }
                input id="link-scopes" name="scopes" type="text" value="Mail.Read";
                button type="submit" { "Link a test account" }
            }
        }
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    scopes: String,
    csrf: String,
}

pub async fn link(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<LinkForm>,
) -> Result<Response, ApiError> {
    if let Err(r) = owned_form(&state, &who, &client_id, &f.csrf).await {
        return Ok(r);
    }
    let params = AuthorizeParams {
        client_id: Some(client_id.clone()),
        service_type: Some("Office365".into()),
        scopes: Some(f.scopes),
        return_url: Some(state.settings.link_return_url(&client_id)),
        ..Default::default()
    };
    match link::start(&state, params).await {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(e) => Ok(outcome(
            &who,
            &client_id,
            StatusCode::BAD_REQUEST,
            html! { p class="notice" role="alert" { (e.message) } },
        )),
    }
}

pub(super) fn outcome(
    who: &SignedIn,
    client_id: &str,
    status: StatusCode,
    message: Markup,
) -> Response {
    let body = html! {
        div class="card" {
            h1 { "Test account" }
            (message)
            a class="button" href={ "/portal/apps/" (client_id) } { "Back to the app" }
        }
    };
    respond(
        status,
        page("Test account", Some((&who.owner.email, &who.csrf)), body),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Linked {
    status: String,
    code: String,
    error: String,
    message: String,
}

/// Back from Microsoft: the code is exchanged here, for the owner's own app.
pub async fn linked(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Query(q): Query<Linked>,
) -> Result<Response, ApiError> {
    let d = match owned(&state, &who, &client_id).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    if q.status != "success" {
        let text = html! { p class="notice" role="alert" { "Linking failed (" (q.error) "): " (q.message) } };
        return Ok(outcome(&who, &client_id, StatusCode::OK, text));
    }
    let saved = crate::auth::exchange::exchange(&state, &d.app, &q.code).await?;
    let text = html! {
        p class="ok" { "Account " (saved.account_id) " is linked. Its account token, shown only this once, lets you try the API:" }
        p { code id="account-token" { (saved.access_token) } }
    };
    Ok(outcome(&who, &client_id, StatusCode::OK, text))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn delete(
    State(state): State<AppState>,
    who: SignedIn,
    Path((client_id, account_id)): Path<(String, i64)>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, ApiError> {
    let d = match owned_form(&state, &who, &client_id, &f.csrf).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    crate::accounts::delete(&state, d.app.id, account_id).await?;
    Ok(Redirect::to(&format!("/portal/apps/{client_id}")).into_response())
}
