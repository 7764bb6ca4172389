//! Prometheus metrics in one registry the service owns (no global state), served as OpenMetrics
//! text at `/metrics`: requests by route template and status with their latency, Graph calls by
//! operation (the names of the Graph request list) and status, retries and `Retry-After` waits,
//! token refreshes by outcome, accounts by token status, mailbox-slot waits, requests shed for
//! lack of capacity, and open connections.

use crate::store::TokenStatus;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: &'static str,
    /// The route template (`/v1/email/messages/{messageId}`), never the raw path.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: &'static str,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct GraphLabels {
    pub operation: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OperationLabels {
    pub operation: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabels {
    pub reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    token_status: String,
}

type Timings<L> = Family<L, Histogram, fn() -> Histogram>;

/// Latencies from 1 ms to about 65 s.
fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 17))
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub request_seconds: Timings<RouteLabels>,
    pub graph_calls: Family<GraphLabels, Counter>,
    pub graph_seconds: Timings<OperationLabels>,
    /// Graph calls retried, by why (`throttled`, `unavailable`, `timeout`).
    pub graph_retries: Family<ReasonLabels, Counter>,
    /// How long retries waited (Graph's `Retry-After`, or our back-off).
    pub retry_wait_seconds: Histogram,
    /// Token refreshes by outcome (`ok`, `dead`, `app_misconfigured`, `transient`).
    pub refreshes: Family<OutcomeLabels, Counter>,
    pub mailbox_wait_seconds: Histogram,
    /// Requests refused for lack of capacity, by error code.
    pub shed: Family<ReasonLabels, Counter>,
    pub open_connections: Gauge,
    accounts: Family<StatusLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("switchboard");
        let m = Metrics {
            requests: Family::default(),
            request_seconds: Family::new_with_constructor(latency),
            graph_calls: Family::default(),
            graph_seconds: Family::new_with_constructor(latency),
            graph_retries: Family::default(),
            retry_wait_seconds: latency(),
            refreshes: Family::default(),
            mailbox_wait_seconds: latency(),
            shed: Family::default(),
            open_connections: Gauge::default(),
            accounts: Family::default(),
            registry: Registry::default(),
        };
        registry.register(
            "http_requests",
            "HTTP requests answered, by route template and status",
            m.requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route template",
            m.request_seconds.clone(),
        );
        registry.register(
            "graph_calls",
            "Microsoft Graph calls, by operation and status (0: no answer)",
            m.graph_calls.clone(),
        );
        registry.register(
            "graph_call_duration_seconds",
            "Time Microsoft Graph took per call, by operation",
            m.graph_seconds.clone(),
        );
        registry.register(
            "graph_retries",
            "Microsoft Graph calls retried, by reason",
            m.graph_retries.clone(),
        );
        registry.register(
            "graph_retry_wait_seconds",
            "Time waited before retrying a Graph call (Retry-After or back-off)",
            m.retry_wait_seconds.clone(),
        );
        registry.register(
            "token_refreshes",
            "Microsoft token refreshes, by outcome",
            m.refreshes.clone(),
        );
        registry.register(
            "mailbox_wait_seconds",
            "Time a call waited for a free slot of its mailbox",
            m.mailbox_wait_seconds.clone(),
        );
        registry.register(
            "shed_requests",
            "Requests refused for lack of capacity, by error code",
            m.shed.clone(),
        );
        registry.register(
            "open_connections",
            "Client connections open now",
            m.open_connections.clone(),
        );
        registry.register(
            "accounts",
            "Linked accounts, by token status",
            m.accounts.clone(),
        );
        Metrics { registry, ..m }
    }
}

impl Metrics {
    /// The text to serve, with the account counts as of now.
    pub fn render(&self, accounts: &[(TokenStatus, i64)]) -> String {
        for status in [TokenStatus::Active, TokenStatus::Invalid, TokenStatus::Dead] {
            let n = accounts
                .iter()
                .filter(|(s, _)| *s == status)
                .map(|(_, n)| n)
                .sum::<i64>();
            let labels = StatusLabels {
                token_status: status.to_string(),
            };
            self.accounts.get_or_create(&labels).set(n);
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        text
    }

    /// A request refused for lack of capacity.
    pub fn shed(&self, reason: &'static str) {
        self.shed.get_or_create(&ReasonLabels { reason }).inc();
    }
}
