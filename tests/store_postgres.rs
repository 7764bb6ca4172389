//! The store's contract (`tests/store/mod.rs`) on PostgreSQL: each check in a new database of the
//! server `SWITCHBOARD_TEST_POSTGRES_URL` names (`.ci/run` starts a throwaway one). Built only
//! with `--features postgres-tests`.

mod store;

use std::sync::Arc;
use switchboard::store::Store;

async fn open() -> Arc<dyn Store> {
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
    switchboard::store::connect(url.as_str()).await.unwrap()
}

conformance!(open();
    an_account_linked_twice_is_one_account,
    a_service_accounts_managed_accounts_go_with_it,
    one_refresh_lease_at_a_time_and_rotation_is_kept,
    sessions_codes_and_links_are_used_once,
    a_state_is_recorded_once_until_something_else_happens,
    an_azure_registration_belongs_to_one_owner,
    a_mailbox_has_so_many_slots_and_a_dead_holders_free_themselves,
);
