//! Graph's message delta, per folder (facts §6: `/me/messages/delta` is refused): the folder's
//! messages, `$filter` on `receivedDateTime` bounding them, answered as every delta is
//! (`delta::answer`); a message moved out shows as `@removed` there and as new in its new folder.

use super::delta::answer;
use super::fixtures::{folder_id, WELL_KNOWN};
use super::graph::require;
use super::mail_write::public;
use super::FakeMicrosoft;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};
use std::collections::HashMap;

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
    let link = format!("/me/mailFolders/{folder}/messages/delta");
    answer(
        &fake,
        &headers,
        &q,
        (&email, &format!("messages:{folder}")),
        live,
        &link,
    )
}
