//! Service accounts through the Microsoft identity platform: the v2 admin-consent page, app-only
//! tokens by client credentials (one tenant each, `.default`, never a refresh token) with the
//! application permissions read from the token's `roles`, and a tenant's mailboxes found in its
//! directory. An app-only token refused because the app is no longer in the tenant (consent
//! removed, app registration deleted) makes the service account and its managed accounts dead.

use crate::clock::now;
use crate::error::Code;
use crate::providers::error::{Failure, ProviderError};
use crate::providers::linking::LinkFailure;
use crate::providers::office365::graph::client::{segment, GraphRequest};
use crate::providers::office365::identity::aadsts::{decode_failure, link_failure};
use crate::providers::office365::identity::token_client::TokenFailure;
use crate::providers::office365::Office365;
use crate::providers::service_accounts::{Consented, Mailbox};
use crate::providers::ServiceAccounts;
use crate::store::{AccountRecord, TokenError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

/// What switchboard reads from an app-only access token (a JWT it got from Microsoft itself).
#[derive(Deserialize)]
struct AppClaims {
    tid: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
}

fn claims(token: &SecretString) -> Option<AppClaims> {
    let payload = token.expose_secret().split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// AADSTS700016 from the client-credentials grant: the app has no service principal in the
/// tenant (never consented, consent removed, or the app registration deleted).
const NOT_IN_TENANT: u32 = 700016;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphUser {
    id: String,
    mail: Option<String>,
    user_principal_name: Option<String>,
    display_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphMailboxSettings {
    time_zone: Option<String>,
}

#[async_trait::async_trait]
impl ServiceAccounts for Office365 {
    async fn admin_consent_url(
        &self,
        app_id: i64,
        redirect_uri: &str,
        state: &str,
    ) -> Result<String, ProviderError> {
        let app = self.azure_app(app_id).await?;
        if app.is_public() {
            return Err(ProviderError::new(
                Failure::AppSettings,
                Code::AppPublicClient,
                "Service accounts need a confidential Azure app: add a client secret in Azure (Certificates & secrets) and set it in the app's Office 365 settings.",
            ));
        }
        // Personal accounts cannot consent for an organisation; any organisation can, unless
        // the app is bound to one tenant.
        let tenant = match app.authority.as_str() {
            "common" | "organizations" => "organizations",
            "consumers" => {
                return Err(ProviderError::new(
                    Failure::AppSettings,
                    Code::AppOffice365Rejected,
                    "The app's authority is `consumers` (personal accounts), which have no administrator to consent; use `organizations`, `common` or a tenant id.",
                ))
            }
            tenant => tenant,
        };
        let mut url = Url::parse(&self.tokens.admin_consent_endpoint(tenant))
            .map_err(ProviderError::internal)?;
        url.query_pairs_mut()
            .append_pair("client_id", &app.client_id)
            .append_pair("scope", "https://graph.microsoft.com/.default")
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state);
        Ok(url.to_string())
    }

    fn admin_consent_refused(&self, error: &str, description: &str) -> LinkFailure {
        link_failure(&self.catalog.decode(error, &[], description))
    }

    async fn consented(&self, app_id: i64, tenant: &str) -> Result<Consented, LinkFailure> {
        let app = self
            .azure_app(app_id)
            .await
            .map_err(|e| LinkFailure::new(Code::AuthAppMisconfigured, e.message))?;
        let tokens = match self.tokens.client_credentials(&app, tenant).await {
            Ok(set) => set,
            Err(failure) => return Err(self.exchange_failed(app_id, &failure).await),
        };
        let claims = claims(&tokens.access_token).ok_or_else(|| {
            LinkFailure::new(
                Code::AuthFailed,
                "Microsoft's app-only token could not be read (it is not a JWT with roles).",
            )
        })?;
        Ok(Consented {
            tenant_id: claims.tid.unwrap_or_else(|| tenant.to_string()),
            granted: self.scopes.normalize_granted(&claims.roles.join(" ")),
            tokens,
        })
    }

    async fn mailbox(
        &self,
        service_account: &AccountRecord,
        who: &str,
    ) -> Result<Mailbox, ProviderError> {
        let token = self.access_token(service_account, None).await?;
        let key = service_account.id.to_string();
        let user = format!("/users/{}", segment(who));
        let url = self.graph.url(&format!(
            "{user}?$select=id,mail,userPrincipalName,displayName"
        ));
        let found = self
            .graph
            .send(&key, &token, &GraphRequest::get(url, vec![]))
            .await;
        let user: GraphUser = match found {
            Ok(answer) => answer.parse()?,
            Err(f) => {
                let e = f.into_error();
                return Err(if e.code == Code::NotFound {
                    ProviderError::not_found(
                        Code::MailboxNotFound,
                        format!("No user '{who}' in this organisation's directory."),
                    )
                    .with_original(e.original)
                } else {
                    e
                });
            }
        };
        // Reading its settings proves the mailbox exists and that the app may reach it.
        let settings = self
            .graph
            .url(&format!("/users/{}/mailboxSettings", segment(&user.id)));
        let answer = self
            .graph
            .send(&key, &token, &GraphRequest::get(settings, vec![]))
            .await
            .map_err(|f| f.into_error())?;
        let settings: GraphMailboxSettings = answer.parse()?;
        Ok(Mailbox {
            email: user.mail.or(user.user_principal_name),
            user_id: user.id,
            name: user.display_name,
            timezone: settings.time_zone,
        })
    }
}

impl Office365 {
    /// A new app-only token for a service account, saved with the permissions it carries.
    pub(in crate::providers::office365) async fn app_token(
        &self,
        account: &AccountRecord,
    ) -> Result<SecretString, ProviderError> {
        let app = self.azure_app(account.app_id).await?;
        match self
            .tokens
            .client_credentials(&app, &account.tenant_id)
            .await
        {
            Ok(set) => {
                let roles = claims(&set.access_token)
                    .map(|c| c.roles)
                    .unwrap_or_default();
                let granted = self.scopes.normalize_granted(&roles.join(" "));
                let t = now();
                let sealed = set.seal(&self.keys, |w| account.token_purpose(w), granted, t);
                self.store.save_refresh(account.id, &sealed, t).await?;
                tracing::info!(account_id = account.id, "app-only token issued");
                Ok(set.access_token)
            }
            Err(failure) => Err(self.app_token_failed(account, failure).await),
        }
    }

    async fn app_token_failed(
        &self,
        account: &AccountRecord,
        failure: TokenFailure,
    ) -> ProviderError {
        let decoded = decode_failure(self, &failure);
        let Some(d) = decoded.filter(|d| d.aadsts == Some(NOT_IN_TENANT)) else {
            return self.refresh_failed(account, failure).await;
        };
        let error = TokenError {
            code: format!("AADSTS{NOT_IN_TENANT}"),
            message: format!(
                "The app is not (or no longer) consented in this organisation: its administrator removed it, or the Azure app registration was deleted ({}). A tenant administrator must consent again through /v1/auth/authorizeDaemon?accountId={}.",
                d.meaning, account.id
            ),
        };
        let original = match &failure {
            TokenFailure::Rejected { body, .. } => Some(body.clone()),
            TokenFailure::Transient { body, .. } => body.clone(),
        };
        match self.declare_dead(account, &error).await {
            Ok(dead) => super::refresh::dead_error(&dead).with_original(original),
            Err(e) => ProviderError::internal(e),
        }
    }
}
