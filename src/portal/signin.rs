//! Sign up, sign in and sign out. The forms shown before there is a session are protected by a
//! double-submit form cookie; sign-out by the session's CSRF token.

use super::html::{csrf_field, field, page, respond};
use super::session::{form_token, same, set_cookie, SignedIn, FORM, SESSION};
use crate::error::ApiError;
use crate::owners::{self, OwnerError, SESSION_SECONDS};
use crate::state::{now, AppState};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Credentials {
    email: String,
    password: String,
    csrf: String,
}

/// Which form: sign in or sign up.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    SignIn,
    SignUp,
}

/// The form with what was typed (never the password) and the errors by field.
fn form(kind: Kind, token: &str, email: &str, errors: &[(&str, String)]) -> String {
    let error = |name: &str| {
        errors
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, m)| m.as_str())
    };
    let (title, action, button, other) = match kind {
        Kind::SignIn => (
            "Sign in",
            "/portal/signin",
            "Sign in",
            r#"No account yet? <a href="/portal/signup">Sign up</a>."#,
        ),
        Kind::SignUp => (
            "Create your account",
            "/portal/signup",
            "Sign up",
            r#"Already have an account? <a href="/portal/signin">Sign in</a>."#,
        ),
    };
    let general = error("form")
        .map(|m| {
            format!(
                r#"<p class="notice" role="alert">{}</p>"#,
                super::html::escape(m)
            )
        })
        .unwrap_or_default();
    let password_label = if kind == Kind::SignUp {
        "Password (at least 10 characters)"
    } else {
        "Password"
    };
    page(
        title,
        None,
        &format!(
            r#"<div class="card"><h1>{title}</h1>{general}<form method="post" action="{action}">{}{}{}<button type="submit">{button}</button></form><p>{other}</p></div>"#,
            csrf_field(token),
            field("email", "E-mail address", "email", email, error("email")),
            field(
                "password",
                password_label,
                "password",
                "",
                error("password")
            ),
        ),
    )
}

fn show(
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

pub async fn signin_page(headers: HeaderMap) -> Response {
    show(Kind::SignIn, &headers, StatusCode::OK, "", &[])
}

pub async fn signup_page(headers: HeaderMap) -> Response {
    show(Kind::SignUp, &headers, StatusCode::OK, "", &[])
}

/// Whether the form came from our own page (its hidden token matches the form cookie).
fn from_our_form(headers: &HeaderMap, given: &str) -> bool {
    super::session::cookie(headers, FORM).is_some_and(|c| same(&c, given))
}

fn expired_form(kind: Kind, headers: &HeaderMap, email: &str) -> Response {
    let message = "This form expired or came from another site. Please submit it again.";
    show(
        kind,
        headers,
        StatusCode::FORBIDDEN,
        email,
        &[("form", message.to_string())],
    )
}

/// Signed in: a session cookie, and on to the apps.
async fn enter(state: &AppState, owner_id: i64) -> Result<Response, ApiError> {
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
    headers: HeaderMap,
    Form(c): Form<Credentials>,
) -> Result<Response, ApiError> {
    if !from_our_form(&headers, &c.csrf) {
        return Ok(expired_form(Kind::SignIn, &headers, &c.email));
    }
    let key = c.email.trim().to_lowercase();
    if let Some(wait) = state.signin_limit.wait(&key, now()) {
        let message = format!(
            "Too many failed attempts for this address. Try again in {} minutes.",
            (wait + 59) / 60
        );
        return Ok(show(
            Kind::SignIn,
            &headers,
            StatusCode::TOO_MANY_REQUESTS,
            &c.email,
            &[("form", message)],
        ));
    }
    let password = SecretString::from(c.password);
    match owners::verify(state.store.as_ref(), &c.email, &password).await {
        Ok(owner) => {
            state.signin_limit.succeeded(&key);
            enter(&state, owner.id).await
        }
        Err(OwnerError::BadCredentials) => {
            state.signin_limit.failed(&key, now());
            let message = "Wrong e-mail address or password.".to_string();
            Ok(show(
                Kind::SignIn,
                &headers,
                StatusCode::UNAUTHORIZED,
                &c.email,
                &[("form", message)],
            ))
        }
        Err(e) => Err(ApiError::internal(e)),
    }
}

pub async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(c): Form<Credentials>,
) -> Result<Response, ApiError> {
    if !from_our_form(&headers, &c.csrf) {
        return Ok(expired_form(Kind::SignUp, &headers, &c.email));
    }
    let password = SecretString::from(c.password);
    match owners::create(state.store.as_ref(), &c.email, &password, now()).await {
        Ok(owner) => enter(&state, owner.id).await,
        Err(OwnerError::Input { field, message }) => Ok(show(
            Kind::SignUp,
            &headers,
            StatusCode::BAD_REQUEST,
            &c.email,
            &[(field, message)],
        )),
        Err(OwnerError::Taken) => {
            let message = "An account with this address exists. Sign in instead.".to_string();
            Ok(show(
                Kind::SignUp,
                &headers,
                StatusCode::CONFLICT,
                &c.email,
                &[("email", message)],
            ))
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
        return Ok(super::apps::forbidden(&who));
    }
    owners::end_session(state.store.as_ref(), &who.token)
        .await
        .map_err(ApiError::internal)?;
    let mut response = Redirect::to("/portal/signin").into_response();
    let (k, v) = set_cookie(SESSION, "", 0);
    response.headers_mut().append(k, v);
    Ok(response)
}
