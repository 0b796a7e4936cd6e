//! The terminal report. Three levels:
//! - `quiet`: the verdict line only;
//! - default: a view that fits a screen: header, an unreachable target in one line, the
//!   verdict with its reasons and the named blockers, the category bars (and sign-off
//!   progress), the top of the action plan with `file:line`, and "N more: --verbose";
//! - `verbose`: every finding with its evidence, the full action plan with remediation,
//!   suppressed findings and skipped files.
//!
//! ANSI colour only when asked; wrapped to the given width.

use crate::RenderOptions;
use crate::util::{
    Unreachable, blockers, category_score, display_width, is_routine_skip, needs_attention,
    score_text, severity_label, signoff_progress, truncate, unreachable, wrap_at,
};
use golive_core::{Category, Decision, Evidence, Finding, Outcome, Report, Severity};
use std::fmt::Write;

/// ANSI styling that is a no-op when colour is off.
#[derive(Clone, Copy)]
pub(crate) struct Paint {
    on: bool,
}

impl Paint {
    pub(crate) fn new(on: bool) -> Self {
        Paint { on }
    }
    pub(crate) fn sgr(&self, code: &str, s: &str) -> String {
        if self.on && !s.is_empty() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub(crate) fn bold(&self, s: &str) -> String {
        self.sgr("1", s)
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        self.sgr("2", s)
    }
    pub(crate) fn red(&self, s: &str) -> String {
        self.sgr("31", s)
    }
    pub(crate) fn green(&self, s: &str) -> String {
        self.sgr("32", s)
    }
    pub(crate) fn yellow(&self, s: &str) -> String {
        self.sgr("33", s)
    }
    pub(crate) fn cyan(&self, s: &str) -> String {
        self.sgr("36", s)
    }
    pub(crate) fn decision(&self, d: Decision, s: &str) -> String {
        match d {
            Decision::Go => self.sgr("1;30;42", s),
            Decision::Attention => self.sgr("1;30;43", s),
            Decision::NoGo => self.sgr("1;97;41", s),
        }
    }
    pub(crate) fn decision_fg(&self, d: Decision, s: &str) -> String {
        match d {
            Decision::Go => self.sgr("1;32", s),
            Decision::Attention => self.sgr("1;33", s),
            Decision::NoGo => self.sgr("1;31", s),
        }
    }
    pub(crate) fn severity(&self, sev: Severity, s: &str) -> String {
        match sev {
            Severity::Critical => self.sgr("1;31", s),
            Severity::High => self.sgr("31", s),
            Severity::Medium => self.sgr("33", s),
            Severity::Low => self.sgr("36", s),
        }
    }
    pub(crate) fn score(&self, score: Option<f64>, s: &str) -> String {
        match score {
            None => self.dim(s),
            Some(v) if v >= 80.0 => self.green(s),
            Some(v) if v >= 60.0 => self.yellow(s),
            Some(_) => self.red(s),
        }
    }
}

fn outcome_mark(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "✓",
        Outcome::Fail => "✗",
        Outcome::Warn => "!",
        Outcome::NotApplicable => "–",
        Outcome::Inconclusive => "?",
        Outcome::Manual => "☐",
        Outcome::Error => "⚠",
    }
}

fn paint_mark(p: &Paint, o: Outcome, sev: Severity) -> String {
    let m = outcome_mark(o);
    match o {
        Outcome::Pass => p.green(m),
        Outcome::Fail | Outcome::Manual => p.severity(sev, m),
        Outcome::Warn | Outcome::Inconclusive => p.yellow(m),
        Outcome::Error => p.red(m),
        Outcome::NotApplicable => p.dim(m),
    }
}

/// A bar of `width` cells for a 0–100 score (`n/a` draws an empty dotted bar).
pub(crate) fn bar(p: &Paint, score: Option<f64>, width: usize) -> String {
    match score {
        None => p.dim(&"·".repeat(width)),
        Some(v) => {
            let eighths = ((v.clamp(0.0, 100.0) / 100.0) * (width * 8) as f64).round() as usize;
            let full = eighths / 8;
            let part = eighths % 8;
            let mut s = "█".repeat(full);
            if part > 0 && full < width {
                s.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][part - 1]);
            }
            let used = full + usize::from(part > 0 && full < width);
            let rest = "░".repeat(width.saturating_sub(used));
            format!("{}{}", p.score(score, &s), p.dim(&rest))
        }
    }
}

