//! The owner's home: their apps.

use super::html::{escape, page, respond};
use super::session::SignedIn;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

pub async fn home(State(state): State<AppState>, who: SignedIn) -> Result<Response, ApiError> {
    let apps = state.store.owner_apps(who.owner.id).await?;
    let rows: String = apps
        .iter()
        .map(|a| {
            format!(
                r#"<tr><td><a href="/portal/apps/{}">{}</a></td><td><code>{}</code></td></tr>"#,
                escape(&a.client_id),
                escape(&a.name),
                escape(&a.client_id)
            )
        })
        .collect();
    let list = if apps.is_empty() {
        "<p>No apps yet.</p>".to_string()
    } else {
        format!("<table><thead><tr><th>Name</th><th>Client id</th></tr></thead><tbody>{rows}</tbody></table>")
    };
    Ok(respond(
        StatusCode::OK,
        page(
            "Apps",
            Some((&who.owner.email, &who.csrf)),
            &format!(
                r#"<div class="card"><h1>Your apps</h1>{list}<a class="button" href="/portal/apps/new">Create an app</a></div>"#
            ),
        ),
    ))
}
