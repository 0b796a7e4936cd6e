//! The CLI's output plumbing: every format to files at once, `--format` errors, `golive diff`
//! and `golive init`, run as the real binary on repositories made in a temporary directory.

use std::path::Path;
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

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A small Node service: an Express app with a health route, a README, a Dockerfile running as
/// root, and a hard-coded Stripe key.
fn small_repo(root: &Path) {
    write(
        root,
        "package.json",
        r#"{ "name": "tiny-api", "version": "1.0.0", "scripts": { "start": "node src/index.js" },
  "dependencies": { "express": "^4.19.0" } }"#,
    );
    write(
        root,
        "src/index.js",
        "const express = require('express');\nconst app = express();\nconst stripe = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc8Zq0aB1c';\napp.get('/healthz', (req, res) => res.send('ok'));\napp.listen(process.env.PORT || 3000);\n",
    );
    write(
        root,
        "README.md",
        "# tiny-api\n\n## Install\n\nnpm install\n\n## Run\n\nnpm start\n\n## Test\n\nnpm test\n",
    );
    write(
        root,
        "Dockerfile",
        "FROM node:20.11-alpine\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"src/index.js\"]\n",
    );
}

#[test]
fn audit_writes_every_format_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    small_repo(&repo);
    let out = dir.path().join("out");
    let o = golive(
        &[
            "audit",
            "repo",
            "--output",
            "json=out/a.json",
            "--output",
            "sarif=out/b.sarif",
            "--output",
            "junit=out/c.xml",
            "--output",
            "markdown=out/d.md",
            "--output",
            "html=out/e.html",
            "--format",
            "json",
        ],
        dir.path(),
    );
    assert!(
        matches!(code(&o), 0..=2),
        "exit {}: {}",
        code(&o),
        stderr(&o)
    );
    // stdout is the JSON report, and the same report as a.json.
    let stdout: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    assert_eq!(stdout["schema"], "golive.report/v1");
    let a: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("a.json")).unwrap()).unwrap();
    assert_eq!(a["verdict"], stdout["verdict"]);
    assert_eq!(a["score"], stdout["score"]);
    // The Stripe key is found, masked everywhere.
    let all: String = ["a.json", "b.sarif", "c.xml", "d.md", "e.html"]
        .iter()
        .map(|f| std::fs::read_to_string(out.join(f)).unwrap())
        .collect();
    assert!(all.contains("secrets.hardcoded"));
    assert!(
        !all.contains("4eC39HqLyjWDarjtT1zdp7dc8Zq0aB1c"),
        "secret leaked into an output"
    );
    let decision = stdout["verdict"]["decision"].as_str().unwrap().to_string();
    assert_eq!(decision, "NO-GO", "a live Stripe key is a critical failure");
    assert_eq!(code(&o), 2);

    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("b.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["invocations"][0]["exitCode"], 2);
    let junit = std::fs::read_to_string(out.join("c.xml")).unwrap();
    assert!(junit.starts_with("<?xml") && junit.contains("<testsuites"));
    let md = std::fs::read_to_string(out.join("d.md")).unwrap();
    assert!(md.starts_with("# Production readiness: repo"));
    assert!(md.contains("**NO-GO**"));
    let html = std::fs::read_to_string(out.join("e.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<svg"));
}

#[test]
fn terminal_output_without_colour_when_not_a_tty() {
    let dir = tempfile::tempdir().unwrap();
    small_repo(dir.path());
    let o = Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(["audit", ".", "--verbose"])
        .current_dir(dir.path())
        .env_remove("NO_COLOR")
        .env("COLUMNS", "72")
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(!text.contains('\x1b'), "stdout is a pipe: no colour");
    assert!(text.contains("NO-GO"));
    assert!(
        text.contains("src/index.js:3:"),
        "file:line evidence:\n{text}"
    );
    for line in text.lines() {
        assert!(line.chars().count() <= 72, "wider than COLUMNS: {line:?}");
    }
}

#[test]
fn bad_format_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    small_repo(dir.path());
    let o = golive(&["audit", ".", "--format", "bogus"], dir.path());
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("bogus"));
    let o = golive(&["audit", ".", "--output", "pdf=x.pdf"], dir.path());
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let o = golive(&["audit", ".", "--output", "sarif"], dir.path());
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("FORMAT=PATH"));
}

