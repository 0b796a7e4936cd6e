//! Test servers on 127.0.0.1: a hardened axum app, a deliberately careless one, a TLS server
//! with certificates generated here, a responder that speaks like a TLS 1.0 server, and nginx.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use golive_core::{Finding, Outcome};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const GOOD_TOKEN: &str = "golive-test-token-7f3a9c1e5b2d";
pub const FRONTEND: &str = "https://app.example.com";

/// Serves a router on a free loopback port; the server lives as long as the runtime.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

// ------------------------------------------------------------------ hardened app

async fn hardened_headers(req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    if origin.as_deref() == Some(FRONTEND) {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static(FRONTEND),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    resp
}

const HARDENED_INDEX: &str = r#"<!doctype html><html><head><title>shop</title>
<link rel="stylesheet" href="/static/site.5e1c0d9a7b.css"></head>
<body><h1>shop</h1><script src="/static/app.3f9a1c2b7d.js"></script></body></html>"#;

fn json(status: StatusCode, body: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A service that does everything right (over plain HTTP: a TLS proxy fronts it).
pub fn hardened_app() -> Router {
    let limited = Arc::new(AtomicUsize::new(0));
    Router::new()
        .route(
            "/",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                        (
                            header::SET_COOKIE,
                            "sessionid=3b1f0c; Path=/; Secure; HttpOnly; SameSite=Strict",
                        ),
                        (header::CACHE_CONTROL, "no-cache"),
                    ],
                    HARDENED_INDEX,
                )
            }),
        )
        .route(
            "/static/app.3f9a1c2b7d.js",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "application/javascript"),
                        (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                    ],
                    "console.log('shop');",
                )
            }),
        )
        .route(
            "/static/site.5e1c0d9a7b.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css"),
                        (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                    ],
                    "body{margin:0}",
                )
            }),
        )
        .route(
            "/health",
            get(|| async { json(StatusCode::OK, r#"{"status":"ok"}"#) }),
        )
        .route(
            "/health/ready",
            get(|| async {
                json(
                    StatusCode::OK,
                    r#"{"status":"ok","checks":{"database":"ok","cache":"ok"}}"#,
                )
            }),
        )
        .route("/admin", get(admin))
        .route(
            "/api/search",
            get(move || {
                let n = limited.fetch_add(1, Ordering::SeqCst) + 1;
                async move {
                    if n > 20 {
                        (
                            StatusCode::TOO_MANY_REQUESTS,
                            [
                                (header::RETRY_AFTER, "30"),
                                (header::CONTENT_TYPE, "application/json"),
                            ],
                            r#"{"error":"too many requests"}"#,
                        )
                            .into_response()
                    } else {
                        json(StatusCode::OK, r#"{"results":[]}"#)
                    }
                }
            }),
        )
        .fallback(|| async { json(StatusCode::NOT_FOUND, r#"{"error":"not found"}"#) })
        .layer(middleware::from_fn(hardened_headers))
}

async fn admin(headers: HeaderMap) -> Response {
    let ok = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {GOOD_TOKEN}"));
    if ok {
        json(StatusCode::OK, r#"{"users":3}"#)
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [
                (header::WWW_AUTHENTICATE, "Bearer realm=\"admin\""),
                (header::CONTENT_TYPE, "application/json"),
            ],
            r#"{"error":"unauthorized"}"#,
        )
            .into_response()
    }
}

// ------------------------------------------------------------------ careless app

async fn careless_headers(req: Request, next: Next) -> Response {
    let origin = req.headers().get(header::ORIGIN).cloned();
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert("x-powered-by", HeaderValue::from_static("Express"));
    h.insert(
        header::SERVER,
        HeaderValue::from_static("Werkzeug/2.0.1 Python/3.9.7"),
    );
    if let Some(o) = origin {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    resp
}

fn careless_index() -> String {
    let mut s = String::from(
        "<!doctype html><html><head><title>careless</title>\
         <script src=\"http://cdn.example.com/jquery.js\"></script>\
         <link rel=\"stylesheet\" href=\"/style.css\"></head><body>",
    );
    for i in 0..60 {
        s.push_str(&format!("<p>Item {i}: lorem ipsum dolor sit amet</p>"));
    }
    s.push_str("</body></html>");
    s
}

const STACK: &str = "TypeError: Cannot read properties of undefined (reading 'name')\n    at createItem (/srv/app/routes/items.js:42:13)\n    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)\n";

/// A service that gets everything wrong.
pub fn careless_app() -> Router {
    Router::new()
        .route(
            "/",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/html"),
                        (header::SET_COOKIE, "session=abc123; Path=/"),
                    ],
                    careless_index(),
                )
            })
            .post(|| async {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    [(header::CONTENT_TYPE, "text/plain")],
                    STACK,
                )
            }),
        )
        .route(
            "/style.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css")], "body{}") }),
        )
        .route(
            "/.env",
            get(|| async {
                "APP_ENV=production\nDB_PASSWORD=s3cr3t-hunter2-prod\nSECRET_KEY=django-insecure-0123456789abcdef\n"
            }),
        )
        .route(
            "/admin",
            get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<h1>Admin panel</h1>") }),
        )
        .route(
            "/api/search",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], "[]") }),
        )
        .route("/api/items", post(|| async { (StatusCode::INTERNAL_SERVER_ERROR, STACK) }))
        // Soft 404: everything else is the home page.
        .fallback(|| async { ([(header::CONTENT_TYPE, "text/html")], careless_index()) })
        .layer(middleware::from_fn(careless_headers))
}

