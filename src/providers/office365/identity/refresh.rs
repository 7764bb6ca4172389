//! Fresh access tokens. Refresh shortly before expiry; one refresh per account at a time — a
//! mutex per account in this process, and a lease row in the database across instances. The
//! rotated refresh token is saved in the same write as the new access token, before it is used.

use crate::clock::now;
use crate::error::Code;
use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::identity::aadsts::{
    decode_failure, flag_app, is_app_problem, is_dead_grant,
};
pub use crate::providers::office365::identity::flight::Refresher;
use crate::providers::office365::identity::token_client::TokenFailure;
use crate::providers::office365::Office365;
use crate::store::crypto::random_id;
use crate::store::{AccountKind, AccountRecord, TokenError, TokenStatus};
use secrecy::{ExposeSecret, SecretString};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Refresh this long before the access token expires.
pub const REFRESH_SKEW: i64 = 300;
/// How long a refresh lease lasts unless its holder renews it: an instance that dies while
/// refreshing blocks the account's refreshes for at most this long.
const LEASE_SECONDS: i64 = 6;
/// How often a holder renews its lease while Microsoft has not answered.
const LEASE_RENEWAL: Duration = Duration::from_secs(2);
/// How long a caller waits for another holder's refresh (the token endpoint's time-out, and
/// some).
const LEASE_WAIT_SECONDS: i64 = 40;
enum Lease {
    /// This call holds the lease (its owner tag) and must refresh.
    Held(String),
    /// Someone else refreshed while this call waited.
    Refreshed(SecretString),
}

pub fn dead_error(account: &AccountRecord) -> ProviderError {
    let reason = account
        .token_error
        .as_ref()
        .map(|e| e.message.as_str())
        .unwrap_or("The account must be linked again.");
    let again = match &account.kind {
        AccountKind::Personal => format!("Re-authorize it with /v1/auth/authorize?accountId={}.", account.id),
        AccountKind::Daemon => format!("A tenant administrator must consent again: /v1/auth/authorizeDaemon?accountId={}.", account.id),
        AccountKind::Managed { service_account, .. } => format!("A tenant administrator must consent again for its service account: /v1/auth/authorizeDaemon?accountId={service_account}."),
    };
    ProviderError::sign_in_again(
        Code::TokenDead,
        format!("This account's Microsoft authorization is no longer valid: {reason} {again}"),
    )
}

impl Office365 {
    /// A usable Graph access token for the account. `rejected` is a token Graph just refused:
    /// refresh unless someone already replaced it.
    pub async fn access_token(
        &self,
        account: &AccountRecord,
        rejected: Option<&SecretString>,
    ) -> Result<SecretString, ProviderError> {
        if account.token_status == TokenStatus::Dead {
            return Err(dead_error(account));
        }
        // A managed account reaches its mailbox with its service account's app-only token.
        if let AccountKind::Managed {
            service_account, ..
        } = &account.kind
        {
            let service = self.store.account(account.app_id, *service_account).await?;
            let service = service.ok_or_else(|| dead_error(account))?;
            return Box::pin(self.access_token(&service, rejected)).await;
        }
        if rejected.is_none() {
            if let Some(token) = self.stored_if_fresh(account, None).await? {
                return Ok(token);
            }
        }
        let flight = self.refresher.flight(account.id);
        let seen = flight.attempts.load(Ordering::SeqCst);
        let _guard = flight.lock.lock().await;
        if let Some(token) = self.stored_if_fresh(account, rejected).await? {
            return Ok(token);
        }
        if rejected.is_some() && !flight.may_force() {
            // Refreshed moments ago on a refusal already: that refresh's failure, or what it
            // stored.
            if let Some(error) = flight.last_failure() {
                return Err(error);
            }
            if let Some(token) = self.stored_if_fresh(account, None).await? {
                return Ok(token);
            }
        }
        // Callers that queued behind a refresh that failed get its answer, and nobody asks
        // Microsoft again within its Retry-After.
        if let Some(error) = flight.failure_since(seen) {
            return Err(error);
        }
        let result = match self.take_lease(account, rejected).await? {
            Lease::Refreshed(token) => Ok(token),
            Lease::Held(owner) => self.refresh(account, &owner).await,
        };
        flight.record(&result);
        result
    }

    /// The stored access token if it is fresh and is not the one Graph refused.
    async fn stored_if_fresh(
        &self,
        account: &AccountRecord,
        rejected: Option<&SecretString>,
    ) -> Result<Option<SecretString>, ProviderError> {
        let fresh_until = now() + REFRESH_SKEW;
        let held = &self.refresher.held;
        match rejected {
            None => {
                if let Some(token) = held.get(account, fresh_until) {
                    return Ok(Some(token));
                }
            }
            Some(_) => held.forget(account.id),
        }
        let Some(tokens) = self.store.provider_tokens(account.id).await? else {
            return Err(dead_error(account));
        };
        if tokens.access_expires_at <= fresh_until {
            return Ok(None);
        }
        let token = self
            .keys
            .decrypt_string(&tokens.access_token_enc, &account.token_purpose("access"))
            .map_err(ProviderError::internal)?;
        if rejected.is_some_and(|r| r.expose_secret() == token.expose_secret()) {
            return Ok(None);
        }
        held.keep(account.id, &token, tokens.access_expires_at);
        Ok(Some(token))
    }

