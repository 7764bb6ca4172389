//! A fake Microsoft identity platform (v2.0) and Graph v1.0 that behaves like the real one,
//! quirks included (see `shared/reference/microsoft-graph-facts.md`). Tests register Azure apps
//! and users on it, queue faults, and read its counters.

#![allow(dead_code)]
// Handlers return a ready `Response` as their error, as axum handlers do.
#![allow(clippy::result_large_err)]

pub mod app_only;
mod assertions;
mod attachments;
mod bodies;
mod calendar;
mod contacts;
mod control;
mod delta;
mod delta_rules;
mod drive;
mod events;
mod faults;
mod fixtures;
mod folders;
mod graph;
mod identity;
mod inspect;
mod mail_delta;
mod mail_read;
mod mail_send;
mod mail_write;
mod odata;
mod schedule;
mod schema;
mod series;
mod shape;
mod strict;
pub mod subscriptions;
mod todo;

pub(crate) use faults::broken_body;
pub use faults::{GraphFault, TokenFault};
pub use fixtures::{attach, folder_id, message, WELL_KNOWN};

use axum::Router;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

pub const PERSONAL_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

#[derive(Clone, Debug)]
pub struct AzureApp {
    /// `None` for a public client.
    pub secret: Option<String>,
    pub redirect_uris: Vec<String>,
    pub secret_expired: bool,
}

#[derive(Clone, Debug)]
pub struct User {
    pub oid: String,
    pub tid: String,
    pub email: String,
    pub name: String,
    /// Personal accounts often have `mail: null` on /me.
    pub mail_null: bool,
    pub time_zone: String,
    /// Permissions this user will not grant (partial consent), matched without case.
    pub refuses: Vec<String>,
    /// A mailbox of the older Outlook REST shape, which refuses type casts in `$select`.
    pub refuses_casts: bool,
}

impl User {
    pub fn work(email: &str, name: &str) -> User {
        User {
            oid: uuid::Uuid::new_v4().to_string(),
            tid: "b9419818-09af-49c2-b0c3-653adc1f376e".into(),
            email: email.into(),
            name: name.into(),
            mail_null: false,
            time_zone: "Pacific Standard Time".into(),
            refuses: vec![],
            refuses_casts: false,
        }
    }
}

/// What the next sign-in at /authorize does.
#[derive(Clone, Debug, Default)]
pub enum SignIn {
    #[default]
    Consent,
    Decline,
}

pub(crate) struct Code {
    client_id: String,
    redirect_uri: String,
    challenge: Option<String>,
    scopes: Vec<String>,
    user: String,
    used: bool,
}

pub(crate) struct Refresh {
    client_id: String,
    user: String,
    scopes: Vec<String>,
    revoked: bool,
    /// When a strict fake first saw it used (it stays usable for the rotation grace).
    superseded_at: Option<std::time::Instant>,
}

pub(crate) struct Access {
    /// The signed-in user (empty for an app-only token).
    user: String,
    /// Delegated scopes, or an app-only token's roles.
    scopes: Vec<String>,
    expires_at: i64,
    /// An app-only token's app (client id) and tenant.
    app: Option<(String, String)>,
}

/// An attachment upload session in progress.
pub(crate) struct Upload {
    email: String,
    message_id: String,
    item: Value,
    name: String,
    size: usize,
    received: Vec<u8>,
}

#[derive(Default)]
pub(crate) struct Inner {
    apps: HashMap<String, AzureApp>,
    users: Vec<User>,
    default_user: Option<String>,
    /// Signs this user in whatever login_hint says (a user picking another account).
    forced_user: Option<String>,
    sign_in: SignIn,
    codes: HashMap<String, Code>,
    refresh_tokens: HashMap<String, Refresh>,
    access_tokens: HashMap<String, Access>,
    messages: HashMap<String, Vec<Value>>,
    folders: HashMap<String, Vec<Value>>,
    contacts: HashMap<String, Vec<Value>>,
    calendars: HashMap<String, Vec<Value>>,
    events: HashMap<String, Vec<Value>>,
    todo_lists: HashMap<String, Vec<Value>>,
    todo_tasks: HashMap<(String, String), Vec<Value>>,
    contact_photos: HashMap<(String, String), Vec<u8>>,
    /// Delta states: token → (user, collection, its items' etags when the round started).
    delta_seq: u64,
    delta_snapshots: HashMap<u64, (String, String, delta::Snapshot)>,
    /// The window of each user's primary calendarView delta.
    delta_windows: HashMap<String, (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)>,
    /// Graph subscriptions (change notifications) and how many notifications reached a receiver.
    subscriptions: Vec<subscriptions::FakeSubscription>,
    notifications_sent: u32,
    token_faults: VecDeque<TokenFault>,
    uploads: HashMap<String, Upload>,
    graph_faults: VecDeque<GraphFault>,
    /// Seconds an access token lives.
    access_lifetime: i64,
    /// Revoke a refresh token when it is used (stricter than Microsoft, which keeps old ones).
    strict_rotation: bool,
    /// How long a used refresh token stays usable under strict rotation (zero: not at all).
    rotation_grace: std::time::Duration,
    pub(crate) counters: Counters,
    in_flight: HashMap<String, usize>,
    /// How often each entry of switchboard's Graph request list was called (and accepted).
    surface_hits: HashMap<&'static str, u32>,
    /// Requests that match no entry of that list.
    unlisted: Vec<String>,
    app_only: app_only::AppOnly,
    /// Certificates uploaded to each app registration: `x5t#S256` and the public key.
    certificates: HashMap<String, (String, rsa::RsaPublicKey)>,
}