const MAX_FINDINGS_PER_CHECK: usize = 5;
const MAX_EVIDENCE: usize = 3;
/// Action-plan items the default view shows.
const PLAN_TOP: usize = 8;
/// Blockers the default view names one per line.
const BLOCKERS_TOP: usize = 6;

/// Renders the terminal report.
pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let p = Paint::new(opts.color);
    let width = opts.width.clamp(40, 240);
    if opts.quiet {
        return quiet_line(report, &p);
    }
    let unreachable = unreachable(report);
    let mut o = String::new();

    header(&mut o, report, &p, width);
    if let Some(u) = &unreachable {
        let _ = writeln!(
            o,
            "{} {}\n",
            p.decision(Decision::NoGo, " UNREACHABLE "),
            p.bold(&wrap_at(u.message, width, 15, "               "))
        );
    }
    verdict(&mut o, report, &p, width);
    blocker_list(&mut o, report, &p, width, opts.verbose);
    categories(
        &mut o,
        report,
        &p,
        width,
        opts.verbose,
        unreachable.as_ref(),
    );
    if opts.verbose {
        action_plan(&mut o, report, &p, width, unreachable.as_ref());
        suppressed(&mut o, report, &p, width);
    } else {
        plan_top(&mut o, report, &p, width, unreachable.as_ref());
    }
    footer(&mut o, report, &p, width, opts.verbose);
    o
}

/// `NO-GO  score 25/100 — not ready for staging: 8 blockers (…)`: one line, for `--quiet`.
fn quiet_line(r: &Report, p: &Paint) -> String {
    let d = r.verdict.decision;
    let score = match r.score {
        Some(s) => format!("score {}/100", score_text(Some(s))),
        None => "score n/a".to_string(),
    };
    format!(
        "{} {} — {}\n",
        p.decision_fg(d, d.as_str()),
        p.score(r.score, &score),
        r.readiness
    )
}

/// Room for a title between a head of `head_w` columns and a location tail on one line of
/// `width`: the tail is shortened first when both do not fit.
fn fit(width: usize, head_w: usize, tail: &str) -> (usize, String) {
    let room = width.saturating_sub(head_w + 2);
    let tail_w = display_width(tail);
    if tail.is_empty() {
        return (room.max(1), String::new());
    }
    if room >= tail_w + 2 + 16 {
        return (room - tail_w - 2, tail.to_string());
    }
    let title_w = (room / 2).max(1);
    let tail = truncate(tail, room.saturating_sub(title_w + 2).max(1));
    (title_w, tail)
}

