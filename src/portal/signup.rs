//! Sign-up, as far as the operator's policy (`SWITCHBOARD_PORTAL_SIGNUP`) lets people in: `open`
//! to anyone, `invite` (the default) to the first owner and then by invitation only, `closed` to
//! nobody (owners come from the CLI). In an open portal a sign-up is answered the same way
//! whether or not the address is registered, so nobody learns which addresses have accounts.

use super::client_address::ClientAddress;
use super::html::{escape, page, respond};
use super::signin::{
    busy, enter, expired_form, from_our_form, retry_later, show, Credentials, Kind,
};
use crate::clock::now;
use crate::config::SignupPolicy;
use crate::error::ApiError;
use crate::owners::{self, OwnerError};
use crate::state::AppState;
use crate::store::crypto::hash_secret;
use crate::store::Admission;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use secrecy::SecretString;
use serde::Deserialize;

/// How someone may sign up right now.
enum Door {
    /// Anyone; the answer does not tell whether the address was free.
    Open,
    /// The first owner of this switchboard.
    First,
    /// With this invitation, for this address.
    Invited(String),
    /// Not at all, with the reason.
    Shut(StatusCode, &'static str),
}

async fn door(state: &AppState, invite: &str) -> Result<Door, ApiError> {
    let policy = state.settings.limits.signup;
    if policy == SignupPolicy::Closed {
        return Ok(Door::Shut(StatusCode::FORBIDDEN, "Sign-up is closed here: the operator creates owner accounts (switchboard owner create)."));
    }
    if !invite.is_empty() {
        return Ok(
            match owners::invited_email(state.store.as_ref(), invite, now())
                .await
                .map_err(ApiError::internal)?
            {
                Some(email) => Door::Invited(email),
                None => Door::Shut(StatusCode::NOT_FOUND, "This invitation cannot be used: it was used already, has expired, or the link is incomplete. Ask for a new one."),
            },
        );
    }
    Ok(match policy {
        SignupPolicy::Open => Door::Open,
        _ if !state.store.has_owners().await? => Door::First,
        _ => Door::Shut(StatusCode::FORBIDDEN, "Sign-up is by invitation: ask an owner of this switchboard to invite you (Invite an owner, on the portal's first page)."),
    })
}

fn shut(status: StatusCode, message: &str) -> Response {
    respond(
        status,
        page(
            "Sign up",
            None,
            &format!(
                r#"<div class="card"><h1>Sign up</h1><p class="notice" role="alert">{}</p><p><a href="/portal/signin">Sign in</a></p></div>"#,
                escape(message)
            ),
        ),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignUpQuery {
    invite: String,
}

pub async fn signup_page(
    State(state): State<AppState>,
    Query(q): Query<SignUpQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (email, note) = match door(&state, &q.invite).await? {
        Door::Shut(status, message) => return Ok(shut(status, message)),
        Door::Open => (String::new(), None),
        Door::First => (
            String::new(),
            Some("You will be the first owner of this switchboard.".to_string()),
        ),
        Door::Invited(email) => (email.clone(), Some(format!("You were invited as {email}."))),
    };
    let invite = (!q.invite.is_empty()).then_some(q.invite.as_str());
    let notes: Vec<(&str, String)> = note.into_iter().map(|n| ("ready", n)).collect();
    Ok(show(
        Kind::SignUp { invite },
        &headers,
        StatusCode::OK,
        &email,
        &notes,
    ))
}

pub async fn signup(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Form(c): Form<Credentials>,
) -> Result<Response, ApiError> {
    let invite = (!c.invite.is_empty()).then_some(c.invite.as_str());
    let kind = Kind::SignUp { invite };
    if !from_our_form(&headers, &c.csrf) {
        return Ok(expired_form(kind, &headers, &c.email));
    }
    if let Some(wait) = state.signin_limit.client_wait(client, now()) {
        let message = format!("Too many attempts from here. Try again in {wait} seconds.");
        let page = show(
            kind,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            &c.email,
            &[("form", message)],
        );
        return Ok(retry_later(page, wait as u64));
    }
    let door = door(&state, &c.invite).await?;
    let invite_hash = hash_secret(&c.invite);
    let admission = match &door {
        Door::Shut(status, message) => return Ok(shut(*status, message)),
        Door::Open => Admission::Any,
        Door::First => Admission::FirstOnly,
        Door::Invited(_) => Admission::Invite(&invite_hash),
    };
    if let Door::Invited(invited) = &door {
        if owners::normalize_email(&c.email).ok().as_ref() != Some(invited) {
            let message = format!("This invitation is for {invited}: sign up with that address.");
            return Ok(show(
                kind,
                &headers,
                StatusCode::BAD_REQUEST,
                invited,
                &[("email", message)],
            ));
        }
    }
    state.signin_limit.signed_up(client, now());
    let password = SecretString::from(c.password);
    let created = owners::create(
        state.store.as_ref(),
        &state.hashing,
        &c.email,
        &password,
        now(),
        admission,
    )
    .await;
    match (created, &door) {
        // In an open portal, a new address and a registered one get the same answer.
        (Ok(_) | Err(OwnerError::Taken), Door::Open) => {
            Ok(Redirect::to("/portal/signin?ready=1").into_response())
        }
        (Ok(owner), _) => enter(&state, owner.id).await,
        (Err(OwnerError::Input { field, message }), _) => Ok(show(
            kind,
            &headers,
            StatusCode::BAD_REQUEST,
            &c.email,
            &[(field, message)],
        )),
        (Err(OwnerError::Busy(seconds)), _) => {
            state.metrics.shed("portal.hashing");
            Ok(busy(kind, &headers, &c.email, seconds))
        }
        (Err(OwnerError::Taken), Door::Invited(email)) => Ok(show(
            kind,
            &headers,
            StatusCode::CONFLICT,
            &c.email,
            &[(
                "email",
                format!("This invitation is for {email}, and an account with that address exists already: sign in instead."),
            )],
        )),
        (Err(OwnerError::Taken), _) => Ok(shut(
            StatusCode::FORBIDDEN,
            "Sign-up is by invitation: this switchboard has its first owner now.",
        )),
        (Err(e), _) => Err(ApiError::internal(e)),
    }
}
