//! Contacts: list, read, create, update, delete.

use super::extract::{if_match, required_if_match, ApiJson, ApiPath, ApiQuery, IfMatch};
use super::json::Json;
use super::scope_check::{op, Scoped};
use crate::error::{ApiError, Code};
use crate::model::contact::{Contact, ContactOrId, ContactsPage};
use crate::model::{Ok as OkResponse, OK};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    page_token: Option<String>,
    /// Contacts per page, 1 to 100 (default 25).
    limit: Option<u32>,
}

/// The contacts of the default Contacts folder; an extension of the contract, which lists
/// contacts only through sync.
#[utoipa::path(get, path = "/v1/contacts", tag = "Contacts", operation_id = "contacts",
    params(ListParams), responses((status = 200, body = ContactsPage)))]
pub async fn list(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::ContactsRead>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<ContactsPage>, ApiError> {
    Ok(Json(
        state
            .contacts(&account)?
            .list_contacts(&account, p.page_token.as_deref(), p.limit)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct GetParams {
    /// Also load the photo.
    with_photo: Option<bool>,
    /// `text` (default; Outlook keeps notes as plain text) or `html` (the notes HTML-escaped).
    body_type: Option<String>,
    /// Refused: Office 365's own properties are read through the direct API.
    native_properties: Option<String>,
    /// Refused until contact sync comes.
    include_update_token: Option<bool>,
}

/// One contact.
#[utoipa::path(get, path = "/v1/contacts/{contId}", tag = "Contacts", operation_id = "contact",
    params(("contId" = String, Path, description = "The contact id"), GetParams),
    responses((status = 200, body = Contact)))]
pub async fn get_one(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::ContactsRead>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(p): ApiQuery<GetParams>,
) -> Result<Json<Contact>, ApiError> {
    super::email::no_native_properties(p.native_properties.as_ref())?;
    if p.include_update_token == Some(true) {
        return Err(ApiError::bad_request(
            Code::BadRequest,
            "includeUpdateToken: contact sync is not offered yet.",
        ));
    }
    let html = match p.body_type.as_deref() {
        None | Some("text") => false,
        Some("html") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                Code::BadRequest,
                format!("bodyType '{other}' is not one of html, text"),
            ))
        }
    };
    let mut contact = state
        .contacts(&account)?
        .get_contact(&account, &id, p.with_photo.unwrap_or(false))
        .await?;
    if html {
        contact.notes = contact.notes.map(|n| crate::portal::html::escape(&n));
    }
    Ok(Json(contact))
}

/// Creates a contact.
#[utoipa::path(post, path = "/v1/contacts", tag = "Contacts", operation_id = "createContact",
    request_body = Contact, responses((status = 201, body = ContactOrId)))]
pub async fn create(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::ContactsWrite>,
    ApiJson(contact): ApiJson<Contact>,
) -> Result<(StatusCode, Json<ContactOrId>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .contacts(&account)?
                .create_contact(&account, &contact)
                .await?,
        ),
    ))
}

/// Changes the fields given; `If-Match` is the etag last read (`*`: whatever is there).
#[utoipa::path(patch, path = "/v1/contacts/{contId}", tag = "Contacts", operation_id = "updateContact",
    params(("contId" = String, Path, description = "The contact id"), IfMatch),
    request_body = Contact, responses((status = 200, body = ContactOrId)))]
pub async fn update(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::ContactsWrite>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiJson(contact): ApiJson<Contact>,
) -> Result<Json<ContactOrId>, ApiError> {
    let etag = required_if_match(&headers)?;
    Ok(Json(
        state
            .contacts(&account)?
            .update_contact(&account, &id, &contact, etag)
            .await?,
    ))
}

/// Deletes a contact (`If-Match`, when given, must be its etag).
#[utoipa::path(delete, path = "/v1/contacts/{contId}", tag = "Contacts", operation_id = "deleteContact",
    params(("contId" = String, Path, description = "The contact id"), ("If-Match" = Option<String>, Header, description = "The etag last read")),
    responses((status = 200, body = OkResponse)))]
pub async fn delete(
    State(state): State<AppState>,
    Scoped(account, _): Scoped<op::ContactsWrite>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Json<OkResponse>, ApiError> {
    state
        .contacts(&account)?
        .delete_contact(&account, &id, if_match(&headers)?)
        .await?;
    Ok(Json(OK))
}