/// `s` padded with spaces to `w` columns (longer ids are left as they are).
fn pad(s: &str, w: usize) -> String {
    let n = display_width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

fn header(o: &mut String, r: &Report, p: &Paint, width: usize) {
    let _ = writeln!(
        o,
        "{} {} {}",
        p.bold("golive"),
        p.dim("·"),
        p.bold(&truncate(&r.target.name, width.saturating_sub(10)))
    );
    let field = |o: &mut String, k: &str, v: &str| {
        let _ = writeln!(
            o,
            "  {} {}",
            p.dim(&format!("{k:<10}")),
            wrap_at(v, width, 13, "             ")
        );
    };
    if let Some(path) = &r.target.path {
        field(o, "path", path);
    }
    if let Some(url) = &r.target.url {
        field(o, "url", url);
    }
    let stacks = if r.target.stacks.is_empty() {
        "none detected".to_string()
    } else {
        r.target
            .stacks
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    field(o, "stacks", &stacks);
    let collectors = if r.collectors.is_empty() {
        "none".to_string()
    } else {
        r.collectors.join(", ")
    };
    field(o, "collectors", &collectors);
    field(
        o,
        "time",
        &format!(
            "{}  ({} {})",
            crate::util::display_time(&r.generated_at),
            r.tool.name,
            r.tool.version
        ),
    );
    o.push('\n');
}

fn verdict(o: &mut String, r: &Report, p: &Paint, width: usize) {
    let d = r.verdict.decision;
    let badge = p.decision(d, &format!(" {} ", d.as_str()));
    let score = match r.score {
        Some(s) => format!("score {}/100", score_text(Some(s))),
        None => "score n/a".to_string(),
    };
    let _ = writeln!(o, "{badge}  {}", p.bold(&p.score(r.score, &score)));
    // Readiness on its own line so it wraps cleanly.
    let _ = writeln!(o, "  {}", p.bold(&wrap_at(&r.readiness, width, 2, "  ")));
    for reason in &r.verdict.reasons {
        let _ = writeln!(
            o,
            "  {} {}",
            p.decision_fg(d, "•"),
            wrap_at(reason, width, 4, "    ")
        );
    }
    for also in &r.verdict.also {
        let _ = writeln!(
            o,
            "  {} {}",
            p.dim("also:"),
            p.dim(&wrap_at(also, width, 8, "        "))
        );
    }
    o.push('\n');
}

/// The named blockers of the first stage that is not ready (production first).
fn blocker_list(o: &mut String, r: &Report, p: &Paint, width: usize, verbose: bool) {
    let list = blockers(r);
    if list.is_empty() {
        return;
    }
    let stage = r
        .stages
        .iter()
        .find(|s| s.stage == golive_core::Stage::Production && !s.ready)
        .or_else(|| r.stages.iter().find(|s| !s.ready))
        .map_or("production", |s| s.stage.as_str());
    let _ = writeln!(
        o,
        "{} {}",
        p.bold(&format!("Blockers for {stage}")),
        p.dim(&format!("({})", list.len()))
    );
    let limit = if verbose { usize::MAX } else { BLOCKERS_TOP };
    let id_w = list
        .iter()
        .take(limit)
        .map(|b| display_width(&b.result.check))
        .max()
        .unwrap_or(0)
        .min(34);
    for b in list.iter().take(limit) {
        let outcome = b.result.outcome;
        let sev = b.result.severity;
        let mut tail = String::new();
        if b.undecided {
            tail.push_str("undecided");
        }
        if let Some(l) = b.location {
            if !tail.is_empty() {
                tail.push_str(" · ");
            }
            tail.push_str(l);
            if b.occurrences > 1 {
                tail.push_str(&format!(" (+{})", b.occurrences - 1));
            }
        }
        let id = pad(&b.result.check, id_w);
        let head_w = 14 + display_width(&id);
        let (title_w, tail) = fit(width, head_w, &tail);
        let _ = writeln!(
            o,
            "  {} {} {}  {}{}",
            paint_mark(p, outcome, sev),
            p.severity(sev, &format!("{:<8}", severity_label(sev))),
            p.bold(&id),
            p.dim(&truncate(b.title, title_w)),
            if tail.is_empty() {
                String::new()
            } else {
                format!("  {}", p.cyan(&tail))
            }
        );
        // What the check found, in at most two lines (every detail with --verbose).
        if let Some(m) = b
            .message
            .map(|m| m.split_whitespace().collect::<Vec<_>>().join(" "))
        {
            let indent = "             ";
            let wrapped = wrap_at(&m, width, indent.len(), indent);
            let lines: Vec<&str> = wrapped.lines().collect();
            for (i, line) in lines.iter().take(2).enumerate() {
                let line = line.trim_start();
                let line = if i == 1 && lines.len() > 2 {
                    truncate(
                        &format!("{line} …"),
                        width.saturating_sub(indent.len()).max(10),
                    )
                } else {
                    line.to_string()
                };
                let _ = writeln!(o, "{indent}{}", p.dim(&line));
            }
        }
    }
    if list.len() > limit {
        let _ = writeln!(
            o,
            "  {}",
            p.dim(&format!(
                "{} more: the action plan below goes on with them (--verbose lists all)",
                list.len() - limit
            ))
        );
    }
    o.push('\n');
}

/// The top of the action plan, one line per item with its first `file:line`.
fn plan_top(o: &mut String, r: &Report, p: &Paint, width: usize, u: Option<&Unreachable>) {
    // The blockers were just listed (up to BLOCKERS_TOP): the plan goes on from there instead
    // of printing them again.
    let listed: Vec<String> = blockers(r)
        .iter()
        .take(BLOCKERS_TOP)
        .map(|b| b.result.check.clone())
        .collect();
    let items: Vec<(&str, &golive_core::ActionItem)> = r
        .action_plan
        .iter()
        .flat_map(|ph| ph.items.iter().map(move |i| (ph.title.as_str(), i)))
        .filter(|(_, i)| !u.is_some_and(|u| u.is_undecidable(&i.check)))
        .filter(|(_, i)| !listed.contains(&i.check))
        .collect();
    if items.is_empty() && u.is_none_or(|u| u.undecidable.is_empty()) {
        return;
    }
    let _ = writeln!(
        o,
        "{} {}",
        p.bold(if listed.is_empty() {
            "Action plan"
        } else {
            "Action plan, after the blockers above"
        }),
        p.dim(&if items.len() > PLAN_TOP {
            format!("(top {PLAN_TOP} of {})", items.len())
        } else {
            format!("({})", items.len())
        })
    );
    let id_w = items
        .iter()
        .take(PLAN_TOP)
        .map(|(_, i)| display_width(&i.check))
        .max()
        .unwrap_or(0)
        .min(34);
    let mut phase = "";
    for (n, (title, item)) in items.iter().take(PLAN_TOP).enumerate() {
        if *title != phase {
            phase = title;
            let _ = writeln!(o, "  {}", p.bold(&truncate(title, width.saturating_sub(2))));
        }
        let num = format!("{:>2}.", n + 1);
        let mut tail = String::new();
        if let Some(l) = item.locations.first() {
            tail = l.clone();
            if item.occurrences > 1 {
                tail.push_str(&format!(" (+{})", item.occurrences - 1));
            }
        }
        let sev = format!("{:<8}", severity_label(item.severity));
        let id = pad(&item.check, id_w);
        let head_w = 5 + sev.len() + 1 + display_width(&id) + 2;
        let (title_w, tail) = fit(width, head_w, &tail);
        let _ = writeln!(
            o,
            "  {} {} {}  {}{}",
            p.dim(&num),
            p.severity(item.severity, &sev),
            p.bold(&id),
            truncate(&item.title, title_w),
            if tail.is_empty() {
                String::new()
            } else {
                format!("  {}", p.cyan(&tail))
            }
        );
    }
    if let Some(u) = u.filter(|u| !u.undecidable.is_empty()) {
        let _ = writeln!(o, "  {} {}", p.yellow("?"), p.dim(&u.summary()));
    }
    let more = items.len().saturating_sub(PLAN_TOP);
    let mut hints = Vec::new();
    if more > 0 {
        hints.push(format!("{more} more: --verbose"));
    } else {
        hints.push("--verbose shows every finding and remediation".to_string());
    }
    hints.push("`golive explain CHECK` says why and how to fix".to_string());
    let _ = writeln!(
        o,
        "  {}",
        p.dim(&wrap_at(&hints.join(" · "), width, 2, "  "))
    );
    o.push('\n');
}

fn categories(
    o: &mut String,
    r: &Report,
    p: &Paint,
    width: usize,
    verbose: bool,
    u: Option<&Unreachable>,
) {
    let _ = writeln!(o, "{}", p.bold("Categories"));
    let bar_w = if width >= 80 { 24 } else { 12 };
    let mut not_assessed = Vec::new();
    let by_check = r.findings_by_check();
    for cat in Category::ALL {
        let mut results: Vec<_> = r.results.iter().filter(|x| x.category == cat).collect();
        results.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.outcome.precedence().cmp(&a.outcome.precedence()))
                .then(a.check.cmp(&b.check))
        });
        let sup = r
            .suppressed
            .iter()
            .filter(|f| r.check(&f.check).is_some_and(|c| c.category == cat))
            .count();
        if results.is_empty() && sup == 0 {
            not_assessed.push(cat.title());
            continue;
        }
        let score = category_score(r, cat).and_then(|c| c.score);
        let counts = category_score(r, cat).map(|c| c.counts.clone());
        let mut tally = Vec::new();
        if let Some(c) = &counts {
            for (n, label) in [
                (c.fail, "failing"),
                (c.manual, "unsigned"),
                (c.warn, "warn"),
                (c.error, "error"),
                (c.inconclusive, "inconclusive"),
                (c.pass, "pass"),
                (c.not_applicable, "n/a"),
            ] {
                if n > 0 {
                    tally.push(format!("{n} {label}"));
                }
            }
        }
        if sup > 0 {
            tally.push(format!("{sup} suppressed"));
        }
        let _ = writeln!(
            o,
            "  {:<14} {} {:>4}  {}",
            cat.title(),
            bar(p, score, bar_w),
            p.score(score, &score_text(score)),
            p.dim(&tally.join(" · "))
        );
        // Findings of this category: only in the verbose view (the default view names the
        // blockers and the top of the action plan instead of printing every finding twice).
        let mut shown = false;
        for res in &results {
            if !verbose || u.is_some_and(|u| u.is_undecidable(&res.check)) {
                continue;
            }
            shown = true;
            check_block(
                o,
                r,
                by_check.get(res.check.as_str()).map_or(&[], Vec::as_slice),
                p,
                width,
                &res.check,
                res.outcome,
                res.severity,
                verbose,
            );
        }
        if shown {
            o.push('\n');
        }
    }
    if let Some((signed, total)) = signoff_progress(r) {
        let pct = 100.0 * signed as f64 / total as f64;
        let _ = writeln!(
            o,
            "  {:<14} {} {:>4}  {}",
            "Sign-offs",
            bar(p, Some(pct), bar_w),
            p.score(Some(pct), &score_text(Some(pct))),
            p.dim(&truncate(
                &format!(
                    "{signed} of {total} manual items signed (at most {:.0} % of a score)",
                    golive_core::score::SIGNOFF_SHARE * 100.0
                ),
                width.saturating_sub(22 + bar_w).max(10)
            ))
        );
    }
    if verbose && let Some(u) = u.filter(|u| !u.undecidable.is_empty()) {
        let _ = writeln!(
            o,
            "  {} {}:",
            p.yellow("?"),
            wrap_at(&u.summary(), width, 4, "    ")
        );
        let _ = writeln!(
            o,
            "    {}",
            p.dim(&wrap_at(&u.undecidable.join(", "), width, 4, "    "))
        );
    }
    if !not_assessed.is_empty() {
        let _ = writeln!(
            o,
            "  {}",
            p.dim(&wrap_at(
                &format!("not assessed: {}", not_assessed.join(", ")),
                width,
                2,
                "  "
            ))
        );
    }
    o.push('\n');
}

