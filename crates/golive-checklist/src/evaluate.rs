//! From evidence to item statuses, and from items to report findings.
//!
//! - A mapped item takes the outcome of its checks' findings (the worst one, as scoring does),
//!   held to the item's own thresholds when a finding carries the measured metric ("p95 < 200 ms"
//!   is stricter than the load check's default). No finding at all → inconclusive: the collector
//!   that owns the check did not run (never a pass).
//! - A manual item is a pass only with a valid sign-off; unsigned, expired or withdrawn → manual
//!   (which scores as a failure).
//! - A box ticked in the Markdown is a claim, not evidence: it counts for nothing.

use crate::mapping::Mapper;
use crate::signoff::{Latest, SignOffs, Standing, date_of};
use crate::text::printable;
use crate::{Checklist, Item};
use golive_core::{Catalog, Check, Collector, Evidence, Finding, Outcome, Severity, Stage};
use serde::Serialize;
use std::collections::HashMap;
use time::OffsetDateTime;

/// The standing of one item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemStatus {
    pub id: String,
    pub outcome: Outcome,
    /// Whether automated checks decide it (else: sign-off).
    pub automated: bool,
    /// One line: `pass: Dockerfile:12`, `signed by Marie 2026-11-20`, `manual: not signed off`.
    pub note: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

impl ItemStatus {
    /// Whether the box may be ticked.
    pub fn ticked(&self) -> bool {
        self.outcome == Outcome::Pass
    }
}

fn metric_of(f: &Finding) -> Option<(f64, Option<&str>)> {
    f.evidence.iter().find_map(|e| match e {
        Evidence::Metric { value, unit, .. } => Some((*value, unit.as_deref())),
        _ => None,
    })
}

/// Holds a finding to the item's own threshold when both speak of the same measure.
fn item_threshold(item: &Item, f: &Finding) -> Option<(bool, String)> {
    let (value, unit) = metric_of(f)?;
    let key = match f.check.as_str() {
        "load.p95-latency" => "p95_latency",
        "load.mean-latency" => {
            if item.params.contains_key("mean_latency") {
                "mean_latency"
            } else {
                "latency"
            }
        }
        "load.error-rate" => "error_rate",
        "tests.coverage-threshold" => "coverage",
        _ => return None,
    };
    let p = item.params.get(key)?;
    let measured = match (key, unit) {
        ("error_rate" | "coverage", Some("%")) => value,
        ("error_rate" | "coverage", _) => return None,
        (_, Some("ms")) => value,
        (_, Some("s")) => value * 1000.0,
        _ => return None,
    };
    let limit = if key.ends_with("latency") {
        p.as_millis()?
    } else {
        p.value
    };
    let probe = crate::params::Param {
        op: p.op.clone(),
        value: limit,
        unit: None,
    };
    let ok = probe.holds(measured);
    let shown_unit = if key.ends_with("latency") { "ms" } else { "%" };
    Some((
        ok,
        format!("{key} = {measured} {shown_unit}, the item asks {p}"),
    ))
}

/// The status of every item.
pub fn evaluate(
    cl: &Checklist,
    signoffs: &SignOffs,
    findings: &[Finding],
    catalog: &Catalog,
    now: OffsetDateTime,
) -> Vec<ItemStatus> {
    let latest = signoffs.latest();
    // Unsuppressed findings by check, built once (a scan of every finding per item would be
    // quadratic on big checklists and big reports).
    let mut by_check: HashMap<&str, Vec<usize>> = HashMap::new();
    for (n, f) in findings.iter().enumerate() {
        if f.suppressed.is_none() {
            by_check.entry(f.check.as_str()).or_default().push(n);
        }
    }
    cl.items
        .iter()
        .map(|i| evaluate_item(i, &latest, findings, &by_check, catalog, now))
        .collect()
}

