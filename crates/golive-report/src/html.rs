//! The HTML report: one self-contained file (inline CSS, no scripts, no external assets),
//! a verdict badge, category bars as inline SVG, the findings table, the action plan and the
//! suppressed findings. Every piece of report text is HTML-escaped.

use crate::util::{
    needs_attention, primary_locator, score_text, severity_label, xml_escape as esc,
};
use golive_core::{Category, Decision, Evidence, Outcome, Report, Severity};
use std::fmt::Write;

const CSS: &str = r#"
:root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f5f7fa;--card:#fff;
--go:#1f9d55;--att:#d69e2e;--nogo:#c53030;--crit:#9b1c1c;--high:#c53030;--med:#b7791f;--low:#2b6cb0}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:32px 24px 48px}
header.top{display:flex;gap:24px;align-items:center;justify-content:space-between;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:24px 28px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:32px 0 12px}
h3{font-size:15px;margin:20px 0 8px}
.meta{color:var(--muted);font-size:13px}
.meta b{color:var(--ink);font-weight:600}
.badge{display:inline-block;padding:10px 18px;border-radius:10px;color:#fff;font-weight:800;font-size:22px;letter-spacing:.04em;white-space:nowrap}
.badge.go{background:var(--go)}.badge.attention{background:var(--att)}.badge.no-go{background:var(--nogo)}
.verdict{text-align:right}
.score{font-size:14px;color:var(--muted);margin-top:6px}
.score b{font-size:26px;color:var(--ink)}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:18px 22px;margin-top:16px}
.readiness{font-size:15px;font-weight:600;margin:0 0 6px}
ul.reasons{margin:6px 0 0;padding-left:20px}
.stages{margin-top:12px;display:flex;gap:8px;flex-wrap:wrap}
.stage{border-radius:999px;padding:3px 12px;font-size:12px;font-weight:600}
.stage.ready{background:#e3f9e5;color:#1f7a45}.stage.blocked{background:#fde8e8;color:#9b1c1c}
table{width:100%;border-collapse:collapse;font-size:13px}
th,td{text-align:left;padding:7px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f4f8;border-radius:4px;padding:1px 4px;word-break:break-all}
.sev{display:inline-block;min-width:64px;text-align:center;border-radius:4px;padding:1px 6px;font-size:11px;font-weight:700;color:#fff}
.sev.critical{background:var(--crit)}.sev.high{background:var(--high)}.sev.medium{background:var(--med)}.sev.low{background:var(--low)}
.out{font-size:12px;font-weight:600}
.out.fail,.out.manual,.out.error{color:var(--nogo)}.out.warn,.out.inconclusive{color:var(--med)}.out.pass{color:var(--go)}.out.not-applicable{color:var(--muted)}
.ev{color:var(--muted);font-size:12px;margin-top:3px}
.phase{margin-top:14px}
.item{border-left:3px solid var(--line);padding:4px 0 6px 12px;margin:10px 0}
.item.critical{border-color:var(--crit)}.item.high{border-color:var(--high)}.item.medium{border-color:var(--med)}.item.low{border-color:var(--low)}
.item p{margin:4px 0}
.muted{color:var(--muted)}
td.check code{word-break:normal;white-space:nowrap}
td.nowrap{white-space:nowrap}
.notice{background:#fffbea;border:1px solid #f7e3a1;border-radius:8px;padding:8px 12px;margin:6px 0}
footer{color:var(--muted);font-size:12px;margin-top:32px}
svg text{font:12px -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Arial,sans-serif}
"#;

/// The findings table stops here; a browser does not need 20,000 rows to make the point.
const MAX_ROWS: usize = 500;

fn decision_class(d: Decision) -> &'static str {
    match d {
        Decision::Go => "go",
        Decision::Attention => "attention",
        Decision::NoGo => "no-go",
    }
}

fn score_color(s: Option<f64>) -> &'static str {
    match s {
        None => "#cbd2d9",
        Some(v) if v >= 80.0 => "#1f9d55",
        Some(v) if v >= 60.0 => "#d69e2e",
        Some(_) => "#c53030",
    }
}

fn sev_class(s: Severity) -> &'static str {
    s.as_str()
}