#[allow(clippy::too_many_arguments)]
fn check_block(
    o: &mut String,
    r: &Report,
    of_check: &[&Finding],
    p: &Paint,
    width: usize,
    id: &str,
    outcome: Outcome,
    severity: Severity,
    verbose: bool,
) {
    let title = r.check(id).map(|c| c.title.as_str()).unwrap_or(id);
    let label = format!("{:<8}", severity_label(severity));
    let _ = writeln!(
        o,
        "    {} {} {}  {}",
        paint_mark(p, outcome, severity),
        p.severity(severity, &label),
        p.bold(id),
        p.dim(&truncate(
            title,
            width.saturating_sub(17 + display_width(id)).max(8)
        ))
    );
    let shown: Vec<&Finding> = of_check
        .iter()
        .copied()
        .filter(|f| verbose || needs_attention(f.outcome))
        .collect();
    let limit = if verbose {
        usize::MAX
    } else {
        MAX_FINDINGS_PER_CHECK
    };
    let indent = "               ";
    for f in shown.iter().take(limit) {
        let mark = if f.outcome == outcome {
            " ".to_string()
        } else {
            paint_mark(p, f.outcome, f.severity)
        };
        let _ = writeln!(
            o,
            "             {mark} {}",
            wrap_at(&f.message, width, 15, indent)
        );
        evidence_lines(o, f, p, width, verbose);
    }
    if shown.len() > limit {
        let _ = writeln!(
            o,
            "               {}",
            p.dim(&format!(
                "… and {} more (--verbose shows all)",
                shown.len() - limit
            ))
        );
    }
}

