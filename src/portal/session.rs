//! The portal's session and the guard in front of every page about one app (the app must be the
//! signed-in owner's, a submitted form must carry the session's CSRF token). Cookies: the sign-in
//! session (HttpOnly, Secure, SameSite=Lax, only under `/portal`), CSRF tokens derived from it, and
//! a form cookie for the double-submit check on the sign-in and sign-up forms, shown before there
//! is a session.

use super::html::{notice_card, page, respond};
use crate::apps::{self, AppDetails};
use crate::clock::now;
use crate::owners;
use crate::state::AppState;
use crate::store::crypto::random_token;
use crate::store::OwnerRecord;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const SESSION: &str = "sb_session";
pub const FORM: &str = "sb_form";
/// Set for one page view after an app's Office 365 settings were saved (its value: the app's
/// client id), so that the app page confirms the save.
pub const SAVED: &str = "sb_saved";

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers)
        .get(name)
        .map(|c| c.value().to_string())
}

/// `Set-Cookie` for a portal cookie; `max_age` 0 removes it.
pub fn set_cookie(name: &str, value: &str, max_age: i64) -> (header::HeaderName, HeaderValue) {
    let cookie = Cookie::build((name, value))
        .path("/portal")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(max_age))
        .build();
    (
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie.to_string()).expect("cookie values are base64url"),
    )
}

/// The CSRF token for forms of a session: derived from the session token, never stored.
pub fn csrf_for(session_token: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"switchboard portal csrf\0")
        .chain_update(session_token.as_bytes())
        .finalize();
    URL_SAFE_NO_PAD.encode(digest)
}

/// Equal, in constant time, and not empty.
pub fn same(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// The form cookie of this visitor, or a new one to set.
pub fn form_token(headers: &HeaderMap) -> (String, bool) {
    match cookie(headers, FORM).filter(|v| v.len() >= 32) {
        Some(v) => (v, false),
        None => (random_token().expose_secret().to_string(), true),
    }
}

/// A signed-in owner, and the CSRF token their forms carry. Without a live session the request
/// is sent to the sign-in page.
pub struct SignedIn {
    pub owner: OwnerRecord,
    pub csrf: String,
    pub token: String,
}

impl SignedIn {
    /// Whether a submitted form carries this session's CSRF token.
    pub fn csrf_ok(&self, given: &str) -> bool {
        same(&self.csrf, given)
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_sign_in = || Redirect::to("/portal/signin").into_response();
        let token = cookie(&parts.headers, SESSION).ok_or_else(to_sign_in)?;
        let owner = owners::session_owner(state.store.as_ref(), &token, now())
            .await
            .map_err(|e| crate::error::ApiError::internal(e).into_response())?
            .ok_or_else(to_sign_in)?;
        Ok(SignedIn {
            csrf: csrf_for(&token),
            owner,
            token,
        })
    }
}

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
