//! Microsoft Graph over HTTP: the client (mailbox gates, throttling, retries), requests and
//! answers, errors decoded, the audited list of requests switchboard makes, and the direct API.

pub mod client;
pub mod connect;
pub mod direct;
pub mod direct_links;
pub mod errors;
pub mod mailbox_gate;
pub mod per_thread;
pub mod request;
pub mod shapes;
pub mod shared_slots;
pub mod surface;
pub mod transport;
pub mod values;
