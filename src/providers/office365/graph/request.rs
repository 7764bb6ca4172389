//! One request to Graph as switchboard builds it, one successful answer as it comes back, and the
//! escaping of ids put into Graph URLs.

use crate::error::Code;
use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::graph::shapes::GraphPage;
use axum::body::Body;
use http::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, IF_MATCH};
use http::{Request, Uri};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

/// An id or value made safe for a Graph URL (path segment or query value).
pub fn segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

/// A path on the signed-in user's mailbox (`me`, `me/…`, `me?…`, relative to the Graph base) as
/// the same path on one user's (`users/{id}…`); `None` when it is not on `me`.
pub fn on_user_path(path: &str, user: &str) -> Option<String> {
    let rest = path.strip_prefix("me")?;
    (rest.is_empty() || rest.starts_with(['/', '?']))
        .then(|| format!("users/{}{rest}", segment(user)))
}

/// A segment URL parsers resolve as `.` or `..` (the WHATWG list, case-insensitive).
pub fn is_dot_segment(segment: &str) -> bool {
    matches!(
        segment.to_ascii_lowercase().as_str(),
        "." | ".." | "%2e" | "%2e%2e" | ".%2e" | "%2e."
    )
}

pub struct GraphRequest<'a> {
    pub method: Method,
    /// Absolute URL on the Graph base (a nextLink is used verbatim).
    pub url: String,
    pub prefer: Vec<&'a str>,
    pub body: Option<Value>,
    /// An etag the item must still have (Graph answers 412 otherwise).
    pub if_match: Option<String>,
}

impl<'a> GraphRequest<'a> {
    pub fn get(url: String, prefer: Vec<&'a str>) -> Self {
        GraphRequest {
            method: Method::GET,
            url,
            prefer,
            body: None,
            if_match: None,
        }
    }

    pub fn with(method: Method, url: String, body: Option<Value>) -> Self {
        GraphRequest {
            method,
            url,
            prefer: vec![],
            body,
            if_match: None,
        }
    }

    /// The same request on one user's mailbox (`{base}/users/{id}/…`) instead of the signed-in
    /// user's (`{base}/me/…`); `None` when it is not on `/me`.
    pub fn on_user(&self, base: &str, user: &str) -> Option<GraphRequest<'a>> {
        let path = self.url.strip_prefix(base)?.strip_prefix('/')?;
        Some(GraphRequest {
            method: self.method.clone(),
            url: format!("{base}/{}", on_user_path(path, user)?),
            prefer: self.prefer.clone(),
            body: self.body.clone(),
            if_match: self.if_match.clone(),
        })
    }

    /// The request only if the item still has this etag (`If-Match`).
    pub fn if_match(mut self, etag: Option<&str>) -> Self {
        self.if_match = etag.map(str::to_string);
        self
    }

    /// The request to send (once: its body goes with it), with the token, preferences, etag and
    /// JSON body.
    pub fn http(&self, url: &Uri, token: &SecretString) -> Result<Request<Body>, ProviderError> {
        let mut builder = Request::builder()
            .method(self.method.clone())
            .uri(url.clone())
            .header(AUTHORIZATION, bearer(token)?);
        for prefer in &self.prefer {
            builder = builder.header("Prefer", *prefer);
        }
        if let Some(etag) = &self.if_match {
            builder = builder.header(IF_MATCH, etag.as_str());
        }
        let body = match &self.body {
            Some(json) => {
                builder = builder.header(CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(json).unwrap_or_default())
            }
            None => Body::empty(),
        };
        builder.body(body).map_err(|_| {
            ProviderError::invalid(
                Code::BadRequest,
                "The etag given cannot be sent to Microsoft Graph (it has characters a header cannot carry).",
            )
        })
    }

    /// Whether sending it twice is harmless. A POST may have been carried out when the answer
    /// is lost (a 502/504 or a time-out): it is retried only on 429/503, which mean "not done".
    pub(in crate::providers::office365) fn idempotent(&self) -> bool {
        !matches!(self.method, Method::POST)
    }
}

