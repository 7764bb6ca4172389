//! What every request looks up — its account token's account, an app by client id — held in
//! memory for at most the cache bound (`SWITCHBOARD_CACHE_SECONDS`). A write through this
//! process forgets what it changed at once; a change made by another instance (or the CLI) is seen
//! here within the bound. Off (every look-up reads the database) until the service sets a bound.

use crate::bounded_map::{bounded, BoundedMap, CAPACITY};
use crate::store::{AccountRecord, AppRecord};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

struct Held<T> {
    value: Arc<T>,
    at: Instant,
}

impl<T> Clone for Held<T> {
    fn clone(&self) -> Self {
        Held {
            value: self.value.clone(),
            at: self.at,
        }
    }
}

struct Maps {
    bound: Duration,
    /// Account token hash → account id: only a hint, since a look-up by token whose account is
    /// not held reads by token again (a revoked token is then not found).
    tokens: BoundedMap<Vec<u8>, i64>,
    accounts: BoundedMap<i64, Held<AccountRecord>>,
    apps: BoundedMap<String, Held<AppRecord>>,
}

#[derive(Default)]
pub struct HotCache {
    maps: OnceLock<Maps>,
}

impl HotCache {
    /// Holds look-ups for `bound` from now on (zero: never). Set once, at start.
    pub fn hold_for(&self, bound: Duration) {
        if bound.is_zero() {
            return;
        }
        let _ = self.maps.set(Maps {
            bound,
            tokens: bounded(CAPACITY, bound),
            accounts: bounded(CAPACITY, bound),
            apps: bounded(CAPACITY, bound),
        });
    }

    fn fresh<K, Q, T>(maps: &Maps, map: &BoundedMap<K, Held<T>>, key: &Q) -> Option<Arc<T>>
    where
        K: std::hash::Hash + Eq + std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        map.get(key)
            .filter(|h| h.at.elapsed() < maps.bound)
            .map(|h| h.value)
    }

    pub fn account_by_token(&self, token_hash: &[u8]) -> Option<Arc<AccountRecord>> {
        let maps = self.maps.get()?;
        let id = maps.tokens.get(token_hash)?;
        Self::fresh(maps, &maps.accounts, &id)
    }

    pub fn account(&self, app_id: i64, id: i64) -> Option<Arc<AccountRecord>> {
        let maps = self.maps.get()?;
        Self::fresh(maps, &maps.accounts, &id).filter(|a| a.app_id == app_id)
    }

    /// Keeps an account just read (by `token_hash`, when it was read by token).
    pub fn keep_account(&self, account: &Arc<AccountRecord>, token_hash: Option<&[u8]>) {
        let Some(maps) = self.maps.get() else { return };
        if let Some(hash) = token_hash {
            maps.tokens.insert(hash.to_vec(), account.id);
        }
        maps.accounts.insert(
            account.id,
            Held {
                value: account.clone(),
                at: Instant::now(),
            },
        );
    }

    pub fn app(&self, client_id: &str) -> Option<AppRecord> {
        let maps = self.maps.get()?;
        Self::fresh(maps, &maps.apps, client_id).map(|a| (*a).clone())
    }

    pub fn keep_app(&self, app: &AppRecord) {
        let Some(maps) = self.maps.get() else { return };
        maps.apps.insert(
            app.client_id.clone(),
            Held {
                value: Arc::new(app.clone()),
                at: Instant::now(),
            },
        );
    }

    /// After a write to this account (its status, tokens, permissions).
    pub fn forget_account(&self, id: i64) {
        if let Some(maps) = self.maps.get() {
            maps.accounts.invalidate(&id);
        }
    }

    /// After a deletion, which may take other accounts with it (a service account's managed
    /// accounts, an app's accounts).
    pub fn forget_accounts(&self) {
        if let Some(maps) = self.maps.get() {
            maps.accounts.invalidate_all();
        }
    }

    /// After a write to an app.
    pub fn forget_apps(&self) {
        if let Some(maps) = self.maps.get() {
            maps.apps.invalidate_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(id: i64) -> AppRecord {
        AppRecord {
            id,
            client_id: format!("client{id}"),
            name: "A".into(),
            secret_hash: vec![1; 32],
            owner_id: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn nothing_is_held_until_a_bound_is_set() {
        let hot = HotCache::default();
        hot.keep_app(&app(1));
        assert!(hot.app("client1").is_none());
        hot.hold_for(Duration::ZERO);
        hot.keep_app(&app(1));
        assert!(hot.app("client1").is_none());
    }

    #[test]
    fn a_held_app_is_served_until_the_bound_then_read_again() {
        let hot = HotCache::default();
        hot.hold_for(Duration::from_millis(200));
        hot.keep_app(&app(1));
        assert_eq!(hot.app("client1").map(|a| a.id), Some(1));
        hot.forget_apps();
        assert!(hot.app("client1").is_none(), "forgotten after a write");
        hot.keep_app(&app(1));
        std::thread::sleep(Duration::from_millis(250));
        assert!(hot.app("client1").is_none(), "not served past the bound");
    }
}
