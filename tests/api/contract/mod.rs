//! Every answer the suite gets from switchboard is checked against Aurinko's contract: the tests
//! talk to switchboard through this relay, which validates each JSON answer of the API against
//! its operation's response schema (errors against `ApiRequestFailed`) and remembers what broke.
//! Fields switchboard adds beyond the contract must be on the reviewed list below.

pub mod schema;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use schema::{Contract, Findings};
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// What switchboard answers beyond the contract, each with the reason it is there.
pub const ADDITIONS: &[(&str, &str)] = &[
    (
        "EmailAttachmentContent.id",
        "the attachment's description comes with its content, so one call gives both",
    ),
    ("EmailAttachmentContent.name", "as above"),
    ("EmailAttachmentContent.mimeType", "as above"),
    ("EmailAttachmentContent.size", "as above"),
    ("EmailAttachmentContent.inline", "as above"),
    ("EmailAttachmentContent.contentId", "as above"),
    (
        "ApiAccountOutDto.tokenErrorCode",
        "the AADSTS number behind tokenError, for programs that branch on it",
    ),
    (
        "OkResponse (bodiless 200)",
        "where the contract's 200 has no body, switchboard answers {\"status\":\"Ok\"} like the \
         contract's other deletions; clients that expect nothing ignore it",
    ),
];

/// Endpoints switchboard has that the contract does not, with the schema their answer uses.
const EXTENSIONS: &[(&str, &str, &str)] = &[("get", "/v1/contacts", "ContactsPage")];

#[derive(Clone)]
struct Relay {
    upstream: String,
    http: reqwest::Client,
    contract: Arc<Contract>,
    findings: Arc<Mutex<Vec<String>>>,
}

pub struct ContractRelay {
    pub address: String,
    findings: Arc<Mutex<Vec<String>>>,
}

impl ContractRelay {
    /// Starts the relay in front of `upstream` (switchboard's own address).
    pub async fn start(upstream: &str) -> ContractRelay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let findings = Arc::new(Mutex::new(Vec::new()));
        let relay = Relay {
            upstream: upstream.to_string(),
            // A kept-alive connection is dropped well before the shortest header timeout a test
            // sets (1 s): switchboard closing it as a request goes out would fail that request.
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .pool_idle_timeout(std::time::Duration::from_millis(400))
                .build()
                .unwrap(),
            contract: Arc::new(Contract::load()),
            findings: findings.clone(),
        };
        let router = axum::Router::new().fallback(relay_one).with_state(relay);
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        ContractRelay { address, findings }
    }

    /// What answers broke so far (and fields added beyond the reviewed list).
    pub fn findings(&self) -> Vec<String> {
        self.findings.lock().unwrap().clone()
    }
}

async fn relay_one(State(relay): State<Relay>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let target = format!(
        "{}{}",
        relay.upstream,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut headers = parts.headers.clone();
    headers.remove("host");
    let sent = relay
        .http
        .request(parts.method.clone(), target)
        .headers(headers)
        .body(reqwest::Body::wrap_stream(body.into_data_stream()))
        .send()
        .await
        .expect("switchboard answers");
    let status = sent.status();
    let mut out = Response::builder().status(status);
    for (k, v) in sent.headers() {
        out = out.header(k, v);
    }
    let json = sent
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    let checked = path.starts_with("/v1/") && !path.starts_with("/v1/direct/");
    if !(json && checked) {
        return out.body(Body::from_stream(sent.bytes_stream())).unwrap();
    }
    let bytes = sent.bytes().await.expect("a whole answer");
    let problems = relay.check(parts.method.as_str(), &path, status.as_u16(), &bytes);
    relay.findings.lock().unwrap().extend(problems);
    out.body(Body::from(bytes)).unwrap()
}

impl Relay {
    fn check(&self, method: &str, path: &str, status: u16, bytes: &[u8]) -> Vec<String> {
        let here = format!("{method} {path} → {status}");
        let Ok(body) = serde_json::from_slice::<Value>(bytes) else {
            return vec![format!("{here}: not JSON")];
        };
        let c = &self.contract;
        let schema = if status >= 400 {
            Some(c.schema("ApiRequestFailed"))
        } else if let Some((_, op)) = c.operation(method, path) {
            c.response_schema(op, status)
        } else if let Some((_, _, name)) = EXTENSIONS
            .iter()
            .find(|(m, p, _)| m.eq_ignore_ascii_case(method) && *p == path)
        {
            Some(c.schema(name))
        } else {
            return vec![format!("{here}: no operation of the contract")];
        };
        let bodiless_ok = || {
            c.operation(method, path)
                .is_some_and(|(_, op)| op["responses"][status.to_string()].is_object())
                .then(|| c.schema("OkResponse"))
        };
        let Some(schema) = schema.or_else(bodiless_ok) else {
            return vec![format!(
                "{here}: the contract has no JSON answer for this status"
            )];
        };
        let mut found = Findings::default();
        let root = schema["$ref"]
            .as_str()
            .and_then(|r| r.rsplit('/').next())
            .unwrap_or("answer");
        c.check(schema, &body, root, &mut found);
        let reviewed = |a: &String| ADDITIONS.iter().any(|(name, _)| name == a);
        found
            .violations
            .into_iter()
            .chain(
                found
                    .additions
                    .into_iter()
                    .filter(|a| !reviewed(a))
                    .map(|a| format!("{a}: not in the contract (add it to ADDITIONS with a reason, or drop it)")),
            )
            .map(|v| format!("{here}: {v}"))
            .collect()
    }
}