fn evidence_lines(o: &mut String, f: &Finding, p: &Paint, width: usize, verbose: bool) {
    let limit = if verbose { usize::MAX } else { MAX_EVIDENCE };
    let indent = "                 ";
    for e in f.evidence.iter().take(limit) {
        match e {
            Evidence::File { snippet, .. } => {
                let _ = writeln!(o, "               {} {}", p.dim("at"), p.cyan(&e.locator()));
                if let Some(s) = snippet.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    let _ = writeln!(
                        o,
                        "                 {} {}",
                        p.dim("│"),
                        p.dim(&truncate(s, width.saturating_sub(20).max(20)))
                    );
                }
            }
            Evidence::Http {
                elapsed_ms,
                body_excerpt,
                ..
            } => {
                let mut line = e.locator();
                if let Some(ms) = elapsed_ms {
                    line.push_str(&format!(" ({ms:.0} ms)"));
                }
                let _ = writeln!(
                    o,
                    "               {} {}",
                    p.dim("http"),
                    p.cyan(&wrap_at(&line, width, 20, indent))
                );
                if verbose && let Some(b) = body_excerpt.as_deref().filter(|b| !b.trim().is_empty())
                {
                    let _ = writeln!(
                        o,
                        "                 {} {}",
                        p.dim("│"),
                        p.dim(&truncate(b.trim(), width.saturating_sub(20).max(20)))
                    );
                }
            }
            Evidence::Metric { .. } => {
                let _ = writeln!(
                    o,
                    "               {} {}",
                    p.dim("metric"),
                    wrap_at(&e.locator(), width, 22, indent)
                );
            }
            Evidence::Command { .. } => {
                let _ = writeln!(
                    o,
                    "               {} {}",
                    p.dim("ran"),
                    wrap_at(&e.locator(), width, 19, indent)
                );
            }
            Evidence::SignOff { note, expires, .. } => {
                let mut line = e.locator();
                if let Some(x) = expires {
                    line.push_str(&format!(", expires {x}"));
                }
                if let Some(n) = note {
                    line.push_str(&format!(": {n}"));
                }
                let _ = writeln!(
                    o,
                    "               {} {}",
                    p.dim("sign-off"),
                    wrap_at(&line, width, 24, indent)
                );
            }
            Evidence::Note { text } => {
                let _ = writeln!(
                    o,
                    "               {}",
                    p.dim(&wrap_at(text, width, 15, "               "))
                );
            }
        }
    }
    if f.evidence.len() > limit {
        let _ = writeln!(
            o,
            "               {}",
            p.dim(&format!("… {} more location(s)", f.evidence.len() - limit))
        );
    }
}

