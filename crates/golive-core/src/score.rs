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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CheckResult {
    pub check: String,
    pub category: Category,
    pub stage: Stage,
    pub outcome: Outcome,
    pub severity: Severity,
    /// Number of (unsuppressed) findings behind this result.
    pub findings: usize,
    /// A manual item of an imported checklist: decided by a person's sign-off, not by evidence
    /// golive gathered. Sign-offs weigh at most [`SIGNOFF_SHARE`] of any score.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub signoff: bool,
}

/// The largest share of a score's total weight that sign-off items (manual checklist items)
/// may take: 25 %. Without a cap, an imported checklist of 58 unsigned items would outweigh
/// every check golive can verify (a real repository fell from 61 to 32 that way); with it, the
/// items still move the score, but evidence decides most of it. Unsigned critical and high
/// items still block production readiness on their own (see [`stage_readiness`]).
pub const SIGNOFF_SHARE: f64 = 0.25;

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
    let stages = stage_readiness(&results, score, policy);
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
            signoff: check.collector == crate::catalog::Collector::Checklist,
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CategoryScore {
    pub category: Category,
    pub score: Option<f64>,
    pub counts: Counts,
}

/// `100 × Σ weight·credit / Σ weight` over applicable results; `None` when nothing applies.
///
/// Sign-off items (manual checklist items) are scaled down together so that they take at most
/// [`SIGNOFF_SHARE`] of the total weight when evidence-based checks apply too; alone, they
/// count in full.
pub fn score_of<'a>(results: impl IntoIterator<Item = &'a CheckResult>) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    let (mut snum, mut sden) = (0.0, 0.0);
    for r in results {
        if let Some(credit) = r.outcome.credit() {
            let w = r.severity.weight();
            if r.signoff {
                snum += w * credit;
                sden += w;
            } else {
                num += w * credit;
                den += w;
            }
        }
    }
    let k = signoff_scale(den, sden);
    let (num, den) = (num + k * snum, den + k * sden);
    (den > 0.0).then(|| 100.0 * num / den)
}

