//! What golive writes for CI systems, from real runs of the binary: audits of the fixtures and
//! of a subfolder of a git repository, a probe and a load run against HTTP servers on
//! 127.0.0.1. Every SARIF file is checked by GitHub code scanning's rules (and the SARIF
//! Multitool when installed), every JUnit file by junit-10.xsd, every JSON report by
//! docs/report-schema.json. Also `golive schema` and `golive diff --fail-on`.

#[path = "../../golive-report/tests/validate/mod.rs"]
mod validate;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn golive(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .output()
        .expect("run golive")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Checks the three machine outputs of one run written in `dir` as `NAME.sarif`, `NAME.xml`
/// and `NAME.json`; returns the SARIF document.
fn check_outputs(dir: &Path, name: &str, multitool: Option<&Path>) -> Value {
    let sarif_path = dir.join(format!("{name}.sarif"));
    let sarif = read_json(&sarif_path);
    let errs = validate::sarif_github(&sarif);
    assert!(errs.is_empty(), "{name}: GitHub would reject: {errs:#?}");
    if let Some(tool) = multitool {
        let problems = validate::multitool(tool, &sarif_path);
        assert!(
            problems.is_empty(),
            "{name}: SARIF Multitool: {problems:#?}"
        );
    }
    let xml = std::fs::read_to_string(dir.join(format!("{name}.xml"))).unwrap();
    let errs = validate::junit10(&xml);
    assert!(errs.is_empty(), "{name}: junit-10.xsd: {errs:#?}");
    let report = read_json(&dir.join(format!("{name}.json")));
    let errs = validate::report_errors(&validate::report_schema(), &report);
    assert!(errs.is_empty(), "{name}: report schema: {errs:#?}");
    sarif
}

fn outputs(dir: &Path, name: &str) -> Vec<String> {
    ["sarif", "junit", "json"]
        .iter()
        .zip(["sarif", "xml", "json"])
        .flat_map(|(f, ext)| {
            [
                "--output".to_string(),
                format!("{f}={}", dir.join(format!("{name}.{ext}")).display()),
            ]
        })
        .collect()
}

fn uris(sarif: &Value) -> Vec<String> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["locations"].as_array().unwrap().iter())
        .map(|l| {
            l["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn audits_of_the_fixtures_are_accepted_by_ci_systems() {
    let multitool = validate::require_multitool();
    let out = tempfile::tempdir().unwrap();
    let root = repo_root();
    for fixture in ["failing-node-api", "clean-python-api"] {
        let path = root.join("fixtures").join(fixture);
        let mut args = vec!["audit".to_string(), path.display().to_string()];
        args.extend(outputs(out.path(), fixture));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = golive(&args, &root);
        assert!(matches!(code(&o), 0..=2), "{fixture}: {}", stderr(&o));
        let sarif = check_outputs(out.path(), fixture, multitool.as_deref());
        let run = &sarif["runs"][0];
        assert_eq!(run["automationDetails"]["id"], "golive/audit/");
        // The fixture is a folder of golive's repository: paths start at the repository root
        // (in CI's isolated copy, which has no .git, they start at the audited directory).
        let prefix = if root.join(".git").exists() {
            format!("fixtures/{fixture}/")
        } else {
            String::new()
        };
        let all = uris(&sarif);
        assert!(
            all.iter().all(|u| u.starts_with(&prefix)),
            "{fixture}: {all:#?}"
        );
        let text = std::fs::read_to_string(out.path().join(format!("{fixture}.sarif"))).unwrap();
        let abs = std::fs::canonicalize(&root).unwrap();
        assert!(
            !text.contains(&*abs.to_string_lossy()),
            "{fixture}: a local absolute path in SARIF"
        );
    }
}

#[test]
fn auditing_a_subfolder_of_a_git_repository_gives_paths_from_its_root() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("mono");
    let init = Command::new("git").args(["init", "-q"]).arg(&repo).output();
    if !init.is_ok_and(|o| o.status.success()) {
        std::fs::create_dir_all(repo.join(".git")).unwrap();
    }
    let api = repo.join("services/api");
    write(
        &api,
        "package.json",
        r#"{ "name": "api", "version": "1.0.0", "dependencies": { "express": "^4.19.0" } }"#,
    );
    write(
        &api,
        "src/index.js",
        "const express = require('express');\nconst app = express();\nconst stripe = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc8Zq0aB1c';\napp.listen(3000);\n",
    );
    write(&api, "README.md", "# api\n");
    write(&repo, ".github/workflows/ci.yml", "on: push\njobs: {}\n");
    let out = dir.path().join("out");
    let mut args = vec!["audit".to_string(), "services/api".to_string()];
    args.extend(outputs(&out, "sub"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = golive(&args, &repo);
    assert_eq!(code(&o), 2, "a live Stripe key is NO-GO: {}", stderr(&o));
    let sarif = check_outputs(&out, "sub", validate::require_multitool().as_deref());
    let all = uris(&sarif);
    assert!(
        all.iter().all(|u| u.starts_with("services/api/")),
        "{all:#?}"
    );
    assert!(all.contains(&"services/api/src/index.js".to_string()));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let at = |id: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == id)
            .map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .unwrap_or_else(|| panic!("no {id} result"))
    };
    // A repository-level finding about the documentation is filed under the README.
    assert_eq!(at("docs.readme"), "services/api/README.md");
    let text = std::fs::read_to_string(out.join("sub.sarif")).unwrap();
    assert!(
        !text.contains(&*dir.path().to_string_lossy()),
        "absolute path"
    );
    assert!(
        !text.contains("4eC39HqLyjWDarjtT1zdp7dc8Zq0aB1c"),
        "secret leaked"
    );
    let report = read_json(&out.join("sub.json"));
    assert_eq!(report["target"]["repository"]["prefix"], "services/api");
}

/// A plain HTTP/1.1 server on 127.0.0.1: `/` and `/health` 200, anything else 404. It sets no
/// security headers, so the probe has findings to report.
fn server() -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { return };
            std::thread::spawn(move || serve(s));
        }
    });
    format!("http://{addr}")
}

