//! What the probe must never print (the values it sent, secrets a server answers with, URL
//! credentials), where it must never go (a redirect to another host), and outcomes that say what
//! was really seen (no pass on zero samples). Servers on 127.0.0.1 (and 127.0.0.2, loopback on
//! Linux) started by the tests.

mod common;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::*;
use golive_core::Outcome;
use golive_probe::{ProbeOptions, ProbeOutput};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const AUTH: &str = "Bearer hdr-auth-secret-a1b2c3d4e5f6";
const API_KEY: &str = "api-key-secret-9z8y7x6w5v4u";
const COOKIE_VALUE: &str = "cookie-secret-q1w2e3r4t5y6";
const TOKEN: &str = "token-env-secret-m9n8b7v6c5x4";
const URL_PASSWORD: &str = "UrlPassw0rdSecret77";
const DB_PASSWORD: &str = "db-password-secret-k3j4h5g6";
const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYk9Qz3Lm2Np";
const STRIPE: &str = "sk_live_51HqLyjWDarjtT1zdp7dcXQ9wE";

async fn probe(url: &str, tweak: impl FnOnce(&mut ProbeOptions)) -> ProbeOutput {
    let mut o = ProbeOptions::new(url).expect("url");
    o.latency_samples = 2;
    o.timeout = Duration::from_secs(3);
    tweak(&mut o);
    golive_probe::run(&o).await
}

fn everything(out: &ProbeOutput) -> String {
    format!(
        "{}\n{}",
        out.url,
        serde_json::to_string(&out.findings).expect("json")
    )
}

fn assert_no_secret(out: &ProbeOutput, secrets: &[&str]) {
    let all = everything(out);
    for s in secrets {
        assert!(
            !all.contains(s),
            "`{s}` shows in the probe's findings:\n{all}"
        );
    }
}

