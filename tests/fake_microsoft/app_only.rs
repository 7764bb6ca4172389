//! Application permissions, as the identity platform and Graph treat them: the v2 admin-consent
//! endpoint (`/{tenant}/v2.0/adminconsent`, `admin_consent=True` even on error, no code), the
//! client-credentials grant (scope exactly `{resource}/.default`, a JWT whose `roles` are what the
//! tenant granted, no refresh token), `/users/{id | userPrincipalName}/…` for app-only tokens,
//! `/me` refused to them, and Exchange's application access policies ("Access to OData is
//! disabled."). See `providers/office365-graph-facts.md` §9.

use super::graph::graph_error;
use super::identity::error_page;
use super::{now, Access, FakeMicrosoft, Inner};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;
use std::collections::HashMap;

/// The header the fake uses inside itself to say whose mailbox an app-only call is on.
pub const ACTING_FOR: &str = "x-fake-mailbox";
/// Set (to the path as sent) on a directory read `/users/{id}` answered as `/me`.
pub const DIRECTORY_READ: &str = "x-fake-directory-read";

/// What the next visit to the admin-consent endpoint does.
#[derive(Clone, Debug, Default)]
pub enum AdminConsent {
    /// A global administrator of the tenant approves.
    #[default]
    Approve,
    /// The administrator cancels.
    Decline,
    /// The person who signs in is not an administrator.
    NotAdmin,
}

#[derive(Default)]
pub(crate) struct AppOnly {
    /// The application permissions each app registration asks for (client id → roles).
    configured: HashMap<String, Vec<String>>,
    /// What a tenant's administrator granted each app ((client id, tenant) → roles).
    granted: HashMap<(String, String), Vec<String>>,
    /// Exchange application access policies: the only mailboxes an app may reach.
    policies: HashMap<String, Vec<String>>,
    next: AdminConsent,
}

impl FakeMicrosoft {
    /// The application permissions the app registration lists (what an admin consent grants).
    pub fn set_application_permissions(&self, client_id: &str, roles: &[&str]) {
        let roles = roles.iter().map(|r| r.to_string()).collect();
        self.with(|i| i.app_only.configured.insert(client_id.into(), roles));
    }

    pub fn next_admin_consent(&self, behaviour: AdminConsent) {
        self.with(|i| i.app_only.next = behaviour);
    }

    /// A tenant administrator removes the app (its service principal): no more app-only tokens.
    pub fn revoke_admin_consent(&self, client_id: &str, tenant: &str) {
        self.with(|i| {
            i.app_only
                .granted
                .remove(&(client_id.into(), tenant.into()))
        });
    }

    /// `New-ApplicationAccessPolicy -AccessRight RestrictAccess`: the app reaches these only.
    pub fn restrict_app_to(&self, client_id: &str, mailboxes: &[&str]) {
        let allowed = mailboxes.iter().map(|m| m.to_string()).collect();
        self.with(|i| i.app_only.policies.insert(client_id.into(), allowed));
    }

    /// Deletes the app registration (every token request then fails with AADSTS700016).
    pub fn delete_app(&self, client_id: &str) {
        self.with(|i| i.apps.remove(client_id));
    }
}

/// The tenant an administrator signs in to: the one named, or (for `organizations`/`common`) the
/// tenant of the work accounts.
fn tenant_of(i: &Inner, tenant: &str) -> Option<String> {
    let work = i.users.iter().find(|u| u.tid != super::PERSONAL_TENANT);
    match tenant {
        "organizations" | "common" => work.map(|u| u.tid.clone()),
        t => i.users.iter().any(|u| u.tid == t).then(|| t.to_string()),
    }
}

