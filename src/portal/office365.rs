//! An app's Office 365 settings in the portal: the Azure registration (the secret write-only),
//! the redirect URI to register, the Graph permissions to add for chosen scopes, the admin-consent
//! link for a single tenant, and warnings for an expiring secret or a problem Microsoft reported.

use super::html::form_field;
use super::html::{csrf_field, field, page, refused_on_app, respond};
use super::session::{owned, owned_form};
use super::session::{set_cookie, SignedIn, SAVED};
use crate::apps::{self, AppDetails, AppError, Office365Input, SecretChoice};
use crate::clock::now;
use crate::error::ApiError;
use crate::scopes::PermissionLine;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use maud::{html, Markup};
use secrecy::SecretString;
use serde::Deserialize;

/// Days before a secret's expiry when the portal starts warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

#[derive(Deserialize, Default, Clone)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    azure_client_id: String,
    client_secret: String,
    public_client: Option<String>,
    authority: String,
    secret_expires: String,
    csrf: String,
}

/// A warning when the secret expires within the warning window (or already has).
pub fn expiry_warning(expires_at: Option<i64>, now: i64) -> Option<String> {
    let at = expires_at?;
    let days = (at - now).div_euclid(86_400);
    if at <= now {
        Some("The Azure client secret has expired: every connection of this app fails until you add a new secret in Azure and paste its value here.".into())
    } else if days < EXPIRY_WARNING_DAYS {
        Some(format!("The Azure client secret expires in {} day(s). Add a new secret in Azure and paste its value here before then.", days + 1))
    } else {
        None
    }
}

fn values_of(d: &AppDetails) -> Settings {
    let o = d.office365.as_ref();
    Settings {
        azure_client_id: o.map(|o| o.azure_client_id.clone()).unwrap_or_default(),
        public_client: o
            .filter(|o| o.client_secret_enc.is_none())
            .map(|_| "on".into()),
        authority: o.map_or("common".into(), |o| o.authority.clone()),
        secret_expires: o
            .and_then(|o| o.secret_expires_at)
            .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
            .map(|t| t.date_naive().to_string())
            .unwrap_or_default(),
        ..Default::default()
    }
}

/// What the card says above the form: a confirmation, the expiry warning, Microsoft's refusal,
/// or that nothing is set up yet.
fn notices(d: &AppDetails, saved: bool) -> Markup {
    let o = d.office365.as_ref();
    html! {
        @if saved {
            p class="ok" role="status" { "Office 365 settings saved." }
        }
        @if let Some(w) = o.and_then(|o| expiry_warning(o.secret_expires_at, now())) {
            p class="notice" role="alert" { (w) }
        }
        @if let Some(p) = o.and_then(|o| o.problem.as_ref()) {
            p class="notice" role="alert" { "Microsoft refused this app's credentials: " (p.message) }
        }
        @if o.is_none() {
            p class="notice" { "Not set up yet: paste your Azure app registration below." }
        }
    }
}

/// The admin-consent link, for an app registered in a single tenant.
fn consent_link(state: &AppState, d: &AppDetails) -> Option<String> {
    let o = d.office365.as_ref()?;
    if matches!(
        o.authority.as_str(),
        "common" | "organizations" | "consumers"
    ) {
        return None;
    }
    let redirect: String =
        url::form_urlencoded::byte_serialize(state.settings.redirect_uri().as_bytes()).collect();
    Some(format!(
        "{}/{}/adminconsent?client_id={}&redirect_uri={redirect}",
        state
            .settings
            .office365_login_url
            .as_str()
            .trim_end_matches('/'),
        o.authority,
        o.azure_client_id,
    ))
}

/// The Office 365 card of the app page; `saved` after a save.
pub fn card(
    state: &AppState,
    who: &SignedIn,
    d: &AppDetails,
    v: &Settings,
    error: Option<(&str, &str)>,
    saved: bool,
) -> Markup {
    let err = |f: &str| error.filter(|(name, _)| *name == f).map(|(_, m)| m);
    let id = &d.app.client_id;
    let saved_secret = d
        .office365
        .as_ref()
        .is_some_and(|o| o.client_secret_enc.is_some());
    let secret_label = if saved_secret {
        "Client secret value (a secret is saved; leave empty to keep it)"
    } else {
        "Client secret value (the Value column, not the Secret ID)"
    };
    let authority_label =
        "Authority: common, organizations, consumers, or your tenant id or domain";
    html! {
        div class="card" id="office365" {
            h2 { "Office 365" }
            (notices(d, saved))
            label for="redirect-uri" { "Redirect URI to register in Azure (Authentication → Web)" }
            input id="redirect-uri" type="text" readonly value=(state.settings.redirect_uri());
            button type="button" data-copy="redirect-uri" { "Copy" }
            form method="post" action={ "/portal/apps/" (id) "/office365" } {
                (csrf_field(&who.csrf))
                (field("azureClientId", "Azure application (client) id", "text", &v.azure_client_id, err("azureClientId")))
                (field("clientSecret", secret_label, "password", "", err("clientSecret")))
                label {
                    input type="checkbox" name="publicClient" checked[v.public_client.is_some()];
                    " Public client (PKCE only, no secret)"
                }
                (field("authority", authority_label, "text", &v.authority, err("authority")))
                (field("secretExpires", "Secret expires on (to be warned 30 days before)", "date", &v.secret_expires, err("secretExpires")))
                button type="submit" { "Save Office 365 settings" }
            }
            @if let Some(link) = consent_link(state, d) {
                p { "Admin consent for the whole tenant: " a id="admin-consent" href=(link) { (link) } }
            }
            form method="get" action={ "/portal/apps/" (id) "/permissions" } {
                label for="scopes" { "Which Graph permissions to add in Azure for scopes (space separated)" }
                input id="scopes" name="scopes" type="text" value="Mail.Read Calendar.ReadWrite";
                button type="submit" { "Show permissions" }
            }
        }
    }
}

