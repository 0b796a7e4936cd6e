//! Helpers of the code-domain tests (security, observability, perf, frontend, tests): fixtures
//! under `fixtures/code/`, a scan, the findings of one check, throwaway repositories.

use golive_core::{Finding, Outcome};
use golive_scan::{ScanOptions, scan};
use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/code")
        .join(name)
}

pub fn findings(root: &Path) -> Vec<Finding> {
    scan(&ScanOptions::new(root))
        .unwrap_or_else(|e| panic!("scan {}: {e}", root.display()))
        .findings
}

pub fn of<'a>(fs: &'a [Finding], id: &str) -> Vec<&'a Finding> {
    fs.iter().filter(|f| f.check == id).collect()
}

/// The combined outcome of a check (the worst finding wins), asserting there is one.
pub fn outcome(fs: &[Finding], id: &str) -> Outcome {
    of(fs, id)
        .into_iter()
        .map(|f| f.outcome)
        .max_by_key(|o| o.precedence())
        .unwrap_or_else(|| panic!("no finding for {id}: {fs:#?}"))
}

/// A repository written into a temporary directory.
pub fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (p, text) in files {
        let path = dir.path().join(p);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }
    dir
}

pub fn check(files: &[(&str, &str)], id: &str) -> (Outcome, Vec<Finding>) {
    let dir = repo(files);
    let fs = findings(dir.path());
    let o = outcome(&fs, id);
    let mine = fs.into_iter().filter(|f| f.check == id).collect();
    (o, mine)
}

/// `path:line` of a finding's first file evidence.
pub fn loc(f: &Finding) -> String {
    match f.primary_location() {
        Some((p, Some(l))) => format!("{p}:{l}"),
        Some((p, None)) => p.to_string(),
        None => String::new(),
    }
}
