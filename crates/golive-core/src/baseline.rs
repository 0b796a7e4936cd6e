//! Baselines: a team adopting golive on a large repository accepts today's findings and fails
//! only on new ones (`golive baseline write`, then `golive audit --baseline FILE`), as Checkov's
//! `--baseline` and gitleaks' `--baseline-path` do.
//!
//! A failing or warning finding is cut into *places*: one per file location of its evidence, or
//! the whole finding when it has none (an HTTP exchange, a metric). Each place gets a
//! [`fingerprint`] from the check id, the file path and the content at that place with every
//! whitespace character removed: the line number is not part of it, so a finding that moved
//! (lines added above it) or was re-indented keeps its fingerprint, while a new occurrence of the
//! same problem elsewhere gets a new one. Identical places in one file are counted, so a second
//! copy of an accepted line is new.
//!
//! Applying a baseline never hides anything: accepted places are moved to the report's
//! suppressed findings with the source `baseline` (listed, not scored), and a finding with both
//! accepted and new places is split so that only the new places count.

use crate::model::{Evidence, Finding, Outcome, Suppression};
use crate::report::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The format version written in every baseline file.
pub const BASELINE_VERSION: &str = "golive.baseline/v1";

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: cannot read the baseline: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a golive baseline: {message} (write one with `golive baseline write`)")]
    Invalid { path: String, message: String },
    #[error(
        "{path}: baseline format `{found}` is not supported (expected `{BASELINE_VERSION}`); write it again with `golive baseline write`"
    )]
    Version { path: String, found: String },
}

/// One accepted place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub check: String,
    pub fingerprint: String,
    /// The file, for a reader of the baseline (not used for matching beyond the fingerprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where it was when the baseline was written (informational: lines move).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The (masked) snippet or locator, so that a reviewer of the baseline sees what was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

/// A baseline file (JSON, meant to be committed and reviewed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: String,
    /// When it was written (RFC 3339, UTC).
    pub generated_at: String,
    /// The project it was written for.
    pub target: String,
    pub entries: Vec<Entry>,
}

/// Outcomes a baseline accepts: the failures and warnings of the day. Inconclusive, error and
/// manual results are never accepted by a baseline (they are not findings about the code).
pub fn acceptable(o: Outcome) -> bool {
    matches!(o, Outcome::Fail | Outcome::Warn)
}

/// A stable fingerprint of one place: 16 hex digits of the 64-bit FNV-1a hash of
/// `check`, `path` and `content` with all whitespace removed.
pub fn fingerprint(check: &str, path: &str, content: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    };
    for part in [check, path] {
        part.bytes().for_each(&mut eat);
        eat(0);
    }
    content
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(|c| {
            let mut b = [0u8; 4];
            c.encode_utf8(&mut b).as_bytes().to_vec()
        })
        .for_each(&mut eat);
    format!("{h:016x}")
}

/// The content that identifies a place without a file: the request without host and port (a
/// service moves between machines), the metric or command name, else the message with its
/// numbers blanked (they are measurements that change from run to run).
fn place_content(f: &Finding, e: Option<&Evidence>) -> (String, String) {
    let blank_digits = |s: &str| -> String {
        s.chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    match e {
        Some(Evidence::File { path, snippet, .. }) => (
            path.clone(),
            snippet.clone().unwrap_or_else(|| blank_digits(&f.message)),
        ),
        Some(Evidence::Http { method, url, .. }) => {
            // `scheme://host:port/path?query` → `/path?query`.
            let path = match url.split_once("://") {
                Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
                None => url.as_str(),
            };
            (String::new(), format!("{method} {path}"))
        }
        Some(Evidence::Metric { name, .. }) => (String::new(), format!("metric {name}")),
        Some(Evidence::Command { command, .. }) => (String::new(), format!("command {command}")),
        _ => (String::new(), blank_digits(&f.message)),
    }
}

/// The places of a finding: one per file evidence, else one for the whole finding (keyed by its
/// first evidence). Each is `(index of the evidence or None, path, fingerprint)`.
fn places(f: &Finding) -> Vec<(Option<usize>, String, String)> {
    let files: Vec<usize> = f
        .evidence
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Evidence::File { .. }))
        .map(|(i, _)| i)
        .collect();
    if files.is_empty() {
        let first = f
            .evidence
            .iter()
            .find(|e| !matches!(e, Evidence::Note { .. }));
        let (path, content) = place_content(f, first);
        let fp = fingerprint(&f.check, &path, &content);
        return vec![(None, path, fp)];
    }
    files
        .into_iter()
        .map(|i| {
            let (path, content) = place_content(f, Some(&f.evidence[i]));
            let fp = fingerprint(&f.check, &path, &content);
            (Some(i), path, fp)
        })
        .collect()
}

