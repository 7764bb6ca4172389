//! The stable error codes of the API: what a caller may match on. The strings never change;
//! a new situation gets a new code.

/// One error code, spelt in the answer as its string.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
pub enum Code {
    #[strum(serialize = "account.notFound")]
    AccountNotFound,
    #[strum(serialize = "account.notServiceAccount")]
    AccountNotServiceAccount,
    #[strum(serialize = "account.serviceAccount")]
    AccountServiceAccount,
    #[strum(serialize = "accountId.invalid")]
    AccountIdInvalid,
    #[strum(serialize = "accountId.missing")]
    AccountIdMissing,
    #[strum(serialize = "app.office365.missing")]
    AppOffice365Missing,
    #[strum(serialize = "app.office365.rejected")]
    AppOffice365Rejected,
    #[strum(serialize = "app.publicClient")]
    AppPublicClient,
    #[strum(serialize = "app.unknown")]
    AppUnknown,
    #[strum(serialize = "attachment.tooLarge")]
    AttachmentTooLarge,
    #[strum(serialize = "auth.accountMismatch")]
    AuthAccountMismatch,
    #[strum(serialize = "auth.accountNotFound")]
    AuthAccountNotFound,
    #[strum(serialize = "auth.adminConsentRequired")]
    AuthAdminConsentRequired,
    #[strum(serialize = "auth.appMisconfigured")]
    AuthAppMisconfigured,
    #[strum(serialize = "auth.blockedByPolicy")]
    AuthBlockedByPolicy,
    #[strum(serialize = "auth.declined")]
    AuthDeclined,
    #[strum(serialize = "auth.expired")]
    AuthExpired,
    #[strum(serialize = "auth.failed")]
    AuthFailed,
    #[strum(serialize = "auth.internal")]
    AuthInternal,
    #[strum(serialize = "auth.noAccess")]
    AuthNoAccess,
    #[strum(serialize = "auth.profileUnavailable")]
    AuthProfileUnavailable,
    #[strum(serialize = "auth.scopesNotGranted")]
    AuthScopesNotGranted,
    #[strum(serialize = "auth.unavailable")]
    AuthUnavailable,
    #[strum(serialize = "auth.userError")]
    AuthUserError,
    #[strum(serialize = "badRequest")]
    BadRequest,
    #[strum(serialize = "code.expired")]
    CodeExpired,
    #[strum(serialize = "code.invalid")]
    CodeInvalid,
    #[strum(serialize = "code.used")]
    CodeUsed,
    #[strum(serialize = "conflict")]
    Conflict,
    #[strum(serialize = "direct.path")]
    DirectPath,
    #[strum(serialize = "draft.notFound")]
    DraftNotFound,
    #[strum(serialize = "event.notSeries")]
    EventNotSeries,
    #[strum(serialize = "folders.fixed")]
    FoldersFixed,
    #[strum(serialize = "id.invalid")]
    IdInvalid,
    #[strum(serialize = "import.accountMismatch")]
    ImportAccountMismatch,
    #[strum(serialize = "import.noAccess")]
    ImportNoAccess,
    #[strum(serialize = "import.otherClient")]
    ImportOtherClient,
    #[strum(serialize = "import.tokenRejected")]
    ImportTokenRejected,
    #[strum(serialize = "internal")]
    Internal,
    #[strum(serialize = "mailbox.notFound")]
    MailboxNotFound,
    #[strum(serialize = "mailbox.restricted")]
    MailboxRestricted,
    #[strum(serialize = "message.tooLarge")]
    MessageTooLarge,
    #[strum(serialize = "methodNotAllowed")]
    MethodNotAllowed,
    #[strum(serialize = "notFound")]
    NotFound,
    #[strum(serialize = "notReady")]
    NotReady,
    #[strum(serialize = "link.used")]
    LinkUsed,
    #[strum(serialize = "notificationUrl.invalid")]
    NotificationUrlInvalid,
    #[strum(serialize = "notificationUrl.validationFailed")]
    NotificationUrlValidationFailed,
    #[strum(serialize = "occurrence.deleted")]
    OccurrenceDeleted,
    #[strum(serialize = "occurrence.notFound")]
    OccurrenceNotFound,
    #[strum(serialize = "pageToken.invalid")]
    PageTokenInvalid,
    #[strum(serialize = "payloadTooLarge")]
    PayloadTooLarge,
    #[strum(serialize = "precondition.failed")]
    PreconditionFailed,
    #[strum(serialize = "precondition.required")]
    PreconditionRequired,
    #[strum(serialize = "provider.badRequest")]
    ProviderBadRequest,
    #[strum(serialize = "provider.badResponse")]
    ProviderBadResponse,
    #[strum(serialize = "provider.busy")]
    ProviderBusy,
    #[strum(serialize = "provider.error")]
    ProviderError,
    #[strum(serialize = "provider.forbidden")]
    ProviderForbidden,
    #[strum(serialize = "provider.outcomeUnknown")]
    ProviderOutcomeUnknown,
    #[strum(serialize = "provider.throttled")]
    ProviderThrottled,
    #[strum(serialize = "provider.timeout")]
    ProviderTimeout,
    #[strum(serialize = "provider.unavailable")]
    ProviderUnavailable,
    #[strum(serialize = "provider.unreachable")]
    ProviderUnreachable,
    #[strum(serialize = "query.untranslatable")]
    QueryUntranslatable,
    #[strum(serialize = "recurrence.unsupported")]
    RecurrenceUnsupported,
    #[strum(serialize = "request.bodyTimeout")]
    RequestBodyTimeout,
    #[strum(serialize = "request.timeout")]
    RequestTimeout,
    #[strum(serialize = "responseType.unsupported")]
    ResponseTypeUnsupported,
    #[strum(serialize = "returnUrl.unregistered")]
    ReturnUrlUnregistered,
    #[strum(serialize = "scope.invalid")]
    ScopeInvalid,
    #[strum(serialize = "scope.missing")]
    ScopeMissing,
    #[strum(serialize = "scopes.notGranted")]
    ScopesNotGranted,
    #[strum(serialize = "server.busy")]
    ServerBusy,
    #[strum(serialize = "serviceType.unsupported")]
    ServiceTypeUnsupported,
    /// The provider lost track of a sync's changes (used between the provider and the engine).
    #[strum(serialize = "subscription.notFound")]
    SubscriptionNotFound,
    #[strum(serialize = "subscription.resourceInvalid")]
    SubscriptionResourceInvalid,
    #[strum(serialize = "sync.reset")]
    SyncReset,
    #[strum(serialize = "syncToken.expired")]
    SyncTokenExpired,
    #[strum(serialize = "syncToken.invalid")]
    SyncTokenInvalid,
    #[strum(serialize = "token.dead")]
    TokenDead,
    #[strum(serialize = "token.invalid")]
    TokenInvalid,
    #[strum(serialize = "token.refresh.busy")]
    TokenRefreshBusy,
    #[strum(serialize = "token.refresh.failed")]
    TokenRefreshFailed,
    #[strum(serialize = "token.refresh.retry")]
    TokenRefreshRetry,
    #[strum(serialize = "unauthorized")]
    Unauthorized,
    #[strum(serialize = "unsupportedMediaType")]
    UnsupportedMediaType,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use strum::VariantArray;

    #[test]
    fn every_code_is_one_camel_case_string_that_reads_back() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::VARIANTS {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert_eq!(Code::from_str(text).ok(), Some(*code));
            assert!(
                text.split('.').all(|part| part
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_lowercase())
                    && part.chars().all(|c| c.is_ascii_alphanumeric())),
                "{text}"
            );
        }
    }
}
