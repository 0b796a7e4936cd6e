//! JUnit XML: one `<testsuite>` per category, one `<testcase>` per check. Fail and unsigned
//! manual → `<failure>`; error → `<error>`; not-applicable, inconclusive and suppressed →
//! `<skipped>` with the reason; pass and warn pass (a warning is written to `<system-out>`).
//!
//! Valid against Jenkins' `junit-10.xsd` (the de-facto schema GitLab also reads): `<testsuites>`
//! carries only name, tests, failures, errors and time. `time` is what the evidence measured —
//! the run time of a load test, the response times of probe and smoke requests — in seconds, and
//! 0 for a static check.

use crate::util::{severity_label, xml_escape};
use golive_core::{Category, Evidence, Finding, Outcome, Report};
use std::fmt::Write;

struct Case {
    /// Seconds the evidence of this check measured.
    time: f64,
    name: String,
    classname: String,
    body: String,
    failure: bool,
    error: bool,
    skipped: bool,
}

fn locations(findings: &[&Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(out, "[{}] {}", f.outcome.as_str(), f.message);
        for e in &f.evidence {
            match e {
                Evidence::Note { text } => {
                    let _ = writeln!(out, "    note: {text}");
                }
                Evidence::SignOff { .. } => {
                    let _ = writeln!(out, "    {}", e.locator());
                }
                _ => {
                    let _ = writeln!(out, "    at {}", e.locator());
                }
            }
        }
    }
    out
}

/// Seconds measured by the evidence of some findings: a `duration` metric (a load run) and the
/// elapsed time of HTTP exchanges (probe, smoke).
fn seconds(findings: &[&Finding]) -> f64 {
    let mut total = 0.0;
    for f in findings {
        for e in &f.evidence {
            match e {
                Evidence::Metric {
                    name, value, unit, ..
                } if name == "duration" && value.is_finite() && *value > 0.0 => {
                    total += match unit.as_deref() {
                        Some("ms") => value / 1000.0,
                        Some("s") | None => *value,
                        Some(_) => 0.0,
                    };
                }
                Evidence::Http {
                    elapsed_ms: Some(ms),
                    ..
                } if ms.is_finite() && *ms > 0.0 => total += ms / 1000.0,
                _ => {}
            }
        }
    }
    total
}

/// A time attribute: seconds with millisecond precision (`2.013`), as junit-10.xsd's
/// SUREFIRE_TIME pattern allows (digits, one dot, digits).
fn time_attr(secs: f64) -> String {
    if secs.is_finite() && secs > 0.0 {
        format!("{secs:.3}")
    } else {
        "0".to_string()
    }
}

