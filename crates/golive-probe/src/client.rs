//! A small HTTP/1.1 client on hyper's connection API: one connection per request, a deadline on
//! the whole exchange, bounded bodies, manual redirects with loop detection, and TLS through
//! rustls with a verifier that *records* the server's chain instead of refusing it (the
//! certificate is judged by the TLS check, so that the rest of the audit can still run against a
//! service whose certificate is broken).

use bytes::Bytes;
use golive_core::{Evidence, Header};
use http::{HeaderMap, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use url::Url;

/// The User-Agent golive sends.
pub const USER_AGENT: &str = concat!("golive-probe/", env!("CARGO_PKG_VERSION"));

/// Why a request got no HTTP answer. Every variant says what failed and where.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: bad URL: {message}")]
    BadUrl { url: String, message: String },
    #[error("{url}: DNS lookup of `{host}` failed: {message} (check the host name)")]
    Dns {
        url: String,
        host: String,
        message: String,
    },
    #[error(
        "{url}: connection refused by {addr} (is the service running and listening on that port?)"
    )]
    Refused { url: String, addr: String },
    #[error("{url}: cannot connect to {addr}: {message}")]
    Connect {
        url: String,
        addr: String,
        message: String,
    },
    #[error("{url}: no answer within {}ms (raise --timeout or check the service)", .after.as_millis())]
    Timeout { url: String, after: Duration },
    #[error("{url}: TLS handshake failed: {message}")]
    Tls { url: String, message: String },
    #[error("{url}: HTTP error: {message}")]
    Http { url: String, message: String },
    #[error("{url}: redirect loop ({chain})")]
    RedirectLoop { url: String, chain: String },
    #[error("{url}: more than {max} redirects ({chain})")]
    TooManyRedirects {
        url: String,
        max: usize,
        chain: String,
    },
}

/// One request and its answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: Method,
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub request_headers: Vec<(String, String)>,
    /// The body, cut at the client's limit.
    pub body: Bytes,
    pub truncated: bool,
    pub elapsed: Duration,
}

impl Exchange {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn content_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase()
    }
    pub fn is_html(&self) -> bool {
        let ct = self.content_type();
        ct.contains("text/html") || ct.contains("application/xhtml")
    }
    pub fn is_json(&self) -> bool {
        let ct = self.content_type();
        ct.contains("json")
    }
    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status) && self.headers.contains_key("location")
    }
    /// The absolute `Location` target, if any.
    pub fn location(&self) -> Option<Url> {
        let loc = self.header("location")?;
        self.url.join(loc).ok()
    }

    /// Evidence for a report: the request line, status, the named response headers (all of them
    /// when `names` is empty would be too much: only the named ones), and a body excerpt.
    pub fn evidence(&self, names: &[&str], with_body: bool) -> Evidence {
        let mut response_headers = Vec::new();
        for n in names {
            for v in self.header_all(n) {
                response_headers.push(Header {
                    name: canonical(n),
                    value: v,
                });
            }
        }
        let body_excerpt = if with_body && !self.body.is_empty() {
            Some(excerpt(&self.body_text(), 400))
        } else {
            None
        };
        Evidence::Http {
            method: self.method.to_string(),
            url: self.url.to_string(),
            status: Some(self.status),
            request_headers: self
                .request_headers
                .iter()
                .map(|(n, v)| Header {
                    name: n.clone(),
                    value: mask_header(n, v),
                })
                .collect(),
            response_headers,
            body_excerpt,
            elapsed_ms: Some((self.elapsed.as_secs_f64() * 1000.0 * 100.0).round() / 100.0),
        }
    }
}

/// `content-security-policy` → `Content-Security-Policy`.
pub fn canonical(name: &str) -> String {
    name.split('-')
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn mask_header(name: &str, value: &str) -> String {
    let n = name.to_ascii_lowercase();
    if n == "authorization" || n == "cookie" || n.contains("token") || n.contains("api-key") {
        match value.split_once(' ') {
            Some((scheme, secret)) => format!("{scheme} {}", golive_core::mask_secret(secret)),
            None => golive_core::mask_secret(value),
        }
    } else {
        value.to_string()
    }
}

/// The first `max` characters of a text, on one line per line, with a marker when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= max {
        return t.to_string();
    }
    let cut: String = t.chars().take(max).collect();
    format!("{cut}…")
}

/// What the TLS layer saw.
#[derive(Debug, Clone, Default)]
pub struct TlsInfo {
    pub chain: Vec<CertificateDer<'static>>,
    pub protocol: Option<String>,
}

/// The client. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    tls: Arc<rustls::ClientConfig>,
    pub timeout: Duration,
    /// Headers added to every request (`--header`).
    pub extra_headers: Vec<(String, String)>,
    pub max_body: usize,
}

