//! Scoring and the verdict policy, exactly as published in DESIGN.md and printed by
//! `golive explain`.
//!
//! A check may have several findings (one per location). Its scored result is the finding
//! outcome with the highest precedence (fail > manual > error > warn > inconclusive > pass >
//! not-applicable) and, among the findings with that outcome, the highest severity.

use crate::catalog::Catalog;
use crate::config::PolicyConfig;
use crate::model::{Category, Finding, Outcome, Severity, Stage};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The scored result of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check: String,
    pub category: Category,
    pub stage: Stage,
    pub outcome: Outcome,
    pub severity: Severity,
    /// Number of (unsuppressed) findings behind this result.
    pub findings: usize,
}

/// Everything scoring decides about a set of counted findings under a verdict policy: the
/// per-check results, the category and overall scores, the verdict and stage readiness.
///
/// [`crate::ReportBuilder::build`] scores through this function, and so does re-scoring a stored
/// report offline under another policy (`golive-store`): both give the same numbers by
/// construction.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub results: Vec<CheckResult>,
    pub categories: Vec<CategoryScore>,
    /// Overall score (`None` = n/a).
    pub score: Option<f64>,
    pub verdict: Verdict,
    pub stages: Vec<StageReadiness>,
    pub readiness: String,
}

/// Scores counted (unsuppressed) findings: [`aggregate`], [`score`], [`verdict`],
/// [`stage_readiness`] and [`readiness_sentence`] in that order.
pub fn evaluate<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    catalog: &Catalog,
    dynamic: &BTreeMap<String, crate::catalog::Check>,
    policy: &PolicyConfig,
) -> Evaluation {
    let results = aggregate(findings, catalog, dynamic);
    let (categories, score) = score(&results);
    let verdict = verdict(&results, score, policy);
    let stages = stage_readiness(&results);
    let readiness = readiness_sentence(&stages);
    Evaluation {
        results,
        categories,
        score,
        verdict,
        stages,
        readiness,
    }
}

/// Combines findings (already filtered of suppressed ones) into one result per check.
/// Findings whose check is unknown to the catalog keep their own severity and are filed under the
/// category and stage given by `fallback` (dynamic checks: smoke tests, checklist items).
pub fn aggregate<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    catalog: &Catalog,
    dynamic: &BTreeMap<String, crate::catalog::Check>,
) -> Vec<CheckResult> {
    let mut by_check: BTreeMap<&str, CheckResult> = BTreeMap::new();
    for f in findings {
        let Some(check) = catalog.get(&f.check).or_else(|| dynamic.get(&f.check)) else {
            continue;
        };
        let entry = by_check.entry(&f.check).or_insert_with(|| CheckResult {
            check: f.check.clone(),
            category: check.category,
            stage: check.stage,
            outcome: f.outcome,
            severity: f.severity,
            findings: 0,
        });
        entry.findings += 1;
        let (p_new, p_old) = (f.outcome.precedence(), entry.outcome.precedence());
        if p_new > p_old || (p_new == p_old && f.severity > entry.severity) {
            entry.outcome = f.outcome;
            entry.severity = f.severity;
        }
    }
    by_check.into_values().collect()
}

/// Counts of check results per outcome.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub manual: usize,
    pub inconclusive: usize,
    pub error: usize,
    pub not_applicable: usize,
}

impl Counts {
    fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Pass => self.pass += 1,
            Outcome::Warn => self.warn += 1,
            Outcome::Fail => self.fail += 1,
            Outcome::Manual => self.manual += 1,
            Outcome::Inconclusive => self.inconclusive += 1,
            Outcome::Error => self.error += 1,
            Outcome::NotApplicable => self.not_applicable += 1,
        }
    }
}

/// One category's score: `None` (shown `n/a`) when no check applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryScore {
    pub category: Category,
    pub score: Option<f64>,
    pub counts: Counts,
}

/// `100 × Σ weight·credit / Σ weight` over applicable results; `None` when nothing applies.
pub fn score_of<'a>(results: impl IntoIterator<Item = &'a CheckResult>) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for r in results {
        if let Some(credit) = r.outcome.credit() {
            let w = r.severity.weight();
            num += w * credit;
            den += w;
        }
    }
    (den > 0.0).then(|| 100.0 * num / den)
}

/// Scores per category (all ten, in order) and overall.
pub fn score(results: &[CheckResult]) -> (Vec<CategoryScore>, Option<f64>) {
    let cats = Category::ALL
        .iter()
        .map(|&c| {
            let mut counts = Counts::default();
            let rs: Vec<&CheckResult> = results.iter().filter(|r| r.category == c).collect();
            for r in &rs {
                counts.add(r.outcome);
            }
            CategoryScore {
                category: c,
                score: score_of(rs.iter().copied()),
                counts,
            }
        })
        .collect();
    (cats, score_of(results))
}

