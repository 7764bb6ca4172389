//! Each app's signing secret, and the signature of what is sent to it: hex HMAC-SHA256 of
//! `v0:{timestamp}:{body}` keyed by the secret, in `X-Aurinko-Signature`, with the timestamp in
//! `X-Aurinko-Request-Timestamp`.

use crate::store::crypto::{random_token, Keyring};
use crate::store::{Store, StoreError};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};

pub fn purpose(app_id: i64) -> String {
    format!("app:{app_id}:signing-secret")
}

fn open(keys: &Keyring, app_id: i64, sealed: &str) -> Result<SecretString, StoreError> {
    keys.decrypt_string(sealed, &purpose(app_id))
        .map_err(|e| StoreError::Corrupt(format!("signing secret of app {app_id}: {e}")))
}

/// The app's signing secret, made the first time it is needed.
pub async fn secret(
    store: &dyn Store,
    keys: &Keyring,
    app_id: i64,
) -> Result<SecretString, StoreError> {
    if let Some(sealed) = store.signing_secret(app_id).await? {
        return open(keys, app_id, &sealed);
    }
    let fresh = random_token();
    let sealed = keys.encrypt_str(fresh.expose_secret(), &purpose(app_id));
    if store.set_signing_secret(app_id, &sealed, true).await? {
        return Ok(fresh);
    }
    // Made meanwhile by someone else: theirs stands.
    match store.signing_secret(app_id).await? {
        Some(sealed) => open(keys, app_id, &sealed),
        None => Err(StoreError::Corrupt(format!(
            "app {app_id} has no signing secret"
        ))),
    }
}

/// A new signing secret; what is sent from now on is signed with it.
pub async fn rotate(
    store: &dyn Store,
    keys: &Keyring,
    app_id: i64,
) -> Result<SecretString, StoreError> {
    let fresh = random_token();
    let sealed = keys.encrypt_str(fresh.expose_secret(), &purpose(app_id));
    store.set_signing_secret(app_id, &sealed, false).await?;
    Ok(fresh)
}

/// The signature of `body` sent at `timestamp` (Unix seconds).
pub fn sign(secret: &SecretString, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_timestamp_and_body_are_all_signed() {
        let key = SecretString::from("Jefe".to_string());
        let signed = sign(&key, 17, b"{}");
        assert_eq!(signed.len(), 64);
        assert!(signed.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(signed, sign(&key, 18, b"{}"));
        assert_ne!(signed, sign(&key, 17, b"[]"));
        let other = SecretString::from("Jeff".to_string());
        assert_ne!(signed, sign(&other, 17, b"{}"));
    }
}
