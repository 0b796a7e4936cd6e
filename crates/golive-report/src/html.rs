//! The HTML report: one self-contained file (inline CSS and a small inline script, no network
//! access, no external assets): a verdict badge with the reasons and the named blockers,
//! category bars as inline SVG, the findings table that the reader filters by severity,
//! category and outcome (passing checks collapsed until asked for), every check explained in
//! the same file (each check id links to its rationale and remediation), the action plan and
//! the suppressed findings. Every piece of report text is HTML-escaped.
//!
//! The filters also read the page address, so a link can open the report filtered:
//! `report.html?severity=critical&category=security&outcome=fail&passing=1` sets the controls
//! and applies them through the same `change` handler a reader's click runs (the browser test
//! drives the filters that way).

use crate::util::{
    is_routine_skip, needs_attention, primary_locator, score_text, severity_label,
    signoff_progress, unreachable, xml_escape as esc,
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
.filters{display:flex;gap:14px;flex-wrap:wrap;align-items:center;margin-bottom:10px;font-size:13px}
.filters select{font:inherit;padding:2px 4px}
#shown{color:var(--muted);margin-left:auto}
tr[hidden]{display:none}
a.check{color:inherit;text-decoration:none;border-bottom:1px dotted var(--muted)}
details.explain{border-top:1px solid var(--line);padding:6px 0}
details.explain summary{cursor:pointer}
details.explain:target,details.explain[open]{background:#f8fafc}
details.explain dl{display:grid;grid-template-columns:110px 1fr;gap:4px 12px;margin:8px 0 4px}
details.explain dt{color:var(--muted)}
details.explain dd{margin:0}
.unreachable{background:#fde8e8;border:1px solid #f8b4b4;border-radius:8px;padding:10px 14px;margin-top:16px;font-weight:600}
ul.also{margin:6px 0 0;padding-left:20px;color:var(--muted)}
"#;

/// The filters: they read the controls, hide the rows that do not match, count what is shown,
/// and open the explanation a check link points at. On load, the page address may preset the
/// controls (`?severity=high&passing=1`); they are then applied by dispatching the same
/// `change` event a reader's choice dispatches.
const JS: &str = r#"
(function(){
  var form=document.getElementById('filters');
  if(!form){return;}
  var rows=[].slice.call(document.querySelectorAll('#findings tbody tr'));
  function apply(){
    var sev=form.severity.value, cat=form.category.value, out=form.outcome.value;
    var passing=form.passing.checked, n=0;
    rows.forEach(function(r){
      var d=r.dataset;
      var ok=(sev===''||d.severity===sev)&&(cat===''||d.category===cat)&&(out===''||d.outcome===out)
        &&(passing||d.passing!=='1'||out==='pass'||out==='not-applicable');
      r.hidden=!ok; if(ok){n++;}
    });
    document.getElementById('shown').textContent=n+' of '+rows.length+' shown';
    document.body.setAttribute('data-filtered', [sev,cat,out,passing?'passing':''].join('|'));
  }
  form.addEventListener('change',apply);
  var q=new URLSearchParams(location.search);
  ['severity','category','outcome'].forEach(function(k){
    if(q.has(k)){form[k].value=q.get(k);form[k].dispatchEvent(new Event('change',{bubbles:true}));}
  });
  if(q.get('passing')==='1'){form.passing.checked=true;form.passing.dispatchEvent(new Event('change',{bubbles:true}));}
  apply();
  function openTarget(){
    var id=decodeURIComponent(location.hash.slice(1));
    var el=id&&document.getElementById(id);
    if(el&&el.tagName==='DETAILS'){el.open=true;}
  }
  window.addEventListener('hashchange',openTarget);
  openTarget();
})();
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
    let unreach = unreachable(r);
    if let Some(u) = &unreach {
        let _ = writeln!(
            o,
            "<div class=\"unreachable\" id=\"unreachable\">Unreachable: {} <span class=\"muted\">({})</span></div>",
            esc(u.message),
            esc(&u.summary())
        );
    }
    let _ = write!(
        o,
        "<section class=\"card\" id=\"verdict\">\n<p class=\"readiness\">{}</p>\n<ul class=\"reasons\">\n",
        esc(&capitalize(&r.readiness))
    );
    for reason in &r.verdict.reasons {
        let _ = writeln!(o, "<li>{}</li>", link_ids(r, reason));
    }
    o.push_str("</ul>\n");
    if !r.verdict.also.is_empty() {
        o.push_str("<ul class=\"also\">\n");
        for also in &r.verdict.also {
            let _ = writeln!(o, "<li>also: {}</li>", link_ids(r, also));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("<div class=\"stages\">");
    for st in &r.stages {
        let (class, label) = if st.ready {
            ("ready", format!("✓ {}", st.stage.as_str()))
        } else {
            (
                "blocked",
                format!(
                    "✗ {} — {}",
                    st.stage.as_str(),
                    golive_core::score::stage_hold(st)
                ),
            )
        };
        let _ = write!(o, "<span class=\"stage {class}\">{}</span>", esc(&label));
    }
    o.push_str("</div>\n");
    let blockers = crate::util::blockers(r);
    if !blockers.is_empty() {
        o.push_str("<h3>Blockers</h3>\n<table id=\"blockers\">\n<tbody>\n");
        for b in &blockers {
            let _ = writeln!(
                o,
                "<tr><td><span class=\"sev {}\">{}</span></td><td><span class=\"out {}\">{}</span></td><td class=\"check\">{}</td><td>{}</td><td>{}</td></tr>",
                sev_class(b.result.severity),
                severity_label(b.result.severity),
                b.result.outcome.as_str(),
                if b.undecided {
                    "undecided"
                } else {
                    b.result.outcome.as_str()
                },
                check_link(&b.result.check),
                esc(b.title),
                b.location
                    .map(|l| format!("<code>{}</code>", esc(l)))
                    .unwrap_or_default()
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    if let Some((signed, total)) = signoff_progress(r) {
        let _ = writeln!(
            o,
            "<p id=\"signoffs\"><b>Sign-offs:</b> {signed} of {total} manual checklist items signed <span class=\"muted\">(they weigh at most {:.0} % of a score; see <code>golive explain</code>)</span></p>",
            golive_core::score::SIGNOFF_SHARE * 100.0
        );
    }
    o.push_str("</section>\n");

    // Categories.
    let _ = write!(
        o,
        "<h2>Categories</h2>\n<section class=\"card\">\n{}\n</section>\n",
        category_svg(r)
    );

    // Findings table: every finding, passing ones collapsed until the reader asks for them.
    let attention: Vec<_> = r
        .findings
        .iter()
        .filter(|f| needs_attention(f.outcome))
        .filter(|f| !unreach.as_ref().is_some_and(|u| u.is_undecidable(&f.check)))
        .collect();
    let passing: Vec<_> = r
        .findings
        .iter()
        .filter(|f| !needs_attention(f.outcome))
        .collect();
    let undecidable: Vec<_> = r
        .findings
        .iter()
        .filter(|f| unreach.as_ref().is_some_and(|u| u.is_undecidable(&f.check)))
        .collect();
    let _ = write!(
        o,
        "<h2>Findings ({})</h2>\n<section class=\"card\">\n",
        attention.len()
    );
    let all_rows: Vec<_> = attention
        .iter()
        .take(MAX_ROWS)
        .chain(undecidable.iter().take(MAX_ROWS))
        .chain(passing.iter().take(MAX_ROWS))
        .copied()
        .collect();
    if all_rows.is_empty() {
        o.push_str("<p class=\"muted\">No failing, warning or undecided check.</p>\n");
    } else {
        if attention.is_empty() {
            o.push_str("<p class=\"muted\">No failing, warning or undecided check.</p>\n");
        }
        filters(&mut o, r, &all_rows, verbose);
        o.push_str("<table id=\"findings\">\n<thead><tr><th>severity</th><th>outcome</th><th>check</th><th>category</th><th>finding</th></tr></thead>\n<tbody>\n");
        for f in &all_rows {
            let category = r.check(&f.check).map(|c| c.category);
            let cat = category.map(|c| c.title()).unwrap_or("");
            let ev: Vec<String> = f.evidence.iter().take(5).map(evidence_html).collect();
            let more = if f.evidence.len() > 5 {
                format!(" … +{}", f.evidence.len() - 5)
            } else {
                String::new()
            };
            let is_passing = !needs_attention(f.outcome);
            let is_undecidable = unreach.as_ref().is_some_and(|u| u.is_undecidable(&f.check));
            let _ = writeln!(
                o,
                "<tr data-severity=\"{}\" data-category=\"{}\" data-outcome=\"{}\" data-passing=\"{}\" data-check=\"{}\"{}><td><span class=\"sev {}\">{}</span></td><td><span class=\"out {}\">{}</span></td><td class=\"check\">{}</td><td>{}</td><td>{}{}</td></tr>",
                f.severity.as_str(),
                category.map(|c| c.as_str()).unwrap_or(""),
                f.outcome.as_str(),
                if is_passing || is_undecidable {
                    "1"
                } else {
                    "0"
                },
                esc(&f.check),
                if (is_passing || is_undecidable) && !verbose {
                    " hidden"
                } else {
                    ""
                },
                sev_class(f.severity),
                severity_label(f.severity),
                f.outcome.as_str(),
                esc(f.outcome.as_str()),
                check_link(&f.check),
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
        let cut = attention.len().saturating_sub(MAX_ROWS)
            + passing.len().saturating_sub(MAX_ROWS)
            + undecidable.len().saturating_sub(MAX_ROWS);
        if cut > 0 {
            let _ = writeln!(
                o,
                "<p class=\"muted\">… and {cut} more finding(s), most severe shown first; the JSON and SARIF reports list them all.</p>"
            );
        }
    }
    o.push_str("</section>\n");

    // Action plan.
    if !r.action_plan.is_empty() {
        o.push_str("<h2>Action plan</h2>\n<section class=\"card\">\n");
        for phase in &r.action_plan {
            let _ = writeln!(o, "<div class=\"phase\"><h3>{}</h3>", esc(&phase.title));
            for item in phase
                .items
                .iter()
                .filter(|i| !unreach.as_ref().is_some_and(|u| u.is_undecidable(&i.check)))
            {
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
                    "<div class=\"item {}\"><p><span class=\"sev {}\">{}</span> {} <b>{}</b> <span class=\"muted\">({}, {} finding(s))</span></p><p>{}</p>{}</div>",
                    sev_class(item.severity),
                    sev_class(item.severity),
                    severity_label(item.severity),
                    check_link(&item.check),
                    esc(&item.title),
                    esc(item.outcome.as_str()),
                    item.occurrences,
                    inline_code(item.remediation.trim()),
                    locs
                );
            }
            o.push_str("</div>\n");
        }
        if let Some(u) = unreach.as_ref().filter(|u| !u.undecidable.is_empty()) {
            let _ = writeln!(
                o,
                "<p class=\"muted\">{} — the findings table lists them with the passing checks.</p>",
                esc(&u.summary())
            );
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
        let (routine, notable): (Vec<_>, Vec<_>) =
            r.skipped.iter().partition(|s| is_routine_skip(&s.reason));
        if !notable.is_empty() {
            let _ = writeln!(
                o,
                "<details id=\"skipped\"><summary>{} file(s) skipped (too large or unreadable)</summary><ul>",
                notable.len()
            );
            for s in &notable {
                let _ = writeln!(
                    o,
                    "<li><code>{}</code> — {}</li>",
                    esc(&s.path),
                    esc(&s.reason)
                );
            }
            o.push_str("</ul></details>\n");
        }
        if !routine.is_empty() {
            let _ = writeln!(
                o,
                "<p class=\"muted\">{} binary file(s) and symbolic link(s) passed over.</p>",
                routine.len()
            );
        }
        o.push_str("</section>\n");
    }

    explanations(&mut o, r);

    let passes = r
        .results
        .iter()
        .filter(|x| x.outcome == Outcome::Pass)
        .count();
    let _ = write!(
        o,
        "<footer>{} of {} assessed check(s) pass. Score = 100 × Σ(weight × credit) / Σ(weight); weights critical 10, high 7.5, medium 5, low 2.5; pass 1, warn 0.5, fail 0. Generated by {} {}.</footer>\n</main>\n<script>{JS}</script>\n</body>\n</html>\n",
        passes,
        r.results.len(),
        esc(&r.tool.name),
        esc(&r.tool.version)
    );
    o
}

/// The anchor of a check's explanation.
fn anchor(id: &str) -> String {
    format!("check-{id}")
}

/// A check id linked to its explanation in the same file.
fn check_link(id: &str) -> String {
    format!(
        "<a class=\"check\" href=\"#{}\"><code>{}</code></a>",
        esc(&anchor(id)),
        esc(id)
    )
}

/// Escapes a sentence and links the check ids it names.
fn link_ids(r: &Report, text: &str) -> String {
    let mut out = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let core = word.trim_end_matches([',', ';', ')', '.']);
        let core = core.trim_start_matches('(');
        if !core.is_empty() && r.checks.contains_key(core) {
            let start = word.find(core).unwrap_or(0);
            out.push_str(&esc(&word[..start]));
            out.push_str(&check_link(core));
            out.push_str(&esc(&word[start + core.len()..]));
        } else {
            out.push_str(&esc(word));
        }
    }
    out
}

/// The filter controls above the findings table.
fn filters(o: &mut String, r: &Report, rows: &[&golive_core::Finding], verbose: bool) {
    let mut sevs: Vec<Severity> = rows.iter().map(|f| f.severity).collect();
    sevs.sort_by(|a, b| b.cmp(a));
    sevs.dedup();
    let mut cats: Vec<Category> = rows
        .iter()
        .filter_map(|f| r.check(&f.check).map(|c| c.category))
        .collect();
    cats.sort_by_key(|c| Category::ALL.iter().position(|x| x == c));
    cats.dedup();
    let mut outs: Vec<Outcome> = rows.iter().map(|f| f.outcome).collect();
    outs.sort_by_key(|o| std::cmp::Reverse(o.precedence()));
    outs.dedup();
    let select = |name: &str, label: &str, opts: Vec<(String, String)>| {
        let mut s =
            format!("<label>{label} <select name=\"{name}\"><option value=\"\">all</option>");
        for (v, t) in opts {
            let _ = write!(s, "<option value=\"{}\">{}</option>", esc(&v), esc(&t));
        }
        s.push_str("</select></label>");
        s
    };
    let _ = writeln!(
        o,
        "<form id=\"filters\" class=\"filters\" onsubmit=\"return false\">{}{}{}<label><input type=\"checkbox\" name=\"passing\"{}> show passing and undecidable checks</label><span id=\"shown\"></span></form>",
        select(
            "severity",
            "severity",
            sevs.iter()
                .map(|s| (s.as_str().to_string(), s.as_str().to_string()))
                .collect()
        ),
        select(
            "category",
            "category",
            cats.iter()
                .map(|c| (c.as_str().to_string(), c.title().to_string()))
                .collect()
        ),
        select(
            "outcome",
            "outcome",
            outs.iter()
                .map(|x| (x.as_str().to_string(), x.as_str().to_string()))
                .collect()
        ),
        if verbose { " checked" } else { "" }
    );
}

/// Every check of the report explained: what, why, how to fix; the check links point here.
fn explanations(o: &mut String, r: &Report) {
    if r.checks.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<h2>Checks explained ({})</h2>\n<section class=\"card\" id=\"checks\">",
        r.checks.len()
    );
    for (id, c) in &r.checks {
        let outcome = r
            .results
            .iter()
            .find(|x| &x.check == id)
            .map(|x| x.outcome.as_str())
            .unwrap_or("suppressed");
        let refs = if c.references.is_empty() {
            String::new()
        } else {
            format!(
                "<dt>references</dt><dd>{}</dd>",
                c.references
                    .iter()
                    .map(|u| format!("<code>{}</code>", esc(u)))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        };
        let _ = writeln!(
            o,
            "<details class=\"explain\" id=\"{}\"><summary><span class=\"sev {}\">{}</span> <code>{}</code> {} <span class=\"out {}\">{}</span></summary><dl><dt>category</dt><dd>{}</dd><dt>stage</dt><dd>{}</dd><dt>why</dt><dd>{}</dd><dt>fix</dt><dd>{}</dd>{}</dl></details>",
            esc(&anchor(id)),
            sev_class(c.severity),
            severity_label(c.severity),
            esc(id),
            esc(&c.title),
            outcome,
            outcome,
            esc(c.category.title()),
            esc(c.stage.as_str()),
            inline_code(c.rationale.trim()),
            inline_code(c.remediation.trim()),
            refs
        );
    }
    o.push_str("</section>\n");
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
