//! Decrypted access tokens held in memory, so that a call on a known account reads nothing from
//! the database. A held token is used while it is fresh and is the one the account record names
//! (same expiry: a refresh or a new sign-in elsewhere is seen when the record is read again,
//! within the cache bound); a token Graph refused is dropped. Bounded like the other maps; a
//! dropped token is zeroed.

use crate::bounded_map::{bounded, BoundedMap, CAPACITY, IDLE};
use crate::store::AccountRecord;
use secrecy::SecretString;
use std::sync::Arc;

struct Held {
    token: SecretString,
    expires_at: i64,
}

pub struct HeldTokens {
    tokens: BoundedMap<i64, Arc<Held>>,
}

impl Default for HeldTokens {
    fn default() -> Self {
        HeldTokens {
            tokens: bounded(CAPACITY, IDLE),
        }
    }
}

impl HeldTokens {
    /// The held token of this account if it is the one the account record names and is still
    /// good at `fresh_until`.
    pub fn get(&self, account: &AccountRecord, fresh_until: i64) -> Option<SecretString> {
        let held = self.tokens.get(&account.id)?;
        (held.expires_at > fresh_until && Some(held.expires_at) == account.access_expires_at)
            .then(|| held.token.clone())
    }

    pub fn keep(&self, account_id: i64, token: &SecretString, expires_at: i64) {
        self.tokens.insert(
            account_id,
            Arc::new(Held {
                token: token.clone(),
                expires_at,
            }),
        );
    }

    pub fn forget(&self, account_id: i64) {
        self.tokens.invalidate(&account_id);
    }
}
