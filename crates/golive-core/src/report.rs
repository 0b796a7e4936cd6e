//! The report: everything a renderer needs, built from findings by applying golive.toml
//! (disabled checks, severity overrides, suppressions), then scoring.

use crate::catalog::{Catalog, Check};
use crate::config::Config;
use crate::model::{Evidence, Finding, Outcome, Severity, Skipped, Stack, Suppression};
use crate::score::{self, CategoryScore, CheckResult, StageReadiness, Verdict};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use time::OffsetDateTime;

/// The version of the JSON report schema (docs/report-schema.md).
pub const SCHEMA_VERSION: &str = "golive.report/v1";

/// The JSON Schema (draft 2020-12) of the JSON report, generated from these types: what
/// `golive schema` prints and docs/report-schema.json holds.
pub fn json_schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Report)).unwrap_or_default();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "description".into(),
            serde_json::Value::String(format!(
                "A golive JSON report (`golive audit --format json`), schema `{SCHEMA_VERSION}`. Generated from golive's Rust types by `golive schema`; see docs/report-schema.md."
            )),
        );
    }
    schema
}

/// What was audited.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Target {
    /// Project name (golive.toml `[project] name`, else the directory name or the host).
    pub name: String,
    /// Repository path, for a static audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Service URL, for a probe, load or smoke run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stacks: Vec<Stack>,
    /// Where the audited directory (or, for a live run, the working directory) sits in its
    /// repository, and the files that findings without a file of their own are filed under in
    /// SARIF. Paths only, relative to the audited directory: never an absolute local path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<Repository>,
}

/// The repository around a run: used by SARIF, whose consumers (GitHub code scanning) need every
/// result at a file of the repository, with paths relative to the repository root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Repository {
    /// The audited directory relative to the repository root (the nearest directory above it
    /// holding `.git`), `/`-separated: `services/api`. Empty when it is the root itself or when
    /// no repository was found (paths are then relative to the audited directory).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prefix: String,
    /// True when a version-control root (`.git`) was found.
    #[serde(default)]
    pub vcs: bool,
    /// The project manifest (`package.json`, `pyproject.toml`, `Cargo.toml`, …), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<String>,
    /// The README, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readme: Option<String>,
    /// The first CI workflow file (`.github/workflows/*.yml` in name order, else
    /// `.gitlab-ci.yml`, …), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow: Option<String>,
    /// golive.toml, if present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
}

impl Repository {
    /// Looks at `dir` (the audited directory, or the working directory of a live run): finds the
    /// repository root above it and the anchor files in it. Reads directory listings only.
    pub fn discover(dir: &std::path::Path) -> Repository {
        let abs = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut repo = Repository::default();
        let mut cur = Some(abs.as_path());
        while let Some(d) = cur {
            if d.join(".git").exists() {
                repo.vcs = true;
                if let Ok(rel) = abs.strip_prefix(d) {
                    repo.prefix = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/");
                }
                break;
            }
            cur = d.parent();
        }
        let is_file = |rel: &str| abs.join(rel).is_file();
        repo.manifest = [
            "package.json",
            "pyproject.toml",
            "Cargo.toml",
            "go.mod",
            "pom.xml",
            "build.gradle",
            "build.gradle.kts",
            "Gemfile",
            "composer.json",
            "setup.py",
            "requirements.txt",
        ]
        .iter()
        .find(|m| is_file(m))
        .map(|m| m.to_string());
        let mut names: Vec<String> = std::fs::read_dir(&abs)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        repo.readme = names
            .iter()
            .find(|n| n.eq_ignore_ascii_case("README.md"))
            .or_else(|| {
                names
                    .iter()
                    .find(|n| n.to_ascii_lowercase().starts_with("readme"))
            })
            .cloned();
        let mut workflows: Vec<String> = std::fs::read_dir(abs.join(".github/workflows"))
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
                    .collect()
            })
            .unwrap_or_default();
        workflows.sort();
        repo.workflow = workflows
            .first()
            .map(|w| format!(".github/workflows/{w}"))
            .or_else(|| {
                [
                    ".gitlab-ci.yml",
                    ".circleci/config.yml",
                    "Jenkinsfile",
                    "azure-pipelines.yml",
                    "bitbucket-pipelines.yml",
                    ".travis.yml",
                ]
                .iter()
                .find(|c| is_file(c))
                .map(|c| c.to_string())
            });
        repo.config = is_file("golive.toml").then(|| "golive.toml".to_string());
        repo
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// One item of the action plan: a failing (or warning) check and how to fix it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActionItem {
    pub check: String,
    pub title: String,
    pub severity: Severity,
    pub outcome: Outcome,
    pub remediation: String,
    /// Up to ten places (`file:line:col`, URLs) where it shows.
    pub locations: Vec<String>,
    /// How many findings in all.
    pub occurrences: usize,
}

