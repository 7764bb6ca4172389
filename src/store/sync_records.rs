//! What the store keeps for delta sync: a sync per account and stream, and the log of changes
//! pulled from the provider that the app has not yet acknowledged, and the trait that keeps them.

use super::StoreResult;
use async_trait::async_trait;

/// One of the two streams an app reads a sync through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Updated,
    Deleted,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Updated => "updated",
            ChangeKind::Deleted => "deleted",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SyncRecord {
    pub id: i64,
    pub account_id: i64,
    /// `contacts`, `tasks:{list}`, `events:{calendar}`.
    pub stream: String,
    /// How the sync was asked for (JSON of the provider-neutral feed).
    pub params: String,
    pub generation: i64,
    /// The provider's own position; `None` before the first pull.
    pub cursor: Option<String>,
    /// Whether the provider's last round ended (a delta link, not a next link).
    pub round_complete: bool,
    pub updated_ack: i64,
    pub deleted_ack: i64,
}

impl SyncRecord {
    pub fn ack(&self, kind: ChangeKind) -> i64 {
        match kind {
            ChangeKind::Updated => self.updated_ack,
            ChangeKind::Deleted => self.deleted_ack,
        }
    }
}

/// A change to log: the item's id and what the app will be given (JSON).
#[derive(Debug, Clone)]
pub struct NewChange {
    pub kind: ChangeKind,
    pub item_id: String,
    pub record: String,
}

/// A page pulled from the provider, to be logged only if the sync still stands where the pull
/// started (`from`), so that two pulls at once never move it backwards.
pub struct Pulled<'a> {
    pub sync_id: i64,
    pub generation: i64,
    pub from: Option<&'a str>,
    pub changes: &'a [NewChange],
    pub cursor: &'a str,
    pub round_complete: bool,
    pub now: i64,
}

#[derive(Debug, Clone)]
pub struct LoggedChange {
    pub seq: i64,
    pub record: String,
}

/// Delta sync: where each sync stands and the changes not yet acknowledged.
#[async_trait]
pub trait SyncStore: Send + Sync {
    /// Starts (or starts again) the account's sync of `stream`: a new generation, nothing pulled,
    /// nothing logged.
    async fn start_sync(
        &self,
        account_id: i64,
        stream: &str,
        params: &str,
        now: i64,
    ) -> StoreResult<SyncRecord>;
    async fn sync(&self, account_id: i64, stream: &str) -> StoreResult<Option<SyncRecord>>;
    /// Logs a pulled page and moves the sync to its cursor, in one write; `false` (nothing
    /// written) when the sync no longer stands at `pulled.from` or was started again.
    /// A change replaces the same item's changes the app has not acknowledged yet (a deletion
    /// also drops its pending update).
    async fn log_pulled(&self, pulled: &Pulled<'_>) -> StoreResult<bool>;
    /// Changes of one kind from `from_seq` on, oldest first.
    async fn logged(
        &self,
        sync_id: i64,
        kind: ChangeKind,
        from_seq: i64,
        limit: i64,
    ) -> StoreResult<Vec<LoggedChange>>;
    /// The app has everything of `kind` before `seq`: forget it.
    async fn acknowledge(&self, sync_id: i64, kind: ChangeKind, seq: i64) -> StoreResult<()>;
}
