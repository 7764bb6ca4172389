//! What every request handler can reach. Built once at start.

use crate::auth::refresh::Refresher;
use crate::config::Settings;
use crate::providers::office365::folders::FolderCache;
use crate::providers::office365::graph::GraphClient;
use crate::providers::office365::token_client::TokenClient;
use crate::scopes::ScopeCatalog;
use crate::store::crypto::Keyring;
use crate::store::Store;
use std::sync::Arc;

pub struct Services {
    pub settings: Settings,
    pub store: Arc<dyn Store>,
    pub keys: Keyring,
    pub scopes: ScopeCatalog,
    pub tokens: TokenClient,
    pub graph: GraphClient,
    pub refresher: Refresher,
    pub folders: FolderCache,
    pub signin_limit: crate::portal::limit::SignInLimiter,
    pub hashing: crate::owners::Hashing,
    pub large_bodies: crate::api::large_bodies::LargeBodyBudget,
    pub metrics: Arc<crate::metrics::Metrics>,
}

pub type AppState = Arc<Services>;

/// Now, in Unix seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}
