//! Sync tokens: which generation of which sync, which stream, from which change on, and whether
//! the app had everything there was (a delta token) or is paging. Encrypted and bound to the
//! account and the stream, so they cannot be forged or used elsewhere; they name no provider URL.

use crate::error::{ApiError, Code};
use crate::store::crypto::{CryptoError, Keyring};
use crate::store::{AccountRecord, ChangeKind};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct SyncToken {
    #[serde(rename = "g")]
    pub generation: i64,
    #[serde(rename = "k")]
    pub kind: ChangeKind,
    /// The first change the app does not have yet.
    #[serde(rename = "s")]
    pub seq: i64,
    /// A delta token: the app had everything there was, so reading it starts a new round.
    #[serde(rename = "d")]
    pub delta: bool,
}

fn purpose(account: &AccountRecord, stream: &str) -> String {
    format!("sync:{}:{stream}", account.id)
}

impl SyncToken {
    pub fn seal(&self, keys: &Keyring, account: &AccountRecord, stream: &str) -> String {
        let json = serde_json::to_vec(self).expect("a sync token serialises");
        keys.encrypt(&json, &purpose(account, stream))
    }

    /// The token, if it was issued for this account's `stream` and is `kind`'s.
    pub fn open(
        keys: &Keyring,
        account: &AccountRecord,
        stream: &str,
        kind: ChangeKind,
        text: &str,
    ) -> Result<SyncToken, ApiError> {
        let invalid = || {
            ApiError::bad_request(
                Code::SyncTokenInvalid,
                format!(
                    "This token was not issued for the {} changes of this sync of this account; \
                     use the syncUpdatedToken or syncDeletedToken the sync started with, or a \
                     token a page of the same stream gave.",
                    kind.as_str()
                ),
            )
        };
        let bytes = keys
            .decrypt(text, &purpose(account, stream))
            .map_err(|e| match e {
                CryptoError::UnknownKey(_) => super::expired(
                    "This token was sealed with a master key that has since been retired.",
                ),
                _ => invalid(),
            })?;
        let token: SyncToken = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if token.kind != kind {
            return Err(invalid());
        }
        Ok(token)
    }
}
