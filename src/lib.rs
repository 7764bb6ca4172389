//! switchboard: a self-hosted unified API for Office 365 / Outlook.com accounts.

pub mod accounts;
pub mod api;
pub mod apps;
pub mod auth;
pub mod background;
pub mod bounded_map;
pub mod cli;
pub mod clock;
pub mod config;
pub mod error;
pub mod events;
pub mod guards;
pub mod keys;
pub mod metrics;
pub mod model;
pub mod owners;
pub mod portal;
pub mod providers;
pub mod scopes;
pub mod server;
pub mod service_accounts;
pub mod startup;
pub mod state;
pub mod store;
pub mod sync;
pub mod webhooks;
