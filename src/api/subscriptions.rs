//! Webhooks: an account's subscriptions to the changes of its mail, primary calendar, contacts
//! or a To Do list, notified to the app's URL.

use super::extract::{AccountAuth, ApiJson, ApiPath, ApiQuery};
use super::json::Json;
use crate::error::{ApiError, Code};
use crate::model::subscription::{SubscriptionRequest, SubscriptionResponse, SubscriptionsPage};
use crate::state::AppState;
use axum::extract::State;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1 to 500 (default 50).
    limit: Option<i64>,
    offset: Option<i64>,
    /// Include the subscriptions made inactive by failed deliveries.
    include_inactive: Option<bool>,
}

/// The account's subscriptions.
#[utoipa::path(get, path = "/v1/subscriptions", tag = "Webhooks", operation_id = "getSubscriptions",
    params(ListParams), responses((status = 200, body = SubscriptionsPage)))]
pub async fn list(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<SubscriptionsPage>, ApiError> {
    let (limit, offset) = (p.limit.unwrap_or(50), p.offset.unwrap_or(0));
    if !(1..=500).contains(&limit) || offset < 0 {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            "limit must be 1 to 500 and offset 0 or more",
        ));
    }
    let (rows, total) = state
        .store
        .list_subscriptions(
            account.id,
            p.include_inactive.unwrap_or(false),
            limit,
            offset,
        )
        .await?;
    Ok(Json(SubscriptionsPage {
        offset,
        total_size: total,
        done: offset + rows.len() as i64 >= total,
        records: rows.iter().map(SubscriptionResponse::from).collect(),
    }))
}

/// Subscribes the app to a resource's changes, once `notificationUrl` answered the validation
/// request; subscribing again to the same resource at the same URL makes an inactive
/// subscription active again.
#[utoipa::path(post, path = "/v1/subscriptions", tag = "Webhooks", operation_id = "subscribe",
    request_body = SubscriptionRequest,
    responses((status = 200, body = SubscriptionResponse),
        (status = 400, description = "The resource cannot be subscribed to, or the URL is not acceptable or did not answer the validation request (`notificationUrl.validationFailed`).")))]
pub async fn subscribe(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiJson(request): ApiJson<SubscriptionRequest>,
) -> Result<Json<SubscriptionResponse>, ApiError> {
    let subscription = crate::webhooks::subscribe(&state, &account, request).await?;
    Ok(Json(SubscriptionResponse::from(&subscription)))
}

/// One subscription, with whether its deliveries are failing.
#[utoipa::path(get, path = "/v1/subscriptions/{id}", tag = "Webhooks", operation_id = "getSubscription",
    params(("id" = i64, Path, description = "A subscription identifier")),
    responses((status = 200, body = SubscriptionResponse)))]
pub async fn get_one(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SubscriptionResponse>, ApiError> {
    let subscription = crate::webhooks::find(&state, &account, id).await?;
    Ok(Json(SubscriptionResponse::from(&subscription)))
}

/// Removes a subscription: nothing more is sent for it.
#[utoipa::path(delete, path = "/v1/subscriptions/{id}", tag = "Webhooks", operation_id = "unsubscribe",
    params(("id" = i64, Path, description = "A subscription identifier")),
    responses((status = 200, body = crate::model::Ok)))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    AccountAuth(account): AccountAuth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<crate::model::Ok>, ApiError> {
    crate::webhooks::unsubscribe(&state, &account, id).await?;
    Ok(Json(crate::model::OK))
}