impl Baseline {
    /// Every failing or warning place of a report's counted findings (suppressed ones are
    /// already accepted by golive.toml or inline comments and are left to those).
    pub fn from_report(report: &Report) -> Baseline {
        let mut entries = Vec::new();
        for f in report.findings.iter().filter(|f| acceptable(f.outcome)) {
            for (i, path, fp) in places(f) {
                let e = i.map(|i| &f.evidence[i]);
                entries.push(Entry {
                    check: f.check.clone(),
                    fingerprint: fp,
                    path: (!path.is_empty()).then_some(path),
                    line: e.and_then(Evidence::line),
                    excerpt: Some(match e {
                        Some(Evidence::File {
                            snippet: Some(s), ..
                        }) => s.trim().chars().take(160).collect(),
                        _ => f.message.chars().take(160).collect(),
                    }),
                });
            }
        }
        entries.sort_by(|a, b| {
            (&a.check, &a.path, a.line, &a.fingerprint).cmp(&(
                &b.check,
                &b.path,
                b.line,
                &b.fingerprint,
            ))
        });
        Baseline {
            version: BASELINE_VERSION.to_string(),
            generated_at: report.generated_at.clone(),
            target: report.target.name.clone(),
            entries,
        }
    }

    /// Parses a baseline; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Baseline, BaselineError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| BaselineError::Invalid {
                path: origin.to_string(),
                message: format!("line {}, column {}: {e}", e.line(), e.column()),
            })?;
        match value.get("version").and_then(|v| v.as_str()) {
            Some(BASELINE_VERSION) => {}
            Some(other) => {
                return Err(BaselineError::Version {
                    path: origin.to_string(),
                    found: other.to_string(),
                });
            }
            None => {
                return Err(BaselineError::Invalid {
                    path: origin.to_string(),
                    message: "no `version` field".into(),
                });
            }
        }
        serde_json::from_value(value).map_err(|e| BaselineError::Invalid {
            path: origin.to_string(),
            message: e.to_string(),
        })
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::Read {
            path: path.display().to_string(),
            source: e,
        })?;
        Baseline::parse(&text, &path.display().to_string())
    }

    /// The baseline as pretty JSON (stable order, one entry per accepted place).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a baseline always serialises");
        s.push('\n');
        s
    }
}

/// What applying a baseline did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Places accepted by the baseline.
    pub accepted: usize,
    /// Failing or warning places that the baseline does not hold.
    pub new: usize,
    /// Baseline entries that matched nothing today (fixed since, or changed).
    pub gone: usize,
}

/// Applies a baseline to findings about to be scored: accepted places move to `suppressed`
/// (source `baseline`, `location` = `origin`), findings with new places stay, cut down to them.
pub fn apply(
    baseline: &Baseline,
    origin: &str,
    findings: Vec<Finding>,
    suppressed: &mut Vec<Finding>,
) -> (Vec<Finding>, Applied) {
    let mut budget: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &baseline.entries {
        *budget.entry(e.fingerprint.as_str()).or_default() += 1;
    }
    let total: usize = budget.values().sum();
    let mut applied = Applied::default();
    let suppression = || Suppression {
        source: "baseline".into(),
        reason: format!("accepted in the baseline written {}", baseline.generated_at),
        expires: None,
        location: Some(origin.to_string()),
    };
    let mut kept = Vec::with_capacity(findings.len());
    for f in findings {
        if f.suppressed.is_some() || !acceptable(f.outcome) {
            kept.push(f);
            continue;
        }
        let mut accepted_idx: Vec<Option<usize>> = Vec::new();
        let mut new_idx: Vec<Option<usize>> = Vec::new();
        for (i, _, fp) in places(&f) {
            match budget.get_mut(fp.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    accepted_idx.push(i);
                }
                _ => new_idx.push(i),
            }
        }
        applied.accepted += accepted_idx.len();
        applied.new += new_idx.len();
        if new_idx.is_empty() {
            let mut f = f;
            f.suppressed = Some(suppression());
            suppressed.push(f);
        } else if accepted_idx.is_empty() {
            kept.push(f);
        } else {
            // Split: file evidence goes to the side its place fell on; other evidence to both.
            let pick = |keep: &[Option<usize>]| -> Vec<Evidence> {
                f.evidence
                    .iter()
                    .enumerate()
                    .filter(|(i, e)| {
                        !matches!(e, Evidence::File { .. }) || keep.contains(&Some(*i))
                    })
                    .map(|(_, e)| e.clone())
                    .collect()
            };
            let mut old = f.clone();
            old.evidence = pick(&accepted_idx);
            old.suppressed = Some(suppression());
            let mut new = f.clone();
            new.evidence = pick(&new_idx);
            new.message = format!(
                "{} ({} place(s) new since the baseline; {} accepted in it)",
                f.message,
                new_idx.len(),
                accepted_idx.len()
            );
            suppressed.push(old);
            kept.push(new);
        }
    }
    applied.gone = total - applied.accepted.min(total);
    (kept, applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_whitespace_not_content() {
        let a = fingerprint("c", "a.py", "x = 1");
        assert_eq!(a, fingerprint("c", "a.py", "   x=1\t"));
        assert_ne!(a, fingerprint("c", "a.py", "x = 2"));
        assert_ne!(a, fingerprint("c", "b.py", "x = 1"));
        assert_ne!(a, fingerprint("d", "a.py", "x = 1"));
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let e = Baseline::parse("{", "b.json").unwrap_err().to_string();
        assert!(e.contains("b.json") && e.contains("line 1"), "{e}");
        let e = Baseline::parse(r#"{"version":"golive.baseline/v9"}"#, "b.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("v9"), "{e}");
        let e = Baseline::parse(r#"{"entries":[]}"#, "b.json")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no `version`"), "{e}");
    }
}
