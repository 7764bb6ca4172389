//! Portal owners: sign-up with an argon2 password hash, sign-in that costs the same whether or not
//! the address exists, invitations, and sign-in sessions (random tokens, stored hashed). The CLI
//! and the portal both come here.

mod hashing;

pub use hashing::Hashing;

use crate::store::crypto::{hash_secret, random_token};
use crate::store::{Admission, NewInvite, OwnerRecord, Store, StoreError};
use secrecy::{ExposeSecret, SecretString};

/// How long a portal session lasts.
pub const SESSION_SECONDS: i64 = 7 * 24 * 3600;
const MIN_PASSWORD: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum OwnerError {
    /// A field the person typed is not acceptable; `field` names it for the form.
    #[error("{message}")]
    Input {
        field: &'static str,
        message: String,
    },
    #[error("an owner with this e-mail address already exists")]
    Taken,
    #[error("wrong e-mail address or password")]
    BadCredentials,
    /// Every hashing turn is taken; retry after this many seconds.
    #[error("too many sign-ins at once")]
    Busy(u64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn input(field: &'static str, message: impl Into<String>) -> OwnerError {
    OwnerError::Input {
        field,
        message: message.into(),
    }
}

/// The address as stored: trimmed, lower case, and shaped like an address.
pub fn normalize_email(email: &str) -> Result<String, OwnerError> {
    let email = email.trim().to_lowercase();
    let shaped = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email
            .split_once('@')
            .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
    if shaped {
        Ok(email)
    } else {
        Err(input(
            "email",
            "Enter an e-mail address like you@example.com.",
        ))
    }
}

/// A new owner, if `admission` lets them in and the address is free (`Taken` otherwise, which
/// the portal does not tell apart from success). The password needs at least ten characters.
pub async fn create(
    store: &dyn Store,
    hashing: &Hashing,
    email: &str,
    password: &SecretString,
    now: i64,
    admission: Admission<'_>,
) -> Result<OwnerRecord, OwnerError> {
    let email = normalize_email(email)?;
    let length = password.expose_secret().chars().count();
    if length < MIN_PASSWORD {
        return Err(input(
            "password",
            format!("Use at least {MIN_PASSWORD} characters."),
        ));
    }
    if length > 1024 {
        return Err(input("password", "Use at most 1024 characters."));
    }
    let hash = hashing.hash(password.clone()).await?;
    store
        .create_owner(&email, &hash, now, admission)
        .await?
        .ok_or(OwnerError::Taken)
}

/// How long an invitation can be used.
pub const INVITE_SECONDS: i64 = 7 * 24 * 3600;

/// An invitation for `email`: the token to put in the sign-up link (shown once; only its hash is
/// kept).
pub async fn invite(
    store: &dyn Store,
    email: &str,
    invited_by: Option<i64>,
    now: i64,
) -> Result<SecretString, OwnerError> {
    let email = normalize_email(email)?;
    let token = random_token();
    store
        .create_invite(&NewInvite {
            token_hash: &hash_secret(token.expose_secret()),
            email: &email,
            invited_by,
            created_at: now,
            expires_at: now + INVITE_SECONDS,
        })
        .await?;
    Ok(token)
}

/// The sign-up link an invitation is sent as.
pub fn invite_link(public_url: &url::Url, token: &str) -> String {
    format!(
        "{}/portal/signup?invite={token}",
        public_url.as_str().trim_end_matches('/')
    )
}

/// The address an invitation token is for, while it can be used.
pub async fn invited_email(
    store: &dyn Store,
    token: &str,
    now: i64,
) -> Result<Option<String>, OwnerError> {
    Ok(store.invite_email(&hash_secret(token), now).await?)
}

/// The owner with this address and password. An unknown address costs a hash too, so timing does
/// not tell which addresses exist.
pub async fn verify(
    store: &dyn Store,
    hashing: &Hashing,
    email: &str,
    password: &SecretString,
) -> Result<OwnerRecord, OwnerError> {
    let owner = match normalize_email(email) {
        Ok(email) => store.owner_by_email(&email).await?,
        Err(_) => None,
    };
    let Some(owner) = owner else {
        hashing.hash(password.clone()).await?;
        return Err(OwnerError::BadCredentials);
    };
    if hashing
        .verify(password.clone(), owner.password_hash.clone())
        .await?
    {
        Ok(owner)
    } else {
        Err(OwnerError::BadCredentials)
    }
}

/// Starts a session; the token goes into the owner's cookie and only its hash into the store.
pub async fn start_session(
    store: &dyn Store,
    owner_id: i64,
    now: i64,
) -> Result<SecretString, OwnerError> {
    let token = random_token();
    store
        .insert_owner_session(
            &hash_secret(token.expose_secret()),
            owner_id,
            now + SESSION_SECONDS,
        )
        .await?;
    Ok(token)
}

pub async fn session_owner(
    store: &dyn Store,
    token: &str,
    now: i64,
) -> Result<Option<OwnerRecord>, OwnerError> {
    Ok(store.owner_by_session(&hash_secret(token), now).await?)
}

pub async fn end_session(store: &dyn Store, token: &str) -> Result<(), OwnerError> {
    Ok(store.delete_owner_session(&hash_secret(token)).await?)
}
