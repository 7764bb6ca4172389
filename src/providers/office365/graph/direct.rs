//! The direct API: a request forwarded to Graph with the account's token, streamed both ways.
//! Only paths on the configured Graph base can be reached: no dot segments (raw or encoded), no
//! absolute URLs, no backslashes. The caller's credentials, cookies and hop-by-hop headers stay
//! here.

use crate::error::Code;
use crate::model::requests::Forward;
use crate::providers::error::ProviderError;
use crate::providers::office365::graph::client::on_user_path;
use crate::providers::office365::graph::direct_links::LinkRewriter;
use crate::providers::office365::graph::transport;
use crate::providers::office365::Office365;
use crate::providers::Direct;
use crate::store::{AccountKind, AccountRecord};
use axum::body::Body;
use axum::http::{HeaderMap, Request, Response, StatusCode};
use futures_util::StreamExt;
use secrecy::{ExposeSecret, SecretString};

/// RFC 9110 §7.6.1, and the old proxy ones.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];
/// The caller's own credentials and routing, never Graph's business.
const NOT_FORWARDED: &[&str] = &[
    "authorization",
    "cookie",
    "host",
    "content-length",
    "x-aurinko-account-id",
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-real-ip",
];
const NOT_RETURNED: &[&str] = &["set-cookie", "content-length"];
/// Answers up to this size (by their `Content-Length`) are read whole before they are passed on.
const WHOLE: u64 = 64 * 1024;

fn refused_path(why: &str) -> ProviderError {
    ProviderError::invalid(
        Code::DirectPath,
        format!("This path cannot be forwarded to Microsoft Graph: {why}."),
    )
}

/// Decodes percent-escapes until nothing changes (so `%252e` is seen as `.` too).
fn fully_decoded(segment: &str) -> std::borrow::Cow<'_, str> {
    // Without escapes (or the `&` the form decoder splits on) it reads as it is.
    if !segment.contains(['%', '&']) {
        return segment.into();
    }
    let mut current = segment.to_string();
    for _ in 0..3 {
        let next =
            url::form_urlencoded::parse(format!("x={}", current.replace('+', "%2B")).as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
        if next == current {
            break;
        }
        current = next;
    }
    current.into()
}

pub fn check_path(path: &str) -> Result<(), ProviderError> {
    if path.is_empty() {
        return Err(refused_path(
            "it is empty; give a Graph path such as me/messages",
        ));
    }
    if path.contains("://") || path.starts_with('/') {
        return Err(refused_path(
            "it must be a path on Graph, not an absolute URL",
        ));
    }
    for segment in path.split('/') {
        let decoded = fully_decoded(segment);
        if segment.is_empty() || decoded.is_empty() {
            return Err(refused_path("it has an empty segment"));
        }
        if decoded.contains("://") {
            return Err(refused_path(
                "it must be a path on Graph, not an absolute URL",
            ));
        }
        if decoded == "."
            || decoded == ".."
            || decoded.contains('/') && decoded.split('/').any(|s| s == ".." || s == ".")
        {
            return Err(refused_path("it has a '..' or '.' segment"));
        }
        if decoded.contains('\\') {
            return Err(refused_path("it has a backslash"));
        }
    }
    Ok(())
}

fn dropped_by_connection(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all("connection")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|h| h.trim().to_ascii_lowercase()))
        .collect()
}

/// The headers that may cross, in either direction.
fn filtered(headers: &HeaderMap, also_dropped: &[&str]) -> HeaderMap {
    let named = dropped_by_connection(headers);
    let mut out = HeaderMap::new();
    for (name, value) in headers {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) || also_dropped.contains(&n) || named.iter().any(|c| c == n) {
            continue;
        }
        out.append(name.clone(), value.clone());
    }
    out
}

