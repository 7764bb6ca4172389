use super::extract::{ApiPath, ApiQuery, AppAuth};
use crate::auth::callback::{self, CallbackOutcome, CallbackParams};
use crate::auth::{exchange, link};
use crate::error::ApiError;
use crate::model::account::AccountSaveResult;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;

pub async fn authorize(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<link::AuthorizeParams>,
) -> Result<Redirect, ApiError> {
    Ok(Redirect::to(&link::start(&state, params).await?))
}

pub async fn callback(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<CallbackParams>,
) -> Response {
    match callback::finish(&state, params).await {
        CallbackOutcome::Redirect(url) => Redirect::to(&url).into_response(),
        CallbackOutcome::ErrorPage(message) => {
            let page = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in failed</title></head>\
                 <body><h1>Sign-in could not be completed</h1><p>{}</p></body></html>",
                crate::portal::html::escape(&message)
            );
            (
                StatusCode::BAD_REQUEST,
                [(header::CACHE_CONTROL, "no-store")],
                Html(page),
            )
                .into_response()
        }
    }
}

pub async fn token(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<AccountSaveResult>, ApiError> {
    Ok(Json(exchange::exchange(&state, &app, &code).await?))
}
