//! `/{tenant}/oauth2/v2.0/authorize` and `/token`, as the identity platform answers them.

use super::{now, Access, Code, FakeMicrosoft, Inner, Refresh, SignIn, TokenFault};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

pub fn routes() -> Router<FakeMicrosoft> {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/authorize", get(authorize))
        .route("/{tenant}/oauth2/v2.0/token", post(token))
        .route(
            "/{tenant}/v2.0/adminconsent",
            get(super::app_only::admin_consent),
        )
}

/// The identity platform's error page unless the app exists and the redirect URI is one of its.
pub(super) fn registered(i: &Inner, client_id: &str, redirect_uri: &str) -> Result<(), Response> {
    let Some(app) = i.apps.get(client_id) else {
        return Err(error_page(
            700016,
            &format!("Application with identifier '{client_id}' was not found in the directory."),
        ));
    };
    if !app.redirect_uris.iter().any(|r| r == redirect_uri) {
        return Err(error_page(50011, &format!("The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'.")));
    }
    Ok(())
}

pub(super) fn error_page(code: u32, text: &str) -> Response {
    (StatusCode::BAD_REQUEST, Html(format!("<html><body><h1>Sorry, but we're having trouble signing you in.</h1><p>AADSTS{code}: {text}</p></body></html>"))).into_response()
}

fn random() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Microsoft's tokens are opaque and long, with no published length (access tokens of 1,867 and
/// 2,090–2,115 characters are reported, and columns of 2,000 found too short): the fake issues
/// them at about that size, so that what stores and sends them is tried with real ones.
pub(super) fn opaque(prefix: &str, chars: usize) -> String {
    let mut token = String::with_capacity(chars + 22);
    token.push_str(prefix);
    while token.len() < chars {
        token.push_str(&URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes()));
    }
    token.truncate(chars);
    token
}

/// The sizes the fake issues (see `opaque`).
const ACCESS_TOKEN_CHARS: usize = 2_100;
const REFRESH_TOKEN_CHARS: usize = 1_200;

async fn authorize(
    State(fake): State<FakeMicrosoft>,
    Path(_tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let param = |k: &str| q.get(k).cloned().unwrap_or_default();
    let (client_id, redirect_uri, state) =
        (param("client_id"), param("redirect_uri"), param("state"));
    fake.with(|i| {
        if let Err(page) = registered(i, &client_id, &redirect_uri) {
            return page;
        }
        let mut back = url::Url::parse(&redirect_uri).unwrap();
        if matches!(std::mem::take(&mut i.sign_in), SignIn::Decline) {
            back.query_pairs_mut()
                .append_pair("error", "access_denied")
                .append_pair("error_description", "AADSTS65004: User declined to consent to access the app.\r\nTrace ID: 0000aaaa\r\nCorrelation ID: aaaa0000\r\nTimestamp: 2026-11-23 10:00:00Z")
                .append_pair("state", &state);
            return Redirect::to(back.as_str()).into_response();
        }
        if param("code_challenge_method") != "S256" || param("code_challenge").is_empty() {
            return error_page(900144, "PKCE S256 is expected by this fake.");
        }
        let hint = param("login_hint");
        let by_hint = i.users.iter().find(|u| u.email.eq_ignore_ascii_case(&hint)).map(|u| u.email.clone());
        let user = i.forced_user.clone().or(by_hint).or(i.default_user.clone()).expect("a user to sign in");
        let refuses = i.users.iter().find(|u| u.email == user).map(|u| u.refuses.clone()).unwrap_or_default();
        let scopes: Vec<String> = param("scope").split(' ').filter(|s| !s.is_empty() && !refuses.iter().any(|r| r.eq_ignore_ascii_case(s))).map(str::to_string).collect();
        let code = format!("M.R3_BAY.{}", random());
        i.codes.insert(code.clone(), Code { client_id, redirect_uri, challenge: Some(param("code_challenge")), scopes, user, used: false });
        back.query_pairs_mut().append_pair("code", &code).append_pair("state", &state).append_pair("session_state", &uuid::Uuid::new_v4().to_string());
        Redirect::to(back.as_str()).into_response()
    })
}

/// An error body exactly as the token endpoint sends it.
fn oauth_error(status: StatusCode, error: &str, code: u32, text: &str) -> Response {
    let ts = "2026-11-23 10:00:00Z";
    let body = json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {text}\r\nTrace ID: 0000aaaa-11bb-cccc-dd33-eeeeee333333\r\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\r\nTimestamp: {ts}"),
        "error_codes": [code],
        "timestamp": ts,
        "trace_id": "0000aaaa-11bb-cccc-dd33-eeeeee333333",
        "correlation_id": "aaaa0000-bb11-2222-33cc-444444dddddd",
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}")
    });
    (status, Json(body)).into_response()
}

