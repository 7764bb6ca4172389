//! The SQLite backend: one file, WAL journal, read through a memory map, foreign keys on,
//! migrations embedded in the binary.

super::dialect::statements!(SqliteStore, sqlx::Sqlite: accounts, apps, auth, deliveries, mailbox_slots, meta, owners, sealed, sync, tokens, webhooks);

use super::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// How much of the database file is read through a memory map (address space, not memory: the
/// pages are the operating system's file cache).
const MMAP_SIZE: u64 = 256 << 20;

#[derive(Clone)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
    pub(super) hot: std::sync::Arc<super::hot::HotCache>,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Pages read through a shared memory map rather than a system call each (every
            // connection's own page cache is 2 MB; 100,000 accounts are tens of MB).
            .pragma("mmap_size", MMAP_SIZE.to_string());
        let file = options.get_filename().to_path_buf();
        if url.contains("mode=rwc") {
            create_private(&file)?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        make_private(&file)?;
        Ok(SqliteStore {
            pool,
            hot: Default::default(),
        })
    }
}

/// The three files of a database (`x.db`, `x.db-wal`, `x.db-shm`); none for an in-memory one.
fn database_files(file: &Path) -> Vec<PathBuf> {
    let name = file.as_os_str().to_string_lossy();
    if name.is_empty() || name == ":memory:" {
        return vec![];
    }
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
