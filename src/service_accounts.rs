//! Service accounts and their managed accounts, wherever they are made (an administrator's
//! consent, `POST /v1/am/svc_accounts`, the portal): the service account of a tenant saved with
//! its app-only token and the scopes its granted application permissions allow, and one mailbox
//! of that tenant added as a managed account after the provider found it and the roles allow
//! the scopes asked.

use crate::clock::now;
use crate::error::{ApiError, Code};
use crate::model::account::{AccountImport, AccountSaveResult};
use crate::providers::service_accounts::Consented;
use crate::state::Services;
use crate::store::crypto::{hash_secret, random_token};
use crate::store::{token_purpose, AccountKind, AccountRecord, AppRecord, LinkAccount, StoreError};
use secrecy::ExposeSecret;

/// A service account's object id: one per app and tenant.
pub const SERVICE_OBJECT: &str = "daemon";

/// What a service account is saved with.
pub struct NewService<'a> {
    pub app_id: i64,
    pub service_type: &'a str,
    /// The consented service account being consented again.
    pub account_id: Option<i64>,
    pub auth_scopes: Vec<String>,
    /// An account token to issue with it (its hash).
    pub token_hash: Option<Vec<u8>>,
}

/// Creates (or updates) the tenant's service account with its first app-only token, and brings
/// back its managed accounts that died with an earlier consent (the app is told).
pub async fn save(
    services: &Services,
    new: NewService<'_>,
    consented: &Consented,
) -> Result<(AccountRecord, bool), StoreError> {
    let t = now();
    let tenant = &consented.tenant_id;
    let purpose = |w: &str| token_purpose(new.app_id, tenant, SERVICE_OBJECT, w);
    let roles = &consented.granted;
    let link = LinkAccount {
        app_id: new.app_id,
        service_type: new.service_type.to_string(),
        account_id: new.account_id,
        tenant_id: tenant.clone(),
        object_id: SERVICE_OBJECT.into(),
        email: None,
        name: None,
        timezone: None,
        auth_scopes: new.auth_scopes,
        tokens: Some(
            consented
                .tokens
                .seal(&services.keys, purpose, roles.clone(), t),
        ),
        permissions: roles.clone(),
        kind: AccountKind::Daemon,
        account_token_hash: new.token_hash,
    };
    let (account, created) = services.store.link_account(&link, t).await?;
    for id in services.store.revive_managed(account.id, t).await? {
        let store = services.store.as_ref();
        let details = crate::events::Details::default();
        crate::events::tell(
            store,
            new.app_id,
            Some(id),
            "account.reauthorized",
            details,
            t,
        )
        .await?;
    }
    tracing::info!(
        app_id = new.app_id,
        account_id = account.id,
        "service account consented"
    );
    Ok((account, created))
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(Code::BadRequest, message)
}

/// The unified scopes asked for (`authScopes`), each allowed by `allowed`; all of `allowed`
/// when none are asked.
fn scopes_within(
    asked: Option<&[String]>,
    allowed: &[String],
    what: &str,
) -> Result<Vec<String>, ApiError> {
    let Some(asked) = asked.filter(|a| !a.is_empty()) else {
        return Ok(allowed.to_vec());
    };
    let missing: Vec<&str> = asked
        .iter()
        .filter(|s| !allowed.contains(s))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::bad_request(
            Code::ScopesNotGranted,
            format!(
                "{what} does not allow: {}. It allows: {}.",
                missing.join(", "),
                allowed.join(", ")
            ),
        ));
    }
    Ok(asked.to_vec())
}