/// The category chart: one horizontal bar per category, as inline SVG.
fn category_svg(r: &Report) -> String {
    let rows: Vec<(Category, Option<f64>, bool)> = Category::ALL
        .iter()
        .map(|&c| {
            let s = r
                .categories
                .iter()
                .find(|x| x.category == c)
                .and_then(|x| x.score);
            let assessed = r.results.iter().any(|x| x.category == c);
            (c, s, assessed)
        })
        .collect();
    let row_h = 26;
    let (label_w, bar_w, val_w) = (130, 560, 60);
    let w = label_w + bar_w + val_w;
    let h = rows.len() * row_h + 8;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Category scores\" viewBox=\"0 0 {w} {h}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">"
    );
    for (i, (c, score, assessed)) in rows.iter().enumerate() {
        let y = i * row_h + 4;
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\" fill=\"#1f2933\">{}</text>",
            y + 15,
            esc(c.title())
        );
        let _ = write!(
            s,
            "<rect x=\"{label_w}\" y=\"{}\" width=\"{bar_w}\" height=\"14\" rx=\"4\" fill=\"#edf0f3\"/>",
            y + 4
        );
        if let Some(v) = score {
            // A failing category keeps a visible sliver, so 0 is not mistaken for n/a.
            let fill = ((v.clamp(0.0, 100.0) / 100.0) * bar_w as f64)
                .round()
                .max(4.0);
            let _ = write!(
                s,
                "<rect x=\"{label_w}\" y=\"{}\" width=\"{fill}\" height=\"14\" rx=\"4\" fill=\"{}\"><title>{}: {}</title></rect>",
                y + 4,
                score_color(*score),
                esc(c.title()),
                score_text(*score)
            );
        }
        let label = if *assessed || score.is_some() {
            score_text(*score)
        } else {
            "n/a".to_string()
        };
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{}\" font-weight=\"600\">{}</text>",
            w - 4,
            y + 15,
            if score.is_some() {
                "#1f2933"
            } else {
                "#9aa5b1"
            },
            esc(&label)
        );
    }
    s.push_str("</svg>");
    s
}

fn evidence_html(e: &Evidence) -> String {
    match e {
        Evidence::File { snippet, .. } => match snippet.as_deref().map(str::trim) {
            Some(sn) if !sn.is_empty() => format!(
                "<code>{}</code> <code>{}</code>",
                esc(&e.locator()),
                esc(sn)
            ),
            _ => format!("<code>{}</code>", esc(&e.locator())),
        },
        Evidence::Note { text } => esc(text),
        other => format!("<code>{}</code>", esc(&other.locator())),
    }
}

