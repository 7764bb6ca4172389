//! Microsoft's refusals in one place: the AADSTS catalogue's entries (read from
//! `providers/office365.yaml`), decoding an OAuth error with its AADSTS number into what it means
//! and what to do, and what a refusal means for us (the account's grant is dead, the app's
//! credentials are wrong, which link error code the app hears).

use crate::clock::now;
use crate::error::Code;
use crate::providers::linking::LinkFailure;
use crate::providers::office365::identity::token_client::TokenFailure;
use crate::providers::office365::Office365;
use crate::store::AppProblem;
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString};

/// OAuth error names meaning the refresh token can no longer be used: the user must sign in.
const DEAD_GRANT_ERRORS: &[&str] = &[
    "invalid_grant",
    "interaction_required",
    "consent_required",
    "login_required",
];
/// OAuth error names meaning the app's credentials were refused.
const APP_CREDENTIAL_ERRORS: &[&str] = &["invalid_client", "unauthorized_client"];

/// What an OAuth error name means when its AADSTS number is not in the catalogue.
const OAUTH_ERRORS: &[(&[&str], AadstsCategory, &str)] = &[
    (
        DEAD_GRANT_ERRORS,
        AadstsCategory::Reauthorize,
        "Send the user through the link again.",
    ),
    (
        APP_CREDENTIAL_ERRORS,
        AadstsCategory::AppMisconfigured,
        "Check the app's Azure registration and its Office 365 settings.",
    ),
    (
        &["invalid_scope", "invalid_request", "invalid_resource"],
        AadstsCategory::AppMisconfigured,
        "Check the app's Azure registration and its Office 365 settings.",
    ),
    (
        &["access_denied"],
        AadstsCategory::User,
        "Ask the user to link the account again and accept.",
    ),
    (
        &["temporarily_unavailable", "server_error"],
        AadstsCategory::Transient,
        "Try again in a few minutes.",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Display, EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AadstsCategory {
    Reauthorize,
    AdminConsent,
    AppMisconfigured,
    Policy,
    User,
    Transient,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AadstsEntry {
    pub category: AadstsCategory,
    pub meaning: String,
    pub remedy: String,
}

/// What a failure means, in plain words.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub error: String,
    pub aadsts: Option<u32>,
    pub category: AadstsCategory,
    pub meaning: String,
    pub remedy: String,
}

impl Decoded {
    /// One line for people: what happened and what to do.
    pub fn advice(&self) -> String {
        match self.aadsts {
            Some(code) => format!("AADSTS{code}: {} {}", self.meaning, self.remedy),
            None => format!("{} {}", self.meaning, self.remedy),
        }
    }
}

/// The AADSTS number from `error_codes`, or failing that from the text (`AADSTS50011: …`).
pub fn aadsts_number(codes: &[u32], text: &str) -> Option<u32> {
    if let Some(code) = codes.first() {
        return Some(*code);
    }
    let at = text.find("AADSTS")? + "AADSTS".len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Explains an OAuth error (`error` + AADSTS number/text) with the catalogue's entries.
pub fn decode<'a>(
    entries: impl Fn(u32) -> Option<&'a AadstsEntry>,
    error: &str,
    codes: &[u32],
    description: &str,
) -> Decoded {
    let aadsts = aadsts_number(codes, description);
    if let Some(entry) = aadsts.and_then(entries) {
        return Decoded {
            error: error.to_string(),
            aadsts,
            category: entry.category,
            meaning: entry.meaning.clone(),
            remedy: entry.remedy.clone(),
        };
    }
    // An AADSTS number we do not know: fall back on the OAuth error name.
    let first_line = description
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let (category, remedy) = OAUTH_ERRORS
        .iter()
        .find(|(names, _, _)| names.contains(&error))
        .map_or(
            (
                AadstsCategory::AppMisconfigured,
                "Check the app's Azure registration.",
            ),
            |(_, category, remedy)| (*category, *remedy),
        );
    let meaning = if first_line.is_empty() {
        format!("Microsoft answered '{error}'.")
    } else {
        first_line
    };
    Decoded {
        error: error.to_string(),
        aadsts,
        category,
        meaning,
        remedy: remedy.to_string(),
    }
}

/// The decoded failure, or `None` for a transient one.
pub fn decode_failure(provider: &Office365, failure: &TokenFailure) -> Option<Decoded> {
    match failure {
        TokenFailure::Rejected {
            error,
            codes,
            description,
            ..
        } => Some(provider.catalog.decode(error, codes, description)),
        TokenFailure::Transient { .. } => None,
    }
}

/// Whether the failure is the app's (its Azure credentials), not the account's.
pub fn is_app_problem(d: &Decoded) -> bool {
    APP_CREDENTIAL_ERRORS.contains(&d.error.as_str())
}

/// Whether the account's refresh token can no longer be used: the user must sign in again.
pub fn is_dead_grant(d: &Decoded) -> bool {
    DEAD_GRANT_ERRORS.contains(&d.error.as_str())
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
    let details = crate::events::Details {
        reason: Some((&problem.code, &problem.message)),
        ..Default::default()
    };
    let store = provider.store.as_ref();
    let kind = "app.credentialsRejected";
    if let Err(e) = crate::events::tell(store, app_id, None, kind, details, problem.at).await {
        tracing::error!(error = %e, app_id, "could not record the app's event");
    }
    tracing::warn!(app_id, problem = %problem.code, "the app's Azure credentials were refused by Microsoft");
}

/// A failed link as the app's return URL hears it: the stable code, the advice, the number.
pub fn link_failure(d: &Decoded) -> LinkFailure {
    LinkFailure {
        code: link_error_code(d),
        message: d.advice(),
        aadsts: d.aadsts,
    }
}

/// The stable error code put on the return URL for a failed link.
fn link_error_code(d: &Decoded) -> Code {
    // An administrator's consent refused for want of rights says so in its AADSTS number.
    let needs_admin = d.aadsts.is_some() && d.category == AadstsCategory::AdminConsent;
    if (d.error == "access_denied" && !needs_admin) || d.aadsts == Some(65004) {
        return Code::AuthDeclined;
    }
    match d.category {
        AadstsCategory::AdminConsent => Code::AuthAdminConsentRequired,
        AadstsCategory::Policy => Code::AuthBlockedByPolicy,
        AadstsCategory::AppMisconfigured => Code::AuthAppMisconfigured,
        AadstsCategory::Transient => Code::AuthUnavailable,
        AadstsCategory::User => Code::AuthUserError,
        AadstsCategory::Reauthorize => Code::AuthFailed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_number_in_codes_or_text() {
        assert_eq!(aadsts_number(&[70008, 70002], ""), Some(70008));
        assert_eq!(
            aadsts_number(&[], "AADSTS65004: User declined to consent"),
            Some(65004)
        );
        assert_eq!(aadsts_number(&[], "the+user+canceled"), None);
    }
}
