//! How Graph is reached: straight, or through the proxy the environment names for HTTPS
//! (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`, read as curl reads them) by a `CONNECT` tunnel, so
//! that Graph's calls take the same way out as the identity platform's.

use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::net::TcpStream;
use tower::Service;

type Failed = Box<dyn std::error::Error + Send + Sync>;

/// Opens the TCP connection (TLS goes over it) to a destination, or to its proxy.
#[derive(Clone)]
pub struct Connect {
    direct: HttpConnector,
    proxies: Arc<Matcher>,
}

impl Connect {
    pub fn new(direct: HttpConnector, proxies: Matcher) -> Self {
        Connect {
            direct,
            proxies: Arc::new(proxies),
        }
    }

    /// The proxy for `dst`, if any: only HTTPS destinations are tunnelled (a plain-HTTP Graph is
    /// a local stand-in, reached straight).
    fn proxy_for(&self, dst: &http::Uri) -> Option<Tunnel<HttpConnector>> {
        if dst.scheme_str() != Some("https") {
            return None;
        }
        let proxy = self.proxies.intercept(dst)?;
        let tunnel = Tunnel::new(proxy.uri().clone(), self.direct.clone());
        Some(match proxy.basic_auth() {
            Some(auth) => tunnel.with_auth(auth.clone()),
            None => tunnel,
        })
    }
}

impl Service<http::Uri> for Connect {
    type Response = TokioIo<TcpStream>;
    type Error = Failed;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Failed>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Failed>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: http::Uri) -> Self::Future {
        match self.proxy_for(&dst) {
            Some(mut tunnel) => Box::pin(async move { tunnel.call(dst).await.map_err(Into::into) }),
            None => {
                let mut direct = self.direct.clone();
                Box::pin(async move { direct.call(dst).await.map_err(Into::into) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// A proxy that accepts one `CONNECT`, answers 200 and hands back what it was asked.
    async fn proxy() -> (String, tokio::task::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let asked = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            while !head.ends_with(b"\r\n\r\n") {
                let mut byte = [0u8; 1];
                socket.read_exact(&mut byte).await.unwrap();
                head.push(byte[0]);
            }
            socket
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .await
                .unwrap();
            String::from_utf8(head).unwrap()
        });
        (address, asked)
    }

    #[tokio::test]
    async fn https_goes_through_the_named_proxy_with_its_credentials() {
        let (address, asked) = proxy().await;
        let with_user = address.replace("http://", "http://user:pass@");
        let mut connect = Connect::new(
            HttpConnector::new(),
            Matcher::builder().https(with_user).build(),
        );
        let dst: http::Uri = "https://graph.microsoft.com/v1.0/me".parse().unwrap();
        connect.call(dst).await.unwrap();
        let head = asked.await.unwrap();
        assert!(
            head.starts_with("CONNECT graph.microsoft.com:443 HTTP/1.1\r\n"),
            "{head}"
        );
        assert!(head.contains("Basic dXNlcjpwYXNz"), "{head}");
    }

    #[tokio::test]
    async fn no_proxy_and_plain_http_go_straight() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let proxies = Matcher::builder()
            .all("http://127.0.0.1:9".to_string())
            .no("graph.local".to_string())
            .build();
        let mut direct = HttpConnector::new();
        direct.enforce_http(false);
        let mut connect = Connect::new(direct, proxies);
        for straight in ["http://127.0.0.1:1/v1.0", "https://graph.local/v1.0"] {
            assert!(connect.proxy_for(&straight.parse().unwrap()).is_none());
        }
        let proxied = "https://graph.microsoft.com/v1.0".parse().unwrap();
        assert!(connect.proxy_for(&proxied).is_some());
        // Port 9 is closed: reaching the listener means the proxy was left out.
        let dst = format!("http://127.0.0.1:{port}/v1.0/me").parse().unwrap();
        connect.call(dst).await.unwrap();
    }
}
