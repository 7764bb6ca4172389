//! Master key rotation while the service serves. `switchboard keys rotate` makes a new key and
//! keeps it in the store wrapped under the key in use; every instance takes it up on its next
//! look (`SWITCHBOARD_KEYS_EVERY`), and encrypts with it once `use_from` has come — four looks
//! later, so that every instance can read what any instance writes with it. Each instance then
//! re-encrypts the stored secrets still under an older key, a batch per look, each replaced
//! only if it did not change meanwhile. When none is left under the old key, the operator makes
//! the new key `SWITCHBOARD_MASTER_KEY` and `keys retire` forgets the old one.

use crate::store::crypto::{CryptoError, Keyring, MasterKey};
use crate::store::records::token_purpose;
use crate::store::sealed::{Sealed, SealedAt, WrappedKey};
use crate::store::Store;
use anyhow::{bail, Context};
use secrecy::SecretString;

/// Looks between a key's arrival in the store and its first use.
const LOOKS_BEFORE_USE: i64 = 4;
/// Sealed values of each kind re-encrypted per look.
const PER_LOOK: i64 = 500;

/// Takes up the keys the store holds that this keyring can unwrap (a key wrapped under a key
/// taken up in the same look included); how many were new.
pub async fn take_up(store: &dyn Store, keys: &Keyring) -> anyhow::Result<usize> {
    let wrapped = store.wrapped_keys().await?;
    let mut added = 0;
    loop {
        let mut progress = false;
        for w in wrapped.iter().filter(|w| !keys.knows(&w.id)) {
            if keys.knows(&w.wrapped_by) {
                let key = keys
                    .unwrap(&w.wrapped, &w.id)
                    .with_context(|| format!("master key {} in the database", w.id))?;
                keys.add(key, w.use_from);
                added += 1;
                progress = true;
            }
        }
        if !progress {
            return Ok(added);
        }
    }
}

/// The purpose (associated data) a sealed value was encrypted for.
fn purpose(at: &SealedAt) -> String {
    match at {
        SealedAt::ProviderToken {
            which,
            app_id,
            tenant_id,
            object_id,
            ..
        } => token_purpose(*app_id, tenant_id, object_id, which),
        SealedAt::Office365Secret { app_id } => crate::apps::office365_purpose(*app_id),
        SealedAt::CertificateKey { app_id } => crate::apps::certificate_purpose(*app_id),
        SealedAt::SigningSecret { app_id } => crate::webhooks::signing::purpose(*app_id),
        SealedAt::SessionVerifier { state_hash } => crate::auth::link::session_purpose(state_hash),
        SealedAt::KeyCheck { key } => key.clone(),
    }
}

/// Re-encrypts a batch of the stored secrets not under the key in use; how many.
pub async fn reseal_pass(store: &dyn Store, keys: &Keyring) -> anyhow::Result<usize> {
    let primary = keys.primary_id();
    let mut moved = 0;
    for sealed in store.sealed_elsewhere(&primary, PER_LOOK).await? {
        match reseal_one(store, keys, &sealed).await {
            Ok(true) => moved += 1,
            Ok(false) => {}
            // A value no key here reads stays as it is (and keeps its key from retiring).
            Err(e) => {
                tracing::warn!(error = %e, at = ?sealed.at, "a stored secret could not be re-encrypted")
            }
        }
    }
    Ok(moved)
}

async fn reseal_one(store: &dyn Store, keys: &Keyring, sealed: &Sealed) -> anyhow::Result<bool> {
    let purpose = purpose(&sealed.at);
    let plain = keys.decrypt(&sealed.value, &purpose)?;
    Ok(store
        .reseal(sealed, &keys.encrypt(&plain, &purpose))
        .await?)
}

/// A new key, kept in the store wrapped under the key in use, used from `every` × 4 on; its
/// text, for the operator to keep.
pub async fn rotate(
    store: &dyn Store,
    keys: &Keyring,
    every: std::time::Duration,
    now: i64,
) -> anyhow::Result<(WrappedKey, SecretString)> {
    if let Some(pending) = store
        .wrapped_keys()
        .await?
        .iter()
        .find(|w| w.use_from > now)
    {
        bail!(
            "key {} was added moments ago and is not in use yet; rotate again after it is",
            pending.id
        );
    }
    let text = MasterKey::generate_base64();
    let key = MasterKey::from_base64(&text)?;
    let wrapped = WrappedKey {
        id: key.id().to_string(),
        wrapped: keys.wrap(&text, key.id()),
        wrapped_by: keys.primary_id(),
        created_at: now,
        use_from: now + LOOKS_BEFORE_USE * every.as_secs().max(1) as i64,
    };
    store.add_wrapped_key(&wrapped).await?;
    Ok((wrapped, text))
}

/// Where a key stands.
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyState {
    pub id: String,
    /// `next` (not used yet), `inUse`, `old` (still holds secrets), `unused` (holds none).
    pub state: &'static str,
    /// Stored secrets encrypted under it.
    pub secrets: i64,
    /// It is this process's `SWITCHBOARD_MASTER_KEY`.
    pub configured: bool,
    pub use_from: Option<i64>,
}

pub async fn status(
    store: &dyn Store,
    keys: &Keyring,
    configured: &str,
    now: i64,
) -> anyhow::Result<Vec<KeyState>> {
    let counts = store.sealed_counts().await?;
    let wrapped = store.wrapped_keys().await?;
    let primary = keys.primary_id();
    let mut ids: Vec<String> = Vec::new();
    let every = std::iter::once(configured.to_string())
        .chain(wrapped.iter().map(|w| w.id.clone()))
        .chain(counts.iter().map(|(id, _)| id.clone()));
    for id in every {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids
        .into_iter()
        .map(|id| {
            let secrets = counts.iter().find(|(k, _)| *k == id).map_or(0, |(_, n)| *n);
            let use_from = wrapped.iter().find(|w| w.id == id).map(|w| w.use_from);
            let state = match () {
                _ if id == primary => "inUse",
                _ if use_from.is_some_and(|at| at > now) => "next",
                _ if secrets > 0 => "old",
                _ => "unused",
            };
            KeyState {
                configured: id == configured,
                id,
                state,
                secrets,
                use_from,
            }
        })
        .collect())
}

/// Forgets key `id` once nothing stored is under it and this process no longer has it as its
/// master key (so the operator has moved on to the new one).
pub async fn retire(
    store: &dyn Store,
    keys: &Keyring,
    configured: &str,
    id: &str,
) -> anyhow::Result<u64> {
    if id == configured {
        bail!("key {id} is SWITCHBOARD_MASTER_KEY here: set it to the newer key (on every instance) first");
    }
    if id == keys.primary_id() {
        bail!("key {id} is the key in use");
    }
    let counts = store.sealed_counts().await?;
    if let Some((_, n)) = counts.iter().find(|(k, _)| k == id).filter(|(_, n)| *n > 0) {
        bail!("{n} stored secrets are still encrypted under key {id}; wait until `keys status` shows none");
    }
    let forgotten = store.forget_key(id).await?;
    if forgotten == 0 && !keys.knows(id) {
        return Err(CryptoError::UnknownKey(id.to_string()).into());
    }
    Ok(forgotten)
}