fn id_token(i: &Inner, client_id: &str, user: &str) -> String {
    let u = i
        .users
        .iter()
        .find(|u| u.email == user)
        .expect("known user");
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"RS256","kid":"fake"}"#);
    let claims = json!({
        "aud": client_id, "iss": format!("https://login.microsoftonline.com/{}/v2.0", u.tid),
        "iat": now(), "nbf": now(), "exp": now() + 3600, "name": u.name, "preferred_username": u.email,
        "email": u.email, "oid": u.oid, "sub": format!("sub-{}", u.oid), "tid": u.tid, "ver": "2.0"
    });
    format!(
        "{header}.{}.c2lnbmF0dXJl",
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// Graph permissions come back bare or prefixed and lower-cased; OIDC scopes are not listed.
fn scope_field(scopes: &[String]) -> String {
    scopes
        .iter()
        .filter(|s| {
            !matches!(
                s.as_str(),
                "openid" | "offline_access" | "profile" | "email"
            )
        })
        .enumerate()
        .map(|(n, s)| {
            if n % 2 == 1 {
                format!("https://graph.microsoft.com/{}", s.to_lowercase())
            } else {
                s.clone()
            }
        })
        .chain(["openid", "profile", "email"].map(str::to_string))
        .collect::<Vec<_>>()
        .join(" ")
}

const GRAPH_DEFAULT: &str = "https://graph.microsoft.com/.default";

/// `.default` itself, or an OIDC scope asked for beside it (both always answered).
fn default_or_oidc(scope: &str, default: bool) -> bool {
    scope.eq_ignore_ascii_case(GRAPH_DEFAULT)
        || default && ["openid", "profile", "email", "offline_access"].contains(&scope)
}

fn issue(i: &mut Inner, client_id: &str, user: &str, scopes: Vec<String>) -> Response {
    let access = opaque("EwBwA8l6BAAU", ACCESS_TOKEN_CHARS);
    i.access_tokens.insert(
        access.clone(),
        Access {
            user: user.to_string(),
            scopes: scopes.clone(),
            expires_at: now() + i.access_lifetime,
            app: None,
        },
    );
    let mut body = json!({
        "token_type": "Bearer", "scope": scope_field(&scopes), "expires_in": i.access_lifetime,
        "ext_expires_in": i.access_lifetime, "access_token": access,
    });
    if scopes.iter().any(|s| s == "offline_access") {
        let rt = opaque("0.AXEA", REFRESH_TOKEN_CHARS);
        i.refresh_tokens.insert(
            rt.clone(),
            Refresh {
                client_id: client_id.to_string(),
                user: user.to_string(),
                scopes: scopes.clone(),
                revoked: false,
                superseded_at: None,
            },
        );
        body["refresh_token"] = json!(rt);
    }
    if scopes.iter().any(|s| s == "openid") {
        body["id_token"] = json!(id_token(i, client_id, user));
    }
    Json(body).into_response()
}

async fn token(
    State(fake): State<FakeMicrosoft>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let fault = fake.with(|i| {
        match f.get("grant_type").map(String::as_str) {
            Some("refresh_token") => i.counters.refresh_grants += 1,
            Some("authorization_code") => i.counters.code_grants += 1,
            Some("client_credentials") => i.counters.client_credentials_grants += 1,
            _ => {}
        }
        i.token_faults.pop_front()
    });
    match fault {
        Some(TokenFault::Throttled { retry_after }) => {
            let mut r = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(json!({"error":"temporarily_unavailable"})),
            )
                .into_response();
            if let Some(s) = retry_after {
                r.headers_mut().insert("retry-after", s.parse().unwrap());
            }
            return r;
        }
        Some(TokenFault::Unavailable) => {
            return (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response()
        }
        Some(TokenFault::Malformed) => {
            return (
                StatusCode::OK,
                [("content-type", "application/json")],
                "{\"token_type\":\"Bearer\",\"access_tok",
            )
                .into_response()
        }
        Some(TokenFault::Slow(d)) => tokio::time::sleep(d).await,
        Some(TokenFault::Reset) | None => {}
    }
    let reset = matches!(fault, Some(TokenFault::Reset));
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/x-www-form-urlencoded")
    );
    let p = |k: &str| f.get(k).cloned().unwrap_or_default();
    let client_id = p("client_id");
    let answer = fake.with(|i| {
        let Some(app) = i.apps.get(&client_id).cloned() else {
            return oauth_error(StatusCode::BAD_REQUEST, "unauthorized_client", 700016, &format!("Application with identifier '{client_id}' was not found in the directory."));
        };
        // A client assertion stands in for the secret.
        let sent = match f.get("client_assertion") {
            Some(assertion) => {
                let endpoint = format!("{}/{tenant}/oauth2/v2.0/token", fake.base_url);
                let kind = f.get("client_assertion_type").map(String::as_str);
                if let Err((status, error, code, text)) = super::assertions::verify(i, &client_id, &endpoint, kind, assertion) {
                    return oauth_error(status, error, code, &text);
                }
                app.secret.as_ref()
            }
            None => f.get("client_secret"),
        };
        match (&app.secret, sent) {
            (None, Some(_)) => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", 700025, "Client is public so neither 'client_assertion' nor 'client_secret' should be presented."),
            (Some(_), None) => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
            (Some(expected), Some(got)) if expected != got => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", 7000215, &format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'.")),
            (Some(_), Some(_)) if app.secret_expired => return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", 7000222, "The provided client secret keys are expired."),
            _ => {}
        }
        match p("grant_type").as_str() {
            "authorization_code" => {
                let Some(code) = i.codes.get_mut(&p("code")) else {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid.");
                };
                if code.used {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
                }
                if code.client_id != client_id || code.redirect_uri != p("redirect_uri") {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 70000, "The code was issued to another client or redirect URI.");
                }
                let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(p("code_verifier").as_bytes()));
                if code.challenge.as_deref() != Some(challenge.as_str()) {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
                }
                code.used = true;
                let (user, scopes) = (code.user.clone(), code.scopes.clone());
                issue(i, &client_id, &user, scopes)
            }
            "refresh_token" => {
                let Some(rt) = i.refresh_tokens.get_mut(&p("refresh_token")) else {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.");
                };
                let grace = i.rotation_grace;
                if rt.revoked || rt.superseded_at.is_some_and(|t| t.elapsed() >= grace) {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 50173, "The provided grant has expired due to it being revoked, and a fresh auth token is needed.");
                }
                if rt.client_id != client_id {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 70000, "The refresh token was issued to another client.");
                }
                let (user, scopes) = (rt.user.clone(), rt.scopes.clone());
                let asked: Vec<&str> = f.get("scope").map(|s| s.split(' ').filter(|a| !a.is_empty()).collect()).unwrap_or_default();
                // `{resource}/.default` means everything consented; it cannot sit beside the
                // resource's own permissions (OIDC scopes may).
                let default = asked.iter().any(|a| a.eq_ignore_ascii_case(GRAPH_DEFAULT));
                const OIDC: [&str; 4] = ["openid", "profile", "email", "offline_access"];
                if default && asked.iter().any(|a| !a.eq_ignore_ascii_case(GRAPH_DEFAULT) && !OIDC.contains(a)) {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope", 70011, "The provided value for the input parameter 'scope' isn't valid. The scope .default can't be combined with resource-specific scopes.");
                }
                if let Some(extra) = asked.iter().find(|a| !default_or_oidc(a, default) && !scopes.iter().any(|s| s.eq_ignore_ascii_case(a))) {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 65001, &format!("The user or administrator has not consented to use the application with ID '{client_id}'. Scope {extra}."));
                }
                // A used refresh token stays valid at Microsoft; the strict fake revokes it (after
                // its grace, if one is set).
                if i.strict_rotation {
                    if let Some(rt) = i.refresh_tokens.get_mut(&p("refresh_token")) {
                        rt.superseded_at.get_or_insert_with(std::time::Instant::now);
                    }
                }
                issue(i, &client_id, &user, scopes)
            }
            "client_credentials" if app.secret.is_none() && !f.contains_key("client_assertion") => oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."),
            "client_credentials" => match super::app_only::client_credentials(i, &client_id, &tenant, &p("scope")) {
                Ok(body) => Json(body).into_response(),
                Err((status, error, code, text)) => oauth_error(status, error, code, &text),
            },
            other => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", 70003, &format!("The app requested an unsupported grant type '{other}'.")),
        }
    });
    // The real endpoint takes a while, and finishes what it started even when the caller has
    // gone; concurrent callers overlap here as they would there.
    tokio::time::sleep(std::time::Duration::from_millis(80)).await;
    if reset {
        return super::broken_body();
    }
    answer
}
