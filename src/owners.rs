//! Portal owners: sign-up with an argon2 password hash, sign-in that costs the same whether or not
//! the address exists, and sign-in sessions (random tokens, stored hashed). The CLI and the portal
//! both come here.

use crate::store::crypto::{hash_secret, random_token};
use crate::store::{OwnerRecord, Store, StoreError};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
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

async fn hash_password(password: SecretString) -> Result<String, OwnerError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| input("password", format!("the password cannot be hashed: {e}")))
    })
    .await
    .map_err(|e| input("password", format!("hashing failed: {e}")))?
}

/// A new owner. The password needs at least ten characters.
pub async fn create(
    store: &dyn Store,
    email: &str,
    password: &SecretString,
    now: i64,
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
    let hash = hash_password(password.clone()).await?;
    store
        .create_owner(&email, &hash, now)
        .await?
        .ok_or(OwnerError::Taken)
}

/// The owner with this address and password. An unknown address costs a hash too, so timing does
/// not tell which addresses exist.
pub async fn verify(
    store: &dyn Store,
    email: &str,
    password: &SecretString,
) -> Result<OwnerRecord, OwnerError> {
    let owner = match normalize_email(email) {
        Ok(email) => store.owner_by_email(&email).await?,
        Err(_) => None,
    };
    let Some(owner) = owner else {
        hash_password(password.clone()).await?;
        return Err(OwnerError::BadCredentials);
    };
    let (stored, given) = (owner.password_hash.clone(), password.clone());
    let ok = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored).is_ok_and(|h| {
            Argon2::default()
                .verify_password(given.expose_secret().as_bytes(), &h)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false);
    if ok {
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
