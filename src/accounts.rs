//! Removing an account, wherever it is asked (the account itself, the app, the portal): its push
//! channels at the provider are closed, the account goes with its tokens, subscriptions and
//! pending notifications, and the app is told (`account.deleted`). Before an app is deleted in the
//! portal, the push channels of its subscriptions are closed the same way.

use crate::clock::now;
use crate::error::ApiError;
use crate::state::Services;
use crate::store::AccountFilter;

/// Deletes the app's account (a service account with its managed accounts, each told);
/// `false` when it has no such account.
pub async fn delete(state: &Services, app_id: i64, account_id: i64) -> Result<bool, ApiError> {
    let managed = AccountFilter {
        service_account: Some(account_id),
        ..Default::default()
    };
    loop {
        let (page, _) = state.store.list_accounts(app_id, managed, 100, 0).await?;
        if page.is_empty() {
            break;
        }
        for m in page {
            delete_one(state, app_id, m.id).await?;
        }
    }
    delete_one(state, app_id, account_id).await
}

async fn delete_one(state: &Services, app_id: i64, account_id: i64) -> Result<bool, ApiError> {
    let (subscriptions, _) = state
        .store
        .list_subscriptions(account_id, true, 1000, 0)
        .await?;
    // Only if the account is this app's: another app's channels are not this caller's to close.
    for s in subscriptions.iter().filter(|s| s.app_id == app_id) {
        crate::webhooks::channels::close(state, s).await;
    }
    if !state.store.delete_account(app_id, account_id).await? {
        return Ok(false);
    }
    let details = crate::events::Details::default();
    let store = state.store.as_ref();
    crate::events::tell(
        store,
        app_id,
        Some(account_id),
        "account.deleted",
        details,
        now(),
    )
    .await?;
    tracing::info!(app_id, account_id, "account deleted");
    Ok(true)
}

/// Closes the push channels of every subscription of the app (before the app goes).
pub async fn close_app_channels(
    state: &Services,
    app_id: i64,
) -> Result<(), crate::store::StoreError> {
    for s in state.store.app_subscriptions(app_id, i64::MAX).await? {
        crate::webhooks::channels::close(state, &s).await;
    }
    Ok(())
}