fn sign_off_status(item: &Item, signoffs: &Latest<'_>, now: OffsetDateTime) -> ItemStatus {
    let (outcome, note, evidence) = match signoffs.standing(&item.id, now) {
        Standing::Valid(e) => (
            Outcome::Pass,
            format!("signed by {} {}", printable(&e.by), date_of(&e.at)),
            vec![Evidence::SignOff {
                by: printable(&e.by).into_owned(),
                at: e.at.clone(),
                note: e.note.clone(),
                evidence_url: e.evidence.clone(),
                expires: e.expires.clone(),
            }],
        ),
        Standing::Expired(e) => (
            Outcome::Manual,
            format!(
                "sign-off expired on {} (signed by {} {}): sign again",
                e.expires.as_deref().unwrap_or("?"),
                printable(&e.by),
                date_of(&e.at)
            ),
            Vec::new(),
        ),
        Standing::Withdrawn(e) => (
            Outcome::Manual,
            format!(
                "manual: sign-off withdrawn by {} {} ({})",
                printable(&e.by),
                date_of(&e.at),
                printable(e.reason.as_deref().unwrap_or(""))
            ),
            Vec::new(),
        ),
        Standing::None => (
            Outcome::Manual,
            "manual: not signed off".to_string(),
            Vec::new(),
        ),
    };
    ItemStatus {
        id: item.id.clone(),
        outcome,
        automated: false,
        note,
        evidence,
    }
}

fn evaluate_item(
    item: &Item,
    signoffs: &Latest<'_>,
    findings: &[Finding],
    by_check: &HashMap<&str, Vec<usize>>,
    catalog: &Catalog,
    now: OffsetDateTime,
) -> ItemStatus {
    if item.is_manual() {
        return sign_off_status(item, signoffs, now);
    }
    let mut worst: Option<(Outcome, String, Vec<Evidence>)> = None;
    // The findings of the item's checks, in report order.
    let mut of_item: Vec<usize> = item
        .mapped
        .iter()
        .filter_map(|c| by_check.get(c.as_str()))
        .flatten()
        .copied()
        .collect();
    of_item.sort_unstable();
    of_item.dedup();
    for f in of_item.into_iter().map(|n| &findings[n]) {
        let (mut outcome, mut why) = (f.outcome, String::new());
        if let Some((ok, text)) = item_threshold(item, f) {
            outcome = if ok { Outcome::Pass } else { Outcome::Fail };
            why = text;
        }
        // Not-applicable only counts when nothing else is known.
        let rank = |o: Outcome| {
            if o == Outcome::NotApplicable {
                0
            } else {
                o.precedence()
            }
        };
        if worst
            .as_ref()
            .is_none_or(|(w, _, _)| rank(outcome) > rank(*w))
        {
            let loc = f
                .evidence
                .first()
                .map(Evidence::locator)
                .unwrap_or_else(|| f.message.clone());
            let note = if why.is_empty() {
                format!("{}: {} {loc}", outcome.as_str().replace('-', " "), f.check)
            } else {
                format!("{}: {} {why}", outcome.as_str(), f.check)
            };
            worst = Some((outcome, note, f.evidence.clone()));
        }
    }
    if let Some((outcome, note, evidence)) = worst {
        return ItemStatus {
            id: item.id.clone(),
            outcome,
            automated: true,
            note: truncate(&note.replace('\n', " "), 110),
            evidence,
        };
    }
    // No check ran: a valid sign-off may stand in; otherwise inconclusive.
    let signed = sign_off_status(item, signoffs, now);
    if signed.outcome == Outcome::Pass {
        return signed;
    }
    let (known, unknown): (Vec<&String>, Vec<&String>) =
        item.mapped.iter().partition(|c| catalog.get(c).is_some());
    let mut why = Vec::new();
    if !known.is_empty() {
        let names: Vec<String> = known.iter().map(|s| s.to_string()).collect();
        why.push(format!("{} not run", names.join(", ")));
    }
    if !unknown.is_empty() {
        let names: Vec<String> = unknown.iter().map(|s| s.to_string()).collect();
        why.push(format!(
            "{} not in this golive's catalog yet",
            names.join(", ")
        ));
    }
    ItemStatus {
        id: item.id.clone(),
        outcome: Outcome::Inconclusive,
        automated: true,
        note: format!("inconclusive: {}", why.join("; ")),
        evidence: Vec::new(),
    }
}