/// Renders the HTML document.
pub fn render(r: &Report, verbose: bool) -> String {
    let d = r.verdict.decision;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"{} {}\">\n<title>{} — {} — golive</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&r.tool.name),
        esc(&r.tool.version),
        esc(&r.target.name),
        d.as_str()
    );

    // Header and verdict.
    let mut meta = Vec::new();
    if let Some(p) = &r.target.path {
        meta.push(format!("<b>path</b> <code>{}</code>", esc(p)));
    }
    if let Some(u) = &r.target.url {
        meta.push(format!("<b>url</b> <code>{}</code>", esc(u)));
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
    meta.push(format!("<b>stacks</b> {}", esc(&stacks)));
    meta.push(format!(
        "<b>collectors</b> {}",
        esc(&r.collectors.join(", "))
    ));
    meta.push(format!(
        "<b>generated</b> <time datetime=\"{}\">{}</time>",
        esc(&r.generated_at),
        esc(&crate::util::display_time(&r.generated_at))
    ));
    let _ = write!(
        o,
        "<header class=\"top\">\n<div>\n<h1>{}</h1>\n<div class=\"meta\">{}</div>\n</div>\n<div class=\"verdict\"><span class=\"badge {}\">{}</span>\n<div class=\"score\"><b>{}</b> / 100</div></div>\n</header>\n",
        esc(&r.target.name),
        meta.join(" &nbsp;·&nbsp; "),
        decision_class(d),
        esc(d.as_str()),
        esc(&score_text(r.score))
    );
    let _ = write!(
        o,
        "<section class=\"card\">\n<p class=\"readiness\">{}</p>\n<ul class=\"reasons\">\n",
        esc(&capitalize(&r.readiness))
    );
    for reason in &r.verdict.reasons {
        let _ = writeln!(o, "<li>{}</li>", esc(reason));
    }
    o.push_str("</ul>\n<div class=\"stages\">");
    for st in &r.stages {
        let (class, label) = if st.ready {
            ("ready", format!("✓ {}", st.stage.as_str()))
        } else {
            (
                "blocked",
                format!(
                    "✗ {} — {} blocker{}",
                    st.stage.as_str(),
                    st.blockers.len(),
                    if st.blockers.len() == 1 { "" } else { "s" }
                ),
            )
        };
        let _ = write!(
            o,
            "<span class=\"stage {class}\" title=\"{}\">{}</span>",
            esc(&st.blockers.join(", ")),
            esc(&label)
        );
    }
    o.push_str("</div>\n</section>\n");

    // Categories.
    let _ = write!(
        o,
        "<h2>Categories</h2>\n<section class=\"card\">\n{}\n</section>\n",
        category_svg(r)
    );

    // Findings table.
    let rows: Vec<_> = r
        .findings
        .iter()
        .filter(|f| verbose || needs_attention(f.outcome))
        .collect();
    let _ = write!(
        o,
        "<h2>Findings ({})</h2>\n<section class=\"card\">\n",
        rows.len()
    );
    if rows.is_empty() {
        o.push_str("<p class=\"muted\">No failing, warning or undecided check.</p>\n");
    } else {
        o.push_str("<table>\n<thead><tr><th>severity</th><th>outcome</th><th>check</th><th>category</th><th>finding</th></tr></thead>\n<tbody>\n");
        for f in rows.iter().take(MAX_ROWS) {
            let cat = r.check(&f.check).map(|c| c.category.title()).unwrap_or("");
            let ev: Vec<String> = f.evidence.iter().take(5).map(evidence_html).collect();
            let more = if f.evidence.len() > 5 {
                format!(" … +{}", f.evidence.len() - 5)
            } else {
                String::new()
            };
            let _ = writeln!(
                o,
                "<tr><td><span class=\"sev {}\">{}</span></td><td><span class=\"out {}\">{}</span></td><td class=\"check\"><code>{}</code></td><td>{}</td><td>{}{}</td></tr>",
                sev_class(f.severity),
                severity_label(f.severity),
                f.outcome.as_str(),
                esc(f.outcome.as_str()),
                esc(&f.check),
                esc(cat),
                inline_code(&f.message),
                if ev.is_empty() {
                    String::new()
                } else {
                    format!("<div class=\"ev\">{}{}</div>", ev.join("<br>"), esc(&more))
                }
            );
        }
        o.push_str("</tbody>\n</table>\n");
        if rows.len() > MAX_ROWS {
            let _ = writeln!(
                o,
                "<p class=\"muted\">… and {} more finding(s), most severe shown first; the JSON and SARIF reports list them all.</p>",
                rows.len() - MAX_ROWS
            );
        }
    }
    o.push_str("</section>\n");

    // Action plan.
    if !r.action_plan.is_empty() {
        o.push_str("<h2>Action plan</h2>\n<section class=\"card\">\n");
        for phase in &r.action_plan {
            let _ = writeln!(o, "<div class=\"phase\"><h3>{}</h3>", esc(&phase.title));
            for item in &phase.items {
                let locs = if item.locations.is_empty() {
                    String::new()
                } else {
                    format!(
                        "<p class=\"ev\">at {}</p>",
                        item.locations
                            .iter()
                            .take(5)
                            .map(|l| format!("<code>{}</code>", esc(l)))
                            .collect::<Vec<_>>()
                            .join(" ")
                    )
                };
                let _ = writeln!(
                    o,
                    "<div class=\"item {}\"><p><span class=\"sev {}\">{}</span> <code>{}</code> <b>{}</b> <span class=\"muted\">({}, {} finding(s))</span></p><p>{}</p>{}</div>",
                    sev_class(item.severity),
                    sev_class(item.severity),
                    severity_label(item.severity),
                    esc(&item.check),
                    esc(&item.title),
                    esc(item.outcome.as_str()),
                    item.occurrences,
                    inline_code(item.remediation.trim()),
                    locs
                );
            }
            o.push_str("</div>\n");
        }
        o.push_str("</section>\n");
    }

    // Suppressed.
    if !r.suppressed.is_empty() {
        let _ = write!(
            o,
            "<h2>Suppressed ({})</h2>\n<section class=\"card\">\n<p class=\"muted\">Listed, not scored: suppressed findings are left out of the score.</p>\n<table>\n<thead><tr><th>severity</th><th>check</th><th>where</th><th>reason</th><th>suppressed by</th><th>expires</th></tr></thead>\n<tbody>\n",
            r.suppressed.len()
        );
        for f in &r.suppressed {
            let Some(s) = &f.suppressed else { continue };
            let at = primary_locator(f)
                .map(|l| format!("<code>{}</code>", esc(&l)))
                .unwrap_or_else(|| "<span class=\"muted\">everywhere</span>".into());
            let by = match &s.location {
                Some(l) => format!("{} <code>{}</code>", esc(&s.source), esc(l)),
                None => esc(&s.source),
            };
            let _ = writeln!(
                o,
                "<tr><td><span class=\"sev {}\">{}</span></td><td class=\"check\"><code>{}</code></td><td>{}</td><td>{}</td><td class=\"check\">{}</td><td class=\"nowrap\">{}</td></tr>",
                sev_class(f.severity),
                severity_label(f.severity),
                esc(&f.check),
                at,
                esc(&s.reason),
                by,
                esc(s.expires.as_deref().unwrap_or("–"))
            );
        }
        o.push_str("</tbody>\n</table>\n</section>\n");
    }

    if !r.notices.is_empty() || !r.disabled.is_empty() || !r.skipped.is_empty() {
        o.push_str("<h2>Notes on this run</h2>\n<section class=\"card\">\n");
        for n in &r.notices {
            let _ = writeln!(o, "<div class=\"notice\">{}</div>", esc(n));
        }
        if !r.disabled.is_empty() {
            let _ = writeln!(
                o,
                "<p>Disabled in golive.toml: {}</p>",
                r.disabled
                    .iter()
                    .map(|d| format!("<code>{}</code>", esc(d)))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        if !r.skipped.is_empty() {
            let _ = writeln!(
                o,
                "<details><summary>{} file(s) skipped</summary><ul>",
                r.skipped.len()
            );
            for s in &r.skipped {
                let _ = writeln!(
                    o,
                    "<li><code>{}</code> — {}</li>",
                    esc(&s.path),
                    esc(&s.reason)
                );
            }
            o.push_str("</ul></details>\n");
        }
        o.push_str("</section>\n");
    }

    let passes = r
        .results
        .iter()
        .filter(|x| x.outcome == Outcome::Pass)
        .count();
    let _ = write!(
        o,
        "<footer>{} of {} assessed check(s) pass. Score = 100 × Σ(weight × credit) / Σ(weight); weights critical 10, high 7.5, medium 5, low 2.5; pass 1, warn 0.5, fail 0. Generated by {} {}.</footer>\n</main>\n</body>\n</html>\n",
        passes,
        r.results.len(),
        esc(&r.tool.name),
        esc(&r.tool.version)
    );
    o
}

/// Escapes text and turns Markdown code spans (`like this`) into `<code>`.
fn inline_code(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len() < 3 || parts.len().is_multiple_of(2) {
        // No span, or an unbalanced backtick: plain escaped text.
        return esc(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(p))
            } else {
                esc(p)
            }
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
