//! A fleet: three instances on the bench's database (PostgreSQL with
//! `SWITCHBOARD_BENCH_DATABASE_URL=postgres://…`), 1,000 calls at once spread over them on an
//! account whose access token has expired. How many succeed, how many token requests reach
//! Microsoft, whether the mailbox's four Graph calls at once held across the three (the fake
//! answers 429 beyond four), and how long it took.

use super::Bench;
use std::time::{Duration, Instant};
use switchboard::config::Settings;
use switchboard::startup::Application;

const CALLS: usize = 1_000;

/// One more instance with the bench's settings; its base URL.
async fn instance(b: &Bench) -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut env = b.env.clone();
    env.insert("SWITCHBOARD_LISTEN".into(), format!("127.0.0.1:{port}"));
    // 1,000 calls four at a time take longer than the 5 s a call waits for a slot by default.
    env.insert("SWITCHBOARD_QUEUE_WAIT".into(), "60".into());
    env.insert("SWITCHBOARD_MAILBOX_SLOTS".into(), "shared".into());
    // One load client opens all 1,000 connections (a load balancer would, too).
    env.insert(
        "SWITCHBOARD_MAX_CONNECTIONS_PER_CLIENT".into(),
        "1024".into(),
    );
    let (settings, _) = Settings::from_sources(None, &env).unwrap();
    let app = Application::build(settings).await.unwrap();
    tokio::spawn(app.run_until_stopped());
    format!("http://127.0.0.1:{port}")
}

/// The stored access token made due, as an hour passing would.
async fn expire(b: &Bench) {
    let url = &b.env["SWITCHBOARD_DATABASE_URL"];
    let sql = "UPDATE provider_tokens SET access_expires_at = 0";
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
}

async fn call(b: &Bench, base: &str) -> u16 {
    b.http
        .get(format!("{base}/v1/email/messages?limit=10"))
        .bearer_auth(&b.token)
        .timeout(Duration::from_secs(120))
        .send()
        .await
        .map_or(0, |r| r.status().as_u16())
}

pub async fn run(b: &Bench) {
    let mut bases = Vec::new();
    for _ in 0..3 {
        bases.push(instance(b).await);
    }
    for base in &bases {
        assert_eq!(
            call(b, base).await,
            200,
            "each instance has looked the folders up"
        );
    }
    expire(b).await;
    let before = b.ms.counters();
    let started = Instant::now();
    let calls = (0..CALLS).map(|n| call(b, &bases[n % 3]));
    let statuses = futures_util::future::join_all(calls).await;
    let took = started.elapsed();
    let after = b.ms.counters();
    let ok = statuses.iter().filter(|s| **s == 200).count();
    let mut other = std::collections::BTreeMap::new();
    for s in statuses.iter().filter(|s| **s != 200) {
        *other.entry(*s).or_insert(0) += 1;
    }
    let store = b.env["SWITCHBOARD_DATABASE_URL"]
        .split(':')
        .next()
        .unwrap_or_default()
        .to_string();
    println!(
        "Fleet: 3 instances on {store}, {CALLS} calls at once on an expired token: {ok} answered 200 in {:.2} s ({:.0} req/s)",
        took.as_secs_f64(),
        CALLS as f64 / took.as_secs_f64()
    );
    if !other.is_empty() {
        println!("  other answers (status: how many; 0 = no answer): {other:?}");
    }
    println!(
        "  token requests: {}; Graph requests: {}; refused by the fake for a fifth call at once: {}; most in flight: {} (limit 4)",
        after.refresh_grants - before.refresh_grants,
        after.graph_requests - before.graph_requests,
        after.throttled_by_concurrency - before.throttled_by_concurrency,
        after.max_in_flight
    );
}
