//! Taking up master keys added by rotation, and re-encrypting stored secrets under the newest,
//! every `keys_every` (see `crate::keys`). Finding the secrets to move reads every sealed column,
//! so that is done only while there may be some: at start, when the key in use changes, and
//! until a pass finds none.

use crate::state::AppState;

pub async fn keys(state: AppState) {
    let mut tick = tokio::time::interval(state.settings.jobs.keys_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut settled_under: Option<String> = None;
    loop {
        tick.tick().await;
        let store = state.store.as_ref();
        match crate::keys::take_up(store, &state.keys).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(keys = n, "took up master keys added by rotation"),
            Err(e) => tracing::warn!(error = %e, "master keys could not be read"),
        }
        let primary = state.keys.primary_id();
        if settled_under.as_ref() == Some(&primary) {
            continue;
        }
        match crate::keys::reseal_pass(store, &state.keys).await {
            Ok(0) => settled_under = Some(primary),
            Ok(n) => tracing::info!(
                secrets = n,
                "re-encrypted stored secrets under the newest master key"
            ),
            Err(e) => tracing::warn!(error = %e, "re-encryption pass failed"),
        }
    }
}
