//! Graph mail reads: folders, message listings with `$filter`/`$search`/`$orderby`/`$select`,
//! absolute `%24skip` nextLinks, one message.

use super::graph::{caller, graph_error, has_any};
use super::{odata, FakeMicrosoft};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Graph's `$select` (without it, the default properties: no `internetMessageHeaders`) and
/// `$expand=attachments(...)` (their descriptions, never their content).
pub(super) fn select(message: &Value, fields: Option<&str>) -> Value {
    let mut public = super::mail_write::public(message);
    if public.get("uniqueBody").is_none() {
        // What is new in the message: the body up to the quoted earlier one (after `<hr`).
        let content = public["body"]["content"].as_str().unwrap_or_default();
        let unique = content.split("<hr").next().unwrap_or_default().to_string();
        public["uniqueBody"] =
            json!({ "contentType": public["body"]["contentType"], "content": unique });
    }
    match fields {
        Some(fields) => super::shape::project(&public, fields),
        None => {
            let mut out = public;
            if let Some(o) = out.as_object_mut() {
                o.remove("internetMessageHeaders");
                o.remove("uniqueBody");
            }
            out
        }
    }
}

pub(super) fn expand(mut selected: Value, item: &Value, expand: Option<&str>) -> Value {
    let Some(expand) = expand else {
        return selected;
    };
    if expand.contains("attachments") {
        let inner = super::shape::nested_select(expand, "attachments");
        let list: Vec<Value> = item["_attachments"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|mut a| match inner {
                Some(select) => super::shape::project(&a, select),
                None => {
                    if let Some(o) = a.as_object_mut() {
                        o.remove("contentBytes");
                    }
                    a
                }
            })
            .collect();
        selected["attachments"] = Value::Array(list);
    }
    // `singleValueExtendedProperties($filter=id eq '…')`: the properties the item has, of those.
    if let Some(filter) = super::shape::nested_filter(expand, "singleValueExtendedProperties") {
        let wanted: Vec<String> = filter
            .split(" or ")
            .filter_map(|c| c.trim().strip_prefix("id eq '")?.strip_suffix('\''))
            .map(str::to_ascii_lowercase)
            .collect();
        let found: Vec<Value> = item["_extended"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| wanted.contains(&p["id"].as_str().unwrap_or_default().to_ascii_lowercase()))
            .cloned()
            .collect();
        if !found.is_empty() {
            selected["singleValueExtendedProperties"] = Value::Array(found);
        }
    }
    selected
}

pub(super) fn text_body(mut m: Value, headers: &HeaderMap) -> Value {
    let prefer = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("outlook.body-content-type=\"text\""));
    if prefer {
        if let Some(body) = m.get_mut("body") {
            let html = body["content"].as_str().unwrap_or_default();
            let mut text = String::new();
            let mut in_tag = false;
            for ch in html.chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            *body = json!({ "contentType": "text", "content": text.trim() });
        }
    }
    m
}

pub(super) use super::folders::find_folder;

pub(super) async fn list_messages(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    list(&fake, &headers, None, q, "/v1.0/me/messages")
}

pub(super) async fn list_folder_messages(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(folder): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match caller(&fake, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(f) = find_folder(&fake, &c.email, &folder) else {
        return graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        );
    };
    let id = f["id"].as_str().unwrap().to_string();
    list(
        &fake,
        &headers,
        Some(id),
        q,
        &format!("/v1.0/me/mailFolders/{folder}/messages"),
    )
}

pub(super) fn list(
    fake: &FakeMicrosoft,
    headers: &HeaderMap,
    folder: Option<String>,
    q: HashMap<String, String>,
    path: &str,
) -> Response {
    let c = match caller(fake, headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !has_any(
        &c.scopes,
        &["Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"],
    ) {
        return graph_error(
            StatusCode::FORBIDDEN,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        );
    }
    let top: usize = match q.get("$top").map(|t| t.parse::<usize>()) {
        None => 10,
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        _ => {
            return graph_error(
                StatusCode::BAD_REQUEST,
                "ErrorInvalidUrlQuery",
                "The value of $top is invalid.",
            )
        }
    };
    let skip: usize = q.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    let (filter, search, orderby) = (q.get("$filter"), q.get("$search"), q.get("$orderby"));
    if let Err(r) = odata::check(
        filter.map(String::as_str),
        search.map(String::as_str),
        orderby.map(String::as_str),
    ) {
        return graph_error(StatusCode::BAD_REQUEST, r.code, &r.message);
    }
    let mut all = Vec::new();
    for m in fake.with(|i| i.messages.get(&c.email).cloned().unwrap_or_default()) {
        if folder
            .as_ref()
            .is_some_and(|f| m["parentFolderId"] != f.as_str())
        {
            continue;
        }
        let keep = match (filter, search) {
            (Some(f), _) => odata::matches_filter(&m, f),
            (_, Some(s)) => odata::matches_search(&m, s),
            _ => Ok(true),
        };
        match keep {
            Ok(true) => all.push(m),
            Ok(false) => {}
            Err(r) => return graph_error(StatusCode::BAD_REQUEST, r.code, &r.message),
        }
    }
    // Search results come by sent date, newest first, at most 1000.
    let key = if search.is_some() {
        Some("sentDateTime desc".to_string())
    } else {
        orderby.cloned()
    };
    if let Some(order) = key {
        let mut words = order.split_whitespace();
        let prop = words.next().unwrap_or_default().to_string();
        let desc = words.next() == Some("desc");
        all.sort_by(|a, b| {
            let (x, y) = (
                a[&prop].as_str().unwrap_or_default(),
                b[&prop].as_str().unwrap_or_default(),
            );
            if desc {
                y.cmp(x)
            } else {
                x.cmp(y)
            }
        });
    }
    if search.is_some() {
        all.truncate(1000);
    }
    let page: Vec<Value> = all
        .iter()
        .skip(skip)
        .take(top)
        .map(|m| text_body(select(m, q.get("$select").map(String::as_str)), headers))
        .collect();
    let mut body = json!({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('x')/messages", "value": page });
    if skip + top < all.len() {
        let enc = |v: &str| url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
        let mut link = format!("{}{path}?", fake.base_url);
        for key in ["$select", "$filter", "$search", "$orderby"] {
            if let Some(v) = q.get(key) {
                link.push_str(&format!("%24{}={}&", &key[1..], enc(v)));
            }
        }
        link.push_str(&format!("%24top={top}&%24skip={}", skip + top));
        body["@odata.nextLink"] = json!(link);
    }
    Json(body).into_response()
}

pub(super) async fn get_message(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match caller(&fake, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !has_any(&c.scopes, &["Mail.Read", "Mail.ReadWrite"]) {
        return graph_error(
            StatusCode::FORBIDDEN,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        );
    }
    let found = fake.with(|i| {
        i.messages
            .get(&c.email)
            .and_then(|ms| ms.iter().find(|m| m["id"] == id.as_str()).cloned())
    });
    match found {
        Some(m) => {
            let shown = expand(
                select(&m, q.get("$select").map(String::as_str)),
                &m,
                q.get("$expand").map(String::as_str),
            );
            let mut r = Json(text_body(shown, &headers)).into_response();
            r.headers_mut().insert(
                "preference-applied",
                "outlook.body-content-type=\"html\"".parse().unwrap(),
            );
            r
        }
        None if id.len() < 8 => graph_error(
            StatusCode::BAD_REQUEST,
            "ErrorInvalidIdMalformed",
            "Id is malformed.",
        ),
        None => graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The specified object was not found in the store.",
        ),
    }
}
