//! Authentication extractors, and JSON/query/path extractors whose rejections are our own error.

use crate::error::{ApiError, Code};
use crate::state::AppState;
use crate::store::crypto::{hash_secret, secret_matches};
use crate::store::{AccountRecord, AppRecord};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, RawPathParams};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::de::DeserializeOwned;

fn credentials(parts: &Parts) -> Option<(&str, &str)> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    Some((scheme, rest.trim()))
}

/// An app authenticated with HTTP Basic `clientId:clientSecret`.
pub struct AppAuth(pub AppRecord);

async fn app_from_basic(state: &AppState, encoded: &str) -> Result<AppRecord, ApiError> {
    let bad = || {
        ApiError::unauthorized(
            Code::Unauthorized,
            "Invalid app credentials: use HTTP Basic with the app's clientId and clientSecret.",
        )
    };
    let decoded = STANDARD.decode(encoded).map_err(|_| bad())?;
    let text = String::from_utf8(decoded).map_err(|_| bad())?;
    let (client_id, secret) = text.split_once(':').ok_or_else(bad)?;
    let app = state
        .store
        .app_by_client_id(client_id)
        .await?
        .ok_or_else(bad)?;
    if secret_matches(secret, &app.secret_hash) {
        Ok(app)
    } else {
        Err(bad())
    }
}

impl FromRequestParts<AppState> for AppAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match credentials(parts) {
            Some((scheme, encoded)) if scheme.eq_ignore_ascii_case("basic") => {
                Ok(AppAuth(app_from_basic(state, encoded).await?))
            }
            _ => Err(ApiError::unauthorized(
                Code::Unauthorized,
                "This endpoint needs the app's credentials (HTTP Basic clientId:clientSecret).",
            )),
        }
    }
}

/// An account: by its bearer token, or by app credentials plus `X-Aurinko-Account-Id`.
pub struct AccountAuth(pub std::sync::Arc<AccountRecord>);

impl FromRequestParts<AppState> for AccountAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match credentials(parts) {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                let account = state.store.account_by_token(&hash_secret(token)).await?;
                account.map(AccountAuth).ok_or_else(|| ApiError::unauthorized(Code::Unauthorized, "Unknown or revoked account token."))
            }
            Some((scheme, encoded)) if scheme.eq_ignore_ascii_case("basic") => {
                let app = app_from_basic(state, encoded).await?;
                let header = parts.headers.get("x-aurinko-account-id").and_then(|v| v.to_str().ok()).ok_or_else(|| {
                    ApiError::bad_request(Code::AccountIdMissing, "With app credentials, name the account in the X-Aurinko-Account-Id header.")
                })?;
                let id: i64 = header.trim().parse().map_err(|_| ApiError::bad_request(Code::AccountIdInvalid, "X-Aurinko-Account-Id must be an integer."))?;
                let account = state.store.account(app.id, id).await?;
                account.map(AccountAuth).ok_or_else(|| ApiError::not_found(Code::AccountNotFound, format!("No account {id} for this app.")))
            }
            _ => Err(ApiError::unauthorized(
                Code::Unauthorized,
                "Authenticate with the account token (Bearer) or the app's credentials (Basic) plus X-Aurinko-Account-Id.",
            )),
        }
    }
}

/// `Json` with our error shape.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        use axum::extract::rejection::JsonRejection;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                crate::error::ErrorKind::UnsupportedMediaType,
                Code::UnsupportedMediaType,
                "Send the body as application/json.",
            )),
            Err(JsonRejection::BytesRejection(e)) => {
                if let Some(timed_out) = super::request_limits::body_timed_out(&e) {
                    Err(timed_out)
                } else if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    Err(ApiError::new(
                        crate::error::ErrorKind::PayloadTooLarge,
                        Code::PayloadTooLarge,
                        "The request body is too large.",
                    ))
                } else {
                    Err(ApiError::bad_request(
                        Code::BadRequest,
                        format!("The request body could not be read: {}", e.body_text()),
                    ))
                }
            }
            Err(e) => Err(ApiError::bad_request(
                Code::BadRequest,
                format!("The JSON body is not valid: {}", e.body_text()),
            )),
        }
    }
}

/// `Query` with our error shape. A parameter given empty (`pageToken=`) is taken as absent,
/// as clients that fill a template with an empty variable mean it.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let given: Vec<&str> = parts
            .uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| pair.split_once('=').is_some_and(|(_, v)| !v.is_empty()))
            .collect();
        let uri: axum::http::Uri = format!("/?{}", given.join("&")).parse().map_err(|_| {
            ApiError::bad_request(Code::BadRequest, "The query string is not valid.")
        })?;
        Query::<T>::try_from_uri(&uri)
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e: QueryRejection| ApiError::bad_request(Code::BadRequest, e.body_text()))
    }
}

/// `Path` with our error shape.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        // `.` and `..` are no id: in a URL to Graph they would walk up its path.
        if let Ok(raw) = RawPathParams::from_request_parts(parts, state).await {
            if let Some((name, _)) = raw.iter().find(|(_, v)| matches!(*v, "." | "..")) {
                return Err(ApiError::bad_request(
                    Code::IdInvalid,
                    format!("{name} cannot be '.' or '..'."),
                ));
            }
        }
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(e @ PathRejection::FailedToDeserializePathParams(_)) => {
                Err(ApiError::bad_request(Code::BadRequest, e.body_text()))
            }
            Err(e) => Err(ApiError::bad_request(Code::BadRequest, e.body_text())),
        }
    }
}

/// `If-Match`, where the contract requires it: the etag last read, or `*` for whatever is there.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IfMatch {
    /// The etag last read (`*`: change whatever is there).
    #[param(rename = "If-Match")]
    if_match: String,
}

/// The etag an operation that requires `If-Match` must carry (`None` for `*`).
pub fn required_if_match(headers: &axum::http::HeaderMap) -> Result<Option<&str>, ApiError> {
    match if_match(headers)? {
        None => Err(ApiError::new(
            crate::error::ErrorKind::PreconditionRequired,
            Code::PreconditionRequired,
            "Send If-Match with the etag you last read (or * to change whatever is there).",
        )),
        Some("*") => Ok(None),
        Some(etag) => Ok(Some(etag)),
    }
}

/// The `If-Match` etag, if the caller sent one (an empty header is none).
pub fn if_match(headers: &axum::http::HeaderMap) -> Result<Option<&str>, ApiError> {
    let given = headers
        .get("if-match")
        .map(|v| {
            v.to_str()
                .map_err(|_| ApiError::bad_request(Code::BadRequest, "If-Match must be text"))
        })
        .transpose()?;
    Ok(given.map(str::trim).filter(|v| !v.is_empty()))
}

/// The query as name–value pairs, for parameters the contract repeats (`recycleKeys=a&recycleKeys=b`).
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        Ok(QueryPairs(
            url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }
}

impl QueryPairs {
    /// Every value of a parameter, in order (also `a,b` within one value).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A parameter's first non-empty value (empty means absent).
    pub fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    pub fn flag(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.one(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(ApiError::bad_request(
                Code::BadRequest,
                format!("{name} must be true or false, not '{other}'"),
            )),
        }
    }
}
