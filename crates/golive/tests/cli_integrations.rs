//! The ways teams plug golive into their tooling, tested with the real thing where it runs here:
//! the GitHub Action's script steps (run with bash as the runner would), the pre-commit hooks
//! (with the `pre-commit` package from PyPI, against a hook repository made by the test), and
//! golive's own container image definition (judged by golive).

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::copy_dir;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_golive"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// PATH with the built golive first.
fn path_with_golive() -> String {
    format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn require_services() -> bool {
    std::env::var("GOLIVE_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

fn outputs(file: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn get<'a>(o: &'a [(String, String)], k: &str) -> Option<&'a str> {
    o.iter().find(|(x, _)| x == k).map(|(_, v)| v.as_str())
}

fn run_step(script: &str, env: &[(&str, &str)], dir: &Path) -> Output {
    let mut c = Command::new("bash");
    c.arg(repo().join("scripts/action").join(script))
        .current_dir(dir)
        .env("PATH", path_with_golive())
        .env("NO_COLOR", "1")
        .env("GOLIVE_SRC", repo());
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn the_action_definition_passes_inputs_through_the_environment_only() {
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("action.yml parses");
    assert_eq!(doc["runs"]["using"].as_str(), Some("composite"));
    let steps = doc["runs"]["steps"].as_sequence().unwrap();
    let mut scripts = 0;
    for s in steps {
        if let Some(run) = s["run"].as_str() {
            scripts += 1;
            // `${{ inputs.* }}` pasted into a script is a script injection; inputs go through env.
            assert!(
                !run.contains("inputs."),
                "step {:?} interpolates an input",
                s["name"]
            );
            assert_eq!(s["shell"].as_str(), Some("bash"));
            let file = run
                .split('"')
                .find(|p| p.contains("scripts/action/"))
                .and_then(|p| p.rsplit('/').next())
                .unwrap();
            assert!(
                repo().join("scripts/action").join(file).is_file(),
                "{file} missing"
            );
        }
    }
    assert_eq!(scripts, 3);
    // The SARIF upload runs even when golive found a NO-GO.
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    assert!(upload["if"].as_str().unwrap().contains("always()"));
    // install.sh builds the crate the action ships.
    let install = std::fs::read_to_string(repo().join("scripts/action/install.sh")).unwrap();
    assert!(install.contains("--locked --path \"$GOLIVE_SRC/crates/golive\""));
    assert!(repo().join("crates/golive/Cargo.toml").is_file());
}

#[test]
fn the_action_steps_report_and_fail_as_documented() {
    let tmp = tempfile::tempdir().unwrap();
    // golive is on the PATH: install.sh keeps it and says so.
    let o = run_step("install.sh", &[], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("already installed"));

    for (fixture, verdict, code, fail_on, job) in [
        ("failing-node-api", "NO-GO", "2", "nogo", Some(2)),
        ("failing-node-api", "NO-GO", "2", "never", Some(0)),
        ("clean-python-api", "GO", "0", "attention", Some(0)),
    ] {
        let work = tmp.path().join(format!("{fixture}-{fail_on}"));
        copy_dir(&repo().join("fixtures").join(fixture), &work);
        let out = work.join("gh-output");
        let summary = work.join("gh-summary.md");
        let o = run_step(
            "run.sh",
            &[
                ("INPUT_PATH", "."),
                ("INPUT_COMMAND", "audit"),
                ("INPUT_ARGS", ""),
                ("INPUT_FAIL_ON", fail_on),
                ("INPUT_SARIF_FILE", "golive.sarif"),
                ("GITHUB_OUTPUT", out.to_str().unwrap()),
                ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
            ],
            &work,
        );
        assert!(o.status.success(), "run.sh must not fail the step itself");
        let outs = outputs(&out);
        assert_eq!(get(&outs, "verdict"), Some(verdict), "{outs:?}");
        assert_eq!(get(&outs, "exit-code"), Some(code), "{outs:?}");
        assert!(get(&outs, "score").is_some_and(|s| s.parse::<f64>().is_ok()));
        assert_eq!(get(&outs, "sarif"), Some("golive.sarif"));
        let sarif: Value =
            serde_json::from_str(&std::fs::read_to_string(work.join("golive.sarif")).unwrap())
                .unwrap();
        assert_eq!(sarif["version"], "2.1.0");
        assert!(std::fs::read_to_string(&summary).unwrap().contains(verdict));

        let o = run_step(
            "verdict.sh",
            &[("EXIT_CODE", code), ("INPUT_FAIL_ON", fail_on)],
            &work,
        );
        assert_eq!(
            o.status.code(),
            job,
            "{fixture} fail-on {fail_on}: {}",
            text(&o.stdout)
        );
    }

    // A bad command is a configuration error, not a silent pass.
    let out = tmp.path().join("bad-output");
    let o = run_step(
        "run.sh",
        &[
            ("INPUT_COMMAND", "deploy; rm -rf /"),
            ("GITHUB_OUTPUT", out.to_str().unwrap()),
        ],
        tmp.path(),
    );
    assert!(o.status.success());
    assert_eq!(get(&outputs(&out), "exit-code"), Some("3"));
    let o = run_step("verdict.sh", &[("EXIT_CODE", "3")], tmp.path());
    assert_eq!(o.status.code(), Some(3));
    let o = run_step("verdict.sh", &[("EXIT_CODE", "")], tmp.path());
    assert_ne!(o.status.code(), Some(0), "no exit code must not pass");
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
}

#[test]
fn the_pre_commit_hooks_run_golive_and_block_a_no_go() {
    if Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_err()
    {
        if require_services() {
            panic!("pre-commit is not installed (scripts/test.sh installs it from PyPI)");
        }
        eprintln!("SKIPPED: pre-commit is not installed (`pip install pre-commit`)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // The hook repository: golive's .pre-commit-hooks.yaml in a git repository of its own.
    let hooks = tmp.path().join("hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    std::fs::copy(
        repo().join(".pre-commit-hooks.yaml"),
        hooks.join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(&hooks, &["init", "-q"]);
    git(&hooks, &["add", "."]);
    git(&hooks, &["commit", "-qm", "hooks"]);
    let rev = text(
        &Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(&hooks)
            .output()
            .unwrap()
            .stdout,
    )
    .trim()
    .to_string();

    for (fixture, passes) in [("clean-python-api", true), ("failing-node-api", false)] {
        let proj = tmp.path().join(fixture);
        copy_dir(&repo().join("fixtures").join(fixture), &proj);
        std::fs::write(
            proj.join(".pre-commit-config.yaml"),
            format!(
                "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: golive-audit\n",
                hooks.display()
            ),
        )
        .unwrap();
        git(&proj, &["init", "-q"]);
        git(&proj, &["add", "."]);
        let o = Command::new("pre-commit")
            .args(["run", "--all-files", "--hook-stage", "manual"])
            .current_dir(&proj)
            .env("PATH", path_with_golive())
            .env("PRE_COMMIT_HOME", tmp.path().join("pre-commit-home"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let all = format!("{}{}", text(&o.stdout), text(&o.stderr));
        assert_eq!(o.status.success(), passes, "{fixture}: {all}");
        assert!(all.contains("golive audit"), "{all}");
        if !passes {
            assert!(all.contains("NO-GO"), "{all}");
        }
    }
}

#[test]
fn golives_own_image_passes_golives_docker_checks() {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["Dockerfile", ".dockerignore"] {
        std::fs::copy(repo().join(f), tmp.path().join(f)).unwrap();
    }
    let o = Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(["audit", ".", "--format", "json"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let docker: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"].as_str().unwrap().starts_with("docker."))
        .collect();
    assert!(docker.len() >= 8, "{docker:?}");
    for f in &docker {
        assert!(
            f["outcome"] == "pass" || f["outcome"] == "not-applicable",
            "golive's own image: {f}"
        );
    }
    for id in [
        "docker.non-root-user",
        "docker.pinned-base-image",
        "docker.exec-form",
        "docker.dockerignore",
    ] {
        assert!(
            docker
                .iter()
                .any(|f| f["check"] == id && f["outcome"] == "pass"),
            "{id} does not pass"
        );
    }
    // The one decision the image makes against a default is written down, with its reason.
    let accepted: Vec<&Value> = r["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"].as_str().unwrap().starts_with("docker."))
        .collect();
    assert_eq!(accepted.len(), 1, "{accepted:?}");
    assert_eq!(accepted[0]["check"], "docker.healthcheck");
    assert!(
        accepted[0]["suppressed"]["reason"]
            .as_str()
            .unwrap()
            .contains("one-shot")
    );
    let deployment = r["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "deployment")
        .unwrap();
    assert_eq!(deployment["score"], 100.0);
}
