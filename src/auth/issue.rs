//! The app's one-time code for an account a sign-in (or an administrator's consent) linked:
//! stored as a hash for ten minutes, and the app told (`account.linked` or
//! `account.reauthorized`); and our own failures during a link, logged and worded for the app.

use crate::clock::now;
use crate::error::Code;
use crate::providers::linking::LinkFailure;
use crate::state::Services;
use crate::store::crypto::{hash_secret, random_token};
use crate::store::{AccountRecord, AuthSession};
use secrecy::{ExposeSecret, SecretString};

pub const CODE_SECONDS: i64 = 10 * 60;

/// A failure of our own during a link: logged, and plain advice for the app.
pub fn internal(e: &dyn std::fmt::Display) -> LinkFailure {
    tracing::error!(error = %e, "account link failed internally");
    LinkFailure::new(
        Code::AuthInternal,
        "switchboard could not complete the sign-in; it has been logged. Try again.",
    )
}

/// The app's one-time code for the account the sign-in (or consent) linked, and the app told.
pub async fn issue_code(
    services: &Services,
    session: &AuthSession,
    account: &AccountRecord,
    created: bool,
) -> Result<SecretString, LinkFailure> {
    let t = now();
    let our_code = random_token();
    services
        .store
        .insert_auth_code(
            &hash_secret(our_code.expose_secret()),
            session.app_id,
            account.id,
            t + CODE_SECONDS,
        )
        .await
        .map_err(|e| internal(&e))?;
    let kind = if created {
        "account.linked"
    } else {
        "account.reauthorized"
    };
    let details = crate::events::Details {
        name: session.link_name.as_deref(),
        ..Default::default()
    };
    crate::events::tell(
        services.store.as_ref(),
        session.app_id,
        Some(account.id),
        kind,
        details,
        t,
    )
    .await
    .map_err(|e| internal(&e))?;
    tracing::info!(
        app_id = session.app_id,
        account_id = account.id,
        created,
        "account linked"
    );
    Ok(our_code)
}
