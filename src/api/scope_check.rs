//! Each data operation is allowed only by the unified scopes `scopes.yaml` says. A handler
//! declares what it does in its signature, `Scoped<op::EmailRead>`: the extractor finds the
//! account (as `AccountAuth` does) and refuses it with `scope.missing` unless one of its scopes
//! allows the operation.

use super::extract::AccountAuth;
use crate::error::ApiError;
use crate::scopes::Operation;
use crate::state::AppState;
use crate::store::AccountRecord;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::marker::PhantomData;

/// What a route does: groups of operations; any one operation of each group must be allowed.
pub trait Allowed {
    const REQUIRED: &'static [&'static [Operation]];
}

/// The markers routes declare, one per operation or choice of operations.
pub mod op {
    use super::{Allowed, Operation};

    macro_rules! markers {
        ($($marker:ident => [$($op:ident),+];)*) => {$(
            pub struct $marker;
            impl Allowed for $marker {
                const REQUIRED: &'static [&'static [Operation]] = &[&[$(Operation::$op),+]];
            }
        )*};
    }

    markers! {
        EmailRead => [EmailRead];
        EmailModify => [EmailModify];
        EmailSend => [EmailSend];
        EmailDrafts => [EmailDrafts];
        DraftsOrRead => [EmailDrafts, EmailRead];
        CalendarRead => [CalendarRead];
        CalendarWrite => [CalendarWrite];
        ContactsRead => [ContactsRead];
        ContactsWrite => [ContactsWrite];
        TasksRead => [TasksRead];
        TasksWrite => [TasksWrite];
    }

    /// Sending a draft: drafts, and sending.
    pub struct DraftsAndSend;
    impl Allowed for DraftsAndSend {
        const REQUIRED: &'static [&'static [Operation]] =
            &[&[Operation::EmailDrafts], &[Operation::EmailSend]];
    }
}

/// The account, once its scopes allow what the route does.
pub struct Scoped<A>(pub std::sync::Arc<AccountRecord>, pub PhantomData<A>);

impl<A: Allowed> FromRequestParts<AppState> for Scoped<A> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let AccountAuth(account) = AccountAuth::from_request_parts(parts, state).await?;
        for any in A::REQUIRED {
            state.require_any(&account, any)?;
        }
        Ok(Scoped(account, PhantomData))
    }
}
