//! Sign-up, as far as the operator's policy (`SWITCHBOARD_PORTAL_SIGNUP`) lets people in: `open`
//! to anyone, `invite` (the default) to the first owner and then by invitation only, `closed` to
//! nobody (owners come from the CLI). In an open portal a sign-up is answered the same way
//! whether or not the address is registered, so nobody learns which addresses have accounts.

use super::client_address::ClientAddress;
use super::html::{page, respond};
use super::signin::{
    busy, enter, expired_form, from_our_form, retry_later, show, Credentials, Kind, Submitted,
};
use crate::clock::now;
use crate::config::SignupPolicy;
use crate::error::ApiError;
use crate::owners::{self, OwnerError};
use crate::state::AppState;
use crate::store::crypto::hash_secret;
use crate::store::{Admission, OwnerRecord};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use secrecy::SecretString;
use serde::Deserialize;
use std::net::IpAddr;

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
            html! {
                div class="card" {
                    h1 { "Sign up" }
                    p class="notice" role="alert" { (message) }
                    p { a href="/portal/signin" { "Sign in" } }
                }
            },
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

/// A sign-up refused before anything is checked: a form not from our page, or a client that
/// tried too often.
fn refused_early(
    state: &AppState,
    form: &Submitted,
    csrf: &str,
    client: IpAddr,
) -> Option<Response> {
    if !from_our_form(form.headers, csrf) {
        return Some(expired_form(form.kind, form.headers, form.email));
    }
    let wait = state.signin_limit.client_wait(client, now())?;
    let message = format!("Too many attempts from here. Try again in {wait} seconds.");
    let page = form.again(StatusCode::TOO_MANY_REQUESTS, "form", message);
    Some(retry_later(page, wait as u64))
}

/// An invitation used with another address than the one invited.
fn wrong_address(door: &Door, form: &Submitted) -> Option<Response> {
    let Door::Invited(invited) = door else {
        return None;
    };
    if owners::normalize_email(form.email).ok().as_ref() == Some(invited) {
        return None;
    }
    let message = format!("This invitation is for {invited}: sign up with that address.");
    let shown = Submitted {
        email: invited,
        ..*form
    };
    Some(shown.again(StatusCode::BAD_REQUEST, "email", message))
}

/// What the person sees once the owner was created, or why not.
async fn answer(
    state: &AppState,
    form: &Submitted<'_>,
    door: &Door,
    created: Result<OwnerRecord, OwnerError>,
) -> Result<Response, ApiError> {
    match (created, door) {
        // In an open portal, a new address and a registered one get the same answer.
        (Ok(_) | Err(OwnerError::Taken), Door::Open) => {
            Ok(Redirect::to("/portal/signin?ready=1").into_response())
        }
        (Ok(owner), _) => enter(state, owner.id).await,
        (Err(OwnerError::Input { field, message }), _) => {
            Ok(form.again(StatusCode::BAD_REQUEST, field, message))
        }
        (Err(OwnerError::Busy(seconds)), _) => {
            state.metrics.shed("portal.hashing");
            Ok(busy(form.kind, form.headers, form.email, seconds))
        }
        (Err(OwnerError::Taken), Door::Invited(email)) => Ok(form.again(
            StatusCode::CONFLICT,
            "email",
            format!("This invitation is for {email}, and an account with that address exists already: sign in instead."),
        )),
        (Err(OwnerError::Taken), _) => Ok(shut(
            StatusCode::FORBIDDEN,
            "Sign-up is by invitation: this switchboard has its first owner now.",
        )),
        (Err(e), _) => Err(ApiError::internal(e)),
    }
}

pub async fn signup(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Form(c): Form<Credentials>,
) -> Result<Response, ApiError> {
    let invite = (!c.invite.is_empty()).then_some(c.invite.as_str());
    let form = Submitted {
        kind: Kind::SignUp { invite },
        headers: &headers,
        email: &c.email,
    };
    if let Some(refused) = refused_early(&state, &form, &c.csrf, client) {
        return Ok(refused);
    }
    let door = door(&state, &c.invite).await?;
    let invite_hash = hash_secret(&c.invite);
    let admission = match &door {
        Door::Shut(status, message) => return Ok(shut(*status, message)),
        Door::Open => Admission::Any,
        Door::First => Admission::FirstOnly,
        Door::Invited(_) => Admission::Invite(&invite_hash),
    };
    if let Some(wrong) = wrong_address(&door, &form) {
        return Ok(wrong);
    }
    state.signin_limit.signed_up(client, now());
    let password = SecretString::from(c.password.clone());
    let store = state.store.as_ref();
    let created =
        owners::create(store, &state.hashing, &c.email, &password, now(), admission).await;
    answer(&state, &form, &door, created).await
}
