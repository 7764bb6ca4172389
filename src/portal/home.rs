//! The owner's home: their apps, with the health of each at a glance (accounts that need their
//! user again, Office 365 settings missing or refused, a secret about to expire).

use super::html::{page, respond};
use super::office365::expiry_warning;
use super::session::SignedIn;
use crate::clock::now;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{AppRecord, TokenStatus};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};

/// An app's row: its name and client id, its Office 365 settings, its accounts' health.
async fn row(state: &AppState, app: &AppRecord) -> Result<Markup, ApiError> {
    let counts = state.store.account_status_counts(Some(app.id)).await?;
    let count = |s: TokenStatus| {
        counts
            .iter()
            .filter(|(status, _)| *status == s)
            .map(|(_, n)| n)
            .sum::<i64>()
    };
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let (invalid, dead) = (count(TokenStatus::Invalid), count(TokenStatus::Dead));
    let problem = match state.store.office365(app.id).await? {
        None => Some("not set up".to_string()),
        Some(o) => o
            .problem
            .map(|p| p.message)
            .or_else(|| expiry_warning(o.secret_expires_at, now())),
    };
    Ok(html! {
        tr {
            td { a href={ "/portal/apps/" (app.client_id) } { (app.name) } br; small { code { (app.client_id) } } }
            td { @if let Some(p) = problem { span class="error" { (p) } } @else { "ready" } }
            td {
                (total) " linked"
                @if invalid + dead > 0 {
                    br; span class="error" { (dead) " need their user again, " (invalid) " failing" }
                }
            }
        }
    })
}

pub async fn home(State(state): State<AppState>, who: SignedIn) -> Result<Response, ApiError> {
    let apps = state.store.owner_apps(who.owner.id).await?;
    let mut rows = Vec::with_capacity(apps.len());
    for a in &apps {
        rows.push(row(&state, a).await?);
    }
    let body = html! {
        div class="card" {
            h1 { "Your apps" }
            @if apps.is_empty() {
                p { "No apps yet." }
            } @else {
                div class="table-wrap" {
                    table id="apps" {
                        thead { tr { th { "App" } th { "Office 365" } th { "Accounts" } } }
                        tbody { @for r in rows { (r) } }
                    }
                }
            }
            a class="button" href="/portal/apps/new" { "Create an app" }
        }
        (super::invites::card(&state, &who.csrf, "", None))
    };
    Ok(respond(
        StatusCode::OK,
        page("Apps", Some((&who.owner.email, &who.csrf)), body),
    ))
}