#[test]
fn diff_compares_two_reports() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    small_repo(&repo);
    let o = golive(
        &[
            "audit",
            "repo",
            "--output",
            "json=before.json",
            "-f",
            "json",
        ],
        dir.path(),
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    // Fix the secret and the root user.
    write(
        &repo,
        "src/index.js",
        "const express = require('express');\nconst app = express();\nconst stripe = process.env.STRIPE_KEY;\napp.get('/healthz', (req, res) => res.send('ok'));\napp.listen(process.env.PORT || 3000);\n",
    );
    write(
        &repo,
        "Dockerfile",
        "FROM node:20.11-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD [\"node\", \"src/index.js\"]\n",
    );
    let o = golive(
        &["audit", "repo", "--output", "json=after.json", "-f", "json"],
        dir.path(),
    );
    assert!(matches!(code(&o), 0..=2), "{}", stderr(&o));

    let o = golive(
        &["diff", "before.json", "after.json", "--format", "json"],
        dir.path(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(d["before"]["decision"], "NO-GO");
    assert_eq!(
        d["verdict_changed"].as_bool().unwrap(),
        d["before"]["decision"] != d["after"]["decision"]
    );
    assert!(d["score_delta"].as_f64().unwrap() > 0.0);
    let fixed: Vec<&str> = d["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["check"].as_str().unwrap())
        .collect();
    assert!(fixed.contains(&"secrets.hardcoded"), "{fixed:?}");
    assert!(fixed.contains(&"docker.non-root-user"), "{fixed:?}");
    // Reading the key from the environment may raise new, smaller findings (an undocumented
    // variable), never the fixed ones again.
    for item in d["new"].as_array().unwrap() {
        let id = item["check"].as_str().unwrap();
        assert!(
            id != "secrets.hardcoded" && id != "docker.non-root-user",
            "{}",
            d["new"]
        );
    }
    let secrets = d["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "secrets")
        .unwrap();
    assert!(secrets["delta"].as_f64().unwrap() > 0.0);

    for format in ["terminal", "markdown"] {
        let o = golive(
            &["diff", "before.json", "after.json", "--format", format],
            dir.path(),
        );
        assert_eq!(code(&o), 0);
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(
            text.contains("Fixed (") && text.contains("secrets.hardcoded"),
            "{text}"
        );
    }
    // Reversed, the fixes are new problems.
    let o = golive(
        &["diff", "after.json", "before.json", "--format", "json"],
        dir.path(),
    );
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!d["new"].as_array().unwrap().is_empty());
}

#[test]
fn diff_rejects_bad_input_with_exit_3() {
    let dir = tempfile::tempdir().unwrap();
    small_repo(&dir.path().join("repo"));
    golive(&["audit", "repo", "--output", "json=r.json"], dir.path());
    write(dir.path(), "old.json", "{\"schema\": \"golive.report/v0\"}");
    write(dir.path(), "junk.json", "{ not json");
    let o = golive(&["diff", "r.json", "old.json"], dir.path());
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("old.json") && stderr(&o).contains("golive.report/v0"));
    let o = golive(&["diff", "junk.json", "r.json"], dir.path());
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("junk.json"), "{}", stderr(&o));
    let o = golive(&["diff", "r.json", "missing.json"], dir.path());
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("missing.json"), "{}", stderr(&o));
    let o = golive(
        &["diff", "r.json", "r.json", "--format", "sarif"],
        dir.path(),
    );
    assert_eq!(code(&o), 3);
}

#[test]
fn init_writes_a_valid_commented_config_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    small_repo(dir.path());
    let o = golive(&["init"], dir.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let path = dir.path().join("golive.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("node (express)"),
        "detected stack named:\n{text}"
    );
    assert!(text.contains("node_modules/**"), "stack-specific hint");
    golive_core::Config::parse(&text, "golive.toml", golive_core::Catalog::builtin())
        .expect("the written golive.toml parses");
    // The audit accepts it.
    let o = golive(&["audit", ".", "-f", "json"], dir.path());
    assert!(matches!(code(&o), 0..=2), "{}", stderr(&o));

    std::fs::write(&path, "# mine\n").unwrap();
    let o = golive(&["init"], dir.path());
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# mine\n",
        "not overwritten"
    );
    let o = golive(&["init", ".", "--force"], dir.path());
    assert_eq!(code(&o), 0);
    assert_ne!(std::fs::read_to_string(&path).unwrap(), "# mine\n");

    let o = golive(&["init", "does-not-exist"], dir.path());
    assert_eq!(code(&o), 3);
}
