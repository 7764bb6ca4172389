//! Sign in and sign out, and the form both sign-in and sign-up use. The forms shown before there
//! is a session are protected by a double-submit form cookie; sign-out by the session's CSRF
//! token. Failed sign-ins slow down their client and their account (see `limit`); hashing
//! runs a few at a time, and a sign-in that cannot get a turn is told to retry.

use super::client_address::ClientAddress;
use super::html::{csrf_field, field, page, respond, Strict};
use super::session::{form_token, same, set_cookie, SignedIn, FORM, SESSION};
use crate::clock::now;
use crate::config::SignupPolicy;
use crate::error::ApiError;
use crate::owners::{self, OwnerError, SESSION_SECONDS};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Credentials {
    pub email: String,
    pub password: String,
    pub csrf: String,
    /// A sign-up's invitation token.
    pub invite: String,
}

/// Which form, and what it carries besides the fields.
#[derive(Clone, Copy, PartialEq)]
pub enum Kind<'a> {
    /// With whether the page offers a link to sign up.
    SignIn { sign_up: bool },
    /// With the invitation it uses, if any.
    SignUp { invite: Option<&'a str> },
}

/// The form with what was typed (never the password), a notice, and the errors by field.
fn form(kind: Kind, token: &str, email: &str, errors: &[(&str, String)]) -> Markup {
    let error = |name: &str| {
        errors
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, m)| m.as_str())
    };
    let (title, action, button, password_label) = match kind {
        Kind::SignIn { .. } => ("Sign in", "/portal/signin", "Sign in", "Password"),
        Kind::SignUp { .. } => (
            "Create your account",
            "/portal/signup",
            "Sign up",
            "Password (at least 10 characters)",
        ),
    };
    let body = html! {
        div class="card" {
            h1 { (title) }
            @if let Some(m) = error("form") { p class="notice" role="alert" { (Strict(m)) } }
            @if let Some(m) = error("ready") { p class="ok" role="alert" { (Strict(m)) } }
            form method="post" action=(action) {
                (csrf_field(token))
                @if let Kind::SignUp { invite: Some(i) } = kind { input type="hidden" name="invite" value=(i); }
                (field("email", "E-mail address", "email", email, error("email")))
                (field("password", password_label, "password", "", error("password")))
                button type="submit" { (button) }
            }
            @match kind {
                Kind::SignIn { sign_up: true } => p { "No account yet? " a href="/portal/signup" { "Sign up" } "." },
                Kind::SignIn { sign_up: false } => {},
                Kind::SignUp { .. } => p { "Already have an account? " a href="/portal/signin" { "Sign in" } "." },
            }
        }
    };
    page(title, None, body)
}

/// A submitted sign-in or sign-up form, to show again with a message next to a field.
#[derive(Clone, Copy)]
pub struct Submitted<'a> {
    pub kind: Kind<'a>,
    pub headers: &'a HeaderMap,
    /// What was typed as the address (or the invited one).
    pub email: &'a str,
}

impl Submitted<'_> {
    pub fn again(&self, status: StatusCode, field: &str, message: String) -> Response {
        show(
            self.kind,
            self.headers,
            status,
            self.email,
            &[(field, message)],
        )
    }
}

pub fn show(
    kind: Kind,
    headers: &HeaderMap,
    status: StatusCode,
    email: &str,
    errors: &[(&str, String)],
) -> Response {
    let (token, new) = form_token(headers);
    let mut response = respond(status, form(kind, &token, email, errors));
    if new {
        let (k, v) = set_cookie(FORM, &token, 3600);
        response.headers_mut().append(k, v);
    }
    response
}

