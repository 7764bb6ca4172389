//! Providers behind the unified API. Office 365 (Microsoft Graph) is the one there is.

pub mod office365;
