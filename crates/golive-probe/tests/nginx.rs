//! The probe against a real third-party server: nginx from Debian's packages, started here on a
//! free loopback port with its own prefix and configuration (stock-like, then hardened).
//! Without nginx the tests skip loudly; with GOLIVE_REQUIRE_SERVICES=1 (CI) they fail instead.

mod common;

use common::*;
use golive_core::Outcome;
use golive_probe::ProbeOptions;

fn big_index(dir_port: u16) -> String {
    let mut s =
        String::from("<!doctype html><html><head><title>Welcome to nginx!</title></head><body>");
    for i in 0..40 {
        s.push_str(&format!(
            "<p>paragraph {i} served by nginx on port {dir_port}</p>"
        ));
    }
    s.push_str("</body></html>");
    s
}

async fn run(port: u16, tweak: impl FnOnce(&mut ProbeOptions)) -> Vec<golive_core::Finding> {
    let mut o = ProbeOptions::new(&format!("http://127.0.0.1:{port}/")).expect("url");
    o.latency_samples = 5;
    tweak(&mut o);
    golive_probe::run(&o).await.findings
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_with_default_configuration() {
    let Some(bin) = require_nginx() else { return };
    // The stock configuration: static files, server_tokens on, no security headers, no gzip.
    let ngx = start_nginx(&bin, "location / { index index.html; }", "");
    std::fs::write(ngx.root().join("html/index.html"), big_index(ngx.port)).expect("index");
    let f = run(ngx.port, |o| o.behind_tls_proxy = true).await;
    let d = dump(&f);
    assert_eq!(outcome(&f, "probe.reachable"), Outcome::Pass, "{d}");
    assert_eq!(outcome(&f, "probe.health"), Outcome::Fail, "{d}");
    assert_eq!(outcome(&f, "probe.server-banner"), Outcome::Fail, "{d}");
    assert!(
        of(&f, "probe.server-banner")[0]
            .message
            .contains("Server: nginx/"),
        "{d}"
    );
    assert_eq!(outcome(&f, "probe.not-found"), Outcome::Pass, "{d}");
    assert_eq!(outcome(&f, "probe.error-hygiene"), Outcome::Pass, "{d}");
    assert_eq!(outcome(&f, "probe.exposed-files"), Outcome::Pass, "{d}");
    assert_eq!(outcome(&f, "probe.csp"), Outcome::Fail, "{d}");
    assert_eq!(outcome(&f, "probe.frame-options"), Outcome::Fail, "{d}");
    assert_eq!(outcome(&f, "probe.security-headers"), Outcome::Fail, "{d}");
    assert_eq!(outcome(&f, "probe.compression"), Outcome::Warn, "{d}");
    assert_eq!(outcome(&f, "probe.cors"), Outcome::Pass, "{d}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_with_hardened_configuration() {
    let Some(bin) = require_nginx() else { return };
    let server = r#"
        server_tokens off;
        gzip on;
        gzip_min_length 256;
        gzip_types text/plain text/css application/json application/javascript;
        add_header Content-Security-Policy "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'" always;
        add_header X-Content-Type-Options nosniff always;
        add_header X-Frame-Options DENY always;
        add_header Referrer-Policy strict-origin-when-cross-origin always;
        add_header Cross-Origin-Resource-Policy same-origin always;
        location = /health { default_type application/json; return 200 '{"status":"ok"}'; }
        location = /health/ready { default_type application/json; return 200 '{"status":"ok","checks":{"upstream":"ok","disk":"ok"}}'; }
        location = /admin { add_header WWW-Authenticate 'Bearer realm="admin"' always; return 401; }
        location = /api/search {
            limit_req zone=api burst=5 nodelay;
            limit_req_status 429;
            add_header Retry-After 1 always;
            default_type application/json;
            try_files /search.json =404;
        }
        location ~ /\. { deny all; return 404; }
        location / { index index.html; }
    "#;
    let ngx = start_nginx(
        &bin,
        server,
        "limit_req_zone $binary_remote_addr zone=api:1m rate=5r/s;",
    );
    std::fs::write(ngx.root().join("html/index.html"), big_index(ngx.port)).expect("index");
    std::fs::write(ngx.root().join("html/search.json"), "{\"results\":[]}").expect("json");
    std::fs::write(
        ngx.root().join("html/.env"),
        "SECRET_KEY=abcdefghijklmnopqrstuvwxyz\n",
    )
    .expect("env");
    let f = run(ngx.port, |o| {
        o.behind_tls_proxy = true;
        o.protected = vec!["/admin".into()];
        o.rate_limit_burst = Some(40);
        o.rate_limit_path = Some("/api/search".into());
    })
    .await;
    let d = dump(&f);
    for (id, want) in [
        ("probe.reachable", Outcome::Pass),
        ("probe.health", Outcome::Pass),
        ("probe.readiness", Outcome::Pass),
        ("probe.server-banner", Outcome::Pass),
        ("probe.security-headers", Outcome::Pass),
        ("probe.csp", Outcome::Pass),
        ("probe.frame-options", Outcome::Pass),
        ("probe.auth", Outcome::Pass),
        ("probe.rate-limit", Outcome::Pass),
        ("probe.exposed-files", Outcome::Pass),
        ("probe.compression", Outcome::Pass),
        ("probe.not-found", Outcome::Pass),
    ] {
        assert_eq!(outcome(&f, id), want, "{id}\n{d}");
    }
}
