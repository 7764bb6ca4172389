//! What every request handler can reach, built once at start: the settings, the store, the keys,
//! the scope catalogue, the guards, the metrics, and the providers, found by an account's
//! `serviceType`; and the one check that an account's scopes allow an operation.

use crate::config::Settings;
use crate::error::{ApiError, Code};
use crate::providers::office365::Office365;
use crate::providers::{
    Accounts, Calendars, Changes, Contacts, Direct, Linking, Mail, Provider, ServiceAccounts, Tasks,
};
use crate::scopes::{Operation, ScopeCatalog};
use crate::store::crypto::Keyring;
use crate::store::{AccountKind, AccountRecord, Store};
use std::sync::Arc;

pub struct Services {
    pub settings: Arc<Settings>,
    pub store: Arc<dyn Store>,
    pub keys: Arc<Keyring>,
    pub scopes: Arc<ScopeCatalog>,
    pub office365: Office365,
    pub signin_limit: crate::guards::signin_limit::SignInLimiter,
    pub hashing: crate::owners::Hashing,
    pub large_bodies: Arc<crate::guards::large_bodies::LargeBodyBudget>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Requests to apps' receivers (webhooks): no redirects followed.
    pub outbound: reqwest::Client,
    /// Wakes the delivery worker when notifications were queued.
    pub wake_deliveries: tokio::sync::Notify,
    /// Wakes the watch worker when a subscription's changes are due a look at once.
    pub wake_watches: tokio::sync::Notify,
}

pub type AppState = Arc<Services>;

impl Services {
    /// The provider behind an account.
    pub fn provider(&self, account: &AccountRecord) -> Result<&dyn Provider, ApiError> {
        self.provider_named(&account.service_type)
    }

    /// The provider serving `serviceType`.
    pub fn provider_named(&self, service_type: &str) -> Result<&dyn Provider, ApiError> {
        match service_type {
            "Office365" => Ok(&self.office365),
            other => Err(ApiError::bad_request(
                Code::ServiceTypeUnsupported,
                format!("serviceType '{other}' is not served here; only Office365."),
            )),
        }
    }

    /// The provider a sign-in for `serviceType` goes through.
    pub fn linking(&self, service_type: &str) -> Result<&dyn Linking, ApiError> {
        Ok(self.provider_named(service_type)?)
    }

    /// The provider a tenant's admin consent for `serviceType` goes through.
    pub fn service_accounts(&self, service_type: &str) -> Result<&dyn ServiceAccounts, ApiError> {
        Ok(self.provider_named(service_type)?)
    }

    pub fn accounts(&self, account: &AccountRecord) -> Result<&dyn Accounts, ApiError> {
        Ok(self.provider(account)?)
    }

    /// The provider an import names in `serviceType`.
    pub fn importer(&self, service_type: Option<&str>) -> Result<&dyn Accounts, ApiError> {
        let name = service_type.ok_or_else(|| {
            ApiError::bad_request(Code::BadRequest, "serviceType is required (Office365).")
        })?;
        Ok(self.provider_named(name)?)
    }

    pub fn mail(&self, account: &AccountRecord) -> Result<&dyn Mail, ApiError> {
        Ok(self.provider(account)?)
    }

    pub fn calendars(&self, account: &AccountRecord) -> Result<&dyn Calendars, ApiError> {
        Ok(self.provider(account)?)
    }

    pub fn contacts(&self, account: &AccountRecord) -> Result<&dyn Contacts, ApiError> {
        Ok(self.provider(account)?)
    }

    pub fn tasks(&self, account: &AccountRecord) -> Result<&dyn Tasks, ApiError> {
        Ok(self.provider(account)?)
    }

    pub fn changes(&self, account: &AccountRecord) -> Result<&dyn Changes, ApiError> {
        Ok(self.provider(account)?)
    }

    pub fn direct(&self, account: &AccountRecord) -> Result<&dyn Direct, ApiError> {
        Ok(self.provider(account)?)
    }

    /// Allowed when the account's scopes allow any one of `operations` (for checks that depend on
    /// the request, such as sending with `returnIds`).
    pub fn require_any(
        &self,
        account: &AccountRecord,
        operations: &[Operation],
    ) -> Result<(), ApiError> {
        let scopes = &account.auth_scopes;
        let allowed = |op: &Operation| match account.kind {
            AccountKind::Personal => self.scopes.allows(scopes, *op),
            // Application permissions allow less (To Do: reading only).
            _ => self.scopes.allows_application(scopes, *op),
        };
        if operations.iter().any(allowed) {
            return Ok(());
        }
        if account.kind != AccountKind::Personal {
            let names: Vec<&str> = operations.iter().map(|op| op.as_str()).collect();
            return Err(ApiError::forbidden(
                Code::ScopeMissing,
                format!(
                    "This account's service account was not granted application permissions that allow {}, or the account was added without a scope that allows it. A tenant administrator grants more through /v1/auth/authorizeDaemon?accountId=<service account>; add the account again with authScopes naming the scopes.",
                    names.join(" or ")
                ),
            ));
        }
        let mut scopes: Vec<&str> = operations
            .iter()
            .flat_map(|op| self.scopes.scopes_allowing(*op))
            .collect();
        scopes.sort_unstable();
        scopes.dedup();
        let names: Vec<&str> = operations.iter().map(|op| op.as_str()).collect();
        Err(ApiError::forbidden(
            Code::ScopeMissing,
            format!(
                "This account was not linked with a scope that allows {}. Request {} and re-authorize the account: \
                 /v1/auth/authorize?accountId={}&scopes=<scopes>&…",
                names.join(" or "),
                scopes.join(" or "),
                account.id
            ),
        ))
    }
}
