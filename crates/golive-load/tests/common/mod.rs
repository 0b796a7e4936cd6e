//! Loopback HTTP servers for the tests: real hyper servers (HTTP/1.1 or HTTP/2) on 127.0.0.1
//! with a chosen behaviour, and a raw TCP server that drops connections.
#![allow(dead_code)]

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// How the test server answers.
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    /// 200 "ok" at once.
    Fast,
    /// 200 after a fixed delay.
    Slow(Duration),
    /// 500 on every tenth request (10th, 20th, …), 200 otherwise.
    EveryTenth500,
    /// At request number `at`, the whole server pauses for `pause`: every request arriving
    /// during the pause waits for its end (a GC pause, a stop-the-world stall).
    Stall { at: u64, pause: Duration },
    /// 200 with `Connection: close`: the server closes after each response.
    CloseAfterResponse,
}

pub struct Server {
    pub addr: SocketAddr,
    pub hits: Arc<AtomicU64>,
    _task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

struct State {
    mode: Mode,
    hits: Arc<AtomicU64>,
    paused_until: Mutex<Option<Instant>>,
}

async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let n = state.hits.fetch_add(1, Ordering::SeqCst) + 1;
    let _ = req.into_body().collect().await;
    let ok = || Response::new(Full::new(Bytes::from_static(b"ok")));
    let resp = match state.mode {
        Mode::Fast => ok(),
        Mode::Slow(d) => {
            tokio::time::sleep(d).await;
            ok()
        }
        Mode::EveryTenth500 => {
            if n.is_multiple_of(10) {
                let mut r = ok();
                *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                r
            } else {
                ok()
            }
        }
        Mode::Stall { at, pause } => {
            let until = {
                let mut p = state.paused_until.lock().await;
                if n == at {
                    *p = Some(Instant::now() + pause);
                }
                *p
            };
            if let Some(u) = until
                && u > Instant::now()
            {
                tokio::time::sleep_until(u).await;
            }
            ok()
        }
        Mode::CloseAfterResponse => {
            let mut r = ok();
            r.headers_mut().insert(
                http::header::CONNECTION,
                http::HeaderValue::from_static("close"),
            );
            r
        }
    };
    Ok(resp)
}

/// An HTTPS server and the CA that signed its certificate.
pub struct TlsServer {
    pub server: Server,
    pub ca: rustls::pki_types::CertificateDer<'static>,
}

/// Starts an HTTP/1.1 server over TLS on 127.0.0.1, with a certificate for `127.0.0.1` signed
/// by a CA generated here.
pub async fn start_tls(mode: Mode) -> TlsServer {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "golive load test CA");
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![leaf.der().clone()], key)
        .unwrap();
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    TlsServer {
        server: listen(mode, false, Some(acceptor)).await,
        ca: ca_cert.der().clone(),
    }
}

/// Starts an HTTP/1.1 (or, with `h2`, HTTP/2 prior-knowledge only) server.
pub async fn start(mode: Mode, h2: bool) -> Server {
    listen(mode, h2, None).await
}

/// A server on 127.0.0.1: plain HTTP/1.1 or HTTP/2, or HTTP/1.1 over TLS with `acceptor`.
async fn listen(mode: Mode, h2: bool, acceptor: Option<tokio_rustls::TlsAcceptor>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicU64::new(0));
    let state = Arc::new(State {
        mode,
        hits: hits.clone(),
        paused_until: Mutex::new(None),
    });
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let state = state.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| handle(state.clone(), req));
                if let Some(acceptor) = acceptor {
                    if let Ok(tls) = acceptor.accept(stream).await {
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(tls), svc)
                            .await;
                    }
                    return;
                }
                let io = TokioIo::new(stream);
                if h2 {
                    let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                        .serve_connection(io, svc)
                        .await;
                } else {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, svc)
                        .await;
                }
            });
        }
    });
    Server {
        addr,
        hits,
        _task: task,
    }
}

/// A raw HTTP/1.1 server that answers `200 ok` but drops the connection without answering on
/// every `every`-th request.
pub async fn start_dropping(every: u64) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicU64::new(0));
    let h = hits.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let hits = h.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    while let Some(end) = find(&buf, b"\r\n\r\n") {
                        buf.drain(..end + 4);
                        let n = hits.fetch_add(1, Ordering::SeqCst) + 1;
                        if n.is_multiple_of(every) {
                            return; // drop: the client sees the connection close mid-exchange
                        }
                        if stream
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
            });
        }
    });
    Server {
        addr,
        hits,
        _task: task,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A port with nothing listening on it.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