/// GO / ATTENTION / NO-GO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Decision {
    #[serde(rename = "GO")]
    Go,
    #[serde(rename = "ATTENTION")]
    Attention,
    #[serde(rename = "NO-GO")]
    NoGo,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Go => "GO",
            Decision::Attention => "ATTENTION",
            Decision::NoGo => "NO-GO",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdict and every reason that led to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub decision: Decision,
    pub reasons: Vec<String>,
}

/// Applies the verdict policy:
/// - NO-GO if any critical check fails, the score is below `no_go_below`, or below `min_score`;
/// - ATTENTION if any high check fails, the score is below `attention_below`, a check errored,
///   or nothing at all could be assessed;
/// - GO otherwise.
pub fn verdict(results: &[CheckResult], overall: Option<f64>, policy: &PolicyConfig) -> Verdict {
    let mut no_go = Vec::new();
    let mut attention = Vec::new();
    let failing = |sev: Severity| -> Vec<&str> {
        results
            .iter()
            .filter(|r| r.outcome.is_failure() && r.severity == sev)
            .map(|r| r.check.as_str())
            .collect()
    };
    let crit = failing(Severity::Critical);
    if !crit.is_empty() {
        no_go.push(format!(
            "{} critical check(s) failing: {}",
            crit.len(),
            crit.join(", ")
        ));
    }
    match overall {
        Some(s) => {
            if s < policy.no_go_below {
                no_go.push(format!(
                    "overall score {s:.0} is below {:.0}",
                    policy.no_go_below
                ));
            } else if s < policy.attention_below {
                attention.push(format!(
                    "overall score {s:.0} is below {:.0}",
                    policy.attention_below
                ));
            }
            if let Some(min) = policy.min_score
                && s < min
            {
                no_go.push(format!(
                    "overall score {s:.0} is below the minimum {min:.0}"
                ));
            }
        }
        None => attention.push("no applicable check: nothing could be assessed".to_string()),
    }
    let high = failing(Severity::High);
    if !high.is_empty() {
        attention.push(format!(
            "{} high-severity check(s) failing: {}",
            high.len(),
            high.join(", ")
        ));
    }
    let errored: Vec<&str> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Error)
        .map(|r| r.check.as_str())
        .collect();
    if !errored.is_empty() {
        attention.push(format!(
            "{} check(s) could not run: {}",
            errored.len(),
            errored.join(", ")
        ));
    }
    if !no_go.is_empty() {
        no_go.extend(attention);
        Verdict {
            decision: Decision::NoGo,
            reasons: no_go,
        }
    } else if !attention.is_empty() {
        Verdict {
            decision: Decision::Attention,
            reasons: attention,
        }
    } else {
        Verdict {
            decision: Decision::Go,
            reasons: vec![match overall {
                Some(s) => format!(
                    "no critical or high check failing; overall score {s:.0} ≥ {:.0}",
                    policy.attention_below
                ),
                None => "no critical or high check failing".to_string(),
            }],
        }
    }
}

/// Readiness for one stage: blocked by failing critical/high checks required at or before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageReadiness {
    pub stage: Stage,
    pub ready: bool,
    pub blockers: Vec<String>,
}

pub fn stage_readiness(results: &[CheckResult]) -> Vec<StageReadiness> {
    Stage::ALL
        .iter()
        .map(|&stage| {
            let blockers: Vec<String> = results
                .iter()
                .filter(|r| {
                    r.outcome.is_failure() && r.severity >= Severity::High && r.stage <= stage
                })
                .map(|r| r.check.clone())
                .collect();
            StageReadiness {
                stage,
                ready: blockers.is_empty(),
                blockers,
            }
        })
        .collect()
}

