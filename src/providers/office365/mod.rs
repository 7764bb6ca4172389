//! Office 365 / Outlook.com: the identity platform and Microsoft Graph, behind one `Office365`
//! value that owns its Graph client, token client, refresh flights, folder cache and catalogue.

pub mod calendar;
pub mod catalog;
mod changes;
pub mod contacts;
pub mod graph;
pub mod identity;
pub mod mail;
mod push;
#[cfg(test)]
mod scope_mapping_tests;
pub mod tasks;
pub mod time;

use crate::config::Settings;
use crate::metrics::Metrics;
use crate::providers::error::ProviderError;
use crate::providers::office365::graph::per_thread::PerThread;
use crate::providers::office365::graph::shared_slots::SharedSlots;
use crate::providers::office365::graph::transport;
use crate::scopes::ScopeCatalog;
use crate::store::crypto::Keyring;
use crate::store::{AccountRecord, Store};
use catalog::Office365Catalog;
use graph::client::GraphClient;
use identity::refresh::Refresher;
use identity::token_client::TokenClient;
use mail::well_known::FolderCache;
use serde::de::DeserializeOwned;
use std::sync::Arc;

pub struct Office365 {
    /// `providers/office365.yaml`: permissions, throttling, what each AADSTS code means.
    pub catalog: Arc<Office365Catalog>,
    pub graph: GraphClient,
    pub tokens: TokenClient,
    pub refresher: Refresher,
    pub folders: FolderCache,
    pub store: Arc<dyn Store>,
    pub keys: Arc<Keyring>,
    pub scopes: Arc<ScopeCatalog>,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    /// The direct API's paging-link rewriter, made once (see `graph::direct`).
    pub(in crate::providers::office365) links: graph::direct_links::LinkRewriter,
}

impl Office365 {
    /// The provider over `http` (for the identity platform; Graph has its own), with the identity platform and Graph addresses from `settings`.
    pub fn new(
        http: reqwest::Client,
        store: Arc<dyn Store>,
        keys: Arc<Keyring>,
        catalog: Arc<Office365Catalog>,
        scopes: Arc<ScopeCatalog>,
        settings: Arc<Settings>,
        metrics: Arc<Metrics>,
    ) -> Self {
        let graph = GraphClient::new(
            PerThread::new(transport::client),
            settings.office365_graph_url.clone(),
            catalog.throttling.clone(),
            &settings.limits,
            settings
                .slots_shared()
                .then(|| SharedSlots::new(store.clone())),
            metrics.clone(),
        );
        Office365 {
            links: graph::direct::link_rewriter(graph.base(), settings.public_url.as_str()),
            graph,
            tokens: TokenClient::new(
                http,
                settings.office365_login_url.clone(),
                settings.limits.provider_timeout,
            ),
            catalog,
            refresher: Refresher::default(),
            folders: FolderCache::default(),
            store,
            keys,
            scopes,
            settings,
            metrics,
        }
    }

    /// The state behind a page token this provider issued; its next link must be on Graph.
    fn open_page<T: DeserializeOwned>(
        &self,
        account: &AccountRecord,
        listing: &str,
        token: &str,
        next: impl Fn(&T) -> &str,
    ) -> Result<T, ProviderError> {
        let state: T = crate::providers::paging::open(&self.keys, account, listing, token)?;
        if !self.graph.is_graph_url(next(&state)) {
            return Err(crate::providers::paging::invalid());
        }
        Ok(state)
    }
}