impl Client {
    pub fn new(timeout: Duration, extra_headers: Vec<(String, String)>) -> Client {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut cfg = rustls::ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap_or_else(|_| {
                // The ring provider supports the default versions; this cannot fail in practice,
                // and if it did the fallback below still gives a usable configuration.
                rustls::ClientConfig::builder_with_provider(provider.clone())
                    .with_protocol_versions(&[&rustls::version::TLS12])
                    .expect("ring supports TLS 1.2")
            })
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(RecordingVerifier { provider }))
            .with_no_client_auth();
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Client {
            tls: Arc::new(cfg),
            timeout,
            extra_headers,
            max_body: 256 * 1024,
        }
    }

    /// GET without following redirects.
    pub async fn get(&self, url: &Url) -> Result<Exchange, FetchError> {
        self.send(Method::GET, url, &[], None).await
    }

    /// Sends one request. `headers` are added after the client's extra headers (and replace
    /// them when the name is the same; a header with an empty value removes it).
    pub async fn send(
        &self,
        method: Method,
        url: &Url,
        headers: &[(&str, &str)],
        body: Option<Bytes>,
    ) -> Result<Exchange, FetchError> {
        match tokio::time::timeout(self.timeout, self.send_inner(method, url, headers, body)).await
        {
            Ok(r) => r.map(|(e, _)| e),
            Err(_) => Err(FetchError::Timeout {
                url: url.to_string(),
                after: self.timeout,
            }),
        }
    }

    /// Connects over TLS and reports the chain and protocol (the first request's TLS facts).
    pub async fn tls_info(&self, url: &Url) -> Result<TlsInfo, FetchError> {
        let fut = async {
            let (host, port) = host_port(url)?;
            let tcp = connect(url, &host, port).await?;
            let (_, info) = self.tls_handshake(url, &host, tcp).await?;
            Ok(info)
        };
        match tokio::time::timeout(self.timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(FetchError::Timeout {
                url: url.to_string(),
                after: self.timeout,
            }),
        }
    }

    /// Follows redirects (at most `max`), returning every exchange in order, and the target of
    /// a redirect that was not followed because [`may_follow`] refuses it (another host, or
    /// https to http, without that host in `allowed`).
    pub async fn follow(
        &self,
        url: &Url,
        max: usize,
        allowed: &[String],
    ) -> Result<(Vec<Exchange>, Option<Url>), FetchError> {
        let mut chain: Vec<Exchange> = Vec::new();
        let mut seen: Vec<String> = vec![url.to_string()];
        let mut current = url.clone();
        loop {
            let ex = self.get(&current).await?;
            let next = if ex.is_redirect() {
                ex.location()
            } else {
                None
            };
            chain.push(ex);
            let Some(next) = next else {
                return Ok((chain, None));
            };
            if !may_follow(&current, &next, allowed) {
                return Ok((chain, Some(next)));
            }
            let render = |seen: &[String], next: &Url| {
                let mut s = seen.join(" → ");
                s.push_str(" → ");
                s.push_str(next.as_str());
                s
            };
            if seen.iter().any(|s| s == next.as_str()) {
                return Err(FetchError::RedirectLoop {
                    url: url.to_string(),
                    chain: render(&seen, &next),
                });
            }
            if chain.len() > max {
                return Err(FetchError::TooManyRedirects {
                    url: url.to_string(),
                    max,
                    chain: render(&seen, &next),
                });
            }
            seen.push(next.to_string());
            current = next;
        }
    }

    async fn tls_handshake(
        &self,
        url: &Url,
        host: &str,
        tcp: TcpStream,
    ) -> Result<(tokio_rustls::client::TlsStream<TcpStream>, TlsInfo), FetchError> {
        let name = server_name(url, host)?;
        let connector = tokio_rustls::TlsConnector::from(self.tls.clone());
        let stream = connector
            .connect(name, tcp)
            .await
            .map_err(|e| FetchError::Tls {
                url: url.to_string(),
                message: e.to_string(),
            })?;
        let conn = stream.get_ref().1;
        let info = TlsInfo {
            chain: conn
                .peer_certificates()
                .map(|c| c.iter().map(|d| d.clone().into_owned()).collect())
                .unwrap_or_default(),
            protocol: conn.protocol_version().map(|v| format!("{v:?}")),
        };
        Ok((stream, info))
    }

    async fn send_inner(
        &self,
        method: Method,
        url: &Url,
        headers: &[(&str, &str)],
        body: Option<Bytes>,
    ) -> Result<(Exchange, Option<TlsInfo>), FetchError> {
        let (host, port) = host_port(url)?;
        let start = Instant::now();
        let tcp = connect(url, &host, port).await?;
        let mut req_headers: Vec<(String, String)> = vec![("User-Agent".into(), USER_AGENT.into())];
        for (n, v) in &self.extra_headers {
            set_header(&mut req_headers, n, v);
        }
        for (n, v) in headers {
            set_header(&mut req_headers, n, v);
        }
        let (ex, tls) = match url.scheme() {
            "https" => {
                let (stream, info) = self.tls_handshake(url, &host, tcp).await?;
                let ex = self
                    .exchange(stream, method, url, &req_headers, body, start)
                    .await?;
                (ex, Some(info))
            }
            "http" => (
                self.exchange(tcp, method, url, &req_headers, body, start)
                    .await?,
                None,
            ),
            other => {
                return Err(FetchError::BadUrl {
                    url: url.to_string(),
                    message: format!("unsupported scheme `{other}` (use http or https)"),
                });
            }
        };
        Ok((ex, tls))
    }

    async fn exchange<S>(
        &self,
        stream: S,
        method: Method,
        url: &Url,
        req_headers: &[(String, String)],
        body: Option<Bytes>,
        start: Instant,
    ) -> Result<Exchange, FetchError>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let http_err = |e: &dyn std::fmt::Display| FetchError::Http {
            url: url.to_string(),
            message: e.to_string(),
        };
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| http_err(&e))?;
        let conn_task = tokio::spawn(async move {
            let _ = conn.await;
        });
        let mut path = url.path().to_string();
        if let Some(q) = url.query() {
            path.push('?');
            path.push_str(q);
        }
        let host_header = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
            None => url.host_str().unwrap_or("").to_string(),
        };
        let mut builder = Request::builder()
            .method(method.clone())
            .uri(path)
            .header("host", host_header);
        for (n, v) in req_headers {
            builder = builder.header(n.as_str(), v.as_str());
        }
        let req = builder
            .body(Full::new(body.unwrap_or_default()))
            .map_err(|e| http_err(&e))?;
        let resp = sender.send_request(req).await.map_err(|e| http_err(&e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let mut body = resp.into_body();
        let mut buf: Vec<u8> = Vec::new();
        let mut truncated = false;
        if method != Method::HEAD {
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(|e| http_err(&e))?;
                if let Ok(data) = frame.into_data() {
                    let room = self.max_body.saturating_sub(buf.len());
                    if data.len() > room {
                        buf.extend_from_slice(&data[..room]);
                        truncated = true;
                        break;
                    }
                    buf.extend_from_slice(&data);
                }
            }
        }
        conn_task.abort();
        Ok(Exchange {
            method,
            url: url.clone(),
            status,
            headers,
            request_headers: req_headers.to_vec(),
            body: Bytes::from(buf),
            truncated,
            elapsed: start.elapsed(),
        })
    }
}

