//! TLS checks against a rustls server with certificates generated here, the legacy-protocol
//! check against a responder that speaks like a TLS 1.0 server, and every way a request can fail.

mod common;

use common::*;
use golive_core::Outcome;
use golive_probe::ProbeOptions;
use std::time::Duration;

async fn probe_tls(
    addr: std::net::SocketAddr,
    host: &str,
    roots: Vec<rustls::pki_types::CertificateDer<'static>>,
) -> Vec<golive_core::Finding> {
    let mut o = ProbeOptions::new(&format!("https://{host}:{}/", addr.port())).expect("url");
    o.extra_roots = roots;
    o.latency_samples = 2;
    o.timeout = Duration::from_secs(3);
    golive_probe::run(&o).await.findings
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_certificate_passes_and_legacy_protocols_are_refused() {
    let pki = Pki::new();
    let addr = tls_server(pki.leaf(&["localhost"], -1, 90)).await;
    let f = probe_tls(addr, "localhost", vec![pki.ca_der.clone()]).await;
    let d = dump(&f);
    assert_eq!(outcome(&f, "probe.reachable"), Outcome::Pass, "{d}");
    assert_eq!(outcome(&f, "probe.tls-certificate"), Outcome::Pass, "{d}");
    assert_eq!(outcome(&f, "probe.tls-expiry"), Outcome::Pass, "{d}");
    // rustls refuses TLS 1.0 and 1.1 with an alert.
    assert_eq!(
        outcome(&f, "probe.tls-legacy-protocols"),
        Outcome::Pass,
        "{d}"
    );
    assert_eq!(of(&f, "probe.tls-legacy-protocols").len(), 2);
    // HSTS of a year over HTTPS.
    assert_eq!(outcome(&f, "probe.hsts"), Outcome::Pass, "{d}");
    // A non-default port: the plain-HTTP address cannot be derived.
    assert_eq!(
        outcome(&f, "probe.https-redirect"),
        Outcome::Inconclusive,
        "{d}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untrusted_ca_without_extra_roots_fails() {
    let pki = Pki::new();
    let addr = tls_server(pki.leaf(&["localhost"], -1, 90)).await;
    let f = probe_tls(addr, "localhost", Vec::new()).await;
    assert_eq!(
        outcome(&f, "probe.tls-certificate"),
        Outcome::Fail,
        "{}",
        dump(&f)
    );
    assert!(
        of(&f, "probe.tls-certificate")[0]
            .message
            .contains("trusted root")
    );
    // The rest of the audit still ran over the connection.
    assert_eq!(outcome(&f, "probe.reachable"), Outcome::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_certificate_fails() {
    let pki = Pki::new();
    let addr = tls_server(pki.leaf(&["localhost"], -60, -2)).await;
    let f = probe_tls(addr, "localhost", vec![pki.ca_der.clone()]).await;
    let d = dump(&f);
    assert_eq!(outcome(&f, "probe.tls-certificate"), Outcome::Fail, "{d}");
    assert!(
        of(&f, "probe.tls-certificate")[0]
            .message
            .contains("expired"),
        "{d}"
    );
    assert_eq!(outcome(&f, "probe.tls-expiry"), Outcome::Fail, "{d}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_host_fails() {
    let pki = Pki::new();
    let addr = tls_server(pki.leaf(&["other.example"], -1, 90)).await;
    let f = probe_tls(addr, "localhost", vec![pki.ca_der.clone()]).await;
    assert_eq!(outcome(&f, "probe.tls-certificate"), Outcome::Fail);
    assert!(
        of(&f, "probe.tls-certificate")[0]
            .message
            .contains("not valid for this host"),
        "{}",
        dump(&f)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_signed_fails() {
    let addr = tls_server(self_signed(&["localhost"])).await;
    let f = probe_tls(addr, "localhost", Vec::new()).await;
    assert_eq!(outcome(&f, "probe.tls-certificate"), Outcome::Fail);
    assert!(
        of(&f, "probe.tls-certificate")[0]
            .message
            .contains("self-signed"),
        "{}",
        dump(&f)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiry_in_five_days_fails_and_in_twenty_warns() {
    let pki = Pki::new();
    let addr = tls_server(pki.leaf(&["localhost"], -1, 5)).await;
    let f = probe_tls(addr, "localhost", vec![pki.ca_der.clone()]).await;
    assert_eq!(
        outcome(&f, "probe.tls-certificate"),
        Outcome::Pass,
        "{}",
        dump(&f)
    );
    assert_eq!(
        outcome(&f, "probe.tls-expiry"),
        Outcome::Fail,
        "{}",
        dump(&f)
    );

    let addr = tls_server(pki.leaf(&["localhost"], -1, 20)).await;
    let f = probe_tls(addr, "localhost", vec![pki.ca_der.clone()]).await;
    assert_eq!(
        outcome(&f, "probe.tls-expiry"),
        Outcome::Warn,
        "{}",
        dump(&f)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_tls_server_is_caught() {
    let addr = legacy_tls_responder().await;
    let f = probe_tls(addr, "localhost", Vec::new()).await;
    let legacy = of(&f, "probe.tls-legacy-protocols");
    assert_eq!(legacy.len(), 2, "{}", dump(&f));
    assert!(
        legacy.iter().all(|x| x.outcome == Outcome::Fail),
        "{}",
        dump(&f)
    );
    assert!(legacy.iter().any(|x| x.message.contains("accepts TLS 1.0")));
    assert!(legacy.iter().any(|x| x.message.contains("accepts TLS 1.1")));
    // The responder never completes a modern handshake: that is a finding too, not a panic.
    assert_eq!(outcome(&f, "probe.reachable"), Outcome::Fail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_redirect_to_https_is_followed_into_the_tls_checks() {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    let pki = Pki::new();
    let tls = tls_server(pki.leaf(&["localhost"], -1, 90)).await;
    let target = format!("https://localhost:{}/", tls.port());
    let app = axum::Router::new().fallback(move || {
        let t = target.clone();
        async move { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, t)]).into_response() }
    });
    let plain = serve(app).await;
    let mut o = ProbeOptions::new(&format!("http://localhost:{}/", plain.port())).expect("url");
    o.extra_roots = vec![pki.ca_der.clone()];
    o.latency_samples = 2;
    let f = golive_probe::run(&o).await.findings;
    let d = dump(&f);
    assert_eq!(outcome(&f, "probe.https-redirect"), Outcome::Pass, "{d}");
    assert_eq!(outcome(&f, "probe.tls-certificate"), Outcome::Pass, "{d}");
    assert_eq!(outcome(&f, "probe.hsts"), Outcome::Pass, "{d}");
    // Path checks follow the service to HTTPS instead of hitting the redirect again.
    let nf = of(&f, "probe.not-found");
    let golive_core::Evidence::Http { url, .. } = &nf[0].evidence[0] else {
        panic!("{:?}", nf[0].evidence)
    };
    assert!(url.starts_with("https://localhost:"), "{url}");

    // A temporary redirect warns.
    let target = format!("https://localhost:{}/", tls.port());
    let app = axum::Router::new().fallback(move || {
        let t = target.clone();
        async move { (StatusCode::FOUND, [(header::LOCATION, t)]).into_response() }
    });
    let plain = serve(app).await;
    let mut o = ProbeOptions::new(&format!("http://localhost:{}/", plain.port())).expect("url");
    o.extra_roots = vec![pki.ca_der.clone()];
    o.latency_samples = 2;
    let f = golive_probe::run(&o).await.findings;
    assert_eq!(
        outcome(&f, "probe.https-redirect"),
        Outcome::Warn,
        "{}",
        dump(&f)
    );
}

fn unreachable_reported(f: &[golive_core::Finding], needle: &str) {
    let r = of(f, "probe.reachable");
    assert_eq!(r[0].outcome, Outcome::Fail, "{}", dump(f));
    assert!(r[0].message.contains(needle), "{}", r[0].message);
    // Every other check says it was not checked, none passes.
    let skip = ["probe.reachable", "probe.tls-certificate"];
    for id in golive_probe::CHECK_IDS.iter().filter(|i| !skip.contains(i)) {
        assert_eq!(outcome(f, id), Outcome::Inconclusive, "{id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connection_is_a_finding() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let o = ProbeOptions::new(&format!("http://127.0.0.1:{port}/")).expect("url");
    let f = golive_probe::run(&o).await.findings;
    unreachable_reported(&f, "connection refused");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_failure_is_a_finding() {
    let o = ProbeOptions::new("http://no-such-host.invalid/").expect("url");
    let f = golive_probe::run(&o).await.findings;
    unreachable_reported(&f, "DNS lookup");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_is_a_finding() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let mut o = ProbeOptions::new(&format!("http://{addr}/")).expect("url");
    o.timeout = Duration::from_millis(300);
    let f = golive_probe::run(&o).await.findings;
    unreachable_reported(&f, "no answer within 300ms");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_handshake_failure_is_a_finding() {
    // An HTTPS URL on a plain-HTTP port.
    let addr = serve(hardened_app()).await;
    let o = ProbeOptions::new(&format!("https://127.0.0.1:{}/", addr.port())).expect("url");
    let f = golive_probe::run(&o).await.findings;
    unreachable_reported(&f, "TLS handshake failed");
    assert_eq!(
        outcome(&f, "probe.tls-certificate"),
        Outcome::Fail,
        "{}",
        dump(&f)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_loop_is_a_finding() {
    let addr = serve(loop_app()).await;
    let o = ProbeOptions::new(&format!("http://{addr}/")).expect("url");
    let f = golive_probe::run(&o).await.findings;
    unreachable_reported(&f, "redirect loop");
}

#[test]
fn bad_options_are_clear_errors() {
    assert!(
        ProbeOptions::new("ftp://example.com")
            .unwrap_err()
            .to_string()
            .contains("scheme")
    );
    assert!(ProbeOptions::new("not a url").is_err());
    assert!(
        golive_probe::parse_header("NoColon")
            .unwrap_err()
            .to_string()
            .contains("Name: value")
    );
    assert_eq!(
        golive_probe::parse_header("X-Env: staging").expect("header"),
        ("X-Env".into(), "staging".into())
    );
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().join("ca.pem");
    std::fs::write(&p, "hello").expect("write");
    let e = golive_probe::load_ca_file(&p).unwrap_err().to_string();
    assert!(
        e.contains("ca.pem") && e.contains("BEGIN CERTIFICATE"),
        "{e}"
    );
    let pki = Pki::new();
    std::fs::write(&p, &pki.ca_pem).expect("write");
    assert_eq!(golive_probe::load_ca_file(&p).expect("ca").len(), 1);
}

/// A raw TCP server answering every connection with `reply` (then closing).
async fn raw_server(reply: &'static [u8]) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(reply).await;
                let _ = s.shutdown().await;
            });
        }
    });
    addr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_does_not_speak_http_is_a_finding() {
    let addr = raw_server(b"SSH-2.0-OpenSSH_9.2\r\n\x00\xff\xfe garbage").await;
    let o = ProbeOptions::new(&format!("http://{addr}/")).expect("url");
    let f = golive_probe::run(&o).await.findings;
    unreachable_reported(&f, "HTTP error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_binary_bodies_are_cut_not_buffered() {
    // 8 MiB of non-UTF-8 bytes on every path.
    static BODY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let body = BODY.get_or_init(|| {
        let mut v = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            8 * 1024 * 1024
        )
        .into_bytes();
        v.extend((0..8 * 1024 * 1024).map(|i| (i % 251) as u8 | 0x80));
        v
    });
    let addr = raw_server(body.as_slice()).await;
    let mut o = ProbeOptions::new(&format!("http://{addr}/")).expect("url");
    o.behind_tls_proxy = true;
    o.latency_samples = 1;
    let client = golive_probe::Client::new(std::time::Duration::from_secs(5), Vec::new());
    let ex = client.get(&o.url).await.expect("answer");
    assert!(ex.truncated);
    assert_eq!(ex.body.len(), client.max_body);
    let f = golive_probe::run(&o).await.findings;
    assert_eq!(
        outcome(&f, "probe.reachable"),
        Outcome::Pass,
        "{}",
        dump(&f)
    );
    // Binary, so no compression verdict; a catch-all binary answer is no health endpoint.
    assert_eq!(outcome(&f, "probe.compression"), Outcome::NotApplicable);
    assert_eq!(outcome(&f, "probe.health"), Outcome::Fail);
}
