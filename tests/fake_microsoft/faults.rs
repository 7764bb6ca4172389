//! Faults a test asks the fake to answer with instead of (or on top of) doing its work: throttling,
//! outages, unreadable answers, slowness and dropped connections; and Outlook's per-mailbox
//! concurrency limit around every Graph call.

use super::graph::{graph_error, MAILBOX_CONCURRENCY};
use super::FakeMicrosoft;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// A fault the token endpoint answers with instead of doing its work.
#[derive(Clone, Debug)]
pub enum TokenFault {
    Throttled {
        retry_after: Option<&'static str>,
    },
    Unavailable,
    /// A 200 whose body is cut off mid-JSON.
    Malformed,
    /// The connection drops after the status line (the grant was still carried out).
    Reset,
    /// The answer comes this long after the request.
    Slow(std::time::Duration),
}

/// A fault Graph answers with instead of doing its work.
#[derive(Clone, Debug)]
pub enum GraphFault {
    Throttled {
        retry_after: Option<&'static str>,
    },
    Unavailable,
    Malformed,
    Unauthorized,
    /// The call is answered normally, this long after it was admitted (a slow Graph).
    Slow(std::time::Duration),
    /// The connection drops after the status line (the call itself was carried out).
    Reset,
}

/// A response whose body breaks off: the client sees the connection drop mid-answer.
pub(crate) fn broken_body() -> axum::response::Response {
    use axum::response::IntoResponse;
    let failing = futures_util::stream::once(async {
        Err::<bytes::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection reset by the fake",
        ))
    });
    (
        [("content-type", "application/json")],
        axum::body::Body::from_stream(failing),
    )
        .into_response()
}

/// Faults, then Outlook's per-mailbox concurrency limit, around every Graph call.
pub async fn limits(State(fake): State<FakeMicrosoft>, req: Request, next: Next) -> Response {
    let fault = fake.with(|i| {
        i.counters.graph_requests += 1;
        i.graph_faults.pop_front()
    });
    let mut pause = Duration::from_millis(15);
    match fault {
        Some(GraphFault::Throttled { retry_after }) => {
            let mut r = graph_error(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                "Please retry again later.",
            );
            if let Some(s) = retry_after {
                r.headers_mut().insert("retry-after", s.parse().unwrap());
            }
            return r;
        }
        Some(GraphFault::Unavailable) => {
            return graph_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "Service unavailable.",
            )
        }
        Some(GraphFault::Malformed) => {
            return (
                StatusCode::OK,
                [("content-type", "application/json")],
                "{\"value\": [",
            )
                .into_response()
        }
        Some(GraphFault::Unauthorized) => {
            return graph_error(
                StatusCode::UNAUTHORIZED,
                "InvalidAuthenticationToken",
                "Access token validation failure.",
            )
        }
        Some(GraphFault::Slow(d)) => pause = d,
        Some(GraphFault::Reset) | None => {}
    }
    let reset = matches!(fault, Some(GraphFault::Reset));
    let acting_for = req
        .headers()
        .get(super::app_only::ACTING_FOR)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mailbox = acting_for.or_else(|| {
        req.headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|t| {
                fake.with(|i| {
                    i.access_tokens
                        .get(t.trim_start_matches("Bearer "))
                        .map(|a| a.user.clone())
                })
            })
    });
    let Some(mailbox) = mailbox else {
        return next.run(req).await;
    };
    let admitted = fake.with(|i| {
        let n = i.in_flight.entry(mailbox.clone()).or_default();
        if *n >= MAILBOX_CONCURRENCY {
            i.counters.throttled_by_concurrency += 1;
            return false;
        }
        *n += 1;
        i.counters.max_in_flight = i.counters.max_in_flight.max(*n);
        true
    });
    if !admitted {
        let mut r = graph_error(
            StatusCode::TOO_MANY_REQUESTS,
            "ApplicationThrottled",
            "Application is over its MailboxConcurrency limit.",
        );
        r.headers_mut().insert("retry-after", "1".parse().unwrap());
        return r;
    }
    // Counted out however the call ends, even when its caller goes away mid-call.
    let _in_flight = InFlight {
        fake: fake.clone(),
        mailbox,
    };
    // Long enough for concurrent callers to overlap, as real Graph calls do.
    tokio::time::sleep(pause).await;
    let response = next.run(req).await;
    if reset {
        return super::broken_body();
    }
    response
}

/// One admitted call of a mailbox, until it is dropped.
struct InFlight {
    fake: FakeMicrosoft,
    mailbox: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.fake
            .with(|i| *i.in_flight.get_mut(&self.mailbox).unwrap() -= 1);
    }
}
