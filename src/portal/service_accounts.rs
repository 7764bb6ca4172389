//! Service accounts in the portal: the application permissions to add to the Azure app, an
//! administrator's consent (here, or through a link to send to another organisation's
//! administrator), each organisation's service account with its granted permissions and health,
//! its managed mailboxes, and a mailbox added by e-mail address.

use super::accounts::{outcome, row};
use super::html::{csrf_field, when};
use super::session::{owned_form, SignedIn};
use crate::apps::AppDetails;
use crate::auth::daemon::{self, DaemonParams};
use crate::clock::now;
use crate::error::ApiError;
use crate::model::account::AccountImport;
use crate::state::AppState;
use crate::store::{AccountFilter, AccountRecord};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;

/// The unified scopes a service account can be for, with their application permissions.
fn permissions_table(state: &AppState) -> Markup {
    let implicit = state.scopes.resolve_application(&[]).map(|r| r.permissions);
    html! {
        div class="table-wrap" { table id="application-permissions" {
            thead { tr { th { "Scope" } th { "Application permissions (Microsoft Graph)" } } }
            tbody {
                @for name in state.scopes.names() {
                    @if let Some(app) = state.scopes.scope(name).and_then(|s| s.application.as_ref()) {
                        tr { td { (name) } td { (app.office365.join(", ")) } }
                    }
                }
            }
        } }
        p {
            "Every service account also needs " (implicit.unwrap_or_default().join(", "))
            " (to find a mailbox and its time zone). Add them in Azure under API permissions → Microsoft Graph → "
            em { "Application permissions" } "; a tenant administrator then grants them for the whole organisation."
        }
    }
}

/// One organisation: its service account, its managed mailboxes, and a form to add one.
fn organisation(
    client_id: &str,
    csrf: &str,
    service: &AccountRecord,
    managed: &[AccountRecord],
    t: i64,
) -> Markup {
    html! {
        section class="service-account" data-account=(service.id) {
            h3 { "Organisation " code { (service.tenant_id) } }
            p {
                "Service account " (service.id) ": " span class="status" { (service.token_status.to_string()) }
                @if let Some(e) = &service.token_error { " — " span class="error" { (e.message) } }
                " · scopes " (service.auth_scopes.join(" "))
                " · granted " (service.permissions.join(", "))
                @if let Some(at) = service.access_expires_at { " · app-only token valid until " (when(at, t)) }
            }
            @if !managed.is_empty() {
                div class="table-wrap" {
                    table class="managed" {
                        thead { tr {
                            th { "Mailbox" } th { "Scopes" } th { "Token status" } th { "Added" } th { "Token valid until" } th {}
                        } }
                        tbody { @for m in managed { (row(client_id, csrf, m, t)) } }
                    }
                }
            }
            form method="post" action={ "/portal/apps/" (client_id) "/service-accounts/" (service.id) "/mailboxes" } {
                (csrf_field(csrf))
                label for={ "mailbox-" (service.id) } { "Add a mailbox of this organisation (e-mail address)" }
                input id={ "mailbox-" (service.id) } name="email" type="email" required;
                button type="submit" { "Add mailbox" }
            }
        }
    }
}

