//! Data safety of the files golive writes, with real processes of the built binary: concurrent
//! `golive checklist sign` processes lose no event; a `kill -9` at every step of a write
//! leaves the old file or the new one, never a broken one; a damaged sign-off file is an error
//! with its path and line, never read as "nothing signed" and never written over.
//!
//! The kill tests use the test-only `GOLIVE_TEST_WRITE_DELAY_MS` (see `golive_core::fsio`):
//! every step of a write prints `golive-test-write: STEP PATH` on stderr and then waits.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

mod common;
use common::copy_dir;

const DELAY_ENV: &str = "GOLIVE_TEST_WRITE_DELAY_MS";

fn golive(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_golive"));
    c.env("NO_COLOR", "1")
        .env("COLUMNS", "120")
        .env_remove(DELAY_ENV)
        .current_dir(dir);
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    golive(dir).args(args).output().expect("run golive")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited by a signal")
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn d(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// A checklist of `n` manual items, imported into `dir`; returns their ids.
fn project(dir: &Path, n: usize) -> Vec<String> {
    let mut md = String::from("# Go-live\n\n## Organisation\n");
    for k in 0..n {
        md.push_str(&format!(
            "- [ ] Team ritual number {k} is booked in the calendar\n"
        ));
    }
    std::fs::write(dir.join("list.md"), md).unwrap();
    let o = run(
        dir,
        &[
            "checklist",
            "import",
            &d(&dir.join("list.md")),
            "--format",
            "json",
            "--dir",
            &d(dir),
        ],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), n);
    ids
}

fn signoffs(dir: &Path) -> std::path::PathBuf {
    dir.join(".golive/signoffs.toml")
}

/// The `by` of every event, read by golive itself (`checklist status` must accept the file).
fn events(dir: &Path) -> Vec<String> {
    let o = run(
        dir,
        &["checklist", "status", "--format", "json", "--dir", &d(dir)],
    );
    assert_eq!(code(&o), 0, "status must read the file: {}", err(&o));
    let text = std::fs::read_to_string(signoffs(dir)).unwrap_or_default();
    text.lines()
        .filter_map(|l| l.strip_prefix("by = \""))
        .map(|l| l.trim_end_matches('"').to_string())
        .collect()
}

fn sign(dir: &Path, id: &str, by: &str) -> Command {
    let mut c = golive(dir);
    c.args(["checklist", "sign", id, "--by", by, "--dir", &d(dir)]);
    c
}

#[test]
fn twenty_concurrent_signers_lose_nothing() {
    let t = tempfile::tempdir().unwrap();
    let ids = project(t.path(), 20);
    let mut want = Vec::new();
    for round in 0..3 {
        let children: Vec<(String, Child)> = ids
            .iter()
            .enumerate()
            .map(|(k, id)| {
                let by = format!("signer-{round}-{k}");
                let child = sign(t.path(), id, &by)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                (by, child)
            })
            .collect();
        for (by, child) in children {
            let o = child.wait_with_output().unwrap();
            assert_eq!(code(&o), 0, "{by}: {}", err(&o));
            assert!(out(&o).contains("Signed off"), "{by}: {}", out(&o));
            want.push(by);
        }
        let mut got = events(t.path());
        got.sort();
        let mut w = want.clone();
        w.sort();
        assert_eq!(got, w, "round {round}: every sign-off must be in the file");
        let text = std::fs::read_to_string(signoffs(t.path())).unwrap();
        assert_eq!(text.matches("[[event]]").count(), want.len());
    }
    // Every item signed: all 20 count.
    let o = run(t.path(), &["checklist", "status", "--dir", &d(t.path())]);
    assert!(out(&o).contains("20/20 items have evidence"), "{}", out(&o));
    // No temporary file left beside it.
    let mut names: Vec<String> = std::fs::read_dir(t.path().join(".golive"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".d"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "checklist.toml",
            "checklist.toml.lock",
            "signoffs.toml",
            "signoffs.toml.lock"
        ]
    );
}

/// The write steps a command goes through (`STEP PATH` lines), run once without a kill.
fn steps(mut cmd: Command) -> Vec<String> {
    let o = cmd.env(DELAY_ENV, "0").output().unwrap();
    assert_eq!(code(&o), 0, "{}", err(&o));
    err(&o)
        .lines()
        .filter_map(|l| l.strip_prefix("golive-test-write: "))
        .map(str::to_string)
        .collect()
}

/// Runs `cmd` and kills it (SIGKILL) right after it reports write step number `k` (0-based);
/// returns the step it was killed at.
fn kill_at(mut cmd: Command, k: usize) -> String {
    let mut child = cmd
        .env(DELAY_ENV, "400")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = 0;
    let at = loop {
        let line = lines
            .next()
            .expect("the process ended before the step")
            .unwrap();
        if let Some(step) = line.strip_prefix("golive-test-write: ") {
            if seen == k {
                break step.to_string();
            }
            seen += 1;
        }
    };
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed at {at}, yet it finished");
    at
}

#[test]
fn kill_during_a_sign_leaves_the_old_or_the_new_file() {
    let t = tempfile::tempdir().unwrap();
    let ids = project(t.path(), 2);
    let o = sign(t.path(), &ids[0], "first").output().unwrap();
    assert_eq!(code(&o), 0, "{}", err(&o));
    let old = std::fs::read(signoffs(t.path())).unwrap();
    let all = steps(sign(t.path(), &ids[1], "probe"));
    let path = d(&signoffs(t.path()));
    for s in [
        "locked",
        "temp-created",
        "half-written",
        "written",
        "synced",
        "renamed",
        "done",
    ] {
        assert!(
            all.contains(&format!("{s} {path}")),
            "step {s} missing: {all:?}"
        );
    }
    std::fs::write(signoffs(t.path()), &old).unwrap();
    for k in 0..all.len() {
        std::fs::write(signoffs(t.path()), &old).unwrap();
        let at = kill_at(sign(t.path(), &ids[1], "killed"), k);
        let now = std::fs::read(signoffs(t.path())).unwrap();
        let by = events(t.path());
        let renamed = all[..=k].iter().any(|s| s.starts_with("renamed "));
        if renamed {
            assert_eq!(by, ["first", "killed"], "killed at {at}");
        } else {
            assert_eq!(now, old, "killed at {at}: the old file must be intact");
        }
        // The next signer is not blocked by the dead one's lock, and cleans its leftovers.
        let o = sign(t.path(), &ids[1], "after").output().unwrap();
        assert_eq!(code(&o), 0, "after a kill at {at}: {}", err(&o));
        assert_eq!(events(t.path()).last().map(String::as_str), Some("after"));
        let leftovers: Vec<String> = std::fs::read_dir(t.path().join(".golive"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("golive-tmp"))
            .collect();
        assert!(leftovers.is_empty(), "killed at {at}: {leftovers:?}");
    }
}

#[test]
fn kill_during_an_import_leaves_the_old_or_the_new_checklist() {
    let t = tempfile::tempdir().unwrap();
    let old_ids = project(t.path(), 3);
    std::fs::write(
        t.path().join("new.md"),
        "# Other\n- [ ] Rollback drill done\n- [ ] On-call rota published\n",
    )
    .unwrap();
    let import = || {
        let mut c = golive(t.path());
        c.args([
            "checklist",
            "import",
            &d(&t.path().join("new.md")),
            "--dir",
            &d(t.path()),
        ]);
        c
    };
    let ids = |dir: &Path| -> Vec<String> {
        let o = run(
            dir,
            &["checklist", "status", "--format", "json", "--dir", &d(dir)],
        );
        assert_eq!(code(&o), 0, "{}", err(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect()
    };
    let store = t.path().join(".golive");
    let snapshot = t.path().join("snapshot");
    copy_dir(&store, &snapshot);
    let all = steps(import());
    let new_ids = ids(t.path());
    assert_ne!(new_ids, old_ids);
    assert!(all.len() >= 13, "document text and checklist.toml: {all:?}");
    for k in 0..all.len() {
        std::fs::remove_dir_all(&store).unwrap();
        copy_dir(&snapshot, &store);
        let at = kill_at(import(), k);
        let got = ids(t.path());
        assert!(
            got == old_ids || got == new_ids,
            "killed at {at}: neither the old nor the new checklist: {got:?}"
        );
    }
}

#[test]
fn a_damaged_signoff_file_is_an_error_not_zero_signed() {
    let t = tempfile::tempdir().unwrap();
    let ids = project(t.path(), 3);
    for (k, id) in ids.iter().enumerate() {
        let o = sign(t.path(), id, &format!("signer{k}")).output().unwrap();
        assert_eq!(code(&o), 0, "{}", err(&o));
    }
    let good = std::fs::read_to_string(signoffs(t.path())).unwrap();
    let last_event_end = good.rfind("\n# End").unwrap() + 1;
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty", String::new(), "empty (0 bytes)"),
        ("cut in the header", good[..20].to_string(), "cut short"),
        (
            "cut inside a value",
            good[..good.rfind("signer2").unwrap() + 3].to_string(),
            "line ",
        ),
        (
            "cut between events",
            good[..last_event_end].to_string(),
            "cut short",
        ),
        (
            "invalid TOML",
            good.replacen("[[event]]", "[event]]", 1),
            "line ",
        ),
        (
            "NUL bytes",
            format!("{}\0\0\0\0", &good[..good.len() / 2]),
            "NUL",
        ),
    ];
    let path = d(&signoffs(t.path()));
    for (what, text, want) in cases {
        std::fs::write(signoffs(t.path()), &text).unwrap();
        let dir = d(t.path());
        let commands: [Vec<&str>; 4] = [
            vec!["checklist", "status", "--dir", &dir],
            vec!["checklist", "sign", &ids[0], "--by", "x", "--dir", &dir],
            vec![
                "checklist",
                "unsign",
                &ids[1],
                "--by",
                "x",
                "--reason",
                "r",
                "--dir",
                &dir,
            ],
            vec!["check", &dir],
        ];
        for args in commands {
            let o = run(t.path(), &args);
            let e = err(&o);
            assert_eq!(code(&o), 3, "{what}: {args:?}: {e}{}", out(&o));
            assert!(
                e.contains(&path) && e.contains(want) && e.contains("damaged"),
                "{what}: {args:?}: {e}"
            );
            assert!(e.contains("git checkout"), "{what}: how to recover: {e}");
            assert!(!out(&o).contains("items have evidence"), "{what}");
            assert_eq!(
                std::fs::read_to_string(signoffs(t.path())).unwrap(),
                text,
                "{what}: {args:?} must not write over a damaged file"
            );
        }
    }
    // Restored, everything reads again.
    std::fs::write(signoffs(t.path()), &good).unwrap();
    assert_eq!(events(t.path()), ["signer0", "signer1", "signer2"]);
}

#[test]
fn bad_dates_and_control_characters_are_refused_or_neutralised() {
    let t = tempfile::tempdir().unwrap();
    let ids = project(t.path(), 2);
    let dir = d(t.path());
    let o = run(
        t.path(),
        &[
            "checklist",
            "sign",
            &ids[0],
            "--by",
            "Marie",
            "--expires",
            "2027-02-30",
            "--dir",
            &dir,
        ],
    );
    assert_eq!(code(&o), 3);
    assert!(
        err(&o).contains("2027-02-30") && err(&o).contains("not a valid date"),
        "{}",
        err(&o)
    );
    assert!(!err(&o).contains("duration unit"), "{}", err(&o));
    for by in ["Marie\n      [x] fake-item  signed", "Paul\u{1b}[2J", "\t"] {
        let o = run(
            t.path(),
            &["checklist", "sign", &ids[0], "--by", by, "--dir", &dir],
        );
        assert_eq!(code(&o), 3, "{by:?}: {}", err(&o));
        assert!(
            err(&o).contains("control characters") || err(&o).contains("must name"),
            "{by:?}: {}",
            err(&o)
        );
    }
    assert!(!signoffs(t.path()).exists(), "nothing was signed");
    // A note and a reason may hold newlines; status shows them escaped, on one line.
    let o = run(
        t.path(),
        &[
            "checklist",
            "sign",
            &ids[0],
            "--by",
            "Marie",
            "--note",
            "line one\nline two",
            "--dir",
            &dir,
        ],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = run(
        t.path(),
        &[
            "checklist",
            "unsign",
            &ids[0],
            "--by",
            "Paul",
            "--reason",
            "moved\n      [x] fake  — signed by nobody",
            "--dir",
            &dir,
        ],
    );
    assert_eq!(code(&o), 0, "{}", err(&o));
    let o = run(t.path(), &["checklist", "status", "--dir", &dir]);
    assert_eq!(code(&o), 0, "{}", err(&o));
    let text = out(&o);
    assert!(
        text.contains("withdrawn by Paul") && text.contains("moved\\n"),
        "{text}"
    );
    // The injected text stays inside the item's line: no line of its own.
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("[x] fake")),
        "{text}"
    );
    assert_eq!(text.lines().count(), 6, "{text}");
}
