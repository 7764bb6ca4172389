//! Building the application: key, store, mapping, router; binding; background tasks; shutdown.

use crate::api;
use crate::clock::now;
use crate::config::{MasterKeySource, Settings};
use crate::providers::office365::catalog::Office365Catalog;
use crate::providers::office365::Office365;
use crate::scopes::ScopeCatalog;
use crate::state::{AppState, Services};
use crate::store::crypto::{Keyring, MasterKey};
use crate::store::{self, Store};
use anyhow::{bail, Context};
use secrecy::{ExposeSecret, SecretString};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

const KEY_CHECK: &str = "key_check";
const KEY_CHECK_PLAINTEXT: &str = "switchboard";

/// The master key: the operator's, or a local file generated on first run.
pub fn load_master_key(source: &MasterKeySource) -> anyhow::Result<MasterKey> {
    let text = match source {
        MasterKeySource::Given(text) => text.clone(),
        MasterKeySource::LocalFile(path) if path.exists() => {
            tracing::warn!(path = %path.display(), "using the local master key file; set SWITCHBOARD_MASTER_KEY (or _FILE) in production");
            SecretString::from(
                std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read master key file {}", path.display()))?,
            )
        }
        MasterKeySource::Taken => bail!("the master key was already loaded"),
        MasterKeySource::LocalFile(path) => {
            let key = MasterKey::generate_base64();
            write_private(path, key.expose_secret())
                .with_context(|| format!("cannot write master key file {}", path.display()))?;
            tracing::warn!(
                "************************************************************************"
            );
            tracing::warn!(path = %path.display(), "NO MASTER KEY CONFIGURED: generated a new one in a local file.");
            tracing::warn!(
                "Back it up: without it the tokens in the database cannot be decrypted."
            );
            tracing::warn!(
                "In production set SWITCHBOARD_MASTER_KEY or SWITCHBOARD_MASTER_KEY_FILE."
            );
            tracing::warn!(
                "************************************************************************"
            );
            key
        }
    };
    MasterKey::from_base64(&text).context("SWITCHBOARD_MASTER_KEY")
}

pub fn write_private(path: &std::path::Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    writeln!(file, "{content}")
}

/// Opens the store and refuses to go on when the key cannot decrypt what it holds.
/// The key is taken out of `settings`.
pub async fn open_store(settings: &mut Settings) -> anyhow::Result<(Arc<dyn Store>, Keyring)> {
    let keys = Keyring::new(load_master_key(&settings.take_master_key())?);
    let store = store::connect(settings.database_url.expose_secret()).await?;
    crate::keys::take_up(store.as_ref(), &keys).await?;
    match store.meta(KEY_CHECK).await? {
        Some(sealed) => {
            let ok = keys
                .decrypt(&sealed, KEY_CHECK)
                .map(|p| p.as_slice() == KEY_CHECK_PLAINTEXT.as_bytes())
                .unwrap_or(false);
            if !ok {
                let stored_id = sealed.split('.').nth(1).unwrap_or("?");
                bail!(
                    "the master key (id {}) cannot decrypt this database (its data is encrypted with key id {stored_id}); \
                     set SWITCHBOARD_MASTER_KEY to the key it was created with",
                    keys.primary_id()
                );
            }
        }
        None => {
            store
                .put_meta(KEY_CHECK, &keys.encrypt_str(KEY_CHECK_PLAINTEXT, KEY_CHECK))
                .await?
        }
    }
    Ok((store, keys))
}

pub struct Application {
    listener: TcpListener,
    /// Where `/metrics` is served when it has an address of its own.
    metrics_listener: Option<TcpListener>,
    state: AppState,
}

/// A client for the identity platform: no redirects followed.
fn microsoft_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

