//! End-to-end: what a team needs to adopt golive — baselines (accept today's findings, fail on
//! new ones), the project root found from a subfolder, short checklist ids, shell completions
//! and man pages. Each runs the built binary on copies of the fixture projects.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::copy_dir;

fn golive_in(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_golive"));
    c.env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .current_dir(dir);
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// A copy of a fixture in a temporary directory that is a git work tree of its own (so that
/// root discovery stops there, as it would in a real repository).
fn project(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join(name);
    copy_dir(&fixture(name), &root);
    std::fs::create_dir_all(root.join(".git")).unwrap();
    (tmp, root)
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("golive exited by a signal")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn audit_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["audit", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let o = golive_in(dir).args(&args).output().unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e})\nstdout:\n{}\nstderr:\n{}",
            text(&o.stdout),
            text(&o.stderr)
        )
    });
    (code(&o), v)
}

fn failing<'a>(r: &'a Value, check: &str) -> Vec<&'a Value> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check && f["outcome"] == "fail")
        .collect()
}

fn baselined(r: &Value) -> usize {
    r["suppressed"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["suppressed"]["source"] == "baseline")
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_baseline_accepts_todays_findings_and_fails_on_new_ones() {
    let (_tmp, root) = project("failing-node-api");
    let (before, r) = audit_json(&root, &[]);
    assert_eq!(before, 2, "the fixture is NO-GO without a baseline");
    assert!(!failing(&r, "secrets.hardcoded").is_empty());

    let o = golive_in(&root)
        .args(["baseline", "write", "."])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let file = root.join(".golive/baseline.json");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["version"], "golive.baseline/v1");
    let entries = written["entries"].as_array().unwrap();
    assert!(entries.len() >= 5, "{written}");
    // What the baseline shows a reviewer is masked like every other output.
    let raw = std::fs::read_to_string(&file).unwrap();
    assert!(
        !raw.contains("wJ8rXUtnF3MI/K7MDENG/bPxRfiCYz3q9Lk2Vh1T"),
        "{raw}"
    );

    // Everything accepted: GO, and the accepted findings are listed, not hidden.
    let (code0, r) = audit_json(&root, &["--baseline", ".golive/baseline.json"]);
    assert_eq!(code0, 0, "{}", r["verdict"]);
    assert!(failing(&r, "secrets.hardcoded").is_empty());
    assert!(baselined(&r) >= 5);
    assert!(
        r["notices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("accepted, 0 new")),
        "{}",
        r["notices"]
    );

    // Lines move and indentation changes: still accepted.
    let cfg = root.join("src/config.js");
    let moved = format!(
        "// a comment\n\n\n{}",
        std::fs::read_to_string(&cfg)
            .unwrap()
            .replace("    accessKeyId:", "        accessKeyId:")
    );
    std::fs::write(&cfg, moved).unwrap();
    let (code1, r) = audit_json(&root, &["--baseline", ".golive/baseline.json"]);
    assert_eq!(
        code1, 0,
        "moved lines must stay accepted: {}",
        r["findings"]
    );

    // A new secret in a new file fails, and only the new place is counted.
    std::fs::write(
        root.join("src/payments.js"),
        "module.exports = { stripe: 'sk_live_4eC39HqLyjWDarjtT1zdp7dcQx9Wm2Lk' };\n",
    )
    .unwrap();
    let (code2, r) = audit_json(&root, &["--baseline", ".golive/baseline.json"]);
    assert_eq!(code2, 2, "a new critical must fail");
    let f = failing(&r, "secrets.hardcoded");
    assert_eq!(f.len(), 1, "{f:?}");
    let paths: Vec<&str> = f[0]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert_eq!(paths, ["src/payments.js"], "{}", f[0]);

    // A second copy of an accepted line is new too.
    std::fs::remove_file(root.join("src/payments.js")).unwrap();
    let env = std::fs::read_to_string(root.join(".env")).unwrap();
    let first = env.lines().next().unwrap().to_string();
    std::fs::write(root.join(".env"), format!("{env}{first}\n")).unwrap();
    let (code3, r) = audit_json(&root, &["--baseline", ".golive/baseline.json"]);
    assert_eq!(code3, 2, "a duplicated secret line is a new place");
    assert!(!failing(&r, "secrets.hardcoded").is_empty());
}

#[test]
fn a_damaged_or_foreign_baseline_is_a_usage_error() {
    let (_tmp, root) = project("failing-node-api");
    std::fs::write(root.join("bad.json"), "{\"entries\": [").unwrap();
    let o = golive_in(&root)
        .args(["audit", ".", "--baseline", "bad.json"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 3);
    assert!(text(&o.stderr).contains("bad.json"), "{}", text(&o.stderr));
    let o = golive_in(&root)
        .args(["audit", ".", "--baseline", "missing.json"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 3);
    assert!(text(&o.stderr).contains("missing.json"));
}

#[test]
fn from_a_subfolder_the_project_root_is_found_and_named() {
    let (_tmp, root) = project("failing-node-api");
    // No golive.toml: the git root.
    let o = golive_in(&root.join("src"))
        .args(["audit", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    let err = text(&o.stderr);
    assert!(err.contains("root of the git work tree"), "{err}");
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["target"]["name"], "failing-node-api");
    // Paths stay relative to the root, as when run from it.
    let f = failing(&r, "secrets.hardcoded");
    assert!(
        f.iter().any(|f| f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "src/config.js")),
        "{f:?}"
    );

    // A golive.toml in between wins over the git root.
    let svc = root.join("services/api");
    std::fs::create_dir_all(svc.join("deep")).unwrap();
    std::fs::write(svc.join("golive.toml"), "[project]\nname = \"api\"\n").unwrap();
    let o = golive_in(&svc.join("deep"))
        .args(["audit", "--format", "json"])
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert!(err.contains("nearest golive.toml"), "{err}");
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["target"]["name"], "api");

    // An explicit path that is a file says so.
    let o = golive_in(&root)
        .args(["audit", "package.json"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 3);
    assert!(text(&o.stderr).contains("is a file"), "{}", text(&o.stderr));
}

#[test]
fn checklist_ids_accept_a_unique_prefix() {
    let (_tmp, root) = project("clean-python-api");
    let sample = fixture("checklists/000_c4e17f35aa7585ef.txt");
    let o = golive_in(&root)
        .args(["checklist", "import"])
        .arg(&sample)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let toml = std::fs::read_to_string(root.join(".golive/checklist.toml")).unwrap();
    let ids: Vec<String> = toml
        .lines()
        .filter_map(|l| l.strip_prefix("id = \""))
        .map(|l| l.trim_end_matches('"').to_string())
        .collect();
    assert!(ids.len() > 20);
    // The shortest prefix of some id that no other id shares.
    let (id, prefix) = ids
        .iter()
        .find_map(|id| {
            (3..id.len()).find_map(|n| {
                let p = &id[..n];
                (ids.iter().filter(|o| o.starts_with(p)).count() == 1)
                    .then(|| (id.clone(), p.to_string()))
            })
        })
        .expect("some id has a unique prefix");
    let o = golive_in(&root)
        .args(["checklist", "sign", &prefix, "--by", "Marie"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains(&id), "{}", text(&o.stdout));

    // A prefix two ids share is refused, naming them.
    let shared = ids
        .iter()
        .find_map(|a| {
            let p: String = a.chars().take(2).collect();
            (ids.iter().filter(|o| o.starts_with(&p)).count() > 1).then_some(p)
        })
        .expect("two ids share a 2-character prefix");
    let o = golive_in(&root)
        .args(["checklist", "sign", &shared, "--by", "Marie"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 3);
    assert!(text(&o.stderr).contains("ambiguous"), "{}", text(&o.stderr));
}

#[test]
fn completions_and_man_pages_come_from_the_command_line_itself() {
    let tmp = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef golive"),
        ("fish", "complete -c golive"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = golive_in(tmp.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(code(&o), 0);
        let s = text(&o.stdout);
        assert!(s.contains(marker), "{shell}: {s}");
        // Every subcommand is offered.
        for sub in ["audit", "check", "checklist", "baseline", "probe", "load"] {
            assert!(s.contains(sub), "{shell} completion lacks {sub}");
        }
    }
    let o = golive_in(tmp.path())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 3);

    let o = golive_in(tmp.path()).arg("man").output().unwrap();
    assert_eq!(code(&o), 0);
    let page = text(&o.stdout);
    assert!(page.contains(".TH golive 1"), "{page}");
    assert!(page.contains("audit"));

    let out = tmp.path().join("man");
    let o = golive_in(tmp.path())
        .args(["man", "--out-dir"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    for page in ["golive.1", "golive-audit.1", "golive-checklist-sign.1"] {
        let p = out.join(page);
        assert!(p.is_file(), "{page} missing");
        let s = std::fs::read_to_string(p).unwrap();
        assert!(s.contains(".TH"), "{page}");
    }
    // `man` can read what was written (when man-db is installed).
    if Command::new("man").arg("--version").output().is_ok() {
        let o = Command::new("man")
            .arg("-l")
            .arg(out.join("golive-audit.1"))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        if o.status.success() {
            assert!(text(&o.stdout).contains("baseline"), "{}", text(&o.stdout));
        }
    }
}
