//! Helpers of the deployment-domain tests (docker, compose, k8s): fixtures under
//! `fixtures/deploy/`, a scan, the findings of one check (asserting there is one), the worst outcome.

use golive_core::{Finding, Outcome};
use golive_scan::{ScanOptions, scan};
use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/deploy")
        .join(name)
}

pub fn audit(root: &Path) -> Vec<Finding> {
    scan(&ScanOptions::new(root))
        .unwrap_or_else(|e| panic!("scan of {} failed: {e}", root.display()))
        .findings
}

pub fn of<'a>(fs: &'a [Finding], check: &str) -> Vec<&'a Finding> {
    let v: Vec<&Finding> = fs.iter().filter(|f| f.check == check).collect();
    assert!(!v.is_empty(), "no finding at all for {check}");
    v
}

/// The combined outcome of a check (the worst, as scoring does).
pub fn worst(fs: &[Finding], check: &str) -> Outcome {
    of(fs, check)
        .iter()
        .map(|f| f.outcome)
        .max_by_key(|o| o.precedence())
        .unwrap_or(Outcome::NotApplicable)
}
