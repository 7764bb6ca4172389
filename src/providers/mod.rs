//! Providers behind the unified API. The API speaks `model` and calls these traits; a provider
//! implements them over its own API. Office 365 (Microsoft Graph) is the one there is.

mod accounts;
mod calendar;
pub mod changes;
mod contacts;
mod direct;
pub mod error;
pub mod linking;
mod mail;
pub mod office365;
pub mod paging;
pub mod push;
pub mod service_accounts;
mod tasks;

pub use accounts::Accounts;
pub use calendar::{Availability, CalendarList, Calendars, Events, Series};
pub use changes::Changes;
pub use contacts::Contacts;
pub use direct::Direct;
pub use error::{Failure, ProviderError};
pub use linking::Linking;
pub use mail::{Drafts, Mail, MailFolders, MessageActions, Messages, Sending};
pub use push::Push;
pub use service_accounts::ServiceAccounts;
pub use tasks::Tasks;

/// Everything a provider offers an account.
pub trait Provider:
    Accounts + Linking + ServiceAccounts + Mail + Calendars + Contacts + Tasks + Direct + Changes + Push
{
}

impl<T> Provider for T where
    T: Accounts
        + Linking
        + ServiceAccounts
        + Mail
        + Calendars
        + Contacts
        + Tasks
        + Direct
        + Changes
        + Push
{
}