/// The factor applied to the weight of sign-off items: 1 when they are within their share
/// (or alone), less when they would take more than [`SIGNOFF_SHARE`] of the total.
pub fn signoff_scale(evidence_weight: f64, signoff_weight: f64) -> f64 {
    if evidence_weight <= 0.0 || signoff_weight <= 0.0 {
        return 1.0;
    }
    let cap = evidence_weight * SIGNOFF_SHARE / (1.0 - SIGNOFF_SHARE);
    (cap / signoff_weight).min(1.0)
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
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
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

/// The verdict: the decision, the reasons that made it, and lesser concerns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Verdict {
    pub decision: Decision,
    /// The reasons that made this decision (for NO-GO, only NO-GO reasons; for GO, one
    /// sentence saying why).
    pub reasons: Vec<String>,
    /// Concerns that would have made a milder decision on their own (under NO-GO: the
    /// ATTENTION reasons). Shown as "also", never as the cause.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Lists ids, at most `max`, then "+N more".
pub fn list_ids(ids: &[&str], max: usize) -> String {
    let mut s = ids.iter().take(max).copied().collect::<Vec<_>>().join(", ");
    if ids.len() > max {
        s.push_str(&format!(" +{} more", ids.len() - max));
    }
    s
}

/// True when a result is a critical check golive could not decide (inconclusive or error).
pub fn undecided_critical(r: &CheckResult) -> bool {
    r.severity == Severity::Critical && matches!(r.outcome, Outcome::Inconclusive | Outcome::Error)
}

/// Applies the verdict policy:
/// - NO-GO if any critical check fails, the score is below `no_go_below`, or below `min_score`;
/// - ATTENTION if any high check fails, a critical check could not be decided (inconclusive
///   or error), the score is below `attention_below`, a check errored, or nothing at all could
///   be assessed;
/// - GO otherwise.
///
/// `reasons` holds only the reasons of the decision taken; under NO-GO the ATTENTION reasons
/// go to `also`.
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
            "{} failing: {}",
            plural(crit.len(), "critical check", "critical checks"),
            list_ids(&crit, 8)
        ));
    }
    match overall {
        Some(s) => {
            if s < policy.no_go_below {
                no_go.push(format!(
                    "overall score {s:.0} is below {:.0}, the NO-GO bar",
                    policy.no_go_below
                ));
            } else if s < policy.attention_below {
                attention.push(format!(
                    "overall score {s:.0} is below {:.0}, the bar for GO",
                    policy.attention_below
                ));
            }
            if let Some(min) = policy.min_score
                && s < min
            {
                no_go.push(format!(
                    "overall score {s:.0} is below the required minimum {min:.0}"
                ));
            }
        }
        None => attention.push("no applicable check: nothing could be assessed".to_string()),
    }
    let undecided: Vec<&str> = results
        .iter()
        .filter(|r| undecided_critical(r))
        .map(|r| r.check.as_str())
        .collect();
    if !undecided.is_empty() {
        attention.push(format!(
            "{} could not be decided: {} (golive cannot call it GO until they are)",
            plural(undecided.len(), "critical check", "critical checks"),
            list_ids(&undecided, 8)
        ));
    }
    let high = failing(Severity::High);
    if !high.is_empty() {
        attention.push(format!(
            "{} failing: {}",
            plural(high.len(), "high-severity check", "high-severity checks"),
            list_ids(&high, 8)
        ));
    }
    let errored: Vec<&str> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Error && r.severity != Severity::Critical)
        .map(|r| r.check.as_str())
        .collect();
    if !errored.is_empty() {
        attention.push(format!(
            "{} could not run: {}",
            plural(errored.len(), "check", "checks"),
            list_ids(&errored, 8)
        ));
    }
    if !no_go.is_empty() {
        Verdict {
            decision: Decision::NoGo,
            reasons: no_go,
            also: attention,
        }
    } else if !attention.is_empty() {
        Verdict {
            decision: Decision::Attention,
            reasons: attention,
            also: Vec::new(),
        }
    } else {
        Verdict {
            decision: Decision::Go,
            reasons: vec![match overall {
                Some(s) => format!(
                    "no critical or high check failing, none undecided; overall score {s:.0} ≥ {:.0}",
                    policy.attention_below
                ),
                None => "no critical or high check failing".to_string(),
            }],
            also: Vec::new(),
        }
    }
}

/// Readiness for one stage.
///
/// The rule (also printed by `golive explain`): a stage is ready when
/// - no critical or high check required at or before it fails (a failing critical check
///   blocks production whatever stage it is filed under: a critical failure is NO-GO),
/// - no critical check required at or before it is undecided (inconclusive or error): golive
///   does not claim readiness it could not verify,
/// - and, for production and scale, the overall score is not below the NO-GO bar (or
///   `min_score`): a NO-GO report is never "ready for production".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StageReadiness {
    pub stage: Stage,
    pub ready: bool,
    /// Failing critical/high checks that block this stage.
    pub blockers: Vec<String>,
    /// Critical checks that could not be decided (inconclusive or error) and so block the
    /// claim that this stage is ready.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<String>,
    /// The overall score, when it is below the NO-GO bar (or `min_score`) that production and
    /// scale require.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score_below: Option<ScoreBar>,
}

/// An overall score under a bar.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScoreBar {
    pub score: f64,
    pub bar: f64,
}

