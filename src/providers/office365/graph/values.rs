//! What the Graph mappings share: a case-insensitive table lookup, and the 400 for a value
//! Outlook cannot take.

use crate::error::Code;
use crate::providers::error::ProviderError;

/// The value `key` maps to in `table`, ignoring ASCII case.
pub(in crate::providers::office365) fn lookup(
    table: &[(&str, &'static str)],
    key: &str,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| *v)
}

/// A request Outlook cannot carry out as asked, refused with the reason.
pub(in crate::providers::office365) fn bad(message: impl Into<String>) -> ProviderError {
    ProviderError::invalid(Code::BadRequest, message)
}