/// A phase of the action plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Phase {
    pub title: String,
    pub items: Vec<ActionItem>,
}

/// A report's time: RFC 3339 in UTC to the millisecond. Nanoseconds would claim a precision the
/// run does not have and make the timestamp harder to read; milliseconds still order the runs
/// of one pipeline.
pub fn timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let t = t.replace_millisecond(t.millisecond()).unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The report every renderer draws from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    pub schema: String,
    pub tool: Tool,
    pub target: Target,
    /// RFC 3339 time of the run, in UTC, to the millisecond (`2026-11-21T13:48:42.513Z`).
    pub generated_at: String,
    /// Which collectors ran (`scan`, `probe`, …).
    pub collectors: Vec<String>,
    /// Counted findings.
    pub findings: Vec<Finding>,
    /// Suppressed findings: listed, not scored.
    pub suppressed: Vec<Finding>,
    /// The scored result of each check.
    pub results: Vec<CheckResult>,
    pub categories: Vec<CategoryScore>,
    /// Overall score (`None` = n/a).
    pub score: Option<f64>,
    pub verdict: Verdict,
    pub stages: Vec<StageReadiness>,
    /// "ready for staging; not for production: 3 blockers".
    pub readiness: String,
    pub action_plan: Vec<Phase>,
    /// Every check that appears in the report, with its rationale and remediation.
    pub checks: BTreeMap<String, Check>,
    /// Checks turned off in golive.toml.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disabled: Vec<String>,
    /// Files passed over (binary, too large, unreadable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
    /// Things the user should know about the run itself (an expired suppression, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
}

impl Report {
    /// The check behind a finding.
    pub fn check(&self, id: &str) -> Option<&Check> {
        self.checks.get(id)
    }
    /// Findings of one check. Scans every finding: to look up many checks, use
    /// [`Report::findings_by_check`] once instead.
    pub fn findings_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings.iter().filter(move |f| f.check == id)
    }
    /// The findings of every check, in report order (linear; for renderers that go through
    /// every check).
    pub fn findings_by_check(&self) -> HashMap<&str, Vec<&Finding>> {
        let mut m: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for f in &self.findings {
            m.entry(f.check.as_str()).or_default().push(f);
        }
        m
    }
}

/// Collects findings from collectors, then builds the report.
#[derive(Debug, Default)]
pub struct ReportBuilder {
    target: Target,
    collectors: Vec<String>,
    findings: Vec<Finding>,
    dynamic: BTreeMap<String, Check>,
    skipped: Vec<Skipped>,
    notices: Vec<String>,
    now: Option<OffsetDateTime>,
    baseline: Option<(crate::baseline::Baseline, String)>,
}

impl ReportBuilder {
    pub fn new(target: Target) -> Self {
        ReportBuilder {
            target,
            ..Default::default()
        }
    }
    /// Adds a collector's findings.
    pub fn collector(&mut self, name: &str, findings: Vec<Finding>) -> &mut Self {
        if !self.collectors.iter().any(|c| c == name) {
            self.collectors.push(name.to_string());
        }
        self.findings.extend(findings);
        self
    }
    /// Registers a check made at run time (a smoke test, a checklist item).
    pub fn dynamic_check(&mut self, check: Check) -> &mut Self {
        self.dynamic.insert(check.id.clone(), check);
        self
    }
    /// The findings collected so far (the checklist links its mapped items to them).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }
    pub fn skipped(&mut self, s: Vec<Skipped>) -> &mut Self {
        self.skipped.extend(s);
        self
    }
    pub fn notice(&mut self, n: impl Into<String>) -> &mut Self {
        self.notices.push(n.into());
        self
    }
    pub fn stacks(&mut self, stacks: Vec<Stack>) -> &mut Self {
        self.target.stacks = stacks;
        self
    }
    /// Accepts the failing places a baseline holds (`origin` names its file in the report):
    /// they are listed as suppressed with the source `baseline`, and only new places count.
    pub fn baseline(
        &mut self,
        b: crate::baseline::Baseline,
        origin: impl Into<String>,
    ) -> &mut Self {
        self.baseline = Some((b, origin.into()));
        self
    }
    /// Fixes "now" (for expiry decisions and the timestamp); defaults to the current time.
    pub fn at(&mut self, now: OffsetDateTime) -> &mut Self {
        self.now = Some(now);
        self
    }

