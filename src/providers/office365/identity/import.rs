//! `POST /v1/am/accounts` and `/v1/am/accounts/connect`: accounts brought in with Microsoft
//! tokens an app already holds (the way off another unified API). The refresh token is checked by
//! one refresh, who it belongs to is read from Microsoft, the scopes from what Microsoft granted;
//! `ensureAccess` also reads a little of each kind of data the scopes allow. An import is saved
//! in one write, with its account token; a check saves nothing.

use crate::clock::now;
use crate::error::Code;
use crate::model::account::{AccountImport, AccountSaveResult};
use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::graph::client::{GraphFailure, GraphRequest};
use crate::providers::office365::identity::aadsts::{decode_failure, flag_app, is_app_problem};
use crate::providers::office365::identity::profile::Identity;
use crate::providers::office365::identity::refresh::dead_error;
use crate::providers::office365::identity::token_client::{TokenFailure, TokenSet};
use crate::providers::office365::Office365;
use crate::providers::Accounts;
use crate::store::crypto::{hash_secret, random_token};
use crate::store::AccountRecord;
use crate::store::{token_purpose, AccountKind, AppRecord, LinkAccount};
use secrecy::{ExposeSecret, SecretString};

/// Everything the user consented to for this app, whatever the original request named.
const GRANT: &str = "https://graph.microsoft.com/.default offline_access openid profile email";

/// What one unified scope lets switchboard read, to check with `ensureAccess`.
const PROBES: &[(&str, &str)] = &[
    ("Mail", "/me/messages?$top=1&$select=id"),
    ("Calendar", "/me/calendars?$top=1"),
    ("Contacts", "/me/contacts?$top=1"),
    ("Tasks", "/me/todo/lists?$top=1"),
];

/// A checked account, ready to save.
pub struct Checked {
    set: TokenSet,
    identity: Identity,
    granted: Vec<String>,
    auth_scopes: Vec<String>,
}

/// The contract's fields that would change the outcome if ignored, refused; the refresh token.
fn refresh_token(input: &AccountImport) -> Result<SecretString, ProviderError> {
    if input.active == Some(false) {
        return Err(ProviderError::invalid(
            Code::BadRequest,
            "active: false is not supported; accounts are always active.",
        ));
    }
    if input.password.is_some() {
        return Err(ProviderError::invalid(
            Code::BadRequest,
            "password: Office 365 accounts are imported with their tokens (authString1), never a password.",
        ));
    }
    input
        .auth_string1
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| SecretString::from(t.trim().to_string()))
        .ok_or_else(|| {
            ProviderError::invalid(
                Code::BadRequest,
                "authString1 must hold the account's Microsoft refresh token.",
            )
        })
}

impl Office365 {
    /// Checks tokens an app holds: one refresh, who they belong to, what they grant.
    async fn verify_import(
        &self,
        app: &AppRecord,
        input: &AccountImport,
        ensure_access: bool,
    ) -> Result<Checked, ProviderError> {
        let refresh_token = refresh_token(input)?;
        let asked = self.asked_scopes(input.auth_scopes.as_deref())?;
        let azure = self.azure_app(app.id).await?;
        if let Some(client) = input.oauth_client_id.as_deref() {
            if !client.eq_ignore_ascii_case(&azure.client_id) {
                return Err(ProviderError::invalid(Code::ImportOtherClient, format!("oauthClientId {client} is not this app's Azure client id ({}): a refresh token only works for the client it was issued to.", azure.client_id)));
            }
        }
        let set = match self.tokens.refresh(&azure, &refresh_token, GRANT).await {
            Ok(set) => set,
            Err(failure) => return Err(self.import_refused(app, failure).await),
        };
        let identity = self.identify(&set).await.map_err(|f| {
            ProviderError::new(
                Failure::Upstream(reqwest::StatusCode::BAD_GATEWAY),
                f.code,
                f.message,
            )
        })?;
        let claimed = input.email.as_deref().or(input.login_string.as_deref());
        if let (Some(claimed), Some(actual)) = (claimed, identity.email.as_deref()) {
            if !claimed.eq_ignore_ascii_case(actual) {
                return Err(ProviderError::invalid(
                    Code::ImportAccountMismatch,
                    format!("The tokens belong to {actual}, not {claimed}."),
                ));
            }
        }
        let granted = self.scopes.normalize_granted(&set.scope);
        let auth_scopes = self.imported_scopes(asked, &granted)?;
        if ensure_access {
            self.probe(&set, &identity, &auth_scopes).await?;
        }
        Ok(Checked {
            set,
            identity,
            granted,
            auth_scopes,
        })
    }

