//! Secrets at rest: AES-256-GCM with the key id stored beside each ciphertext, and hashes for the
//! API secrets we hand out (app client secrets, account tokens), which we never need to read back.
//!
//! Ciphertext format: `v1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>`. Each value is bound to
//! what it is for (the associated data, e.g. `account:42:refresh`), so a value copied into another
//! row does not decrypt.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("the master key must be 32 bytes in standard base64 (what `openssl rand -base64 32` prints)")]
    BadKey,
    #[error("the value was encrypted with key '{0}', which is not configured")]
    UnknownKey(String),
    #[error("the value could not be decrypted (wrong key or corrupted data)")]
    Undecryptable,
    #[error("the value is not a ciphertext of this service")]
    Malformed,
}

/// One master key and its id. The key bytes never appear in `Debug` output.
pub struct MasterKey {
    id: String,
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id)
    }
}

impl MasterKey {
    pub fn from_base64(text: &SecretString) -> Result<Self, CryptoError> {
        let bytes = Zeroizing::new(
            STANDARD
                .decode(text.expose_secret().trim())
                .map_err(|_| CryptoError::BadKey)?,
        );
        if bytes.len() != 32 {
            return Err(CryptoError::BadKey);
        }
        let digest = Sha256::new()
            .chain_update(b"switchboard key id\0")
            .chain_update(&bytes[..])
            .finalize();
        let id = URL_SAFE_NO_PAD.encode(&digest[..6]);
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| CryptoError::BadKey)?;
        Ok(MasterKey { id, cipher })
    }

    /// A new random key in the operator format.
    pub fn generate_base64() -> SecretString {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(&mut bytes[..]);
        SecretString::from(STANDARD.encode(&bytes[..]))
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The keys this process knows: all decrypt; the newest whose `use_from` has come encrypts. The
/// operator's key is used from the start; rotation adds keys (`keys`), kept in the store
/// wrapped under an older one.
#[derive(Debug)]
pub struct Keyring {
    keys: std::sync::RwLock<Vec<Held>>,
}

#[derive(Debug)]
struct Held {
    key: std::sync::Arc<MasterKey>,
    use_from: i64,
}

impl Keyring {
    pub fn new(primary: MasterKey) -> Self {
        Keyring {
            keys: std::sync::RwLock::new(vec![Held {
                key: std::sync::Arc::new(primary),
                use_from: i64::MIN,
            }]),
        }
    }

    /// Takes up `key`: it decrypts at once and encrypts from `use_from` on (unless a newer one
    /// does).
    pub fn add(&self, key: MasterKey, use_from: i64) {
        let mut keys = self
            .keys
            .write()
            .expect("the keyring lock is never poisoned");
        if keys.iter().all(|h| h.key.id != key.id) {
            keys.push(Held {
                key: std::sync::Arc::new(key),
                use_from,
            });
            keys.sort_by_key(|h| h.use_from);
        }
    }

    pub fn knows(&self, id: &str) -> bool {
        self.key(id).is_some()
    }

    fn key(&self, id: &str) -> Option<std::sync::Arc<MasterKey>> {
        let keys = self
            .keys
            .read()
            .expect("the keyring lock is never poisoned");
        keys.iter().find(|h| h.key.id == id).map(|h| h.key.clone())
    }

    /// The key that encrypts now.
    fn primary(&self) -> std::sync::Arc<MasterKey> {
        let now = crate::clock::now();
        let keys = self
            .keys
            .read()
            .expect("the keyring lock is never poisoned");
        let held = keys.iter().rev().find(|h| h.use_from <= now);
        held.unwrap_or(&keys[0]).key.clone()
    }

    /// The operator's key (`SWITCHBOARD_MASTER_KEY`).
    pub fn configured_id(&self) -> String {
        let keys = self
            .keys
            .read()
            .expect("the keyring lock is never poisoned");
        keys[0].key.id.clone()
    }

    pub fn primary_id(&self) -> String {
        self.primary().id.clone()
    }

    /// A new master key's text, sealed under the key in use, to be kept in the store.
    pub fn wrap(&self, key: &SecretString, id: &str) -> String {
        self.encrypt_str(key.expose_secret(), &format!("master-key:{id}"))
    }

    /// A master key kept in the store, if a key of this keyring sealed it.
    pub fn unwrap(&self, wrapped: &str, id: &str) -> Result<MasterKey, CryptoError> {
        let text = self.decrypt_string(wrapped, &format!("master-key:{id}"))?;
        let key = MasterKey::from_base64(&text)?;
        if key.id != id {
            return Err(CryptoError::Malformed);
        }
        Ok(key)
    }

    pub fn encrypt(&self, plaintext: &[u8], purpose: &str) -> String {
        let key = self.primary();
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = key
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: purpose.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut blob = Vec::with_capacity(12 + sealed.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&sealed);
        format!("v1.{}.{}", key.id, URL_SAFE_NO_PAD.encode(blob))
    }

    pub fn encrypt_str(&self, plaintext: &str, purpose: &str) -> String {
        self.encrypt(plaintext.as_bytes(), purpose)
    }

    pub fn decrypt(&self, value: &str, purpose: &str) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let mut parts = value.splitn(3, '.');
        let (Some("v1"), Some(kid), Some(data)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(CryptoError::Malformed);
        };
        let key = self
            .key(kid)
            .ok_or_else(|| CryptoError::UnknownKey(kid.to_string()))?;
        let blob = URL_SAFE_NO_PAD
            .decode(data)
            .map_err(|_| CryptoError::Malformed)?;
        if blob.len() < 12 + 16 {
            return Err(CryptoError::Malformed);
        }
        let (nonce, sealed) = blob.split_at(12);
        key.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: purpose.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Undecryptable)
    }

    pub fn decrypt_string(&self, value: &str, purpose: &str) -> Result<SecretString, CryptoError> {
        let bytes = self.decrypt(value, purpose)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| CryptoError::Malformed)?;
        Ok(SecretString::from(text.to_string()))
    }
}

