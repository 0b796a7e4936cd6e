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

/// (path, line, column) of the file evidence of a check's findings with this outcome.
fn places(f: &[Finding], id: &str, o: Outcome) -> Vec<(String, u32, u32)> {
    of(f, id)
        .iter()
        .filter(|x| x.outcome == o)
        .flat_map(|x| {
            x.evidence.iter().filter_map(|e| match e {
                golive_core::Evidence::File {
                    path,
                    line: Some(l),
                    column: Some(c),
                    ..
                } => Some((path.clone(), *l, *c)),
                _ => None,
            })
        })
        .collect()
}

#[test]
fn malformed_manifests_fail_parse_and_leave_the_lockfile_check_undecided() {
    // Two manifests that do not parse and nothing else: not "no manifest declares dependencies".
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), "{ not json").unwrap();
    std::fs::write(dir.path().join("pyproject.toml"), "[tool.poetry\nname=").unwrap();
    let f = audit(dir.path());
    assert_eq!(outcome(&f, "deps.parse"), Outcome::Fail);
    assert_eq!(outcome(&f, "deps.lockfile"), Outcome::Inconclusive);
    assert_eq!(outcome(&f, "deps.update-bot"), Outcome::Inconclusive);
    let undecided = messages(&f, "deps.lockfile", Outcome::Inconclusive);
    assert!(
        undecided
            .iter()
            .any(|m| m.starts_with("could not decide: package.json at line 1 does not parse")),
        "{undecided:#?}"
    );

    // An update bot that covers the ecosystem of the broken manifest decides that check.
    std::fs::create_dir_all(dir.path().join(".github")).unwrap();
    std::fs::write(
        dir.path().join(".github/dependabot.yml"),
        "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: {interval: weekly}\n",
    )
    .unwrap();
    let f = audit(dir.path());
    let bot = messages(&f, "deps.update-bot", Outcome::Inconclusive);
    assert_eq!(bot.len(), 1, "{bot:#?}");
    assert!(bot[0].contains("pyproject.toml"), "{bot:#?}");
    std::fs::remove_file(dir.path().join("pyproject.toml")).unwrap();
    let f = audit(dir.path());
    assert_eq!(outcome(&f, "deps.update-bot"), Outcome::Pass);

    // Every kind of manifest, each broken in its own syntax.
    let f = audit(&fixture("deps/broken"));
    let mut at = places(&f, "deps.parse", Outcome::Fail);
    at.sort();
    assert_eq!(
        at,
        vec![
            ("go/go.mod".to_string(), 5, 1),
            ("package.json".to_string(), 3, 42),
            ("py/pyproject.toml".to_string(), 5, 1),
            ("req/requirements.txt".to_string(), 2, 1),
            ("rs/Cargo.toml".to_string(), 6, 8),
        ],
        "{:#?}",
        of(&f, "deps.parse")
    );
    let fails = messages(&f, "deps.parse", Outcome::Fail);
    assert!(
        fails
            .iter()
            .any(|m| m.starts_with("package.json:3:42: the package manifest does not parse")),
        "{fails:#?}"
    );
    assert!(
        fails
            .iter()
            .any(|m| m.contains("`require (` block is never closed")),
        "{fails:#?}"
    );
    // The Cargo.toml has its Cargo.lock: that much is decided. The others have none, and
    // whether they need one is unknown.
    assert_eq!(outcome(&f, "deps.lockfile"), Outcome::Inconclusive);
    let undecided = messages(&f, "deps.lockfile", Outcome::Inconclusive);
    assert_eq!(undecided.len(), 4, "{undecided:#?}");
    assert!(
        undecided
            .iter()
            .any(|m| m.starts_with("could not decide: package.json at line 3 does not parse")),
        "{undecided:#?}"
    );
    assert!(!undecided.iter().any(|m| m.contains("Cargo.toml")));

    // The correct side: the same kinds of manifests, well-formed.
    let f = audit(&fixture("deps/locked"));
    assert_eq!(outcome(&f, "deps.parse"), Outcome::Pass);
    let pass = messages(&f, "deps.parse", Outcome::Pass);
    assert!(
        pass[0].contains("every package manifest (5) parses"),
        "{pass:?}"
    );
}

#[test]
fn a_manifest_the_walk_skipped_is_not_read_and_not_judged_absent() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!(
        "{{\"name\": \"big\", \"dependencies\": {{\"express\": \"4.19.2\"}}, \"description\": \"{}\"}}",
        "x".repeat(4096)
    );
    std::fs::write(dir.path().join("package.json"), &big).unwrap();
    let mut opts = golive_scan::ScanOptions::new(dir.path());
    opts.scan.max_file_size = 1024;
    let f = golive_scan::scan(&opts).unwrap().findings;
    assert_eq!(outcome(&f, "deps.parse"), Outcome::Fail);
    assert_eq!(outcome(&f, "deps.lockfile"), Outcome::Inconclusive);
    let fails = messages(&f, "deps.parse", Outcome::Fail);
    assert!(fails[0].contains("not read: larger than"), "{fails:?}");
    // read in full, the same manifest is judged
    let f = audit(dir.path());
    assert_eq!(outcome(&f, "deps.parse"), Outcome::Pass);
    assert_eq!(outcome(&f, "deps.lockfile"), Outcome::Fail);
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
