//! What a refusal from Microsoft means for us, shared by the callback and the refresh path.

use super::catalog::AadstsCategory;
use super::token_client::{decode, Decoded, TokenFailure};
use super::Office365;
use crate::clock::now;
use crate::store::AppProblem;

/// The decoded failure, or `None` for a transient one.
pub fn decode_failure(provider: &Office365, failure: &TokenFailure) -> Option<Decoded> {
    match failure {
        TokenFailure::Rejected {
            error,
            codes,
            description,
            ..
        } => Some(decode(&provider.catalog, error, codes, description)),
        TokenFailure::Transient { .. } => None,
    }
}

/// Whether the failure is the app's (its Azure credentials), not the account's.
pub fn is_app_problem(d: &Decoded) -> bool {
    matches!(d.error.as_str(), "invalid_client" | "unauthorized_client")
}

/// Whether the account's refresh token can no longer be used: the user must sign in again.
pub fn is_dead_grant(d: &Decoded) -> bool {
    matches!(
        d.error.as_str(),
        "invalid_grant" | "interaction_required" | "consent_required" | "login_required"
    )
}

/// Flags the app's Office 365 settings so that the owner sees what to fix; accounts are kept.
pub async fn flag_app(provider: &Office365, app_id: i64, d: &Decoded) {
    let code = d
        .aadsts
        .map(|c| format!("AADSTS{c}"))
        .unwrap_or_else(|| d.error.clone());
    let problem = AppProblem {
        code,
        message: d.advice(),
        at: now(),
    };
    if let Err(e) = provider
        .store
        .set_office365_problem(app_id, Some(&problem))
        .await
    {
        tracing::error!(error = %e, app_id, "could not record the app's Office 365 problem");
    }
    tracing::warn!(app_id, problem = %problem.code, "the app's Azure credentials were refused by Microsoft");
}

/// The stable error code put on the return URL for a failed link.
pub fn link_error_code(d: &Decoded) -> &'static str {
    if d.error == "access_denied" || d.aadsts == Some(65004) {
        return "auth.declined";
    }
    match d.category {
        AadstsCategory::AdminConsent => "auth.adminConsentRequired",
        AadstsCategory::Policy => "auth.blockedByPolicy",
        AadstsCategory::AppMisconfigured => "auth.appMisconfigured",
        AadstsCategory::Transient => "auth.unavailable",
        AadstsCategory::User => "auth.userError",
        AadstsCategory::Reauthorize => "auth.failed",
    }
}
