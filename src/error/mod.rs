//! The one error type of the HTTP API, and the one place it becomes a response.
//!
//! Handlers return `Result<_, ApiError>`. The response carries an [`ErrorBody`] extension; the
//! request-id middleware renders it as `{code, message, requestId, originalError?}`, so every error
//! (including extractor rejections and unknown routes) has the same shape.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

mod code;
pub use code::Code;

/// What went wrong, from the caller's point of view. Each kind has exactly one HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PreconditionFailed,
    /// A sync token whose sync was started again, or lost by the provider: start it again.
    Gone,
    /// The client stopped sending its request body.
    RequestTimeout,
    /// The contract requires `If-Match` and it is missing (RFC 6585).
    PreconditionRequired,
    PayloadTooLarge,
    UnsupportedMediaType,
    /// The request was fine, but something it depends on (the app's Azure settings) is broken.
    FailedDependency,
    TooManyRequests,
    /// Microsoft answered with an error we pass on with Microsoft's own status.
    Upstream(StatusCode),
    Unavailable,
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ErrorKind::Gone => StatusCode::GONE,
            ErrorKind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ErrorKind::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::FailedDependency => StatusCode::FAILED_DEPENDENCY,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Upstream(status) => status,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An error in one layer's words: why (`K`), a stable code, advice for the caller, the
/// upstream's own error body, and when to retry. The API's is [`ApiError`]; a provider's is
/// `providers::ProviderError`, which the API maps to its own in one place.
#[derive(Debug, Clone)]
pub struct Fault<K> {
    pub kind: K,
    pub code: Code,
    pub message: String,
    pub original: Option<Value>,
    pub retry_after: Option<u64>,
}

impl<K> Fault<K> {
    pub fn new(kind: K, code: Code, message: impl Into<String>) -> Self {
        Fault {
            kind,
            code,
            message: message.into(),
            original: None,
            retry_after: None,
        }
    }
    pub fn with_original(mut self, original: Option<Value>) -> Self {
        self.original = original;
        self
    }
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
    }
}

/// The error of the HTTP API: each kind has one status.
pub type ApiError = Fault<ErrorKind>;

/// The rendered part of an error, handed to the middleware that adds the request id.
#[derive(Debug, Clone)]
pub struct ErrorBody {
    pub code: Code,
    pub message: String,
    pub original: Option<Value>,
}

impl ApiError {
    pub fn bad_request(code: Code, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, code, message)
    }
    pub fn unauthorized(code: Code, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthorized, code, message)
    }
    pub fn forbidden(code: Code, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, code, message)
    }
    pub fn not_found(code: Code, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, code, message)
    }
    pub fn unavailable(code: Code, message: impl Into<String>, retry_after: u64) -> Self {
        Self::new(ErrorKind::Unavailable, code, message).retry_after(retry_after)
    }
    /// A failure of our own (storage, a bug). The detail goes to the log, not to the caller.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(
            ErrorKind::Internal,
            Code::Internal,
            "An internal error occurred; it has been logged.",
        )
    }
    pub fn status(&self) -> StatusCode {
        self.kind.status()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status(), self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<crate::store::StoreError> for ApiError {
    fn from(err: crate::store::StoreError) -> Self {
        ApiError::internal(err)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = status.into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer, Basic realm=\"switchboard\""),
            );
        }
        response.extensions_mut().insert(ErrorBody {
            code: self.code,
            message: self.message,
            original: self.original,
        });
        response
    }
}

/// Marks a response passed on from Microsoft as is (the direct API): never rewritten.
#[derive(Debug, Clone, Copy)]
pub struct Passthrough;

/// The error for a status produced outside our handlers (unknown route, wrong method).
pub fn for_bare_status(status: StatusCode) -> ErrorBody {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (Code::NotFound, "No such endpoint."),
        StatusCode::METHOD_NOT_ALLOWED => (
            Code::MethodNotAllowed,
            "This endpoint does not accept that HTTP method.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (Code::PayloadTooLarge, "The request body is too large."),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            Code::UnsupportedMediaType,
            "Send the body as application/json.",
        ),
        s if s.is_client_error() => (Code::BadRequest, "The request could not be understood."),
        _ => (
            Code::Internal,
            "An internal error occurred; it has been logged.",
        ),
    };
    ErrorBody {
        code,
        message: message.into(),
        original: None,
    }
}
