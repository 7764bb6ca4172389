//! Opaque page tokens: where the next page is (Graph's nextLink, verbatim) and how the listing
//! was asked for, encrypted and bound to the account and the listing they were issued for
//! (`messages`, `events:{calendar}`, `tasks:{list}`, …). They survive restarts (the master key
//! does) and cannot be forged, nor used on another account or another listing.

use crate::error::ApiError;
use crate::state::Services;
use crate::store::AccountRecord;
use serde::{de::DeserializeOwned, Serialize};

fn purpose(account: &AccountRecord, listing: &str) -> String {
    format!("page:{}:{listing}", account.id)
}

pub fn issue<T: Serialize>(
    services: &Services,
    account: &AccountRecord,
    listing: &str,
    state: &T,
) -> String {
    let json = serde_json::to_vec(state).expect("page state serialises");
    services.keys.encrypt(&json, &purpose(account, listing))
}

/// The state behind a page token; its `next` URL must be on the Graph base.
pub fn open<T: DeserializeOwned>(
    services: &Services,
    account: &AccountRecord,
    listing: &str,
    token: &str,
    next: impl Fn(&T) -> &str,
) -> Result<T, ApiError> {
    let invalid = || {
        ApiError::bad_request(
            "pageToken.invalid",
            "pageToken is not valid for this listing of this account; start again without it.",
        )
    };
    let bytes = services
        .keys
        .decrypt(token, &purpose(account, listing))
        .map_err(|_| invalid())?;
    let state: T = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if !services.graph.is_graph_url(next(&state)) {
        return Err(invalid());
    }
    Ok(state)
}
