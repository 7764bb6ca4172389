//! `/_fake/…`: set the fake up over HTTP, for people and browser tests driving a running fake.

use super::{message, AzureApp, FakeMicrosoft, SignIn, User};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> Router<FakeMicrosoft> {
    Router::new()
        .route("/_fake/apps", post(add_app))
        .route(
            "/_fake/apps/{client_id}/application-permissions",
            post(application_permissions),
        )
        .route("/_fake/users", post(add_user))
        .route("/_fake/users/{email}/revoke", post(revoke))
        .route("/_fake/users/{email}/messages", post(add_messages))
        .route("/_fake/sign-in", post(next_sign_in))
        .route("/_fake/counters", get(counters))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewApp {
    client_id: String,
    secret: Option<String>,
    redirect_uris: Vec<String>,
}

async fn add_app(State(fake): State<FakeMicrosoft>, Json(app): Json<NewApp>) -> StatusCode {
    fake.register_app(
        &app.client_id,
        AzureApp {
            secret: app.secret,
            redirect_uris: app.redirect_uris,
            secret_expired: false,
        },
    );
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Roles {
    roles: Vec<String>,
}

/// The application permissions the app registration lists (an admin consent grants them).
async fn application_permissions(
    State(fake): State<FakeMicrosoft>,
    Path(client_id): Path<String>,
    Json(r): Json<Roles>,
) -> StatusCode {
    let roles: Vec<&str> = r.roles.iter().map(String::as_str).collect();
    fake.set_application_permissions(&client_id, &roles);
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct NewUser {
    email: String,
    name: String,
}

async fn add_user(State(fake): State<FakeMicrosoft>, Json(u): Json<NewUser>) -> StatusCode {
    fake.add_user(User::work(&u.email, &u.name));
    fake.sign_in_as(&u.email);
    StatusCode::NO_CONTENT
}

async fn revoke(State(fake): State<FakeMicrosoft>, Path(email): Path<String>) -> StatusCode {
    fake.revoke_user(&email);
    fake.expire_access_tokens();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct Count {
    count: usize,
}

async fn add_messages(
    State(fake): State<FakeMicrosoft>,
    Path(email): Path<String>,
    Json(c): Json<Count>,
) -> StatusCode {
    fake.add_messages(
        &email,
        (0..c.count)
            .map(|n| message(n, &format!("Message {n}")))
            .collect(),
    );
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct NextSignIn {
    decline: bool,
}

async fn next_sign_in(State(fake): State<FakeMicrosoft>, Json(n): Json<NextSignIn>) -> StatusCode {
    fake.next_sign_in(if n.decline {
        SignIn::Decline
    } else {
        SignIn::Consent
    });
    StatusCode::NO_CONTENT
}

async fn counters(State(fake): State<FakeMicrosoft>) -> Json<Value> {
    let c = fake.counters();
    Json(json!({
        "codeGrants": c.code_grants, "refreshGrants": c.refresh_grants, "graphRequests": c.graph_requests,
        "throttledByConcurrency": c.throttled_by_concurrency, "maxInFlight": c.max_in_flight
    }))
}
