//! Comparing two reports (`golive diff BEFORE.json AFTER.json`): the score of every category and
//! overall with its delta, the verdict before and after, and which findings were fixed, which
//! are new and which are still failing.
//!
//! This module is pure data; `golive-report` draws a [`ReportDiff`].
//!
//! Findings are matched by check id and primary location: the first file evidence's path and
//! line (`src/app.py:12`), else the HTTP request (`GET https://…/health`, without the status,
//! which may be what changed), the metric name or the command. Findings that do not match
//! exactly are then paired by check id and file path alone, so a finding that only moved a few
//! lines is "still failing", not "fixed" plus "new".

use crate::model::{Category, Evidence, Finding, Outcome, Severity};
use crate::report::{Report, SCHEMA_VERSION};
use crate::score::Decision;
use serde::{Deserialize, Serialize};

/// Why a report file could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error(
        "{origin}: not a golive JSON report: {message} (write one with `golive audit --format json > report.json`)"
    )]
    NotJson { origin: String, message: String },
    #[error(
        "{origin}: report schema `{found}` is not supported (expected `{expected}`); re-run golive with this version to produce a comparable report"
    )]
    Schema {
        origin: String,
        found: String,
        expected: &'static str,
    },
    #[error("{origin}: invalid golive report: {message}")]
    Invalid { origin: String, message: String },
}

/// Parses a JSON report and checks its schema version. `origin` names the file in messages.
pub fn parse_report(text: &str, origin: &str) -> Result<Report, DiffError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| DiffError::NotJson {
        origin: origin.to_string(),
        message: e.to_string(),
    })?;
    let schema = match value.get("schema") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => {
            return Err(DiffError::NotJson {
                origin: origin.to_string(),
                message: "no `schema` field".into(),
            });
        }
    };
    if schema != SCHEMA_VERSION {
        return Err(DiffError::Schema {
            origin: origin.to_string(),
            found: schema,
            expected: SCHEMA_VERSION,
        });
    }
    serde_json::from_value(value).map_err(|e| DiffError::Invalid {
        origin: origin.to_string(),
        message: e.to_string(),
    })
}

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub target: String,
    pub generated_at: String,
    pub score: Option<f64>,
    pub decision: Decision,
    pub readiness: String,
}

/// A category's score before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryDelta {
    pub category: Category,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// `after - before`; `None` when either side is n/a.
    pub delta: Option<f64>,
}

/// What became of a finding that no longer shows in the after report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resolution {
    /// The check ran and passed.
    Passes,
    /// The check ran and found nothing at this place, but still fails or warns elsewhere.
    GoneHere,
    /// The check is not applicable any more.
    NotApplicable,
    /// The finding is still there but suppressed (listed in the after report's suppressed).
    Suppressed,
    /// The check was turned off in golive.toml.
    Disabled,
    /// The check did not run at all in the after report (another collector, another scope).
    NotReported,
}

/// A finding on one side, with enough to show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffItem {
    pub check: String,
    pub title: String,
    pub severity: Severity,
    /// The outcome before (for fixed and still-failing items) or after (for new ones).
    pub outcome: Outcome,
    /// For still-failing items: the outcome after, when it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_after: Option<Outcome>,
    pub message: String,
    /// The primary location (`path:line:col`, `GET url`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// For fixed items: what became of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
}

/// The comparison of two reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDiff {
    pub before: Side,
    pub after: Side,
    /// Overall `after - before`; `None` when either side is n/a.
    pub score_delta: Option<f64>,
    pub verdict_changed: bool,
    pub categories: Vec<CategoryDelta>,
    /// Problems in before that are gone in after.
    pub fixed: Vec<DiffItem>,
    /// Problems in after that were not in before.
    pub new: Vec<DiffItem>,
    /// Problems in both.
    pub still_failing: Vec<DiffItem>,
}

/// A way the after report can be worse than the before report (`golive diff --fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Regression {
    /// A failing finding (fail or unsigned manual) that was not in the before report, or a
    /// finding that went from warning/error to failing.
    NewFailure,
    /// A lower overall score (by more than 0.05 points, below rounding noise), or a score that
    /// became n/a.
    ScoreDrop,
    /// A worse verdict (GO → ATTENTION → NO-GO).
    Verdict,
}

