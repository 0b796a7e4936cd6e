//! Output a person can read: the default terminal view fits a screen and names the blockers,
//! `-q` prints the verdict line only, `--verbose` keeps every detail; an unreachable service is
//! said first, in one line; an imported checklist is cited by its repository copy, never read
//! as the project's own documentation, and its manual items show as their own progress without
//! swamping the score. Run as the real binary on the fixture projects, the vendored sample
//! checklists and a closed loopback port.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::copy_dir;

fn golive(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_golive"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .output()
        .expect("run golive")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn the_default_view_fits_a_screen_and_names_the_blockers() {
    let root = fixture("failing-node-api");
    let cwd = root.parent().unwrap();
    let json: Value = serde_json::from_slice(
        &golive(&["audit", "failing-node-api", "--format", "json"], cwd).stdout,
    )
    .unwrap();
    let o = golive(&["audit", "failing-node-api"], cwd);
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    let lines = t.lines().count();
    assert!(lines <= 60, "{lines} lines:\n{t}");
    assert!(t.contains(" NO-GO "), "{t}");
    // the reasons of NO-GO only; the 80 bar is never given as a NO-GO reason
    let reasons: Vec<&str> = t.lines().filter(|l| l.starts_with("  • ")).collect();
    assert!(!reasons.is_empty());
    assert!(
        reasons.iter().all(|l| !l.contains("below 80")),
        "{reasons:?}"
    );
    // every blocker of production is named, on its own line with file:line when it has one
    let production = &json["stages"][1];
    assert_eq!(production["stage"], "production");
    let blockers: Vec<&str> = production["blockers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    assert!(blockers.len() > 8, "the fixture has many blockers");
    let shown = blockers
        .iter()
        .filter(|b| t.lines().any(|l| l.contains(&format!(" {b} "))))
        .count();
    // the top 8 in the Blockers list, the rest at the head of the action plan that follows
    assert_eq!(shown, blockers.len(), "every blocker on its own line:\n{t}");
    assert!(
        t.contains(&format!(
            "{} more: the action plan below goes on",
            blockers.len() - 6
        )),
        "{t}"
    );
    assert!(
        t.contains("src/app.js:13:35"),
        "file:line of a blocker:\n{t}"
    );
    // the category bars, the plan's top, no finding printed twice
    assert!(t.contains("Categories") && t.contains("Action plan"), "{t}");
    assert!(t.contains("more: --verbose"), "{t}");
    for id in &blockers {
        let n = t
            .lines()
            .filter(|l| {
                let lead = l.trim_start().chars().next().unwrap_or(' ');
                l.contains(&format!(" {id} ")) && (lead.is_ascii_digit() || "✗?!☐⚠".contains(lead))
            })
            .count();
        assert!(n <= 1, "{id} shown {n} times:\n{t}");
    }

    // --verbose: every finding with evidence
    let v = text(&golive(&["audit", "failing-node-api", "--verbose"], cwd));
    assert!(v.lines().count() > 2 * lines, "{v}");
    assert!(
        v.contains("connection: process.env.DATABASE_URL"),
        "snippets: {v}"
    );

    // -q: the verdict line only, same exit code
    let q = golive(&["audit", "failing-node-api", "-q"], cwd);
    assert_eq!(q.status.code(), Some(2));
    let qt = text(&q);
    assert_eq!(qt.lines().count(), 1, "{qt}");
    assert!(
        qt.starts_with("NO-GO score ") && qt.contains("/100 — not ready for "),
        "{qt}"
    );
    // and -q with -v is a usage error
    let both = golive(&["audit", "failing-node-api", "-q", "-v"], cwd);
    assert_eq!(both.status.code(), Some(3));
}

#[test]
fn an_unreachable_service_is_said_first_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let o = golive(&["probe", &url, "--timeout", "2s"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    let first = t
        .lines()
        .position(|l| l.contains("connection refused"))
        .unwrap_or_else(|| panic!("no connection refused:\n{t}"));
    assert!(first < 10, "said on line {first}:\n{t}");
    assert!(t.lines().nth(first).unwrap().contains("UNREACHABLE"), "{t}");
    assert!(t.lines().count() < 45, "{t}");
    assert!(
        t.contains("checks could not be decided because the target did not answer"),
        "{t}"
    );
    // the undecidable checks are not each printed
    assert!(!t.contains("not checked:"), "{t}");
    assert_eq!(t.matches("probe.hsts").count(), 0, "{t}");
    // --verbose lists them
    let v = text(&golive(
        &["probe", &url, "--timeout", "2s", "--verbose"],
        dir.path(),
    ));
    assert!(v.contains("probe.hsts"), "{v}");
}

#[test]
fn an_imported_checklist_is_cited_by_its_copy_and_never_read_as_documentation() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("project");
    std::fs::create_dir_all(&root).unwrap();
    copy_dir(&fixture("clean-python-api"), &root);
    let d = root.to_string_lossy().into_owned();
    let report = |cwd: &Path| -> Value {
        let o = golive(&["check", &d, "--format", "json"], cwd);
        assert!(
            matches!(o.status.code(), Some(0..=2)),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let before = report(&root);
    let outcome = |r: &Value, id: &str| -> String {
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["check"] == id)
            .map(|x| x["outcome"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };

    // Import the three vendored samples from outside the project (absolute paths).
    let samples: Vec<String> = [
        "000_c4e17f35aa7585ef.txt",
        "003_7abe0c74370f0ebe.txt",
        "004_0808210ae3f7932e.txt",
    ]
    .iter()
    .map(|n| fixture("checklists").join(n).to_string_lossy().into_owned())
    .collect();
    let mut args = vec!["checklist", "import"];
    args.extend(samples.iter().map(String::as_str));
    args.extend(["--dir", &d]);
    let o = golive(&args, &root);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // One stored copy per imported document (`N-HASH.md`).
    let copies = std::fs::read_dir(root.join(".golive/checklist.d"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".md"))
        })
        .count();
    assert_eq!(copies, 3);

    let after = report(&root);
    // golive's own copy is no evidence: the project's documentation checks do not change
    for id in [
        "ops.deploy-doc",
        "ops.rollback-doc",
        "ops.runbook",
        "docs.readme",
    ] {
        assert_eq!(outcome(&before, id), outcome(&after, id), "{id}");
    }
    let findings = after["findings"].as_array().unwrap();
    for f in findings {
        for e in f["evidence"].as_array().into_iter().flatten() {
            let path = e["path"].as_str().unwrap_or("");
            // checklist items (manual ones, and mapped ones no collector ran) cite the
            // repository's copy; nothing cites any other file of .golive/
            if path.contains(".golive") {
                assert!(
                    path.starts_with(".golive/checklist.d/") && path.ends_with(".md"),
                    "{} cites {path}",
                    f["check"]
                );
                assert!(
                    f["check"].as_str().unwrap().starts_with("checklist.")
                        || f["message"].as_str().unwrap().contains("checklist item"),
                    "{} cites golive's own file {path}",
                    f["check"]
                );
            }
            assert!(
                !path.contains("fixtures/checklists"),
                "{} cites the original file {path}",
                f["check"]
            );
        }
    }
    // Manual items: their own progress; the score is not swamped by them.
    let manual: Vec<&Value> = after["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["signoff"] == true)
        .collect();
    assert!(manual.len() > 40, "{}", manual.len());
    let (s0, s1) = (
        before["score"].as_f64().unwrap(),
        after["score"].as_f64().unwrap(),
    );
    assert!(
        s1 >= s0 * 0.75 - 1.0,
        "unsigned sign-offs weigh at most a quarter: {s0} → {s1}"
    );
    // filed by topic, not all in one category
    let mut cats: Vec<&str> = manual
        .iter()
        .map(|r| r["category"].as_str().unwrap())
        .collect();
    cats.sort();
    cats.dedup();
    assert!(cats.len() >= 5, "{cats:?}");
    let term = text(&golive(&["check", &d], &root));
    assert!(
        term.contains(&format!("0 of {} manual items signed", manual.len())),
        "{term}"
    );
    assert!(term.lines().count() <= 70, "{term}");
}
