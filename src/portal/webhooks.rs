//! The app page's webhooks card: the signing secret (and a new one), where account events go,
//! the app's subscriptions with their state, and the latest deliveries with a replay button.

use super::html::{csrf_field, field, refused_on_app};
use super::session::{owned_form, SignedIn};
use crate::apps::AppDetails;
use crate::clock::now;
use crate::error::ApiError;
use crate::model::rfc3339;
use crate::state::AppState;
use crate::store::DeliveryRecord;
use crate::webhooks::signing;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use secrecy::ExposeSecret;
use serde::Deserialize;

/// Deliveries shown on the card.
const SHOWN: i64 = 20;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Change {
    #[serde(rename = "eventsUrl")]
    events_url: String,
    csrf: String,
}

fn outcome(d: &DeliveryRecord) -> String {
    match (&d.last_error, d.last_status) {
        (Some(e), _) => e.clone(),
        (None, Some(status)) => format!("HTTP {status}"),
        (None, None) => "not tried yet".to_string(),
    }
}

/// The card, with an error next to the events URL if saving it failed.
pub async fn card(
    state: &AppState,
    who: &SignedIn,
    d: &AppDetails,
    error: Option<&str>,
) -> Result<Markup, ApiError> {
    let store = state.store.as_ref();
    let secret = signing::secret(store, &state.keys, d.app.id).await?;
    let events_url = store.events_url(d.app.id).await?.unwrap_or_default();
    let subscriptions = store.app_subscriptions(d.app.id, 100).await?;
    let deliveries = store.deliveries(d.app.id, None, SHOWN).await?;
    let id = &d.app.client_id;
    let csrf = csrf_field(&who.csrf);
    Ok(html! {
        div class="card" id="webhooks" {
            h2 { "Webhooks" }
            details {
                summary { "Signing secret" }
                p { code id="signing-secret" { (secret.expose_secret()) } }
                p class="hint" { "Notifications carry X-Aurinko-Signature: the hex HMAC-SHA256 of v0:{timestamp}:{body} keyed by this secret." }
            }
            form method="post" action={ "/portal/apps/" (id) "/signing-secret" }
                data-confirm="Notifications are signed with the new secret at once. Continue?" {
                (csrf)
                button type="submit" { "New signing secret" }
            }
            form method="post" action={ "/portal/apps/" (id) "/events-url" } {
                (csrf)
                (field("eventsUrl", "Account events URL (empty: none)", "url", &events_url, error))
                button type="submit" { "Save events URL" }
            }
            h3 { "Subscriptions" }
            @if subscriptions.is_empty() { p { "None yet: apps subscribe with POST /v1/subscriptions." } }
            @else {
                div class="table-wrap" { table id="subscriptions" {
                    tr { th { "Id" } th { "Account" } th { "Resource" } th { "URL" } th { "State" } }
                    @for s in &subscriptions {
                        tr {
                            td { (s.id) } td { (s.account_id) } td { code { (s.resource) } }
                            td { code { (s.notification_url) } }
                            td {
                                @if !s.active { "inactive" } @else if s.fail_since.is_some() { "failing" } @else { "active" }
                                @if let Some(why) = &s.fail_description { " — " (why) }
                            }
                        }
                    }
                } }
            }
            h3 { "Latest deliveries" }
            @if deliveries.is_empty() { p { "Nothing sent yet." } }
            @else {
                div class="table-wrap" { table id="deliveries" {
                    tr { th { "Id" } th { "Queued" } th { "To" } th { "State" } th { "Attempts" } th { "Last answer" } th {} }
                    @for d in &deliveries {
                        tr {
                            td { (d.id) } td { (rfc3339(d.created_at)) } td { code { (d.url) } }
                            td { (d.state.as_str()) } td { (d.attempts) } td { (outcome(d)) }
                            td {
                                form method="post" action={ "/portal/apps/" (id) "/deliveries/" (d.id) "/replay" } class="inline" {
                                    (csrf)
                                    button class="link" type="submit" { "replay" }
                                }
                            }
                        }
                    }
                } }
            }
        }
    })
}

fn back(client_id: &str) -> Response {
    Redirect::to(&format!("/portal/apps/{client_id}#webhooks")).into_response()
}

pub async fn new_secret(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<Change>,
) -> Result<Response, ApiError> {
    let d = match owned_form(&state, &who, &client_id, &f.csrf).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    signing::rotate(state.store.as_ref(), &state.keys, d.app.id).await?;
    Ok(back(&client_id))
}

pub async fn events_url(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<Change>,
) -> Result<Response, ApiError> {
    let d = match owned_form(&state, &who, &client_id, &f.csrf).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let url = Some(f.events_url.trim()).filter(|u| !u.is_empty());
    let settings = &state.settings.webhooks;
    let outbound = (&state.outbound, settings);
    match crate::webhooks::set_events_url(state.store.as_ref(), outbound, d.app.id, url).await {
        Ok(()) => Ok(back(&client_id)),
        Err(e) if e.kind == crate::error::ErrorKind::BadRequest => {
            let card = card(&state, &who, &d, Some(&e.message)).await?;
            let signed_in = (who.owner.email.as_str(), who.csrf.as_str());
            Ok(refused_on_app(signed_in, &d.app.name, &client_id, card))
        }
        Err(e) => Err(e),
    }
}

pub async fn replay(
    State(state): State<AppState>,
    who: SignedIn,
    Path((client_id, delivery)): Path<(String, i64)>,
    Form(f): Form<Change>,
) -> Result<Response, ApiError> {
    let d = match owned_form(&state, &who, &client_id, &f.csrf).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    if !crate::webhooks::replay(state.store.as_ref(), d.app.id, delivery, now()).await? {
        let message = format!("This app has no delivery {delivery}.");
        return Err(ApiError::not_found(crate::error::Code::NotFound, message));
    }
    state.wake_deliveries.notify_one();
    Ok(back(&client_id))
}
