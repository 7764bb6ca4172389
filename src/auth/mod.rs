//! Linking accounts: the link, Microsoft's callback, the code exchange, revocation.

pub mod callback;
pub mod daemon;
pub mod exchange;
pub mod hosted;
pub mod issue;
pub mod link;
pub mod revoke;
