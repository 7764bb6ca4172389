//! An app's Office 365 settings in the portal: the Azure registration (the secret write-only),
//! the redirect URI to register, the Graph permissions to add for chosen scopes, the admin-consent
//! link for a single tenant, and warnings for an expiring secret or a problem Microsoft reported.

use super::guard::{owned, owned_form};
use super::html::form_field;
use super::html::{csrf_field, escape, field, page, respond};
use super::session::SignedIn;
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

/// The Office 365 card of the app page.
pub fn card(
    state: &AppState,
    who: &SignedIn,
    d: &AppDetails,
    v: &Settings,
    error: Option<(&str, &str)>,
) -> String {
    let err = |f: &str| error.filter(|(name, _)| *name == f).map(|(_, m)| m);
    let id = escape(&d.app.client_id);
    let redirect = escape(&state.settings.redirect_uri());
    let mut notices = String::new();
    if let Some(o) = &d.office365 {
        if let Some(w) = expiry_warning(o.secret_expires_at, now()) {
            notices.push_str(&format!(
                r#"<p class="notice" role="alert">{}</p>"#,
                escape(&w)
            ));
        }
        if let Some(p) = &o.problem {
            notices.push_str(&format!(r#"<p class="notice" role="alert">Microsoft refused this app's credentials: {}</p>"#, escape(&p.message)));
        }
    } else {
        notices.push_str(
            r#"<p class="notice">Not set up yet: paste your Azure app registration below.</p>"#,
        );
    }
    let saved_secret = d
        .office365
        .as_ref()
        .is_some_and(|o| o.client_secret_enc.is_some());
    let secret_label = if saved_secret {
        "Client secret value (a secret is saved; leave empty to keep it)"
    } else {
        "Client secret value (the Value column, not the Secret ID)"
    };
    let consent = d
        .office365
        .as_ref()
        .filter(|o| !matches!(o.authority.as_str(), "common" | "organizations" | "consumers"))
        .map(|o| {
            let link = format!(
                "{}/{}/adminconsent?client_id={}&redirect_uri={}",
                state.settings.office365_login_url.as_str().trim_end_matches('/'),
                o.authority,
                o.azure_client_id,
                url::form_urlencoded::byte_serialize(state.settings.redirect_uri().as_bytes()).collect::<String>()
            );
            format!(r#"<p>Admin consent for the whole tenant: <a id="admin-consent" href="{0}">{0}</a></p>"#, escape(&link))
        })
        .unwrap_or_default();
    let public = if v.public_client.is_some() {
        " checked"
    } else {
        ""
    };
    format!(
        r#"<div class="card"><h2>Office 365</h2>{notices}
<label for="redirect-uri">Redirect URI to register in Azure (Authentication → Web)</label><input id="redirect-uri" type="text" readonly value="{redirect}"><button type="button" data-copy="redirect-uri">Copy</button>
<form method="post" action="/portal/apps/{id}/office365">{}{}{}<label><input type="checkbox" name="publicClient"{public}> Public client (PKCE only, no secret)</label>{}{}<button type="submit">Save Office 365 settings</button></form>{consent}
<form method="get" action="/portal/apps/{id}/permissions"><label for="scopes">Which Graph permissions to add in Azure for scopes (space separated)</label><input id="scopes" name="scopes" type="text" value="Mail.Read Calendar.ReadWrite"><button type="submit">Show permissions</button></form></div>"#,
        csrf_field(&who.csrf),
        field(
            "azureClientId",
            "Azure application (client) id",
            "text",
            &v.azure_client_id,
            err("azureClientId")
        ),
        field(
            "clientSecret",
            secret_label,
            "password",
            "",
            err("clientSecret")
        ),
        field(
            "authority",
            "Authority: common, organizations, consumers, or your tenant id or domain",
            "text",
            &v.authority,
            err("authority")
        ),
        field(
            "secretExpires",
            "Secret expires on (to be warned 30 days before)",
            "date",
            &v.secret_expires,
            err("secretExpires")
        ),
    )
}

pub fn settings_card(state: &AppState, who: &SignedIn, d: &AppDetails) -> String {
    card(state, who, d, &values_of(d), None)
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
    let again = |field: &str, message: &str| {
        let body = card(&state, &who, &d, &f, Some((field, message)));
        respond(
            StatusCode::BAD_REQUEST,
            page(&d.app.name, Some((&who.owner.email, &who.csrf)), &body),
        )
    };
    let expires = match f.secret_expires.trim() {
        "" => None,
        day => match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            Ok(day) => Some(
                day.and_hms_opt(23, 59, 59)
                    .expect("valid")
                    .and_utc()
                    .timestamp(),
            ),
            Err(_) => return Ok(again("secretExpires", "Enter a date like 2027-06-30.")),
        },
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
        Ok(_) => Ok(Redirect::to(&format!("/portal/apps/{client_id}")).into_response()),
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
        Ok(resolved) => {
            let rows: String = resolved
                .lines
                .iter()
                .filter_map(|line| match line {
                    PermissionLine::Implicit { permission } => {
                        Some((permission.clone(), "always requested".to_string()))
                    }
                    PermissionLine::Requested { permission, by } => {
                        Some((permission.clone(), format!("for {}", by.join(", "))))
                    }
                    PermissionLine::Native { permission } => {
                        Some((permission.clone(), "native scope".to_string()))
                    }
                    PermissionLine::Dropped { .. } => None,
                })
                .map(|(p, why)| {
                    format!(
                        "<tr><td><code>{}</code></td><td>{}</td></tr>",
                        escape(&p),
                        escape(&why)
                    )
                })
                .collect();
            format!(
                r#"<div class="card"><h1>Graph permissions for {}</h1><p>In Azure: API permissions → Add a permission → Microsoft Graph → Delegated permissions, then add:</p><table id="permissions"><tbody>{rows}</tbody></table><a class="button" href="/portal/apps/{}">Back to the app</a></div>"#,
                escape(&q.scopes),
                escape(&d.app.client_id)
            )
        }
        Err(e) => format!(
            r#"<div class="card"><p class="notice" role="alert">{}</p><a class="button" href="/portal/apps/{}">Back to the app</a></div>"#,
            escape(&e.to_string()),
            escape(&d.app.client_id)
        ),
    };
    respond(
        StatusCode::OK,
        page(
            "Graph permissions",
            Some((&who.owner.email, &who.csrf)),
            &body,
        ),
    )
}
