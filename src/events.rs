//! Events of an app's accounts, and of the app itself, told to the app's events URL (set in the
//! portal or with `switchboard app events-url`), signed like every notification:
//! `account.linked` (with the hosted link's `name`), `account.reauthorized`, `account.imported`,
//! `account.tokenDead` (with Microsoft's reason, decoded), `account.revoked`, `account.deleted`,
//! `app.credentialsRejected`, `app.credentialsUpdated` and `app.secretExpiring`. A state (dead,
//! refused, expiring) is told once, until something else happens to the account (or app).

use crate::model::rfc3339;
use crate::store::{EventRecord, Store, StoreResult};
use serde::Serialize;

/// What an event may say besides its kind.
#[derive(Default)]
pub struct Details<'a> {
    /// Why: a stable code (an AADSTS number, …) and advice.
    pub reason: Option<(&'a str, &'a str)>,
    /// The name the app gave the hosted link the account came through.
    pub name: Option<&'a str>,
    /// When the app's client secret expires.
    pub expires_at: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Reason<'a> {
    code: &'a str,
    message: &'a str,
}

/// The body POSTed to the events URL.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Told<'a> {
    event: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<i64>,
    at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Reason<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

/// Kinds that are states: told once until something else happens.
const STATES: &[&str] = &[
    "account.tokenDead",
    "app.credentialsRejected",
    "app.secretExpiring",
];

/// Records the event of `account_id` (`None`: of the app) and queues it for the app's events
/// URL; `false` when it was a state already told.
pub async fn tell(
    store: &dyn Store,
    app_id: i64,
    account_id: Option<i64>,
    kind: &str,
    details: Details<'_>,
    now: i64,
) -> StoreResult<bool> {
    let body = serde_json::to_string(&Told {
        event: kind,
        account_id,
        at: rfc3339(now),
        reason: details
            .reason
            .map(|(code, message)| Reason { code, message }),
        name: details.name,
        expires_at: details.expires_at.map(rfc3339),
    })
    .expect("an event serialises");
    let detail = details
        .reason
        .map(|(code, message)| format!("{code}: {message}"))
        .or(details.expires_at.map(rfc3339))
        .or(details.name.map(str::to_string))
        .unwrap_or_default();
    store
        .record_event(&EventRecord {
            app_id,
            account_id: account_id.unwrap_or(0),
            kind,
            detail: &detail,
            body: &body,
            states: STATES,
            now,
        })
        .await
}
