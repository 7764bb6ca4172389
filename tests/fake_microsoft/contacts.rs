//! Graph contacts: the default folder, paged; etags checked against `If-Match` (412 when stale);
//! photos.

use super::graph::{conflict, graph_error, require, stale};
use super::FakeMicrosoft;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

const READ: &[&str] = &["Contacts.Read", "Contacts.ReadWrite"];
const WRITE: &[&str] = &["Contacts.ReadWrite"];
const WRITABLE: &[&str] = &[
    "displayName",
    "title",
    "givenName",
    "middleName",
    "surname",
    "generation",
    "yomiGivenName",
    "yomiSurname",
    "nickName",
    "fileAs",
    "companyName",
    "officeLocation",
    "department",
    "jobTitle",
    "yomiCompanyName",
    "birthday",
    "categories",
    "personalNotes",
    "emailAddresses",
    "businessPhones",
    "homePhones",
    "mobilePhone",
    "businessAddress",
    "homeAddress",
    "otherAddress",
    "businessHomePage",
    "manager",
    "assistantName",
    "spouseName",
];

fn not_found() -> Response {
    graph_error(
        StatusCode::NOT_FOUND,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

fn etag() -> String {
    format!(
        "W/\"EQAAABYAAAAiIsqMbYjs{}\"",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn check_writable(body: &Map<String, Value>) -> Option<Response> {
    body.keys()
        .find(|k| !WRITABLE.contains(&k.as_str()))
        .map(|k| {
            graph_error(
                StatusCode::BAD_REQUEST,
                "ErrorInvalidProperty",
                &format!("The property '{k}' does not exist on type 'microsoft.graph.contact'."),
            )
        })
}

pub(super) async fn list(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let top: usize = q.get("$top").and_then(|t| t.parse().ok()).unwrap_or(10);
    let skip: usize = q.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    let all = fake.with(|i| i.contacts.get(&email).cloned().unwrap_or_default());
    let mut body = json!({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('x')/contacts", "value": all.iter().skip(skip).take(top).collect::<Vec<_>>() });
    if skip + top < all.len() {
        body["@odata.nextLink"] = json!(format!(
            "{}/v1.0/me/contacts?%24top={top}&%24skip={}",
            fake.base_url,
            skip + top
        ));
    }
    Json(body).into_response()
}

pub(super) async fn create(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(fields) = body.as_object() else {
        return graph_error(StatusCode::BAD_REQUEST, "RequestBodyRead", "Invalid JSON.");
    };
    if let Some(r) = check_writable(fields) {
        return r;
    }
    let mut c = json!({
        "id": format!("AAMkAGVmcontact{}=", uuid::Uuid::new_v4().simple()), "@odata.etag": etag(), "createdDateTime": now(),
        "lastModifiedDateTime": now(), "categories": [], "birthday": null, "fileAs": "", "displayName": null, "givenName": null,
        "initials": null, "middleName": null, "nickName": null, "surname": null, "title": null, "yomiGivenName": null, "yomiSurname": null,
        "yomiCompanyName": null, "generation": null, "imAddresses": [], "jobTitle": null, "companyName": null, "department": null,
        "officeLocation": null, "profession": null, "businessHomePage": null, "assistantName": null, "manager": null, "homePhones": [],
        "mobilePhone": null, "businessPhones": [], "spouseName": null, "personalNotes": "", "children": [], "emailAddresses": [],
        "homeAddress": {}, "businessAddress": {}, "otherAddress": {}
    });
    for (k, v) in fields {
        c[k] = v.clone();
    }
    if c["displayName"].is_null() {
        let parts: Vec<&str> = ["givenName", "surname"]
            .iter()
            .filter_map(|k| c[*k].as_str())
            .collect();
        c["displayName"] = json!(parts.join(" "));
    }
    fake.with(|i| i.contacts.entry(email).or_default().push(c.clone()));
    (StatusCode::CREATED, Json(c)).into_response()
}

fn find(fake: &FakeMicrosoft, email: &str, id: &str) -> Option<Value> {
    fake.with(|i| {
        i.contacts
            .get(email)
            .and_then(|cs| cs.iter().find(|c| c["id"] == id).cloned())
    })
}

pub(super) async fn get_one(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    find(&fake, &email, &id).map_or_else(not_found, |c| Json(c).into_response())
}

pub(super) async fn update(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(fields) = body.as_object() else {
        return graph_error(StatusCode::BAD_REQUEST, "RequestBodyRead", "Invalid JSON.");
    };
    if let Some(r) = check_writable(fields) {
        return r;
    }
    let Some(current) = find(&fake, &email, &id) else {
        return not_found();
    };
    if stale(&headers, &current) {
        return conflict();
    }
    let updated = fake.with(|i| {
        let c = i
            .contacts
            .get_mut(&email)?
            .iter_mut()
            .find(|c| c["id"] == id.as_str())?;
        for (k, v) in fields {
            c[k] = v.clone();
        }
        c["@odata.etag"] = json!(etag());
        c["lastModifiedDateTime"] = json!(now());
        Some(c.clone())
    });
    updated.map_or_else(not_found, |c| Json(c).into_response())
}

pub(super) async fn delete(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let email = match require(&fake, &headers, WRITE) {
        Ok(e) => e,
        Err(r) => return r,
    };
    let Some(current) = find(&fake, &email, &id) else {
        return not_found();
    };
    if stale(&headers, &current) {
        return conflict();
    }
    fake.with(|i| {
        i.contacts
            .get_mut(&email)
            .map(|cs| cs.retain(|c| c["id"] != id.as_str()))
    });
    StatusCode::NO_CONTENT.into_response()
}

pub(super) async fn photo(
    State(fake): State<FakeMicrosoft>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let email = match require(&fake, &headers, READ) {
        Ok(e) => e,
        Err(r) => return r,
    };
    match fake.with(|i| i.contact_photos.get(&(email, id)).cloned()) {
        Some(bytes) => ([("content-type", "image/jpeg")], bytes).into_response(),
        None => graph_error(
            StatusCode::NOT_FOUND,
            "ErrorItemNotFound",
            "The photo wasn't found.",
        ),
    }
}
