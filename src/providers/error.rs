//! What a provider call fails with, in provider-neutral words. The API turns it into an
//! [`ApiError`] (the one error that becomes HTTP) in one place, [`From<ProviderError>`] below, so
//! a provider never picks an HTTP status, except to pass on its own upstream's.

use crate::error::{ApiError, Code, ErrorKind, Fault};
use axum::http::StatusCode;

/// Why a provider call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The caller asked for something the provider cannot serve as asked (a bad id, value or option).
    Invalid,
    /// The account's user must sign in again (the grant is gone or the token was refused).
    SignInAgain,
    /// The provider denied the account access to this resource.
    Denied,
    NotFound,
    /// It conflicts with what is already there.
    Conflict,
    /// The record changed since the caller's copy (`If-Match`).
    Changed,
    /// More than the provider accepts in one request.
    TooLarge,
    /// The app's registration at the provider is broken; its owner has to fix it.
    AppSettings,
    /// The provider is throttling the account; retry after `retry_after`.
    Throttled,
    /// The provider is not answering; retry after `retry_after`.
    Unavailable,
    /// The provider's own error, passed on with its status.
    Upstream(StatusCode),
    /// A failure of our own; the detail went to the log.
    Internal,
}

/// A provider's failure: the [`Failure`], a stable code, advice, and the provider's own error body
/// (passed on as `originalError`).
pub type ProviderError = Fault<Failure>;

impl ProviderError {
    pub fn invalid(code: Code, message: impl Into<String>) -> Self {
        Self::new(Failure::Invalid, code, message)
    }
    pub fn sign_in_again(code: Code, message: impl Into<String>) -> Self {
        Self::new(Failure::SignInAgain, code, message)
    }
    pub fn denied(code: Code, message: impl Into<String>) -> Self {
        Self::new(Failure::Denied, code, message)
    }
    pub fn not_found(code: Code, message: impl Into<String>) -> Self {
        Self::new(Failure::NotFound, code, message)
    }
    pub fn unavailable(code: Code, message: impl Into<String>, retry_after: u64) -> Self {
        Self::new(Failure::Unavailable, code, message).retry_after(retry_after)
    }
    /// The provider could not be reached, or its answer broke off (502).
    pub fn unreachable(message: impl Into<String>) -> Self {
        Self::new(
            Failure::Upstream(StatusCode::BAD_GATEWAY),
            Code::ProviderUnreachable,
            message,
        )
    }
    /// A failure of our own (storage, a bug). The detail goes to the log, not to the caller.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(
            Failure::Internal,
            Code::Internal,
            "An internal error occurred; it has been logged.",
        )
    }
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({:?}): {}", self.code, self.kind, self.message)
    }
}

impl std::error::Error for ProviderError {}

impl From<crate::store::StoreError> for ProviderError {
    fn from(err: crate::store::StoreError) -> Self {
        ProviderError::internal(err)
    }
}

impl From<Failure> for ErrorKind {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Invalid => ErrorKind::BadRequest,
            Failure::SignInAgain => ErrorKind::Unauthorized,
            Failure::Denied => ErrorKind::Forbidden,
            Failure::NotFound => ErrorKind::NotFound,
            Failure::Conflict => ErrorKind::Conflict,
            Failure::Changed => ErrorKind::PreconditionFailed,
            Failure::TooLarge => ErrorKind::PayloadTooLarge,
            Failure::AppSettings => ErrorKind::FailedDependency,
            Failure::Throttled => ErrorKind::TooManyRequests,
            Failure::Unavailable => ErrorKind::Unavailable,
            Failure::Upstream(status) => ErrorKind::Upstream(status),
            Failure::Internal => ErrorKind::Internal,
        }
    }
}

/// The API boundary: a provider's failure as the caller sees it.
impl From<ProviderError> for ApiError {
    fn from(err: ProviderError) -> Self {
        Fault {
            kind: err.kind.into(),
            code: err.code,
            message: err.message,
            original: err.original,
            retry_after: err.retry_after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_failure_keeps_its_code_advice_original_and_retry_time() {
        let err = ProviderError::new(Failure::Throttled, Code::ProviderThrottled, "slow down")
            .with_original(Some(
                serde_json::json!({"error": {"code": "TooManyRequests"}}),
            ))
            .retry_after(7);
        let api = ApiError::from(err);
        assert_eq!(api.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(api.code, Code::ProviderThrottled);
        assert_eq!(api.message, "slow down");
        assert_eq!(api.retry_after, Some(7));
        assert_eq!(api.original.unwrap()["error"]["code"], "TooManyRequests");
    }

    #[test]
    fn each_failure_has_its_status() {
        let cases = [
            (Failure::Invalid, 400),
            (Failure::SignInAgain, 401),
            (Failure::Denied, 403),
            (Failure::NotFound, 404),
            (Failure::Conflict, 409),
            (Failure::Changed, 412),
            (Failure::TooLarge, 413),
            (Failure::AppSettings, 424),
            (Failure::Throttled, 429),
            (Failure::Upstream(StatusCode::BAD_GATEWAY), 502),
            (Failure::Unavailable, 503),
        ];
        for (failure, status) in cases {
            let kind: ErrorKind = failure.into();
            assert_eq!(kind.status().as_u16(), status, "{failure:?}");
        }
    }
}