/// `GET /{tenant}/v2.0/adminconsent`.
pub async fn admin_consent(
    State(fake): State<FakeMicrosoft>,
    Path(tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let param = |k: &str| q.get(k).cloned().unwrap_or_default();
    let (client_id, redirect_uri, state) =
        (param("client_id"), param("redirect_uri"), param("state"));
    fake.with(|i| {
        if let Err(page) = super::identity::registered(i, &client_id, &redirect_uri) {
            return page;
        }
        if tenant == "consumers" {
            return error_page(90023, "Personal Microsoft accounts cannot grant admin consent.");
        }
        let Some(tid) = tenant_of(i, &tenant) else {
            return error_page(90002, &format!("Tenant '{tenant}' not found."));
        };
        let scope = param("scope");
        let mut back = url::Url::parse(&redirect_uri).unwrap();
        let refusal = match std::mem::take(&mut i.app_only.next) {
            AdminConsent::Decline => Some(("access_denied", "AADSTS65004: User declined to consent to access the app.")),
            AdminConsent::NotAdmin => Some(("access_denied", "AADSTS90094: The grant requires admin permission.")),
            AdminConsent::Approve => None,
        };
        let mut q = back.query_pairs_mut();
        q.append_pair("admin_consent", "True");
        match refusal {
            Some((error, description)) => {
                q.append_pair("error", error).append_pair("error_description", &format!("{description}\r\nTrace ID: 0000aaaa\r\nCorrelation ID: aaaa0000\r\nTimestamp: 2026-12-01 10:00:00Z"));
            }
            None => {
                let roles = i.app_only.configured.get(&client_id).cloned().unwrap_or_default();
                i.app_only.granted.insert((client_id.clone(), tid.clone()), roles);
                q.append_pair("tenant", &tid).append_pair("scope", &scope);
            }
        }
        q.append_pair("state", &state);
        drop(q);
        Redirect::to(back.as_str()).into_response()
    })
}

/// The client-credentials grant, after the client authenticated: `Ok` with the token answer.
pub(crate) fn client_credentials(
    i: &mut Inner,
    client_id: &str,
    tenant: &str,
    scope: &str,
) -> Result<serde_json::Value, (StatusCode, &'static str, u32, String)> {
    if !scope.eq_ignore_ascii_case("https://graph.microsoft.com/.default") {
        return Err((StatusCode::BAD_REQUEST, "invalid_scope", 1002012, format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")));
    }
    let Some(tid) = i
        .users
        .iter()
        .find(|u| u.tid == tenant)
        .map(|u| u.tid.clone())
    else {
        return Err((StatusCode::BAD_REQUEST, "invalid_request", 90002, format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")));
    };
    let Some(roles) = i
        .app_only
        .granted
        .get(&(client_id.to_string(), tid.clone()))
        .cloned()
    else {
        return Err((StatusCode::BAD_REQUEST, "unauthorized_client", 700016, format!("Application with identifier '{client_id}' was not found in the directory '{tid}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.")));
    };
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"RS256","kid":"fake"}"#);
    let claims = json!({
        "aud": "https://graph.microsoft.com", "iss": format!("https://sts.windows.net/{tid}/"),
        "iat": now(), "nbf": now(), "exp": now() + i.access_lifetime, "app_displayname": "fake",
        "appid": client_id, "idtyp": "app", "oid": format!("sp-{client_id}"), "roles": roles,
        "sub": format!("sp-{client_id}"), "tid": tid, "ver": "1.0", "jti": uuid::Uuid::new_v4().to_string(),
        // Real app-only tokens carry more claims and a 2048-bit signature: about as long.
        "aio": super::identity::opaque("", 700)
    });
    let token = format!(
        "{header}.{}.{}",
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        super::identity::opaque("", 342)
    );
    i.access_tokens.insert(
        token.clone(),
        Access {
            user: String::new(),
            scopes: roles,
            expires_at: now() + i.access_lifetime,
            app: Some((client_id.to_string(), tid)),
        },
    );
    Ok(
        json!({ "token_type": "Bearer", "expires_in": i.access_lifetime, "ext_expires_in": i.access_lifetime, "access_token": token }),
    )
}

/// A path segment with its `%XX` escapes decoded.
fn decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut n = 0;
    while n < bytes.len() {
        let hex = bytes
            .get(n + 1..n + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[n], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                n += 3;
            }
            (byte, _) => {
                out.push(byte);
                n += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Graph's answer to `/users/{x}` naming nobody.
fn no_user(who: &str) -> Response {
    graph_error(StatusCode::NOT_FOUND, "Request_ResourceNotFound", &format!("Resource '{who}' does not exist or one of its queried reference-property objects are not present."))
}

/// The mailbox (its address) `/users/{who}` names, if the token may reach it: a delegated token
/// its own user's only; an app-only token any user of its tenant, unless an access policy leaves
/// the mailbox out, and the directory entry itself (`directory`) only with a role that reads it.
/// `None` for an unknown token (the handler answers 401).
pub(crate) fn mailbox(
    fake: &FakeMicrosoft,
    token: &str,
    who: &str,
    directory: bool,
) -> Result<Option<String>, Response> {
    let denied = || {
        graph_error(
            StatusCode::FORBIDDEN,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        )
    };
    fake.with(|i| {
        let Some(access) = i.access_tokens.get(token) else {
            return Ok(None);
        };
        let user = i
            .users
            .iter()
            .find(|u| u.oid == who || u.email.eq_ignore_ascii_case(who));
        let Some(user) = user else {
            return Err(no_user(who));
        };
        let Some((client, tenant)) = &access.app else {
            // Delegated: only the signed-in user's own mailbox (no shared-mailbox permissions).
            return if access.user == user.email {
                Ok(Some(user.email.clone()))
            } else {
                Err(denied())
            };
        };
        if *tenant != user.tid {
            return Err(no_user(who));
        }
        let reads_directory = ["User.Read.All", "User.ReadBasic.All", "Directory.Read.All"];
        if directory && !super::graph::has_any(&access.scopes, &reads_directory) {
            return Err(graph_error(
                StatusCode::FORBIDDEN,
                "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.",
            ));
        }
        let outside =
            |allowed: &Vec<String>| !allowed.iter().any(|m| m.eq_ignore_ascii_case(&user.email));
        if !directory && i.app_only.policies.get(client).is_some_and(outside) {
            return Err(graph_error(
                StatusCode::FORBIDDEN,
                "ErrorAccessDenied",
                "Access to OData is disabled.",
            ));
        }
        Ok(Some(user.email.clone()))
    })
}

/// Around every Graph call: `/users/{id | upn}/…` becomes the mailbox's own path with the mailbox
/// named in [`ACTING_FOR`] (after the tenant, the roles' reach and the app's access policy are
/// checked); `/me` is refused to app-only tokens.
pub async fn users(State(fake): State<FakeMicrosoft>, mut req: Request, next: Next) -> Response {
    req.headers_mut().remove(ACTING_FOR);
    req.headers_mut().remove(DIRECTORY_READ);
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    let app_only = fake.with(|i| i.access_tokens.get(&token).is_some_and(|a| a.app.is_some()));
    let path = req.uri().path().to_string();
    let Some(rest) = path.strip_prefix("/v1.0/users/") else {
        if app_only && (path == "/v1.0/me" || path.starts_with("/v1.0/me/")) {
            return graph_error(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                "/me request is only valid with delegated authentication flow.",
            );
        }
        return next.run(req).await;
    };
    let (who, tail) = rest.split_once('/').map_or((rest, ""), |(w, t)| (w, t));
    let email = match mailbox(&fake, &token, &decoded(who), tail.is_empty()) {
        Ok(Some(email)) => email,
        Ok(None) => return next.run(req).await,
        Err(refused) => return refused,
    };
    if tail.is_empty() {
        let listed = HeaderValue::from_static("/users/{user}");
        req.headers_mut().insert(DIRECTORY_READ, listed);
    }
    let target = if tail.is_empty() {
        "/v1.0/me".to_string()
    } else {
        format!("/v1.0/me/{tail}")
    };
    let uri = match req.uri().query() {
        Some(q) => format!("{target}?{q}"),
        None => target,
    };
    *req.uri_mut() = uri.parse::<Uri>().expect("a rewritten Graph path");
    req.headers_mut().insert(
        ACTING_FOR,
        HeaderValue::from_str(&email).expect("an address"),
    );
    next.run(req).await
}