/// An app whose every answer redirects to itself.
pub fn loop_app() -> Router {
    Router::new().fallback(|| async {
        Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, "/a")
            .body(Body::empty())
            .unwrap_or_default()
    })
}

// ------------------------------------------------------------------ findings helpers

pub fn of<'a>(findings: &'a [Finding], id: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.check == id).collect()
}

/// The combined outcome of a check (the worst, as scoring combines them).
pub fn outcome(findings: &[Finding], id: &str) -> Outcome {
    of(findings, id)
        .iter()
        .map(|f| f.outcome)
        .max_by_key(|o| o.precedence())
        .unwrap_or_else(|| panic!("no finding for {id}"))
}

pub fn dump(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} {} {}", f.check, f.outcome, f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

// ------------------------------------------------------------------ TLS

pub struct Pki {
    pub ca_pem: String,
    pub ca_der: rustls::pki_types::CertificateDer<'static>,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl Pki {
    pub fn new() -> Pki {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "golive test CA");
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("self-sign CA");
        Pki {
            ca_pem: cert.pem(),
            ca_der: cert.der().clone(),
            issuer: rcgen::Issuer::new(params, key),
        }
    }

    /// A leaf for `names`, valid from `from_days` to `to_days` relative to now.
    pub fn leaf(&self, names: &[&str], from_days: i64, to_days: i64) -> TlsIdentity {
        let (params, key) = leaf_params(names, from_days, to_days);
        let cert = params.signed_by(&key, &self.issuer).expect("sign leaf");
        TlsIdentity {
            chain: vec![cert.der().clone()],
            key: key.serialize_der(),
        }
    }
}

fn leaf_params(
    names: &[&str],
    from_days: i64,
    to_days: i64,
) -> (rcgen::CertificateParams, rcgen::KeyPair) {
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .expect("params");
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now + time::Duration::days(from_days);
    params.not_after = now + time::Duration::days(to_days);
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        names.first().copied().unwrap_or("x"),
    );
    (params, rcgen::KeyPair::generate().expect("key"))
}

/// A self-signed leaf (no CA).
pub fn self_signed(names: &[&str]) -> TlsIdentity {
    let (params, key) = leaf_params(names, -1, 365);
    let cert = params.self_signed(&key).expect("self-sign");
    TlsIdentity {
        chain: vec![cert.der().clone()],
        key: key.serialize_der(),
    }
}

pub struct TlsIdentity {
    pub chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    pub key: Vec<u8>,
}