impl Regression {
    pub const ALL: [Regression; 3] = [
        Regression::NewFailure,
        Regression::ScoreDrop,
        Regression::Verdict,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Regression::NewFailure => "new-failure",
            Regression::ScoreDrop => "score-drop",
            Regression::Verdict => "verdict",
        }
    }
}

impl std::str::FromStr for Regression {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let l = s.trim().to_ascii_lowercase();
        Regression::ALL
            .into_iter()
            .find(|r| r.as_str() == l)
            .ok_or_else(|| {
                format!("unknown `{s}` (expected new-failure, score-drop, verdict, any or none)")
            })
    }
}

impl ReportDiff {
    /// True when the after report is worse: lower score, a worse verdict, or new problems.
    pub fn regressed(&self) -> bool {
        self.after.decision > self.before.decision
            || self.score_delta.is_some_and(|d| d < -0.05)
            || !self.new.is_empty()
    }

    /// The findings that fail in the after report and did not before: new failing findings,
    /// and still-present ones that turned from warning (or error) into a failure.
    pub fn new_failures(&self) -> Vec<&DiffItem> {
        let turned = self.still_failing.iter().filter(|i| {
            !i.outcome.is_failure() && i.outcome_after.is_some_and(Outcome::is_failure)
        });
        self.new
            .iter()
            .filter(|i| i.outcome.is_failure())
            .chain(turned)
            .collect()
    }

    /// Why the after report is worse, for each of `criteria` that applies: one sentence each.
    pub fn regressions(&self, criteria: &[Regression]) -> Vec<(Regression, String)> {
        let mut out = Vec::new();
        for &c in criteria {
            let why = match c {
                Regression::NewFailure => {
                    let nf = self.new_failures();
                    (!nf.is_empty()).then(|| {
                        let mut names: Vec<String> = nf
                            .iter()
                            .take(5)
                            .map(|i| match &i.location {
                                Some(l) => format!("{} at {l}", i.check),
                                None => i.check.clone(),
                            })
                            .collect();
                        if nf.len() > 5 {
                            names.push(format!("and {} more", nf.len() - 5));
                        }
                        format!("{} new failing finding(s): {}", nf.len(), names.join(", "))
                    })
                }
                Regression::ScoreDrop => match (self.before.score, self.after.score) {
                    (Some(b), Some(a)) if a < b - 0.05 => Some(format!(
                        "the score dropped from {b:.1} to {a:.1} ({:+.1})",
                        a - b
                    )),
                    (Some(b), None) => Some(format!("the score went from {b:.1} to n/a")),
                    _ => None,
                },
                Regression::Verdict => (self.after.decision > self.before.decision).then(|| {
                    format!(
                        "the verdict went from {} to {}",
                        self.before.decision, self.after.decision
                    )
                }),
            };
            if let Some(w) = why {
                out.push((c, w));
            }
        }
        out
    }

    /// Reasons to doubt the comparison: reports of different targets, or in reverse time order
    /// (the "before" report is the later one).
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if self.before.target != self.after.target {
            w.push(format!(
                "the reports are of different targets (`{}` before, `{}` after): the comparison may not mean much",
                self.before.target, self.after.target
            ));
        }
        let parse = |t: &str| {
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
        };
        if let (Some(b), Some(a)) = (
            parse(&self.before.generated_at),
            parse(&self.after.generated_at),
        ) && a < b
        {
            w.push(format!(
                "the reports are in reverse time order: BEFORE was written at {} and AFTER earlier, at {} (swap the arguments?)",
                self.before.generated_at, self.after.generated_at
            ));
        }
        w
    }
}

/// Outcomes that need someone's attention: the ones compared.
fn is_problem(o: Outcome) -> bool {
    matches!(
        o,
        Outcome::Fail | Outcome::Manual | Outcome::Warn | Outcome::Error
    )
}

/// The exact matching key of a finding: check id plus its primary location.
fn exact_key(f: &Finding) -> (String, String) {
    (f.check.clone(), primary_key(f))
}

