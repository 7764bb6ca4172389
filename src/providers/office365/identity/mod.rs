//! The Microsoft identity platform: the token endpoint, linking and imports, who signed in,
//! the token life cycle (refresh flights, rotation, dead grants) and what each AADSTS refusal means.

pub mod aadsts;
pub mod azure;
pub mod daemon;
mod dead;
pub mod flight;
pub mod held;
pub mod import;
pub mod linking;
pub mod profile;
pub mod refresh;
pub mod session;
pub mod token_client;