/// A page that asks to come back in `seconds`, saying so in `Retry-After` too.
pub fn retry_later(mut response: Response, seconds: u64) -> Response {
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// Whether the sign-in page offers to sign up.
pub async fn offered(state: &AppState) -> Result<bool, ApiError> {
    Ok(match state.settings.limits.signup {
        SignupPolicy::Open => true,
        SignupPolicy::Invite => !state.store.has_owners().await?,
        SignupPolicy::Closed => false,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInQuery {
    /// Set after a sign-up in an open portal.
    ready: Option<String>,
}

pub async fn signin_page(
    State(state): State<AppState>,
    Query(q): Query<SignInQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let sign_up = offered(&state).await?;
    let notice = q.ready.map(|_| {
        (
            "ready",
            "If this address was not registered yet, its owner account is ready: sign in with it."
                .to_string(),
        )
    });
    let errors: Vec<(&str, String)> = notice.into_iter().collect();
    Ok(show(
        Kind::SignIn { sign_up },
        &headers,
        StatusCode::OK,
        "",
        &errors,
    ))
}

/// Whether the form came from our own page (its hidden token matches the form cookie).
pub fn from_our_form(headers: &HeaderMap, given: &str) -> bool {
    super::session::cookie(headers, FORM).is_some_and(|c| same(&c, given))
}

pub fn expired_form(kind: Kind, headers: &HeaderMap, email: &str) -> Response {
    let message = "This form expired or came from another site. Please submit it again.";
    show(
        kind,
        headers,
        StatusCode::FORBIDDEN,
        email,
        &[("form", message.to_string())],
    )
}

/// Every hashing turn is taken: come back in a few seconds.
pub fn busy(kind: Kind, headers: &HeaderMap, email: &str, seconds: u64) -> Response {
    let message = format!("Too many sign-ins at once. Try again in {seconds} seconds.");
    retry_later(
        show(
            kind,
            headers,
            StatusCode::SERVICE_UNAVAILABLE,
            email,
            &[("form", message)],
        ),
        seconds,
    )
}

/// Signed in: a session cookie, and on to the apps.
pub async fn enter(state: &AppState, owner_id: i64) -> Result<Response, ApiError> {
    let token = owners::start_session(state.store.as_ref(), owner_id, now())
        .await
        .map_err(ApiError::internal)?;
    let mut response = Redirect::to("/portal").into_response();
    let (k, v) = set_cookie(SESSION, token.expose_secret(), SESSION_SECONDS);
    response.headers_mut().append(k, v);
    Ok(response)
}

pub async fn signin(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    Form(c): Form<Credentials>,
) -> Result<Response, ApiError> {
    let form = Submitted {
        kind: Kind::SignIn {
            sign_up: offered(&state).await?,
        },
        headers: &headers,
        email: &c.email,
    };
    if !from_our_form(&headers, &c.csrf) {
        return Ok(expired_form(form.kind, &headers, &c.email));
    }
    let key = c.email.trim().to_lowercase();
    if let Some(wait) = state.signin_limit.wait(&key, client, now()) {
        let message = format!("Too many failed sign-ins. Try again in {wait} seconds.");
        let page = form.again(StatusCode::TOO_MANY_REQUESTS, "form", message);
        return Ok(retry_later(page, wait as u64));
    }
    let password = SecretString::from(c.password.clone());
    match owners::verify(state.store.as_ref(), &state.hashing, &c.email, &password).await {
        Ok(owner) => {
            state.signin_limit.succeeded(&key);
            enter(&state, owner.id).await
        }
        Err(OwnerError::BadCredentials) => {
            state.signin_limit.failed(&key, client, now());
            let message = "Wrong e-mail address or password.".to_string();
            Ok(form.again(StatusCode::UNAUTHORIZED, "form", message))
        }
        Err(OwnerError::Busy(seconds)) => {
            state.metrics.shed("portal.hashing");
            Ok(busy(form.kind, &headers, &c.email, seconds))
        }
        Err(e) => Err(ApiError::internal(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfOnly {
    csrf: String,
}

pub async fn signout(
    State(state): State<AppState>,
    who: SignedIn,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, ApiError> {
    if !who.csrf_ok(&f.csrf) {
        return Ok(super::session::forbidden(&who));
    }
    owners::end_session(state.store.as_ref(), &who.token)
        .await
        .map_err(ApiError::internal)?;
    let mut response = Redirect::to("/portal/signin").into_response();
    let (k, v) = set_cookie(SESSION, "", 0);
    response.headers_mut().append(k, v);
    Ok(response)
}
