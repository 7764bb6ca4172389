//! Graph's HTTP: hyper's pooled HTTP/1.1 client with rustls and the web's roots, one per thread
//! (see `per_thread`). A request to Graph costs what HTTP costs and nothing more: no URL parsed
//! again on the way out, no redirect or retry layers (redirects are never followed here, and
//! retries are the Graph client's own, by Graph's rules).

use crate::providers::office365::graph::connect::Connect;
use axum::body::Body;
use bytes::Bytes;
use futures_util::Stream;
use http::header::{HeaderValue, USER_AGENT};
use http::{Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_rustls::{ConfigBuilderExt, HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::time::Duration;
use tokio::time::{timeout_at, Instant};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle pooled connections are closed after this (Graph's front ends close them at about 100 s).
const IDLE: Duration = Duration::from_secs(90);
const AGENT: &str = concat!("switchboard/", env!("CARGO_PKG_VERSION"));

pub type Client = hyper_util::client::legacy::Client<HttpsConnector<Connect>, Body>;

/// A client for Graph (and the upload URLs it hands out): HTTPS, or HTTP for a local stand-in;
/// through the environment's HTTPS proxy when it names one (see `connect`).
pub fn client() -> Client {
    let mut http = HttpConnector::new();
    http.set_connect_timeout(Some(CONNECT_TIMEOUT));
    http.set_nodelay(true);
    http.enforce_http(false);
    let tls = HttpsConnectorBuilder::new()
        .with_tls_config(
            rustls::ClientConfig::builder_with_provider(
                rustls::crypto::ring::default_provider().into(),
            )
            .with_safe_default_protocol_versions()
            .expect("ring supports the default TLS versions")
            .with_webpki_roots()
            .with_no_client_auth(),
        )
        .https_or_http()
        .enable_http1()
        .wrap_connector(Connect::new(http, Matcher::from_env()));
    hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(IDLE)
        .build(tls)
}

/// Why a request has no (whole) answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAnswer {
    /// Nothing came by the deadline.
    TimedOut,
    /// No connection could be made: the request never left.
    Unreachable,
    /// The connection broke off before the answer was whole.
    BrokenOff,
}

/// Sends `request` (with our user agent); the answer's head must come by `deadline`.
pub async fn send(
    client: &Client,
    mut request: Request<Body>,
    deadline: Instant,
) -> Result<Response<Incoming>, NoAnswer> {
    request
        .headers_mut()
        .insert(USER_AGENT, HeaderValue::from_static(AGENT));
    match timeout_at(deadline, client.request(request)).await {
        Err(_) => Err(NoAnswer::TimedOut),
        Ok(Err(e)) if e.is_connect() => Err(NoAnswer::Unreachable),
        Ok(Err(_)) => Err(NoAnswer::BrokenOff),
        Ok(Ok(response)) => Ok(response),
    }
}

/// The next piece of an answer's body (trailers carry nothing to pass on), or its end, by
/// `deadline`.
async fn next_piece(body: &mut Incoming, deadline: Instant) -> Result<Option<Bytes>, NoAnswer> {
    loop {
        let frame = match timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(NoAnswer::TimedOut),
            Ok(None) => return Ok(None),
            Ok(Some(Err(_))) => return Err(NoAnswer::BrokenOff),
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            return Ok(Some(data));
        }
    }
}

/// An answer's whole body by `deadline`, in the pieces it came in (nothing copied).
pub async fn read_pieces(mut body: Incoming, deadline: Instant) -> Result<Vec<Bytes>, NoAnswer> {
    let mut pieces = Vec::new();
    while let Some(piece) = next_piece(&mut body, deadline).await? {
        pieces.push(piece);
    }
    Ok(pieces)
}

/// An answer's whole body in one buffer, by `deadline`.
pub async fn read_whole(body: Incoming, deadline: Instant) -> Result<Bytes, NoAnswer> {
    let mut pieces = read_pieces(body, deadline).await?;
    Ok(match pieces.len() {
        1 => pieces.pop().unwrap_or_default(),
        _ => pieces.concat().into(),
    })
}

/// A body of pieces already read, sent with its length.
pub struct Pieces {
    pieces: std::collections::VecDeque<Bytes>,
}

impl Pieces {
    pub fn new(pieces: Vec<Bytes>) -> Self {
        Pieces {
            pieces: pieces.into_iter().filter(|p| !p.is_empty()).collect(),
        }
    }
}

impl http_body::Body for Pieces {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let next = self.pieces.pop_front();
        std::task::Poll::Ready(next.map(|piece| Ok(http_body::Frame::data(piece))))
    }

    fn is_end_stream(&self) -> bool {
        self.pieces.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.pieces.iter().map(|p| p.len() as u64).sum())
    }
}

/// An answer's body as it comes, ending in an error if it is not over by `deadline`.
pub fn stream_until(
    body: Incoming,
    deadline: Instant,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    futures_util::stream::unfold(Some(body), move |body| async move {
        let mut body = body?;
        match next_piece(&mut body, deadline).await {
            Ok(Some(piece)) => Some((Ok(piece), Some(body))),
            Ok(None) => None,
            Err(why) => Some((Err(broken(why)), None)),
        }
    })
}

fn broken(why: NoAnswer) -> std::io::Error {
    let kind = match why {
        NoAnswer::TimedOut => std::io::ErrorKind::TimedOut,
        _ => std::io::ErrorKind::ConnectionAborted,
    };
    std::io::Error::new(kind, format!("Graph's answer: {why:?}"))
}