/// The service accounts card of the app page.
pub async fn card(state: &AppState, who: &SignedIn, d: &AppDetails) -> Result<Markup, ApiError> {
    let client_id = &d.app.client_id;
    let services = AccountFilter {
        kind: Some("daemon"),
        ..Default::default()
    };
    let (services, _) = state
        .store
        .list_accounts(d.app.id, services, 100, 0)
        .await?;
    let mut organisations = Vec::new();
    for s in services {
        let mine = AccountFilter {
            service_account: Some(s.id),
            ..Default::default()
        };
        let (managed, _) = state.store.list_accounts(d.app.id, mine, 200, 0).await?;
        organisations.push((s, managed));
    }
    let share = d.return_urls.first().map(|url| {
        let mut link = url::Url::parse(&format!(
            "{}/v1/auth/authorizeDaemon",
            state.settings.public_url.as_str().trim_end_matches('/')
        ))
        .expect("the public URL is a URL");
        link.query_pairs_mut()
            .append_pair("clientId", client_id)
            .append_pair("serviceType", "Office365")
            .append_pair("scopes", "Mail.Read Calendar.ReadWrite")
            .append_pair("returnUrl", url);
        link.to_string()
    });
    let thumbprint = d
        .office365
        .as_ref()
        .and_then(|o| o.certificate.as_ref())
        .and_then(|c| crate::apps::certificate::thumbprint(&c.certificate_pem));
    let t = now();
    Ok(html! {
        div class="card" id="service-accounts" {
            h2 { "Service accounts (whole organisations)" }
            p { "A tenant administrator consents once for the whole organisation; its mailboxes are then added here or with POST /v1/am/svc_accounts/{id}/accounts, and used like linked accounts, with no user signing in." }
            (permissions_table(state))
            form method="post" action={ "/portal/apps/" (client_id) "/consent" } {
                (csrf_field(&who.csrf))
                label for="consent-scopes" { "Scopes for the organisation" }
                input id="consent-scopes" name="scopes" type="text" value="Mail.Read Calendar.ReadWrite";
                button type="submit" { "Consent as an administrator" }
            }
            @if let Some(link) = share {
                p { "Or send this link to the organisation's administrator (it returns to your first return URL with a code):" }
                p { code id="admin-consent-link" { (link) } }
            }
            @if organisations.is_empty() {
                p { "No organisation has consented yet." }
            }
            @for (s, managed) in &organisations { (organisation(client_id, &who.csrf, s, managed, t)) }
            (certificate_form(client_id, &who.csrf, thumbprint.as_deref()))
        }
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConsentForm {
    scopes: String,
    csrf: String,
}

/// The owner consents as an administrator of their own organisation; back on the test-account
/// page, which exchanges the code.
pub async fn consent(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<ConsentForm>,
) -> Result<Response, ApiError> {
    if let Err(r) = owned_form(&state, &who, &client_id, &f.csrf).await {
        return Ok(r);
    }
    let params = DaemonParams {
        client_id: Some(client_id.clone()),
        service_type: Some("Office365".into()),
        scopes: Some(f.scopes),
        return_url: Some(state.settings.link_return_url(&client_id)),
        ..Default::default()
    };
    Ok(match daemon::start(&state, params).await {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => outcome(
            &who,
            &client_id,
            StatusCode::BAD_REQUEST,
            html! { p class="notice" role="alert" { (e.message) } },
        ),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MailboxForm {
    email: String,
    csrf: String,
}

/// Adds a mailbox of the organisation as a managed account; its account token is shown once.
pub async fn add_mailbox(
    State(state): State<AppState>,
    who: SignedIn,
    Path((client_id, service_id)): Path<(String, i64)>,
    Form(f): Form<MailboxForm>,
) -> Result<Response, ApiError> {
    let d = match owned_form(&state, &who, &client_id, &f.csrf).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let Some(service) = state.store.account(d.app.id, service_id).await? else {
        return Ok(outcome(
            &who,
            &client_id,
            StatusCode::NOT_FOUND,
            html! { p class="notice" role="alert" { "No such service account." } },
        ));
    };
    let input = AccountImport {
        email: Some(f.email),
        ..Default::default()
    };
    let message = match crate::service_accounts::add_mailbox(&state, &service, &input).await {
        Ok(saved) => html! {
            p class="ok" { "Account " (saved.account_id) " is managed. Its account token, shown only this once, lets you try the API:" }
            p { code id="account-token" { (saved.access_token) } }
        },
        Err(e) => html! { p class="notice" role="alert" { (e.code.as_str()) ": " (e.message) } },
    };
    Ok(outcome(&who, &client_id, StatusCode::OK, message))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CertificateForm {
    certificate: String,
    #[serde(rename = "privateKey")]
    private_key: String,
    remove: Option<String>,
    csrf: String,
}

/// Sets (or removes) the certificate credential used instead of the client secret.
pub async fn certificate(
    State(state): State<AppState>,
    who: SignedIn,
    Path(client_id): Path<String>,
    Form(f): Form<CertificateForm>,
) -> Result<Response, ApiError> {
    if let Err(r) = owned_form(&state, &who, &client_id, &f.csrf).await {
        return Ok(r);
    }
    let key = secrecy::SecretString::from(f.private_key);
    let pems = f.remove.is_none().then_some((f.certificate.as_str(), &key));
    let store = state.store.as_ref();
    let message = match crate::apps::set_certificate(store, &state.keys, &client_id, pems, now())
        .await
    {
        Ok(_) if pems.is_none() => {
            html! { p class="ok" { "The certificate is removed; token requests use the client secret again." } }
        }
        Ok(_) => {
            html! { p class="ok" { "The certificate is saved; token requests now sign a client assertion with it instead of sending the client secret." } }
        }
        Err(e) => html! { p class="notice" role="alert" { (e.to_string()) } },
    };
    Ok(outcome(&who, &client_id, StatusCode::OK, message))
}

/// The certificate credential form, in the service accounts card.
pub fn certificate_form(client_id: &str, csrf: &str, thumbprint: Option<&str>) -> Markup {
    html! {
        h3 { "Certificate credential" }
        p { "Microsoft recommends a certificate over a client secret. Upload the certificate to the Azure app (Certificates & secrets → Certificates) and give it here with its private key; the key is stored encrypted." }
        @if let Some(t) = thumbprint { p { "In use: SHA-256 thumbprint " code id="certificate-thumbprint" { (t) } } }
        form method="post" action={ "/portal/apps/" (client_id) "/certificate" } {
            (csrf_field(csrf))
            label for="certificate" { "Certificate (PEM)" }
            textarea id="certificate" name="certificate" rows="4" {}
            label for="privateKey" { "Private key (PEM, unencrypted RSA)" }
            textarea id="privateKey" name="privateKey" rows="4" {}
            button type="submit" { "Save certificate" }
            @if thumbprint.is_some() { button type="submit" name="remove" value="1" { "Remove certificate" } }
        }
    }
}
