use super::extract::{AccountAuth, ApiPath, ApiQuery};
use super::{page_token, scope_check};
use crate::error::ApiError;
use crate::model::email::{EmailMessage, EmailMessagesPage};
use crate::providers::office365::graph::GraphRequest;
use crate::providers::office365::mail::{to_unified, LIST_SELECT};
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;

pub const DEFAULT_PAGE: u32 = 25;
const IMMUTABLE_IDS: &str = "IdType=\"ImmutableId\"";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListParams {
    page_token: Option<String>,
    limit: Option<u32>,
    q: Option<String>,
    body_type: Option<String>,
}

fn body_prefer(body_type: Option<&str>) -> Result<&'static str, ApiError> {
    match body_type {
        None | Some("html") => Ok("outlook.body-content-type=\"html\""),
        Some("text") => Ok("outlook.body-content-type=\"text\""),
        Some(other) => Err(ApiError::bad_request(
            "badRequest",
            format!("bodyType '{other}' is not one of html, text"),
        )),
    }
}

pub async fn list(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<EmailMessagesPage>, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    if p.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
        return Err(ApiError::bad_request(
            "query.unsupported",
            "The q parameter is not supported by this version yet; list without it.",
        ));
    }
    let prefer = body_prefer(p.body_type.as_deref())?;
    let url = match p.page_token.as_deref().filter(|t| !t.is_empty()) {
        Some(token) => page_token::open(&state, &account, token)?,
        None => {
            let limit = p.limit.unwrap_or(DEFAULT_PAGE);
            if !(1..=100).contains(&limit) {
                return Err(ApiError::bad_request(
                    "badRequest",
                    "limit must be 1 to 100",
                ));
            }
            format!(
                "{}?$select={LIST_SELECT}&$top={limit}",
                state.graph.url("/me/messages")
            )
        }
    };
    let page = state
        .graph_call(
            &account,
            &GraphRequest::get(url, vec![prefer, IMMUTABLE_IDS]),
        )
        .await?;
    let records: Vec<EmailMessage> = page
        .get("value")
        .and_then(Value::as_array)
        .map(|items| items.iter().map(|m| to_unified(m, false)).collect())
        .unwrap_or_default();
    let next_page_token = page
        .get("@odata.nextLink")
        .and_then(Value::as_str)
        .map(|link| page_token::issue(&state, &account, link));
    Ok(Json(EmailMessagesPage {
        next_page_token,
        length: records.len(),
        records,
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetParams {
    body_type: Option<String>,
}

pub async fn get_one(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<GetParams>,
) -> Result<Json<EmailMessage>, ApiError> {
    scope_check::require(&state, &account, "email.read")?;
    let prefer = body_prefer(p.body_type.as_deref())?;
    let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    let url = state.graph.url(&format!("/me/messages/{encoded}"));
    let message = state
        .graph_call(
            &account,
            &GraphRequest::get(url, vec![prefer, IMMUTABLE_IDS]),
        )
        .await?;
    Ok(Json(to_unified(&message, true)))
}
