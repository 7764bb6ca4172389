//! Graph change notifications on the fake (facts §8). `POST /subscriptions` checks the body as
//! Graph does (change types, resource, expiry within the resource's limit, `clientState` ≤ 128
//! characters, https URLs — or http to this machine, as a tunnel presents https), then sends the
//! validation request to each URL and refuses with 400 unless each answers 200, text/plain, with
//! the decoded token within 10 s. A notifier compares each subscription's collection with what it
//! last saw every 100 ms and POSTs `created`/`updated`/`deleted` notifications (batched, with the
//! `clientState`); expired subscriptions stop. Lifecycle calls are sent by the test.

use super::graph::{caller, graph_error, require};
use super::{now, FakeMicrosoft, Inner};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct FakeSubscription {
    pub id: String,
    pub user: String,
    pub resource: String,
    pub change_types: Vec<String>,
    pub notification_url: String,
    pub lifecycle_url: Option<String>,
    pub client_state: Option<String>,
    pub expires: i64,
    /// The collection as the notifier last saw it: item id → etag.
    seen: BTreeMap<String, String>,
}

fn bad(message: &str) -> Response {
    graph_error(StatusCode::BAD_REQUEST, "ValidationError", message)
}

/// The permissions that let a user subscribe to `resource`, the collection it watches, and the
/// user it names (`users/{id | userPrincipalName}/…`; `None` for `me/…`).
fn watched(resource: &str) -> Option<(&'static [&'static str], Collection, Option<String>)> {
    let r = resource.trim_start_matches('/');
    let parts: Vec<&str> = r.split('/').collect();
    let (named, rest) = match parts.as_slice() {
        ["me", rest @ ..] => (None, rest),
        ["users", who, rest @ ..] => (Some(who.to_string()), rest),
        _ => return None,
    };
    let (permissions, collection) = collection(rest)?;
    Some((permissions, collection, named))
}

fn collection(rest: &[&str]) -> Option<(&'static [&'static str], Collection)> {
    match rest {
        ["messages"] => Some((
            &["Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"],
            Collection::Messages,
        )),
        ["events"] => Some((
            &["Calendars.Read", "Calendars.ReadWrite"],
            Collection::Events,
        )),
        ["contacts"] => Some((
            &["Contacts.Read", "Contacts.ReadWrite"],
            Collection::Contacts,
        )),
        ["todo", "lists", list, "tasks"] => Some((
            &[
                "Tasks.Read",
                "Tasks.ReadWrite",
                "Tasks.Read.All",
                "Tasks.ReadWrite.All",
            ],
            Collection::Tasks(list.to_string()),
        )),
        _ => None,
    }
}

#[derive(Clone, Debug)]
enum Collection {
    Messages,
    Events,
    Contacts,
    Tasks(String),
}

