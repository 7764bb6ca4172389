//! Webhooks in the contract's words: a subscription asked for and as it stands, and the
//! notification an app receives.

use super::rfc3339;
use crate::store::SubscriptionRecord;
use serde::{Deserialize, Serialize};

/// `DataConsumerFilter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum DataConsumerFilter {
    /// Leave drafts out of a mail subscription's notifications.
    WithoutDrafts,
}

impl DataConsumerFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            DataConsumerFilter::WithoutDrafts => "withoutDrafts",
        }
    }
}

/// `SubscriptionRequest`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SubscriptionRequest {
    /// `/email/messages`, `/calendars/primary/events`, `/contacts` or `/tasklists/{id}/tasks`
    /// (`default` names the default list).
    pub resource: Option<String>,
    /// Where notifications are POSTed; it must answer the validation request first.
    pub notification_url: Option<String>,
    #[serde(default)]
    pub filters: Vec<DataConsumerFilter>,
}

/// `SubscriptionResponse`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionResponse {
    pub id: i64,
    pub resource: String,
    pub notification_url: String,
    /// False once deliveries failed for longer than switchboard retries; subscribing again to
    /// the same resource and URL makes it active again.
    pub active: bool,
    /// Since when deliveries have been failing, while they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_description: Option<String>,
    /// Always false: nothing is billed here.
    pub disabled_by_billing: bool,
    pub filters: Vec<String>,
}

impl From<&SubscriptionRecord> for SubscriptionResponse {
    fn from(s: &SubscriptionRecord) -> Self {
        SubscriptionResponse {
            id: s.id,
            resource: s.resource.clone(),
            notification_url: s.notification_url.clone(),
            active: s.active,
            fail_since: s.fail_since.map(rfc3339),
            fail_description: s.fail_description.clone(),
            disabled_by_billing: false,
            filters: s.filters.clone(),
        }
    }
}

/// `SubscriptionsPage`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionsPage {
    pub offset: i64,
    pub total_size: i64,
    pub done: bool,
    pub records: Vec<SubscriptionResponse>,
}

/// What changed about one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeType {
    Updated,
    Deleted,
}

/// One item a notification is about.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    pub id: String,
    pub change_type: ChangeType,
}

/// The body POSTed to a subscription's `notificationUrl`: what changed (`payloads`), or a change
/// of the subscription's state (`lifecycleEvent` `active` or `error`, with `error`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification<'a> {
    pub subscription: i64,
    pub resource: &'a str,
    pub account_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle_event: Option<&'a str>,
    pub payloads: &'a [Payload],
}
