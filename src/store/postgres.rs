//! The PostgreSQL backend, for a fleet of instances on one database: a connection pool sized
//! from the URL (`?max_connections=N`, default 16) with TLS as the URL's `sslmode` says, its
//! connections checked before use only after sitting idle, migrations embedded in the binary
//! and run at start — safely when several instances start at once (sqlx takes an advisory lock
//! around them).

super::dialect::statements!(PgStore, sqlx::Postgres: accounts, apps, auth, deliveries, mailbox_slots, meta, owners, sealed, sync, tokens, webhooks);

use super::token_lookups::TokenLookups;
use super::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::str::FromStr;
use std::time::Duration;

/// How long a connection may sit idle and still be used without a check.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct PgStore {
    pub(super) pool: PgPool,
    pub(super) hot: std::sync::Arc<super::hot::HotCache>,
    pub(super) lookups: TokenLookups,
}

/// The pool size a URL asks for (`max_connections`), which PostgreSQL itself must not see.
fn pool_size(url: &str) -> Result<(String, u32), StoreError> {
    let mut parsed =
        url::Url::parse(url).map_err(|e| StoreError::Corrupt(format!("the database URL: {e}")))?;
    let mut size = 16;
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter_map(|(k, v)| {
            if k == "max_connections" {
                size = v.parse().unwrap_or(0);
                None
            } else {
                Some((k.into_owned(), v.into_owned()))
            }
        })
        .collect();
    if size == 0 {
        return Err(StoreError::Corrupt(
            "max_connections in the database URL must be a positive number".into(),
        ));
    }
    parsed.set_query(None);
    if !kept.is_empty() {
        parsed.query_pairs_mut().extend_pairs(kept);
    }
    Ok((parsed.to_string(), size))
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let (url, size) = pool_size(url)?;
        let options = PgConnectOptions::from_str(&url)?;
        let pool = PgPoolOptions::new()
            .max_connections(size)
            .acquire_timeout(Duration::from_secs(10))
            // A connection that sat idle a while is checked before use (the server may have
            // restarted, a firewall may have dropped it; a failed check closes it and another
            // is taken); one in steady use is not, which would cost every query a second round
            // trip.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= CHECK_AFTER_IDLE {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PgStore {
            lookups: accounts::token_lookups(pool.clone()),
            pool,
            hot: Default::default(),
        })
    }
}
