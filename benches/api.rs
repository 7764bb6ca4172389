//! `cargo bench`: the real service against the fake Microsoft of the test suite. Prints figures
//! and ratios; asserts nothing about time.
//!
//! The fake adds the latency real Microsoft has (15 ms per Graph call, 80 ms per token request),
//! so absolute numbers are about switchboard's overhead on top of those, shown as ratios against
//! calling the fake Graph directly with the same access token.

#[path = "../tests/fake_microsoft/mod.rs"]
mod fake_microsoft;

#[path = "api/backfill.rs"]
mod backfill;

#[path = "api/fleet.rs"]
mod fleet;

use fake_microsoft::{message, AzureApp, FakeMicrosoft, User};
use futures_util::StreamExt;
use reqwest::header::LOCATION;
use secrecy::{ExposeSecret, SecretString};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use switchboard::apps::{self, Office365Input, SecretChoice};
use switchboard::config::Settings;
use switchboard::startup::{open_store, Application};

const RETURN_URL: &str = "http://localhost:3000/linked";

struct Bench {
    base: String,
    http: reqwest::Client,
    token: String,
    ms: FakeMicrosoft,
    /// The instance's settings, for more instances on the same database.
    env: BTreeMap<String, String>,
}

async fn setup() -> Bench {
    let ms = FakeMicrosoft::start().await;
    let dir = std::env::temp_dir().join(format!("switchboard-bench-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let key = switchboard::store::crypto::MasterKey::generate_base64();
    let env: BTreeMap<String, String> = [
        ("SWITCHBOARD_LISTEN", format!("127.0.0.1:{port}")),
        ("SWITCHBOARD_PUBLIC_URL", format!("http://127.0.0.1:{port}")),
        (
            "SWITCHBOARD_DATABASE_URL",
            // SWITCHBOARD_BENCH_DATABASE_URL runs the bench on another store (an empty database).
            std::env::var("SWITCHBOARD_BENCH_DATABASE_URL")
                .unwrap_or_else(|_| format!("sqlite://{}/bench.db?mode=rwc", dir.display())),
        ),
        ("SWITCHBOARD_MASTER_KEY", key.expose_secret().to_string()),
        ("SWITCHBOARD_OFFICE365_LOGIN_URL", ms.login_url()),
        ("SWITCHBOARD_OFFICE365_GRAPH_URL", ms.graph_url()),
        ("SWITCHBOARD_LOG", "warn".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let (settings, _) = Settings::from_sources(None, &env).unwrap();
    let (store, keys) = open_store(&mut settings.clone()).await.unwrap();
    let created = apps::create(store.as_ref(), "bench", &[RETURN_URL.to_string()], None, 0)
        .await
        .unwrap();
    let azure = uuid::Uuid::new_v4().to_string();
    let secret = SecretString::from("bench~secret".to_string());
    let input = Office365Input {
        azure_client_id: &azure,
        client_secret: SecretChoice::New(&secret),
        authority: "common",
        secret_expires_at: None,
    };
    apps::set_office365(store.as_ref(), &keys, &created.app.client_id, input, 0)
        .await
        .unwrap();
    ms.register_app(
        &azure,
        AzureApp {
            secret: Some("bench~secret".into()),
            redirect_uris: vec![settings.redirect_uri()],
            secret_expired: false,
        },
    );
    ms.add_user(User::work("bench@contoso.com", "Bench User"));
    ms.add_messages(
        "bench@contoso.com",
        (0..200).map(|n| message(n, "Benchmark message")).collect(),
    );
    let app = Application::build(settings).await.unwrap();
    tokio::spawn(app.run_until_stopped());

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let authorize = format!(
        "{base}/v1/auth/authorize?clientId={}&serviceType=Office365&scopes=Mail.Read%20Calendar.ReadWrite&returnUrl={}",
        created.app.client_id,
        url::form_urlencoded::byte_serialize(RETURN_URL.as_bytes()).collect::<String>()
    );
    let mut next = authorize;
    for _ in 0..3 {
        let r = http.get(&next).send().await.unwrap();
        next = r.headers()[LOCATION].to_str().unwrap().to_string();
    }
    let code = url::Url::parse(&next)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let client_secret = created.client_secret.expose_secret().to_string();
    let exchanged: serde_json::Value = http
        .post(format!("{base}/v1/auth/token/{code}"))
        .basic_auth(&created.app.client_id, Some(&client_secret))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Bench {
        base,
        http,
        token: exchanged["accessToken"].as_str().unwrap().to_string(),
        ms,
        env,
    }
}

/// Runs `total` requests with `concurrency` in flight; returns (requests/s, p50, p99).
async fn load(
    http: &reqwest::Client,
    url: &str,
    bearer: &str,
    total: usize,
    concurrency: usize,
) -> (f64, Duration, Duration) {
    let started = Instant::now();
    let per_worker = total / concurrency;
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (http, url, bearer) = (http.clone(), url.to_string(), bearer.to_string());
            tokio::spawn(async move {
                let mut times = Vec::with_capacity(per_worker);
                for _ in 0..per_worker {
                    let t = Instant::now();
                    let r = http.get(&url).bearer_auth(&bearer).send().await.unwrap();
                    assert!(r.status().is_success(), "{} {url}", r.status());
                    r.bytes().await.unwrap();
                    times.push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::new();
    for w in workers {
        times.extend(w.await.unwrap());
    }
    times.sort();
    let rate = times.len() as f64 / started.elapsed().as_secs_f64();
    (rate, times[times.len() / 2], times[times.len() * 99 / 100])
}

/// A line of /proc/self/status in KiB: `VmRSS` (now) or `VmHWM` (the peak so far).
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn rss_kib() -> u64 {
    status_kib("VmRSS:")
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let b = setup().await;
    let rss_start = rss_kib();

    let (rate, p50, p99) = load(
        &b.http,
        &format!("{}/v1/account", b.base),
        &b.token,
        4000,
        16,
    )
    .await;
    println!(
        "GET /v1/account (store only), 16 in flight:   {rate:>8.0} req/s   p50 {}   p99 {}",
        ms(p50),
        ms(p99)
    );

    // The same page through switchboard and straight from the fake Graph, one caller at a time.
    let graph_token =
        b.ms.issued_secrets()
            .into_iter()
            .find(|t| t.starts_with("EwB"))
            .unwrap();
    let direct = format!("{}/me/messages?$top=10", b.ms.graph_url());
    let (d_rate, d50, d99) = load(&b.http, &direct, &graph_token, 200, 1).await;
    let (s_rate, s50, s99) = load(
        &b.http,
        &format!("{}/v1/email/messages?limit=10", b.base),
        &b.token,
        200,
        1,
    )
    .await;
    println!(
        "GET 10 messages, fake Graph directly:          {d_rate:>8.0} req/s   p50 {}   p99 {}",
        ms(d50),
        ms(d99)
    );
    println!(
        "GET 10 messages through switchboard:           {s_rate:>8.0} req/s   p50 {}   p99 {}",
        ms(s50),
        ms(s99)
    );
    println!(
        "  switchboard / direct latency (p50):          {:>8.3}x  (+{} per call)",
        s50.as_secs_f64() / d50.as_secs_f64(),
        ms(s50.saturating_sub(d50))
    );

    // 32 callers on one mailbox: switchboard keeps 4 in flight and queues the rest.
    let (q_rate, q50, q99) = load(
        &b.http,
        &format!("{}/v1/email/messages?limit=10", b.base),
        &b.token,
        640,
        32,
    )
    .await;
    let c = b.ms.counters();
    println!(
        "GET 10 messages, 32 callers on one mailbox:    {q_rate:>8.0} req/s   p50 {}   p99 {}",
        ms(q50),
        ms(q99)
    );
    println!(
        "  max Graph requests in flight for the mailbox: {} (limit 4); throttled by the fake: {}",
        c.max_in_flight, c.throttled_by_concurrency
    );

    // A week of 50 events, in the events' zones, against calendarView straight from the fake.
    for n in 0..50 {
        let (day, hour) = (1 + n % 5, 8 + n / 5);
        let at = |h: u32| format!("2024-05-{:02}T{h:02}:00:00.0000000", day + 5);
        b.ms.add_event(
            "bench@contoso.com",
            "Bench",
            &at(hour),
            &at(hour + 1),
            "busy",
        );
    }
    let week = "startDateTime=2024-05-06T00:00:00Z&endDateTime=2024-05-13T00:00:00Z";
    let direct = format!(
        "{}/me/calendar/calendarView?{week}&$top=50",
        b.ms.graph_url()
    );
    let (_, d50, _) = load(&b.http, &direct, &graph_token, 100, 1).await;
    let ours = format!(
        "{}/v1/calendars/primary/events/range?timeMin=2024-05-06T00:00:00Z&timeMax=2024-05-13T00:00:00Z",
        b.base
    );
    let (r_rate, r50, _) = load(&b.http, &ours, &b.token, 100, 1).await;
    println!(
        "a week of 50 events (range):                   {r_rate:>8.0} req/s   p50 {}   ({:.3}x calendarView direct)",
        ms(r50),
        r50.as_secs_f64() / d50.as_secs_f64()
    );
    let series = serde_json::json!({"subject": "Weekly", "start": {"dateTime": "2024-01-01T09:00:00Z"}, "end": {"dateTime": "2024-01-01T09:30:00Z"},
        "recurrence": {"simple": {"pattern": {"frequency": "weekly"}, "range": {"type": "byCount", "count": 52}}}});
    let created: serde_json::Value = b
        .http
        .post(format!("{}/v1/calendars/primary/events", b.base))
        .bearer_auth(&b.token)
        .json(&series)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let series_url = format!(
        "{}/v1/calendars/primary/events/{}/series",
        b.base,
        url::form_urlencoded::byte_serialize(created["id"].as_str().unwrap().as_bytes())
            .collect::<String>()
    );
    let (_, s50, _) = load(&b.http, &series_url, &b.token, 20, 1).await;
    println!(
        "series of 52 weekly occurrences:                p50 {} (master + one page of instances)",
        ms(s50)
    );

    // A refresh storm: 200 concurrent calls when the access token is due.
    b.ms.expire_access_tokens();
    let before = b.ms.counters().refresh_grants;
    let started = Instant::now();
    let (_, _, _) = load(
        &b.http,
        &format!("{}/v1/email/messages?limit=1", b.base),
        &b.token,
        200,
        200,
    )
    .await;
    println!(
        "200 concurrent calls on an expired token:       {} total, {} token request(s)",
        ms(started.elapsed()),
        b.ms.counters().refresh_grants - before
    );
    println!(
        "resident memory (service + fake + load client): {} MiB at start of load, {} MiB after",
        rss_start / 1024,
        rss_kib() / 1024
    );

    // q: a filter and a full-text search, one caller.
    let filter = format!(
        "{}/v1/email/messages?limit=10&q=is%3Aunread%20has%3Aattachment",
        b.base
    );
    let (f_rate, f50, _) = load(&b.http, &filter, &b.token, 100, 1).await;
    let search = format!("{}/v1/email/messages?limit=10&q=benchmark", b.base);
    let (x_rate, x50, _) = load(&b.http, &search, &b.token, 100, 1).await;
    println!(
        "q=is:unread has:attachment ($filter):            {f_rate:>8.0} req/s   p50 {}",
        ms(f50)
    );
    println!(
        "q=benchmark ($search):                          {x_rate:>8.0} req/s   p50 {}",
        ms(x50)
    );

    // The direct API streams: 50 MB each way should not raise the peak by anything like 50 MB.
    const SIZE: usize = 50 * 1024 * 1024;
    let peak_before = status_kib("VmHWM:");
    let started = Instant::now();
    let body = futures_util::stream::iter(0..50)
        .map(|n| Ok::<_, std::io::Error>(vec![n as u8; 1024 * 1024]));
    let up = b
        .http
        .put(format!("{}/v1/direct/me/drive/items/bench/content", b.base))
        .bearer_auth(&b.token)
        .body(reqwest::Body::wrap_stream(body))
        .send()
        .await
        .unwrap();
    assert!(up.status().is_success());
    let upload_time = started.elapsed();
    let started = Instant::now();
    let down = b
        .http
        .get(format!(
            "{}/v1/direct/me/drive/items/item-{SIZE}/content",
            b.base
        ))
        .bearer_auth(&b.token)
        .send()
        .await
        .unwrap();
    let mut stream = down.bytes_stream();
    let mut received = 0;
    while let Some(chunk) = stream.next().await {
        received += chunk.unwrap().len();
        if received >= 1024 * 1024 {
            b.ms.streaming.download_gate.notify_one();
        }
    }
    assert_eq!(received, SIZE);
    println!(
        "direct API, 50 MB up / 50 MB down:              {} / {}; peak memory {} MiB -> {} MiB",
        ms(upload_time),
        ms(started.elapsed()),
        peak_before / 1024,
        status_kib("VmHWM:") / 1024
    );

    // The fleet before the backfill, whose 10,000 messages make every listing of the fake slow.
    fleet::run(&b).await;
    backfill::run(&b).await;
}