/// A TLS 1.2/1.3 server (rustls) answering every request with a small page and HSTS.
pub async fn tls_server(id: TlsIdentity) -> SocketAddr {
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(id.key.into());
    let cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(id.chain, key)
    .expect("server cert");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(cfg));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = vec![0u8; 8192];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let body = "{\"status\":\"ok\"}";
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nStrict-Transport-Security: max-age=31536000; includeSubDomains\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(resp.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    addr
}

/// A responder that answers any ClientHello with a ServerHello of the version the client asked
/// for, as a server that still speaks TLS 1.0/1.1 would (it never completes a handshake).
pub async fn legacy_tls_responder() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((mut tcp, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut got = 0;
                while got < 11 {
                    match tcp.read(&mut buf[got..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got += n,
                    }
                }
                if buf[0] != 0x16 || buf[5] != 1 {
                    return;
                }
                let version = [buf[9], buf[10]];
                let mut body = Vec::new();
                body.extend_from_slice(&version);
                body.extend_from_slice(&[7u8; 32]);
                body.push(0); // session id
                body.extend_from_slice(&[0x00, 0x2f]); // TLS_RSA_WITH_AES_128_CBC_SHA
                body.push(0); // compression
                let mut hs = vec![2u8, 0, 0, body.len() as u8];
                hs.extend_from_slice(&body);
                let mut rec = vec![0x16, version[0], version[1], 0, hs.len() as u8];
                rec.extend_from_slice(&hs);
                let _ = tcp.write_all(&rec).await;
                let _ = tcp.shutdown().await;
            });
        }
    });
    addr
}

// ------------------------------------------------------------------ nginx

/// Where nginx is, or None.
pub fn nginx_binary() -> Option<std::path::PathBuf> {
    for p in ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"] {
        if std::path::Path::new(p).exists() {
            return Some(p.into());
        }
    }
    None
}

/// Skips loudly without nginx, or fails under GOLIVE_REQUIRE_SERVICES=1.
pub fn require_nginx() -> Option<std::path::PathBuf> {
    match nginx_binary() {
        Some(p) => Some(p),
        None => {
            if std::env::var("GOLIVE_REQUIRE_SERVICES").as_deref() == Ok("1") {
                panic!(
                    "nginx is required (GOLIVE_REQUIRE_SERVICES=1) but not installed: apt-get install nginx"
                );
            }
            eprintln!(
                "SKIPPED: nginx is not installed (apt-get install nginx); set GOLIVE_REQUIRE_SERVICES=1 to make this a failure"
            );
            None
        }
    }
}

pub struct Nginx {
    child: std::process::Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Nginx {
    pub fn root(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Starts nginx in the foreground with its own prefix and config; `server` is the body of the
/// `server { }` block (the listen directive is added).
pub fn start_nginx(bin: &std::path::Path, server: &str, http_extra: &str) -> Nginx {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    for d in ["logs", "html", "tmp"] {
        std::fs::create_dir_all(root.join(d)).expect("mkdir");
    }
    std::fs::write(
        root.join("html/index.html"),
        "<!doctype html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>\n",
    )
    .expect("index");
    let port = free_port();
    let mime = if std::path::Path::new("/etc/nginx/mime.types").exists() {
        "include /etc/nginx/mime.types;"
    } else {
        ""
    };
    let conf = format!(
        r#"daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    {mime}
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    {http_extra}
    server {{
        listen 127.0.0.1:{port};
        root {root}/html;
        {server}
    }}
}}
"#,
        root = root.display()
    );
    let conf_path = root.join("nginx.conf");
    std::fs::write(&conf_path, conf).expect("conf");
    let mut child = std::process::Command::new(bin)
        .arg("-p")
        .arg(root)
        .arg("-c")
        .arg(&conf_path)
        .arg("-e")
        .arg(root.join("logs/error.log"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start nginx");
    // Wait (bounded) until it listens.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Nginx { child, port, dir };
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let log = std::fs::read_to_string(root.join("logs/error.log")).unwrap_or_default();
    panic!("nginx did not start listening on {port} within 5 s: {log}");
}