fn primary_key(f: &Finding) -> String {
    if let Some((path, line)) = f.primary_location() {
        return match line {
            Some(l) => format!("{path}:{l}"),
            None => path.to_string(),
        };
    }
    match f.evidence.first() {
        Some(Evidence::Http { method, url, .. }) => format!("{method} {url}"),
        Some(Evidence::Metric { name, .. }) => format!("metric {name}"),
        Some(Evidence::Command { command, .. }) => format!("command {command}"),
        _ => String::new(),
    }
}

/// The looser key: check id plus file path (or the exact key when there is no file).
fn loose_key(f: &Finding) -> (String, String) {
    match f.primary_location() {
        Some((path, _)) => (f.check.clone(), path.to_string()),
        None => exact_key(f),
    }
}

fn display_location(f: &Finding) -> Option<String> {
    f.evidence
        .iter()
        .find(|e| matches!(e, Evidence::File { .. }))
        .or_else(|| {
            f.evidence
                .iter()
                .find(|e| !matches!(e, Evidence::Note { .. } | Evidence::SignOff { .. }))
        })
        .map(|e| match e {
            Evidence::Http { method, url, .. } => format!("{method} {url}"),
            other => other.locator(),
        })
}

fn title_of(r: &Report, id: &str) -> String {
    r.check(id)
        .map(|c| c.title.clone())
        .unwrap_or_else(|| id.to_string())
}

fn item(r: &Report, f: &Finding) -> DiffItem {
    DiffItem {
        check: f.check.clone(),
        title: title_of(r, &f.check),
        severity: f.severity,
        outcome: f.outcome,
        outcome_after: None,
        message: f.message.clone(),
        location: display_location(f),
        resolution: None,
    }
}

fn side(r: &Report) -> Side {
    Side {
        target: r.target.name.clone(),
        generated_at: r.generated_at.clone(),
        score: r.score,
        decision: r.verdict.decision,
        readiness: r.readiness.clone(),
    }
}

fn delta(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(b? - a?)
}

/// Compares two reports.
pub fn diff(before: &Report, after: &Report) -> ReportDiff {
    let categories = Category::ALL
        .iter()
        .map(|&c| {
            let get = |r: &Report| {
                r.categories
                    .iter()
                    .find(|s| s.category == c)
                    .and_then(|s| s.score)
            };
            let (b, a) = (get(before), get(after));
            CategoryDelta {
                category: c,
                before: b,
                after: a,
                delta: delta(b, a),
            }
        })
        .collect();

    let old: Vec<&Finding> = before
        .findings
        .iter()
        .filter(|f| is_problem(f.outcome))
        .collect();
    let new: Vec<&Finding> = after
        .findings
        .iter()
        .filter(|f| is_problem(f.outcome))
        .collect();
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    let mut still = Vec::new();

    // Pass 1: exact key; pass 2: check + path.
    for key in [exact_key as fn(&Finding) -> (String, String), loose_key] {
        for (i, o) in old.iter().enumerate() {
            if old_used[i] {
                continue;
            }
            let k = key(o);
            if let Some(j) = (0..new.len()).find(|&j| !new_used[j] && key(new[j]) == k) {
                old_used[i] = true;
                new_used[j] = true;
                let mut it = item(before, o);
                if new[j].outcome != o.outcome {
                    it.outcome_after = Some(new[j].outcome);
                }
                it.severity = new[j].severity.max(o.severity);
                it.message = new[j].message.clone();
                it.location = display_location(new[j]).or(it.location);
                still.push(it);
            }
        }
    }

    let fixed: Vec<DiffItem> = old
        .iter()
        .zip(&old_used)
        .filter(|(_, used)| !**used)
        .map(|(f, _)| {
            let mut it = item(before, f);
            it.resolution = Some(resolution(after, f));
            it
        })
        .collect();
    let added: Vec<DiffItem> = new
        .iter()
        .zip(&new_used)
        .filter(|(_, used)| !**used)
        .map(|(f, _)| item(after, f))
        .collect();

    let sort = |v: &mut Vec<DiffItem>| {
        v.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.check.cmp(&b.check))
                .then_with(|| a.location.cmp(&b.location))
        })
    };
    let (mut fixed, mut added) = (fixed, added);
    sort(&mut fixed);
    sort(&mut added);
    sort(&mut still);

    ReportDiff {
        before: side(before),
        after: side(after),
        score_delta: delta(before.score, after.score),
        verdict_changed: before.verdict.decision != after.verdict.decision,
        categories,
        fixed,
        new: added,
        still_failing: still,
    }
}

