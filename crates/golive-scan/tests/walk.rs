//! The walk: ignore files, and files that are not regular (a FIFO must never hang the scan).

use golive_scan::{ScanOptions, ScanOutput, scan};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

/// Generous: a scan of these tiny trees takes milliseconds; a hang would take for ever.
const WATCHDOG: Duration = Duration::from_secs(120);

fn mkfifo(p: &Path) {
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    let st = Command::new("mkfifo").arg(p).status().expect("run mkfifo");
    assert!(st.success(), "mkfifo {}", p.display());
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    std::fs::write(p, text).expect("write");
}

/// Scans on another thread; fails the test if it does not finish within the watchdog's bound
/// (the blocked thread is left behind: the test process ends with it).
fn scan_with_watchdog(root: &Path) -> ScanOutput {
    let (tx, rx) = mpsc::channel();
    let r = root.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(scan(&ScanOptions::new(r)).expect("scan"));
    });
    rx.recv_timeout(WATCHDOG)
        .unwrap_or_else(|_| panic!("the scan did not finish within {WATCHDOG:?}: it blocked"))
}

fn walked(out: &ScanOutput, path: &str) -> bool {
    // Every file the walk met is counted by a domain that reads all (secrets) or skipped.
    out.skipped.iter().any(|s| s.path == path)
        || out
            .findings
            .iter()
            .any(|f| f.evidence.iter().any(|e| e.path() == Some(path)))
}

#[test]
#[cfg(unix)]
fn fifos_named_like_ignore_files_or_sources_do_not_hang_the_scan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(root, "app.py", "print('hi')\n");
    write(root, "sub/main.py", "print('sub')\n");
    std::fs::create_dir_all(root.join(".git/info")).expect("mkdir .git");
    let fifos: Vec<PathBuf> = [
        ".gitignore",
        ".goliveignore",
        ".ignore",
        ".git/info/exclude",
        "sub/.gitignore",
        "sub/.goliveignore",
        "config.yaml",
        "Dockerfile",
        "package.json",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    for f in &fifos {
        mkfifo(f);
    }
    let out = scan_with_watchdog(root);
    // The ignore files that are not regular files are named as not read.
    for p in [".gitignore", ".goliveignore", ".ignore", "sub/.gitignore"] {
        let s = out
            .skipped
            .iter()
            .find(|s| s.path == p)
            .unwrap_or_else(|| panic!("{p} not reported: {:#?}", out.skipped));
        assert!(
            s.reason.contains("not a regular file (a FIFO)"),
            "{p}: {}",
            s.reason
        );
    }
    // The rest of the tree was audited.
    assert!(out.files >= 2, "{} files read", out.files);
}

#[test]
fn ignore_files_are_applied_as_git_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    // Ignored files hold an AWS key: a finding there would mean the file was read.
    let key = "AKIAZ7Q3LXN4PW6RTY2M";
    let secret = format!("AWS_ACCESS_KEY_ID = \"{key}\"\n");
    write(root, ".gitignore", "*.local.py\nbuild/\n!keep.local.py\n");
    write(root, "a.local.py", &secret);
    write(root, "keep.local.py", &secret);
    write(root, "build/out.py", &secret);
    write(root, "sub/.goliveignore", "gen.py\n");
    write(root, "sub/gen.py", &secret);
    write(root, "sub/x.ignore.py", &secret);
    write(root, ".ignore", "*.ignore.py\n");
    // a deeper .gitignore re-includes what a higher one ignores
    write(root, "deep/.gitignore", "!b.local.py\n");
    write(root, "deep/b.local.py", &secret);
    std::fs::create_dir_all(root.join(".git/info")).expect("mkdir");
    write(root, ".git/info/exclude", "excluded.py\n");
    write(root, "excluded.py", &secret);
    let out = scan(&ScanOptions::new(root)).expect("scan");
    let found: Vec<String> = out
        .findings
        .iter()
        .filter(|f| f.check == "secrets.hardcoded" && f.outcome != golive_core::Outcome::Pass)
        .filter_map(|f| f.primary_location().map(|l| l.0.to_string()))
        .collect();
    let mut found = found;
    found.sort();
    assert_eq!(found, vec!["deep/b.local.py", "keep.local.py"], "{out:#?}");
    for p in [
        "a.local.py",
        "build/out.py",
        "sub/gen.py",
        "sub/x.ignore.py",
        "excluded.py",
    ] {
        assert!(!walked(&out, p), "{p} was walked");
    }
    // The same tree with ignoring off reads them all.
    let mut opts = ScanOptions::new(root);
    opts.scan.no_ignore = true;
    let out = scan(&opts).expect("scan");
    let n = out
        .findings
        .iter()
        .filter(|f| f.check == "secrets.hardcoded" && f.outcome != golive_core::Outcome::Pass)
        .count();
    assert_eq!(n, 7, "{:#?}", out.findings);
}

#[test]
#[cfg(unix)]
fn a_fifo_inside_the_git_directory_does_not_hang_the_git_queries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if !git(&["init", "-q"]) {
        eprintln!("git is not available: skipped");
        return;
    }
    write(
        root,
        "package.json",
        "{\"dependencies\":{\"express\":\"4\"}}\n",
    );
    write(root, "package-lock.json", "{}\n");
    write(root, ".env", "DEBUG=1\n");
    let _ = std::fs::remove_file(root.join(".git/index"));
    mkfifo(&root.join(".git/index"));
    let out = scan_with_watchdog(root);
    // git was not asked: the lockfile is judged by its presence.
    let lock: Vec<_> = out
        .findings
        .iter()
        .filter(|f| f.check == "deps.lockfile")
        .collect();
    assert_eq!(lock[0].outcome, golive_core::Outcome::Pass, "{lock:#?}");
}