/// A JSON body streamed through the link rewriter, what it held back sent at the end.
fn with_links_rewritten<S, E>(
    inner: S,
    rewriter: LinkRewriter,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, E>>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Send + 'static,
{
    let state = (Box::pin(inner), Some(rewriter));
    futures_util::stream::unfold(state, |(mut inner, rewriter)| async move {
        let mut rewriter = rewriter?;
        match inner.next().await {
            Some(Ok(chunk)) => {
                let mut out = Vec::with_capacity(3);
                rewriter.feed(&chunk, &mut out);
                let out = match out.len() {
                    1 => out.pop().unwrap_or_default(),
                    _ => out.concat().into(),
                };
                Some((Ok(out), (inner, Some(rewriter))))
            }
            Some(Err(e)) => Some((Err(e), (inner, None))),
            None => Some((Ok(rewriter.finish().unwrap_or_default()), (inner, None))),
        }
    })
}

/// Graph's paging links in direct answers, pointed back at this service's direct API.
pub fn link_rewriter(graph_base: &str, public_url: &str) -> LinkRewriter {
    let direct = format!("{}/v1/direct", public_url.trim_end_matches('/'));
    LinkRewriter::new(graph_base, &direct)
}

#[async_trait::async_trait]
impl Direct for Office365 {
    #[tracing::instrument(name = "office365.forward", skip_all, fields(account_id = account.id))]
    async fn forward(
        &self,
        account: &AccountRecord,
        f: Forward,
    ) -> Result<Response<Body>, ProviderError> {
        check_path(&f.path)?;
        // A managed account's `me` is its user in the organisation.
        let path = match &account.kind {
            AccountKind::Managed { user, .. } => {
                on_user_path(&f.path, user).unwrap_or_else(|| f.path.clone())
            }
            _ => f.path.clone(),
        };
        let url = match &f.query {
            Some(q) => format!("{}/{path}?{q}", self.graph.base()),
            None => format!("{}/{path}", self.graph.base()),
        };
        let Some(url) = self.graph.graph_url(&url) else {
            return Err(refused_path("it leaves the Graph base"));
        };
        let headers = filtered(&f.headers, NOT_FORWARDED);
        let bodyless = f.headers.get("content-length").is_none_or(|v| v == "0")
            && f.headers.get("transfer-encoding").is_none();
        let mailbox = account.id.to_string();
        let send = |token: SecretString, body: Body| {
            let mut request = Request::new(body);
            *request.method_mut() = f.method.clone();
            *request.uri_mut() = url.clone();
            *request.headers_mut() = headers.clone();
            let mailbox = mailbox.clone();
            async move { self.graph.forward(&mailbox, &token, request).await }
        };
        let token = self.access_token(account, None).await?;
        let body = if bodyless { Body::empty() } else { f.body };
        let (mut response, mut permit, mut deadline) = send(token.clone(), body).await?;
        // A body that streamed cannot be sent again; a bodyless request can, with a fresh token.
        if response.status() == StatusCode::UNAUTHORIZED && bodyless {
            let fresh = self.access_token(account, Some(&token)).await?;
            if fresh.expose_secret() != token.expose_secret() {
                drop(permit);
                (response, permit, deadline) = send(fresh, Body::empty()).await?;
            }
        }
        let status = response.status();
        let headers = filtered(response.headers(), NOT_RETURNED);
        let json = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/json"));
        let rewriter = json.then(|| self.links.clone());
        let whole = http_body::Body::size_hint(response.body())
            .exact()
            .is_some_and(|n| n <= WHOLE);
        let body = if whole {
            // A small answer (a page of a listing, an item) is read whole and sent with its
            // length in one write, its pieces as they came (nothing copied).
            let read = transport::read_pieces(response.into_body(), deadline).await;
            drop(permit);
            let pieces = read
                .map_err(|_| ProviderError::unreachable("Microsoft Graph's answer broke off."))?;
            Body::new(transport::Pieces::new(match rewriter {
                Some(rewriter) => rewriter.whole(pieces),
                None => pieces,
            }))
        } else {
            // The mailbox permit goes with the stream: Graph counts the request until it is read.
            let stream =
                transport::stream_until(response.into_body(), deadline).map(move |chunk| {
                    let _held = &permit;
                    chunk
                });
            match rewriter {
                Some(rewriter) => Body::from_stream(with_links_rewritten(stream, rewriter)),
                None => Body::from_stream(stream),
            }
        };
        let mut out = Response::new(body);
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        out.extensions_mut().insert(crate::error::Passthrough);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_graph_paths_pass() {
        for ok in [
            "me",
            "me/messages",
            "me/messages/AAMk%2F%3D/attachments",
            "users/a%40b.com/calendar",
            "me/drive/root:/f.txt:/content",
        ] {
            assert!(check_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/etc",
            "me/../beta/me",
            "me/%2e%2e/beta",
            "me/%2E%2E/x",
            "me/.%2e/x",
            "me/%252e%252e/x",
            "me/./x",
            "https://evil.example.com/x",
            "https:%2F%2Fevil.example.com",
            "me//messages",
            "me\\..\\x",
            "me/%5c..%5cx",
            "me/a%2F..%2Fb",
        ] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hop_by_hop_and_named_headers_are_dropped() {
        let mut h = HeaderMap::new();
        h.insert("connection", "keep-alive, x-secret-hop".parse().unwrap());
        h.insert("x-secret-hop", "1".parse().unwrap());
        h.insert("authorization", "Bearer ours".parse().unwrap());
        h.insert("prefer", "outlook.timezone=\"UTC\"".parse().unwrap());
        h.insert("te", "trailers".parse().unwrap());
        let out = filtered(&h, NOT_FORWARDED);
        assert_eq!(out.len(), 1);
        assert!(out.contains_key("prefer"));
    }
}