impl Application {
    pub async fn build(mut settings: Settings) -> anyhow::Result<Self> {
        let catalog = Arc::new(Office365Catalog::load(settings.office365_file.as_deref())?);
        let scopes = ScopeCatalog::load(settings.scopes_file.as_deref(), catalog.clone())?;
        let (store, keys) = open_store(&mut settings).await?;
        store.hot().hold_for(settings.limits.cache_bound);
        let http = microsoft_client()?;
        let metrics = Arc::new(crate::metrics::Metrics::default());
        let settings = Arc::new(settings);
        let (scopes, keys) = (Arc::new(scopes), Arc::new(keys));
        let office365 = Office365::new(
            http,
            store.clone(),
            keys.clone(),
            catalog,
            scopes.clone(),
            settings.clone(),
            metrics.clone(),
        );
        let state = Arc::new(Services {
            office365,
            signin_limit: Default::default(),
            hashing: crate::owners::Hashing::new(
                settings.limits.password_hashing,
                settings.limits.queue_wait,
            ),
            large_bodies: Arc::new(crate::guards::large_bodies::LargeBodyBudget::new(
                settings.limits.large_body_budget,
                settings.limits.queue_wait,
                metrics.clone(),
            )),
            metrics,
            outbound: crate::webhooks::handshake::client(&settings.webhooks)?,
            wake_deliveries: tokio::sync::Notify::new(),
            wake_watches: tokio::sync::Notify::new(),
            scopes,
            keys,
            store,
            settings: settings.clone(),
        });
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        let metrics_listener = match settings.metrics_listen {
            Some(address) => Some(
                TcpListener::bind(address)
                    .await
                    .with_context(|| format!("cannot listen on {address} for metrics"))?,
            ),
            None => None,
        };
        Ok(Application {
            listener,
            metrics_listener,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_default()
    }

    /// Serves until SIGINT/SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let purge = tokio::spawn(purge_expired(self.state.clone()));
        let keep_alive = tokio::spawn(crate::background::keep_alive(self.state.clone()));
        let watches = tokio::spawn(crate::background::webhooks::watch(self.state.clone()));
        let deliveries = tokio::spawn(crate::background::webhooks::deliver(self.state.clone()));
        let keys = tokio::spawn(crate::background::keys::keys(self.state.clone()));
        tracing::info!(address = %self.listener.local_addr()?, redirect_uri = %self.state.settings.redirect_uri(), "switchboard is listening");
        let webhooks = &self.state.settings.webhooks;
        if webhooks.push {
            tracing::info!(endpoint = %crate::webhooks::channels::endpoint(&self.state, "Office365", false), "webhooks: Microsoft pushes changes here; it must reach this URL");
        } else {
            tracing::info!(every_seconds = webhooks.poll_every.as_secs(), "webhooks: no public https URL, so subscriptions' changes are looked for on a schedule (SWITCHBOARD_WEBHOOK_PUSH=on asks Microsoft to push them)");
        }
        let limits = self.state.settings.limits.clone();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let until_stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let metrics = self.metrics_listener.map(|listener| {
            let router = api::metrics_router(self.state.clone());
            let (limits, stopped) = (limits.clone(), stopped.clone());
            tokio::spawn(async move {
                crate::server::serve(listener, router, &limits, 0, None, until_stopped(stopped))
                    .await
            })
        });
        let main = crate::server::serve(
            self.listener,
            api::router(self.state.clone()),
            &limits,
            limits.lanes,
            Some(self.state.metrics.clone()),
            until_stopped(stopped),
        );
        tokio::pin!(main);
        tokio::select! {
            () = &mut main => {}
            () = shutdown_signal() => {
                let _ = stop.send(true);
                main.await;
            }
        }
        if let Some(metrics) = metrics {
            let _ = metrics.await;
        }
        purge.abort();
        keep_alive.abort();
        watches.abort();
        deliveries.abort();
        keys.abort();
        tracing::info!("stopped");
        Ok(())
    }
}

/// How long the delivery log keeps a notification once it was delivered or given up.
const DELIVERY_LOG_DAYS: i64 = 7;

async fn purge_expired(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        if let Err(e) = state.store.purge_expired(now()).await {
            tracing::warn!(error = %e, "could not purge expired sessions and codes");
        }
        let before = now() - DELIVERY_LOG_DAYS * 86_400;
        if let Err(e) = state.store.prune_deliveries(before).await {
            tracing::warn!(error = %e, "could not prune the delivery log");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutdown signal received; finishing requests in flight");
}

/// Logs to standard error: text (coloured on a terminal), or with `json` one JSON object per line
/// carrying the fields of the request's span (its `request_id`, method and route).
pub fn init_tracing(filter: &str, json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    let _ = if json {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .try_init()
    } else {
        let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
        builder.with_ansi(ansi).try_init()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_running_service_keeps_no_copy_of_the_master_key() {
        let dir = std::env::temp_dir().join(format!("switchboard-key-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = MasterKey::generate_base64();
        let env = [
            ("SWITCHBOARD_LISTEN", "127.0.0.1:0".to_string()),
            (
                "SWITCHBOARD_DATABASE_URL",
                format!("sqlite://{}/k.db?mode=rwc", dir.display()),
            ),
            ("SWITCHBOARD_MASTER_KEY", key.expose_secret().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let (settings, _) = Settings::from_sources(None, &env).unwrap();
        assert!(matches!(settings.master_key, MasterKeySource::Given(_)));
        let app = Application::build(settings).await.unwrap();
        assert!(matches!(
            app.state.settings.master_key,
            MasterKeySource::Taken
        ));
        assert!(app
            .state
            .keys
            .decrypt(&app.state.keys.encrypt(b"x", "p"), "p")
            .is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}
