//! Owners invite other owners: a sign-up link for one address, shown once, valid for seven days.
//! Unless the operator closed sign-up, in which case owners come from the CLI only.

use super::html::{csrf_field, field, notice_card, page, respond};
use super::session::forbidden;
use super::session::SignedIn;
use crate::clock::now;
use crate::config::SignupPolicy;
use crate::error::ApiError;
use crate::owners::{self, OwnerError};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use maud::{html, Markup};
use secrecy::ExposeSecret;
use serde::Deserialize;

/// The card on the owner's home, when invitations are possible.
pub fn card(state: &AppState, csrf: &str, email: &str, error: Option<&str>) -> Markup {
    if state.settings.limits.signup == SignupPolicy::Closed {
        return html! {};
    }
    html! {
        div class="card" {
            h2 { "Invite an owner" }
            p { "Someone who should run apps on this switchboard gets a sign-up link for their address (valid for 7 days, usable once)." }
            form method="post" action="/portal/invites" {
                (csrf_field(csrf))
                (field("invite-email", "Their e-mail address", "email", email, error))
                button type="submit" { "Create an invitation" }
            }
        }
    }
}

/// The invitation link, shown once.
fn invitation(email: &str, link: &str) -> Markup {
    html! {
        div class="card" {
            h1 { "Invitation for " (email) }
            p class="ok" { "Send this link to them; it is shown only now." }
            label for="invite-link" { "Sign-up link" }
            input id="invite-link" type="text" readonly value=(link);
            button type="button" data-copy="invite-link" { "Copy" }
            p { a href="/portal" { "Back to your apps" } }
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewInvite {
    #[serde(rename = "invite-email")]
    email: String,
    csrf: String,
}

pub async fn create(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<NewInvite>,
) -> Result<Response, ApiError> {
    if !who.csrf_ok(&f.csrf) {
        return Ok(forbidden(&who));
    }
    let signed_in = Some((who.owner.email.as_str(), who.csrf.as_str()));
    if state.settings.limits.signup == SignupPolicy::Closed {
        let closed = "Sign-up is closed here: the operator creates owner accounts.";
        let body = notice_card("notice", closed);
        return Ok(respond(
            StatusCode::FORBIDDEN,
            page("Invite an owner", signed_in, body),
        ));
    }
    match owners::invite(state.store.as_ref(), &f.email, Some(who.owner.id), now()).await {
        Ok(token) => {
            let link = owners::invite_link(&state.settings.public_url, token.expose_secret());
            let email = owners::normalize_email(&f.email).unwrap_or_default();
            Ok(respond(
                StatusCode::CREATED,
                page("Invitation", signed_in, invitation(&email, &link)),
            ))
        }
        Err(OwnerError::Input { message, .. }) => {
            let body = card(&state, &who.csrf, &f.email, Some(&message));
            Ok(respond(
                StatusCode::BAD_REQUEST,
                page("Invite an owner", signed_in, body),
            ))
        }
        Err(e) => Err(ApiError::internal(e)),
    }
}