    /// Applies the configuration and scores.
    pub fn build(self, catalog: &Catalog, config: &Config) -> Report {
        let now = self.now.unwrap_or_else(OffsetDateTime::now_utc);
        let today = now.date();
        let mut notices = self.notices;
        let mut disabled: Vec<String> = Vec::new();
        let mut findings = Vec::new();
        let mut suppressed = Vec::new();
        let lookup = |id: &str| catalog.get(id).or_else(|| self.dynamic.get(id));

        // Compile suppression path globs once; note expired rules once.
        let mut rules = Vec::new();
        for rule in &config.suppress {
            let loc = config.locate(rule.check.span());
            if let Some(exp) = rule.expiry()
                && exp <= today
            {
                notices.push(format!(
                    "suppression of `{}` ({loc}) expired on {exp}: it no longer applies",
                    rule.check.get_ref()
                ));
                continue;
            }
            let mut gs = globset::GlobSetBuilder::new();
            for g in &rule.paths {
                if let Ok(g) = globset::Glob::new(g) {
                    gs.add(g);
                }
            }
            let set = gs.build().ok();
            rules.push((rule, set, loc));
        }

        for mut f in self.findings {
            if !config.enabled(&f.check) {
                if !disabled.contains(&f.check) {
                    disabled.push(f.check.clone());
                }
                continue;
            }
            if let Some(sev) = config.check_override(&f.check).and_then(|o| o.severity) {
                let default = lookup(&f.check).map(|c| c.severity).unwrap_or(f.severity);
                f.severity = if f.severity >= default {
                    sev
                } else {
                    sev.lowered()
                };
            }
            if f.suppressed.is_none()
                && !matches!(f.outcome, Outcome::Pass | Outcome::NotApplicable)
            {
                let path = f.primary_location().map(|(p, _)| p.to_string());
                for (rule, set, loc) in &rules {
                    if !rule.matches_check(&f.check) {
                        continue;
                    }
                    let path_ok = rule.paths.is_empty()
                        || match (&path, set) {
                            (Some(p), Some(set)) => set.is_match(p),
                            _ => false,
                        };
                    if path_ok {
                        f.suppressed = Some(Suppression {
                            source: "config".into(),
                            reason: rule.reason.clone(),
                            expires: rule.expiry().map(|d| d.to_string()),
                            location: Some(loc.clone()),
                        });
                        break;
                    }
                }
            }
            if f.suppressed.is_some() {
                suppressed.push(f);
            } else {
                findings.push(f);
            }
        }
        if let Some((b, origin)) = &self.baseline {
            let (kept, applied) = crate::baseline::apply(b, origin, findings, &mut suppressed);
            findings = kept;
            notices.push(format!(
                "baseline {origin}: {} place(s) accepted, {} new{}",
                applied.accepted,
                applied.new,
                if applied.gone > 0 {
                    format!(
                        ", {} entr{} no longer found (fixed or changed: `golive baseline write` refreshes it)",
                        applied.gone,
                        if applied.gone == 1 { "y" } else { "ies" }
                    )
                } else {
                    String::new()
                }
            ));
        }
        findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.check.cmp(&b.check))
                .then_with(|| a.evidence_key().cmp(&b.evidence_key()))
        });

        let score::Evaluation {
            results,
            categories,
            score: overall,
            verdict,
            stages,
            readiness,
        } = score::evaluate(&findings, catalog, &self.dynamic, &config.policy);

        let mut checks = BTreeMap::new();
        for f in findings.iter().chain(suppressed.iter()) {
            if let Some(c) = lookup(&f.check) {
                checks.entry(f.check.clone()).or_insert_with(|| c.clone());
            }
        }
        let action_plan = action_plan(&results, &findings, &checks);
        let mut target = self.target;
        if let Some(name) = &config.project.name {
            target.name = name.clone();
        }
        Report {
            schema: SCHEMA_VERSION.to_string(),
            tool: Tool {
                name: "golive".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            target,
            generated_at: timestamp(now),
            collectors: self.collectors,
            findings,
            suppressed,
            results,
            categories,
            score: overall,
            verdict,
            stages,
            readiness,
            action_plan,
            checks,
            disabled,
            skipped: self.skipped,
            notices,
        }
    }
}

impl Finding {
    fn evidence_key(&self) -> String {
        self.evidence
            .first()
            .map(Evidence::locator)
            .unwrap_or_default()
    }
}

