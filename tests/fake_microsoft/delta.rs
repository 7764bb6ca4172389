//! Graph's delta queries on the fake (facts §6), for contacts, a To Do list's tasks, the primary
//! calendar's view and each mail folder alike. A round's state is a snapshot of the collection
//! (each item's etag, Outlook's change key) taken when the round starts. A first round returns what
//! is there; a round from a delta token returns the items new or changed since that token's
//! snapshot (as they are now) and `@removed` markers for those gone (deleted, moved out, or out of
//! the window). Pages follow `Prefer: odata.maxpagesize` (10 without it, 200 at most), every page has exactly
//! one of `@odata.nextLink` and `@odata.deltaLink`, and a token whose state was evicted
//! (`expire_delta`) is refused with 410 `syncStateNotFound`.

use super::graph::{graph_error, require};
use super::{calendar, FakeMicrosoft, Inner};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

/// A collection as it was: item id → etag.
pub(super) type Snapshot = BTreeMap<String, String>;

/// Outlook caps a delta page at this many items whatever is asked (facts §7).
const MAX_PAGE: usize = 200;

/// The page size a delta request asks for (`Prefer: odata.maxpagesize`), 10 without one, at most
/// [`MAX_PAGE`].
fn page_size(headers: &HeaderMap) -> usize {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|p| p.trim().strip_prefix("odata.maxpagesize="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(10)
        .min(MAX_PAGE)
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

/// Answers a delta request on a user's collection (`(user, name)`), whose items are `live`, with
/// links to `link` (below `/v1.0`).
pub(super) fn answer(
    fake: &FakeMicrosoft,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    (user, collection): (&str, &str),
    live: Vec<Value>,
    link: &str,
) -> Response {
    let snapshot = |n: u64| {
        fake.with(|i| {
            i.delta_snapshots
                .get(&n)
                .filter(|(u, c, _)| u == user && c == collection)
                .map(|(_, _, s)| s.clone())
        })
    };
    let gone = || {
        let mut r = graph_error(
            StatusCode::GONE,
            "syncStateNotFound",
            "The sync state generation is not found.",
        );
        r.headers_mut().insert(
            "location",
            format!("{}/v1.0{link}", fake.base_url).parse().unwrap(),
        );
        r
    };
    // The snapshot the round goes from (none: the first round), the round's own, the offset.
    let (from_token, from, round, offset) = if let Some(t) = q.get("$deltatoken") {
        let Some(from) = t.parse().ok().and_then(snapshot) else {
            return gone();
        };
        (t.clone(), Some(from), None, 0)
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
        (parts[0].to_string(), from, Some(round), offset as usize)
    } else {
        ("first".to_string(), None, None, 0)
    };
    let (round_id, round_state) = match round {
        Some(r) => match snapshot(r) {
            Some(s) => (r, s),
            None => return gone(),
        },
        None => {
            let now: Snapshot = live
                .iter()
                .map(|v| {
                    (
                        id_of(v),
                        v["@odata.etag"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            let n = fake.with(|i| {
                i.delta_seq += 1;
                i.delta_snapshots.insert(
                    i.delta_seq,
                    (user.to_string(), collection.to_string(), now.clone()),
                );
                i.delta_seq
            });
            (n, now)
        }
    };
    let by_id: HashMap<String, &Value> = live.iter().map(|v| (id_of(v), v)).collect();
    let removed = |id: &str| json!({ "id": id, "@removed": { "reason": "deleted" } });
    let mut items: Vec<Value> = round_state
        .iter()
        .filter(|(id, etag)| from.as_ref().is_none_or(|f| f.get(*id) != Some(*etag)))
        .map(|(id, _)| by_id.get(id).map_or_else(|| removed(id), |v| (*v).clone()))
        .collect();
    if let Some(from) = &from {
        items.extend(
            from.keys()
                .filter(|id| !round_state.contains_key(*id))
                .map(|id| removed(id)),
        );
    }
    let size = page_size(headers);
    let value: Vec<&Value> = items.iter().skip(offset).take(size).collect();
    let mut body = json!({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(item)", "value": value });
    let base = format!("{}/v1.0{link}", fake.base_url);
    if offset + size < items.len() {
        body["@odata.nextLink"] = json!(format!(
            "{base}?%24skiptoken={from_token}.{round_id}.{}",
            offset + size
        ));
    } else {
        body["@odata.deltaLink"] = json!(format!("{base}?%24deltatoken={round_id}"));
    }
    Json(body).into_response()
}

pub(super) async fn contacts(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, &["Contacts.Read", "Contacts.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let live = fake.with(|i| i.contacts.get(&email).cloned().unwrap_or_default());
    answer(
        &fake,
        &headers,
        &q,
        (&email, "contacts"),
        live,
        "/me/contacts/delta",
    )
}

pub(super) async fn tasks(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(list): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let email = match require(
        &fake,
        &headers,
        &[
            "Tasks.Read",
            "Tasks.ReadWrite",
            "Tasks.Read.All",
            "Tasks.ReadWrite.All",
        ],
    ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    // A list that exists has a delta, tasks or none.
    if super::todo::find_list(&fake, &email, &list).is_none() {
        return graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        );
    }
    let live = fake.with(|i| {
        i.todo_tasks
            .get(&(email.clone(), list.clone()))
            .cloned()
            .unwrap_or_default()
    });
    let link = format!("/me/todo/lists/{list}/tasks/delta");
    answer(
        &fake,
        &headers,
        &q,
        (&email, &format!("tasks:{list}")),
        live,
        &link,
    )
}

/// The primary calendar's view: the window comes from the first request, and is carried by the
/// tokens (here: kept per user, as Graph encodes it in its state token).
pub(super) async fn calendar_view(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, &["Calendars.Read", "Calendars.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(cal) = calendar::calendar_id(&fake, &email, None) else {
        return graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The calendar was not found.",
        );
    };
    let at = |k: &str| {
        q.get(k)
            .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    if let (Some(from), Some(to)) = (at("startDateTime"), at("endDateTime")) {
        fake.with(|i| i.delta_windows.insert(email.clone(), (from, to)));
    }
    let Some((from, to)) = fake.with(|i| i.delta_windows.get(&email).copied()) else {
        return graph_error(StatusCode::BAD_REQUEST, "ErrorInvalidParameter", "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
    };
    let zone = calendar::wanted_zone(&headers);
    let mine: Vec<Value> = fake
        .with(|i| i.events.get(&email).cloned().unwrap_or_default())
        .into_iter()
        .filter(|e| e["_calendar"] == cal.as_str())
        .collect();
    let live: Vec<Value> = super::series::expanded(&mine)
        .into_iter()
        .filter(|e| {
            let t = |k: &str| super::fixtures::utc_of(&e[k]);
            t("end").is_some_and(|end| end > from) && t("start").is_some_and(|start| start < to)
        })
        .map(|e| calendar::shown(&e, &zone))
        .collect();
    answer(
        &fake,
        &headers,
        &q,
        (&email, "calendarView"),
        live,
        "/me/calendarView/delta",
    )
}

/// Forgets the state behind every delta token of the user issued so far (Graph's eviction).
pub(super) fn expire_delta(i: &mut Inner, email: &str) {
    i.delta_snapshots.retain(|_, (user, _, _)| user != email);
}