    /// Waits for the database lease, unless another holder refreshed meanwhile. Each attempt has
    /// its own owner tag, so the lease alone also keeps two callers of one process apart.
    async fn take_lease(
        &self,
        account: &AccountRecord,
        rejected: Option<&SecretString>,
    ) -> Result<Lease, ProviderError> {
        let owner = format!("{}:{}", self.refresher.instance, random_id(4));
        let deadline = now() + LEASE_WAIT_SECONDS;
        loop {
            let t = now();
            if self
                .store
                .try_lease(account.id, &owner, t + LEASE_SECONDS, t)
                .await?
            {
                // The previous holder may have saved a fresh token just before letting go.
                if let Some(token) = self.stored_if_fresh(account, rejected).await? {
                    self.store.release_lease(account.id, &owner).await?;
                    return Ok(Lease::Refreshed(token));
                }
                return Ok(Lease::Held(owner));
            }
            if let Some(token) = self.stored_if_fresh(account, rejected).await? {
                return Ok(Lease::Refreshed(token));
            }
            if t > deadline {
                return Err(ProviderError::unavailable(
                    Code::TokenRefreshBusy,
                    "Another instance is refreshing this account's token; retry shortly.",
                    2,
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn refresh(
        &self,
        account: &AccountRecord,
        owner: &str,
    ) -> Result<SecretString, ProviderError> {
        // The lease is renewed while Microsoft is asked, so that it can be short: a holder that
        // dies stops renewing, and its lease runs out within LEASE_SECONDS.
        let renew = async {
            loop {
                tokio::time::sleep(LEASE_RENEWAL).await;
                let until = now() + LEASE_SECONDS;
                match self.store.renew_lease(account.id, owner, until).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(
                        account_id = account.id,
                        "lost the refresh lease while refreshing"
                    ),
                    Err(e) => {
                        tracing::warn!(error = %e, account_id = account.id, "could not renew the refresh lease")
                    }
                }
            }
        };
        let result = tokio::select! {
            result = self.refresh_holding_lease(account) => result,
            never = renew => never,
        };
        let outcome = match &result {
            Ok(_) => "ok",
            Err(e) if e.code == Code::TokenDead => "dead",
            Err(e) if e.code.as_str().starts_with("app.") => "app_misconfigured",
            Err(_) => "transient",
        };
        self.metrics
            .refreshes
            .get_or_create(&crate::metrics::OutcomeLabels { outcome })
            .inc();
        if result.is_err() {
            if let Err(e) = self.store.release_lease(account.id, owner).await {
                tracing::error!(error = %e, account_id = account.id, "could not release the refresh lease");
            }
        }
        result
    }

    async fn refresh_holding_lease(
        &self,
        account: &AccountRecord,
    ) -> Result<SecretString, ProviderError> {
        if account.kind == AccountKind::Daemon {
            return self.app_token(account).await;
        }
        let tokens = self
            .store
            .provider_tokens(account.id)
            .await?
            .ok_or_else(|| dead_error(account))?;
        let Some(refresh_enc) = tokens.refresh_token_enc else {
            return Err(ProviderError::sign_in_again(
                Code::TokenRefreshFailed,
                "No refresh token is stored for this account; re-authorize it.",
            ));
        };
        let refresh_token = self
            .keys
            .decrypt_string(&refresh_enc, &account.token_purpose("refresh"))
            .map_err(ProviderError::internal)?;
        let app = self.azure_app(account.app_id).await?;
        let scope = account.permissions.join(" ");
        match self.tokens.refresh(&app, &refresh_token, &scope).await {
            Ok(set) => {
                let t = now();
                let granted = if set.scope.is_empty() {
                    account.permissions.clone()
                } else {
                    self.scopes.normalize_granted(&set.scope)
                };
                let refreshed = set.seal(&self.keys, |w| account.token_purpose(w), granted, t);
                self.store.save_refresh(account.id, &refreshed, t).await?;
                tracing::info!(
                    account_id = account.id,
                    rotated = set.refresh_token.is_some(),
                    "access token refreshed"
                );
                Ok(set.access_token)
            }
            Err(failure) => Err(self.refresh_failed(account, failure).await),
        }
    }

    pub(in crate::providers::office365) async fn refresh_failed(
        &self,
        account: &AccountRecord,
        failure: TokenFailure,
    ) -> ProviderError {
        let original = match &failure {
            TokenFailure::Rejected { body, .. } => Some(body.clone()),
            TokenFailure::Transient { body, .. } => body.clone(),
        };
        let Some(decoded) = decode_failure(self, &failure) else {
            let TokenFailure::Transient {
                retry_after,
                detail,
                ..
            } = failure
            else {
                unreachable!("decoded above")
            };
            tracing::warn!(account_id = account.id, %detail, "token refresh failed transiently");
            return ProviderError::unavailable(
                Code::TokenRefreshRetry,
                format!("Could not refresh the Microsoft token: {detail}. Retry later."),
                retry_after.unwrap_or(2),
            )
            .with_original(original);
        };
        if is_app_problem(&decoded) {
            flag_app(self, account.app_id, &decoded).await;
            return ProviderError::new(
                Failure::AppSettings,
                Code::AppOffice365Rejected,
                format!(
                    "Microsoft refused the app's Azure credentials. {}",
                    decoded.advice()
                ),
            )
            .with_original(original);
        }
        if is_dead_grant(&decoded) {
            let code = decoded
                .aadsts
                .map(|c| format!("AADSTS{c}"))
                .unwrap_or_else(|| decoded.error.clone());
            let error = TokenError {
                code,
                message: decoded.advice(),
            };
            return match self.declare_dead(account, &error).await {
                Ok(dead) => dead_error(&dead).with_original(original),
                Err(e) => ProviderError::internal(e),
            };
        }
        ProviderError::new(
            Failure::AppSettings,
            Code::TokenRefreshFailed,
            format!(
                "Microsoft refused to refresh the token. {}",
                decoded.advice()
            ),
        )
        .with_original(original)
    }
}
