//! Microsoft Graph over HTTP, behaving the way Microsoft asks clients to: at most N requests in
//! flight per mailbox (the rest queue here instead of tripping `MailboxConcurrency`), `Retry-After`
//! honoured on 429/503/504 (seconds, possibly fractional, possibly missing → capped exponential
//! backoff with jitter), bounded attempts, a time-out on every call, Graph errors decoded.

use crate::config::Limits;
use crate::error::Code;
use crate::metrics::{GraphLabels, Metrics, OperationLabels, ReasonLabels};
use crate::providers::error::{Failure, ProviderError};
use crate::providers::office365::catalog::Throttling;
pub use crate::providers::office365::graph::errors::GraphFailure;
use crate::providers::office365::graph::errors::{classify, parse_retry_after};
use crate::providers::office365::graph::mailbox_gate::{MailboxGates, MailboxSlot};
use crate::providers::office365::graph::per_thread::PerThread;
use crate::providers::office365::graph::request::bearer;
pub use crate::providers::office365::graph::request::{
    is_dot_segment, on_user_path, segment, GraphRequest, GraphResponse,
};
use crate::providers::office365::graph::shared_slots::SharedSlots;
use crate::providers::office365::graph::transport::{self, NoAnswer};
use axum::body::Body;
use http::header::{AUTHORIZATION, CONTENT_RANGE, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode, Uri};
use hyper::body::Incoming;
use rand::Rng;
use secrecy::SecretString;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;
use url::Url;

/// The direct API streams bodies of any size, so it gets longer.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(600);

pub struct GraphClient {
    /// One client per thread (see `per_thread`).
    http: PerThread<transport::Client>,
    base: Url,
    /// The base as the requests carry it.
    base_uri: Uri,
    throttling: Throttling,
    gates: MailboxGates,
    /// How long Graph gets to answer one call.
    call_timeout: Duration,
    metrics: Arc<Metrics>,
}

impl GraphClient {
    pub fn new(
        http: PerThread<transport::Client>,
        base: Url,
        throttling: Throttling,
        limits: &Limits,
        shared: Option<SharedSlots>,
        metrics: Arc<Metrics>,
    ) -> Self {
        GraphClient {
            http,
            base_uri: base.as_str().parse().unwrap_or_default(),
            base,
            gates: MailboxGates::new(
                throttling.mailbox_concurrency,
                limits.queue_wait,
                shared,
                metrics.clone(),
            ),
            throttling,
            call_timeout: limits.provider_timeout,
            metrics,
        }
    }

