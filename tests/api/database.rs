//! The database under a test instance: a new SQLite file in its directory, or — when
//! `SWITCHBOARD_TEST_POSTGRES_URL` names a PostgreSQL server — a new database on that server, so
//! that the whole suite runs on either store. And what a database holds, read back as bytes, to
//! check that no secret sits there in plaintext.

use crate::helpers::TestApp;

/// A new database for one test instance; its URL.
pub async fn for_test(dir: &std::path::Path) -> String {
    let Ok(server) = std::env::var("SWITCHBOARD_TEST_POSTGRES_URL") else {
        return format!("sqlite://{}/switchboard.db?mode=rwc", dir.display());
    };
    let name = format!("sb_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::PgPool::connect(&server).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let mut url = url::Url::parse(&server).unwrap();
    url.set_path(&name);
    url.to_string()
}

pub fn on_postgres(app: &TestApp) -> bool {
    app.env["SWITCHBOARD_DATABASE_URL"].starts_with("postgres")
}

/// Everything the instance's database holds: SQLite's files (with the write-ahead log), or
/// every PostgreSQL row as text (byte columns as hex).
pub async fn contents(app: &TestApp) -> Vec<u8> {
    if !on_postgres(app) {
        let mut bytes = Vec::new();
        for name in ["switchboard.db", "switchboard.db-wal"] {
            bytes.extend(std::fs::read(app.dir.join(name)).unwrap_or_default());
        }
        return bytes;
    }
    let pool = sqlx::PgPool::connect(&app.env["SWITCHBOARD_DATABASE_URL"])
        .await
        .unwrap();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT tablename::TEXT FROM pg_tables WHERE schemaname = 'public'")
            .fetch_all(&pool)
            .await
            .unwrap();
    let mut bytes = Vec::new();
    for table in tables {
        let rows: String = sqlx::query_scalar(&format!(
            "SELECT COALESCE(string_agg(t::TEXT, E'\\n'), '') FROM \"{table}\" t"
        ))
        .fetch_one(&pool)
        .await
        .unwrap();
        bytes.extend(rows.into_bytes());
    }
    pool.close().await;
    bytes
}

/// Whether `secret` sits in `contents` as it is, or hex-encoded (a byte column's text).
pub fn holds(contents: &[u8], secret: &str) -> bool {
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    [secret.as_bytes(), hex.as_bytes()]
        .iter()
        .any(|needle| contents.windows(needle.len()).any(|w| w == *needle))
}
