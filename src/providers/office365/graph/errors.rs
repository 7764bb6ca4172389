//! Graph's answers that are not a success, in our terms: `Retry-After` read as Microsoft sends
//! it (seconds, possibly fractional), and each status mapped to our error with Graph's body kept as
//! `originalError`.

use crate::error::Code;
use crate::providers::error::{Failure, ProviderError};
use reqwest::StatusCode;
use serde_json::Value;

/// A Graph call that did not succeed.
pub enum GraphFailure {
    /// Graph rejected the access token (expired early, revoked): refresh and try once more.
    Unauthorized(ProviderError),
    Failed(ProviderError),
}

impl GraphFailure {
    /// The error, whichever way the call failed.
    pub fn into_error(self) -> ProviderError {
        match self {
            GraphFailure::Unauthorized(e) | GraphFailure::Failed(e) => e,
        }
    }
}

pub(in crate::providers::office365) fn parse_retry_after(
    value: Option<&reqwest::header::HeaderValue>,
) -> Option<f64> {
    value?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
}

/// Maps a Graph error to ours, keeping Graph's body as `originalError`.
pub(in crate::providers::office365) fn classify(
    status: StatusCode,
    retry_after: Option<f64>,
    body: Option<Value>,
) -> GraphFailure {
    let graph_code = body
        .as_ref()
        .and_then(|b| b.pointer("/error/code"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let graph_message = body
        .as_ref()
        .and_then(|b| b.pointer("/error/message"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let detail = |fallback: &str| {
        if graph_message.is_empty() {
            fallback.to_string()
        } else {
            graph_message.clone()
        }
    };
    let retry = retry_after.map(|s| s.ceil().max(1.0) as u64).unwrap_or(5);
    let err = match status.as_u16() {
        401 => {
            let e = ProviderError::new(
                Failure::SignInAgain,
                Code::TokenInvalid,
                detail("Microsoft rejected the access token."),
            );
            return GraphFailure::Unauthorized(e.with_original(body));
        }
        429 => ProviderError::new(
            Failure::Throttled,
            Code::ProviderThrottled,
            format!(
                "Microsoft is throttling this mailbox ({}); retry later.",
                if graph_code.is_empty() {
                    "429"
                } else {
                    &graph_code
                }
            ),
        )
        .retry_after(retry),
        502..=504 => ProviderError::unavailable(
            Code::ProviderUnavailable,
            detail("Microsoft Graph is not answering; retry later."),
            retry,
        ),
        412 => ProviderError::new(
            Failure::Changed,
            Code::PreconditionFailed,
            detail("The item changed since that etag was read; read it again."),
        ),
        409 => ProviderError::new(
            Failure::Conflict,
            Code::Conflict,
            detail("It conflicts with what is already there."),
        ),
        404 if graph_code == "MailboxNotEnabledForRESTAPI" => ProviderError::not_found(
            Code::MailboxNotFound,
            format!("This user has no mailbox Microsoft Graph can reach (none, inactive, soft-deleted or on-premises): {}", detail("")),
        ),
        404 => ProviderError::not_found(Code::NotFound, detail("Not found.")),
        // An Exchange application access policy (or RBAC for applications) leaves this mailbox
        // out of the app's reach (https://learn.microsoft.com/graph/auth-limit-mailbox-access).
        403 if graph_message.starts_with("Access to OData is disabled") => ProviderError::denied(
            Code::MailboxRestricted,
            "The organisation's Exchange administrator restricts this app to some mailboxes (an application access policy), and this one is not among them. Ask them to add it to the policy's group and check with Test-ApplicationAccessPolicy; changes can take an hour to apply.",
        ),
        403 => ProviderError::denied(
            Code::ProviderForbidden,
            detail("Microsoft denied access to this resource."),
        ),
        400 => ProviderError::invalid(
            Code::ProviderBadRequest,
            detail("Microsoft rejected the request."),
        ),
        s => ProviderError::new(
            Failure::Upstream(status),
            Code::ProviderError,
            detail(&format!("Microsoft Graph answered HTTP {s}.")),
        ),
    };
    GraphFailure::Failed(err.with_original(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_fractions_and_rejects_junk() {
        let v = reqwest::header::HeaderValue::from_static("2.128");
        assert_eq!(parse_retry_after(Some(&v)), Some(2.128));
        let v = reqwest::header::HeaderValue::from_static("soon");
        assert_eq!(parse_retry_after(Some(&v)), None);
    }
}
