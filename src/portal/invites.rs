//! Owners invite other owners: a sign-up link for one address, shown once, valid for seven days.
//! Unless the operator closed sign-up, in which case owners come from the CLI only.

use super::guard::forbidden;
use super::html::{csrf_field, escape, field, page, respond};
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
use secrecy::ExposeSecret;
use serde::Deserialize;

/// The card on the owner's home, when invitations are possible.
pub fn card(state: &AppState, csrf: &str, email: &str, error: Option<&str>) -> String {
    if state.settings.limits.signup == SignupPolicy::Closed {
        return String::new();
    }
    format!(
        r#"<div class="card"><h2>Invite an owner</h2><p>Someone who should run apps on this switchboard gets a sign-up link for their address (valid for 7 days, usable once).</p><form method="post" action="/portal/invites">{}{}<button type="submit">Create an invitation</button></form></div>"#,
        csrf_field(csrf),
        field(
            "invite-email",
            "Their e-mail address",
            "email",
            email,
            error
        )
    )
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
        return Ok(respond(
            StatusCode::FORBIDDEN,
            page(
                "Invite an owner",
                signed_in,
                r#"<div class="card"><p class="notice">Sign-up is closed here: the operator creates owner accounts.</p></div>"#,
            ),
        ));
    }
    match owners::invite(state.store.as_ref(), &f.email, Some(who.owner.id), now()).await {
        Ok(token) => {
            let link = owners::invite_link(&state.settings.public_url, token.expose_secret());
            let email = owners::normalize_email(&f.email).unwrap_or_default();
            Ok(respond(
                StatusCode::CREATED,
                page(
                    "Invitation",
                    signed_in,
                    &format!(
                        r#"<div class="card"><h1>Invitation for {}</h1><p class="ok">Send this link to them; it is shown only now.</p><label for="invite-link">Sign-up link</label><input id="invite-link" type="text" readonly value="{}"><button type="button" data-copy="invite-link">Copy</button><p><a href="/portal">Back to your apps</a></p></div>"#,
                        escape(&email),
                        escape(&link)
                    ),
                ),
            ))
        }
        Err(OwnerError::Input { message, .. }) => Ok(respond(
            StatusCode::BAD_REQUEST,
            page(
                "Invite an owner",
                signed_in,
                &card(&state, &who.csrf, &f.email, Some(&message)),
            ),
        )),
        Err(e) => Err(ApiError::internal(e)),
    }
}
