//! `switchboard db copy`: a linked account moves from SQLite to PostgreSQL and keeps working.
//! Runs where the suite has a PostgreSQL server (`--features postgres-tests`).

use crate::helpers::spawn_app_with;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_linked_account_moves_from_sqlite_to_postgresql_and_keeps_working() {
    let dir = std::env::temp_dir().join(format!("sb-moving-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = format!("sqlite://{}/moving.db", dir.display());
    let app = spawn_app_with(&[("SWITCHBOARD_DATABASE_URL", &format!("{sqlite}?mode=rwc"))]).await;
    let client = app.create_client().await;
    app.add_user("adele@contoso.com");
    app.ms.add_messages(
        "adele@contoso.com",
        vec![crate::fake_microsoft::message(1, "Hi")],
    );
    let linked = app.link(&client, "Mail.Read").await;
    assert_eq!(
        app.as_account(&linked, "/v1/email/messages").await.status(),
        200
    );
    // The copy has to refresh with the refresh token it carried over.
    app.sql("UPDATE provider_tokens SET access_expires_at = 0")
        .await;

    let postgres = crate::database::for_test(&dir).await;
    assert!(postgres.starts_with("postgres"));
    let copied = app.cli_json(&["db", "copy", "--from", &sqlite, "--to", &postgres, "--json"]);
    assert_eq!(copied["copied"]["apps"], 1);
    assert_eq!(copied["copied"]["accounts"], 1);
    assert_eq!(copied["copied"]["account_tokens"], 1);
    assert_eq!(copied["copied"]["provider_tokens"], 1);

    let moved = app
        .spawn_replica_with(&[("SWITCHBOARD_DATABASE_URL", &postgres)])
        .await;
    let grants = app.ms.counters().refresh_grants;
    let r = app
        .http
        .get(format!("{moved}/v1/email/messages"))
        .bearer_auth(&linked.token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the account token and its account moved"
    );
    assert_eq!(app.ms.counters().refresh_grants, grants + 1, "refreshed");
    // A new app gets an id after the copied ones.
    let other = app.cli_with(
        &[("SWITCHBOARD_DATABASE_URL", &postgres)],
        &[
            "app",
            "create",
            "--name",
            "Second",
            "--return-url",
            "https://x.example.com/back",
            "--json",
        ],
    );
    assert!(
        other.status.success(),
        "{}",
        String::from_utf8_lossy(&other.stderr)
    );

    // Not into a database that holds data, and only from SQLite to PostgreSQL.
    let again = app.cli(&["db", "copy", "--from", &sqlite, "--to", &postgres]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty database"));
    let backwards = app.cli(&["db", "copy", "--from", &postgres, "--to", &postgres]);
    assert!(String::from_utf8_lossy(&backwards.stderr).contains("--from must be a sqlite://"));
}