pub fn stage_readiness(
    results: &[CheckResult],
    overall: Option<f64>,
    policy: &PolicyConfig,
) -> Vec<StageReadiness> {
    let bar = policy
        .min_score
        .map_or(policy.no_go_below, |m| m.max(policy.no_go_below));
    Stage::ALL
        .iter()
        .map(|&stage| {
            let required = |r: &CheckResult| {
                r.stage <= stage || (r.severity == Severity::Critical && stage >= Stage::Production)
            };
            let blockers: Vec<String> = results
                .iter()
                .filter(|r| r.outcome.is_failure() && r.severity >= Severity::High && required(r))
                .map(|r| r.check.clone())
                .collect();
            let undecided: Vec<String> = results
                .iter()
                .filter(|r| undecided_critical(r) && required(r))
                .map(|r| r.check.clone())
                .collect();
            let score_below = match overall {
                Some(score) if stage >= Stage::Production && score < bar => {
                    Some(ScoreBar { score, bar })
                }
                _ => None,
            };
            StageReadiness {
                stage,
                ready: blockers.is_empty() && undecided.is_empty() && score_below.is_none(),
                blockers,
                undecided,
                score_below,
            }
        })
        .collect()
}

/// What keeps a stage from being ready, in words: "2 blockers (a, b), 1 undecided (c)".
pub fn stage_hold(s: &StageReadiness) -> String {
    let mut parts = Vec::new();
    if !s.blockers.is_empty() {
        let ids: Vec<&str> = s.blockers.iter().map(String::as_str).collect();
        parts.push(format!(
            "{} ({})",
            plural(ids.len(), "blocker", "blockers"),
            list_ids(&ids, 5)
        ));
    }
    if !s.undecided.is_empty() {
        let ids: Vec<&str> = s.undecided.iter().map(String::as_str).collect();
        parts.push(format!(
            "{} undecided ({})",
            plural(ids.len(), "critical check", "critical checks"),
            list_ids(&ids, 5)
        ));
    }
    if let Some(b) = s.score_below {
        parts.push(format!(
            "overall score {:.0} is below {:.0}",
            b.score, b.bar
        ));
    }
    parts.join("; ")
}

