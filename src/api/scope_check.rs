//! Each data operation is allowed only by the unified scopes `scopes.yaml` says.

use crate::error::ApiError;
use crate::state::Services;
use crate::store::AccountRecord;

pub fn require(
    services: &Services,
    account: &AccountRecord,
    operation: &str,
) -> Result<(), ApiError> {
    debug_assert!(
        services.scopes.is_operation(operation),
        "unknown operation {operation}"
    );
    if services.scopes.allows(&account.auth_scopes, operation) {
        return Ok(());
    }
    let options = services.scopes.scopes_allowing(operation).join(" or ");
    Err(ApiError::forbidden(
        "scope.missing",
        format!(
            "This account was not linked with a scope that allows {operation}. Request {options} and re-authorize the account: \
             /v1/auth/authorize?accountId={}&scopes=<scopes>&…",
            account.id
        ),
    ))
}
