//! The SQLite backend: one file, WAL journal, foreign keys on, migrations embedded in the
//! binary. Account look-ups by token have a connection of their own with a page cache large
//! enough for the accounts' pages (see `token_lookups`); the other statements share a pool.

super::dialect::statements!(SqliteStore, sqlx::Sqlite: accounts, apps, auth, deliveries, mailbox_slots, meta, owners, sealed, sync, tokens, webhooks);

use super::token_lookups::TokenLookups;
use super::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// The page cache of the look-up connection, at most (in KiB, as SQLite takes it negated): the
/// pages an account's look-up reads are about 400 bytes an account, so this holds those of about
/// 160,000 accounts; beyond, pages are read from the system's file cache as needed.
///
/// Not a memory map: RSS counts a mapped page once for every connection that maps it, and the
/// look-ups, though on one connection, are not the only reads of the accounts.
const LOOKUP_CACHE_KIB: u32 = 64 << 10;

#[derive(Clone)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
    pub(super) hot: std::sync::Arc<super::hot::HotCache>,
    pub(super) lookups: TokenLookups,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let file = options.get_filename().to_path_buf();
        if url.contains("mode=rwc") {
            create_private(&file)?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        make_private(&file)?;
        let lookups = if in_memory(&file) {
            // An in-memory database is seen only through the pool that made it.
            pool.clone()
        } else {
            // Opened at the first look-up (a command of the CLI makes none) and then kept: its
            // value is its cache, which a pool's usual recycling (idle 10 min, at most 30) would
            // empty.
            SqlitePoolOptions::new()
                .max_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_lazy_with(options.pragma("cache_size", format!("-{LOOKUP_CACHE_KIB}")))
        };
        Ok(SqliteStore {
            lookups: accounts::token_lookups(lookups),
            pool,
            hot: Default::default(),
        })
    }
}

/// Whether the database has no file (`:memory:`, or no name).
fn in_memory(file: &Path) -> bool {
    file.as_os_str().is_empty() || file.as_os_str() == ":memory:"
}

/// The three files of a database (`x.db`, `x.db-wal`, `x.db-shm`); none for an in-memory one.
fn database_files(file: &Path) -> Vec<PathBuf> {
    if in_memory(file) {
        return vec![];
    }
    let name = file.as_os_str().to_string_lossy();
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| PathBuf::from(format!("{name}{suffix}")))
        .collect()
}

/// Creates a missing database file readable by this user only; SQLite gives its WAL and shared
/// memory files the same mode.
fn create_private(file: &Path) -> Result<(), StoreError> {
    let Some(main) = database_files(file).into_iter().next() else {
        return Ok(());
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&main) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Io(format!("{}: {e}", main.display()))),
    }
}

/// Database files made by an older build, or by hand, are narrowed to this user (0600).
fn make_private(file: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    for f in database_files(file).into_iter().filter(|f| f.exists()) {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&f)
            .map_err(|e| StoreError::Io(format!("{}: {e}", f.display())))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| StoreError::Io(format!("{}: {e}", f.display())))?;
            tracing::warn!(file = %f.display(), "the database file was readable by others; it is now 0600");
        }
    }
    Ok(())
}
