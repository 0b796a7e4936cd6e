//! End-to-end: the built `golive` binary audits the fixture projects and a few projects made in
//! a temporary directory; verdicts, exit codes, evidence, configuration and suppressions.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::copy_dir;

fn golive() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_golive"));
    c.env("NO_COLOR", "1").env("COLUMNS", "120");
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    golive().args(args).output().expect("run golive")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("golive exited by a signal")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `golive audit PATH --format json EXTRA…`: (exit code, report).
fn audit_json(path: &Path, extra: &[&str]) -> (i32, Value) {
    let p = path.to_string_lossy().into_owned();
    let mut args = vec!["audit", p.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    let o = run(&args);
    let report: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "golive {args:?} did not print a JSON report ({e})\nstdout:\n{}\nstderr:\n{}",
            stdout(&o),
            stderr(&o)
        )
    });
    (code(&o), report)
}

fn decision(report: &Value) -> &str {
    report["verdict"]["decision"].as_str().unwrap_or("")
}

/// The counted findings of a check.
fn findings<'a>(report: &'a Value, id: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| f["check"] == id).collect())
        .unwrap_or_default()
}

/// `path:line` of every file evidence of a check's findings.
fn locations(report: &Value, id: &str) -> Vec<String> {
    findings(report, id)
        .iter()
        .flat_map(|f| f["evidence"].as_array().cloned().unwrap_or_default())
        .filter(|e| e["kind"] == "file")
        .map(|e| format!("{}:{}", e["path"].as_str().unwrap_or(""), e["line"]))
        .collect()
}

/// A copy of the clean fixture whose only gap is CORS open to every origin (a high-severity
/// failure): ATTENTION.
fn attention_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture("clean-python-api"), dir.path());
    let main = dir.path().join("app/main.py");
    let text = std::fs::read_to_string(&main).expect("read main.py");
    let opened = text.replace(
        "allow_origins=settings.cors_origins,",
        "allow_origins=[\"*\"],",
    );
    assert_ne!(
        text, opened,
        "the clean fixture's CORS set-up changed: update this test"
    );
    std::fs::write(&main, opened).expect("write main.py");
    dir
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

#[test]
fn failing_fixture_is_no_go_with_file_line_evidence() {
    let (exit, report) = audit_json(&fixture("failing-node-api"), &[]);
    assert_eq!(exit, 2, "NO-GO exits 2");
    assert_eq!(decision(&report), "NO-GO");
    let reasons = report["verdict"]["reasons"].to_string();
    assert!(reasons.contains("critical"), "{reasons}");
    // evidence with file and line, from several domains
    assert!(
        locations(&report, "security.cors-wildcard").contains(&"src/app.js:9".to_string()),
        "{:?}",
        locations(&report, "security.cors-wildcard")
    );
    assert!(
        locations(&report, "secrets.hardcoded").contains(&"src/config.js:5".to_string()),
        "{:?}",
        locations(&report, "secrets.hardcoded")
    );
    assert!(locations(&report, "docker.pinned-base-image").contains(&"Dockerfile:1".to_string()));
    for id in [
        "tests.suite",
        "tests.coverage-threshold",
        "observability.health-route",
        "perf.load-test",
        "config.env-committed",
    ] {
        let fs = findings(&report, id);
        assert!(
            fs.iter().any(|f| f["outcome"] == "fail"),
            "{id} should fail: {fs:?}"
        );
    }
    // category scores, with a low security and secrets score
    let cats = report["categories"].as_array().expect("categories");
    let score = |name: &str| {
        cats.iter()
            .find(|c| c["category"] == name)
            .and_then(|c| c["score"].as_f64())
    };
    assert!(score("secrets").is_some_and(|s| s < 100.0), "{cats:?}");
    assert!(score("security").is_some_and(|s| s < 50.0), "{cats:?}");
    assert_eq!(cats.len(), 10, "every category is listed: {cats:?}");
    assert_eq!(score("tests"), Some(0.0));
    assert!(
        report["score"].as_f64().is_some_and(|s| s < 60.0),
        "{}",
        report["score"]
    );
}

