//! One HTTP connection: TCP (and TLS for https), then a hyper HTTP/1.1 or HTTP/2 handshake.
//! Shared by the load generator and the smoke runner. Failures are classified into
//! [`ErrorKind`]s (connect, TLS, reset, protocol; timeouts are the caller's).

use crate::LoadError;
use crate::stats::ErrorKind;
use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use url::Url;

/// A failure with its kind and a readable cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: ErrorKind,
    pub message: String,
}

impl Failure {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} error: {}", self.kind.as_str(), self.message)
    }
}

/// Opens connections to one origin.
#[derive(Clone)]
pub struct Connector {
    host: String,
    port: u16,
    tls: Option<(
        tokio_rustls::TlsConnector,
        rustls::pki_types::ServerName<'static>,
    )>,
    http2: bool,
}

impl Connector {
    pub fn new(url: &Url, http2: bool) -> Result<Connector, LoadError> {
        Connector::with_roots(url, http2, &[])
    }

    /// A connector that also trusts `extra_roots` (a private CA) for https.
    pub fn with_roots(
        url: &Url,
        http2: bool,
        extra_roots: &[rustls::pki_types::CertificateDer<'static>],
    ) -> Result<Connector, LoadError> {
        let host = url
            .host_str()
            .ok_or_else(|| LoadError::Plan(format!("{url}: no host")))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = url
            .port_or_known_default()
            .ok_or_else(|| LoadError::Plan(format!("{url}: no port")))?;
        let tls = if url.scheme() == "https" {
            let mut roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            for c in extra_roots {
                roots.add(c.clone()).map_err(|e| {
                    LoadError::Plan(format!("a trusted CA certificate is not usable: {e}"))
                })?;
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let mut cfg = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| LoadError::Plan(format!("TLS set-up: {e}")))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            cfg.alpn_protocols = if http2 {
                vec![b"h2".to_vec()]
            } else {
                vec![b"http/1.1".to_vec()]
            };
            let name = rustls::pki_types::ServerName::try_from(host.clone()).map_err(|e| {
                LoadError::Plan(format!("{url}: `{host}` is not a TLS server name ({e})"))
            })?;
            Some((tokio_rustls::TlsConnector::from(Arc::new(cfg)), name))
        } else {
            None
        };
        Ok(Connector {
            host,
            port,
            tls,
            http2,
        })
    }

    pub fn is_http2(&self) -> bool {
        self.http2
    }

    /// Connects (TCP, then TLS for https): the raw stream for the HTTP/1.1 hot path.
    pub async fn connect_stream(&self) -> Result<crate::h1::Stream, Failure> {
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| {
                Failure::new(
                    ErrorKind::Connect,
                    format!("cannot connect to {}:{}: {e}", self.host, self.port),
                )
            })?;
        let _ = tcp.set_nodelay(true);
        match &self.tls {
            None => Ok(crate::h1::Stream::Plain(tcp)),
            Some((connector, name)) => {
                let tls = connector.connect(name.clone(), tcp).await.map_err(|e| {
                    Failure::new(
                        ErrorKind::Tls,
                        format!("TLS handshake with {}: {e}", self.host),
                    )
                })?;
                Ok(crate::h1::Stream::Tls(Box::new(tls)))
            }
        }
    }

    /// Connects and shakes hands (hyper, HTTP/1.1 or HTTP/2).
    pub async fn connect(&self) -> Result<Sender, Failure> {
        let stream = self.connect_stream().await?;
        self.handshake(stream).await
    }

    async fn handshake<T>(&self, io: T) -> Result<Sender, Failure>
    where
        T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let io = TokioIo::new(io);
        if self.http2 {
            let (send, conn) = http2::Builder::new(TokioExecutor::new())
                .handshake(io)
                .await
                .map_err(|e| Failure::new(classify(&e), format!("HTTP/2 handshake: {e}")))?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            Ok(Sender::H2(send))
        } else {
            let (send, conn) = http1::handshake(io)
                .await
                .map_err(|e| Failure::new(classify(&e), format!("HTTP/1.1 handshake: {e}")))?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            Ok(Sender::H1(send))
        }
    }
}

/// A connection ready to carry requests, one at a time.
pub enum Sender {
    H1(http1::SendRequest<Full<Bytes>>),
    H2(http2::SendRequest<Full<Bytes>>),
}

impl Sender {
    /// Waits until the connection can take a request; false when it has closed (the server
    /// sent `Connection: close`, or went away between requests): reconnect, nothing was lost.
    pub async fn ready(&mut self) -> bool {
        match self {
            Sender::H1(s) => !s.is_closed() && s.ready().await.is_ok(),
            Sender::H2(s) => !s.is_closed() && s.ready().await.is_ok(),
        }
    }

    /// Sends a request and returns the response head (the body is still to read).
    pub async fn send(&mut self, req: Request<Full<Bytes>>) -> Result<Response<Incoming>, Failure> {
        let r = match self {
            Sender::H1(s) => s.send_request(req).await,
            Sender::H2(s) => s.send_request(req).await,
        };
        r.map_err(|e| Failure::new(classify(&e), e.to_string()))
    }
}

/// Reads a whole body, counting its bytes and keeping the first `keep` of them.
pub async fn read_body(mut body: Incoming, keep: usize) -> Result<(u64, Vec<u8>), Failure> {
    let mut n = 0u64;
    let mut kept = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame =
            frame.map_err(|e| Failure::new(classify(&e), format!("reading the body: {e}")))?;
        if let Some(data) = frame.data_ref() {
            n += data.len() as u64;
            if kept.len() < keep {
                let take = (keep - kept.len()).min(data.len());
                kept.extend_from_slice(&data[..take]);
            }
        }
    }
    Ok((n, kept))
}

/// Maps a hyper error to an error kind: parse errors are protocol errors, a closed or reset
/// connection is a reset, a timeout a timeout.
pub fn classify(e: &hyper::Error) -> ErrorKind {
    if e.is_parse() || e.is_parse_status() || e.is_parse_too_large() || e.is_user() {
        return ErrorKind::Protocol;
    }
    if e.is_timeout() {
        return ErrorKind::Timeout;
    }
    // HTTP/2 protocol errors (GOAWAY with an error, bad frames) surface as h2 errors.
    let mut src: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::InvalidData => ErrorKind::Protocol,
                _ => ErrorKind::Reset,
            };
        }
        let text = s.to_string();
        if text.contains("protocol error")
            || text.contains("frame")
            || text.contains("PROTOCOL_ERROR")
        {
            return ErrorKind::Protocol;
        }
        src = s.source();
    }
    ErrorKind::Reset
}
