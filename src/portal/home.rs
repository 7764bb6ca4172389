//! The owner's home: their apps, with the health of each at a glance (accounts that need their
//! user again, Office 365 settings missing or refused, a secret about to expire).

use super::html::{escape, page, respond};
use super::office365::expiry_warning;
use super::session::SignedIn;
use crate::clock::now;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{AppRecord, TokenStatus};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

async fn health(state: &AppState, app: &AppRecord) -> Result<(String, String), ApiError> {
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
    let mut accounts_text = format!("{total} linked");
    if invalid + dead > 0 {
        accounts_text.push_str(&format!(
            r#"<br><span class="error">{dead} need their user again, {invalid} failing</span>"#
        ));
    }
    let office = state.store.office365(app.id).await?;
    let settings = match office {
        None => r#"<span class="error">not set up</span>"#.to_string(),
        Some(o) => match (&o.problem, expiry_warning(o.secret_expires_at, now())) {
            (Some(p), _) => format!(r#"<span class="error">{}</span>"#, escape(&p.message)),
            (None, Some(w)) => format!(r#"<span class="error">{}</span>"#, escape(&w)),
            (None, None) => "ready".to_string(),
        },
    };
    Ok((accounts_text, settings))
}

pub async fn home(State(state): State<AppState>, who: SignedIn) -> Result<Response, ApiError> {
    let apps = state.store.owner_apps(who.owner.id).await?;
    let mut rows = String::new();
    for a in &apps {
        let (accounts, settings) = health(&state, a).await?;
        rows.push_str(&format!(
            r#"<tr><td><a href="/portal/apps/{0}">{1}</a><br><small><code>{0}</code></small></td><td>{settings}</td><td>{accounts}</td></tr>"#,
            escape(&a.client_id),
            escape(&a.name),
        ));
    }
    let list = if apps.is_empty() {
        "<p>No apps yet.</p>".to_string()
    } else {
        format!("<table id=\"apps\"><thead><tr><th>App</th><th>Office 365</th><th>Accounts</th></tr></thead><tbody>{rows}</tbody></table>")
    };
    Ok(respond(
        StatusCode::OK,
        page(
            "Apps",
            Some((&who.owner.email, &who.csrf)),
            &format!(
                r#"<div class="card"><h1>Your apps</h1>{list}<a class="button" href="/portal/apps/new">Create an app</a></div>{}"#,
                super::invites::card(&state, &who.csrf, "", None)
            ),
        ),
    ))
}