fn serve(s: TcpStream) {
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut len = 0usize;
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end().to_ascii_lowercase();
            if h.is_empty() {
                break;
            }
            if let Some(v) = h.strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; len];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let (status, text) = match path.as_str() {
            "/" => ("200 OK", "{\"service\":\"orders\"}"),
            "/health" | "/healthz" => ("200 OK", "{\"status\":\"ok\"}"),
            _ => ("404 Not Found", "{\"error\":\"not found\"}"),
        };
        let resp = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{text}",
            text.len()
        );
        if w.write_all(resp.as_bytes()).is_err() {
            return;
        }
    }
}

fn fingerprints(sarif: &Value) -> Vec<String> {
    let mut v: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["ruleId"].as_str().unwrap(),
                r["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .unwrap()
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_probe_is_accepted_by_ci_systems_with_fingerprints_that_ignore_the_port() {
    let multitool = validate::require_multitool();
    let dir = tempfile::tempdir().unwrap();
    let mut sarifs = Vec::new();
    for (i, url) in [server(), server()].iter().enumerate() {
        let name = format!("probe{i}");
        let mut args = vec![
            "probe".to_string(),
            url.clone(),
            "--latency-samples".into(),
            "3".into(),
        ];
        args.extend(outputs(dir.path(), &name));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = golive(&args, dir.path());
        assert!(matches!(code(&o), 0..=2), "{}", stderr(&o));
        let sarif = check_outputs(dir.path(), &name, multitool.as_deref());
        assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "golive/probe/");
        assert!(
            !sarif["runs"][0]["results"].as_array().unwrap().is_empty(),
            "a server without security headers has findings"
        );
        // No repository file to point at: the documented fallback, golive.toml.
        assert!(
            uris(&sarif).iter().all(|u| u == "golive.toml"),
            "{:?}",
            uris(&sarif)
        );
        sarifs.push(sarif);
    }
    assert_eq!(
        fingerprints(&sarifs[0]),
        fingerprints(&sarifs[1]),
        "two servers on two ports: the same fingerprints"
    );
    // With a golive.toml in the working directory, live findings point at it in the repository.
    write(dir.path(), "golive.toml", "[project]\nname = \"orders\"\n");
    let url = server();
    let mut args = vec![
        "probe".to_string(),
        url,
        "--latency-samples".into(),
        "3".into(),
    ];
    args.extend(outputs(dir.path(), "probe-cfg"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = golive(&args, dir.path());
    assert!(matches!(code(&o), 0..=2), "{}", stderr(&o));
    let sarif = check_outputs(dir.path(), "probe-cfg", None);
    assert!(uris(&sarif).iter().all(|u| u == "golive.toml"));
    let report = read_json(&dir.path().join("probe-cfg.json"));
    assert_eq!(report["target"]["repository"]["config"], "golive.toml");
}

#[test]
fn a_load_run_reports_its_duration_in_junit() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/", server());
    let mut args = vec![
        "load".to_string(),
        url,
        "-c".into(),
        "2".into(),
        "-d".into(),
        "2s".into(),
    ];
    args.extend(outputs(dir.path(), "load"));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = golive(&args, dir.path());
    assert!(matches!(code(&o), 0..=2), "{}", stderr(&o));
    let sarif = check_outputs(dir.path(), "load", validate::require_multitool().as_deref());
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "golive/load/");
    let xml = std::fs::read_to_string(dir.path().join("load.xml")).unwrap();
    let time_of = |prefix: &str| -> f64 {
        let line = xml
            .lines()
            .find(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in {xml}"));
        line.split("time=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let case = time_of("<testcase name=\"load.throughput:");
    assert!(
        (1.5..10.0).contains(&case),
        "a 2 s run: time {case} in\n{xml}"
    );
    let total = time_of("<testsuites ");
    assert!(total >= case, "{xml}");
}

#[test]
fn golive_schema_prints_the_committed_schema() {
    let dir = tempfile::tempdir().unwrap();
    let o = golive(&["schema"], dir.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let committed = std::fs::read_to_string(repo_root().join("docs/report-schema.json")).unwrap();
    assert!(
        String::from_utf8(o.stdout).unwrap() == committed,
        "docs/report-schema.json is stale: cargo run -q -p golive -- schema > docs/report-schema.json"
    );
}

#[test]
fn diff_fails_when_the_after_report_is_worse() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    write(
        &repo,
        "package.json",
        r#"{ "name": "tiny", "version": "1.0.0", "dependencies": { "express": "^4.19.0" } }"#,
    );
    write(
        &repo,
        "src/index.js",
        "const express = require('express');\nconst app = express();\napp.get('/healthz', (req, res) => res.send('ok'));\napp.listen(process.env.PORT || 3000);\n",
    );
    write(
        &repo,
        "README.md",
        "# tiny\n\n## Install\n\nnpm install\n\n## Run\n\nnpm start\n\n## Test\n\nnpm test\n",
    );
    // Thresholds at 0: the before report is not NO-GO for its score alone, so a critical
    // finding makes the verdict worse.
    write(
        &repo,
        "golive.toml",
        "[policy]\nno_go_below = 0\nattention_below = 0\n",
    );
    golive(
        &["audit", "repo", "--output", "json=before.json"],
        dir.path(),
    );
    assert_ne!(
        read_json(&dir.path().join("before.json"))["verdict"]["decision"],
        "NO-GO"
    );
    // A hard-coded live key: a new failure, a lower score, NO-GO.
    write(
        &repo,
        "src/keys.js",
        "module.exports = { stripe: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc8Zq0aB1c' };\n",
    );
    golive(
        &["audit", "repo", "--output", "json=after.json"],
        dir.path(),
    );
    for f in ["before.json", "after.json"] {
        let errs =
            validate::report_errors(&validate::report_schema(), &read_json(&dir.path().join(f)));
        assert!(errs.is_empty(), "{f}: {errs:#?}");
    }

    let o = golive(&["diff", "before.json", "after.json"], dir.path());
    assert_eq!(code(&o), 1, "worse by default: {}", stderr(&o));
    let err = stderr(&o);
    for kind in ["(new-failure)", "(score-drop)", "(verdict)"] {
        assert!(err.contains(kind), "{kind} missing: {err}");
    }
    assert!(err.contains("secrets.hardcoded at src/keys.js:1"), "{err}");
    for criterion in [
        "new-failure",
        "score-drop",
        "verdict",
        "verdict,score-drop",
        "any",
    ] {
        let o = golive(
            &["diff", "before.json", "after.json", "--fail-on", criterion],
            dir.path(),
        );
        assert_eq!(code(&o), 1, "--fail-on {criterion}: {}", stderr(&o));
    }
    let o = golive(
        &["diff", "before.json", "after.json", "--fail-on", "none"],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // Reversed: better, so exit 0, with a warning about the time order.
    let o = golive(&["diff", "after.json", "before.json"], dir.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("reverse time order"), "{}", stderr(&o));

    // Another target: a warning.
    let other = dir.path().join("other");
    write(&other, "README.md", "# other\n");
    golive(
        &["audit", "other", "--output", "json=other.json"],
        dir.path(),
    );
    let o = golive(
        &["diff", "before.json", "other.json", "--fail-on", "none"],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("different targets (`repo` before, `other` after)"),
        "{}",
        stderr(&o)
    );

    // Bad values are usage errors.
    for bad in ["worse", "none,verdict"] {
        let o = golive(
            &["diff", "before.json", "after.json", "--fail-on", bad],
            dir.path(),
        );
        assert_eq!(code(&o), 3, "--fail-on {bad}: {}", stderr(&o));
    }
}
