//! Graph's message delta, per folder (facts §6: `/me/messages/delta` is refused): a round's state
//! is a snapshot of the folder (each message's change key) taken when the round starts; a round
//! from a delta token returns the messages new or changed since that token's snapshot and
//! `@removed` markers for those that left the folder (deleted or moved out). `$filter` on
//! `receivedDateTime` bounds the first round. Pages follow `Prefer: odata.maxpagesize` (10
//! without it); a token whose state was evicted (`expire_delta`) is 410 `syncStateNotFound`.

use super::delta::page_size;
use super::fixtures::{folder_id, WELL_KNOWN};
use super::graph::{graph_error, require};
use super::mail_write::public;
use super::FakeMicrosoft;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// A folder as it was: message id → change key.
pub(super) type Snapshot = BTreeMap<String, String>;

fn key_of(m: &Value) -> String {
    m["@odata.etag"].as_str().unwrap_or_default().to_string()
}

/// `receivedDateTime ge|gt {time}`, the one filter message delta takes.
fn received_since(filter: Option<&String>) -> Option<chrono::DateTime<chrono::Utc>> {
    let text = filter?;
    let time = text.split_whitespace().nth(2)?;
    chrono::DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}

pub(super) async fn folder_messages(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(folder): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, &["Mail.Read", "Mail.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let key = folder.to_ascii_lowercase();
    let folder = if WELL_KNOWN.iter().any(|(wk, _)| *wk == key) {
        folder_id(&email, &key)
    } else {
        folder
    };
    let since = received_since(q.get("$filter"));
    let live: Vec<Value> = fake
        .with(|i| i.messages.get(&email).cloned().unwrap_or_default())
        .into_iter()
        .filter(|m| m["parentFolderId"] == folder.as_str())
        .filter(|m| {
            let received = super::fixtures::utc_of(
                &json!({"dateTime": m["receivedDateTime"], "timeZone": "UTC"}),
            );
            since.is_none_or(|s| received.is_none_or(|r| r >= s))
        })
        .map(|m| public(&m))
        .collect();
    let snapshot = |n: u64| {
        fake.with(|i| {
            i.mail_snapshots
                .get(&n)
                .filter(|(user, f, _)| *user == email && *f == folder)
                .map(|(_, _, s)| s.clone())
        })
    };
    let gone = || {
        graph_error(
            StatusCode::GONE,
            "syncStateNotFound",
            "The sync state generation is not found.",
        )
    };
    // (the snapshot the round goes from, the round's own snapshot, the offset)
    let (from, round, offset) = if let Some(t) = q.get("$deltatoken") {
        let Some(from) = t.parse().ok().and_then(snapshot) else {
            return gone();
        };
        (Some(from), None, 0)
    } else if let Some(t) = q.get("$skiptoken") {
        let parts: Vec<&str> = t.split('.').collect();
        let n = |k: usize| parts.get(k).and_then(|p| p.parse::<u64>().ok());
        let from = match parts.first() {
            Some(&"first") => None,
            _ => match n(0).and_then(snapshot) {
                Some(s) => Some(s),
                None => return gone(),
            },
        };
        let (Some(round), Some(offset)) = (n(1), n(2)) else {
            return gone();
        };
        (from, Some(round), offset as usize)
    } else {
        (None, None, 0)
    };
    let (round_id, round_state) = match round {
        Some(r) => match snapshot(r) {
            Some(s) => (r, s),
            None => return gone(),
        },
        None => {
            let now: Snapshot = live
                .iter()
                .map(|m| (m["id"].as_str().unwrap_or_default().to_string(), key_of(m)))
                .collect();
            let n = fake.with(|i| {
                i.snapshot_seq += 1;
                i.mail_snapshots
                    .insert(i.snapshot_seq, (email.clone(), folder.clone(), now.clone()));
                i.snapshot_seq
            });
            (n, now)
        }
    };
    let by_id: HashMap<&str, &Value> = live
        .iter()
        .map(|m| (m["id"].as_str().unwrap_or_default(), m))
        .collect();
    let removed = |id: &str| json!({ "@odata.type": "#microsoft.graph.message", "id": id, "@removed": { "reason": "deleted" } });
    let mut items: Vec<Value> = round_state
        .iter()
        .filter(|(id, k)| from.as_ref().is_none_or(|f| f.get(*id) != Some(*k)))
        .map(|(id, _)| {
            by_id
                .get(id.as_str())
                .map_or_else(|| removed(id), |m| (*m).clone())
        })
        .collect();
    if let Some(from) = &from {
        items.extend(
            from.keys()
                .filter(|id| !round_state.contains_key(*id))
                .map(|id| removed(id)),
        );
    }
    let size = page_size(&headers);
    let value: Vec<&Value> = items.iter().skip(offset).take(size).collect();
    let mut body = json!({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(message)", "value": value });
    let base = format!(
        "{}/v1.0/me/mailFolders/{folder}/messages/delta",
        fake.base_url
    );
    if offset + size < items.len() {
        let from = q
            .get("$deltatoken")
            .cloned()
            .or_else(|| {
                q.get("$skiptoken")
                    .and_then(|t| t.split('.').next().map(str::to_string))
            })
            .unwrap_or_else(|| "first".into());
        body["@odata.nextLink"] = json!(format!(
            "{base}?%24skiptoken={from}.{round_id}.{}",
            offset + size
        ));
    } else {
        body["@odata.deltaLink"] = json!(format!("{base}?%24deltatoken={round_id}"));
    }
    Json(body).into_response()
}
