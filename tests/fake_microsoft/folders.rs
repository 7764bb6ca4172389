//! Graph mail folders: one level per call (`mailFolders` = children of the root, `childFolders`),
//! default page size 10 with `%24skip` nextLinks, creation with Outlook's duplicate-name check.

use super::graph::{caller, graph_error, has_any};
use super::{folder_id, FakeMicrosoft, WELL_KNOWN};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

fn not_found() -> Response {
    graph_error(
        StatusCode::NOT_FOUND,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

fn root(email: &str) -> Value {
    json!({ "id": folder_id(email, "msgfolderroot"), "displayName": "Top of Information Store",
            "parentFolderId": folder_id(email, "root"), "childFolderCount": 0, "unreadItemCount": 0,
            "totalItemCount": 0, "isHidden": false })
}

/// A folder by id or well-known name, with its current child count.
pub(super) fn find_folder(fake: &FakeMicrosoft, email: &str, key: &str) -> Option<Value> {
    let lower = key.to_ascii_lowercase();
    let id = if lower == "msgfolderroot" || WELL_KNOWN.iter().any(|(wk, _)| *wk == lower) {
        folder_id(email, &lower)
    } else {
        key.to_string()
    };
    fake.with(|i| {
        let all = i.folders.get(email)?;
        let mut folder = if id == folder_id(email, "msgfolderroot") {
            root(email)
        } else {
            all.iter().find(|f| f["id"] == id.as_str())?.clone()
        };
        folder["childFolderCount"] = json!(all
            .iter()
            .filter(|f| f["parentFolderId"] == id.as_str())
            .count());
        Some(folder)
    })
}

fn page(
    fake: &FakeMicrosoft,
    email: &str,
    parent: &str,
    q: &HashMap<String, String>,
    path: &str,
) -> Response {
    let top: usize = q.get("$top").and_then(|t| t.parse().ok()).unwrap_or(10);
    let skip: usize = q.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    let children: Vec<Value> = fake
        .with(|i| {
            i.folders.get(email).map(|all| {
                all.iter()
                    .filter(|f| f["parentFolderId"] == parent)
                    .map(|f| f["id"].as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
        })
        .unwrap_or_default()
        .iter()
        .filter_map(|id| find_folder(fake, email, id))
        .collect();
    let mut body = json!({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('x')/mailFolders",
                           "value": children.iter().skip(skip).take(top).collect::<Vec<_>>() });
    if skip + top < children.len() {
        body["@odata.nextLink"] = json!(format!(
            "{}{path}?%24top={top}&%24skip={}",
            fake.base_url,
            skip + top
        ));
    }
    Json(body).into_response()
}

pub(super) async fn list_folders(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match caller(&fake, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    page(
        &fake,
        &c.email,
        &folder_id(&c.email, "msgfolderroot"),
        &q,
        "/v1.0/me/mailFolders",
    )
}

pub(super) async fn get_folder(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(folder): Path<String>,
) -> Response {
    let c = match caller(&fake, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    find_folder(&fake, &c.email, &folder).map_or_else(not_found, |f| Json(f).into_response())
}

pub(super) async fn child_folders(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(folder): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match caller(&fake, &headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Some(parent) = find_folder(&fake, &c.email, &folder) else {
        return not_found();
    };
    let id = parent["id"].as_str().unwrap().to_string();
    page(
        &fake,
        &c.email,
        &id,
        &q,
        &format!("/v1.0/me/mailFolders/{folder}/childFolders"),
    )
}

fn create(fake: &FakeMicrosoft, headers: &HeaderMap, parent_key: &str, body: &Value) -> Response {
    let c = match caller(fake, headers) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if !has_any(&c.scopes, &["Mail.ReadWrite"]) {
        return graph_error(
            StatusCode::FORBIDDEN,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        );
    }
    let Some(name) = body
        .get("displayName")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
    else {
        return graph_error(
            StatusCode::BAD_REQUEST,
            "ErrorInvalidParameter",
            "displayName is required.",
        );
    };
    let Some(parent) = find_folder(fake, &c.email, parent_key) else {
        return not_found();
    };
    let parent_id = parent["id"].as_str().unwrap().to_string();
    let folder = json!({ "id": format!("AQMkADfolder{}=", uuid::Uuid::new_v4().simple()), "displayName": name,
                         "parentFolderId": parent_id, "childFolderCount": 0, "unreadItemCount": 0, "totalItemCount": 0, "isHidden": false });
    let created = fake.with(|i| {
        let all = i.folders.get_mut(&c.email)?;
        if all.iter().any(|f| {
            f["parentFolderId"] == parent_id.as_str()
                && f["displayName"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
        }) {
            return Some(false);
        }
        all.push(folder.clone());
        Some(true)
    });
    match created {
        Some(true) => (StatusCode::CREATED, Json(folder)).into_response(),
        Some(false) => graph_error(
            StatusCode::CONFLICT,
            "ErrorFolderExists",
            "A folder with the specified name already exists.",
        ),
        None => not_found(),
    }
}

pub(super) async fn create_folder(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    create(&fake, &headers, "msgfolderroot", &body)
}

pub(super) async fn create_child_folder(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(folder): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    create(&fake, &headers, &folder, &body)
}