fn items(i: &Inner, user: &str, c: &Collection) -> BTreeMap<String, String> {
    let list = match c {
        Collection::Messages => i.messages.get(user),
        Collection::Events => i.events.get(user),
        Collection::Contacts => i.contacts.get(user),
        Collection::Tasks(list) => i.todo_tasks.get(&(user.to_string(), list.clone())),
    };
    list.into_iter()
        .flatten()
        .map(|v| {
            let id = v["id"].as_str().unwrap_or_default().to_string();
            (
                id,
                v["@odata.etag"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Whether Graph would call this URL: https, or http to this machine.
fn callable(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    u.scheme() == "https"
        || (u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1" | "localhost")))
}

/// Sends the validation request; whether it was answered as Graph requires.
async fn validates(url: &str) -> bool {
    let token = format!(
        "Validation: Testing client application reachability for subscription Request-Id: {}",
        uuid::Uuid::new_v4()
    );
    let mut target = url::Url::parse(url).unwrap();
    target
        .query_pairs_mut()
        .append_pair("validationToken", &token);
    let answer = reqwest::Client::new()
        .post(target)
        .header("content-type", "text/plain; charset=utf-8")
        .timeout(Duration::from_secs(10))
        .send()
        .await;
    let Ok(answer) = answer else { return false };
    let text_plain = answer
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    answer.status() == StatusCode::OK
        && text_plain
        && answer.text().await.ok().as_deref() == Some(&token)
}

fn expiry(text: Option<&str>, c: &Collection) -> Result<i64, Response> {
    let at = text
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .ok_or_else(|| bad("expirationDateTime is required and must be an ISO 8601 time."))?
        .timestamp();
    let max_minutes = match c {
        Collection::Tasks(_) => 4_230,
        _ => 10_080,
    };
    if at <= now() {
        return Err(bad("Subscription expiration must be in the future."));
    }
    if at > now() + max_minutes * 60 {
        return Err(bad(&format!(
            "Subscription expiration can only be {max_minutes} minutes in the future."
        )));
    }
    Ok(at)
}

fn answer(s: &FakeSubscription, status: StatusCode) -> Response {
    let expires = chrono::DateTime::from_timestamp(s.expires, 0)
        .unwrap()
        .to_rfc3339();
    let body = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity",
        "id": s.id, "resource": s.resource, "changeType": s.change_types.join(","),
        "clientState": s.client_state, "notificationUrl": s.notification_url,
        "lifecycleNotificationUrl": s.lifecycle_url, "expirationDateTime": expires,
        "applicationId": "24d3b144-21ae-4080-943f-7067b395b913", "latestSupportedTlsVersion": "v1_2",
        "notificationContentType": "application/json",
    });
    (status, Json(body)).into_response()
}

pub(super) async fn create(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let resource = body["resource"].as_str().unwrap_or_default();
    let Some((permissions, collection, named)) = watched(resource) else {
        return bad(&format!("Unsupported resource '{resource}'."));
    };
    let caller = match require(&fake, &headers, permissions) {
        Ok(user) => user,
        Err(r) => return r,
    };
    let token = headers.get("authorization").and_then(|v| v.to_str().ok());
    let token = token
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let user = match named {
        // An app-only token has no `me`.
        None if caller.is_empty() => {
            return graph_error(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                "/me request is only valid with delegated authentication flow.",
            )
        }
        None => caller,
        Some(who) => match super::app_only::mailbox(&fake, token, &who, false) {
            Ok(Some(email)) => email,
            Ok(None) => {
                return graph_error(
                    StatusCode::UNAUTHORIZED,
                    "InvalidAuthenticationToken",
                    "Access token validation failure.",
                )
            }
            Err(refused) => return refused,
        },
    };
    let change_types: Vec<String> = body["changeType"]
        .as_str()
        .unwrap_or_default()
        .split(',')
        .map(str::to_string)
        .collect();
    if !change_types
        .iter()
        .all(|c| ["created", "updated", "deleted"].contains(&c.as_str()))
    {
        return bad("changeType must be a comma-separated list of created, updated, deleted.");
    }
    let client_state = body["clientState"].as_str().map(str::to_string);
    if client_state
        .as_ref()
        .is_some_and(|c| c.chars().count() > 128)
    {
        return bad("clientState must be at most 128 characters.");
    }
    let expires = match expiry(body["expirationDateTime"].as_str(), &collection) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let notification_url = body["notificationUrl"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let lifecycle_url = body["lifecycleNotificationUrl"]
        .as_str()
        .map(str::to_string);
    for url in std::iter::once(&notification_url).chain(lifecycle_url.as_ref()) {
        if !callable(url) {
            return bad("The notification URL must be https.");
        }
        if !validates(url).await {
            return bad("Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.");
        }
    }
    let s = fake.with(|i| {
        let s = FakeSubscription {
            id: uuid::Uuid::new_v4().to_string(),
            seen: items(i, &user, &collection),
            user,
            resource: resource.to_string(),
            change_types,
            notification_url,
            lifecycle_url,
            client_state,
            expires,
        };
        i.subscriptions.push(s.clone());
        s
    });
    answer(&s, StatusCode::CREATED)
}

/// The caller's subscription `id`, if it has not expired.
fn mine(i: &Inner, user: &str, id: &str) -> Option<usize> {
    i.subscriptions
        .iter()
        .position(|s| s.id == id && s.user == user && s.expires > now())
}

fn not_found() -> Response {
    graph_error(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        "The object was not found.",
    )
}

pub(super) async fn update(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let user = match caller(&fake, &headers) {
        Ok(c) => c.email,
        Err(r) => return r,
    };
    let Some(s) = fake.with(|i| mine(i, &user, &id).map(|n| i.subscriptions[n].clone())) else {
        return not_found();
    };
    let collection = watched(&s.resource).unwrap().1;
    let expires = match expiry(body["expirationDateTime"].as_str(), &collection) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let s = fake.with(|i| {
        let n = mine(i, &user, &id).unwrap();
        i.subscriptions[n].expires = expires;
        i.subscriptions[n].clone()
    });
    answer(&s, StatusCode::OK)
}

pub(super) async fn delete(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let user = match caller(&fake, &headers) {
        Ok(c) => c.email,
        Err(r) => return r,
    };
    let gone = fake.with(|i| mine(i, &user, &id).map(|n| i.subscriptions.remove(n)));
    match gone {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => not_found(),
    }
}

/// What changed in each live subscription's collection since the notifier last looked, as the
/// notifications to send: (URL, body).
fn due(fake: &FakeMicrosoft) -> Vec<(String, Value)> {
    fake.with(|i| {
        let t = now();
        i.subscriptions.retain(|s| s.expires > t);
        let mut out = Vec::new();
        for n in 0..i.subscriptions.len() {
            let s = i.subscriptions[n].clone();
            let collection = watched(&s.resource).unwrap().1;
            let current = items(i, &s.user, &collection);
            let mut value = Vec::new();
            let mut note = |change: &str, id: &str| {
                if s.change_types.iter().any(|c| c == change) {
                    value.push(json!({
                        "subscriptionId": s.id, "clientState": s.client_state, "changeType": change,
                        "subscriptionExpirationDateTime": chrono::DateTime::from_timestamp(s.expires, 0).unwrap().to_rfc3339(),
                        "resource": format!("Users/{}/{}/{id}", s.user, s.resource.rsplit('/').next().unwrap_or_default()),
                        "tenantId": "84bd8158-6d4d-4958-8b9f-9d6445542f95",
                        "resourceData": { "id": id },
                    }));
                }
            };
            for (id, etag) in &current {
                match s.seen.get(id) {
                    None => note("created", id),
                    Some(before) if before != etag => note("updated", id),
                    Some(_) => {}
                }
            }
            for id in s.seen.keys().filter(|id| !current.contains_key(*id)) {
                note("deleted", id);
            }
            i.subscriptions[n].seen = current;
            if !value.is_empty() {
                out.push((s.notification_url.clone(), json!({ "value": value })));
            }
        }
        out
    })
}

/// Sends notifications every 100 ms while the fake runs.
pub(super) async fn notifier(fake: FakeMicrosoft) {
    let http = reqwest::Client::new();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        for (url, body) in due(&fake) {
            let sent = http
                .post(&url)
                .json(&body)
                .timeout(Duration::from_secs(3))
                .send()
                .await;
            fake.with(|i| i.notifications_sent += sent.is_ok() as u32);
        }
    }
}

impl FakeMicrosoft {
    /// The live subscriptions.
    pub fn subscriptions(&self) -> Vec<FakeSubscription> {
        self.with(|i| {
            i.subscriptions
                .iter()
                .filter(|s| s.expires > now())
                .cloned()
                .collect()
        })
    }

    /// Sends a lifecycle notification for subscription `id`, as Graph does (`subscriptionRemoved`
    /// also removes it); the receiver's status.
    pub async fn lifecycle(&self, id: &str, event: &str) -> u16 {
        let s = self
            .with(|i| {
                let n = i.subscriptions.iter().position(|s| s.id == id)?;
                let s = i.subscriptions[n].clone();
                if event == "subscriptionRemoved" {
                    i.subscriptions.remove(n);
                }
                Some(s)
            })
            .expect("a subscription");
        let body = json!({ "value": [{
            "lifecycleEvent": event, "subscriptionId": s.id, "clientState": s.client_state,
            "subscriptionExpirationDateTime": chrono::DateTime::from_timestamp(s.expires, 0).unwrap().to_rfc3339(),
            "tenantId": "84bd8158-6d4d-4958-8b9f-9d6445542f95",
        }]});
        let url = s.lifecycle_url.expect("a lifecycle URL");
        let r = reqwest::Client::new()
            .post(url)
            .json(&body)
            .send()
            .await
            .unwrap();
        r.status().as_u16()
    }

    /// Ends subscription `id` now, as its expiry would.
    pub fn expire_subscription(&self, id: &str) {
        self.with(|i| i.subscriptions.retain(|s| s.id != id));
    }
}

impl FakeMicrosoft {
    /// Subscription `id` tells nothing more by itself (as when Graph drops notifications it could
    /// not deliver), until a lifecycle call says so.
    pub fn mute_subscription(&self, id: &str) {
        self.with(|i| {
            for s in i.subscriptions.iter_mut().filter(|s| s.id == id) {
                s.change_types.clear();
            }
        });
    }
}
