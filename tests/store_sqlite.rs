//! The store's contract (`tests/store/mod.rs`) on SQLite: each check on a new database file.

mod store;

use std::sync::Arc;
use switchboard::store::Store;

/// A new database file's URL, and the store on it.
async fn open_file() -> (String, Arc<dyn Store>) {
    let dir = std::env::temp_dir().join(format!("sb-store-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/store.db?mode=rwc", dir.display());
    let store = switchboard::store::connect(&url).await.unwrap();
    (url, store)
}

async fn open() -> Arc<dyn Store> {
    open_file().await.1
}

conformance!(open();
    an_account_linked_twice_is_one_account,
    a_service_accounts_managed_accounts_go_with_it,
    one_refresh_lease_at_a_time_and_rotation_is_kept,
    sessions_codes_and_links_are_used_once,
    a_state_is_recorded_once_until_something_else_happens,
    an_azure_registration_belongs_to_one_owner,
    a_mailbox_has_so_many_slots_and_a_dead_holders_free_themselves,
    a_wake_during_a_look_is_kept_for_the_next_look,
    a_channel_made_due_while_it_is_tended_stays_due,
    token_times_and_key_ids_read_as_written,
);

/// Reading many accounts never reads their tokens' rows (kilobytes each): the look-ups, the
/// search for idle accounts and the search for tokens under another key name the indexes of
/// token times and key ids, so without those indexes they fail instead of reading the rows.
#[tokio::test]
async fn account_reads_name_the_token_indexes() {
    use store::{app, link, NOW};
    use switchboard::store::AccountKind;
    let (url, s) = open_file().await;
    let a = app(s.as_ref(), "c1", None).await;
    let (acc, _) = s
        .link_account(&link(a.id, "u1", AccountKind::Personal), NOW)
        .await
        .unwrap();
    assert!(s.account(a.id, acc.id).await.unwrap().is_some());
    assert_eq!(s.idle_accounts(NOW + 1, 10).await.unwrap().len(), 1);
    assert!(s.sealed_elsewhere("keyAAAAA", 10).await.is_ok());

    let other = sqlx::SqlitePool::connect(&url).await.unwrap();
    for index in ["times", "access_key", "refresh_key"] {
        sqlx::query(&format!("DROP INDEX provider_tokens_{index}"))
            .execute(&other)
            .await
            .unwrap();
    }
    assert!(s.account(a.id, acc.id).await.is_err(), "the look-up");
    assert!(s.account_by_token(b"no such token").await.is_err());
    assert!(s.idle_accounts(NOW + 1, 10).await.is_err());
    assert!(s.sealed_elsewhere("keyAAAAA", 10).await.is_err());
}

/// Migration 16 moves the account tokens into a table kept in the order of their hashes: tokens
/// issued before it still find their accounts, and deleting an account still takes its tokens.
#[tokio::test]
async fn account_tokens_issued_before_the_move_to_their_own_b_tree_still_work() {
    use store::{app, link, NOW};
    use switchboard::store::AccountKind;
    let (url, s) = open_file().await;
    let a = app(s.as_ref(), "c1", None).await;
    let mut accounts = Vec::new();
    for user in ["u1", "u2"] {
        let (acc, _) = s
            .link_account(&link(a.id, user, AccountKind::Personal), NOW)
            .await
            .unwrap();
        s.insert_account_token(acc.id, user.as_bytes(), NOW)
            .await
            .unwrap();
        accounts.push(acc.id);
    }
    drop(s);

    // The tables as they were before migration 16 (0001's account_tokens), with these tokens.
    let mut before = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::raw_sql(
        "CREATE TABLE old_tokens (token_hash BLOB PRIMARY KEY, \
         account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE, \
         created_at INTEGER NOT NULL); \
         INSERT INTO old_tokens SELECT * FROM account_tokens; \
         DROP TABLE account_tokens; \
         ALTER TABLE old_tokens RENAME TO account_tokens; \
         CREATE INDEX account_tokens_account ON account_tokens (account_id); \
         DELETE FROM _sqlx_migrations WHERE version = 16;",
    )
    .execute(&mut before)
    .await
    .unwrap();
    sqlx::Connection::close(before).await.unwrap();

    let s = switchboard::store::connect(&url).await.unwrap();
    let raw = sqlx::SqlitePool::connect(&url).await.unwrap();
    let layout: (String,) =
        sqlx::query_as("SELECT sql FROM sqlite_master WHERE name = 'account_tokens'")
            .fetch_one(&raw)
            .await
            .unwrap();
    assert!(layout.0.contains("WITHOUT ROWID"), "{}", layout.0);
    for (user, id) in ["u1", "u2"].iter().zip(&accounts) {
        let found = s.account_by_token(user.as_bytes()).await.unwrap();
        assert_eq!(found.map(|acc| acc.id), Some(*id));
    }
    s.delete_account(a.id, accounts[0]).await.unwrap();
    assert!(s.account_by_token(b"u1").await.unwrap().is_none());
    assert!(s.account_by_token(b"u2").await.unwrap().is_some());
    let left: (i64,) = sqlx::query_as("SELECT count(*) FROM account_tokens")
        .fetch_one(&raw)
        .await
        .unwrap();
    assert_eq!(left.0, 1, "the deleted account's token went with it");
}