#[test]
fn failing_fixture_terminal_report() {
    let o = run(&["audit", &fixture("failing-node-api").to_string_lossy()]);
    assert_eq!(code(&o), 2);
    let out = stdout(&o);
    assert!(out.contains("NO-GO"), "{out}");
    assert!(out.contains("src/app.js:9"), "{out}");
    assert!(out.contains("Security") && out.contains("Secrets"), "{out}");
}

#[test]
fn clean_fixture_is_go() {
    let (exit, report) = audit_json(&fixture("clean-python-api"), &[]);
    let failing: Vec<String> = report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| !matches!(f["outcome"].as_str(), Some("pass" | "not-applicable")))
                .map(|f| format!("{} {} {}", f["check"], f["outcome"], f["message"]))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(decision(&report), "GO", "{failing:#?}");
    assert_eq!(exit, 0);
    assert!(
        failing.is_empty(),
        "the clean fixture has gaps: {failing:#?}"
    );
    assert_eq!(report["score"].as_f64(), Some(100.0));
    let o = run(&["audit", &fixture("clean-python-api").to_string_lossy()]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("GO"));
}

#[test]
fn attention_exits_1_only_with_fail_on_attention() {
    let dir = attention_project();
    let (c, report) = audit_json(dir.path(), &[]);
    assert_eq!(decision(&report), "ATTENTION");
    assert_eq!(c, 0, "ATTENTION exits 0 by default");
    assert_eq!(
        locations(&report, "security.cors-wildcard"),
        vec!["app/main.py:28".to_string()]
    );
    let (c, _) = audit_json(dir.path(), &["--fail-on", "attention"]);
    assert_eq!(c, 1);
    // the same from golive.toml
    write(
        dir.path(),
        "golive.toml",
        "[policy]\nfail_on = \"attention\"\n",
    );
    let (c, _) = audit_json(dir.path(), &[]);
    assert_eq!(c, 1);
}

#[test]
fn min_score_turns_a_lower_score_into_no_go() {
    let dir = attention_project();
    let (c, report) = audit_json(dir.path(), &["--min-score", "100"]);
    assert_eq!(decision(&report), "NO-GO");
    assert_eq!(c, 2);
}

#[test]
fn disabling_a_check_changes_the_verdict() {
    let dir = attention_project();
    write(
        dir.path(),
        "golive.toml",
        "[checks.\"security.cors-wildcard\"]\nenabled = false\n",
    );
    let (c, report) = audit_json(dir.path(), &["--fail-on", "attention"]);
    assert_eq!(decision(&report), "GO");
    assert_eq!(c, 0);
    assert!(findings(&report, "security.cors-wildcard").is_empty());
    assert!(
        report["disabled"]
            .to_string()
            .contains("security.cors-wildcard"),
        "{}",
        report["disabled"]
    );
}

#[test]
fn severity_override_changes_the_verdict() {
    let dir = attention_project();
    write(
        dir.path(),
        "golive.toml",
        "[checks.\"security.cors-wildcard\"]\nseverity = \"critical\"\n",
    );
    let (c, report) = audit_json(dir.path(), &[]);
    assert_eq!(decision(&report), "NO-GO");
    assert_eq!(c, 2);
}

#[test]
fn suppression_is_listed_and_not_scored() {
    let dir = attention_project();
    write(
        dir.path(),
        "golive.toml",
        "[[suppress]]\ncheck = \"security.cors-wildcard\"\nreason = \"public read-only API, no cookies\"\n",
    );
    let (c, report) = audit_json(dir.path(), &["--fail-on", "attention"]);
    assert_eq!(decision(&report), "GO");
    assert_eq!(c, 0);
    let sup = report["suppressed"].to_string();
    assert!(
        sup.contains("security.cors-wildcard") && sup.contains("public read-only API"),
        "{sup}"
    );
    assert!(findings(&report, "security.cors-wildcard").is_empty());
}

#[test]
fn expired_suppression_no_longer_applies_and_says_so() {
    let dir = attention_project();
    write(
        dir.path(),
        "golive.toml",
        "[[suppress]]\ncheck = \"security.cors-wildcard\"\nreason = \"until the front-end moves\"\nexpires = 2020-01-31\n",
    );
    let (c, report) = audit_json(dir.path(), &["--fail-on", "attention"]);
    assert_eq!(decision(&report), "ATTENTION");
    assert_eq!(c, 1);
    let notices = report["notices"].to_string();
    assert!(notices.contains("expired"), "{notices}");
}