/// What `golive check` adds to the report for an imported checklist.
#[derive(Debug, Default)]
pub struct ReportAdditions {
    /// One dynamic check per manual item (`checklist.<item-id>`).
    pub dynamic: Vec<Check>,
    /// Manual items' findings, and inconclusive findings for mapped checks no collector ran.
    pub findings: Vec<Finding>,
    pub notices: Vec<String>,
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// Builds the checklist's contribution to a report. `prior` are the findings the collectors of
/// this invocation produced: mapped items link to them; mapped checks without any finding get an
/// inconclusive finding naming the items.
///
/// `store` is the checklist file (`.golive/checklist.toml`) as the report should cite it,
/// relative to the audited repository: findings then point at the imported copy of each
/// document (`.golive/checklist.d/0-HASH.md:12`), which is what the line numbers refer to and what
/// travels with the repository, rather than at the original file (often an absolute path on
/// the importer's machine). `None` cites the documents by the path they were imported from.
pub fn report_additions(
    cl: &Checklist,
    store: Option<&std::path::Path>,
    signoffs: &SignOffs,
    prior: &[Finding],
    catalog: &Catalog,
    mapper: &Mapper,
    now: OffsetDateTime,
) -> ReportAdditions {
    let mut out = ReportAdditions::default();
    let file_of = |i: &Item| match store {
        Some(store) => cl
            .document_path(store, i.document)
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/"),
        None => cl
            .documents
            .get(i.document)
            .map(|d| d.path.clone())
            .unwrap_or_default(),
    };
    let original_of = |i: &Item| {
        cl.documents
            .get(i.document)
            .map(|d| d.path.clone())
            .unwrap_or_default()
    };
    // Mapped checks nobody produced findings for, with the items that point at them.
    let mut missing: Vec<(String, Vec<&Item>)> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let latest = signoffs.latest();
    let produced: std::collections::HashSet<&str> =
        prior.iter().map(|f| f.check.as_str()).collect();
    for item in cl.items.iter().filter(|i| !i.is_manual()) {
        for c in &item.mapped {
            if produced.contains(c.as_str()) {
                continue;
            }
            if catalog.get(c).is_none() {
                if !unknown.contains(c) {
                    unknown.push(c.clone());
                }
                continue;
            }
            match missing.iter_mut().find(|(id, _)| id == c) {
                Some((_, v)) => v.push(item),
                None => missing.push((c.clone(), vec![item])),
            }
        }
    }
    for (c, items) in missing {
        let check = catalog.check(&c);
        let who = match check.collector {
            Collector::Probe => {
                "the live probe did not run in this invocation (set [probe] in golive.toml)"
            }
            Collector::Load => {
                "the load test did not run in this invocation (set [load] in golive.toml)"
            }
            Collector::Smoke => {
                "the smoke tests did not run in this invocation (set [smoke] in golive.toml)"
            }
            _ => "no collector produced a finding for it in this invocation",
        };
        let names: Vec<String> = items
            .iter()
            .take(3)
            .map(|i| format!("“{}”", truncate(&i.text, 60)))
            .collect();
        let mut f = Finding::new(
            check,
            Outcome::Inconclusive,
            format!(
                "checklist item{} {} map{} here, but {who}",
                if items.len() > 1 { "s" } else { "" },
                names.join(", "),
                if items.len() > 1 { "" } else { "s" }
            ),
        );
        for i in items.iter().take(10) {
            f = f.with_evidence(Evidence::at_with_snippet(
                file_of(i),
                i.line,
                1,
                truncate(&i.text, 120),
            ));
        }
        out.findings.push(f);
    }
    if !unknown.is_empty() {
        unknown.sort();
        out.notices.push(format!(
            "checklist: items map to checks this golive does not have yet ({}); they stay inconclusive",
            unknown.join(", ")
        ));
    }
    for item in cl.items.iter().filter(|i| i.is_manual()) {
        let severity = item.severity.unwrap_or(Severity::Medium);
        let file = file_of(item);
        let check = Check {
            id: item.check_id(),
            title: truncate(&item.text, 120),
            category: mapper.category(&item.section, &item.text),
            severity,
            stage: Stage::Production,
            collector: Collector::Checklist,
            rationale: format!(
                "Manual item of the imported checklist ({file}:{}, section “{}”{}). No automated check covers it, so a named person has to vouch for it.",
                item.line,
                item.section_path(),
                match original_of(item) {
                    o if o != file && !o.is_empty() => format!(", imported from {o}"),
                    _ => String::new(),
                }
            ),
            remediation: format!(
                "Do what the item asks, then record it: `golive checklist sign {} --by NAME [--note TEXT] [--evidence URL] [--expires 90d]`.",
                item.id
            ),
            references: Vec::new(),
            tags: vec!["checklist".into()],
        };
        let st = sign_off_status(item, &latest, now);
        let mut f = Finding::new(
            &check,
            st.outcome,
            format!("{} — {}", truncate(&item.text, 100), st.note),
        );
        f.evidence = st.evidence;
        f = f.with_evidence(Evidence::at_with_snippet(
            file,
            item.line,
            1,
            truncate(&item.text, 120),
        ));
        out.findings.push(f);
        out.dynamic.push(check);
    }
    out
}

/// Per-section summary for `golive checklist status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SectionSummary {
    pub file: String,
    pub section: Vec<String>,
    pub automated_pass: usize,
    pub automated_fail: usize,
    pub automated_inconclusive: usize,
    /// Automated items whose checks do not apply to this project (left out of the percentage).
    pub not_applicable: usize,
    pub manual_signed: usize,
    pub manual_unsigned: usize,
    /// Sign-offs that expired (counted in `manual_unsigned` too).
    pub expired: usize,
    pub total: usize,
    /// Share of items with evidence (ticked), 0–100.
    pub percent: f64,
}

