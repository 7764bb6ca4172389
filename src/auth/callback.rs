//! `GET /v1/auth/callback`: the provider sends the user back here. Consume the session once, have
//! the provider exchange the code and say who signed in, check what the app asked for, create or
//! reuse the account, and return to the app with a one-time code — or with `status=error`, a
//! stable error code and plain advice.

use super::issue::{internal, issue_code};
use super::link::session_purpose;
use crate::clock::now;
use crate::error::Code;
use crate::providers::linking::LinkFailure;
use crate::providers::Linking;
use crate::state::Services;
use crate::store::crypto::hash_secret;
use crate::store::{token_purpose, AccountKind, AuthSession, LinkAccount};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackParams {
    pub code: Option<String>,
    /// `True` when an administrator's consent page sent the browser back (even on error).
    pub admin_consent: Option<String>,
    /// The organisation whose administrator consented.
    pub tenant: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

pub enum CallbackOutcome {
    /// Back to the app's return URL.
    Redirect(String),
    /// The return URL cannot be trusted (unknown or reused state): show a page instead.
    ErrorPage(String),
}

fn return_to(session: &AuthSession, pairs: &[(&str, &str)]) -> String {
    let mut url =
        Url::parse(&session.return_url).expect("return URLs are validated when registered");
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
        if let Some(state) = &session.app_state {
            q.append_pair("state", state);
        }
    }
    url.to_string()
}

fn failed(session: &AuthSession, f: LinkFailure) -> CallbackOutcome {
    tracing::info!(
        app_id = session.app_id,
        error = f.code.as_str(),
        "account link failed"
    );
    let aadsts = f.aadsts.map(|c| c.to_string());
    let mut pairs = vec![
        ("status", "error"),
        ("error", f.code.as_str()),
        ("message", f.message.as_str()),
    ];
    if let Some(a) = &aadsts {
        pairs.push(("aadsts", a));
    }
    CallbackOutcome::Redirect(return_to(session, &pairs))
}

pub async fn finish(services: &Services, p: CallbackParams) -> CallbackOutcome {
    let Some(state) = p.state.filter(|s| !s.is_empty()) else {
        return CallbackOutcome::ErrorPage(
            "The sign-in response has no state. Start linking again from the app.".into(),
        );
    };
    let session = match services.store.take_auth_session(&hash_secret(&state)).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            return CallbackOutcome::ErrorPage(
                "This sign-in response is unknown or was already used. Start linking again from the app.".into(),
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "could not read the auth session");
            return CallbackOutcome::ErrorPage("switchboard could not complete the sign-in. Try again.".into());
        }
    };
    if session.expires_at < now() {
        return failed(
            &session,
            LinkFailure::new(
                Code::AuthExpired,
                "The sign-in took longer than 15 minutes. Start linking again.",
            ),
        );
    }
    if session.daemon {
        let answer = super::daemon::ConsentAnswer {
            admin_consent: p.admin_consent.as_deref(),
            tenant: p.tenant.as_deref(),
            error: p.error.as_deref(),
            error_description: p.error_description.as_deref(),
        };
        return match super::daemon::finish(services, &session, answer).await {
            Ok(code) => CallbackOutcome::Redirect(return_to(
                &session,
                &[("status", "success"), ("code", code.expose_secret())],
            )),
            Err(f) => failed(&session, f),
        };
    }
    let provider = match services.linking(&session.service_type) {
        Ok(provider) => provider,
        Err(e) => return failed(&session, LinkFailure::new(Code::AuthFailed, e.message)),
    };
    if let Some(error) = p.error {
        let description = p.error_description.as_deref().unwrap_or_default();
        return failed(&session, provider.sign_in_refused(&error, description));
    }
    let Some(code) = p.code.filter(|c| !c.is_empty()) else {
        return failed(
            &session,
            LinkFailure::new(
                Code::AuthFailed,
                "Microsoft returned neither a code nor an error.",
            ),
        );
    };
    match complete(services, provider, &session, &code).await {
        Ok(our_code) => CallbackOutcome::Redirect(return_to(
            &session,
            &[("status", "success"), ("code", our_code.expose_secret())],
        )),
        Err(f) => failed(&session, f),
    }
}

