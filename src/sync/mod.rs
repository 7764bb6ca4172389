//! Delta sync, the same for every provider: a sync per account and feed, pulled from the
//! provider's delta as the app reads it, and split into the contract's two streams (updated and
//! deleted), each read through its own tokens.
//!
//! Every pulled page goes to the store's change log before the app sees any of it, and the sync's
//! provider cursor moves in the same write, only if nobody moved it meanwhile. So a restart loses
//! nothing, two readers at once never pull the same page twice into the log, and a change reaches
//! each stream once: a change replaces the same item's changes the app has not acknowledged yet.
//! A token acknowledges everything before it; acknowledged changes are forgotten.

mod tokens;

use crate::clock::now;
use crate::error::{ApiError, Code, ErrorKind};
use crate::model::rfc3339;
use crate::model::sync::{DeletedEmailMessage, Feed, SyncStatus};
use crate::providers::changes::ChangePage;
use crate::providers::Changes;
use crate::state::Services;
use crate::store::{AccountRecord, ChangeKind, LoggedChange, NewChange, Pulled, SyncRecord};
pub use tokens::SyncToken;

/// Records in one page of a stream.
pub const PAGE: usize = 100;
/// Provider pages pulled at most while answering one read.
const MAX_PULLS: usize = 10;

/// What a read of a stream gives: its records (JSON) and the token to go on with.
pub struct StreamPage {
    pub records: Vec<LoggedChange>,
    pub next: SyncToken,
}

pub(crate) fn expired(why: &str) -> ApiError {
    ApiError::new(
        ErrorKind::Gone,
        Code::SyncTokenExpired,
        format!("{why} Start the sync again (POST …/sync) and read from the new tokens."),
    )
}

/// Starts (or starts again) the account's sync of `feed`.
pub async fn start(
    state: &Services,
    account: &AccountRecord,
    feed: &Feed,
) -> Result<SyncStatus, ApiError> {
    let stream = feed.stream();
    let params = serde_json::to_string(feed).map_err(ApiError::internal)?;
    let sync = state
        .store
        .start_sync(account.id, &stream, &params, now())
        .await?;
    // The first page now: a feed the provider cannot follow is refused here, not later.
    pull_page(state, account, state.changes(account)?, feed, &sync).await?;
    let token = |kind| SyncToken {
        generation: sync.generation,
        kind,
        seq: 0,
        delta: true,
    };
    Ok(SyncStatus {
        sync_updated_token: token(ChangeKind::Updated).seal(&state.keys, account, &stream),
        sync_deleted_token: token(ChangeKind::Deleted).seal(&state.keys, account, &stream),
        ready: true,
    })
}

/// One page of the `kind` stream of the account's sync named `stream`, from `token` on.
pub async fn read(
    state: &Services,
    account: &AccountRecord,
    stream: &str,
    kind: ChangeKind,
    token: &str,
) -> Result<StreamPage, ApiError> {
    let token = SyncToken::open(&state.keys, account, stream, kind, token)?;
    let sync = current(state, account, stream, token.generation).await?;
    state.store.acknowledge(sync.id, kind, token.seq).await?;
    let (sync, mut records) = pull(state, account, sync, kind, token).await?;
    let more = records.len() > PAGE;
    records.truncate(PAGE);
    let next = SyncToken {
        seq: records.last().map_or(token.seq, |c| c.seq + 1),
        delta: !more && sync.round_complete,
        ..token
    };
    Ok(StreamPage { records, next })
}

/// The sync a token of `generation` belongs to, if it was not started again since.
async fn current(
    state: &Services,
    account: &AccountRecord,
    stream: &str,
    generation: i64,
) -> Result<SyncRecord, ApiError> {
    match state.store.sync(account.id, stream).await? {
        Some(sync) if sync.generation == generation => Ok(sync),
        Some(_) => Err(expired(
            "This sync was started again since this token was issued.",
        )),
        None => Err(expired("This sync no longer exists.")),
    }
}

/// Pulls provider pages into the log until the stream has more than a page waiting, the round
/// ends, or enough was asked of the provider for one read (a delta token starts a new round);
/// the sync as it stands then, and what waits in the stream (at most a page and one).
async fn pull(
    state: &Services,
    account: &AccountRecord,
    mut sync: SyncRecord,
    kind: ChangeKind,
    token: SyncToken,
) -> Result<(SyncRecord, Vec<LoggedChange>), ApiError> {
    let feed: Feed = serde_json::from_str(&sync.params).map_err(ApiError::internal)?;
    let provider = state.changes(account)?;
    let mut new_round = token.delta && sync.round_complete;
    let mut pulls = 0;
    loop {
        let waiting = state
            .store
            .logged(sync.id, kind, token.seq, PAGE as i64 + 1)
            .await?;
        let wanted = new_round || (!sync.round_complete && waiting.len() <= PAGE);
        if !wanted || pulls == MAX_PULLS {
            return Ok((sync, waiting));
        }
        new_round = false;
        pulls += 1;
        sync = pull_page(state, account, provider, &feed, &sync).await?;
    }
}

/// Pulls the provider's page at the sync's cursor into the log; the sync as it stands after.
async fn pull_page(
    state: &Services,
    account: &AccountRecord,
    provider: &dyn Changes,
    feed: &Feed,
    sync: &SyncRecord,
) -> Result<SyncRecord, ApiError> {
    let page = match provider
        .changes(account, feed, sync.cursor.as_deref())
        .await
    {
        Err(e) if e.code == Code::SyncReset => {
            state
                .store
                .start_sync(account.id, &sync.stream, &sync.params, now())
                .await?;
            return Err(expired(
                "The provider lost track of this mailbox's changes, so they cannot be told \
                 from here on without a gap.",
            ));
        }
        other => other?,
    };
    log(state, sync, &page).await?;
    current(state, account, &sync.stream, sync.generation).await
}

/// Logs a pulled page (nothing, if another reader moved the sync meanwhile). A deleted record is
/// the contract's `DeletedRecord` (`DeletedEmailMessage`, with its folder, for mail).
async fn log(state: &Services, sync: &SyncRecord, page: &ChangePage) -> Result<(), ApiError> {
    let at = now();
    let mut changes = Vec::with_capacity(page.updated.len() + page.deleted.len());
    for (id, record) in &page.updated {
        changes.push(NewChange {
            kind: ChangeKind::Updated,
            item_id: id.clone(),
            record: serde_json::to_string(record).map_err(ApiError::internal)?,
        });
    }
    for gone in &page.deleted {
        let record = DeletedEmailMessage {
            id: gone.id.clone(),
            folder_id: gone.folder_id.clone(),
            timestamp: rfc3339(at),
        };
        changes.push(NewChange {
            kind: ChangeKind::Deleted,
            item_id: gone.id.clone(),
            record: serde_json::to_string(&record).map_err(ApiError::internal)?,
        });
    }
    state
        .store
        .log_pulled(&Pulled {
            sync_id: sync.id,
            generation: sync.generation,
            from: sync.cursor.as_deref(),
            changes: &changes,
            cursor: &page.cursor,
            round_complete: page.round_complete,
            now: at,
        })
        .await?;
    Ok(())
}