/// Groups statuses by file and section, in document order.
pub fn summarize(cl: &Checklist, statuses: &[ItemStatus]) -> Vec<SectionSummary> {
    let mut out: Vec<SectionSummary> = Vec::new();
    // (file, section) → index in `out`: a lookup per item, not a scan of every section.
    let mut index: HashMap<(&str, &[String]), usize> = HashMap::new();
    for (item, st) in cl.items.iter().zip(statuses) {
        let file = cl
            .documents
            .get(item.document)
            .map_or("", |d| d.path.as_str());
        let idx = *index
            .entry((file, item.section.as_slice()))
            .or_insert_with(|| {
                let file = file.to_string();
                out.push(SectionSummary {
                    file,
                    section: item.section.clone(),
                    ..Default::default()
                });
                out.len() - 1
            });
        let s = &mut out[idx];
        s.total += 1;
        if st.automated && !st.note.starts_with("signed by") {
            match st.outcome {
                Outcome::Pass => s.automated_pass += 1,
                Outcome::NotApplicable => s.not_applicable += 1,
                Outcome::Fail | Outcome::Warn | Outcome::Error | Outcome::Manual => {
                    s.automated_fail += 1
                }
                Outcome::Inconclusive => s.automated_inconclusive += 1,
            }
        } else if st.outcome == Outcome::Pass {
            s.manual_signed += 1;
        } else {
            s.manual_unsigned += 1;
            if st.note.starts_with("sign-off expired") {
                s.expired += 1;
            }
        }
    }
    for s in &mut out {
        let ticked = s.automated_pass + s.manual_signed;
        let counted = s.total - s.not_applicable;
        s.percent = if counted == 0 {
            0.0
        } else {
            (1000.0 * ticked as f64 / counted as f64).round() / 10.0
        };
    }
    out
}