/// Whether a redirect from `from` to `to` may be followed: to the same host (any port) without
/// going from https to http, or to a host the user named (`--follow-redirects-to`).
pub fn may_follow(from: &Url, to: &Url, allowed: &[String]) -> bool {
    let host = |u: &Url| {
        u.host_str()
            .unwrap_or("")
            .trim_matches(['[', ']'])
            .to_ascii_lowercase()
    };
    let to_host = host(to);
    if !matches!(to.scheme(), "http" | "https") {
        return false;
    }
    if allowed.iter().any(|a| {
        a.trim()
            .trim_matches(['[', ']'])
            .eq_ignore_ascii_case(&to_host)
    }) {
        return true;
    }
    host(from) == to_host && !(from.scheme() == "https" && to.scheme() == "http")
}

fn set_header(list: &mut Vec<(String, String)>, name: &str, value: &str) {
    list.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    if !value.is_empty() {
        list.push((name.to_string(), value.to_string()));
    }
}

/// Host and port of a URL (default port by scheme).
pub fn host_port(url: &Url) -> Result<(String, u16), FetchError> {
    let host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_string(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        None => {
            return Err(FetchError::BadUrl {
                url: url.to_string(),
                message: "no host".into(),
            });
        }
    };
    let port = url
        .port_or_known_default()
        .ok_or_else(|| FetchError::BadUrl {
            url: url.to_string(),
            message: format!("no port known for scheme `{}`", url.scheme()),
        })?;
    Ok((host, port))
}

pub(crate) fn server_name(url: &Url, host: &str) -> Result<ServerName<'static>, FetchError> {
    ServerName::try_from(host.to_string()).map_err(|e| FetchError::Tls {
        url: url.to_string(),
        message: format!("`{host}` is not a valid TLS server name: {e}"),
    })
}

/// Resolves and connects, trying every address; classifies DNS failures and refusals.
pub async fn connect(url: &Url, host: &str, port: u16) -> Result<TcpStream, FetchError> {
    let addrs: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| FetchError::Dns {
            url: url.to_string(),
            host: host.to_string(),
            message: e.to_string(),
        })?
        .collect();
    if addrs.is_empty() {
        return Err(FetchError::Dns {
            url: url.to_string(),
            host: host.to_string(),
            message: "no address found".into(),
        });
    }
    let mut last: Option<FetchError> = None;
    for addr in addrs {
        match TcpStream::connect(addr).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                last = Some(FetchError::Refused {
                    url: url.to_string(),
                    addr: addr.to_string(),
                });
            }
            Err(e) => {
                last = Some(FetchError::Connect {
                    url: url.to_string(),
                    addr: addr.to_string(),
                    message: e.to_string(),
                });
            }
        }
    }
    Err(last.unwrap_or_else(|| FetchError::Dns {
        url: url.to_string(),
        host: host.to_string(),
        message: "no address found".into(),
    }))
}

/// Accepts any chain (recording happens through the connection's `peer_certificates`) but still
/// checks the handshake signatures, so the TLS session itself is sound.
#[derive(Debug)]
struct RecordingVerifier {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