fn action_plan(
    results: &[CheckResult],
    findings: &[Finding],
    checks: &BTreeMap<String, Check>,
) -> Vec<Phase> {
    // Findings by check, built once: looking them up per result would be quadratic in the
    // number of checks (a 50 000-item checklist adds 50 000 dynamic checks).
    let mut by_check: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in findings {
        by_check.entry(f.check.as_str()).or_default().push(f);
    }
    let item = |r: &CheckResult| {
        let check = checks.get(&r.check);
        let of_check: Vec<&Finding> = by_check
            .get(r.check.as_str())
            .into_iter()
            .flatten()
            .copied()
            .filter(|f| f.outcome == r.outcome)
            .collect();
        let mut locations: Vec<String> = of_check
            .iter()
            .flat_map(|f| {
                f.evidence
                    .iter()
                    .filter(|e| !matches!(e, Evidence::Note { .. }))
                    .map(Evidence::locator)
            })
            .collect();
        locations.dedup();
        locations.truncate(10);
        ActionItem {
            check: r.check.clone(),
            title: check
                .map(|c| c.title.clone())
                .unwrap_or_else(|| r.check.clone()),
            severity: r.severity,
            outcome: r.outcome,
            remediation: check.map(|c| c.remediation.clone()).unwrap_or_default(),
            locations,
            occurrences: of_check.len(),
        }
    };
    let phase = |title: &str, pick: &dyn Fn(&CheckResult) -> bool| Phase {
        title: title.to_string(),
        items: results.iter().filter(|r| pick(r)).map(item).collect(),
    };
    let needs_action = |r: &CheckResult| {
        matches!(
            r.outcome,
            Outcome::Fail
                | Outcome::Manual
                | Outcome::Warn
                | Outcome::Error
                | Outcome::Inconclusive
        )
    };
    let undecided = |r: &CheckResult| score::undecided_critical(r);
    let mut phases = vec![
        phase("critical blockers", &|r| {
            r.outcome.is_failure() && r.severity == Severity::Critical
        }),
        phase(
            "decide these first: critical checks golive could not decide",
            &undecided,
        ),
        phase("high-severity gaps", &|r| {
            r.outcome.is_failure() && r.severity == Severity::High
        }),
        phase(
            "the rest (medium and low gaps, warnings, checks to re-run)",
            &|r| {
                needs_action(r)
                    && !(r.outcome.is_failure() && r.severity >= Severity::High)
                    && !undecided(r)
            },
        ),
    ];
    for p in &mut phases {
        p.items.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.outcome.precedence().cmp(&a.outcome.precedence()))
                .then(a.check.cmp(&b.check))
        });
    }
    phases.retain(|p| !p.items.is_empty());
    for (i, p) in phases.iter_mut().enumerate() {
        p.title = format!("Phase {} — {}", i + 1, p.title);
    }
    phases
}

#[cfg(test)]
mod plan_tests {
    use crate::{Catalog, Config, Finding, Outcome, ReportBuilder, Target};

    #[test]
    fn an_undecided_critical_comes_early_as_decide_first() {
        let c = Catalog::builtin();
        let mut b = ReportBuilder::new(Target::default());
        b.collector(
            "probe",
            vec![
                Finding::new(
                    c.check("probe.tls-certificate"),
                    Outcome::Inconclusive,
                    "the handshake timed out",
                ),
                Finding::new(
                    c.check("probe.https-redirect"),
                    Outcome::Fail,
                    "no redirect",
                ),
                Finding::new(c.check("probe.hsts"), Outcome::Warn, "short max-age"),
                Finding::new(c.check("probe.reachable"), Outcome::Pass, "200"),
            ],
        );
        let r = b.build(c, &Config::default());
        let titles: Vec<&str> = r.action_plan.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Phase 1 — decide these first: critical checks golive could not decide",
                "Phase 2 — high-severity gaps",
                "Phase 3 — the rest (medium and low gaps, warnings, checks to re-run)",
            ]
        );
        assert_eq!(r.action_plan[0].items[0].check, "probe.tls-certificate");
        // never GO, and production is not claimed ready
        assert_ne!(r.verdict.decision, crate::Decision::Go);
        assert!(!r.stages[1].ready);
        assert_eq!(r.stages[1].undecided, ["probe.tls-certificate"]);
        assert!(r.readiness.starts_with("not ready for production: 1 blocker (probe.https-redirect); 1 critical check undecided (probe.tls-certificate)"), "{}", r.readiness);
    }
}

#[cfg(test)]
mod tests {
    use super::timestamp;
    use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

    fn at(nanos: u32, offset_hours: i8) -> OffsetDateTime {
        let date = Date::from_calendar_date(2026, Month::November, 21).unwrap();
        let time = Time::from_hms_nano(13, 48, 42, nanos).unwrap();
        PrimitiveDateTime::new(date, time)
            .assume_offset(UtcOffset::from_hms(offset_hours, 0, 0).unwrap())
    }

    #[test]
    fn timestamps_are_utc_to_the_millisecond() {
        assert_eq!(timestamp(at(513_987_654, 0)), "2026-11-21T13:48:42.513Z");
        assert_eq!(timestamp(at(0, 0)), "2026-11-21T13:48:42Z");
        // another offset is brought to UTC
        assert_eq!(timestamp(at(1_000_000, 2)), "2026-11-21T11:48:42.001Z");
    }
}
