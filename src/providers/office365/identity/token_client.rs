//! The identity platform's token endpoint. We keep Microsoft's raw error body: its `error_codes`
//! (AADSTS numbers) are what tells "the user must sign in again" from "the app's secret expired".

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;
use url::Url;

/// The app's Azure registration, as the token endpoint needs it.
pub struct AzureApp {
    pub client_id: String,
    /// `None` for a public client (PKCE only), or one with a certificate only.
    pub secret: Option<SecretString>,
    /// Used instead of the secret when set.
    pub certificate: Option<Certificate>,
    pub authority: String,
}

impl AzureApp {
    /// Neither a secret nor a certificate: it cannot ask for app-only tokens.
    pub fn is_public(&self) -> bool {
        self.secret.is_none() && self.certificate.is_none()
    }
}

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

use crate::apps::certificate::Certificate;
pub use crate::providers::linking::TokenSet;

/// A failed token request.
#[derive(Debug, Clone)]
pub enum TokenFailure {
    /// Microsoft refused with an OAuth error body.
    Rejected {
        status: u16,
        error: String,
        codes: Vec<u32>,
        description: String,
        body: Value,
    },
    /// Throttled, Microsoft down, a time-out or a network error: try again later.
    Transient {
        retry_after: Option<u64>,
        detail: String,
        body: Option<Value>,
    },
}

#[derive(Deserialize)]
struct OkBody {
    access_token: String,
    refresh_token: Option<String>,
    expires_in: Option<Value>,
    scope: Option<String>,
    id_token: Option<String>,
}

pub struct TokenClient {
    http: reqwest::Client,
    login_url: Url,
    timeout: Duration,
}

impl TokenClient {
    /// `timeout`: how long the token endpoint gets (at most 30 s).
    pub fn new(http: reqwest::Client, login_url: Url, timeout: Duration) -> Self {
        TokenClient {
            http,
            login_url,
            timeout: timeout.min(Duration::from_secs(30)),
        }
    }

    fn endpoint(&self, authority: &str, leaf: &str) -> String {
        format!(
            "{}/{}/oauth2/v2.0/{leaf}",
            self.login_url.as_str().trim_end_matches('/'),
            authority
        )
    }

    pub fn authorize_endpoint(&self, authority: &str) -> String {
        self.endpoint(authority, "authorize")
    }

    #[tracing::instrument(name = "identity.exchange_code", skip_all)]
    pub async fn exchange_code(
        &self,
        app: &AzureApp,
        code: &str,
        redirect_uri: &str,
        verifier: &SecretString,
        scope: &str,
    ) -> Result<TokenSet, TokenFailure> {
        let form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier.expose_secret()),
            ("scope", scope),
        ];
        self.post(app, form).await
    }

    #[tracing::instrument(name = "identity.refresh", skip_all)]
    pub async fn refresh(
        &self,
        app: &AzureApp,
        refresh_token: &SecretString,
        scope: &str,
    ) -> Result<TokenSet, TokenFailure> {
        let form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose_secret()),
            ("scope", scope),
        ];
        self.post(app, form).await
    }

    /// An app-only token for one tenant (client credentials): `.default` alone, as the grant
    /// requires; never a refresh token.
    #[tracing::instrument(name = "identity.client_credentials", skip_all)]
    pub async fn client_credentials(
        &self,
        app: &AzureApp,
        tenant: &str,
    ) -> Result<TokenSet, TokenFailure> {
        let form = vec![
            ("grant_type", "client_credentials"),
            ("scope", "https://graph.microsoft.com/.default"),
        ];
        self.post_to(app, tenant, form).await
    }

    /// The v2 admin-consent page of `tenant` for the app.
    pub fn admin_consent_endpoint(&self, tenant: &str) -> String {
        format!(
            "{}/{tenant}/v2.0/adminconsent",
            self.login_url.as_str().trim_end_matches('/')
        )
    }

    async fn post(
        &self,
        app: &AzureApp,
        form: Vec<(&str, &str)>,
    ) -> Result<TokenSet, TokenFailure> {
        self.post_to(app, &app.authority, form).await
    }

    async fn post_to(
        &self,
        app: &AzureApp,
        authority: &str,
        mut form: Vec<(&str, &str)>,
    ) -> Result<TokenSet, TokenFailure> {
        form.push(("client_id", &app.client_id));
        let endpoint = self.endpoint(authority, "token");
        let assertion;
        match (&app.certificate, &app.secret) {
            (Some(certificate), _) => {
                assertion = certificate.assertion(&app.client_id, &endpoint, crate::clock::now());
                form.push(("client_assertion_type", JWT_BEARER));
                form.push(("client_assertion", &assertion));
            }
            (None, Some(secret)) => form.push(("client_secret", secret.expose_secret())),
            (None, None) => {}
        }
        let sent = self
            .http
            .post(&endpoint)
            .timeout(self.timeout)
            .form(&form)
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => {
                let detail = if e.is_timeout() {
                    "the token endpoint timed out"
                } else {
                    "the token endpoint could not be reached"
                };
                return Err(TokenFailure::Transient {
                    retry_after: None,
                    detail: detail.into(),
                    body: None,
                });
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|s| s.ceil().max(1.0) as u64);
        let bytes = response.bytes().await.unwrap_or_default();
        let body: Option<Value> = serde_json::from_slice(&bytes).ok();
        if status == 200 {
            return parse_ok(&bytes);
        }
        let error = body
            .as_ref()
            .and_then(|b| b.get("error"))
            .and_then(Value::as_str)
            .map(str::to_string);
        match (status, error) {
            (429 | 500..=599, _) | (_, None) => Err(TokenFailure::Transient {
                retry_after,
                detail: format!("the token endpoint answered HTTP {status}"),
                body,
            }),
            (_, Some(error)) if error == "temporarily_unavailable" => {
                Err(TokenFailure::Transient {
                    retry_after,
                    detail: "Microsoft is temporarily unavailable".into(),
                    body,
                })
            }
            (_, Some(error)) => {
                let body = body.unwrap_or(Value::Null);
                let codes = body
                    .get("error_codes")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_u64)
                            .map(|c| c as u32)
                            .collect()
                    })
                    .unwrap_or_default();
                let description = body
                    .get("error_description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                Err(TokenFailure::Rejected {
                    status,
                    error,
                    codes,
                    description,
                    body,
                })
            }
        }
    }
}

fn parse_ok(bytes: &[u8]) -> Result<TokenSet, TokenFailure> {
    let malformed = |what: &str| TokenFailure::Transient {
        retry_after: None,
        detail: format!("the token endpoint sent an unreadable answer ({what})"),
        body: None,
    };
    let ok: OkBody =
        serde_json::from_slice(bytes).map_err(|_| malformed("not a token response"))?;
    // v2 sends an integer; v1 sent a string. Accept both rather than assume 3600.
    let expires_in = match ok.expires_in {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    }
    .ok_or_else(|| malformed("no expires_in"))?;
    Ok(TokenSet {
        access_token: SecretString::from(ok.access_token),
        refresh_token: ok.refresh_token.map(SecretString::from),
        expires_in,
        scope: ok.scope.unwrap_or_default(),
        id_token: ok.id_token,
    })
}
