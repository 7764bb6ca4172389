//! How long a request may take: its body may pause at most `body_timeout` (an answer of 408
//! names it), and the whole request at most `request_timeout` (the direct API, which streams
//! uploads and downloads of any size, is bounded by its own Graph time-out instead).

use crate::config::Limits;
use crate::error::{ApiError, Code, ErrorKind};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::{Instant, Sleep};

/// Whether the request streams (the direct API), so is bounded by its Graph time-out only.
pub fn streams(req: &Request) -> bool {
    req.uri().path().starts_with("/v1/direct/")
}

/// The request with its body watched: an error once it pauses longer than `body_timeout`.
pub fn watch_body(limits: &Limits, req: Request) -> Request {
    let headers = req.headers();
    let has_body = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .is_none_or(|v| v != "0")
        && (headers.contains_key(axum::http::header::CONTENT_LENGTH)
            || headers.contains_key(axum::http::header::TRANSFER_ENCODING));
    if has_body {
        let limit = limits.body_timeout;
        req.map(|body| Body::new(IdleTimeout::new(body, limit)))
    } else {
        req
    }
}

/// The answer of `handled`, or 503 when it takes longer than `request_timeout` (a request that
/// streams is not bounded here).
pub async fn within_time(
    state: &AppState,
    streams: bool,
    handled: impl Future<Output = Response>,
) -> Response {
    if streams {
        return handled.await;
    }
    let limit = state.settings.limits.request_timeout;
    match tokio::time::timeout(limit, handled).await {
        Ok(response) => response,
        Err(_) => {
            state.metrics.shed("request.timeout");
            ApiError::unavailable(
                Code::RequestTimeout,
                format!(
                    "The request took longer than {} s and was stopped; retry it.",
                    limit.as_secs()
                ),
                5,
            )
            .into_response()
        }
    }
}

/// The error a request body gives when the client stopped sending it.
#[derive(Debug)]
pub struct BodyTimedOut(Duration);

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the request body stopped arriving for {} s",
            self.0.as_secs()
        )
    }
}

impl std::error::Error for BodyTimedOut {}

/// The 408 for an error whose causes include [`BodyTimedOut`].
pub fn body_timed_out(error: &(dyn std::error::Error + 'static)) -> Option<ApiError> {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if let Some(t) = e.downcast_ref::<BodyTimedOut>() {
            return Some(ApiError::new(
                ErrorKind::RequestTimeout,
                Code::RequestBodyTimeout,
                format!("The request was stopped: {t}."),
            ));
        }
        cause = e.source();
    }
    None
}

/// A body that fails once no frame has arrived for `limit`.
struct IdleTimeout {
    inner: Body,
    limit: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl IdleTimeout {
    fn new(inner: Body, limit: Duration) -> Self {
        IdleTimeout {
            inner,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
        }
    }
}

impl http_body::Body for IdleTimeout {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                let next = Instant::now() + this.limit;
                this.deadline.as_mut().reset(next);
                Poll::Ready(frame)
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut(this.limit)))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
