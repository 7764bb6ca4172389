//! Hosted links: `POST /v1/links` gives an app a single-use, expiring sign-in URL to hand its
//! user (by e-mail, chat, …). Opening it shows a page with one button (so that mail scanners
//! fetching the URL start nothing); the button starts the same sign-in as `/v1/auth/authorize`,
//! carrying the link, which is used up when an account is linked through it. The link's `name`
//! comes back in the `account.linked` event; with `accountId` it re-authorizes that account.

use super::link::{registered_return_url, start_via, AuthorizeParams, Via};
use crate::clock::now;
use crate::error::{ApiError, Code};
use crate::model::rfc3339;
use crate::scopes::resolve::split_list;
use crate::state::Services;
use crate::store::crypto::{hash_secret, random_token};
use crate::store::{AppRecord, HostedLink};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

/// How long a link lives unless asked otherwise (a week), and at most (30 days).
const DEFAULT_LIFETIME: i64 = 7 * 86_400;
const MAX_LIFETIME: i64 = 30 * 86_400;

/// `POST /v1/links`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkRequest {
    /// `Office365` (the default).
    pub service_type: Option<String>,
    /// Unified scopes, space separated, as for `/v1/auth/authorize`.
    pub scopes: Option<String>,
    /// One of the app's registered return URLs. Required.
    pub return_url: Option<String>,
    /// Given back on the return URL as is.
    pub state: Option<String>,
    /// Seconds the link is valid: 60 to 2592000 (30 days); a week by default.
    pub expires_in: Option<i64>,
    /// The app's name for whom the link is for; comes back in the `account.linked` event.
    pub name: Option<String>,
    /// Makes it a re-authorization link for this account.
    pub account_id: Option<i64>,
}

/// A hosted link, shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LinkResponse {
    pub url: String,
    pub expires_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// What a link starts (kept as JSON with it).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LinkParams {
    client_id: String,
    service_type: String,
    scopes: String,
    return_url: String,
    state: Option<String>,
    account_id: Option<i64>,
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(Code::BadRequest, message)
}

pub async fn create(
    services: &Services,
    app: &AppRecord,
    r: LinkRequest,
) -> Result<LinkResponse, ApiError> {
    let service_type = r.service_type.unwrap_or_else(|| "Office365".to_string());
    services.linking(&service_type)?;
    let return_url = r.return_url.ok_or_else(|| bad("returnUrl is required"))?;
    let return_url = registered_return_url(services, app, &return_url).await?;
    let scopes = r.scopes.unwrap_or_default();
    services
        .scopes
        .resolve(&split_list(&scopes), &[])
        .map_err(|e| ApiError::bad_request(Code::ScopeInvalid, e.to_string()))?;
    let lifetime = r.expires_in.unwrap_or(DEFAULT_LIFETIME);
    if !(60..=MAX_LIFETIME).contains(&lifetime) {
        return Err(bad(format!(
            "expiresIn must be 60 to {MAX_LIFETIME} seconds"
        )));
    }
    if r.name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(bad("name must be at most 200 characters"));
    }
    if r.state.as_ref().is_some_and(|s| s.len() > 2000) {
        return Err(bad("state must be at most 2000 characters"));
    }
    if let Some(id) = r.account_id {
        services.store.account(app.id, id).await?.ok_or_else(|| {
            ApiError::not_found(
                Code::AccountNotFound,
                format!("This app has no account {id}."),
            )
        })?;
    }
    let params = LinkParams {
        client_id: app.client_id.clone(),
        service_type,
        scopes,
        return_url,
        state: r.state,
        account_id: r.account_id,
    };
    let token = random_token();
    let at = now();
    let link = HostedLink {
        app_id: app.id,
        params: serde_json::to_string(&params).map_err(ApiError::internal)?,
        name: r.name,
        expires_at: at + lifetime,
    };
    let hash = hash_secret(token.expose_secret());
    services.store.insert_link(&hash, &link, at).await?;
    let base = services.settings.public_url.as_str().trim_end_matches('/');
    Ok(LinkResponse {
        url: format!("{base}/v1/links/{}", token.expose_secret()),
        expires_at: rfc3339(link.expires_at),
        name: link.name,
    })
}

/// The link of `token` (its hash, the link, what it asks for) if it can still be used.
async fn usable(
    services: &Services,
    token: &str,
) -> Result<Option<(Vec<u8>, HostedLink, LinkParams)>, ApiError> {
    let hash = hash_secret(token);
    let Some(link) = services.store.hosted_link(&hash, now()).await? else {
        return Ok(None);
    };
    let params = serde_json::from_str(&link.params).map_err(ApiError::internal)?;
    Ok(Some((hash, link, params)))
}

/// The app a usable link is for (by name, for the page), or `None`.
pub async fn app_name(services: &Services, token: &str) -> Result<Option<String>, ApiError> {
    let Some((_, _, params)) = usable(services, token).await? else {
        return Ok(None);
    };
    let app = services.store.app_by_client_id(&params.client_id).await?;
    Ok(app.map(|a| a.name))
}

/// Starts the link's sign-in; where to send the user, or `None` when the link cannot be used.
pub async fn open(services: &Services, token: &str) -> Result<Option<String>, ApiError> {
    let Some((hash, link, params)) = usable(services, token).await? else {
        return Ok(None);
    };
    let authorize = AuthorizeParams {
        client_id: Some(params.client_id),
        service_type: Some(params.service_type),
        scopes: Some(params.scopes),
        return_url: Some(params.return_url),
        state: params.state,
        account_id: params.account_id.map(|id| id.to_string()),
        ..Default::default()
    };
    let via = Via {
        hash,
        name: link.name,
    };
    Ok(Some(start_via(services, authorize, Some(via)).await?))
}
