//! Item statuses from findings and sign-offs, and what `golive check` gets from a checklist.

use golive_checklist::evaluate::{evaluate, report_additions, summarize};
use golive_checklist::import_text;
use golive_checklist::mapping::Mapper;
use golive_checklist::signoff::SignOffs;
use golive_core::{Catalog, Evidence, Finding, Outcome, Severity};
use time::macros::datetime;

const MD: &str = "## Perf (HIGH)\n- [ ] p95 < 200ms\n- [ ] Couverture de tests > 80%\n## Ops\n- [x] War room prête\n- [ ] HSTS activé\n- [ ] Dockerfile présent\n";

fn metric(check: &str, outcome: Outcome, value: f64, unit: &str) -> Finding {
    Finding::new(Catalog::builtin().check(check), outcome, "measured").with_evidence(
        Evidence::metric("value", value, Some(unit), Some("default".into())),
    )
}

#[test]
fn items_are_held_to_their_own_thresholds() {
    let m = Mapper::builtin().unwrap();
    let cl = import_text("c.md", MD, &m).unwrap();
    let now = datetime!(2026-11-20 10:00 UTC);
    let cat = Catalog::builtin();
    let s = SignOffs::default();
    // The load check passed against its own 300 ms threshold, but the item asks < 200 ms.
    let st = evaluate(
        &cl,
        &s,
        &[metric("load.p95-latency", Outcome::Pass, 250.0, "ms")],
        cat,
        now,
    );
    assert_eq!(st[0].outcome, Outcome::Fail, "{}", st[0].note);
    assert!(
        st[0].note.contains("250") && st[0].note.contains("< 200 ms"),
        "{}",
        st[0].note
    );
    let st = evaluate(
        &cl,
        &s,
        &[metric("load.p95-latency", Outcome::Fail, 0.15, "s")],
        cat,
        now,
    );
    assert_eq!(st[0].outcome, Outcome::Pass, "{}", st[0].note);
    // Coverage 75 % fails "> 80%".
    let st = evaluate(
        &cl,
        &s,
        &[metric("tests.coverage-threshold", Outcome::Pass, 75.0, "%")],
        cat,
        now,
    );
    assert_eq!(st[1].outcome, Outcome::Fail);
    // No finding: inconclusive, never a pass; a checked box in the file is no evidence.
    let st = evaluate(&cl, &s, &[], cat, now);
    assert_eq!(st[0].outcome, Outcome::Inconclusive);
    assert!(
        st[0].note.contains("load.p95-latency not run"),
        "{}",
        st[0].note
    );
    assert_eq!(st[2].outcome, Outcome::Manual);
    // Suppressed findings do not count.
    let mut f = Finding::new(cat.check("docker.dockerfile"), Outcome::Fail, "none");
    f.suppressed = Some(golive_core::Suppression {
        source: "config".into(),
        reason: "r".into(),
        expires: None,
        location: None,
    });
    let st = evaluate(&cl, &s, &[f], cat, now);
    assert_eq!(st[4].outcome, Outcome::Inconclusive);
    let sums = summarize(&cl, &st);
    assert_eq!(sums.len(), 2);
    assert_eq!(sums[1].manual_unsigned, 1);
    assert_eq!(sums[1].automated_inconclusive, 2);
}

#[test]
fn report_additions_for_golive_check() {
    let m = Mapper::builtin().unwrap();
    let cl = import_text("c.md", MD, &m).unwrap();
    let now = datetime!(2026-11-20 10:00 UTC);
    let cat = Catalog::builtin();
    let war = cl
        .items
        .iter()
        .find(|i| i.text == "War room prête")
        .unwrap()
        .id
        .clone();
    let prior = vec![
        Finding::new(cat.check("docker.dockerfile"), Outcome::Pass, "found")
            .with_evidence(Evidence::at("Dockerfile", 1, 1)),
    ];
    let mut s = SignOffs::default();
    let add = report_additions(&cl, None, &s, &prior, cat, &m, now);
    // The manual item is a dynamic check with a manual finding.
    assert_eq!(add.dynamic.len(), 1);
    assert_eq!(add.dynamic[0].id, format!("checklist.{war}"));
    let f = add
        .findings
        .iter()
        .find(|f| f.check == add.dynamic[0].id)
        .unwrap();
    assert_eq!(f.outcome, Outcome::Manual);
    assert_eq!(f.severity, Severity::Medium);
    assert_eq!(f.evidence[0].locator(), "c.md:5:1");
    // Checks no collector ran: inconclusive findings naming the items; the scan's docker
    // finding is linked, not duplicated.
    let hsts = add
        .findings
        .iter()
        .find(|f| f.check == "probe.hsts")
        .unwrap();
    assert_eq!(hsts.outcome, Outcome::Inconclusive);
    assert!(hsts.message.contains("HSTS activé") && hsts.message.contains("[probe]"));
    assert!(!add.findings.iter().any(|f| f.check == "docker.dockerfile"));
    let p95 = add
        .findings
        .iter()
        .find(|f| f.check == "load.p95-latency")
        .unwrap();
    assert!(p95.message.contains("[load]"), "{}", p95.message);
    // Signed: pass with the sign-off as evidence; expired: manual again.
    s.sign(
        &war,
        "Marie",
        now,
        Some("booked".into()),
        None,
        Some(datetime!(2026-12-01 0:00 UTC).date()),
    )
    .unwrap();
    let add = report_additions(&cl, None, &s, &prior, cat, &m, now);
    let f = add
        .findings
        .iter()
        .find(|f| f.check.ends_with(&war))
        .unwrap();
    assert_eq!(f.outcome, Outcome::Pass);
    assert!(matches!(&f.evidence[0], Evidence::SignOff { by, .. } if by == "Marie"));
    let later = datetime!(2026-12-02 0:00 UTC);
    let add = report_additions(&cl, None, &s, &prior, cat, &m, later);
    let f = add
        .findings
        .iter()
        .find(|f| f.check.ends_with(&war))
        .unwrap();
    assert_eq!(f.outcome, Outcome::Manual);
    assert!(f.message.contains("expired on 2026-12-01"), "{}", f.message);
}