/// The card with the saved values; `saved` right after a save.
pub fn settings_card(state: &AppState, who: &SignedIn, d: &AppDetails, saved: bool) -> Markup {
    card(state, who, d, &values_of(d), None, saved)
}

/// The card again after a refused save, under the app's name and the way back to it.
fn refused(
    state: &AppState,
    who: &SignedIn,
    d: &AppDetails,
    f: &Settings,
    field: &str,
    message: &str,
) -> Response {
    refused_on_app(
        (&who.owner.email, &who.csrf),
        &d.app.name,
        &d.app.client_id,
        card(state, who, d, f, Some((field, message)), false),
    )
}

/// `secretExpires` as the end of that day (UTC); `Err` for anything but `YYYY-MM-DD`.
fn expiry(day: &str) -> Result<Option<i64>, ()> {
    match day.trim() {
        "" => Ok(None),
        day => NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .map(|d| {
                Some(
                    d.and_hms_opt(23, 59, 59)
                        .expect("valid")
                        .and_utc()
                        .timestamp(),
                )
            })
            .map_err(|_| ()),
    }
}

pub async fn save(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<Settings>,
) -> Result<Response, ApiError> {
    let d = match owned_form(&state, &who, &client_id, &f.csrf).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let again = |field: &str, message: &str| refused(&state, &who, &d, &f, field, message);
    let Ok(expires) = expiry(&f.secret_expires) else {
        return Ok(again("secretExpires", "Enter a date like 2027-06-30."));
    };
    let secret = SecretString::from(f.client_secret.clone());
    let choice = match (f.public_client.is_some(), f.client_secret.trim().is_empty()) {
        (true, _) => SecretChoice::Public,
        (false, true) => SecretChoice::Keep,
        (false, false) => SecretChoice::New(&secret),
    };
    let input = Office365Input {
        azure_client_id: &f.azure_client_id,
        client_secret: choice,
        authority: &f.authority,
        secret_expires_at: expires,
    };
    match apps::set_office365(state.store.as_ref(), &state.keys, &client_id, input, now()).await {
        Ok(_) => {
            let mut back = Redirect::to(&format!("/portal/apps/{client_id}")).into_response();
            let (k, v) = set_cookie(SAVED, &client_id, 60);
            back.headers_mut().append(k, v);
            Ok(back)
        }
        Err(AppError::Input(e)) => Ok(again(form_field(e.field), &e.message)),
        Err(e) => Err(ApiError::internal(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScopesQuery {
    scopes: String,
}

/// The Graph delegated permissions to add in Azure for a set of unified scopes.
pub async fn permissions(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Query(q): Query<ScopesQuery>,
) -> Response {
    let d = match owned(&state, &who, &client_id).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let names: Vec<&str> = crate::scopes::resolve::split_list(&q.scopes);
    let body = match state.scopes.resolve(&names, &[]) {
        Ok(resolved) => permissions_table(&q.scopes, &d.app.client_id, &resolved.lines),
        Err(e) => html! {
            div class="card" {
                p class="notice" role="alert" { (e.to_string()) }
                a class="button" href={ "/portal/apps/" (d.app.client_id) } { "Back to the app" }
            }
        },
    };
    respond(
        StatusCode::OK,
        page(
            "Graph permissions",
            Some((&who.owner.email, &who.csrf)),
            body,
        ),
    )
}

/// The permissions to add, each with why it is requested.
fn permissions_table(scopes: &str, client_id: &str, lines: &[PermissionLine]) -> Markup {
    let rows = lines.iter().filter_map(|line| match line {
        PermissionLine::Implicit { permission } => {
            Some((permission, "always requested".to_string()))
        }
        PermissionLine::Requested { permission, by } => {
            Some((permission, format!("for {}", by.join(", "))))
        }
        PermissionLine::Native { permission } => Some((permission, "native scope".to_string())),
        PermissionLine::Dropped { .. } => None,
    });
    html! {
        div class="card" {
            h1 { "Graph permissions for " (scopes) }
            p { "In Azure: API permissions → Add a permission → Microsoft Graph → Delegated permissions, then add:" }
            table id="permissions" {
                tbody {
                    @for (p, why) in rows { tr { td { code { (p) } } td { (why) } } }
                }
            }
            a class="button" href={ "/portal/apps/" (client_id) } { "Back to the app" }
        }
    }
}