#[derive(Default, Clone, Debug)]
pub struct Counters {
    pub code_grants: u32,
    pub refresh_grants: u32,
    pub client_credentials_grants: u32,
    pub graph_requests: u32,
    pub throttled_by_concurrency: u32,
    pub max_in_flight: usize,
}

/// Signals between a test and the fake's streaming endpoints.
#[derive(Default)]
pub struct Streaming {
    /// Fired when an upload's first bytes arrive.
    pub upload_started: tokio::sync::Notify,
    /// Fired by the test when a download's first chunk reached it.
    pub download_gate: Arc<tokio::sync::Notify>,
}

#[derive(Clone)]
pub struct FakeMicrosoft {
    pub base_url: String,
    pub(crate) inner: Arc<Mutex<Inner>>,
    pub streaming: Arc<Streaming>,
}

impl FakeMicrosoft {
    pub async fn start() -> FakeMicrosoft {
        Self::start_on("127.0.0.1:0").await
    }

    /// Serves on `address` (a port of 0 picks a free one).
    pub async fn start_on(address: &str) -> FakeMicrosoft {
        let inner = Arc::new(Mutex::new(Inner {
            access_lifetime: 3599,
            strict_rotation: true,
            ..Default::default()
        }));
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .expect("bind fake");
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let fake = FakeMicrosoft {
            base_url,
            inner,
            streaming: Default::default(),
        };
        // Graph refuses request bodies over 4 MB.
        let graph = graph::routes()
            .fallback(graph::no_such_segment)
            .layer(axum::extract::DefaultBodyLimit::max(4 * 1024 * 1024))
            .layer(axum::middleware::from_fn_with_state(
                fake.clone(),
                strict::check,
            ))
            .layer(axum::middleware::from_fn_with_state(
                fake.clone(),
                faults::limits,
            ));
        let router: Router = identity::routes()
            .merge(graph)
            .merge(control::routes())
            .with_state(fake.clone());
        // `/users/{id}/…` is rewritten to the mailbox's own path before routing.
        let users = axum::middleware::from_fn_with_state(fake.clone(), app_only::users);
        let service = tower::Layer::layer(&users, router);
        let service = axum::ServiceExt::<axum::extract::Request>::into_make_service(service);
        tokio::spawn(async move { axum::serve(listener, service).await.expect("fake serves") });
        tokio::spawn(subscriptions::notifier(fake.clone()));
        fake
    }

    pub fn login_url(&self) -> String {
        self.base_url.clone()
    }

