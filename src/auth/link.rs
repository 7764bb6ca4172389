//! `GET /v1/auth/authorize`: check the app, the return URL and the scopes, store a short-lived
//! auth session (random state, PKCE verifier), and send the user to Microsoft.

use crate::apps::input::ReturnUrl;
use crate::clock::now;
use crate::error::{ApiError, Code};
use crate::providers::linking::SignInRequest;
use crate::scopes::resolve::split_list;
use crate::state::Services;
use crate::store::crypto::{hash_secret, random_token};
use crate::store::AuthSession;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use oauth2::PkceCodeChallenge;
use secrecy::ExposeSecret;
use serde::Deserialize;

pub const SESSION_SECONDS: i64 = 15 * 60;

#[derive(Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AuthorizeParams {
    /// The app's clientId. Required.
    pub client_id: Option<String>,
    /// `Office365`. Required.
    pub service_type: Option<String>,
    /// Unified scopes, space separated (`Mail.Read Calendar.ReadWrite`).
    pub scopes: Option<String>,
    /// Extra Graph permissions, passed through after a shape check.
    pub native_scopes: Option<String>,
    /// One of the app's registered return URLs, exactly. Required.
    pub return_url: Option<String>,
    /// Given back on the return URL as is.
    pub state: Option<String>,
    /// `code` (the only one offered).
    pub response_type: Option<String>,
    /// Re-authorize this account (its id stays the same).
    pub account_id: Option<String>,
    /// Prefills the sign-in.
    pub login_hint: Option<String>,
    /// `true`: fail the link unless every requested scope was granted.
    pub ensure_scopes: Option<String>,
    /// `true`: fail the link unless one item of each kind of data the scopes allow can be read.
    pub ensure_access: Option<String>,
    /// The address the user must sign in with (also used as the login hint).
    pub auth_email: Option<String>,
    /// Accepted: an account is always reused for the same Microsoft user.
    pub recycle: Option<String>,
    /// Accepted and unused: for Exchange servers; Office 365 has one.
    pub server_url: Option<String>,
    /// Refused: organisations of the app's own customers are not kept here.
    pub client_org_id: Option<String>,
}

pub fn session_purpose(state_hash: &[u8]) -> String {
    format!("auth_session:{}", URL_SAFE_NO_PAD.encode(state_hash))
}

pub fn flag(value: Option<&str>, name: &str) -> Result<bool, ApiError> {
    match value.map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::bad_request(
            Code::BadRequest,
            format!("{name} must be true or false"),
        )),
    }
}

/// The hosted link a sign-in is started from.
pub struct Via {
    pub hash: Vec<u8>,
    pub name: Option<String>,
}

/// The return URL if it is one of the app's (or, for apps made in the portal, the portal's
/// test-account link), in its stored form.
pub async fn registered_return_url(
    services: &Services,
    app: &crate::store::AppRecord,
    return_url: &str,
) -> Result<String, ApiError> {
    // Registered URLs are stored normalised (scheme and host case, default port, empty path);
    // compare the same form. Path, query and port must still match exactly.
    let registered = services.store.return_urls(app.id).await?;
    let portal = services.settings.link_return_url(&app.client_id);
    ReturnUrl::parse(return_url)
        .ok()
        .filter(|url| {
            registered.iter().any(|r| r == url.as_str())
                || (app.owner_id.is_some() && url.as_str() == portal)
        })
        .map(|url| url.as_str().to_string())
        .ok_or_else(|| {
            ApiError::bad_request(
                Code::ReturnUrlUnregistered,
                format!("returnUrl '{return_url}' is not registered for this app; register it exactly (scheme, host, port, path and query)."),
            )
        })
}

/// What every start of a link asks for alike, a user's sign-in or an administrator's consent.
pub struct Opening<'a> {
    pub client_id: Option<&'a str>,
    pub return_url: Option<&'a str>,
    pub service_type: Option<&'a str>,
    pub response_type: Option<&'a str>,
    pub state: Option<&'a str>,
    pub client_org_id: Option<&'a str>,
    pub account_id: Option<&'a str>,
}

/// An opening that holds: the app, its return URL in stored form, the account to link again.
pub struct Opened<'a> {
    pub app: crate::store::AppRecord,
    pub return_url: String,
    pub service_type: &'a str,
    pub account_id: Option<i64>,
}

