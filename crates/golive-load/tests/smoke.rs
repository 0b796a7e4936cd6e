//! Smoke runs against a small real API on 127.0.0.1: login returns a token, /api/me needs it.

use bytes::Bytes;
use golive_core::{Evidence, Outcome};
use golive_load::smoke::{Spec, run};
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

const TOKEN: &str = "tok-0123456789abcdef";

async fn api(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let json = |status: StatusCode, v: serde_json::Value| {
        let mut r = Response::new(Full::new(Bytes::from(v.to_string())));
        *r.status_mut() = status;
        r.headers_mut().insert(
            "content-type",
            http::HeaderValue::from_static("application/json"),
        );
        r
    };
    let resp = match (parts.method.as_str(), parts.uri.path()) {
        ("GET", "/") => Response::new(Full::new(Bytes::from_static(b"<h1>Welcome</h1>"))),
        ("GET", "/api/health") => json(
            StatusCode::OK,
            serde_json::json!({"status": "healthy", "db": {"ok": true}}),
        ),
        ("POST", "/api/login") => {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            if v["user"] == "alice" && v["password"] == "secret" {
                json(
                    StatusCode::OK,
                    serde_json::json!({"token": TOKEN, "user": {"id": 42}}),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"error": "bad credentials"}),
                )
            }
        }
        ("GET", "/api/me") => {
            let auth = parts
                .headers
                .get("authorization")
                .and_then(|v| v.to_str().ok());
            if auth == Some(&format!("Bearer {TOKEN}")) {
                json(
                    StatusCode::OK,
                    serde_json::json!({"user": {"name": "alice", "id": 42}}),
                )
            } else {
                json(
                    StatusCode::UNAUTHORIZED,
                    serde_json::json!({"error": "no token"}),
                )
            }
        }
        ("GET", "/big-404") => {
            // A framework's whole HTML 404 page: 40 lines, some 2 KB.
            let page: String = (1..=40)
                .map(|i| format!("<p>line {i} of a long not-found page</p>\n"))
                .collect();
            let mut r = Response::new(Full::new(Bytes::from(page)));
            *r.status_mut() = StatusCode::NOT_FOUND;
            r
        }
        ("GET", p) if p.starts_with("/api/users/") => json(
            StatusCode::OK,
            serde_json::json!({"id": p.trim_start_matches("/api/users/")}),
        ),
        _ => json(
            StatusCode::NOT_FOUND,
            serde_json::json!({"error": "not found"}),
        ),
    };
    Ok(resp)
}

async fn start() -> String {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((s, _)) = l.accept().await else { return };
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(s), service_fn(api))
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

const FLOW: &str = r#"
tests:
  - name: Homepage loads
    path: /
    expect: { status: 200, body_contains: Welcome }
  - name: API health
    path: /api/health
    expect: { status: 200, json: { status: healthy, /db/ok: true }, max_latency: 5s }
  - name: Login flow
    steps:
      - name: login
        method: POST
        path: /api/login
        json: { user: alice, password: secret }
        expect: { status: 200, json: { /token: { exists: true } } }
        capture: { token: /token, uid: user.id }
      - name: profile
        path: /api/me
        headers: { Authorization: "Bearer ${token}" }
        expect: { status: 200, json: { user.name: alice, user.id: 42 } }
      - name: user by captured id
        path: /api/users/${uid}
        expect: { json: { id: "42" } }
"#;

