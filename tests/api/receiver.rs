//! An app's webhook receiver for tests: a real HTTP server that answers the validation request
//! (or not), answers notifications with a chosen status, and keeps what it received. Signatures
//! are checked with an HMAC-SHA256 written here from RFC 2104, apart from switchboard's.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
}

#[derive(Default)]
struct Inner {
    validations: Mutex<Vec<String>>,
    notifications: Mutex<Vec<Received>>,
    status: AtomicU16,
    echo: AtomicBool,
}

#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
    pub url: String,
}

async fn receive(
    State(inner): State<Arc<Inner>>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    if let Some(token) = q.get("validationToken") {
        inner.validations.lock().unwrap().push(token.clone());
        return match inner.echo.load(Ordering::SeqCst) {
            true => (StatusCode::OK, token.clone()),
            false => (StatusCode::OK, "hello".to_string()),
        };
    }
    inner
        .notifications
        .lock()
        .unwrap()
        .push(Received { headers, body });
    let status = StatusCode::from_u16(inner.status.load(Ordering::SeqCst)).unwrap();
    (status, String::new())
}

impl Receiver {
    pub async fn start() -> Receiver {
        let inner = Arc::new(Inner {
            status: AtomicU16::new(200),
            echo: AtomicBool::new(true),
            ..Default::default()
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/mail", listener.local_addr().unwrap());
        let router = Router::new()
            .route("/hooks/mail", post(receive))
            .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Receiver { inner, url }
    }

    /// Notifications are answered with `status` from now on.
    pub fn answer(&self, status: u16) {
        self.inner.status.store(status, Ordering::SeqCst);
    }

    /// Whether the validation request is answered with its token.
    pub fn echo_validation(&self, echo: bool) {
        self.inner.echo.store(echo, Ordering::SeqCst);
    }

    pub fn validations(&self) -> usize {
        self.inner.validations.lock().unwrap().len()
    }

    pub fn notifications(&self) -> Vec<Received> {
        self.inner.notifications.lock().unwrap().clone()
    }

    /// Every payload received, as `(id, changeType)`, sorted.
    pub fn payloads(&self) -> Vec<(String, String)> {
        let mut told: Vec<(String, String)> = self
            .notifications()
            .iter()
            .flat_map(|n| n.json()["payloads"].as_array().cloned().unwrap_or_default())
            .map(|p| {
                let text = |k: &str| p[k].as_str().unwrap_or_default().to_string();
                (text("id"), text("changeType"))
            })
            .collect();
        told.sort();
        told
    }

    /// Waits until `n` notifications arrived; all of them.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..150 {
            let got = self.notifications();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{n} notifications did not arrive: {:?}",
            self.notifications()
        );
    }
}

/// HMAC-SHA256 (RFC 2104), hex.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    outer.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a notification carries the signature the app's secret gives it.
pub fn signed_by(n: &Received, secret: &str) -> bool {
    let timestamp = n.header("x-aurinko-request-timestamp");
    let mut base = format!("v0:{timestamp}:").into_bytes();
    base.extend_from_slice(&n.body);
    !timestamp.is_empty()
        && n.header("x-aurinko-signature") == hmac_sha256_hex(secret.as_bytes(), &base)
}

#[test]
fn hmac_matches_rfc_4231_case_2() {
    assert_eq!(
        hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}