/// Checks what every start of a link asks for.
pub async fn open<'a>(services: &Services, o: Opening<'a>) -> Result<Opened<'a>, ApiError> {
    let refused = |message: &str| ApiError::bad_request(Code::BadRequest, message);
    let client_id = o.client_id.filter(|c| !c.is_empty());
    let client_id = client_id.ok_or_else(|| refused("clientId is required"))?;
    let app = services.store.app_by_client_id(client_id).await?;
    let app = app.ok_or_else(|| {
        ApiError::bad_request(
            Code::AppUnknown,
            format!("No app with clientId '{client_id}'."),
        )
    })?;
    let return_url = o.return_url.filter(|r| !r.is_empty());
    let return_url = return_url.ok_or_else(|| refused("returnUrl is required"))?;
    let return_url = registered_return_url(services, &app, return_url).await?;
    let service_type = o.service_type;
    let service_type =
        service_type.ok_or_else(|| refused("serviceType is required (Office365)"))?;
    if let Some(rt) = o.response_type.filter(|r| *r != "code") {
        return Err(ApiError::bad_request(
            Code::ResponseTypeUnsupported,
            format!("responseType '{rt}' is not supported; use code."),
        ));
    }
    if o.state.is_some_and(|s| s.len() > 2000) {
        return Err(refused("state must be at most 2000 characters"));
    }
    if o.client_org_id.is_some_and(|c| !c.is_empty()) {
        return Err(refused("clientOrgId: organisations of the app's customers are not kept by switchboard; keep them on your side."));
    }
    let account_id = match o.account_id.filter(|a| !a.is_empty()) {
        Some(id) => Some(
            id.parse::<i64>()
                .map_err(|_| refused("accountId must be an integer"))?,
        ),
        None => None,
    };
    Ok(Opened {
        app,
        return_url,
        service_type,
        account_id,
    })
}

/// Validates the request and returns where to send the user.
pub async fn start(services: &Services, p: AuthorizeParams) -> Result<String, ApiError> {
    start_via(services, p, None).await
}

/// As [`start`], for a sign-in that came through a hosted link.
pub async fn start_via(
    services: &Services,
    p: AuthorizeParams,
    via: Option<Via>,
) -> Result<String, ApiError> {
    let opened = open(
        services,
        Opening {
            client_id: p.client_id.as_deref(),
            return_url: p.return_url.as_deref(),
            service_type: p.service_type.as_deref(),
            response_type: p.response_type.as_deref(),
            state: p.state.as_deref(),
            client_org_id: p.client_org_id.as_deref(),
            account_id: p.account_id.as_deref(),
        },
    )
    .await?;
    let (app, service_type) = (&opened.app, opened.service_type);
    let return_url = opened.return_url.as_str();
    let provider = services.linking(service_type)?;
    let ensure_scopes = flag(p.ensure_scopes.as_deref(), "ensureScopes")?;
    let ensure_access = flag(p.ensure_access.as_deref(), "ensureAccess")?;
    flag(p.recycle.as_deref(), "recycle")?;
    let expected_email = p
        .auth_email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string);
    if expected_email.as_ref().is_some_and(|e| !e.contains('@')) {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            "authEmail must be an e-mail address",
        ));
    }
    let scopes = split_list(p.scopes.as_deref().unwrap_or_default());
    let native = split_list(p.native_scopes.as_deref().unwrap_or_default());
    let resolved = services
        .scopes
        .resolve(&scopes, &native)
        .map_err(|e| ApiError::bad_request(Code::ScopeInvalid, e.to_string()))?;
    // Which account to re-authorize is checked after sign-in, where only the app's return URL
    // hears the outcome: this unauthenticated request must not tell whether it exists, nor whose.
    let reauthorize = opened.account_id;
    let state = random_token();
    let state_hash = hash_secret(state.expose_secret());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let login_hint = p.login_hint.clone().or(expected_email.clone());
    let url = provider
        .sign_in_url(&SignInRequest {
            app_id: app.id,
            redirect_uri: &services.settings.redirect_uri(),
            permissions: &resolved.permissions,
            state: state.expose_secret(),
            code_challenge: challenge.as_str(),
            login_hint: login_hint.as_deref(),
            select_account: reauthorize.is_some(),
        })
        .await?;
    services
        .store
        .insert_auth_session(&AuthSession {
            pkce_verifier_enc: services
                .keys
                .encrypt_str(verifier.secret(), &session_purpose(&state_hash)),
            state_hash,
            app_id: app.id,
            service_type: service_type.to_string(),
            return_url: return_url.to_string(),
            app_state: p.state.clone(),
            scopes: resolved.scopes.clone(),
            permissions: resolved.permissions.clone(),
            ensure_scopes,
            expected_email,
            ensure_access,
            account_id: reauthorize,
            expires_at: now() + SESSION_SECONDS,
            link_name: via.as_ref().and_then(|v| v.name.clone()),
            link_hash: via.map(|v| v.hash),
            daemon: false,
        })
        .await?;
    Ok(url)
}