/// "not ready for production: 2 blockers (a, b); staging has no blocker". The stage that is
/// not ready comes first, so the sentence never reads as a readiness claim under NO-GO.
pub fn readiness_sentence(stages: &[StageReadiness]) -> String {
    let ready: Vec<&str> = stages
        .iter()
        .take_while(|s| s.ready)
        .map(|s| s.stage.as_str())
        .collect();
    let Some(b) = stages.iter().find(|s| !s.ready) else {
        return "ready for every stage (staging, production, scale)".to_string();
    };
    let head = format!("not ready for {}: {}", b.stage.as_str(), stage_hold(b));
    match ready.as_slice() {
        [] => head,
        [one] => format!("{head}; {one} has no blocker"),
        many => format!("{head}; {} have no blocker", many.join(" and ")),
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
            signoff: false,
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
        let st = stage_readiness(&high, o, &p);
        assert!(st[0].ready && st[1].ready && !st[2].ready);
        assert_eq!(
            readiness_sentence(&st),
            "not ready for scale: 1 blocker (a.b); staging and production have no blocker"
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

    #[test]
    fn no_go_reasons_are_only_the_no_go_reasons() {
        // One critical failure and a score between 60 and 80: the score is an ATTENTION
        // concern, not why it is NO-GO.
        let mut rs = vec![r(
            "a.crit",
            Category::Ci,
            Outcome::Fail,
            Severity::Critical,
            Stage::Production,
        )];
        for i in 0..3 {
            rs.push(r(
                &format!("a.p{i}"),
                Category::Ci,
                Outcome::Pass,
                Severity::Critical,
                Stage::Staging,
            ));
        }
        let (_, o) = score(&rs);
        let s = o.unwrap();
        assert!((60.0..80.0).contains(&s), "{s}");
        let v = verdict(&rs, o, &PolicyConfig::default());
        assert_eq!(v.decision, Decision::NoGo);
        assert_eq!(
            v.reasons,
            vec!["1 critical check failing: a.crit".to_string()]
        );
        assert!(
            v.also
                .iter()
                .any(|a| a.contains("below 80, the bar for GO")),
            "{v:?}"
        );
        // production is blocked and the blocker is named; staging is not claimed blocked
        let st = stage_readiness(&rs, o, &PolicyConfig::default());
        assert!(st[0].ready && !st[1].ready);
        assert_eq!(
            readiness_sentence(&st),
            "not ready for production: 1 blocker (a.crit); staging has no blocker"
        );
    }

    #[test]
    fn a_no_go_score_blocks_production_readiness() {
        let rs = vec![
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
        let (_, o) = score(&rs);
        let p = PolicyConfig::default();
        let v = verdict(&rs, o, &p);
        assert_eq!(v.decision, Decision::NoGo);
        assert!(v.reasons[0].contains("the NO-GO bar"), "{v:?}");
        let st = stage_readiness(&rs, o, &p);
        assert!(st[0].ready && !st[1].ready && !st[2].ready);
        let sentence = readiness_sentence(&st);
        assert!(
            sentence.starts_with("not ready for production: overall score 33 is below 60"),
            "{sentence}"
        );
    }

    #[test]
    fn an_undecided_critical_is_never_go_and_blocks_readiness() {
        let rs = vec![
            r(
                "probe.tls",
                Category::Security,
                Outcome::Inconclusive,
                Severity::Critical,
                Stage::Staging,
            ),
            r(
                "a.b",
                Category::Ci,
                Outcome::Pass,
                Severity::High,
                Stage::Staging,
            ),
        ];
        let (_, o) = score(&rs);
        assert_eq!(o, Some(100.0), "inconclusive is left out of the score");
        let p = PolicyConfig::default();
        let v = verdict(&rs, o, &p);
        assert_eq!(v.decision, Decision::Attention);
        assert!(
            v.reasons[0].contains("1 critical check could not be decided: probe.tls"),
            "{v:?}"
        );
        let st = stage_readiness(&rs, o, &p);
        assert!(st.iter().all(|s| !s.ready && s.undecided == ["probe.tls"]));
        assert_eq!(
            readiness_sentence(&st),
            "not ready for staging: 1 critical check undecided (probe.tls)"
        );
        // the same check undecided at medium severity decides nothing
        let mut rs2 = rs.clone();
        rs2[0].severity = Severity::Medium;
        assert_eq!(verdict(&rs2, o, &p).decision, Decision::Go);
    }

    #[test]
    fn sign_offs_weigh_at_most_a_quarter() {
        // 4 evidence checks passing (weight 4 × 5 = 20) and 58 unsigned medium manual items:
        // uncapped the score would be 20 / (20 + 290) = 6; capped at a quarter it is 75.
        let mut rs: Vec<CheckResult> = (0..4)
            .map(|i| {
                r(
                    &format!("a.{i}"),
                    Category::Ci,
                    Outcome::Pass,
                    Severity::Medium,
                    Stage::Staging,
                )
            })
            .collect();
        for i in 0..58 {
            let mut m = r(
                &format!("checklist.m{i}"),
                Category::Deployment,
                Outcome::Manual,
                Severity::Medium,
                Stage::Production,
            );
            m.signoff = true;
            rs.push(m);
        }
        let s = score_of(&rs).unwrap();
        assert!((s - 75.0).abs() < 1e-9, "{s}");
        // a few sign-offs within their share count in full
        let few: Vec<CheckResult> = rs[..5].to_vec();
        let s = score_of(&few).unwrap();
        assert!((s - 80.0).abs() < 1e-9, "{s}");
        // alone, they are the whole score
        let only: Vec<CheckResult> = rs[4..].to_vec();
        assert_eq!(score_of(&only), Some(0.0));
        // an unsigned critical item still blocks production and is NO-GO
        let mut crit = rs.clone();
        crit[10].severity = Severity::Critical;
        let (_, o) = score(&crit);
        let p = PolicyConfig::default();
        assert_eq!(verdict(&crit, o, &p).decision, Decision::NoGo);
        assert!(!stage_readiness(&crit, o, &p)[1].ready);
    }
}
