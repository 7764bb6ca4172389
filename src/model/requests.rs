//! How the API asks a provider for things, in the provider's absence: how bodies are wanted, how
//! a message is read and a listing asked for, how an event is written, and a request passed through
//! to the provider's own API as it came.

use crate::error::{ApiError, Code};
use axum::body::Body;
use axum::http::{HeaderMap, Method};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyType {
    #[default]
    Html,
    Text,
}

impl BodyType {
    pub fn parse(value: Option<&str>) -> Result<Self, ApiError> {
        match value {
            None | Some("html") => Ok(BodyType::Html),
            Some("text") => Ok(BodyType::Text),
            Some(other) => Err(ApiError::bad_request(
                Code::BadRequest,
                format!("bodyType '{other}' is not one of html, text"),
            )),
        }
    }
}

/// How one message is read.
#[derive(Debug, Clone, Copy, Default)]
pub struct MessageRead {
    pub body: BodyType,
    /// Also load the content of inline attachments.
    pub load_inlines: bool,
    /// Only the part of the body new in this message (Graph's `uniqueBody`).
    pub strip_quoted: bool,
}

pub struct ListRequest<'a> {
    pub folder: Option<&'a str>,
    /// A conversation (thread): its messages oldest first, with their bodies.
    pub conversation: Option<&'a str>,
    pub q: Option<&'a str>,
    pub body_type: BodyType,
    pub include_trash_and_junk: bool,
    pub page_token: Option<&'a str>,
    pub limit: Option<u32>,
}

impl<'a> ListRequest<'a> {
    pub fn with_query(self, q: Option<&'a str>) -> Self {
        ListRequest { q, ..self }
    }
}

/// How an event is written: body type, whether attendees are told, what to return, the etag.
pub struct EventWrite<'a> {
    pub body: BodyType,
    pub notify: bool,
    pub return_record: bool,
    pub if_match: Option<&'a str>,
}

/// A request for the direct API, passed through to the provider's own API.
pub struct Forward {
    pub method: Method,
    /// The Graph path as received (still percent-encoded), without the `/v1/direct/` prefix.
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Body,
}