    /// The unified scopes named in `authScopes`, by their canonical names.
    fn asked_scopes(&self, asked: Option<&[String]>) -> Result<Option<Vec<String>>, ProviderError> {
        asked
            .map(|names| {
                names
                    .iter()
                    .map(|name| {
                        self.scopes.canonical(name).map(|s| s.name.clone()).ok_or_else(|| {
                            ProviderError::invalid(Code::ScopeInvalid, format!("authScopes: '{name}' is not a scope; see `switchboard scopes explain`."))
                        })
                    })
                    .collect()
            })
            .transpose()
    }

    /// The unified scopes the grant covers: the ones asked for (each must be covered), or all.
    fn imported_scopes(
        &self,
        asked: Option<Vec<String>>,
        granted: &[String],
    ) -> Result<Vec<String>, ProviderError> {
        let Some(asked) = asked else {
            let all: Vec<String> = self
                .scopes
                .names()
                .into_iter()
                .map(str::to_string)
                .collect();
            return Ok(self.scopes.granted_scopes(&all, granted));
        };
        let covered = self.scopes.granted_scopes(&asked, granted);
        let missing: Vec<&str> = asked
            .iter()
            .filter(|s| !covered.contains(s))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(ProviderError::invalid(
                Code::ScopesNotGranted,
                format!(
                    "The tokens do not grant: {} (Microsoft granted {}).",
                    missing.join(", "),
                    granted.join(" ")
                ),
            ));
        }
        Ok(covered)
    }

    /// `ensureAccess`: reads one item of each kind of data the scopes allow.
    pub async fn probe(
        &self,
        set: &TokenSet,
        who: &Identity,
        scopes: &[String],
    ) -> Result<(), ProviderError> {
        let mailbox = format!("import:{}", who.object_id);
        for (area, path) in PROBES {
            if !scopes.iter().any(|s| s.starts_with(area)) {
                continue;
            }
            let request = GraphRequest::get(self.graph.url(path), vec![]);
            if let Err(GraphFailure::Failed(e) | GraphFailure::Unauthorized(e)) =
                self.graph.send(&mailbox, &set.access_token, &request).await
            {
                // Throttling or an outage says nothing about access.
                if !matches!(
                    e.kind,
                    Failure::SignInAgain | Failure::Denied | Failure::NotFound
                ) {
                    return Err(e);
                }
                return Err(ProviderError::denied(
                    Code::ImportNoAccess,
                    format!(
                        "The tokens do not give access to {area} data: {}",
                        e.message
                    ),
                )
                .with_original(e.original));
            }
        }
        Ok(())
    }

    /// Saves a checked account with a new account token, in one write.
    async fn save_import(
        &self,
        app: &AppRecord,
        checked: Checked,
    ) -> Result<AccountSaveResult, ProviderError> {
        let Checked {
            set,
            identity,
            granted,
            auth_scopes,
        } = checked;
        let purpose =
            |which: &str| token_purpose(app.id, &identity.tenant_id, &identity.object_id, which);
        let token = random_token();
        let t = now();
        let link = LinkAccount {
            app_id: app.id,
            service_type: "Office365".into(),
            account_id: None,
            tokens: Some(set.seal(&self.keys, purpose, granted.clone(), t)),
            permissions: granted,
            kind: AccountKind::Personal,
            tenant_id: identity.tenant_id,
            object_id: identity.object_id,
            email: identity.email,
            name: identity.name,
            timezone: identity.timezone,
            auth_scopes,
            account_token_hash: Some(hash_secret(token.expose_secret())),
        };
        let (account, _) = self.store.link_account(&link, t).await?;
        let details = crate::events::Details::default();
        crate::events::tell(
            self.store.as_ref(),
            app.id,
            Some(account.id),
            "account.imported",
            details,
            t,
        )
        .await?;
        tracing::info!(app_id = app.id, account_id = account.id, "account imported");
        Ok(AccountSaveResult {
            account_id: account.id,
            access_token: token.expose_secret().to_string(),
        })
    }

    async fn import_refused(&self, app: &AppRecord, failure: TokenFailure) -> ProviderError {
        let original = match &failure {
            TokenFailure::Rejected { body, .. } => Some(body.clone()),
            TokenFailure::Transient { body, .. } => body.clone(),
        };
        let Some(d) = decode_failure(self, &failure) else {
            let retry = match failure {
                TokenFailure::Transient { retry_after, .. } => retry_after.unwrap_or(2),
                TokenFailure::Rejected { .. } => 2,
            };
            return ProviderError::unavailable(
                Code::ProviderUnavailable,
                "Microsoft's token endpoint could not be reached; retry later.",
                retry,
            )
            .with_original(original);
        };
        if is_app_problem(&d) {
            flag_app(self, app.id, &d).await;
            return ProviderError::new(
                Failure::AppSettings,
                Code::AppOffice365Rejected,
                format!(
                    "Microsoft refused the app's Azure credentials. {}",
                    d.advice()
                ),
            )
            .with_original(original);
        }
        ProviderError::invalid(
            Code::ImportTokenRejected,
            format!("Microsoft refused the refresh token. {}", d.advice()),
        )
        .with_original(original)
    }
}