#[tokio::test]
async fn passing_multi_step_flow_with_captured_token() {
    let base = start().await;
    let spec = Spec::parse(FLOW, "smoke.yaml").unwrap();
    let out = run(&spec, Some(&base)).await.unwrap();
    assert_eq!(out.findings.len(), 3);
    assert_eq!(out.checks.len(), 3);
    for f in &out.findings {
        assert_eq!(f.outcome, Outcome::Pass, "{}: {}", f.check, f.message);
    }
    let flow = out
        .findings
        .iter()
        .find(|f| f.check == "smoke.login-flow")
        .unwrap();
    assert_eq!(flow.evidence.len(), 3);
    // the token is masked in the evidence (request header and login body)
    let text = serde_json::to_string(&flow.evidence).unwrap();
    assert!(!text.contains(TOKEN), "{text}");
    match &flow.evidence[1] {
        Evidence::Http {
            status,
            url,
            request_headers,
            ..
        } => {
            assert_eq!(*status, Some(200));
            assert!(url.ends_with("/api/me"));
            assert!(
                request_headers
                    .iter()
                    .any(|h| h.name == "authorization" && h.value.starts_with("Bearer tok-"))
            );
        }
        e => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn wrong_status_names_the_step_and_shows_expected_vs_received() {
    let base = start().await;
    let spec = Spec::parse(
        "tests:\n  - name: Login flow\n    steps:\n      - name: login\n        method: POST\n        path: /api/login\n        json: { user: alice, password: wrong }\n        expect: 200\n        capture: { token: /token }\n      - name: profile\n        path: /api/me\n",
        "smoke.yaml",
    )
    .unwrap();
    let out = run(&spec, Some(&base)).await.unwrap();
    let f = &out.findings[0];
    assert_eq!(f.outcome, Outcome::Fail);
    assert!(f.message.contains("step 1/2 `login`"), "{}", f.message);
    assert!(
        f.message.contains("expected status 200, received 401"),
        "{}",
        f.message
    );
    assert!(matches!(
        f.evidence.last(),
        Some(Evidence::Http {
            status: Some(401),
            ..
        })
    ));
}

#[tokio::test]
async fn wrong_json_field_fails_with_the_difference() {
    let base = start().await;
    let spec = Spec::parse(
        "tests:\n  - name: API health\n    path: /api/health\n    expect: { json: { status: degraded } }\n  - name: Missing field\n    path: /api/health\n    expect: { json: { /version: 2 } }\n",
        "smoke.yaml",
    )
    .unwrap();
    let out = run(&spec, Some(&base)).await.unwrap();
    assert_eq!(out.findings[0].outcome, Outcome::Fail);
    assert!(
        out.findings[0]
            .message
            .contains("expected `status` = \"degraded\", received \"healthy\""),
        "{}",
        out.findings[0].message
    );
    assert_eq!(out.findings[1].outcome, Outcome::Fail);
    assert!(
        out.findings[1].message.contains("received no such field"),
        "{}",
        out.findings[1].message
    );
}

#[tokio::test]
async fn token_must_be_captured_before_reuse() {
    let base = start().await;
    // Without the capture, `${token}` is unknown: the step fails and says so.
    let spec = Spec::parse(
        "tests:\n  - name: Profile\n    steps:\n      - path: /api/me\n        headers: { Authorization: \"Bearer ${token}\" }\n",
        "smoke.yaml",
    )
    .unwrap();
    let out = run(&spec, Some(&base)).await.unwrap();
    assert_eq!(out.findings[0].outcome, Outcome::Fail);
    assert!(
        out.findings[0]
            .message
            .contains("`${token}` is not a captured value"),
        "{}",
        out.findings[0].message
    );
    // A wrong (hard-coded) token is refused by the server: the reuse matters.
    let spec = Spec::parse(
        "tests:\n  - name: Profile\n    path: /api/me\n    headers: { Authorization: \"Bearer not-the-token\" }\n    expect: 200\n",
        "smoke.yaml",
    )
    .unwrap();
    let out = run(&spec, Some(&base)).await.unwrap();
    assert_eq!(out.findings[0].outcome, Outcome::Fail);
}

#[tokio::test]
async fn checklist_shape_and_unreachable_service() {
    let base = start().await;
    let spec = Spec::parse(
        "smoke_tests:\n  critical_paths:\n    - name: \"Homepage loads\"\n      url: \"/\"\n      expect: 200\n    - name: \"API health\"\n      url: \"/api/health\"\n      expect: { status: \"healthy\" }\n    - name: \"Auth flow\"\n      steps:\n        - Login page loads\n        - Can submit form\n",
        "deploy.yaml",
    )
    .unwrap();
    let out = run(&spec, Some(&base)).await.unwrap();
    let o: Vec<Outcome> = out.findings.iter().map(|f| f.outcome).collect();
    assert_eq!(o, vec![Outcome::Pass, Outcome::Pass, Outcome::Inconclusive]);

    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    let out = run(&spec, Some(&dead)).await.unwrap();
    assert_eq!(out.findings[0].outcome, Outcome::Fail);
    assert!(
        out.findings[0].message.contains("connect error"),
        "{}",
        out.findings[0].message
    );
    // No base URL at all: a clear failure, not a pass.
    let out = run(&spec, None).await.unwrap();
    assert!(
        out.findings[0].message.contains("no base URL"),
        "{}",
        out.findings[0].message
    );
}

/// A captured token and an `${env.*}` value used in a path, a header and a failing step: neither
/// shows anywhere in the finding (message, evidence URLs, headers, excerpts), nor does the base
/// URL's password.
#[tokio::test]
async fn captured_and_environment_values_are_masked_in_failures() {
    let base = start().await;
    // Unique to this test (the variable is read by the spec, never written elsewhere).
    unsafe { std::env::set_var("GOLIVE_SMOKE_TEST_SECRET", "env-secret-r4e3w2q1z9x8") };
    let spec = Spec::parse(
        r#"
tests:
  - name: Leaky flow
    steps:
      - name: login
        method: POST
        path: /api/login
        json: { user: alice, password: secret }
        capture: { token: /token }
      - name: lookup
        path: /api/users/${token}?key=${env.GOLIVE_SMOKE_TEST_SECRET}
        headers: { X-Api-Key: "${env.GOLIVE_SMOKE_TEST_SECRET}" }
        expect: { status: 500 }
"#,
        "smoke.yaml",
    )
    .unwrap();
    let with_password = base.replace("http://", "http://ops:BaseUrlPassw0rd99@");
    let out = run(&spec, Some(&with_password)).await.unwrap();
    let f = &out.findings[0];
    assert_eq!(f.outcome, Outcome::Fail, "{}", f.message);
    let all = serde_json::to_string(f).unwrap();
    // The failing step's echo of the token is in the excerpt, masked.
    assert!(all.contains("/api/users/"), "{all}");
    for secret in [TOKEN, "env-secret-r4e3w2q1z9x8", "BaseUrlPassw0rd99"] {
        assert!(!all.contains(secret), "`{secret}` shows: {all}");
    }
}

#[tokio::test]
async fn a_failing_step_shows_a_short_excerpt_of_the_body() {
    let base = start().await;
    let spec = Spec::parse(
        "tests:\n  - name: Missing page\n    path: /big-404\n    expect: 200\n",
        "smoke.yaml",
    )
    .unwrap();
    let out = run(&spec, Some(&base)).await.unwrap();
    let f = &out.findings[0];
    assert_eq!(f.outcome, Outcome::Fail);
    assert!(f.message.contains("received 404"), "{}", f.message);
    assert!(f.message.contains("line 1 of a long"), "{}", f.message);
    assert!(
        !f.message.contains("line 6 of"),
        "at most 5 lines: {}",
        f.message
    );
    assert!(f.message.contains(" more bytes"), "{}", f.message);
    assert!(f.message.lines().count() <= 5, "{}", f.message);
    assert!(f.message.chars().count() < 500, "{}", f.message);
}

#[tokio::test]
async fn a_relative_path_without_base_url_is_a_spec_error_with_its_line() {
    let spec = Spec::parse(
        "tests:\n  - name: Home\n    path: https://example.invalid/\n  - name: Health\n    path: /health\n",
        "smoke.yaml",
    )
    .unwrap();
    match run(&spec, None).await {
        Err(golive_load::LoadError::Spec { path, why }) => {
            assert_eq!(path, "smoke.yaml:5");
            assert!(
                why.contains("`/health` is relative") && why.contains("--base-url"),
                "{why}"
            );
        }
        other => panic!("expected a spec error, got {other:?}"),
    }
}
