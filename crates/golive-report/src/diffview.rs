//! Drawing a [`ReportDiff`] (`golive diff`): terminal and Markdown (JSON is serde).

use crate::RenderOptions;
use crate::terminal::Paint;
use crate::util::{delta_text, md_code, md_escape, score_text, severity_label, truncate, wrap_at};
use golive_core::diff::{DiffItem, ReportDiff, Resolution};
use std::fmt::Write;

fn resolution_text(r: Option<Resolution>) -> &'static str {
    match r {
        Some(Resolution::Passes) => "now passes",
        Some(Resolution::GoneHere) => "gone here; the check still reports elsewhere",
        Some(Resolution::NotApplicable) => "now not applicable",
        Some(Resolution::Suppressed) => "suppressed, not fixed",
        Some(Resolution::Disabled) => "check disabled in golive.toml",
        Some(Resolution::NotReported) => "check not run in the after report",
        None => "",
    }
}

fn paint_delta(p: &Paint, d: Option<f64>) -> String {
    let t = delta_text(d);
    match d {
        Some(v) if v.round() > 0.0 => p.green(&t),
        Some(v) if v.round() < 0.0 => p.red(&t),
        _ => p.dim(&t),
    }
}

const STILL_FAILING_SHOWN: usize = 15;

/// Terminal view of a diff.
pub fn terminal(d: &ReportDiff, opts: &RenderOptions) -> String {
    let p = Paint::new(opts.color);
    let width = opts.width.clamp(40, 240);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {} {}",
        p.bold("golive diff"),
        p.dim("·"),
        p.bold(&d.after.target)
    );
    let _ = writeln!(
        o,
        "  {} {}\n  {} {}\n",
        p.dim("before"),
        crate::util::display_time(&d.before.generated_at),
        p.dim("after "),
        crate::util::display_time(&d.after.generated_at)
    );
    let _ = writeln!(
        o,
        "{} {} {}   score {} → {} ({})",
        p.decision(d.before.decision, &format!(" {} ", d.before.decision)),
        p.dim("→"),
        p.decision(d.after.decision, &format!(" {} ", d.after.decision)),
        score_text(d.before.score),
        p.bold(&score_text(d.after.score)),
        paint_delta(&p, d.score_delta)
    );
    let _ = writeln!(
        o,
        "  {}\n",
        wrap_at(&format!("now {}", d.after.readiness), width, 2, "  ")
    );

    let _ = writeln!(o, "{}", p.bold("Categories"));
    for c in &d.categories {
        if c.before.is_none() && c.after.is_none() {
            continue;
        }
        let _ = writeln!(
            o,
            "  {:<14} {:>4} → {:>4}   {}",
            c.category.title(),
            score_text(c.before),
            score_text(c.after),
            paint_delta(&p, c.delta)
        );
    }
    o.push('\n');

    let section = |o: &mut String, title: String, items: &[DiffItem], mark: String| {
        let _ = writeln!(o, "{}", p.bold(&title));
        if items.is_empty() {
            let _ = writeln!(o, "  {}", p.dim("none"));
        }
        for it in items {
            let loc = it
                .location
                .as_deref()
                .map(|l| format!("  {}", p.cyan(&truncate(l, width / 2))))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {mark} {} {}{}",
                p.severity(it.severity, &format!("{:<8}", severity_label(it.severity))),
                p.bold(&it.check),
                loc
            );
            let mut msg = it.message.clone();
            if let Some(after) = it.outcome_after {
                msg = format!("{} → {}: {msg}", it.outcome.as_str(), after.as_str());
            }
            let res = resolution_text(it.resolution);
            if !res.is_empty() {
                msg = format!("{msg} ({res})");
            }
            let _ = writeln!(
                o,
                "             {}",
                wrap_at(&msg, width, 13, "             ")
            );
        }
        o.push('\n');
    };
    section(
        &mut o,
        format!("Fixed ({})", d.fixed.len()),
        &d.fixed,
        p.green("✓"),
    );
    section(&mut o, format!("New ({})", d.new.len()), &d.new, p.red("✗"));
    // Still failing is context, not news: the most severe first, the rest counted.
    let limit = if opts.verbose {
        d.still_failing.len()
    } else {
        STILL_FAILING_SHOWN
    };
    section(
        &mut o,
        format!("Still failing ({})", d.still_failing.len()),
        &d.still_failing[..d.still_failing.len().min(limit)],
        p.yellow("•"),
    );
    if d.still_failing.len() > limit {
        // `section` ended with a blank line; put the note before it.
        o.pop();
        let _ = writeln!(
            o,
            "  {}\n",
            p.dim(&format!(
                "… and {} more (--verbose or --format json lists them all)",
                d.still_failing.len() - limit
            ))
        );
    }
    o
}

/// Markdown view of a diff.
pub fn markdown(d: &ReportDiff) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# golive diff: {}\n", md_escape(&d.after.target));
    let _ = writeln!(
        o,
        "**{} → {}** — score {} → **{}** ({})\n",
        d.before.decision,
        d.after.decision,
        score_text(d.before.score),
        score_text(d.after.score),
        delta_text(d.score_delta)
    );
    let _ = writeln!(
        o,
        "Before: {} · After: {} · now {}\n",
        md_escape(&d.before.generated_at),
        md_escape(&d.after.generated_at),
        md_escape(&d.after.readiness)
    );
    let _ = writeln!(o, "| category | before | after | Δ |\n|---|---:|---:|---:|");
    for c in &d.categories {
        if c.before.is_none() && c.after.is_none() {
            continue;
        }
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            c.category.title(),
            score_text(c.before),
            score_text(c.after),
            delta_text(c.delta)
        );
    }
    o.push('\n');
    for (title, items) in [
        ("Fixed", &d.fixed),
        ("New", &d.new),
        ("Still failing", &d.still_failing),
    ] {
        let _ = writeln!(o, "## {title} ({})\n", items.len());
        if items.is_empty() {
            let _ = writeln!(o, "None.\n");
            continue;
        }
        for it in items.iter() {
            let loc = it
                .location
                .as_deref()
                .map(|l| format!(" at {}", md_code(l)))
                .unwrap_or_default();
            let mut extra = String::new();
            if let Some(a) = it.outcome_after {
                extra = format!(" ({} → {})", it.outcome.as_str(), a.as_str());
            }
            let res = resolution_text(it.resolution);
            if !res.is_empty() {
                extra = format!(" ({res})");
            }
            let _ = writeln!(
                o,
                "- **{}** {}{} — {}{}",
                severity_label(it.severity),
                md_code(&it.check),
                loc,
                md_escape(&it.message),
                extra
            );
        }
        o.push('\n');
    }
    o
}