    pub fn graph_url(&self) -> String {
        format!("{}/v1.0", self.base_url)
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap())
    }

    pub fn register_app(&self, client_id: &str, app: AzureApp) {
        self.with(|i| i.apps.insert(client_id.to_string(), app));
    }

    pub fn set_app_secret(&self, client_id: &str, secret: Option<&str>, expired: bool) {
        self.with(|i| {
            let app = i.apps.get_mut(client_id).expect("registered app");
            app.secret = secret.map(str::to_string);
            app.secret_expired = expired;
        });
    }

    /// Adds a user with Outlook's well-known folders; the first one added signs in when no
    /// login_hint matches.
    pub fn add_user(&self, user: User) {
        self.with(|i| {
            let folders = WELL_KNOWN
                .iter()
                .map(|(wk, name)| {
                    serde_json::json!({
                        "id": folder_id(&user.email, wk), "displayName": name,
                        "parentFolderId": folder_id(&user.email, "msgfolderroot"), "childFolderCount": 0,
                        "unreadItemCount": 0, "totalItemCount": 0, "isHidden": false
                    })
                })
                .collect();
            i.folders.insert(user.email.clone(), folders);
            i.todo_lists.insert(user.email.clone(), todo::default_lists());
            i.calendars.insert(user.email.clone(), vec![calendar::default_calendar(&user.email, &user.name)]);
            if i.default_user.is_none() {
                i.default_user = Some(user.email.clone());
            }
            i.users.push(user);
        });
    }

    pub fn sign_in_as(&self, email: &str) {
        self.with(|i| i.default_user = Some(email.to_string()));
    }

    pub fn ignore_login_hint_for(&self, email: &str) {
        self.with(|i| i.forced_user = Some(email.to_string()));
    }

    pub fn next_sign_in(&self, behaviour: SignIn) {
        self.with(|i| i.sign_in = behaviour);
    }

    pub fn set_access_lifetime(&self, seconds: i64) {
        self.with(|i| i.access_lifetime = seconds);
    }

    /// Under strict rotation, a used refresh token stays usable this long (as providers with a
    /// reuse grace allow); zero revokes it at once.
    pub fn set_rotation_grace(&self, grace: std::time::Duration) {
        self.with(|i| i.rotation_grace = grace);
    }

    pub fn set_strict_rotation(&self, strict: bool) {
        self.with(|i| i.strict_rotation = strict);
    }

    /// Revokes every refresh token of the user (password reset, admin revoke: AADSTS50173).
    pub fn revoke_user(&self, email: &str) {
        self.with(|i| {
            for rt in i.refresh_tokens.values_mut().filter(|r| r.user == email) {
                rt.revoked = true;
            }
        });
    }

    /// Expires every access token now (Graph then answers 401).
    pub fn expire_access_tokens(&self) {
        self.with(|i| i.access_tokens.values_mut().for_each(|a| a.expires_at = 0));
    }

    pub fn push_token_fault(&self, fault: TokenFault) {
        self.with(|i| i.token_faults.push_back(fault));
    }

    pub fn clear_graph_faults(&self) {
        self.with(|i| i.graph_faults.clear());
    }

    pub fn clear_token_faults(&self) {
        self.with(|i| i.token_faults.clear());
    }

    pub fn push_graph_fault(&self, fault: GraphFault) {
        self.with(|i| i.graph_faults.push_back(fault));
    }

    /// Adds messages to the user's Inbox.
    pub fn add_messages(&self, email: &str, messages: Vec<Value>) {
        self.add_messages_to(email, "inbox", messages);
    }

    /// Adds messages to a well-known folder (`inbox`, `sentitems`, `deleteditems`, …).
    pub fn add_messages_to(&self, email: &str, well_known: &str, messages: Vec<Value>) {
        let folder = folder_id(email, well_known);
        self.with(|i| {
            let list = i.messages.entry(email.to_string()).or_default();
            for mut m in messages {
                m["parentFolderId"] = Value::String(folder.clone());
                list.push(m);
            }
        });
    }

    pub fn counters(&self) -> Counters {
        self.with(|i| i.counters.clone())
    }

    /// How often each entry of switchboard's Graph request list was called, by name.
    pub fn surface_hits(&self) -> HashMap<&'static str, u32> {
        self.with(|i| i.surface_hits.clone())
    }

    /// Requests Graph got that are on no entry of switchboard's Graph request list.
    pub fn unlisted_requests(&self) -> Vec<String> {
        self.with(|i| i.unlisted.clone())
    }

    /// Every token and code this fake ever issued.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.with(|i| {
            i.codes
                .keys()
                .chain(i.refresh_tokens.keys())
                .chain(i.access_tokens.keys())
                .cloned()
                .collect()
        })
    }

    /// A refresh token issued to `client_id` for the user, as an app that linked the user some
    /// other way would hold (the migration path).
    pub fn issue_refresh_token(&self, client_id: &str, email: &str, scopes: &[&str]) -> String {
        let rt = format!("0.AXEAimported{}", uuid::Uuid::new_v4().simple());
        self.with(|i| {
            i.refresh_tokens.insert(
                rt.clone(),
                Refresh {
                    client_id: client_id.to_string(),
                    user: email.to_string(),
                    scopes: scopes.iter().map(|s| s.to_string()).collect(),
                    revoked: false,
                    superseded_at: None,
                },
            )
        });
        rt
    }

    /// The refresh tokens currently valid for a user.
    pub fn live_refresh_tokens(&self, email: &str) -> Vec<String> {
        self.with(|i| {
            i.refresh_tokens
                .iter()
                .filter(|(_, r)| r.user == email && !r.revoked && r.superseded_at.is_none())
                .map(|(k, _)| k.clone())
                .collect()
        })
    }
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
