//! Work the service does on its own, beside requests: keeping idle accounts alive, telling apps
//! whose Azure secret expires soon, and (in `webhooks`) watching subscriptions and delivering
//! notifications. Each pass reads what is due from the store (nothing is scheduled in memory),
//! and each account's refresh takes the account's refresh lease as any refresh does, so several
//! instances on one database refresh an account once. Passes stop with the service.

pub mod keys;
pub mod webhooks;

use crate::clock::now;
use crate::state::AppState;
use crate::store::TokenStatus;
use std::time::Duration;

/// Accounts refreshed at most per pass, one after another, a little apart (token requests are
/// spread out rather than bursting at Microsoft's token endpoint).
const PER_PASS: i64 = 200;
const BETWEEN: Duration = Duration::from_millis(100);

/// An app whose Azure client secret ends within this long is told (`app.secretExpiring`).
const SECRET_WARNING: i64 = 14 * 86_400;

/// Tells each app whose Azure client secret ends soon (once per expiry date); how many.
pub async fn secret_expiry_pass(state: &AppState) -> anyhow::Result<usize> {
    let at = now();
    let mut told = 0;
    for app in state.store.list_apps().await? {
        let expires = state
            .store
            .office365(app.id)
            .await?
            .and_then(|o| o.secret_expires_at);
        let Some(expires_at) = expires.filter(|e| e - at < SECRET_WARNING) else {
            continue;
        };
        let details = crate::events::Details {
            expires_at: Some(expires_at),
            ..Default::default()
        };
        let store = state.store.as_ref();
        if crate::events::tell(store, app.id, None, "app.secretExpiring", details, at).await? {
            tracing::warn!(
                app_id = app.id,
                "the app's Azure client secret expires soon"
            );
            told += 1;
        }
    }
    Ok(told)
}

/// Runs the keep-alive pass (and the check of expiring secrets) every `keep_alive_every` until
/// the task is dropped.
pub async fn keep_alive(state: AppState) {
    let mut tick = tokio::time::interval(state.settings.jobs.keep_alive_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = keep_alive_pass(&state).await {
            tracing::warn!(error = %e, "keep-alive pass failed");
        }
        if let Err(e) = secret_expiry_pass(&state).await {
            tracing::warn!(error = %e, "secret expiry pass failed");
        }
    }
}

/// Refreshes the accounts whose grant was not used for `keep_alive_after`; how many it tried.
pub async fn keep_alive_pass(state: &AppState) -> anyhow::Result<usize> {
    let idle = state.settings.jobs.keep_alive_after.as_secs() as i64;
    let due = state.store.idle_accounts(now() - idle, PER_PASS).await?;
    let mut tried = 0;
    for account in due {
        let Ok(provider) = state.accounts(&account) else {
            continue;
        };
        tried += 1;
        match provider.keep_alive(&account).await {
            Ok(()) => tracing::info!(account_id = account.id, "idle account refreshed"),
            Err(e) => {
                let dead = state
                    .store
                    .account(account.app_id, account.id)
                    .await?
                    .is_some_and(|a| a.token_status == TokenStatus::Dead);
                tracing::warn!(account_id = account.id, code = %e.code, dead, "idle account could not be refreshed");
            }
        }
        tokio::time::sleep(BETWEEN).await;
    }
    Ok(tried)
}