/// Answers every request with 200 and the request's headers in the body (404 for unknown
/// `golive-probe` paths, with the headers too).
fn echo_app() -> Router {
    Router::new().fallback(|req: Request| async move {
        let mut body = String::from("you sent:\n");
        for (n, v) in req.headers() {
            body.push_str(&format!("{n}: {}\n", String::from_utf8_lossy(v.as_bytes())));
        }
        let status = if req.uri().path().starts_with("/golive-probe") {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        (status, [(header::CONTENT_TYPE, "text/plain")], body).into_response()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_golive_sent_are_masked_when_a_server_echoes_them() {
    let addr = serve(echo_app()).await;
    let out = probe(&format!("http://admin:{URL_PASSWORD}@{addr}/"), |o| {
        o.headers.push(("Authorization".into(), AUTH.into()));
        o.headers.push(("X-Api-Key".into(), API_KEY.into()));
        o.headers
            .push(("Cookie".into(), format!("sid={COOKIE_VALUE}")));
        o.token = Some(TOKEN.into());
        o.protected = vec!["/admin".into()];
    })
    .await;
    // The echo reached the findings (the excerpt is there, masked); the URL's user name is not
    // a secret and paths that contain it stay readable.
    assert!(
        everything(&out).contains("you sent") && everything(&out).contains("/admin answers"),
        "{}",
        dump(&out.findings)
    );
    assert_no_secret(
        &out,
        &[
            "hdr-auth-secret-a1b2c3d4e5f6",
            API_KEY,
            COOKIE_VALUE,
            TOKEN,
            URL_PASSWORD,
        ],
    );
}

/// Every path serves the same `.env` file (a catch-all that leaks its configuration).
fn env_catch_all() -> Router {
    Router::new().fallback(|| async {
        (
            [(header::CONTENT_TYPE, "text/plain")],
            format!(
                "APP_NAME=shop\nDB_PASSWORD={DB_PASSWORD}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\nSTRIPE_KEY={STRIPE}\n"
            ),
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_a_server_answers_with_are_masked_in_every_excerpt() {
    let addr = serve(env_catch_all()).await;
    let out = probe(&format!("http://{addr}/"), |_| {}).await;
    assert_eq!(
        outcome(&out.findings, "probe.exposed-files"),
        Outcome::Fail,
        "{}",
        dump(&out.findings)
    );
    // The soft 404's excerpt is kept (it shows what the unknown path returned), masked.
    assert!(
        everything(&out).contains("DB_PASSWORD="),
        "{}",
        everything(&out)
    );
    assert_no_secret(&out, &[DB_PASSWORD, AWS_SECRET, STRIPE]);
}

async fn serve_on(ip: &str, app: Router) -> SocketAddr {
    let l = tokio::net::TcpListener::bind(format!("{ip}:0"))
        .await
        .expect("bind");
    let a = l.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(l, app).await;
    });
    a
}

/// A server on 127.0.0.2 that counts the requests it gets.
async fn other_host() -> (SocketAddr, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let addr = serve_on(
        "127.0.0.2",
        Router::new().fallback(move || {
            let h = h.clone();
            async move {
                h.fetch_add(1, Ordering::SeqCst);
                "other host"
            }
        }),
    )
    .await;
    (addr, hits)
}

fn redirect_to(target: String) -> Router {
    Router::new().fallback(move || {
        let t = target.clone();
        async move {
            Response::builder()
                .status(StatusCode::FOUND)
                .header(
                    header::LOCATION,
                    HeaderValue::from_str(&t).expect("location"),
                )
                .body(Body::empty())
                .expect("response")
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_host_is_reported_not_followed() {
    let (other, hits) = other_host().await;
    let addr = serve(redirect_to(format!("http://{other}/"))).await;
    let out = probe(&format!("http://{addr}/"), |_| {}).await;
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the probe contacted 127.0.0.2:\n{}",
        dump(&out.findings)
    );
    let reach = of(&out.findings, "probe.reachable");
    assert_eq!(reach[0].outcome, Outcome::Warn, "{}", dump(&out.findings));
    assert!(
        reach[0].message.contains("was not followed")
            && reach[0].message.contains("--follow-redirects-to 127.0.0.2"),
        "{}",
        reach[0].message
    );
    assert!(
        serde_json::to_string(&reach[0].evidence)
            .expect("json")
            .contains(&format!("http://{other}/")),
        "the redirect is evidence"
    );
    assert!(out.url.contains("127.0.0.1"), "{}", out.url);

    // Named explicitly, the host is followed.
    let out = probe(&format!("http://{addr}/"), |o| {
        o.follow_redirects_to = vec!["127.0.0.2".into()];
    })
    .await;
    assert!(hits.load(Ordering::SeqCst) > 0, "{}", dump(&out.findings));
    assert!(out.url.contains("127.0.0.2"), "{}", out.url);
}

#[test]
fn redirect_policy() {
    use golive_probe::client::may_follow;
    let u = |s: &str| url::Url::parse(s).expect("url");
    assert!(may_follow(
        &u("http://a.test/"),
        &u("https://a.test/x"),
        &[]
    ));
    assert!(may_follow(
        &u("http://a.test/"),
        &u("http://a.test:8080/"),
        &[]
    ));
    assert!(!may_follow(
        &u("https://a.test/"),
        &u("http://a.test/"),
        &[]
    ));
    assert!(!may_follow(
        &u("http://a.test/"),
        &u("https://b.test/"),
        &[]
    ));
    assert!(may_follow(
        &u("http://a.test/"),
        &u("https://B.test/"),
        &["b.test".into()]
    ));
    assert!(!may_follow(
        &u("http://a.test/"),
        &u("ftp://a.test/"),
        &["a.test".into()]
    ));
}

const TRACE: &str = "Traceback (most recent call last):\n  File \"/srv/app/views.py\", line 42, in handler\n    raise ValueError(\"boom\")\nValueError: boom\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stack_trace_is_a_finding_whatever_the_status() {
    // Errors answered with 200 and a traceback; the page itself is fine.
    let app = Router::new().fallback(|req: Request| async move {
        let p = req.uri().path().to_string();
        if p == "/" && req.method() == axum::http::Method::GET {
            "<html><body>home</body></html>".into_response()
        } else if p.starts_with("/golive-probe") || req.method() == axum::http::Method::POST {
            (StatusCode::OK, TRACE).into_response()
        } else {
            "<html><body>page</body></html>".into_response()
        }
    });
    let addr = serve(app).await;
    let out = probe(&format!("http://{addr}/"), |_| {}).await;
    assert_eq!(
        outcome(&out.findings, "probe.error-hygiene"),
        Outcome::Fail,
        "{}",
        dump(&out.findings)
    );
    assert!(
        of(&out.findings, "probe.error-hygiene")
            .iter()
            .any(|f| f.message.contains("answers 200 with a Python traceback")),
        "{}",
        dump(&out.findings)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_probes_that_all_time_out_are_inconclusive_not_a_pass() {
    // Every error probe hangs; exposed-file paths hang too; the rest answers at once.
    let app = Router::new().fallback(|req: Request| async move {
        let p = req.uri().path().to_string();
        let hang = p.starts_with("/golive-probe")
            || req.method() == axum::http::Method::POST
            || golive_probe::checks::HEALTH_PATHS.contains(&p.as_str())
            || [
                "/.env",
                "/.git/config",
                "/.git/HEAD",
                "/config.json",
                "/.DS_Store",
                "/server-status",
                "/actuator/env",
                "/debug/pprof/",
                "/metrics",
                "/phpinfo.php",
                "/swagger",
            ]
            .contains(&p.as_str());
        if hang {
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        "<html><body>ok</body></html>".into_response()
    });
    let addr = serve(app).await;
    let out = probe(&format!("http://{addr}/"), |o| {
        o.timeout = Duration::from_millis(400);
    })
    .await;
    let eh = of(&out.findings, "probe.error-hygiene");
    assert_eq!(eh.len(), 1, "{}", dump(&out.findings));
    assert_eq!(eh[0].outcome, Outcome::Inconclusive, "{}", eh[0].message);
    assert!(
        eh[0].message.contains("no error answer to check")
            && eh[0].message.contains("no answer within 400 ms"),
        "{}",
        eh[0].message
    );
    // Health paths that never answer are not "no health endpoint": nothing was seen.
    for id in ["probe.health", "probe.readiness"] {
        let f = of(&out.findings, id);
        assert_eq!(f.len(), 1, "{}", dump(&out.findings));
        assert_eq!(
            f[0].outcome,
            Outcome::Inconclusive,
            "{id}: {}",
            f[0].message
        );
        assert!(f[0].message.contains("cannot tell"), "{}", f[0].message);
    }
    let ex = of(&out.findings, "probe.exposed-files");
    assert_eq!(ex[0].outcome, Outcome::Inconclusive, "{}", ex[0].message);
    assert!(
        !ex[0].message.contains("is served") || ex[0].message.contains("could not be checked"),
        "the message must not claim a clean result: {}",
        ex[0].message
    );
}
