//! Graph's delta queries on the fake (facts §6): every write to a contact, a To Do task or an
//! event is logged with a sequence number. A first round returns what is there; a round from a
//! delta token returns the items changed since (as they are now) and `@removed` markers for
//! those gone. Pages follow `Prefer: odata.maxpagesize` (10 without it), every page has exactly
//! one of `@odata.nextLink` and `@odata.deltaLink`, and a token older than the collection's
//! expiry (`expire_delta`) is refused with 410 `syncStateNotFound`.

use super::graph::{graph_error, require};
use super::{calendar, FakeMicrosoft, Inner};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

/// Records a write to `id` in `collection` (`contacts:{user}`, `tasks:{user}:{list}`,
/// `events:{user}:{calendar}`).
pub(super) fn touched(i: &mut Inner, collection: String, id: &str) {
    i.change_seq += 1;
    let seq = i.change_seq;
    i.change_log.push((seq, collection, id.to_string()));
}

/// Where a round stands: changes after `since` (none: the first round), up to `end`, from item
/// `offset` on.
struct Round {
    since: Option<u64>,
    end: u64,
    offset: usize,
}

fn round(i: &Inner, q: &HashMap<String, String>) -> Option<Round> {
    if let Some(t) = q.get("$deltatoken") {
        return Some(Round {
            since: Some(t.parse().ok()?),
            end: i.change_seq,
            offset: 0,
        });
    }
    if let Some(t) = q.get("$skiptoken") {
        let mut parts = t.split('.');
        let since = parts.next()?;
        return Some(Round {
            since: (since != "first").then(|| since.parse().ok()).flatten(),
            end: parts.next()?.parse().ok()?,
            offset: parts.next()?.parse().ok()?,
        });
    }
    Some(Round {
        since: None,
        end: i.change_seq,
        offset: 0,
    })
}

/// The page size a delta request asks for (`Prefer: odata.maxpagesize`), 10 without one.
pub(super) fn page_size(headers: &HeaderMap) -> usize {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|p| p.trim().strip_prefix("odata.maxpagesize="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(10)
}

/// Answers a delta request on `collection`, whose items are `live` (keyed by `key`, which names
/// the logged id a change of the item is recorded under), at `link` (the path links point to).
fn answer(
    fake: &FakeMicrosoft,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    collection: &str,
    live: Vec<Value>,
    key: impl Fn(&Value) -> String,
    link: &str,
) -> Response {
    let (r, floor, changed) = fake.with(|i| {
        let r = round(i, q);
        let floor = i.delta_floor.get(collection).copied().unwrap_or(0);
        let since = r.as_ref().and_then(|r| r.since).unwrap_or(0);
        let end = r.as_ref().map_or(0, |r| r.end);
        let changed: BTreeSet<String> = i
            .change_log
            .iter()
            .filter(|(seq, c, _)| c == collection && *seq > since && *seq <= end)
            .map(|(_, _, id)| id.clone())
            .collect();
        (r, floor, changed)
    });
    let Some(r) = r else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The delta token is malformed.",
        );
    };
    let expired = match r.since {
        Some(since) => since < floor,
        None => q.contains_key("$skiptoken") && r.end < floor,
    };
    if expired {
        let mut answer = graph_error(
            StatusCode::GONE,
            "syncStateNotFound",
            "The sync state generation is not found.",
        );
        answer.headers_mut().insert(
            "location",
            format!("{}/v1.0{link}", fake.base_url).parse().unwrap(),
        );
        return answer;
    }
    let items: Vec<Value> = match r.since {
        None => live,
        Some(_) => {
            let present: BTreeSet<String> = live.iter().map(&key).collect();
            let mut items: Vec<Value> = live
                .into_iter()
                .filter(|v| changed.contains(&key(v)))
                .collect();
            items.extend(
                changed
                    .iter()
                    .filter(|id| !present.contains(*id))
                    .map(|id| json!({ "id": id, "@removed": { "reason": "deleted" } })),
            );
            items
        }
    };
    let size = page_size(headers);
    let value: Vec<&Value> = items.iter().skip(r.offset).take(size).collect();
    let mut body = json!({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(item)", "value": value });
    let base = format!("{}/v1.0{link}", fake.base_url);
    if r.offset + size < items.len() {
        let since = r.since.map_or("first".to_string(), |s| s.to_string());
        body["@odata.nextLink"] = json!(format!(
            "{base}?%24skiptoken={since}.{}.{}",
            r.end,
            r.offset + size
        ));
    } else {
        body["@odata.deltaLink"] = json!(format!("{base}?%24deltatoken={}", r.end));
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
    let id = |v: &Value| v["id"].as_str().unwrap_or_default().to_string();
    answer(
        &fake,
        &headers,
        &q,
        &format!("contacts:{email}"),
        live,
        id,
        "/me/contacts/delta",
    )
}

pub(super) async fn tasks(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(list): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, &["Tasks.Read", "Tasks.ReadWrite"]) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(live) = fake.with(|i| i.todo_tasks.get(&(email.clone(), list.clone())).cloned())
    else {
        return graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        );
    };
    let id = |v: &Value| v["id"].as_str().unwrap_or_default().to_string();
    let link = format!("/me/todo/lists/{list}/tasks/delta");
    answer(
        &fake,
        &headers,
        &q,
        &format!("tasks:{email}:{list}"),
        live,
        id,
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
    let key = |v: &Value| {
        v["seriesMasterId"]
            .as_str()
            .or(v["id"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    answer(
        &fake,
        &headers,
        &q,
        &format!("events:{email}:{cal}"),
        live,
        key,
        "/me/calendarView/delta",
    )
}

/// Expires every delta token of the user's collections issued so far (Graph's state eviction).
pub(super) fn expire_delta(i: &mut Inner, email: &str) {
    let floor = i.change_seq + 1;
    i.change_seq += 1;
    let prefixes = [
        format!("contacts:{email}"),
        format!("tasks:{email}:"),
        format!("events:{email}:"),
    ];
    let mut collections: BTreeSet<String> = i
        .change_log
        .iter()
        .map(|(_, c, _)| c.clone())
        .filter(|c| prefixes.iter().any(|p| c.starts_with(p.as_str())))
        .collect();
    collections.insert(format!("contacts:{email}"));
    for c in collections {
        i.delta_floor.insert(c, floor);
    }
    i.mail_snapshots.retain(|_, (user, _, _)| user != email);
}
