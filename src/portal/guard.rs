//! The guard in front of every page about one app: the app must be the signed-in owner's, and a
//! submitted form must carry the session's CSRF token.

use super::html::{notice_card, page, respond};
use super::session::SignedIn;
use crate::apps::{self, AppDetails};
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::Response;

pub fn forbidden(who: &SignedIn) -> Response {
    respond(
        StatusCode::FORBIDDEN,
        page(
            "Form expired",
            Some((&who.owner.email, &who.csrf)),
            notice_card("notice", "This form expired or came from another site."),
        ),
    )
}

/// The app a submitted form is about: not found unless this owner owns it, refused unless the
/// form carries the session's CSRF token.
pub async fn owned_form(
    state: &AppState,
    who: &SignedIn,
    client_id: &str,
    csrf: &str,
) -> Result<AppDetails, Response> {
    let d = owned(state, who, client_id).await?;
    if who.csrf_ok(csrf) {
        Ok(d)
    } else {
        Err(forbidden(who))
    }
}

/// The app if this owner owns it; anything else reads as not found.
pub async fn owned(
    state: &AppState,
    who: &SignedIn,
    client_id: &str,
) -> Result<AppDetails, Response> {
    let not_found = || {
        respond(
            StatusCode::NOT_FOUND,
            page(
                "Not found",
                Some((&who.owner.email, &who.csrf)),
                notice_card("", "No such app."),
            ),
        )
    };
    match apps::details(state.store.as_ref(), client_id).await {
        Ok(d) if d.app.owner_id == Some(who.owner.id) => Ok(d),
        _ => Err(not_found()),
    }
}
