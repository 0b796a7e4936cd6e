//! Helpers of the repository-domain tests (ci, config, db, deps, docs, ops): fixtures under
//! `fixtures/repo/`, a scan, the findings of one check (asserting there is one).

use golive_core::{Evidence, Finding, Outcome};
use golive_scan::{ScanOptions, scan};
use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/repo")
        .join(name)
}

pub fn audit(root: &Path) -> Vec<Finding> {
    scan(&ScanOptions::new(root)).expect("scan runs").findings
}

pub fn of<'a>(f: &'a [Finding], id: &str) -> Vec<&'a Finding> {
    let v: Vec<&Finding> = f.iter().filter(|x| x.check == id).collect();
    assert!(!v.is_empty(), "no finding for {id}: {f:#?}");
    v
}

pub fn outcome(f: &[Finding], id: &str) -> Outcome {
    of(f, id)
        .iter()
        .map(|x| x.outcome)
        .max_by_key(|o| o.precedence())
        .expect("at least one")
}

pub fn fail_locations(f: &[Finding], id: &str) -> Vec<(String, u32)> {
    of(f, id)
        .iter()
        .filter(|x| x.outcome == Outcome::Fail)
        .flat_map(|x| {
            x.evidence.iter().filter_map(|e| match e {
                Evidence::File {
                    path,
                    line: Some(l),
                    ..
                } => Some((path.clone(), *l)),
                _ => None,
            })
        })
        .collect()
}
