//! Hosted links: an app asks for a sign-in URL to hand its user; the user opens it (a page with
//! one button) and goes through the same sign-in as `/v1/auth/authorize`.

use super::extract::{ApiJson, AppAuth};
use super::json::Json;
use crate::auth::hosted::{self, LinkRequest, LinkResponse};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// A single-use sign-in URL, valid for `expiresIn` seconds, that the app can send its user.
#[utoipa::path(post, path = "/v1/links", tag = "Links", operation_id = "createLink",
    request_body = LinkRequest, responses((status = 200, body = LinkResponse)))]
pub async fn create(
    State(state): State<AppState>,
    AppAuth(app): AppAuth,
    ApiJson(request): ApiJson<LinkRequest>,
) -> Result<Json<LinkResponse>, ApiError> {
    Ok(Json(hosted::create(&state, &app, request).await?))
}

fn page(status: StatusCode, title: &str, body: maud::Markup) -> Response {
    let page = maud::html! {
        (maud::DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) }
            }
            body { h1 { (title) } (body) }
        }
    };
    let headers = [(header::CACHE_CONTROL, "no-store")];
    (status, headers, Html(page.into_string())).into_response()
}

fn unusable() -> Response {
    page(
        StatusCode::GONE,
        "This link cannot be used",
        maud::html! { p { "It has expired or was used already. Ask the app that sent it for a new one." } },
    )
}

/// The link's page: who asks, and a button to continue to Microsoft's sign-in.
pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match hosted::app_name(&state, &token).await {
        Ok(Some(app)) => page(
            StatusCode::OK,
            "Connect your Microsoft account",
            maud::html! {
                p { (app) " asks to connect to your Microsoft 365 or Outlook.com account." }
                form method="post" { button type="submit" { "Continue to Microsoft sign-in" } }
            },
        ),
        Ok(None) => unusable(),
        Err(e) => e.into_response(),
    }
}

/// The button: on to Microsoft's sign-in.
pub async fn open(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match hosted::open(&state, &token).await {
        Ok(Some(url)) => Redirect::to(&url).into_response(),
        Ok(None) => unusable(),
        Err(e) => e.into_response(),
    }
}