/// A new random API secret (client secret, account token, code, state): 32 bytes, base64url.
pub fn random_token() -> SecretString {
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(&mut bytes[..]);
    SecretString::from(URL_SAFE_NO_PAD.encode(&bytes[..]))
}

/// A short random identifier that is not a secret (app client ids).
pub fn random_id(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hash of a high-entropy API secret. The secrets are 256-bit random values, so a plain SHA-256
/// is enough to make a stolen database useless; a slow hash would only slow down every request.
pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::new()
        .chain_update(b"switchboard secret\0")
        .chain_update(secret.as_bytes())
        .finalize()
        .to_vec()
}

/// Whether `secret` hashes to `expected`, compared in constant time.
pub fn secret_matches(secret: &str, expected: &[u8]) -> bool {
    hash_secret(secret).ct_eq(expected).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> Keyring {
        Keyring::new(MasterKey::from_base64(&MasterKey::generate_base64()).unwrap())
    }

    #[test]
    fn round_trip_is_bound_to_purpose_and_key() {
        let ring = ring();
        let sealed = ring.encrypt_str("refresh-token-value", "account:1:refresh");
        assert!(sealed.starts_with(&format!("v1.{}.", ring.primary_id())));
        assert!(!sealed.contains("refresh-token-value"));
        let back = ring.decrypt_string(&sealed, "account:1:refresh").unwrap();
        assert_eq!(back.expose_secret(), "refresh-token-value");
        assert!(matches!(
            ring.decrypt(&sealed, "account:2:refresh"),
            Err(CryptoError::Undecryptable)
        ));
        let other = self::ring();
        assert!(matches!(
            other.decrypt(&sealed, "account:1:refresh"),
            Err(CryptoError::UnknownKey(_))
        ));
        assert!(matches!(
            ring.decrypt("garbage", "x"),
            Err(CryptoError::Malformed)
        ));
    }

    #[test]
    fn bad_keys_are_refused() {
        assert!(MasterKey::from_base64(&SecretString::from("c2hvcnQ=".to_string())).is_err());
        assert!(MasterKey::from_base64(&SecretString::from("not base64!".to_string())).is_err());
        let dbg = format!(
            "{:?}",
            MasterKey::from_base64(&MasterKey::generate_base64()).unwrap()
        );
        assert!(dbg.starts_with("MasterKey(") && dbg.len() < 24);
    }

    #[test]
    fn secrets_compare_by_hash() {
        let token = random_token();
        let hash = hash_secret(token.expose_secret());
        assert!(secret_matches(token.expose_secret(), &hash));
        assert!(!secret_matches("other", &hash));
    }
}
