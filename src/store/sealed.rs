//! What the store keeps encrypted under a master key, and the master keys added by rotation:
//! for moving every stored secret to the newest key (re-encrypting it under its own purpose)
//! and telling how many each key still holds.

use super::StoreResult;
use async_trait::async_trait;

/// A master key added by rotation, wrapped under an older one.
#[derive(Debug, Clone)]
pub struct WrappedKey {
    pub id: String,
    pub wrapped: String,
    pub wrapped_by: String,
    pub created_at: i64,
    pub use_from: i64,
}

/// Where a sealed value sits, with what its purpose (associated data) is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealedAt {
    /// An account's Microsoft access or refresh token (`which`: `access`, `refresh`).
    ProviderToken {
        account_id: i64,
        which: &'static str,
        app_id: i64,
        tenant_id: String,
        object_id: String,
    },
    Office365Secret {
        app_id: i64,
    },
    CertificateKey {
        app_id: i64,
    },
    SigningSecret {
        app_id: i64,
    },
    /// The PKCE verifier of a sign-in in flight.
    SessionVerifier {
        state_hash: Vec<u8>,
    },
    /// The value the service checks its key against at start.
    KeyCheck {
        key: String,
    },
}

#[derive(Debug, Clone)]
pub struct Sealed {
    pub at: SealedAt,
    pub value: String,
}

#[async_trait]
pub trait SealedStore: Send + Sync {
    async fn wrapped_keys(&self) -> StoreResult<Vec<WrappedKey>>;
    async fn add_wrapped_key(&self, key: &WrappedKey) -> StoreResult<()>;
    /// Forgets a key: its own row and those of the keys wrapped under it; how many rows.
    async fn forget_key(&self, id: &str) -> StoreResult<u64>;
    /// Up to `limit` sealed values of each kind not encrypted under key `key_id`.
    async fn sealed_elsewhere(&self, key_id: &str, limit: i64) -> StoreResult<Vec<Sealed>>;
    /// Replaces a sealed value, unless it changed meanwhile; whether it was replaced.
    async fn reseal(&self, sealed: &Sealed, value: &str) -> StoreResult<bool>;
    /// How many sealed values each key id holds.
    async fn sealed_counts(&self) -> StoreResult<Vec<(String, i64)>>;
}