#[async_trait::async_trait]
impl Accounts for Office365 {
    /// `pingProvider`: one read of the profile through the account's grant (refreshing it if it
    /// is due), so that `tokenStatus` says what Microsoft answers now.
    #[tracing::instrument(name = "office365.ping", skip_all, fields(account_id = account.id))]
    async fn ping(&self, account: &AccountRecord) -> Result<AccountRecord, ProviderError> {
        let me = GraphRequest::get(self.graph.url("/me"), vec![]);
        let asked = match account.kind {
            // A service account has no mailbox: a token for its organisation is the question.
            AccountKind::Daemon => self.access_token(account, None).await.map(drop),
            _ => self.graph_call(account, &me).await.map(drop),
        };
        match asked {
            Ok(_) => {}
            Err(e) if e.code == Code::TokenDead => {}
            Err(e) => return Err(e),
        }
        self.store
            .account(account.app_id, account.id)
            .await?
            .map(std::sync::Arc::unwrap_or_clone)
            .ok_or_else(|| {
                ProviderError::not_found(Code::AccountNotFound, "The account was deleted.")
            })
    }

    #[tracing::instrument(name = "office365.keep_alive", skip_all, fields(account_id = account.id))]
    async fn keep_alive(&self, account: &AccountRecord) -> Result<(), ProviderError> {
        let tokens = self
            .store
            .provider_tokens(account.id)
            .await?
            .ok_or_else(|| dead_error(account))?;
        let current = self
            .keys
            .decrypt_string(&tokens.access_token_enc, &account.token_purpose("access"))
            .map_err(ProviderError::internal)?;
        // Passed as refused, the current token is refreshed unless someone just did.
        self.access_token(account, Some(&current)).await.map(|_| ())
    }

    #[tracing::instrument(name = "office365.check_import", skip_all, fields(app_id = app.id))]
    async fn check_import(
        &self,
        app: &AppRecord,
        input: &AccountImport,
    ) -> Result<(), ProviderError> {
        self.verify_import(app, input, true).await.map(|_| ())
    }

    #[tracing::instrument(name = "office365.import", skip_all, fields(app_id = app.id))]
    async fn import(
        &self,
        app: &AppRecord,
        input: &AccountImport,
        ensure_access: bool,
    ) -> Result<AccountSaveResult, ProviderError> {
        let checked = self.verify_import(app, input, ensure_access).await?;
        self.save_import(app, checked).await
    }
}
