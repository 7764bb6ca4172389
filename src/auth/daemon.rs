//! `GET /v1/auth/authorizeDaemon`: a tenant administrator consents once for the whole
//! organisation. The same checks as a link (app, return URL, scopes — here their application
//! permissions), a short-lived session bound to the app, the provider's admin-consent page; back
//! on the callback, a first app-only token says which permissions were granted, and the service
//! account for that tenant is created (or consented again) with a one-time code for the app.

use super::issue::{internal, issue_code};
use super::link::{flag, open, session_purpose, Opening, SESSION_SECONDS};
use crate::clock::now;
use crate::error::{ApiError, Code};
use crate::providers::linking::LinkFailure;
use crate::scopes::resolve::split_list;
use crate::state::Services;
use crate::store::crypto::{hash_secret, random_token};
use crate::store::{AccountKind, AuthSession};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

#[derive(Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct DaemonParams {
    /// The app's clientId. Required.
    pub client_id: Option<String>,
    /// `Office365`. Required.
    pub service_type: Option<String>,
    /// Unified scopes the service account is for, space separated (default: every scope the
    /// granted application permissions allow).
    pub scopes: Option<String>,
    /// Refused: an administrator grants the application permissions configured on the Azure app.
    pub native_scopes: Option<String>,
    /// `code` (the only one offered).
    pub response_type: Option<String>,
    /// Consent again for this service account (after a revoked consent, or for more scopes).
    pub account_id: Option<String>,
    /// One of the app's registered return URLs, exactly. Required.
    pub return_url: Option<String>,
    /// Given back on the return URL as is.
    pub state: Option<String>,
    /// Refused: organisations of the app's own customers are not kept here.
    pub client_org_id: Option<String>,
    /// `true`: fail unless the granted application permissions allow every requested scope.
    pub ensure_scopes: Option<String>,
}

/// Validates the request and returns the administrator's consent page.
pub async fn start(services: &Services, p: DaemonParams) -> Result<String, ApiError> {
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
    let provider = services.service_accounts(service_type)?;
    if p.native_scopes
        .as_deref()
        .is_some_and(|n| !n.trim().is_empty())
    {
        return Err(ApiError::bad_request(Code::ScopeInvalid, "nativeScopes: an administrator grants the application permissions configured on the Azure app (`switchboard scopes explain --daemon` lists them); name unified scopes instead."));
    }
    let ensure_scopes = flag(p.ensure_scopes.as_deref(), "ensureScopes")?;
    let scopes = split_list(p.scopes.as_deref().unwrap_or_default());
    let resolved = services
        .scopes
        .resolve_application(&scopes)
        .map_err(|e| ApiError::bad_request(Code::ScopeInvalid, e.to_string()))?;
    let reconsent = opened.account_id;
    let state = random_token();
    let state_hash = hash_secret(state.expose_secret());
    let redirect_uri = services.settings.redirect_uri();
    let url = provider
        .admin_consent_url(app.id, &redirect_uri, state.expose_secret())
        .await?;
    let session = AuthSession {
        // No code comes back from an admin consent, so there is no verifier to keep.
        pkce_verifier_enc: services.keys.encrypt_str("", &session_purpose(&state_hash)),
        state_hash,
        app_id: app.id,
        service_type: service_type.to_string(),
        return_url: opened.return_url.clone(),
        app_state: p.state.clone(),
        scopes: if scopes.is_empty() {
            vec![]
        } else {
            resolved.scopes
        },
        permissions: resolved.permissions,
        ensure_scopes,
        expected_email: None,
        ensure_access: false,
        account_id: reconsent,
        expires_at: now() + SESSION_SECONDS,
        link_hash: None,
        link_name: None,
        daemon: true,
    };
    services.store.insert_auth_session(&session).await?;
    Ok(url)
}

/// What the admin-consent page sent back.
pub struct ConsentAnswer<'a> {
    pub admin_consent: Option<&'a str>,
    pub tenant: Option<&'a str>,
    pub error: Option<&'a str>,
    pub error_description: Option<&'a str>,
}

/// The service account for the tenant whose administrator consented, and the app's code.
pub async fn finish(
    services: &Services,
    session: &AuthSession,
    answer: ConsentAnswer<'_>,
) -> Result<SecretString, LinkFailure> {
    let provider = services
        .service_accounts(&session.service_type)
        .map_err(|e| LinkFailure::new(Code::AuthFailed, e.message))?;
    if let Some(error) = answer.error {
        let description = answer.error_description.unwrap_or_default();
        return Err(provider.admin_consent_refused(error, description));
    }
    let tenant = answer.tenant.filter(|t| !t.is_empty());
    let Some(tenant) = tenant.filter(|_| answer.admin_consent == Some("True")) else {
        return Err(LinkFailure::new(
            Code::AuthFailed,
            "Microsoft returned neither a consent nor an error.",
        ));
    };
    // `tenant` came through the browser: only a token Microsoft issues for it proves the consent.
    let consented = provider.consented(session.app_id, tenant).await?;
    let roles = &consented.granted;
    let requested = (!session.scopes.is_empty()).then_some(session.scopes.as_slice());
    let auth_scopes = services.scopes.granted_application_scopes(requested, roles);
    let missing: Vec<&str> = session
        .scopes
        .iter()
        .filter(|s| !auth_scopes.contains(s))
        .map(String::as_str)
        .collect();
    if session.ensure_scopes && !missing.is_empty() {
        return Err(LinkFailure::new(
            Code::AuthScopesNotGranted,
            format!("The organisation did not grant the application permissions for: {}. Add them to the Azure app (`switchboard scopes explain --daemon`) and have an administrator consent again.", missing.join(", ")),
        ));
    }
    let tenant_id = consented.tenant_id.clone();
    if let Some(id) = session.account_id {
        let existing = services
            .store
            .account(session.app_id, id)
            .await
            .map_err(|e| internal(&e))?;
        match existing {
            Some(a) if a.kind == AccountKind::Daemon && a.tenant_id == tenant_id => {}
            Some(_) => return Err(LinkFailure::new(Code::AuthAccountMismatch, "The administrator consented for another organisation than the service account being consented again.")),
            None => return Err(LinkFailure::new(Code::AuthAccountNotFound, "The service account being consented again no longer exists.")),
        }
    }
    let new = crate::service_accounts::NewService {
        app_id: session.app_id,
        service_type: &session.service_type,
        account_id: session.account_id,
        auth_scopes,
        token_hash: None,
    };
    let (account, created) = crate::service_accounts::save(services, new, &consented)
        .await
        .map_err(|e| internal(&e))?;
    issue_code(services, session, &account, created).await
}
