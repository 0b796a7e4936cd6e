//! The probe against a hardened and a careless axum app on 127.0.0.1: every check on both sides.

mod common;

use common::*;
use golive_core::{Catalog, Config, Decision, Evidence, Outcome, ReportBuilder, Severity, Target};
use golive_probe::{ProbeOptions, ProbeOutput};

async fn probe(addr: std::net::SocketAddr, tweak: impl FnOnce(&mut ProbeOptions)) -> ProbeOutput {
    let mut o = ProbeOptions::new(&format!("http://{addr}/")).expect("url");
    o.latency_samples = 5;
    o.timeout = std::time::Duration::from_secs(3);
    tweak(&mut o);
    golive_probe::run(&o).await
}

fn every_check_reported(out: &ProbeOutput) {
    for id in golive_probe::CHECK_IDS {
        assert!(
            Catalog::builtin().get(id).is_some(),
            "{id} missing from catalog"
        );
        assert!(
            out.findings.iter().any(|f| f.check == *id),
            "no finding for {id}:\n{}",
            dump(&out.findings)
        );
    }
    // …and the catalog has no probe check this crate never reports.
    for c in Catalog::builtin()
        .iter()
        .filter(|c| c.id.starts_with("probe."))
    {
        assert!(
            golive_probe::CHECK_IDS.contains(&c.id.as_str()),
            "{} never reported",
            c.id
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hardened_app_is_go_with_grade_a_plus() {
    let addr = serve(hardened_app()).await;
    let out = probe(addr, |o| {
        o.behind_tls_proxy = true;
        o.protected = vec!["/admin".into()];
        o.token = Some(GOOD_TOKEN.into());
        o.rate_limit_burst = Some(40);
        o.rate_limit_path = Some("/api/search".into());
        // A loaded CI machine must not turn loopback latency into a warning: the policy's
        // warning side is tested with a deliberately slow endpoint below.
        o.latency.p95_warn = std::time::Duration::from_secs(2);
    })
    .await;
    let f = &out.findings;
    every_check_reported(&out);
    let d = dump(f);
    for (id, want) in [
        ("probe.reachable", Outcome::Pass),
        ("probe.health", Outcome::Pass),
        ("probe.readiness", Outcome::Pass),
        ("probe.https-redirect", Outcome::NotApplicable),
        ("probe.tls-certificate", Outcome::NotApplicable),
        ("probe.tls-expiry", Outcome::NotApplicable),
        ("probe.tls-legacy-protocols", Outcome::NotApplicable),
        ("probe.hsts", Outcome::NotApplicable),
        ("probe.security-headers", Outcome::Pass),
        ("probe.csp", Outcome::Pass),
        ("probe.x-content-type-options", Outcome::Pass),
        ("probe.frame-options", Outcome::Pass),
        ("probe.referrer-policy", Outcome::Pass),
        ("probe.corp", Outcome::Pass),
        ("probe.cookies", Outcome::Pass),
        ("probe.sri", Outcome::Pass),
        ("probe.cors", Outcome::Pass),
        ("probe.auth", Outcome::Pass),
        ("probe.rate-limit", Outcome::Pass),
        ("probe.not-found", Outcome::Pass),
        ("probe.error-hygiene", Outcome::Pass),
        ("probe.server-banner", Outcome::Pass),
        ("probe.exposed-files", Outcome::Pass),
        ("probe.compression", Outcome::NotApplicable),
        ("probe.cache-headers", Outcome::Pass),
        ("probe.latency", Outcome::Pass),
    ] {
        assert_eq!(outcome(f, id), want, "{id}\n{d}");
    }
    let grade = out.observatory.as_ref().expect("grade");
    // default-src 'none' +10, frame-ancestors +5, referrer +5, CORP +10, cookies +5.
    assert_eq!(grade.score, 135, "{grade:?}");
    assert_eq!(grade.grade, "A+");
    // The valid token proves the refusals are real.
    assert!(
        of(f, "probe.auth")
            .iter()
            .any(|x| x.message.contains("valid token")),
        "{d}"
    );
    // The limiter lets 20 requests through.
    assert!(
        of(f, "probe.rate-limit")[0]
            .message
            .contains("20 of 40 requests served"),
        "{d}"
    );

    let mut b = ReportBuilder::new(Target {
        name: "hardened".into(),
        ..Default::default()
    });
    b.collector("probe", out.findings.clone());
    let report = b.build(Catalog::builtin(), &Config::default());
    assert_eq!(report.verdict.decision, Decision::Go, "{d}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn careless_app_is_no_go_with_evidence_for_each_gap() {
    let addr = serve(careless_app()).await;
    let out = probe(addr, |o| {
        o.protected = vec!["/admin".into()];
        o.rate_limit_burst = Some(30);
        o.rate_limit_path = Some("/api/search".into());
    })
    .await;
    let f = &out.findings;
    every_check_reported(&out);
    let d = dump(f);
    for (id, want) in [
        ("probe.reachable", Outcome::Pass),
        ("probe.health", Outcome::Fail),
        ("probe.readiness", Outcome::Fail),
        ("probe.https-redirect", Outcome::Fail),
        ("probe.tls-certificate", Outcome::Inconclusive),
        ("probe.hsts", Outcome::Fail),
        ("probe.security-headers", Outcome::Fail),
        ("probe.csp", Outcome::Fail),
        ("probe.x-content-type-options", Outcome::Warn),
        ("probe.frame-options", Outcome::Fail),
        ("probe.referrer-policy", Outcome::Warn),
        ("probe.corp", Outcome::Warn),
        ("probe.cookies", Outcome::Fail),
        ("probe.sri", Outcome::Fail),
        ("probe.cors", Outcome::Fail),
        ("probe.auth", Outcome::Fail),
        ("probe.rate-limit", Outcome::Fail),
        ("probe.not-found", Outcome::Fail),
        ("probe.error-hygiene", Outcome::Fail),
        ("probe.server-banner", Outcome::Fail),
        ("probe.exposed-files", Outcome::Fail),
        ("probe.compression", Outcome::Warn),
        ("probe.cache-headers", Outcome::Warn),
    ] {
        assert_eq!(outcome(f, id), want, "{id}\n{d}");
    }
    let grade = out.observatory.as_ref().expect("grade");
    assert_eq!(grade.grade, "F", "{grade:?}");
    assert_eq!(grade.score, 0);

    // Critical: reflected origin with credentials, unprotected admin, .env with secrets.
    let cors = of(f, "probe.cors");
    assert!(
        cors.iter()
            .any(|x| x.severity == Severity::Critical && x.message.contains("reflected")),
        "{d}"
    );
    assert!(cors.iter().any(|x| x.message.contains("`null`")), "{d}");
    let auth = of(f, "probe.auth");
    assert!(
        auth.iter()
            .all(|x| x.outcome == Outcome::Fail && x.severity == Severity::Critical),
        "{d}"
    );
    let env = of(f, "probe.exposed-files");
    let env = env
        .iter()
        .find(|x| x.message.contains("/.env"))
        .expect(".env finding");
    assert_eq!(env.severity, Severity::Critical);
    // The secret is masked in the evidence.
    let Evidence::Http {
        body_excerpt: Some(body),
        status,
        url,
        ..
    } = &env.evidence[0]
    else {
        panic!("{:?}", env.evidence)
    };
    assert_eq!(*status, Some(200));
    assert!(url.ends_with("/.env"));
    assert!(!body.contains("s3cr3t-hunter2-prod"), "{body}");
    // The stack trace's evidence shows the request and the trace.
    let trace = of(f, "probe.error-hygiene");
    let Evidence::Http {
        method,
        body_excerpt: Some(b),
        status,
        ..
    } = &trace[0].evidence[0]
    else {
        panic!()
    };
    assert_eq!((method.as_str(), *status), ("POST", Some(500)));
    assert!(b.contains("items.js:42:13"), "{b}");
    // Server banner evidence carries the headers.
    let banner = of(f, "probe.server-banner");
    assert!(
        banner
            .iter()
            .any(|x| x.message.contains("X-Powered-By: Express")),
        "{d}"
    );
    assert!(
        banner.iter().any(|x| x.message.contains("Werkzeug/2.0.1")),
        "{d}"
    );

    let mut b = ReportBuilder::new(Target {
        name: "careless".into(),
        ..Default::default()
    });
    b.collector("probe", out.findings.clone());
    let report = b.build(Catalog::builtin(), &Config::default());
    assert_eq!(report.verdict.decision, Decision::NoGo);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checks_that_need_input_say_so() {
    let addr = serve(hardened_app()).await;
    // No protected path, no burst, a token variable that is not set.
    let out = probe(addr, |o| {
        o.behind_tls_proxy = true;
    })
    .await;
    assert_eq!(outcome(&out.findings, "probe.auth"), Outcome::NotApplicable);
    assert_eq!(
        outcome(&out.findings, "probe.rate-limit"),
        Outcome::Inconclusive
    );

    let out = probe(addr, |o| {
        o.behind_tls_proxy = true;
        o.protected = vec!["/admin".into()];
        o.token_env = Some("GOLIVE_TEST_TOKEN_THAT_IS_NOT_SET".into());
    })
    .await;
    let auth = of(&out.findings, "probe.auth");
    assert!(
        auth.iter().any(|x| x.outcome == Outcome::Error
            && x.message.contains("GOLIVE_TEST_TOKEN_THAT_IS_NOT_SET")),
        "{}",
        dump(&out.findings)
    );

    // A wrong token makes the check fail: it would otherwise prove nothing.
    let out = probe(addr, |o| {
        o.behind_tls_proxy = true;
        o.protected = vec!["/admin".into()];
        o.token = Some("not-the-token".into());
    })
    .await;
    assert_eq!(
        outcome(&out.findings, "probe.auth"),
        Outcome::Fail,
        "{}",
        dump(&out.findings)
    );

    // A burst to a non-loopback host is refused without a single request.
    let mut o = ProbeOptions::new("http://203.0.113.9:9/").expect("url");
    o.rate_limit_burst = Some(10);
    o.timeout = std::time::Duration::from_millis(300);
    assert!(o.set_burst(501).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_without_headers_warns_and_not_ready_is_reported() {
    use axum::http::StatusCode;
    use axum::routing::get;
    let app = axum::Router::new()
        .route("/", get(|| async { "ok" }))
        .route(
            "/health",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "{\"status\":\"starting\"}") }),
        )
        .route(
            "/readyz",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "{\"status\":\"db down\"}") }),
        )
        .route("/limited", get(|| async { StatusCode::TOO_MANY_REQUESTS }));
    let addr = serve(app).await;
    let out = probe(addr, |o| {
        o.behind_tls_proxy = true;
        o.rate_limit_burst = Some(3);
        o.rate_limit_path = Some("/limited".into());
    })
    .await;
    let d = dump(&out.findings);
    assert_eq!(
        outcome(&out.findings, "probe.rate-limit"),
        Outcome::Warn,
        "{d}"
    );
    assert!(
        of(&out.findings, "probe.health")[0].message.contains("503"),
        "{d}"
    );
    let r = of(&out.findings, "probe.readiness");
    assert!(
        r[0].outcome == Outcome::Fail && r[0].message.contains("not ready"),
        "{d}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_text_catch_all_is_not_a_health_endpoint() {
    // Every path answers 200 "ok" as text: /health is indistinguishable from a soft 404.
    let app = axum::Router::new().fallback(|| async { "ok" });
    let addr = serve(app).await;
    let out = probe(addr, |o| o.behind_tls_proxy = true).await;
    assert_eq!(
        outcome(&out.findings, "probe.health"),
        Outcome::Fail,
        "{}",
        dump(&out.findings)
    );
    assert_eq!(outcome(&out.findings, "probe.not-found"), Outcome::Fail);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answers_warn_and_ready_without_dependencies_warns() {
    use axum::http::{StatusCode, header};
    use axum::routing::get;
    let app = axum::Router::new()
        .route(
            "/",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_millis(220)).await;
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    "{\"ok\":true}",
                )
            }),
        )
        .route(
            "/readyz",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    "{\"status\":\"ok\"}",
                )
            }),
        )
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/html")],
                "<html><body>Not Found</body></html>",
            )
        });
    let addr = serve(app).await;
    let out = probe(addr, |o| {
        o.behind_tls_proxy = true;
        o.latency_samples = 2;
    })
    .await;
    let f = &out.findings;
    let d = dump(f);
    let lat = of(f, "probe.latency");
    let root = lat
        .iter()
        .find(|x| x.message.starts_with("/:"))
        .expect("latency of /");
    assert_eq!(root.outcome, Outcome::Warn, "{d}");
    assert_eq!(outcome(f, "probe.readiness"), Outcome::Warn, "{d}");
    // A JSON API whose errors are HTML pages.
    assert_eq!(outcome(f, "probe.error-hygiene"), Outcome::Warn, "{d}");
}
