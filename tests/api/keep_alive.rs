//! Idle accounts stay alive: an account whose grant was not used for the configured days is
//! refreshed by the service on its own, once; one whose grant Microsoft revoked is marked dead.

use crate::helpers::{eventually, spawn_app_with, ADELE};
use std::time::Duration;

#[tokio::test]
async fn an_idle_account_is_refreshed_once_and_a_revoked_one_is_marked_dead() {
    let app = spawn_app_with(&[("SWITCHBOARD_KEEP_ALIVE_EVERY", "1")]).await;
    let client = app.create_client().await;
    app.add_user(ADELE);
    let l = app.link(&client, "Mail.Read").await;
    let before = app.ms.counters().refresh_grants;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        app.ms.counters().refresh_grants,
        before,
        "a fresh account is left alone"
    );

    let forty_days = 40 * 86_400;
    app.sql(&format!(
        "UPDATE provider_tokens SET refreshed_at = refreshed_at - {forty_days}"
    ))
    .await;
    let refreshed_at = format!(
        "SELECT CAST(refreshed_at AS TEXT) FROM provider_tokens WHERE account_id = {}",
        l.account_id
    );
    eventually("the keep-alive refresh", async || {
        let at: i64 = app.sql_text(&refreshed_at).await[0].parse().unwrap();
        at > chrono::Utc::now().timestamp() - 60
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.ms.counters().refresh_grants, before + 1, "once");

    // Another user, whose grant Microsoft revoked meanwhile.
    app.add_user("alexw@contoso.com");
    app.ms.sign_in_as("alexw@contoso.com");
    let revoked = app.link(&client, "Mail.Read").await;
    app.ms.revoke_user("alexw@contoso.com");
    app.sql(&format!(
        "UPDATE provider_tokens SET refreshed_at = refreshed_at - {forty_days} WHERE account_id = {}",
        revoked.account_id
    ))
    .await;
    eventually("the account marked dead", async || {
        let status = app
            .sql_text(&format!(
                "SELECT token_status FROM accounts WHERE id = {}",
                revoked.account_id
            ))
            .await;
        status[0] == "dead"
    })
    .await;
}
