//! Linking: the authorize redirect, Microsoft's callback, and the code exchange that gives the app
//! its account token.

use super::extract::{ApiPath, ApiQuery, AppAuth};
use super::json::Json;
use crate::auth::callback::{self, CallbackOutcome, CallbackParams};
use crate::auth::{daemon, exchange, link};
use crate::error::ApiError;
use crate::model::account::AccountSaveResult;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// Starts linking an account: checks the app, the return URL and the scopes, then sends the
/// user's browser to Microsoft.
#[utoipa::path(get, path = "/v1/auth/authorize", tag = "Auth", operation_id = "authorize",
    params(link::AuthorizeParams),
    responses((status = 303, description = "To Microsoft's sign-in, or back to `returnUrl` with `status=error`.")))]
pub async fn authorize(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<link::AuthorizeParams>,
) -> Result<Redirect, ApiError> {
    Ok(Redirect::to(&link::start(&state, params).await?))
}

/// Starts a tenant administrator's consent for a service account (application permissions for
/// the whole organisation): checks the app, the return URL and the scopes, then sends the
/// browser to Microsoft's admin-consent page.
#[utoipa::path(get, path = "/v1/auth/authorizeDaemon", tag = "Auth", operation_id = "authorizeDaemon",
    params(daemon::DaemonParams),
    responses((status = 303, description = "To Microsoft's admin consent, or back to `returnUrl` with `status=error`.")))]
pub async fn authorize_daemon(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<daemon::DaemonParams>,
) -> Result<Redirect, ApiError> {
    Ok(Redirect::to(&daemon::start(&state, params).await?))
}

/// Where Microsoft sends the user back; register `{public_url}/v1/auth/callback` in Azure.
#[utoipa::path(get, path = "/v1/auth/callback", tag = "Auth", operation_id = "callback",
    params(CallbackParams),
    responses(
        (status = 303, description = "To the app's return URL with `status`, `code` and `state`."),
        (status = 400, description = "An HTML page, when the return URL cannot be trusted.")))]
pub async fn callback(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<CallbackParams>,
) -> Response {
    match callback::finish(&state, params).await {
        CallbackOutcome::Redirect(url) => Redirect::to(&url).into_response(),
        CallbackOutcome::ErrorPage(message) => {
            let page = maud::html! {
                (maud::DOCTYPE)
                html lang="en" {
                    head { meta charset="utf-8"; title { "Sign-in failed" } }
                    body { h1 { "Sign-in could not be completed" } p { (message) } }
                }
            };
            (
                StatusCode::BAD_REQUEST,
                [(header::CACHE_CONTROL, "no-store")],
                Html(page.into_string()),
            )
                .into_response()
        }
    }
}

/// Trades a one-time code (10 minutes, single use) for the account's token, shown once.
#[utoipa::path(post, path = "/v1/auth/token/{code}", tag = "Auth", operation_id = "authCodeExchange",
    params(("code" = String, Path, description = "The code from the return URL")),
    responses((status = 200, body = AccountSaveResult)))]
pub async fn token(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<AccountSaveResult>, ApiError> {
    Ok(Json(exchange::exchange(&state, &app, &code).await?))
}

/// The same exchange by `GET`, deprecated in the contract.
#[utoipa::path(get, path = "/v1/auth/token/{code}", tag = "Auth", operation_id = "getAccessTokenByCode",
    params(("code" = String, Path, description = "The code from the return URL")),
    responses((status = 200, body = AccountSaveResult)))]
pub async fn token_by_get(
    state: State<AppState>,
    app: AppAuth,
    code: ApiPath<String>,
) -> Result<Json<AccountSaveResult>, ApiError> {
    token(state, app, code).await
}
