//! The Markdown report a team pastes into a release ticket: executive summary, category table,
//! gaps by severity with remediation and evidence, the action plan, suppressed items, notices.

use crate::util::{
    category_has_results, md_code, md_escape, md_inline, needs_attention, primary_locator,
    score_text, severity_label,
};
use golive_core::{Category, Decision, Evidence, Finding, Outcome, Report, Severity};
use std::fmt::Write;

fn decision_icon(d: Decision) -> &'static str {
    match d {
        Decision::Go => "🟢",
        Decision::Attention => "🟡",
        Decision::NoGo => "🔴",
    }
}

fn evidence_md(e: &Evidence) -> String {
    match e {
        Evidence::File { snippet, .. } => match snippet.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => format!("{} — {}", md_code(&e.locator()), md_code(s)),
            _ => md_code(&e.locator()),
        },
        Evidence::Note { text } => md_escape(text),
        other => md_code(&other.locator()),
    }
}

/// Renders the Markdown report.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let d = r.verdict.decision;
    let _ = writeln!(o, "# Production readiness: {}\n", md_escape(&r.target.name));
    let _ = writeln!(
        o,
        "> {} **{}** — score **{}/100** — {}\n",
        decision_icon(d),
        d.as_str(),
        score_text(r.score),
        md_escape(&r.readiness)
    );

    // Executive summary.
    let _ = writeln!(o, "## Summary\n");
    let mut meta = Vec::new();
    if let Some(p) = &r.target.path {
        meta.push(format!("path {}", md_code(p)));
    }
    if let Some(u) = &r.target.url {
        meta.push(format!("URL {}", md_code(u)));
    }
    if !r.target.stacks.is_empty() {
        meta.push(format!(
            "stacks: {}",
            md_escape(
                &r.target
                    .stacks
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        ));
    }
    meta.push(format!(
        "collectors: {}",
        md_escape(&if r.collectors.is_empty() {
            "none".to_string()
        } else {
            r.collectors.join(", ")
        })
    ));
    meta.push(format!(
        "{} {} at {}",
        md_escape(&r.tool.name),
        md_escape(&r.tool.version),
        md_escape(&crate::util::display_time(&r.generated_at))
    ));
    let _ = writeln!(o, "{}\n", meta.join(" · "));
    let _ = writeln!(o, "**Why {}:**\n", d.as_str());
    for reason in &r.verdict.reasons {
        let _ = writeln!(o, "- {}", md_escape(reason));
    }
    o.push('\n');
    if !r.verdict.also.is_empty() {
        let _ = writeln!(o, "**Also:**\n");
        for also in &r.verdict.also {
            let _ = writeln!(o, "- {}", md_escape(also));
        }
        o.push('\n');
    }
    if let Some((signed, total)) = crate::util::signoff_progress(r) {
        let _ = writeln!(
            o,
            "**Sign-offs:** {signed} of {total} manual checklist items signed (they weigh at most {:.0} % of a score).\n",
            golive_core::score::SIGNOFF_SHARE * 100.0
        );
    }
    let failing: usize = r.results.iter().filter(|x| x.outcome.is_failure()).count();
    let warns = r
        .results
        .iter()
        .filter(|x| x.outcome == Outcome::Warn)
        .count();
    let passing = r
        .results
        .iter()
        .filter(|x| x.outcome == Outcome::Pass)
        .count();
    let _ = writeln!(
        o,
        "{} check(s) assessed: {passing} passing, {failing} failing, {warns} warning(s); {} suppressed finding(s).\n",
        r.results.len(),
        r.suppressed.len()
    );

    // Category table.
    let _ = writeln!(o, "## Categories\n");
    let _ = writeln!(
        o,
        "| category | score | pass | warn | fail | other |\n|---|---:|---:|---:|---:|---:|"
    );
    for cat in Category::ALL {
        let Some(c) = r.categories.iter().find(|c| c.category == cat) else {
            continue;
        };
        if !category_has_results(r, cat) {
            let _ = writeln!(o, "| {} | n/a | – | – | – | – |", cat.title());
            continue;
        }
        let n = &c.counts;
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            cat.title(),
            score_text(c.score),
            n.pass,
            n.warn,
            n.fail + n.manual,
            n.error + n.inconclusive + n.not_applicable
        );
    }
    o.push('\n');

    // Gaps by severity.
    let gaps: Vec<_> = r
        .results
        .iter()
        .filter(|x| needs_attention(x.outcome))
        .collect();
    let _ = writeln!(o, "## Gaps\n");
    let by_check = r.findings_by_check();
    if gaps.is_empty() {
        let _ = writeln!(o, "No failing, warning or undecided check.\n");
    }
    for sev in Severity::ALL {
        let of: Vec<_> = gaps.iter().filter(|g| g.severity == sev).collect();
        if of.is_empty() {
            continue;
        }
        let _ = writeln!(o, "### {} ({})\n", severity_label(sev), of.len());
        for g in of {
            let check = r.check(&g.check);
            let title = check.map(|c| c.title.as_str()).unwrap_or(&g.check);
            let _ = writeln!(
                o,
                "#### {} {} — {}\n",
                md_code(&g.check),
                md_escape(title),
                g.outcome.as_str()
            );
            let findings: Vec<&Finding> = by_check
                .get(g.check.as_str())
                .into_iter()
                .flatten()
                .copied()
                .filter(|f| needs_attention(f.outcome))
                .collect();
            for f in findings.iter().take(10) {
                let _ = writeln!(o, "- {}", md_inline(&f.message));
                for e in f.evidence.iter().take(5) {
                    let _ = writeln!(o, "  - {}", evidence_md(e));
                }
            }
            if findings.len() > 10 {
                let _ = writeln!(o, "- … and {} more", findings.len() - 10);
            }
            if let Some(c) = check {
                let _ = writeln!(o, "\n**Fix.** {}\n", c.remediation.trim());
            } else {
                o.push('\n');
            }
        }
    }

    // Action plan.
    if !r.action_plan.is_empty() {
        let _ = writeln!(o, "## Action plan\n");
        for phase in &r.action_plan {
            let _ = writeln!(o, "### {}\n", md_escape(&phase.title));
            for item in &phase.items {
                let where_ = if item.locations.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (at {})",
                        item.locations
                            .iter()
                            .take(3)
                            .map(|l| md_code(l))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let _ = writeln!(
                    o,
                    "- [ ] **{}** {} — {}{}",
                    severity_label(item.severity),
                    md_code(&item.check),
                    md_escape(&item.title),
                    where_
                );
                if !item.remediation.trim().is_empty() {
                    let _ = writeln!(o, "  {}", item.remediation.trim().replace('\n', " "));
                }
            }
            o.push('\n');
        }
    }

    // Suppressed.
    if !r.suppressed.is_empty() {
        let _ = writeln!(
            o,
            "## Suppressed ({})\n\nListed, not scored: suppressed findings are left out of the score.\n",
            r.suppressed.len()
        );
        let _ = writeln!(
            o,
            "| check | severity | where | reason | suppressed by | expires |\n|---|---|---|---|---|---|"
        );
        for f in &r.suppressed {
            let Some(s) = &f.suppressed else { continue };
            let at = primary_locator(f)
                .map(|l| md_code(&l))
                .unwrap_or_else(|| "everywhere".into());
            let by = match &s.location {
                Some(l) => format!("{} {}", md_escape(&s.source), md_code(l)),
                None => md_escape(&s.source),
            };
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} |",
                md_code(&f.check),
                f.severity,
                at,
                md_escape(&s.reason),
                by,
                s.expires.as_deref().map(md_escape).unwrap_or("–".into())
            );
        }
        o.push('\n');
    }

    if !r.disabled.is_empty() {
        let _ = writeln!(
            o,
            "**Disabled in golive.toml:** {}\n",
            r.disabled
                .iter()
                .map(|d| md_code(d))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !r.notices.is_empty() {
        let _ = writeln!(o, "## Notices\n");
        for n in &r.notices {
            let _ = writeln!(o, "- {}", md_escape(n));
        }
        o.push('\n');
    }
    if !r.skipped.is_empty() {
        let _ = writeln!(
            o,
            "<details><summary>{} file(s) skipped</summary>\n",
            r.skipped.len()
        );
        for s in &r.skipped {
            let _ = writeln!(o, "- {} — {}", md_code(&s.path), md_escape(&s.reason));
        }
        let _ = writeln!(o, "\n</details>\n");
    }
    let _ = writeln!(
        o,
        "<sub>Generated by {} {}. Score = 100 × Σ(weight × credit) / Σ(weight); weights critical 10, high 7.5, medium 5, low 2.5.</sub>",
        md_escape(&r.tool.name),
        md_escape(&r.tool.version)
    );
    o
}
