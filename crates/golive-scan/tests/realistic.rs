//! Accuracy on realistic projects: every project under `fixtures/realistic/` carries an
//! `expected.toml` written by hand from what the project really contains (seeded gaps and good
//! practice). The audit must agree with it check by check. Every check the audit evaluates on a
//! project must be listed there, so that a new false positive cannot hide.
//!
//! Prints, per check, the agreement and the precision / recall of "this is a problem" (fail,
//! warn or manual), and fails on any disagreement.

use golive_core::score::aggregate;
use golive_core::{Catalog, Outcome};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/realistic")
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    checks: BTreeMap<String, String>,
}

fn is_problem(o: Outcome) -> bool {
    matches!(o, Outcome::Fail | Outcome::Warn | Outcome::Manual)
}

#[derive(Default)]
struct Tally {
    agree: usize,
    total: usize,
    tp: usize,
    fp: usize,
    fn_: usize,
}

#[test]
fn realistic_projects_match_expectations() {
    let catalog = Catalog::builtin();
    let mut projects: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .expect("fixtures/realistic exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    projects.sort();
    assert!(
        projects.len() >= 8,
        "expected at least 8 realistic projects, found {}",
        projects.len()
    );

    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for project in &projects {
        let name = project.file_name().unwrap().to_string_lossy().to_string();
        let exp_path = project.join("expected.toml");
        let text = std::fs::read_to_string(&exp_path)
            .unwrap_or_else(|e| panic!("{}: {e}", exp_path.display()));
        let expected: Expected =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", exp_path.display()));
        for (id, o) in &expected.checks {
            assert!(
                catalog.get(id).is_some(),
                "{name}/expected.toml: unknown check `{id}`"
            );
            assert!(
                o.parse::<Outcome>().is_ok(),
                "{name}/expected.toml: `{id}` = `{o}` is not an outcome"
            );
        }

        let out = golive_scan::scan(&golive_scan::ScanOptions::new(project)).expect("scan runs");
        let counted: Vec<_> = out
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .collect();
        let results = aggregate(counted.iter().copied(), catalog, &BTreeMap::new());
        let actual: BTreeMap<&str, Outcome> = results
            .iter()
            .map(|r| (r.check.as_str(), r.outcome))
            .collect();

        for (id, outcome) in &actual {
            if !expected.checks.contains_key(*id) {
                let msgs: Vec<&str> = out
                    .findings
                    .iter()
                    .filter(|f| f.check == *id)
                    .map(|f| f.message.as_str())
                    .collect();
                disagreements.push(format!(
                    "{name}: `{id}` is not in expected.toml; golive says {outcome} ({})",
                    msgs.join(" | ")
                ));
            }
        }
        for (id, exp) in &expected.checks {
            let exp: Outcome = exp.parse().unwrap();
            let got = actual.get(id.as_str()).copied();
            let t = tally.entry(id.clone()).or_default();
            t.total += 1;
            match got {
                Some(g) if g == exp => t.agree += 1,
                _ => {
                    let msgs: Vec<String> = out
                        .findings
                        .iter()
                        .filter(|f| &f.check == id)
                        .map(|f| {
                            let loc = f.evidence.first().map(|e| e.locator()).unwrap_or_default();
                            format!("{} [{loc}]", f.message)
                        })
                        .collect();
                    disagreements.push(format!(
                        "{name}: `{id}` expected {exp}, golive says {} ({})",
                        got.map(|g| g.to_string())
                            .unwrap_or_else(|| "nothing".into()),
                        msgs.join(" | ")
                    ));
                }
            }
            let got_problem = got.is_some_and(is_problem);
            match (is_problem(exp), got_problem) {
                (true, true) => t.tp += 1,
                (false, true) => t.fp += 1,
                (true, false) => t.fn_ += 1,
                (false, false) => {}
            }
        }
    }

    println!(
        "\n{:<40} {:>9} {:>10} {:>8}",
        "check", "agree", "precision", "recall"
    );
    let (mut agree, mut total, mut tp, mut fp, mut fn_) = (0, 0, 0, 0, 0);
    for (id, t) in &tally {
        let p = if t.tp + t.fp == 0 {
            "-".to_string()
        } else {
            format!("{:.0}%", 100.0 * t.tp as f64 / (t.tp + t.fp) as f64)
        };
        let r = if t.tp + t.fn_ == 0 {
            "-".to_string()
        } else {
            format!("{:.0}%", 100.0 * t.tp as f64 / (t.tp + t.fn_) as f64)
        };
        println!(
            "{:<40} {:>4}/{:<4} {:>10} {:>8}",
            id, t.agree, t.total, p, r
        );
        agree += t.agree;
        total += t.total;
        tp += t.tp;
        fp += t.fp;
        fn_ += t.fn_;
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!(
        "\noverall: agreement {:.1}% ({agree}/{total}), precision {:.1}%, recall {:.1}% over {} projects\n",
        pct(agree, total),
        pct(tp, tp + fp),
        pct(tp, tp + fn_),
        projects.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s):\n  {}",
        disagreements.len(),
        disagreements.join("\n  ")
    );
}