/// "ready for staging; not for production: 3 blockers".
pub fn readiness_sentence(stages: &[StageReadiness]) -> String {
    let ready: Vec<&str> = stages
        .iter()
        .take_while(|s| s.ready)
        .map(|s| s.stage.as_str())
        .collect();
    let first_blocked = stages.iter().find(|s| !s.ready);
    match (ready.last(), first_blocked) {
        (_, None) => "ready for every stage (staging, production, scale)".to_string(),
        (None, Some(b)) => format!(
            "not ready for {}: {} blocker{}",
            b.stage.as_str(),
            b.blockers.len(),
            if b.blockers.len() == 1 { "" } else { "s" }
        ),
        (Some(r), Some(b)) => format!(
            "ready for {r}; not for {}: {} blocker{}",
            b.stage.as_str(),
            b.blockers.len(),
            if b.blockers.len() == 1 { "" } else { "s" }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(id: &str, cat: Category, o: Outcome, s: Severity, stage: Stage) -> CheckResult {
        CheckResult {
            check: id.into(),
            category: cat,
            stage,
            outcome: o,
            severity: s,
            findings: 1,
        }
    }

    #[test]
    fn formula_matches_design() {
        // critical pass (10×1) + high warn (7.5×0.5) + medium fail (5×0) + low inconclusive (left out)
        let rs = vec![
            r(
                "a.a",
                Category::Ci,
                Outcome::Pass,
                Severity::Critical,
                Stage::Staging,
            ),
            r(
                "a.b",
                Category::Ci,
                Outcome::Warn,
                Severity::High,
                Stage::Staging,
            ),
            r(
                "a.c",
                Category::Ci,
                Outcome::Fail,
                Severity::Medium,
                Stage::Staging,
            ),
            r(
                "a.d",
                Category::Ci,
                Outcome::Inconclusive,
                Severity::Low,
                Stage::Staging,
            ),
            r(
                "a.e",
                Category::Tests,
                Outcome::NotApplicable,
                Severity::Low,
                Stage::Staging,
            ),
        ];
        let (cats, overall) = score(&rs);
        let expected = 100.0 * (10.0 + 3.75) / (10.0 + 7.5 + 5.0);
        assert!((overall.unwrap() - expected).abs() < 1e-9);
        let tests = cats.iter().find(|c| c.category == Category::Tests).unwrap();
        assert_eq!(tests.score, None, "only not-applicable → n/a, not 100");
        let docs = cats
            .iter()
            .find(|c| c.category == Category::Documentation)
            .unwrap();
        assert_eq!(docs.score, None);
    }

    #[test]
    fn unsigned_manual_counts_as_fail() {
        let rs = vec![
            r(
                "a.a",
                Category::Ci,
                Outcome::Pass,
                Severity::High,
                Stage::Staging,
            ),
            r(
                "a.b",
                Category::Ci,
                Outcome::Manual,
                Severity::High,
                Stage::Staging,
            ),
        ];
        assert_eq!(score_of(&rs), Some(50.0));
    }

    #[test]
    fn verdict_policy() {
        let p = PolicyConfig::default();
        let crit = vec![
            r(
                "a.a",
                Category::Ci,
                Outcome::Fail,
                Severity::Critical,
                Stage::Staging,
            ),
            r(
                "a.b",
                Category::Ci,
                Outcome::Pass,
                Severity::Critical,
                Stage::Staging,
            ),
            r(
                "a.c",
                Category::Ci,
                Outcome::Pass,
                Severity::Critical,
                Stage::Staging,
            ),
            r(
                "a.d",
                Category::Ci,
                Outcome::Pass,
                Severity::Critical,
                Stage::Staging,
            ),
            r(
                "a.e",
                Category::Ci,
                Outcome::Pass,
                Severity::Critical,
                Stage::Staging,
            ),
        ];
        let (_, o) = score(&crit);
        assert_eq!(o, Some(80.0));
        assert_eq!(verdict(&crit, o, &p).decision, Decision::NoGo);

        let high = vec![
            r(
                "a.a",
                Category::Ci,
                Outcome::Fail,
                Severity::Low,
                Stage::Staging,
            ),
            r(
                "a.b",
                Category::Ci,
                Outcome::Fail,
                Severity::High,
                Stage::Scale,
            ),
            r(
                "a.c",
                Category::Ci,
                Outcome::Pass,
                Severity::Critical,
                Stage::Staging,
            ),
            r(
                "a.d",
                Category::Ci,
                Outcome::Pass,
                Severity::Critical,
                Stage::Staging,
            ),
            r(
                "a.e",
                Category::Ci,
                Outcome::Pass,
                Severity::Critical,
                Stage::Staging,
            ),
        ];
        let (_, o) = score(&high);
        let v = verdict(&high, o, &p);
        assert_eq!(v.decision, Decision::Attention, "{v:?}");
        let st = stage_readiness(&high);
        assert!(st[0].ready && st[1].ready && !st[2].ready);
        assert_eq!(
            readiness_sentence(&st),
            "ready for production; not for scale: 1 blocker"
        );

        let low = vec![
            r(
                "a.a",
                Category::Ci,
                Outcome::Fail,
                Severity::Low,
                Stage::Staging,
            ),
            r(
                "a.c",
                Category::Ci,
                Outcome::Pass,
                Severity::Critical,
                Stage::Staging,
            ),
        ];
        let (_, o) = score(&low);
        assert_eq!(verdict(&low, o, &p).decision, Decision::Go);

        // score below 60 without any critical failure → NO-GO
        let mediums = vec![
            r(
                "a.a",
                Category::Ci,
                Outcome::Fail,
                Severity::Medium,
                Stage::Staging,
            ),
            r(
                "a.b",
                Category::Ci,
                Outcome::Pass,
                Severity::Low,
                Stage::Staging,
            ),
        ];
        let (_, o) = score(&mediums);
        assert_eq!(verdict(&mediums, o, &p).decision, Decision::NoGo);

        // min_score
        let p2 = PolicyConfig {
            min_score: Some(95.0),
            ..PolicyConfig::default()
        };
        let (_, o) = score(&low);
        assert_eq!(verdict(&low, o, &p2).decision, Decision::NoGo);

        // nothing applicable → ATTENTION, never GO
        assert_eq!(verdict(&[], None, &p).decision, Decision::Attention);
    }
}