fn action_plan(o: &mut String, r: &Report, p: &Paint, width: usize, u: Option<&Unreachable>) {
    if r.action_plan.is_empty() {
        return;
    }
    let _ = writeln!(o, "{}", p.bold("Action plan"));
    let mut n = 0;
    for phase in &r.action_plan {
        let items: Vec<_> = phase
            .items
            .iter()
            .filter(|i| !u.is_some_and(|u| u.is_undecidable(&i.check)))
            .collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(o, "  {}", p.bold(&wrap_at(&phase.title, width, 2, "    ")));
        for item in items {
            n += 1;
            let num = format!("{n:>2}.");
            let occ = if item.occurrences > 1 {
                format!(" ({} places)", item.occurrences)
            } else {
                String::new()
            };
            let _ = writeln!(
                o,
                "  {} {} {} {}{}",
                p.dim(&num),
                p.severity(item.severity, severity_label(item.severity)),
                p.bold(&item.check),
                wrap_at(
                    &item.title,
                    width,
                    8 + severity_label(item.severity).len() + item.check.len(),
                    "      "
                ),
                p.dim(&occ)
            );
            if !item.remediation.trim().is_empty() {
                let _ = writeln!(
                    o,
                    "      {}",
                    wrap_at(item.remediation.trim(), width, 6, "      ")
                );
            }
            if !item.locations.is_empty() {
                let shown: Vec<&str> = item.locations.iter().take(3).map(String::as_str).collect();
                let more = if item.occurrences > shown.len() {
                    format!(" … +{}", item.occurrences - shown.len())
                } else {
                    String::new()
                };
                let _ = writeln!(
                    o,
                    "      {} {}{}",
                    p.dim("where:"),
                    p.cyan(&wrap_at(&shown.join(", "), width, 13, "             ")),
                    p.dim(&more)
                );
            }
        }
    }
    if let Some(u) = u.filter(|u| !u.undecidable.is_empty()) {
        let _ = writeln!(o, "  {} {}", p.yellow("?"), p.dim(&u.summary()));
    }
    o.push('\n');
}