fn cases_of(report: &Report, cat: Category) -> Vec<Case> {
    let mut cases = Vec::new();
    let by_check = report.findings_by_check();
    let in_results: std::collections::HashSet<&str> =
        report.results.iter().map(|r| r.check.as_str()).collect();
    for r in report.results.iter().filter(|r| r.category == cat) {
        let title = report
            .check(&r.check)
            .map(|c| c.title.as_str())
            .unwrap_or("");
        let name = if title.is_empty() {
            r.check.clone()
        } else {
            format!("{}: {title}", r.check)
        };
        let findings: Vec<&Finding> = by_check.get(r.check.as_str()).cloned().unwrap_or_default();
        let relevant: Vec<&Finding> = findings
            .iter()
            .copied()
            .filter(|f| f.outcome == r.outcome)
            .collect();
        let first = relevant
            .first()
            .map(|f| f.message.clone())
            .unwrap_or_default();
        let remediation = report
            .check(&r.check)
            .map(|c| c.remediation.trim().to_string())
            .unwrap_or_default();
        let mut case = Case {
            time: seconds(&findings),
            name,
            classname: cat.as_str().to_string(),
            body: String::new(),
            failure: false,
            error: false,
            skipped: false,
        };
        match r.outcome {
            Outcome::Fail | Outcome::Manual => {
                case.failure = true;
                let what = if r.outcome == Outcome::Manual {
                    "manual item without a valid sign-off"
                } else {
                    "failed"
                };
                let msg = format!(
                    "{} {}: {} ({} finding(s))",
                    severity_label(r.severity),
                    what,
                    first,
                    relevant.len()
                );
                let text = format!("{}\nHow to fix: {}\n", locations(&relevant), remediation);
                case.body = format!(
                    "<failure message=\"{}\" type=\"{}\">{}</failure>",
                    xml_escape(&msg),
                    r.outcome.as_str(),
                    xml_escape(&text)
                );
            }
            Outcome::Error => {
                case.error = true;
                case.body = format!(
                    "<error message=\"{}\" type=\"error\">{}</error>",
                    xml_escape(&format!("the check could not run: {first}")),
                    xml_escape(&locations(&relevant))
                );
            }
            Outcome::NotApplicable | Outcome::Inconclusive => {
                case.skipped = true;
                let label = if r.outcome == Outcome::NotApplicable {
                    "not applicable"
                } else {
                    "inconclusive (never a pass)"
                };
                case.body = format!(
                    "<skipped message=\"{}\"/>",
                    xml_escape(&format!("{label}: {first}"))
                );
            }
            Outcome::Warn => {
                case.body = format!(
                    "<system-out>{}</system-out>",
                    xml_escape(&format!("warning\n{}", locations(&relevant)))
                );
            }
            Outcome::Pass => {
                if !first.is_empty() {
                    case.body = format!("<system-out>{}</system-out>", xml_escape(&first));
                }
            }
        }
        cases.push(case);
    }
    // Checks whose every finding is suppressed: listed as skipped, with the reason.
    let mut seen: Vec<&str> = Vec::new();
    for f in &report.suppressed {
        let Some(c) = report.check(&f.check) else {
            continue;
        };
        if c.category != cat
            || seen.contains(&f.check.as_str())
            || in_results.contains(f.check.as_str())
        {
            continue;
        }
        seen.push(&f.check);
        let reason = f
            .suppressed
            .as_ref()
            .map(|s| s.reason.clone())
            .unwrap_or_default();
        cases.push(Case {
            time: 0.0,
            name: format!("{}: {}", c.id, c.title),
            classname: cat.as_str().to_string(),
            body: format!(
                "<skipped message=\"{}\"/>",
                xml_escape(&format!("suppressed: {reason}"))
            ),
            failure: false,
            error: false,
            skipped: true,
        });
    }
    cases
}

/// Renders the JUnit XML document.
pub fn render(report: &Report) -> String {
    let mut suites = String::new();
    let (mut t, mut f, mut e, mut total) = (0, 0, 0, 0.0);
    for cat in Category::ALL {
        let cases = cases_of(report, cat);
        if cases.is_empty() {
            continue;
        }
        let failures = cases.iter().filter(|c| c.failure).count();
        let errors = cases.iter().filter(|c| c.error).count();
        let skipped = cases.iter().filter(|c| c.skipped).count();
        let time: f64 = cases.iter().map(|c| c.time).sum();
        t += cases.len();
        f += failures;
        e += errors;
        total += time;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\" timestamp=\"{}\">",
            xml_escape(cat.as_str()),
            cases.len(),
            failures,
            errors,
            skipped,
            time_attr(time),
            xml_escape(&report.generated_at)
        );
        for c in &cases {
            if c.body.is_empty() {
                let _ = writeln!(
                    suites,
                    "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"/>",
                    xml_escape(&c.name),
                    xml_escape(&c.classname),
                    time_attr(c.time)
                );
            } else {
                let _ = writeln!(
                    suites,
                    "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\">\n      {}\n    </testcase>",
                    xml_escape(&c.name),
                    xml_escape(&c.classname),
                    time_attr(c.time),
                    c.body
                );
            }
        }
        let _ = writeln!(suites, "  </testsuite>");
    }
    // No `skipped` on <testsuites>: junit-10.xsd does not allow it (each suite has its own).
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{}\" tests=\"{t}\" failures=\"{f}\" errors=\"{e}\" time=\"{}\">\n{suites}</testsuites>\n",
        xml_escape(&format!(
            "golive: {} — {} (score {})",
            report.target.name,
            report.verdict.decision,
            crate::util::score_text(report.score)
        )),
        time_attr(total)
    )
}
