//! Serving HTTP/1.1 with the limits `axum::serve` lacks: the time a client gets to send its
//! request headers (which is also how long an idle kept-alive connection stays open), a cap on
//! open connections (past it, new ones wait in the listen queue until a slot frees) and on those
//! of one client address (past it, its new ones are closed at once, so that one host cannot take
//! every slot), each connection's peer address for the handlers, and a stop that lets requests in
//! flight finish.

use crate::config::Limits;
use crate::metrics::Metrics;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

pub mod lanes;

use lanes::Lanes;

/// How long a stop waits for requests in flight before closing what is left.
const DRAIN: Duration = Duration::from_secs(30);

/// `lanes`: how many threads serve the connections (see `lanes`; none: the caller's runtime);
/// `metrics`: where to count open connections.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    lanes: usize,
    metrics: Option<Arc<Metrics>>,
    stop: impl Future<Output = ()>,
) {
    let mut lanes = Lanes::start(lanes).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "could not start the serving lanes; serving on the main runtime");
        Lanes::default()
    });
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let per_client = Arc::new(PerClient {
        open: Mutex::new(HashMap::new()),
        limit: limits.max_connections_per_client,
    });
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("connection slots are never closed"),
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, most likely: give the others time to finish.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Some(client_slot) = per_client.enter(peer.ip()) else {
            drop(stream);
            if let Some(m) = &metrics {
                m.shed("connection.perClient");
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        // The socket moves to its lane's own reactor, so that its readiness wakes no other thread.
        let Ok(stream) = stream.into_std() else {
            continue;
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(req)
        });
        let (http, watcher) = (http.clone(), graceful.watcher());
        let metrics = metrics.clone();
        if let Some(m) = &metrics {
            m.open_connections.inc();
        }
        lanes.spawn(async move {
            let connection = tokio::net::TcpStream::from_std(stream)
                .map(|stream| watcher.watch(http.serve_connection(TokioIo::new(stream), service)));
            let served = match connection {
                Ok(connection) => connection.await.map_err(anyhow::Error::from),
                Err(e) => Err(e.into()),
            };
            if let Err(e) = served {
                tracing::debug!(error = %e, %peer, "connection closed on an error");
            }
            if let Some(m) = &metrics {
                m.open_connections.dec();
            }
            drop(client_slot);
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "requests still running {} s after the stop; closing them",
            DRAIN.as_secs()
        );
    }
}

/// Open connections per client address.
struct PerClient {
    open: Mutex<HashMap<IpAddr, usize>>,
    limit: usize,
}

impl PerClient {
    /// A slot for one more connection of `ip`, or `None` when it holds its share already.
    fn enter(self: &Arc<Self>, ip: IpAddr) -> Option<ClientSlot> {
        let mut open = self.open.lock().expect("connection counts poisoned");
        let n = open.entry(ip).or_default();
        if *n >= self.limit {
            return None;
        }
        *n += 1;
        Some(ClientSlot {
            owner: self.clone(),
            ip,
        })
    }
}

struct ClientSlot {
    owner: Arc<PerClient>,
    ip: IpAddr,
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut open = self.owner.open.lock().expect("connection counts poisoned");
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}
