//! `golive probe` and `golive check` with a [probe] URL: the real binary against HTTP servers on
//! 127.0.0.1 that the test starts (a tokio runtime in the test keeps them running).

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::net::SocketAddr;
use std::process::{Command, Output};

const TOKEN: &str = "cli-probe-token-5d1e2a";

struct Server {
    _rt: tokio::runtime::Runtime,
    addr: SocketAddr,
}

fn serve(app: Router) -> Server {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let addr = rt.block_on(async {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let a = l.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(l, app).await;
        });
        a
    });
    Server { _rt: rt, addr }
}

fn hardened_headers(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
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
}

fn json(status: StatusCode, body: &'static str) -> Response {
    let mut r = (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    hardened_headers(r.headers_mut());
    r
}

fn hardened() -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { json(StatusCode::OK, r#"{"service":"orders"}"#) }),
        )
        .route(
            "/health",
            get(|| async { json(StatusCode::OK, r#"{"status":"ok"}"#) }),
        )
        .route(
            "/readyz",
            get(|| async { json(StatusCode::OK, r#"{"status":"ok","checks":{"db":"ok"}}"#) }),
        )
        .route(
            "/admin",
            get(|h: HeaderMap| async move {
                let ok = h
                    .get(header::AUTHORIZATION)
                    .is_some_and(|v| v.as_bytes() == format!("Bearer {TOKEN}").as_bytes());
                if ok {
                    json(StatusCode::OK, r#"{"admin":true}"#)
                } else {
                    let mut r = json(StatusCode::UNAUTHORIZED, r#"{"error":"unauthorized"}"#);
                    r.headers_mut()
                        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                    r
                }
            }),
        )
        .fallback(|| async { json(StatusCode::NOT_FOUND, r#"{"error":"not found"}"#) })
}

fn reflect(h: &HeaderMap, mut r: Response) -> Response {
    if let Some(o) = h.get(header::ORIGIN) {
        r.headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, o.clone());
        r.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
    }
    r
}

fn careless() -> Router {
    Router::new()
        .route(
            "/",
            get(|h: HeaderMap| async move {
                let r = (
                    [(header::SET_COOKIE, "session=1; Path=/")],
                    "<html><body>hi</body></html>",
                )
                    .into_response();
                reflect(&h, r)
            })
            .post(|| async {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Traceback (most recent call last):\n  File \"/srv/app.py\", line 12, in create\nKeyError: 'name'\n",
                )
            }),
        )
        .route(
            "/.env",
            get(|| async { "DATABASE_PASSWORD=correct-horse-battery\n" }),
        )
        .route("/admin", get(|| async { "admin panel" }))
        // Soft 404: everything else is the home page.
        .fallback(|h: HeaderMap| async move {
            reflect(&h, (StatusCode::OK, "<html>home</html>").into_response())
        })
}

fn golive(args: &[&str], dir: Option<&std::path::Path>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_golive"));
    c.args(args).env("NO_COLOR", "1").env("COLUMNS", "120");
    if let Some(d) = dir {
        c.current_dir(d);
    }
    c.output().expect("run golive")
}

fn text(o: &Output) -> String {
    format!(
        "{}\n--- stderr ---\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn careless_app_is_no_go_with_http_evidence_in_every_format() {
    let s = serve(careless());
    let url = format!("http://{}/", s.addr);
    let dir = tempfile::tempdir().expect("tmp");
    let sarif = dir.path().join("probe.sarif");
    let md = dir.path().join("probe.md");
    let out = golive(
        &[
            "probe",
            &url,
            "--protected",
            "/admin",
            "--latency-samples",
            "3",
            "--format",
            "json",
            "--output",
            &format!("sarif={}", sarif.display()),
            "--output",
            &format!("markdown={}", md.display()),
        ],
        Some(dir.path()),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(v["target"]["url"], url.as_str());
    let findings = v["findings"].as_array().expect("findings");
    let failing = |id: &str| {
        findings
            .iter()
            .filter(|f| f["check"] == id && f["outcome"] == "fail")
            .collect::<Vec<_>>()
    };
    // Each gap with its HTTP evidence.
    for id in [
        "probe.cors",
        "probe.auth",
        "probe.exposed-files",
        "probe.error-hygiene",
        "probe.security-headers",
        "probe.not-found",
        "probe.health",
    ] {
        assert!(!failing(id).is_empty(), "{id} should fail:\n{}", text(&out));
    }
    let env = failing("probe.exposed-files");
    let ev = &env[0]["evidence"][0];
    assert_eq!(ev["kind"], "http");
    assert_eq!(ev["status"], 200);
    assert!(ev["url"].as_str().unwrap_or("").ends_with("/.env"));
    assert!(
        !out.stdout.windows(8).any(|w| w == b"battery\n"),
        "secret leaked"
    );
    let trace = failing("probe.error-hygiene");
    assert_eq!(trace[0]["evidence"][0]["method"], "POST");
    assert_eq!(trace[0]["evidence"][0]["status"], 500);

    // SARIF and Markdown carry the exchange too.
    let sarif = std::fs::read_to_string(&sarif).expect("sarif written");
    assert!(sarif.contains("/.env"), "SARIF lacks the URL:\n{sarif}");
    let md = std::fs::read_to_string(&md).expect("markdown written");
    assert!(md.contains("/.env"), "Markdown lacks the URL:\n{md}");
    assert!(md.contains("NO-GO"), "{md}");

    // The terminal report says NO-GO.
    let out = golive(
        &[
            "probe",
            &url,
            "--protected",
            "/admin",
            "--latency-samples",
            "2",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("NO-GO"),
        "{}",
        text(&out)
    );
}

#[test]
fn hardened_app_is_go_with_observatory_grade() {
    let s = serve(hardened());
    let url = format!("http://{}", s.addr);
    let mut c = Command::new(env!("CARGO_BIN_EXE_golive"));
    let dir = tempfile::tempdir().expect("tmp");
    let out = c
        .args([
            "probe",
            &url,
            "--behind-tls-proxy",
            "--protected",
            "/admin",
            "--token-env",
            "GOLIVE_CLI_TEST_TOKEN",
            "--latency-samples",
            "3",
            "--format",
            "json",
        ])
        .current_dir(dir.path())
        .env("GOLIVE_CLI_TEST_TOKEN", TOKEN)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["verdict"]["decision"], "GO", "{}", text(&out));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("Observatory grade") && s.contains("A+"), "{s}");
    let findings = v["findings"].as_array().expect("findings");
    assert!(
        findings.iter().any(|f| f["check"] == "probe.auth"
            && f["message"].as_str().unwrap_or("").contains("valid token")),
        "{s}"
    );
}

#[test]
fn check_runs_scan_and_probe_when_golive_toml_names_a_url() {
    let s = serve(hardened());
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("golive.toml"),
        format!(
            "[probe]\nurl = \"http://{}/\"\nbehind_tls_proxy = true\nprotected = [\"/admin\"]\nlatency_samples = 2\n\n[probe.environments.staging]\nurl = \"http://{}/\"\n",
            s.addr, s.addr
        ),
    )
    .expect("toml");
    std::fs::write(dir.path().join("README.md"), "# demo\n").expect("readme");
    let p = dir.path().to_string_lossy().to_string();
    let out = golive(&["check", &p, "--format", "json"], None);
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    let findings = v["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["check"].as_str().is_some_and(|c| c.starts_with("probe."))),
        "{}",
        text(&out)
    );
    assert!(
        findings.iter().any(|f| !f["check"]
            .as_str()
            .unwrap_or("probe.")
            .starts_with("probe.")),
        "no scan finding"
    );
    assert_eq!(v["target"]["url"], format!("http://{}/", s.addr));

    // --env picks an environment; an unknown one is a usage error.
    let out = golive(&["check", &p, "--env", "staging", "--format", "json"], None);
    assert!(matches!(out.status.code(), Some(0..=2)), "{}", text(&out));
    let out = golive(&["check", &p, "--env", "prod"], None);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("staging"), "{}", text(&out));
}

#[test]
fn bad_input_is_a_usage_error_and_unreachable_is_no_go() {
    let dir = tempfile::tempdir().expect("tmp");
    for args in [
        vec!["probe", "ftp://example.com"],
        vec!["probe", "http://127.0.0.1:9/", "--rate-limit-burst", "501"],
        vec!["probe", "http://127.0.0.1:9/", "--header", "no colon"],
        vec!["probe", "http://127.0.0.1:9/", "--timeout", "soon"],
        vec![
            "probe",
            "http://127.0.0.1:9/",
            "--ca-file",
            "/nonexistent/ca.pem",
        ],
        vec!["probe"],
    ] {
        let out = golive(&args, Some(dir.path()));
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("error"),
            "{}",
            text(&out)
        );
    }
    // A refused connection is a finding (critical), not a crash.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let out = golive(
        &[
            "probe",
            &format!("http://127.0.0.1:{port}/"),
            "--format",
            "json",
        ],
        Some(dir.path()),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("connection refused"));
}

/// A redirect to another host (127.0.0.2, loopback on Linux) is reported, not followed, unless
/// `--follow-redirects-to` or golive.toml `[probe] follow_redirects_to` names the host.
#[test]
fn off_host_redirects_need_the_host_named() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let other = rt.block_on(async {
        let l = tokio::net::TcpListener::bind("127.0.0.2:0")
            .await
            .expect("bind 127.0.0.2");
        let a = l.local_addr().expect("addr");
        let app = Router::new().fallback(move || {
            let h = h.clone();
            async move {
                h.fetch_add(1, Ordering::SeqCst);
                "other host"
            }
        });
        tokio::spawn(async move {
            let _ = axum::serve(l, app).await;
        });
        a
    });
    let target = format!("http://{other}/");
    let redirecting = serve(Router::new().fallback(move || {
        let t = target.clone();
        async move { (StatusCode::FOUND, [(header::LOCATION, t)]).into_response() }
    }));
    let url = format!("http://{}/", redirecting.addr);
    let base = [
        "probe",
        url.as_str(),
        "--latency-samples",
        "1",
        "--format",
        "json",
    ];

    let out = golive(&base, None);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "127.0.0.2 was contacted\n{}",
        text(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let reach = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["check"] == "probe.reachable")
        .expect("reachable")
        .clone();
    assert_eq!(reach["outcome"], "warn", "{reach}");
    assert!(
        reach["message"]
            .as_str()
            .unwrap_or("")
            .contains("--follow-redirects-to 127.0.0.2"),
        "{reach}"
    );

    let mut args = base.to_vec();
    args.extend(["--follow-redirects-to", "127.0.0.2"]);
    let out = golive(&args, None);
    let after_flag = hits.load(Ordering::SeqCst);
    assert!(
        after_flag > 0,
        "the named host was not followed\n{}",
        text(&out)
    );

    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("golive.toml"),
        format!(
            "[probe]\nurl = \"{url}\"\nfollow_redirects_to = [\"127.0.0.2\"]\nlatency_samples = 1\n"
        ),
    )
    .expect("golive.toml");
    let out = golive(&["probe", "--format", "json"], Some(dir.path()));
    assert!(
        hits.load(Ordering::SeqCst) > after_flag,
        "[probe] follow_redirects_to was not applied\n{}",
        text(&out)
    );
}
