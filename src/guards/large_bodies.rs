//! A budget for the memory large request bodies take at once. Mail with attachments arrives as
//! JSON with base64 content, which is held three times while it is handled (the body, its parsed
//! form, the decoded attachments): a request of 1 MiB or more takes three times its size from
//! the budget (the route's limit when it does not say its size) until it is answered, waits
//! briefly when the budget is spent, and is otherwise told to retry (503). The direct API streams
//! bodies through without holding them and does not count.

use crate::error::{ApiError, Code};
use crate::metrics::Metrics;
use axum::extract::Request;
use axum::http::header::CONTENT_LENGTH;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Bodies below this are not counted.
const LARGE: usize = 1024 * 1024;
/// The budget counts in KiB.
const UNIT: usize = 1024;
/// How many times its size a large body takes while it is handled.
const COPIES: usize = 3;
/// What a body without `Content-Length` counts for (the largest the API takes).
pub const UNSIZED: usize = 48 * 1024 * 1024;

pub struct LargeBodyBudget {
    units: Semaphore,
    total: usize,
    /// How long a large body waits for room before it is refused.
    wait: Duration,
    metrics: Arc<Metrics>,
}

impl LargeBodyBudget {
    pub fn new(bytes: usize, wait: Duration, metrics: Arc<Metrics>) -> Self {
        let total = (bytes / UNIT).clamp(1, Semaphore::MAX_PERMITS);
        LargeBodyBudget {
            units: Semaphore::new(total),
            total,
            wait,
            metrics,
        }
    }
}

/// The size a request counts for, when its body is large enough to count. (A request that
/// streams its body through, the direct API's, is not counted: the caller leaves it out.)
pub fn counted(req: &Request) -> Option<usize> {
    if req.method() == axum::http::Method::GET {
        return None;
    }
    let headers = req.headers();
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
        Some(n) if n < LARGE => None,
        Some(n) => Some(n),
        None if headers.contains_key(axum::http::header::TRANSFER_ENCODING) => Some(UNSIZED),
        None => None,
    }
}

/// A counted body's share of the budget (none for a body not counted), held until the request
/// is answered; an answer of 503 when there was no room in time.
pub async fn admit(
    budget: &LargeBodyBudget,
    counted: Option<usize>,
) -> Result<Option<SemaphorePermit<'_>>, Response> {
    let Some(size) = counted else {
        return Ok(None);
    };
    let units = (size * COPIES).div_ceil(UNIT).min(budget.total) as u32;
    match tokio::time::timeout(budget.wait, budget.units.acquire_many(units)).await {
        Ok(Ok(permit)) => Ok(Some(permit)),
        _ => {
            budget.metrics.shed("server.busy");
            tracing::warn!(bytes = size, "no room for a large request body; refused");
            Err(ApiError::unavailable(
                Code::ServerBusy,
                "Too many large requests (mail with attachments) are being handled at once; retry shortly.",
                5,
            )
            .into_response())
        }
    }
}