#[test]
fn inline_suppression_needs_a_reason() {
    let dir = attention_project();
    let main = dir.path().join("app/main.py");
    let text = std::fs::read_to_string(&main).expect("read");
    let with_reason = text.replace(
        "    CORSMiddleware,\n",
        "    CORSMiddleware,  # golive-ignore: security.cors-wildcard -- public read-only API\n",
    );
    std::fs::write(&main, &with_reason).expect("write");
    let (c, report) = audit_json(dir.path(), &["--fail-on", "attention"]);
    assert_eq!(decision(&report), "GO");
    assert_eq!(c, 0);
    assert!(
        report["suppressed"]
            .to_string()
            .contains("public read-only API")
    );
    // without a reason it is not applied, and the report says why
    let without = text.replace(
        "    CORSMiddleware,\n",
        "    CORSMiddleware,  # golive-ignore: security.cors-wildcard\n",
    );
    std::fs::write(&main, without).expect("write");
    let (c, report) = audit_json(dir.path(), &["--fail-on", "attention"]);
    assert_eq!(decision(&report), "ATTENTION");
    assert_eq!(c, 1);
    assert!(report["notices"].to_string().contains("no reason"));
}

#[test]
fn bad_usage_exits_3() {
    let clean = fixture("clean-python-api");
    let clean = clean.to_string_lossy();
    let o = run(&["audit", &clean, "--min-score", "101"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("101"), "{}", stderr(&o));
    let o = run(&["audit", &clean, "--no-such-flag"]);
    assert_eq!(code(&o), 3);
    let o = run(&["audit", &clean, "--format", "pdf"]);
    assert_eq!(code(&o), 3);
    let o = run(&["audit", &clean, "--fail-on", "sometimes"]);
    assert_eq!(code(&o), 3);
}

#[test]
fn nonexistent_path_exits_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-project");
    let o = run(&["audit", &missing.to_string_lossy()]);
    assert_eq!(code(&o), 3);
    let err = stderr(&o);
    assert!(err.contains("no-such-project"), "{err}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn unknown_config_key_exits_3_with_key_and_line() {
    let dir = attention_project();
    write(
        dir.path(),
        "golive.toml",
        "[project]\nname = \"orders\"\n\n[policy]\nno_go_below = 60\nfavourite_colour = \"blue\"\n",
    );
    let o = run(&["audit", &dir.path().to_string_lossy()]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("favourite_colour"), "{err}");
    assert!(err.contains("line 6"), "{err}");
    assert!(err.contains("golive.toml"), "{err}");
    // an unknown check id is named too
    write(
        dir.path(),
        "golive.toml",
        "[checks.\"security.cors-wildcards\"]\nenabled = false\n",
    );
    let o = run(&["audit", &dir.path().to_string_lossy()]);
    assert_eq!(code(&o), 3);
    let err = stderr(&o);
    assert!(
        err.contains("security.cors-wildcards") && err.contains("line 1"),
        "{err}"
    );
}

#[test]
fn every_format_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = |ext: &str| dir.path().join(format!("report.{ext}"));
    let args: Vec<String> = [
        ("json", "json"),
        ("sarif", "sarif"),
        ("junit", "xml"),
        ("markdown", "md"),
        ("html", "html"),
    ]
    .iter()
    .flat_map(|(f, ext)| {
        [
            "--output".to_string(),
            format!("{f}={}", out(ext).to_string_lossy()),
        ]
    })
    .collect();
    let mut all = vec![
        "audit".to_string(),
        fixture("failing-node-api").to_string_lossy().into_owned(),
    ];
    all.extend(args);
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let o = run(&refs);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    for ext in ["json", "sarif", "xml", "md", "html"] {
        let text = std::fs::read_to_string(out(ext)).unwrap_or_else(|e| panic!("{ext}: {e}"));
        assert!(
            text.contains("cors-wildcard"),
            "{ext} report lacks the CORS finding"
        );
    }
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(out("sarif")).expect("sarif")).expect("json");
    assert_eq!(sarif["version"], "2.1.0");
}