fn resolution(after: &Report, f: &Finding) -> Resolution {
    let key = exact_key(f);
    if after.suppressed.iter().any(|s| exact_key(s) == key) {
        return Resolution::Suppressed;
    }
    if after.disabled.iter().any(|d| d == &f.check) {
        return Resolution::Disabled;
    }
    match after.results.iter().find(|r| r.check == f.check) {
        None => Resolution::NotReported,
        Some(r) => match r.outcome {
            Outcome::Pass => Resolution::Passes,
            Outcome::NotApplicable => Resolution::NotApplicable,
            _ => Resolution::GoneHere,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Catalog, Config, ReportBuilder, Target};

    fn f(id: &str, o: Outcome, path: &str, line: u32) -> Finding {
        Finding::new(
            Catalog::builtin().check(id),
            o,
            format!("{id} at {path}:{line}"),
        )
        .with_evidence(Evidence::at(path, line, 1))
    }

    fn report(findings: Vec<Finding>, cfg: &Config) -> Report {
        let mut b = ReportBuilder::new(Target {
            name: "t".into(),
            ..Default::default()
        });
        b.collector("scan", findings);
        b.build(Catalog::builtin(), cfg)
    }

    #[test]
    fn fixed_new_and_still_failing() {
        let before = report(
            vec![
                f("secrets.hardcoded", Outcome::Fail, "src/a.py", 3),
                f("secrets.hardcoded", Outcome::Fail, "src/b.py", 9),
                f("docs.readme", Outcome::Fail, "README.md", 1),
                f("tests.suite", Outcome::Pass, "tests/x.py", 1),
            ],
            &Config::default(),
        );
        let after = report(
            vec![
                // a.py fixed; b.py's finding moved two lines: still failing, not fixed + new.
                f("secrets.hardcoded", Outcome::Fail, "src/b.py", 11),
                f("docs.readme", Outcome::Pass, "README.md", 1),
                f("tests.suite", Outcome::Pass, "tests/x.py", 1),
                f("docker.non-root-user", Outcome::Fail, "Dockerfile", 1),
            ],
            &Config::default(),
        );
        let d = diff(&before, &after);
        let ids = |v: &[DiffItem]| -> Vec<(String, Option<String>)> {
            v.iter()
                .map(|i| (i.check.clone(), i.location.clone()))
                .collect()
        };
        assert_eq!(
            ids(&d.fixed),
            vec![
                ("secrets.hardcoded".into(), Some("src/a.py:3:1".into())),
                ("docs.readme".into(), Some("README.md:1:1".into())),
            ]
        );
        assert_eq!(d.fixed[0].resolution, Some(Resolution::GoneHere));
        assert_eq!(d.fixed[1].resolution, Some(Resolution::Passes));
        assert_eq!(
            ids(&d.new),
            vec![("docker.non-root-user".into(), Some("Dockerfile:1:1".into()))]
        );
        assert_eq!(
            ids(&d.still_failing),
            vec![("secrets.hardcoded".into(), Some("src/b.py:11:1".into()))]
        );
        let delta = d.score_delta.unwrap();
        assert!((delta - (after.score.unwrap() - before.score.unwrap())).abs() < 1e-9);
        let docs = d
            .categories
            .iter()
            .find(|c| c.category == Category::Documentation)
            .unwrap();
        assert_eq!(
            (docs.before, docs.after, docs.delta),
            (Some(0.0), Some(100.0), Some(100.0))
        );
        let db = d
            .categories
            .iter()
            .find(|c| c.category == Category::Database)
            .unwrap();
        assert_eq!((db.before, db.after, db.delta), (None, None, None));
        assert_eq!(
            d.verdict_changed,
            before.verdict.decision != after.verdict.decision
        );
        assert!(d.regressed(), "a new failure is a regression");
    }

    #[test]
    fn outcome_change_and_suppression_are_reported() {
        let before = report(
            vec![
                f("docs.readme", Outcome::Fail, "README.md", 1),
                f("secrets.hardcoded", Outcome::Fail, "tests/k.py", 1),
            ],
            &Config::default(),
        );
        let cfg = Config::parse(
            "[[suppress]]\ncheck = \"secrets.hardcoded\"\nreason = \"test keys\"\n",
            "golive.toml",
            Catalog::builtin(),
        )
        .unwrap();
        let after = report(
            vec![
                f("docs.readme", Outcome::Warn, "README.md", 1),
                f("secrets.hardcoded", Outcome::Fail, "tests/k.py", 1),
            ],
            &cfg,
        );
        let d = diff(&before, &after);
        assert_eq!(d.still_failing.len(), 1);
        assert_eq!(d.still_failing[0].outcome, Outcome::Fail);
        assert_eq!(d.still_failing[0].outcome_after, Some(Outcome::Warn));
        assert_eq!(d.fixed.len(), 1);
        assert_eq!(d.fixed[0].resolution, Some(Resolution::Suppressed));
        assert!(d.new.is_empty());
        assert!(!d.regressed());
    }

    #[test]
    fn regressions_by_criterion_and_warnings() {
        let before = report(
            vec![
                f("docs.readme", Outcome::Warn, "README.md", 1),
                f("tests.suite", Outcome::Pass, "tests/x.py", 1),
            ],
            &Config::default(),
        );
        let mut after = report(
            vec![
                f("docs.readme", Outcome::Fail, "README.md", 1),
                f("tests.suite", Outcome::Pass, "tests/x.py", 1),
                f("secrets.hardcoded", Outcome::Fail, "src/k.py", 4),
            ],
            &Config::default(),
        );
        let d = diff(&before, &after);
        let kinds = |v: Vec<(Regression, String)>| v.into_iter().map(|r| r.0).collect::<Vec<_>>();
        assert_eq!(
            kinds(d.regressions(&Regression::ALL)),
            Regression::ALL.to_vec()
        );
        let nf = d.regressions(&[Regression::NewFailure]);
        assert!(
            nf[0].1.starts_with("2 new failing finding(s)"),
            "{}",
            nf[0].1
        );
        assert!(
            nf[0].1.contains("secrets.hardcoded at src/k.py:4:1"),
            "{}",
            nf[0].1
        );
        assert!(d.warnings().is_empty(), "{:?}", d.warnings());
        // Reversed: nothing is worse, and both warnings fire once the target differs too.
        after.target.name = "other".into();
        after.generated_at = "2999-01-01T00:00:00Z".into();
        let r = diff(&after, &before);
        assert!(r.regressions(&Regression::ALL).is_empty());
        let w = r.warnings();
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].contains("different targets") && w[0].contains("`other`"));
        assert!(w[1].contains("reverse time order"));
        assert_eq!(
            "score-drop".parse::<Regression>(),
            Ok(Regression::ScoreDrop)
        );
        assert!(
            "bogus"
                .parse::<Regression>()
                .unwrap_err()
                .contains("new-failure")
        );
    }

    #[test]
    fn identical_reports_have_no_changes() {
        let r = report(
            vec![f("docs.readme", Outcome::Fail, "README.md", 1)],
            &Config::default(),
        );
        let d = diff(&r, &r);
        assert!(d.fixed.is_empty() && d.new.is_empty());
        assert_eq!(d.still_failing.len(), 1);
        assert_eq!(d.score_delta, Some(0.0));
        assert!(!d.verdict_changed);
    }

    #[test]
    fn parse_report_checks_json_and_schema() {
        let r = report(vec![], &Config::default());
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(parse_report(&text, "a.json").unwrap(), r);
        let e = parse_report("{ nope", "a.json").unwrap_err().to_string();
        assert!(e.starts_with("a.json: not a golive JSON report"), "{e}");
        let e = parse_report("[1, 2]", "b.json").unwrap_err().to_string();
        assert!(e.contains("b.json") && e.contains("schema"), "{e}");
        let old = text.replace("golive.report/v1", "golive.report/v0");
        let e = parse_report(&old, "c.json").unwrap_err().to_string();
        assert!(
            e.contains("c.json") && e.contains("golive.report/v0"),
            "{e}"
        );
        let e = parse_report("{\"schema\": \"golive.report/v1\"}", "d.json")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("d.json: invalid golive report"), "{e}");
    }
}