fn suppressed(o: &mut String, r: &Report, p: &Paint, width: usize) {
    if r.suppressed.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "{} {}",
        p.bold("Suppressed"),
        p.dim(&format!("({}; listed, not scored)", r.suppressed.len()))
    );
    for f in &r.suppressed {
        let Some(s) = &f.suppressed else { continue };
        let loc = crate::util::primary_locator(f)
            .map(|l| format!(" at {l}"))
            .unwrap_or_default();
        let head = format!("  ~ {} {}", severity_label(f.severity), f.check);
        let head_w = display_width(&head);
        let loc = wrap_at(&loc, width, head_w, "      ");
        let _ = writeln!(
            o,
            "  {} {} {}{}",
            p.dim("~"),
            p.severity(f.severity, severity_label(f.severity)),
            p.bold(&f.check),
            p.cyan(&loc)
        );
        let mut why = format!("“{}”", s.reason.trim());
        let mut origin = vec![s.source.clone()];
        if let Some(l) = &s.location {
            origin.push(l.clone());
        }
        if let Some(x) = &s.expires {
            origin.push(format!("expires {x}"));
        }
        why.push_str(&format!(" — {}", origin.join(", ")));
        let _ = writeln!(o, "      {}", p.dim(&wrap_at(&why, width, 6, "      ")));
    }
    o.push('\n');
}

fn footer(o: &mut String, r: &Report, p: &Paint, width: usize, verbose: bool) {
    if !r.disabled.is_empty() {
        let _ = writeln!(
            o,
            "{} {}",
            p.dim("Disabled in golive.toml:"),
            wrap_at(&r.disabled.join(", "), width, 25, "  ")
        );
    }
    if !r.notices.is_empty() {
        let _ = writeln!(o, "{}", p.bold("Notices"));
        for n in &r.notices {
            let _ = writeln!(o, "  {} {}", p.yellow("!"), wrap_at(n, width, 4, "    "));
        }
    }
    if !verbose && !r.suppressed.is_empty() {
        let _ = writeln!(
            o,
            "{}",
            p.dim(&wrap_at(
                &format!(
                    "{} finding(s) suppressed in golive.toml or inline; --verbose lists them.",
                    r.suppressed.len()
                ),
                width,
                0,
                "  "
            ))
        );
    }
    if !r.skipped.is_empty() {
        let (routine, notable): (Vec<_>, Vec<_>) =
            r.skipped.iter().partition(|s| is_routine_skip(&s.reason));
        if !notable.is_empty() {
            let _ = writeln!(
                o,
                "{}",
                p.dim(&wrap_at(
                    &format!(
                        "Skipped {} file(s) (too large or unreadable){}",
                        notable.len(),
                        if verbose {
                            ":"
                        } else {
                            "; --verbose lists them."
                        }
                    ),
                    width,
                    0,
                    "  "
                ))
            );
            if verbose {
                for s in &notable {
                    let _ = writeln!(
                        o,
                        "  {}",
                        wrap_at(&format!("{} — {}", s.path, s.reason), width, 2, "    ")
                    );
                }
            }
        }
        if verbose && !routine.is_empty() {
            let _ = writeln!(
                o,
                "{}",
                p.dim(&format!(
                    "Passed over {} binary file(s) and symbolic link(s).",
                    routine.len()
                ))
            );
        }
    }
}