/// `POST /v1/am/svc_accounts`: the service account of a tenant whose administrator already
/// consented (`authOrgId`), checked with an app-only token, with a new account token.
pub async fn upsert(
    services: &Services,
    app: &AppRecord,
    input: &AccountImport,
) -> Result<AccountSaveResult, ApiError> {
    let service_type = input.service_type.as_deref().unwrap_or("Office365");
    let provider = services.service_accounts(service_type)?;
    let tenant = input
        .auth_org_id
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let tenant = tenant.ok_or_else(|| bad("authOrgId (the organisation's tenant id) is required: its administrator must have consented, through /v1/auth/authorizeDaemon or in Azure."))?;
    let consented = provider
        .consented(app.id, tenant)
        .await
        .map_err(|f| ApiError::new(crate::error::ErrorKind::FailedDependency, f.code, f.message))?;
    let allowed = services
        .scopes
        .granted_application_scopes(None, &consented.granted);
    let auth_scopes = scopes_within(
        input.auth_scopes.as_deref(),
        &allowed,
        "The organisation's consent",
    )?;
    let token = random_token();
    let new = NewService {
        app_id: app.id,
        service_type,
        account_id: None,
        auth_scopes,
        token_hash: Some(hash_secret(token.expose_secret())),
    };
    let (account, _) = save(services, new, &consented).await?;
    Ok(AccountSaveResult {
        account_id: account.id,
        access_token: token.expose_secret().to_string(),
    })
}

/// `POST /v1/am/svc_accounts/{id}/accounts`: one mailbox of the service account's organisation
/// (`email`, `loginString` or `authUserId`) as a managed account, with a new account token.
pub async fn add_mailbox(
    services: &Services,
    service: &AccountRecord,
    input: &AccountImport,
) -> Result<AccountSaveResult, ApiError> {
    if service.kind != AccountKind::Daemon {
        return Err(ApiError::bad_request(
            Code::AccountNotServiceAccount,
            format!("Account {} is not a service account; managed accounts are added to service accounts (GET /v1/am/svc_accounts).", service.id),
        ));
    }
    if let Some(other) = input
        .service_type
        .as_deref()
        .filter(|s| *s != service.service_type)
    {
        return Err(bad(format!("serviceType '{other}': a managed account lives with its service account's provider, {}.", service.service_type)));
    }
    if input.active == Some(false) {
        return Err(bad("active: false: a managed account is active when it is added; delete it to stop using it."));
    }
    let who = [&input.email, &input.login_string, &input.auth_user_id]
        .into_iter()
        .flatten()
        .map(|w| w.trim())
        .find(|w| !w.is_empty())
        .ok_or_else(|| bad("email (or loginString, or authUserId) names the mailbox to add"))?;
    let auth_scopes = scopes_within(
        input.auth_scopes.as_deref(),
        &service.auth_scopes,
        "The service account",
    )?;
    let provider = services.service_accounts(&service.service_type)?;
    let mailbox = provider.mailbox(service, who).await?;
    let token = random_token();
    let link = LinkAccount {
        app_id: service.app_id,
        service_type: service.service_type.clone(),
        account_id: None,
        tenant_id: service.tenant_id.clone(),
        object_id: format!("managed:{}", mailbox.user_id),
        email: mailbox.email,
        name: mailbox.name,
        timezone: mailbox.timezone,
        auth_scopes,
        tokens: None,
        permissions: service.permissions.clone(),
        kind: AccountKind::Managed {
            service_account: service.id,
            user: mailbox.user_id,
        },
        account_token_hash: Some(hash_secret(token.expose_secret())),
    };
    let t = now();
    let (account, created) = services.store.link_account(&link, t).await?;
    let kind = if created {
        "account.linked"
    } else {
        "account.reauthorized"
    };
    let details = crate::events::Details::default();
    crate::events::tell(
        services.store.as_ref(),
        service.app_id,
        Some(account.id),
        kind,
        details,
        t,
    )
    .await?;
    tracing::info!(
        app_id = service.app_id,
        account_id = account.id,
        service_account = service.id,
        "managed account added"
    );
    Ok(AccountSaveResult {
        account_id: account.id,
        access_token: token.expose_secret().to_string(),
    })
}
