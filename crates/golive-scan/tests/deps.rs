//! Dependencies domain: lockfiles per manifest, Dependabot/Renovate.

use golive_core::{Finding, Outcome};
use std::process::Command;

mod support;
use support::repo::*;

fn messages(f: &[Finding], id: &str, o: Outcome) -> Vec<String> {
    of(f, id)
        .iter()
        .filter(|x| x.outcome == o)
        .map(|x| x.message.clone())
        .collect()
}

#[test]
fn every_manifest_locked_and_bot_covers_all() {
    let f = audit(&fixture("deps/locked"));
    assert_eq!(
        outcome(&f, "deps.lockfile"),
        Outcome::Pass,
        "{:#?}",
        of(&f, "deps.lockfile")
    );
    // the workspace member is covered by the root Cargo.lock
    let pass = of(&f, "deps.lockfile");
    assert!(pass[0].message.contains("(5)"), "{pass:#?}");
    assert_eq!(outcome(&f, "deps.update-bot"), Outcome::Pass);
}

#[test]
fn missing_lockfiles_and_unpinned_requirements_fail() {
    let f = audit(&fixture("deps/unlocked"));
    let fails = messages(&f, "deps.lockfile", Outcome::Fail);
    assert_eq!(fails.len(), 4, "{fails:#?}");
    assert!(
        fails
            .iter()
            .any(|m| m.starts_with("package.json has no lockfile"))
    );
    assert!(
        fails
            .iter()
            .any(|m| m.starts_with("api/go.mod") && m.contains("go.sum"))
    );
    assert!(
        fails
            .iter()
            .any(|m| m.starts_with("worker/pyproject.toml") && m.contains("poetry.lock"))
    );
    assert!(
        fails
            .iter()
            .any(|m| m.starts_with("worker/requirements.txt") && m.contains("celery, redis"))
    );
    assert_eq!(outcome(&f, "deps.update-bot"), Outcome::Fail);
}

#[test]
fn dependabot_missing_an_ecosystem_warns() {
    let f = audit(&fixture("deps/partial-bot"));
    assert_eq!(outcome(&f, "deps.lockfile"), Outcome::Pass);
    assert_eq!(outcome(&f, "deps.update-bot"), Outcome::Warn);
    assert!(of(&f, "deps.update-bot")[0].message.contains("cargo"));
}

#[test]
fn renovate_passes_and_malformed_dependabot_fails_with_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("package.json"),
        r#"{"dependencies":{"hono":"4.4.0"}}"#,
    )
    .unwrap();
    std::fs::write(root.join("pnpm-lock.yaml"), "lockfileVersion: '9.0'\n").unwrap();
    std::fs::write(
        root.join("renovate.json"),
        r#"{"extends":["config:recommended"]}"#,
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "deps.update-bot"), Outcome::Pass);
    assert!(of(&f, "deps.update-bot")[0].message.contains("Renovate"));

    std::fs::remove_file(root.join("renovate.json")).unwrap();
    std::fs::create_dir_all(root.join(".github")).unwrap();
    std::fs::write(
        root.join(".github/dependabot.yml"),
        "version: 2\nupdates:\n  - package-ecosystem: npm\n   directory: /\n",
    )
    .unwrap();
    let f = audit(root);
    let bot = of(&f, "deps.update-bot");
    assert_eq!(bot[0].outcome, Outcome::Fail);
    assert!(
        bot[0]
            .evidence
            .iter()
            .any(|e| e.path() == Some(".github/dependabot.yml") && e.line().is_some())
    );
}

#[test]
fn git_ignored_lockfile_fails_and_untracked_lockfile_warns() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("package.json"),
        r#"{"dependencies":{"hono":"4.4.0"}}"#,
    )
    .unwrap();
    std::fs::write(root.join("package-lock.json"), "{}\n").unwrap();
    std::fs::write(root.join(".gitignore"), "package-lock.json\n").unwrap();
    let f = audit(root);
    let fails = messages(&f, "deps.lockfile", Outcome::Fail);
    assert_eq!(fails.len(), 1);
    assert!(fails[0].contains("git-ignored"), "{fails:?}");

    let git_ok = Command::new("git").arg("--version").output().is_ok();
    if !git_ok {
        return;
    }
    std::fs::remove_file(root.join(".gitignore")).unwrap();
    let run = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    assert!(run(&["init", "-q"]));
    assert!(run(&["add", "package.json"]));
    let f = audit(root);
    assert_eq!(outcome(&f, "deps.lockfile"), Outcome::Warn);
    assert!(of(&f, "deps.lockfile")[0].message.contains("not committed"));
    assert!(run(&["add", "package-lock.json"]));
    let f = audit(root);
    assert_eq!(outcome(&f, "deps.lockfile"), Outcome::Pass);
}

#[test]
fn no_manifest_or_no_dependencies_is_not_applicable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# x\n").unwrap();
    let f = audit(dir.path());
    assert_eq!(outcome(&f, "deps.lockfile"), Outcome::NotApplicable);
    assert_eq!(outcome(&f, "deps.update-bot"), Outcome::NotApplicable);
    // a go.mod without requirements needs no go.sum
    let f = audit(&fixture("config/no-env"));
    assert_eq!(outcome(&f, "deps.lockfile"), Outcome::NotApplicable);
    assert_eq!(outcome(&f, "deps.update-bot"), Outcome::NotApplicable);
}

#[test]
fn malformed_manifests_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), "{ not json").unwrap();
    std::fs::write(dir.path().join("pyproject.toml"), "[tool.poetry\nname=").unwrap();
    let f = audit(dir.path());
    // unreadable manifests declare nothing we can see: no lockfile demanded, no crash
    assert_eq!(outcome(&f, "deps.lockfile"), Outcome::NotApplicable);
}

#[test]
fn hand_pinned_requirements_are_not_a_lock() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "flask==3.0.3\ngunicorn==22.0.0\n",
    )
    .unwrap();
    let f = audit(dir.path());
    let fails = messages(&f, "deps.lockfile", Outcome::Fail);
    assert_eq!(fails.len(), 1, "{fails:?}");
    assert!(fails[0].contains("not their dependencies"), "{fails:?}");
    // a requirements.in next to it is the manifest pip-compile reads; still no lock
    assert_eq!(outcome(&f, "deps.update-bot"), Outcome::Fail);
}
