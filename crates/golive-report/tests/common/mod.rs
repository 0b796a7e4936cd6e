//! A report with every outcome and evidence kind, built from the real catalog.

#![allow(dead_code)]

use golive_core::{
    Catalog, Config, Evidence, Finding, Header, Outcome, Report, ReportBuilder, Skipped, Stack,
    Target,
};
use time::macros::datetime;

pub const NASTY: &str = "AWS key <&\">' found";
pub const SCRIPT: &str = "README mentions <script>alert(1)</script> but not how to test";

pub fn config(text: &str) -> Config {
    Config::parse(text, "golive.toml", Catalog::builtin()).expect("test config parses")
}

pub const SUPPRESS: &str = r#"
[[suppress]]
check = "secrets.hardcoded"
paths = ["tests/**"]
reason = "fake keys used by the test suite"
expires = 2099-12-31
"#;

/// Findings of a failing project.
pub fn failing_findings() -> Vec<Finding> {
    let c = Catalog::builtin();
    vec![
        Finding::new(c.check("secrets.hardcoded"), Outcome::Fail, NASTY).with_evidence(
            Evidence::at_with_snippet("src/config.py", 3, 5, "AWS_KEY = \"AKIA************MPLE\""),
        ),
        Finding::new(
            c.check("secrets.hardcoded"),
            Outcome::Fail,
            "AWS key in a test fixture",
        )
        .with_evidence(Evidence::at("tests/fixtures/keys.py", 1, 1)),
        Finding::new(
            c.check("docker.non-root-user"),
            Outcome::Fail,
            "the final stage runs as root",
        )
        .with_evidence(Evidence::at("Dockerfile", 1, 1)),
        Finding::new(c.check("docs.readme"), Outcome::Warn, SCRIPT)
            .with_evidence(Evidence::file("README.md")),
        Finding::new(
            c.check("observability.health-route"),
            Outcome::Error,
            "health probe failed",
        )
        .with_evidence(Evidence::Http {
            method: "GET".into(),
            url: "http://127.0.0.1:8080/health".into(),
            status: Some(500),
            request_headers: vec![],
            response_headers: vec![Header {
                name: "content-type".into(),
                value: "text/plain".into(),
            }],
            body_excerpt: Some("boom".into()),
            elapsed_ms: Some(12.5),
        }),
        Finding::new(
            c.check("perf.load-test"),
            Outcome::Fail,
            "p95 latency too high",
        )
        .with_evidence(Evidence::metric(
            "p95",
            350.0,
            Some("ms"),
            Some("<200ms".into()),
        )),
        Finding::new(
            c.check("tests.suite"),
            Outcome::Pass,
            "pytest suite found in tests/",
        ),
        Finding::new(
            c.check("security.cors-wildcard"),
            Outcome::Fail,
            "CORS_ALLOW_ALL_ORIGINS = True",
        )
        .with_evidence(Evidence::at_with_snippet(
            "shop/settings.py",
            41,
            1,
            "CORS_ALLOW_ALL_ORIGINS = True",
        )),
        Finding::new(
            c.check("ci.config"),
            Outcome::NotApplicable,
            "no CI expected for a library",
        ),
        Finding::new(
            c.check("db.migrations"),
            Outcome::Inconclusive,
            "ORM could not be identified",
        ),
        Finding::new(
            c.check("config.env-example"),
            Outcome::Manual,
            "needs sign-off that env vars are documented",
        ),
    ]
}

pub fn build(findings: Vec<Finding>, cfg: &Config) -> Report {
    let mut b = ReportBuilder::new(Target {
        name: "shop-api".into(),
        path: Some("fixtures/shop-api".into()),
        ..Default::default()
    });
    b.stacks(vec![Stack {
        language: "python".into(),
        frameworks: vec!["django".into()],
        manifests: vec!["pyproject.toml".into()],
    }]);
    b.skipped(vec![
        Skipped {
            path: "assets/big.bin".into(),
            reason: "larger than the 1048576-byte limit (5242880 bytes)".into(),
        },
        Skipped {
            path: "assets/logo.png".into(),
            reason: "binary file".into(),
        },
    ]);
    b.notice("inline suppression at src/x.py:4 has no reason: ignored");
    b.at(datetime!(2026-11-21 08:00 UTC));
    b.collector("scan", findings);
    b.build(Catalog::builtin(), cfg)
}

pub fn failing_report() -> Report {
    build(failing_findings(), &config(SUPPRESS))
}

/// A clean project: everything that applies passes.
pub fn passing_report() -> Report {
    let c = Catalog::builtin();
    let findings = vec![
        Finding::new(
            c.check("docs.readme"),
            Outcome::Pass,
            "README explains install, run and test",
        )
        .with_evidence(Evidence::file("README.md")),
        Finding::new(c.check("tests.suite"), Outcome::Pass, "pytest suite found"),
        Finding::new(
            c.check("docker.non-root-user"),
            Outcome::Pass,
            "runs as USER app",
        )
        .with_evidence(Evidence::at("Dockerfile", 9, 1)),
    ];
    build(findings, &Config::default())
}

/// Removes ANSI escape sequences.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