    /// The name of a request on the Graph request list, for metrics.
    fn operation(&self, method: &Method, url: &str) -> &'static str {
        let path = url
            .strip_prefix(self.base())
            .unwrap_or(url)
            .split(['?', '#'])
            .next()
            .unwrap_or_default();
        // A managed account's call on `/users/{id}/…` is the same call as on `/me/…`.
        let on_me;
        let path = match path
            .strip_prefix("/users/")
            .and_then(|rest| rest.find('/').map(|at| &rest[at..]))
        {
            Some(tail) => {
                on_me = format!("/me{tail}");
                on_me.as_str()
            }
            None => path,
        };
        crate::providers::office365::graph::surface::find(method.as_str(), path)
            .map_or("other", |c| c.name)
    }

    /// One Graph call's outcome, for metrics.
    fn observe(&self, operation: &'static str, status: StatusCode, started: Instant) {
        let labels = GraphLabels {
            operation,
            status: status.as_u16(),
        };
        self.metrics.graph_calls.get_or_create(&labels).inc();
        let elapsed = started.elapsed();
        self.metrics
            .graph_seconds
            .get_or_create(&OperationLabels { operation })
            .observe(elapsed.as_secs_f64());
        tracing::debug!(
            operation,
            status = status.as_u16(),
            elapsed_ms = elapsed.as_millis() as u64,
            "graph call"
        );
    }

    /// `path` relative to the Graph base, e.g. `/me/messages`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base.as_str().trim_end_matches('/'), path)
    }

    /// The Graph base, without a trailing slash.
    pub fn base(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// Whether a URL (a nextLink, a direct path) points at our Graph base and nowhere else: it
    /// starts with the base, parses to the same origin and a path under it, and has no segment a
    /// URL parser would take as `.` or `..` (`%2e%2e` included) nor a backslash.
    pub fn is_graph_url(&self, url: &str) -> bool {
        self.graph_url(url).is_some()
    }

    /// `url` parsed, when it is on Graph (see `is_graph_url`): parsed once, sent as it is.
    pub fn graph_url(&self, url: &str) -> Option<Uri> {
        let base = self.base();
        let path = url.split(['?', '#']).next().unwrap_or_default();
        if !url
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
            || path.split('/').any(is_dot_segment)
            || url.contains('\\')
        {
            return None;
        }
        // A URL with characters a request line cannot carry raw is escaped by the URL rules.
        let parsed: Uri = match url.parse() {
            Ok(uri) => uri,
            Err(_) => Url::parse(url).ok()?.as_str().parse().ok()?,
        };
        let under_base = parsed
            .path()
            .strip_prefix(self.base_uri.path().trim_end_matches('/'))
            .is_some_and(|rest| rest.starts_with('/'));
        (parsed.scheme() == self.base_uri.scheme()
            && parsed.authority() == self.base_uri.authority()
            && under_base)
            .then_some(parsed)
    }

    /// Sends one request as is, for the direct API: no retries (its body may be a stream), the
    /// mailbox permit handed back to be held while the answer streams, and the deadline for the
    /// whole answer.
    pub async fn forward(
        &self,
        mailbox: &str,
        token: &SecretString,
        mut request: Request<Body>,
    ) -> Result<(Response<Incoming>, MailboxSlot, tokio::time::Instant), ProviderError> {
        let permit = self.gates.enter(mailbox).await?;
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + FORWARD_TIMEOUT;
        request.headers_mut().insert(AUTHORIZATION, bearer(token)?);
        let sent = transport::send(&self.http.get(), request, deadline).await;
        let status = sent
            .as_ref()
            .map_or(StatusCode::GATEWAY_TIMEOUT, |r| r.status());
        self.observe("direct", status, started);
        match sent {
            Ok(response) => Ok((response, permit, deadline)),
            Err(NoAnswer::TimedOut) => Err(ProviderError::new(
                Failure::Upstream(StatusCode::GATEWAY_TIMEOUT),
                Code::ProviderTimeout,
                "Microsoft Graph did not answer in time.",
            )),
            Err(_) => Err(ProviderError::unreachable(
                "Microsoft Graph could not be reached.",
            )),
        }
    }

    /// One range of an attachment upload session. The upload URL carries its own token, so no
    /// `Authorization` header is sent (nor should ours reach that host).
    pub async fn put_range(
        &self,
        mailbox: &str,
        upload_url: &str,
        range: &str,
        bytes: Vec<u8>,
    ) -> Result<(), ProviderError> {
        let _permit = self.gates.enter(mailbox).await?;
        let deadline = tokio::time::Instant::now() + self.call_timeout;
        let unreachable =
            || ProviderError::unreachable("The attachment upload could not reach Microsoft.");
        let request = Request::put(upload_url)
            .header(CONTENT_RANGE, range)
            .header(CONTENT_TYPE, "application/octet-stream")
            .body(Body::from(bytes))
            .map_err(|_| unreachable())?;
        let response = transport::send(&self.http.get(), request, deadline)
            .await
            .map_err(|_| unreachable())?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let retry_after = parse_retry_after(response.headers().get(http::header::RETRY_AFTER));
        let body = transport::read_whole(response.into_body(), deadline)
            .await
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        match classify(status, retry_after, body) {
            GraphFailure::Unauthorized(e) | GraphFailure::Failed(e) => Err(e),
        }
    }

    /// Sends one request for `mailbox`, retrying throttling and transient failures.
    #[tracing::instrument(name = "graph", skip_all, fields(method = %req.method))]
    pub async fn send(
        &self,
        mailbox: &str,
        token: &SecretString,
        req: &GraphRequest<'_>,
    ) -> Result<GraphResponse, GraphFailure> {
        let Some(url) = self.graph_url(&req.url) else {
            return Err(GraphFailure::Failed(ProviderError::invalid(
                Code::BadRequest,
                "The request would leave Microsoft Graph's base: an id of '.' or '..', or a link elsewhere.",
            )));
        };
        let operation = self.operation(&req.method, &req.url);
        let mut attempt = 0u32;
        loop {
            let permit = self
                .gates
                .enter(mailbox)
                .await
                .map_err(GraphFailure::Failed)?;
            let request = req.http(&url, token).map_err(GraphFailure::Failed)?;
            let started = Instant::now();
            let deadline = tokio::time::Instant::now() + self.call_timeout;
            let lost = |status| (status, None, None, bytes::Bytes::new());
            let (status, retry_after, content_type, bytes) =
                match transport::send(&self.http.get(), request, deadline).await {
                    Ok(answer) => {
                        let status = answer.status();
                        let headers = answer.headers();
                        let retry_after = parse_retry_after(headers.get(http::header::RETRY_AFTER));
                        let content_type = headers
                            .get(CONTENT_TYPE)
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string);
                        match transport::read_whole(answer.into_body(), deadline).await {
                            Ok(b) => (status, retry_after, content_type, b),
                            Err(_) => lost(StatusCode::GATEWAY_TIMEOUT),
                        }
                    }
                    Err(NoAnswer::Unreachable) => lost(StatusCode::BAD_GATEWAY),
                    Err(_) => lost(StatusCode::GATEWAY_TIMEOUT),
                };
            drop(permit);
            self.observe(operation, status, started);
            // A change Graph may have made before the answer was lost is not sent again, and
            // the caller is told to look before retrying.
            let unanswered = status == StatusCode::GATEWAY_TIMEOUT && bytes.is_empty();
            if unanswered && !req.idempotent() {
                return Err(GraphFailure::Failed(ProviderError::new(
                    Failure::Upstream(StatusCode::GATEWAY_TIMEOUT),
                    Code::ProviderOutcomeUnknown,
                    "Microsoft Graph did not finish answering, so the change may or may not have been made. Check (for mail, Sent Items) before retrying.",
                )));
            }
            if status.is_success() {
                return Ok(GraphResponse {
                    content_type,
                    bytes,
                    idempotent: req.idempotent(),
                });
            }
            let body: Option<Value> = serde_json::from_slice(&bytes).ok();
            let retryable = match status.as_u16() {
                429 | 503 => true,
                502 | 504 => req.idempotent(),
                _ => false,
            };
            let wait = self.delay(attempt + 1, retry_after);
            let worth_waiting = wait.as_secs_f64() <= self.throttling.max_retry_wait_seconds as f64;
            if retryable && worth_waiting && attempt < self.throttling.max_retries {
                attempt += 1;
                let reason = match status.as_u16() {
                    429 => "throttled",
                    503 => "unavailable",
                    _ => "timeout",
                };
                self.metrics
                    .graph_retries
                    .get_or_create(&ReasonLabels { reason })
                    .inc();
                self.metrics.retry_wait_seconds.observe(wait.as_secs_f64());
                tokio::time::sleep(wait).await;
                continue;
            }
            return Err(classify(status, retry_after, body));
        }
    }

    fn delay(&self, attempt: u32, retry_after: Option<f64>) -> Duration {
        let cap = self.throttling.max_backoff_seconds as f64;
        let seconds = match retry_after {
            Some(s) => s,
            None => {
                let base = (0.5 * 2f64.powi(attempt as i32 - 1)).min(cap);
                base * rand::thread_rng().gen_range(0.5..1.0)
            }
        };
        Duration::from_secs_f64(seconds.max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_urls_on_the_graph_base_are_followed() {
        let throttling = Throttling {
            mailbox_concurrency: 4,
            max_retries: 1,
            max_backoff_seconds: 1,
            max_retry_wait_seconds: 1,
        };
        let g = GraphClient::new(
            PerThread::new(transport::client),
            Url::parse("https://graph.microsoft.com/v1.0").unwrap(),
            throttling,
            &Limits::read(&Default::default()).unwrap(),
            None,
            Default::default(),
        );
        assert!(g.is_graph_url("https://graph.microsoft.com/v1.0/me/messages?%24skip=10"));
        assert!(!g.is_graph_url("https://graph.microsoft.com/v1.0.evil.com/me"));
        assert!(!g.is_graph_url("https://evil.com/v1.0/me"));
        for escape in [
            "https://graph.microsoft.com/v1.0/../beta/me",
            "https://graph.microsoft.com/v1.0/me/%2e%2e/%2E%2E/beta/me",
            "https://graph.microsoft.com/v1.0/me/messages/.%2E",
            "https://graph.microsoft.com/v1.0/me/messages/%2e.?$top=1",
            "https://graph.microsoft.com/v1.0/me/messages/.",
            "https://graph.microsoft.com/v1.0/me/messages/..",
            "https://graph.microsoft.com/v1.0/me\\..\\x",
            "https://graph.microsoft.com:8443/v1.0/me",
            "https://graph.microsoft.com/v1.0@evil.com/me",
            "",
        ] {
            assert!(!g.is_graph_url(escape), "{escape}");
        }
        assert!(
            g.is_graph_url("https://graph.microsoft.com/v1.0/me/messages/AAMk..x%2F..%2F?$skip=5")
        );
    }
}
