//! Each data operation is allowed only by the unified scopes `scopes.yaml` says.

use crate::error::ApiError;
use crate::state::Services;
use crate::store::AccountRecord;

pub fn require(
    services: &Services,
    account: &AccountRecord,
    operation: &str,
) -> Result<(), ApiError> {
    require_any(services, account, &[operation])
}

/// Allowed when the account's scopes allow any one of `operations`.
pub fn require_any(
    services: &Services,
    account: &AccountRecord,
    operations: &[&str],
) -> Result<(), ApiError> {
    debug_assert!(
        operations.iter().all(|op| services.scopes.is_operation(op)),
        "unknown operation in {operations:?}"
    );
    if operations
        .iter()
        .any(|op| services.scopes.allows(&account.auth_scopes, op))
    {
        return Ok(());
    }
    let mut scopes: Vec<&str> = operations
        .iter()
        .flat_map(|op| services.scopes.scopes_allowing(op))
        .collect();
    scopes.sort_unstable();
    scopes.dedup();
    Err(ApiError::forbidden(
        "scope.missing",
        format!(
            "This account was not linked with a scope that allows {}. Request {} and re-authorize the account: \
             /v1/auth/authorize?accountId={}&scopes=<scopes>&…",
            operations.join(" or "),
            scopes.join(" or "),
            account.id
        ),
    ))
}
