//! Opaque page tokens: where the next page is (Graph's nextLink, verbatim) and how the listing
//! was asked for, encrypted and bound to the account and the listing they were issued for
//! (`messages`, `events:{calendar}`, `tasks:{list}`, …). They survive restarts (the master key
//! does) and cannot be forged, nor used on another account or another listing.

use crate::error::Code;
use crate::providers::error::ProviderError;
use crate::store::crypto::Keyring;
use crate::store::AccountRecord;
use serde::{de::DeserializeOwned, Serialize};

fn purpose(account: &AccountRecord, listing: &str) -> String {
    format!("page:{}:{listing}", account.id)
}

pub fn issue<T: Serialize>(
    keys: &Keyring,
    account: &AccountRecord,
    listing: &str,
    state: &T,
) -> String {
    let json = serde_json::to_vec(state).expect("page state serialises");
    keys.encrypt(&json, &purpose(account, listing))
}

/// The answer to a page token that is not this listing's.
pub fn invalid() -> ProviderError {
    ProviderError::invalid(
        Code::PageTokenInvalid,
        "pageToken is not valid for this listing of this account; start again without it.",
    )
}

/// The state behind a page token (the provider checks where its next link points).
pub fn open<T: DeserializeOwned>(
    keys: &Keyring,
    account: &AccountRecord,
    listing: &str,
    token: &str,
) -> Result<T, ProviderError> {
    let bytes = keys
        .decrypt(token, &purpose(account, listing))
        .map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
}
