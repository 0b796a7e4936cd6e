//! # golive-scan
//!
//! The static audit of a repository. [`scan`] walks the tree once in parallel (the `ignore`
//! crate's walker; `.gitignore`, `.ignore`, `.goliveignore` and `.git/info/exclude` applied;
//! binary and oversized files skipped and reported), hands every file to the [`Domain`]s that
//! want it, detects the stacks in use, then lets each domain conclude with findings over what it
//! saw. Inline `golive-ignore: CHECK-ID -- reason` comments are applied last.
//!
//! Only regular files are ever opened (a FIFO would block the scan for ever): ignore files
//! included, which is why the scan reads them itself rather than through the `ignore` crate.
//! A manifest or configuration file that does not parse is a failing `*.parse` finding of its
//! domain, and the checks that needed it are inconclusive, never not-applicable or passed; the
//! same holds for a file of that kind the walk did not read.
//!
//! A domain is one module of `domains/` (docker, secrets, ci, …): it reads files in `visit` (in
//! parallel, so it keeps what it learns behind a `Mutex`) and turns that into findings in
//! `finish`, where the whole [`Repo`] (file list, stacks, policy) is known. Files are read and
//! parsed once; domains never print and never score.
//!
//! ```no_run
//! let out = golive_scan::scan(&golive_scan::ScanOptions::new("path/to/repo")).unwrap();
//! for f in &out.findings { println!("{} {:?} {}", f.check, f.outcome, f.message); }
//! ```

pub mod domains;
mod fsread;
mod ignores;
pub mod paths;
mod repo;
mod rx;
mod stack;
mod suppress;
mod walk;

pub use domains::Domain;
pub use repo::{FileMeta, Repo, SourceFile};
pub use stack::detect_stacks;

use golive_core::config::ScanConfig;
use golive_core::{Finding, Skipped, Stack};
use std::path::{Path, PathBuf};

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub root: PathBuf,
    pub scan: ScanConfig,
    /// Policy minimum for coverage thresholds (golive.toml `[policy] coverage_min`).
    pub coverage_min: f64,
    /// Worker threads for the walk (0 = one per core).
    pub threads: usize,
}

impl ScanOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ScanOptions {
            root: root.into(),
            scan: ScanConfig::default(),
            coverage_min: 80.0,
            threads: 0,
        }
    }
}

/// What a scan found.
#[derive(Debug, Clone, Default)]
pub struct ScanOutput {
    /// Every finding, inline suppressions already marked.
    pub findings: Vec<Finding>,
    pub stacks: Vec<Stack>,
    pub skipped: Vec<Skipped>,
    /// Files read.
    pub files: usize,
    /// Bytes read.
    pub bytes: u64,
    /// Things the user should know about the scan itself (an inline suppression without reason).
    pub notices: Vec<String>,
}

/// Why a scan could not start.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{path}: no such directory (give the path of a repository to audit)")]
    NotADirectory { path: String },
    #[error("{path}: {message}")]
    Config { path: String, message: String },
}

/// Audits the repository at `opts.root`.
pub fn scan(opts: &ScanOptions) -> Result<ScanOutput, ScanError> {
    let root = &opts.root;
    if !root.is_dir() {
        return Err(ScanError::NotADirectory {
            path: root.display().to_string(),
        });
    }
    let domains = domains::all();
    let walked = walk::walk(opts, &domains)?;
    let stacks = stack::detect_stacks(&walked.manifests);
    let repo = Repo::new(
        root.clone(),
        walked.files,
        stacks.clone(),
        opts.coverage_min,
    );
    let redactions: Vec<(String, String)> = domains.iter().flat_map(|d| d.redactions()).collect();
    let mut findings = Vec::new();
    for d in domains {
        findings.extend(d.finish(&repo));
    }
    redact(&mut findings, &redactions);
    suppress::apply(&mut findings, &walked.inline_suppressions);
    let mut notices = Vec::new();
    let mut paths: Vec<&String> = walked.inline_suppressions.keys().collect();
    paths.sort();
    for p in paths {
        for s in &walked.inline_suppressions[p] {
            if s.reason.is_none() {
                notices.push(format!(
                    "{p}:{}: `golive-ignore: {}` has no reason (`-- why`): it is not applied",
                    s.line,
                    s.checks.join(", ")
                ));
            }
        }
    }
    Ok(ScanOutput {
        notices,
        findings,
        stacks,
        skipped: walked.skipped,
        files: walked.files_read,
        bytes: walked.bytes_read,
    })
}

/// Replaces every secret (raw, masked) in the findings' messages and file snippets by its
/// masked form, longest first (a secret that contains another is masked whole).
fn redact(findings: &mut [Finding], redactions: &[(String, String)]) {
    let mut list: Vec<&(String, String)> =
        redactions.iter().filter(|(r, _)| r.len() >= 4).collect();
    if list.is_empty() {
        return;
    }
    list.sort_by_key(|r| std::cmp::Reverse(r.0.len()));
    let clean = |s: &mut String| {
        for (raw, masked) in &list {
            if s.contains(raw.as_str()) {
                *s = s.replace(raw.as_str(), masked);
            }
        }
    };
    for f in findings {
        clean(&mut f.message);
        for e in &mut f.evidence {
            match e {
                golive_core::Evidence::File {
                    snippet: Some(s), ..
                } => clean(s),
                golive_core::Evidence::Note { text } => clean(text),
                _ => {}
            }
        }
    }
}

/// The directory name of a path, for a report's target name.
pub fn project_name(root: &Path) -> String {
    std::fs::canonicalize(root)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
        .unwrap_or_else(|| root.display().to_string())
}