/// `Authorization: Bearer …`, kept out of logs and debug output.
pub(in crate::providers::office365) fn bearer(
    token: &SecretString,
) -> Result<HeaderValue, ProviderError> {
    let mut value =
        HeaderValue::try_from(format!("Bearer {}", token.expose_secret())).map_err(|_| {
            ProviderError::new(
                Failure::Upstream(StatusCode::BAD_GATEWAY),
                Code::ProviderBadResponse,
                "Microsoft's access token has characters a header cannot carry.",
            )
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A successful answer: its content type and bytes (empty for Graph's 202/204).
pub struct GraphResponse {
    pub content_type: Option<String>,
    pub bytes: bytes::Bytes,
    /// Whether the request changed nothing (so that it may be asked again).
    pub idempotent: bool,
}

impl GraphResponse {
    pub fn json(&self) -> Result<Value, ProviderError> {
        if self.bytes.is_empty() {
            return Ok(Value::Null);
        }
        self.parse()
    }

    /// The answer as `T`, its strings borrowed from the answer where they carry no escapes.
    /// The text is checked as UTF-8 once, whole: `from_slice` checks every string on its own,
    /// which costs more than the rest of reading a page of messages.
    pub fn parse<'a, T: serde::Deserialize<'a>>(&'a self) -> Result<T, ProviderError> {
        let text = std::str::from_utf8(&self.bytes).map_err(|_| self.unreadable())?;
        serde_json::from_str(text).map_err(|_| self.unreadable())
    }

    /// The answer read as one Graph item `T`, mapped by `map` while the answer is at hand.
    pub fn item<'a, T: serde::Deserialize<'a>, R>(
        &'a self,
        map: impl FnOnce(&T) -> R,
    ) -> Result<R, ProviderError> {
        Ok(map(&self.parse()?))
    }

    /// The answer read as a page of Graph items `T`, each mapped by `map`, and the next link.
    pub fn page<'a, T: serde::Deserialize<'a>, R>(
        &'a self,
        map: impl Fn(&T) -> R,
    ) -> Result<(Vec<R>, Option<String>), ProviderError> {
        let page: GraphPage<T> = self.parse()?;
        Ok((page.value.iter().map(map).collect(), page.next_link))
    }

    fn unreadable(&self) -> ProviderError {
        let unreadable = |message: &str| {
            ProviderError::new(
                Failure::Upstream(StatusCode::BAD_GATEWAY),
                Code::ProviderBadResponse,
                message,
            )
        };
        if self.idempotent {
            unreadable("Microsoft Graph sent an answer that is not valid JSON; retry.")
                .retry_after(5)
        } else {
            unreadable("Microsoft Graph made the change, but its answer could not be read (not valid JSON): read the item back rather than sending it again.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::office365::graph::shapes::{GraphPage, Str};

    #[derive(serde::Deserialize)]
    struct Item<'a> {
        #[serde(borrow)]
        subject: Option<Str<'a>>,
    }

    fn answer(bytes: &'static [u8]) -> GraphResponse {
        GraphResponse {
            content_type: Some("application/json".into()),
            bytes: bytes::Bytes::from_static(bytes),
            idempotent: true,
        }
    }

    #[test]
    fn text_that_is_not_utf8_is_an_unreadable_answer_wherever_it_is() {
        for body in [
            &b"{\"value\":[{\"subject\":\"caf\xe9\"}]}"[..],
            &b"{\"value\":[{\"subject\":\"ok\"}]}\xff"[..],
        ] {
            let e = answer(body).parse::<GraphPage<Item>>().err().unwrap();
            assert_eq!(e.code, Code::ProviderBadResponse);
        }
    }

    #[test]
    fn strings_are_read_as_sent_accents_and_escapes_included() {
        let a = answer(
            "{\"value\":[{\"subject\":\"café\"},{\"subject\":\"a\\\"b\\u00e9\"}]}".as_bytes(),
        );
        let page: GraphPage<Item> = a.parse().unwrap();
        let subjects: Vec<_> = page
            .value
            .iter()
            .map(|i| i.subject.as_deref().unwrap())
            .collect();
        assert_eq!(subjects, ["café", "a\"bé"]);
    }
}
