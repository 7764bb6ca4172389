//! The store's contract (`tests/store/mod.rs`) on SQLite: each check on a new database file.

mod store;

use std::sync::Arc;
use switchboard::store::Store;

async fn open() -> Arc<dyn Store> {
    let dir = std::env::temp_dir().join(format!("sb-store-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}/store.db?mode=rwc", dir.display());
    switchboard::store::connect(&url).await.unwrap()
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
