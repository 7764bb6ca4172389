//! The store's contract (`tests/store/mod.rs`) on PostgreSQL: each check in a new database of the
//! server `SWITCHBOARD_TEST_POSTGRES_URL` names (`.ci/run` starts a throwaway one). Built only
//! with `--features postgres-tests`.

mod store;

use std::sync::Arc;
use switchboard::store::Store;

async fn open() -> Arc<dyn Store> {
    open_at().await.0
}

/// A store on a new database, and that database's URL.
async fn open_at() -> (Arc<dyn Store>, String) {
    let server = std::env::var("SWITCHBOARD_TEST_POSTGRES_URL")
        .expect("SWITCHBOARD_TEST_POSTGRES_URL names a PostgreSQL server to test on");
    let name = format!("sb_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::PgPool::connect(&server).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let mut url = url::Url::parse(&server).unwrap();
    url.set_path(&name);
    let store = switchboard::store::connect(url.as_str()).await.unwrap();
    (store, url.to_string())
}

/// The pool checks a connection before use only after it sat idle (a check on every use would
/// cost every query a second round trip): connections the server dropped meanwhile (a restart, a
/// firewall) are closed and replaced, and the next call works.
#[tokio::test]
async fn connections_dropped_while_idle_are_replaced_before_use() {
    let (store, url) = open_at().await;
    assert!(store.app_by_client_id("none").await.unwrap().is_none());
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    let dropped: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&admin)
    .await
    .unwrap();
    admin.close().await;
    assert!(!dropped.is_empty(), "the store's connections were dropped");
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert!(
        store.app_by_client_id("none").await.unwrap().is_none(),
        "a fresh connection answers"
    );
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
