mod common;

use common::*;
use golive_core::diff::{ReportDiff, diff};
use golive_core::{Catalog, Config, Evidence, Finding, Outcome};
use golive_report::{Format, RenderOptions, render_diff};

fn many(n: u32) -> golive_core::Report {
    let c = Catalog::builtin();
    let findings = (1..=n)
        .map(|i| {
            Finding::new(
                c.check("secrets.hardcoded"),
                Outcome::Fail,
                format!("key {i}"),
            )
            .with_evidence(Evidence::at(format!("src/m{i:02}.py"), 1, 1))
        })
        .collect();
    build(findings, &Config::default())
}

#[test]
fn terminal_diff_limits_still_failing_unless_verbose() {
    let d = diff(&many(20), &many(20));
    assert_eq!(d.still_failing.len(), 20);
    let text = render_diff(&d, Format::Terminal, &RenderOptions::default()).unwrap();
    assert!(text.contains("Still failing (20)"));
    // (the readiness line names the blocker too, so count the finding lines)
    assert_eq!(
        text.matches("CRITICAL secrets.hardcoded").count(),
        15,
        "{text}"
    );
    assert!(text.contains("… and 5 more"));
    let all = render_diff(
        &d,
        Format::Terminal,
        &RenderOptions {
            verbose: true,
            ..RenderOptions::default()
        },
    )
    .unwrap();
    assert_eq!(all.matches("CRITICAL secrets.hardcoded").count(), 20);
    let md = render_diff(&d, Format::Markdown, &RenderOptions::default()).unwrap();
    assert_eq!(
        md.matches("`secrets.hardcoded`").count(),
        20,
        "Markdown lists all"
    );
}

#[test]
fn diff_views_show_fixed_new_and_deltas() {
    let before = failing_report();
    let after = passing_report();
    let d = diff(&before, &after);
    let text = render_diff(&d, Format::Terminal, &RenderOptions::default()).unwrap();
    assert!(text.contains(" NO-GO ") && text.contains(" GO "), "{text}");
    assert!(text.contains("docker.non-root-user") && text.contains("now passes"));
    assert!(text.contains("New (0)"));
    let md = render_diff(&d, Format::Markdown, &RenderOptions::default()).unwrap();
    assert!(md.contains("**NO-GO → GO**"), "{md}");
    assert!(md.contains("| Secrets |"));
    let json = render_diff(&d, Format::Json, &RenderOptions::default()).unwrap();
    let back: ReportDiff = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
    assert!(render_diff(&d, Format::Sarif, &RenderOptions::default()).is_err());
    assert!(render_diff(&d, Format::Html, &RenderOptions::default()).is_err());
}
