//! Opaque page tokens: Graph's nextLink, encrypted and bound to the account it was issued for.
//! They survive restarts (the master key does) and cannot be forged or used on another account.

use crate::error::ApiError;
use crate::state::Services;
use crate::store::AccountRecord;

fn purpose(account: &AccountRecord) -> String {
    format!("page:{}", account.id)
}

pub fn issue(services: &Services, account: &AccountRecord, next_link: &str) -> String {
    services.keys.encrypt_str(next_link, &purpose(account))
}

/// The Graph URL behind a page token, checked to be on the Graph base.
pub fn open(services: &Services, account: &AccountRecord, token: &str) -> Result<String, ApiError> {
    let invalid = || {
        ApiError::bad_request(
            "pageToken.invalid",
            "pageToken is not valid for this account; start again without it.",
        )
    };
    let bytes = services
        .keys
        .decrypt(token, &purpose(account))
        .map_err(|_| invalid())?;
    let url = String::from_utf8(bytes.to_vec()).map_err(|_| invalid())?;
    if !services.graph.is_graph_url(&url) {
        return Err(invalid());
    }
    Ok(url)
}