async fn complete(
    services: &Services,
    provider: &dyn Linking,
    session: &AuthSession,
    code: &str,
) -> Result<SecretString, LinkFailure> {
    let verifier = services
        .keys
        .decrypt_string(
            &session.pkce_verifier_enc,
            &session_purpose(&session.state_hash),
        )
        .map_err(|e| internal(&e))?;
    let redirect_uri = services.settings.redirect_uri();
    let signed_in = provider
        .complete_sign_in(
            session.app_id,
            code,
            &redirect_uri,
            &verifier,
            &session.permissions,
        )
        .await?;
    let identity = &signed_in.identity;
    let granted = &signed_in.granted;
    let auth_scopes = services.scopes.granted_scopes(&session.scopes, granted);
    if session.ensure_scopes && auth_scopes.len() < session.scopes.len() {
        let missing: Vec<&str> = session
            .scopes
            .iter()
            .filter(|s| !auth_scopes.contains(s))
            .map(String::as_str)
            .collect();
        return Err(LinkFailure::new(
            Code::AuthScopesNotGranted,
            format!("The user did not grant: {}. Link again and accept every permission, or ask the tenant administrator for consent.", missing.join(", ")),
        ));
    }
    if let (Some(expected), Some(actual)) = (&session.expected_email, &identity.email) {
        if !expected.eq_ignore_ascii_case(actual) {
            return Err(LinkFailure::new(
                Code::AuthAccountMismatch,
                format!("The app asked for {expected}, but the user signed in as another account. Sign in as {expected}."),
            ));
        }
    }
    if session.ensure_access {
        provider
            .probe(&signed_in, &auth_scopes)
            .await
            .map_err(|e| LinkFailure::new(Code::AuthNoAccess, e.message))?;
    }
    if let Some(id) = session.account_id {
        let existing = services
            .store
            .account(session.app_id, id)
            .await
            .map_err(|e| internal(&e))?;
        match existing {
            Some(a) if a.tenant_id == identity.tenant_id && a.object_id == identity.object_id => {}
            Some(_) => {
                return Err(LinkFailure::new(
                    Code::AuthAccountMismatch,
                    "You signed in as a different Microsoft account than the one being re-authorized. Sign in with the account that was linked before.",
                ))
            }
            None => return Err(LinkFailure::new(Code::AuthAccountNotFound, "The account being re-authorized no longer exists.")),
        }
    }
    let purpose = |which: &str| {
        token_purpose(
            session.app_id,
            &identity.tenant_id,
            &identity.object_id,
            which,
        )
    };
    let t = now();
    if let Some(hash) = &session.link_hash {
        let fresh = services
            .store
            .use_link(hash, t)
            .await
            .map_err(|e| internal(&e))?;
        if !fresh {
            return Err(LinkFailure::new(
                Code::LinkUsed,
                "This sign-in link was used already (or expired meanwhile); ask the app for a new one.",
            ));
        }
    }
    let link = LinkAccount {
        app_id: session.app_id,
        account_id: session.account_id,
        service_type: session.service_type.clone(),
        tokens: Some(
            signed_in
                .tokens
                .seal(&services.keys, purpose, granted.clone(), t),
        ),
        permissions: granted.clone(),
        kind: AccountKind::Personal,
        tenant_id: identity.tenant_id.clone(),
        object_id: identity.object_id.clone(),
        email: identity.email.clone(),
        name: identity.name.clone(),
        timezone: identity.timezone.clone(),
        auth_scopes,
        account_token_hash: None,
    };
    let (account, created) = services
        .store
        .link_account(&link, t)
        .await
        .map_err(|e| internal(&e))?;
    issue_code(services, session, &account, created).await
}
