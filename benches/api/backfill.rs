//! Backfill: the first round of a 10,000-message mailbox over five folders, read through a mail
//! sync, against the same messages read straight from the fake at the rate it allows one mailbox
//! (4 requests in flight, 200 messages a page, 15 ms a call, 429 beyond that), in the same run.

use super::fake_microsoft::message;
use super::Bench;
use std::time::Instant;

const USER: &str = "bench@contoso.com";
const FOLDERS: [&str; 5] = ["inbox", "sentitems", "archive", "deleteditems", "junkemail"];
const PER_FOLDER: usize = 2_000;

/// A delta page, read as lightly as a client can: items counted, not parsed.
#[derive(serde::Deserialize)]
struct DeltaPage {
    value: Vec<serde::de::IgnoredAny>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

/// Reads every folder's delta straight from the fake, four folders at a time, as switchboard
/// asks for them; how many messages.
async fn direct(b: &Bench, token: &str) -> usize {
    let queue = std::sync::Arc::new(std::sync::Mutex::new(FOLDERS.to_vec()));
    let select =
        "id,subject,from,toRecipients,ccRecipients,receivedDateTime,isRead,body,parentFolderId";
    let walkers = (0..4).map(|_| {
        let (queue, http, base) = (queue.clone(), b.http.clone(), b.ms.graph_url());
        let token = token.to_string();
        tokio::spawn(async move {
            let mut seen = 0;
            loop {
                let Some(folder) = queue.lock().unwrap().pop() else {
                    break;
                };
                let mut next = Some(format!(
                    "{base}/me/mailFolders/{folder}/messages/delta?$select={select}"
                ));
                while let Some(url) = next.take() {
                    let answer = http
                        .get(&url)
                        .bearer_auth(&token)
                        .header("prefer", "odata.maxpagesize=200")
                        .header("prefer", "IdType=\"ImmutableId\"")
                        .header("prefer", "outlook.body-content-type=\"text\"")
                        .send()
                        .await
                        .unwrap();
                    assert!(answer.status().is_success(), "{url}: {}", answer.status());
                    let page: DeltaPage = answer.json().await.unwrap();
                    seen += page.value.len();
                    next = page.next_link;
                }
            }
            seen
        })
    });
    let mut total = 0;
    for w in walkers {
        total += w.await.unwrap();
    }
    total
}

/// Starts a mail sync and reads its updated stream to the end of the first round; how many.
async fn through_sync(b: &Bench) -> usize {
    let status: serde_json::Value = b
        .http
        .post(format!("{}/v1/email/sync?bodyType=text", b.base))
        .bearer_auth(&b.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut token = (
        "deltaToken",
        status["syncUpdatedToken"].as_str().unwrap().to_string(),
    );
    let mut seen = 0;
    loop {
        let url = format!("{}/v1/email/sync/updated", b.base);
        let page: serde_json::Value = b
            .http
            .get(url)
            .query(&[token.clone()])
            .bearer_auth(&b.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen += page["records"].as_array().unwrap().len();
        match page["nextPageToken"].as_str() {
            Some(next) => token = ("pageToken", next.to_string()),
            None => return seen,
        }
    }
}

pub async fn run(b: &Bench) {
    // The access token switchboard holds for the mailbox now (earlier ones were expired).
    let mut graph_token = String::new();
    for t in
        b.ms.issued_secrets()
            .into_iter()
            .filter(|t| t.starts_with("EwB"))
    {
        let me = format!("{}/me", b.ms.graph_url());
        let r = b.http.get(me).bearer_auth(&t).send().await.unwrap();
        if r.status().is_success() {
            graph_token = t;
            break;
        }
    }
    for (k, folder) in FOLDERS.iter().enumerate() {
        let first = 100_000 + k * PER_FOLDER;
        let messages = (first..first + PER_FOLDER)
            .map(|n| message(n, "Backfill"))
            .collect();
        b.ms.add_messages_to(USER, folder, messages);
    }
    let started = Instant::now();
    let direct_count = direct(b, &graph_token).await;
    let direct_rate = direct_count as f64 / started.elapsed().as_secs_f64();
    let before = b.ms.counters();
    let started = Instant::now();
    let synced = through_sync(b).await;
    let sync_rate = synced as f64 / started.elapsed().as_secs_f64();
    let after = b.ms.counters();
    println!(
        "backfill, fake read directly at its limit:     {direct_rate:>8.0} messages/s ({direct_count} messages, 4 in flight)"
    );
    println!(
        "backfill through a mail sync:                  {sync_rate:>8.0} messages/s ({synced} messages)"
    );
    println!(
        "  backfill ratio (sync / allowed):             {:>8.3}   Graph requests {}, throttled by the fake {}",
        sync_rate / direct_rate,
        after.graph_requests - before.graph_requests,
        after.throttled_by_concurrency - before.throttled_by_concurrency
    );
}
