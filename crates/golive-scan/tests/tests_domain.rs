//! tests domain: a test suite for each detected stack, and a coverage threshold at or above the policy minimum.

use golive_core::{Finding, Outcome};
use golive_scan::{ScanOptions, scan};
use std::path::Path;

mod support;
use support::code::*;

const SUITE: &str = "tests.suite";
const COV: &str = "tests.coverage-threshold";

fn scan_with_min(root: &Path, min: f64) -> Vec<Finding> {
    let mut o = ScanOptions::new(root);
    o.coverage_min = min;
    scan(&o).expect("scan").findings
}

fn metric(f: &Finding) -> Option<f64> {
    f.evidence.iter().find_map(|e| match e {
        golive_core::Evidence::Metric { value, .. } => Some(*value),
        _ => None,
    })
}

#[test]
fn jest_suite_and_threshold_pass() {
    let fs = findings(&fixture("tests/node-jest"));
    assert_eq!(outcome(&fs, SUITE), Outcome::Pass);
    assert!(
        of(&fs, SUITE)[0].message.contains("2 test cases"),
        "{:?}",
        of(&fs, SUITE)
    );
    assert_eq!(outcome(&fs, COV), Outcome::Pass);
    let f = of(&fs, COV)[0];
    assert_eq!(metric(f), Some(85.0));
    assert_eq!(loc(f), "package.json:7");
}

#[test]
fn jest_threshold_below_a_stricter_policy_fails() {
    let fs = scan_with_min(&fixture("tests/node-jest"), 90.0);
    assert_eq!(outcome(&fs, COV), Outcome::Fail);
    let m = &of(&fs, COV)[0].message;
    assert!(m.contains("85") && m.contains("90"), "{m}");
}

#[test]
fn npm_placeholder_script_is_no_suite() {
    let fs = findings(&fixture("tests/node-placeholder"));
    assert_eq!(outcome(&fs, SUITE), Outcome::Fail);
    let f = of(&fs, SUITE)[0];
    assert_eq!(loc(f), "package.json:5", "{f:#?}");
    assert_eq!(outcome(&fs, COV), Outcome::Fail);
}

#[test]
fn pytest_suite_passes_but_coverage_below_minimum_fails() {
    let fs = findings(&fixture("tests/python-low"));
    assert_eq!(outcome(&fs, SUITE), Outcome::Pass);
    assert_eq!(outcome(&fs, COV), Outcome::Fail);
    let f = of(&fs, COV)[0];
    assert!(
        f.message.contains("60") && f.message.contains("80"),
        "{}",
        f.message
    );
    assert_eq!(
        loc(f),
        "pyproject.toml:11",
        "commented fail_under must be ignored"
    );
    // a lower policy minimum accepts it
    let fs = scan_with_min(&fixture("tests/python-low"), 50.0);
    assert_eq!(outcome(&fs, COV), Outcome::Pass);
}

#[test]
fn python_without_test_functions_fails() {
    let fs = findings(&fixture("tests/python-none"));
    assert_eq!(outcome(&fs, SUITE), Outcome::Fail);
    assert!(of(&fs, SUITE)[0].message.contains("python"));
    assert_eq!(outcome(&fs, COV), Outcome::Fail);
    assert!(of(&fs, COV)[0].message.contains("no coverage threshold"));
}

#[test]
fn rust_tests_and_llvm_cov_in_ci_pass() {
    let fs = findings(&fixture("tests/rust-llvm-cov"));
    assert_eq!(outcome(&fs, SUITE), Outcome::Pass);
    assert_eq!(outcome(&fs, COV), Outcome::Pass);
    let f = of(&fs, COV)[0];
    assert_eq!(metric(f), Some(90.0));
    assert_eq!(loc(f), ".github/workflows/ci.yml:10");
}

#[test]
fn go_test_file_without_test_functions_fails() {
    let fs = findings(&fixture("tests/go-none"));
    assert_eq!(outcome(&fs, SUITE), Outcome::Fail);
    let (o, _) = check(
        &[
            ("go.mod", "module x\n\ngo 1.22\n"),
            (
                "ledger_test.go",
                "package ledger\n\nimport \"testing\"\n\nfunc TestBalance(t *testing.T) {}\n",
            ),
            (".testcoverage.yml", "threshold:\n  file: 70\n  total: 80\n"),
        ],
        SUITE,
    );
    assert_eq!(o, Outcome::Pass);
}

#[test]
fn no_stack_is_not_applicable() {
    let fs = findings(&fixture("tests/no-stack"));
    assert_eq!(outcome(&fs, SUITE), Outcome::NotApplicable);
    assert_eq!(outcome(&fs, COV), Outcome::NotApplicable);
}

#[test]
fn each_stack_is_judged() {
    // Python tested, Node untested: the suite check fails for node only.
    let (o, f) = check(
        &[
            ("requirements.txt", "fastapi\n"),
            ("tests/test_api.py", "def test_ok():\n    assert True\n"),
            (
                "web/package.json",
                "{\"name\":\"web\",\"dependencies\":{\"react\":\"18\"}}\n",
            ),
        ],
        SUITE,
    );
    assert_eq!(o, Outcome::Fail);
    assert_eq!(f.iter().filter(|f| f.outcome == Outcome::Pass).count(), 1);
    assert!(
        f.iter()
            .any(|f| f.outcome == Outcome::Fail && f.message.starts_with("node"))
    );
}

#[test]
fn coverage_threshold_sources() {
    let py = ("requirements.txt", "pytest\n");
    let js = ("package.json", "{\"name\":\"x\"}\n");
    for (files, want) in [
        (
            vec![py, ("setup.cfg", "[coverage:report]\nfail_under = 82\n")],
            Some(82.0),
        ),
        (
            vec![py, (".coveragerc", "[report]\nfail_under = 70.5\n")],
            Some(70.5),
        ),
        (
            vec![
                py,
                (
                    "pytest.ini",
                    "[pytest]\naddopts = --cov=app --cov-fail-under=88\n",
                ),
            ],
            Some(88.0),
        ),
        (
            vec![
                py,
                (
                    "tox.ini",
                    "[testenv]\ncommands = pytest --cov --cov-fail-under 81\n",
                ),
            ],
            Some(81.0),
        ),
        (
            vec![
                py,
                (
                    "pytest.ini",
                    "[pytest]\n; addopts = --cov-fail-under=95\naddopts = -q\n",
                ),
            ],
            None,
        ),
        (
            vec![
                py,
                (
                    ".github/workflows/test.yml",
                    "jobs:\n  t:\n    steps:\n      - run: pytest --cov=app --cov-fail-under=80\n",
                ),
            ],
            Some(80.0),
        ),
        (
            vec![
                js,
                (
                    "jest.config.js",
                    "module.exports = {\n  // coverageThreshold: { global: { lines: 99 } },\n  coverageThreshold: { global: { lines: 72 } },\n};\n",
                ),
            ],
            Some(72.0),
        ),
        (
            vec![
                js,
                (
                    "vitest.config.ts",
                    "export default defineConfig({ test: { coverage: { provider: 'v8', thresholds: { lines: 90, branches: 80 } } } });\n",
                ),
            ],
            Some(90.0),
        ),
        (
            vec![
                js,
                (
                    "vite.config.ts",
                    "export default { test: { coverage: { lines: 65 } } };\n",
                ),
            ],
            Some(65.0),
        ),
        (
            vec![
                js,
                (
                    ".nycrc.json",
                    "{ \"check-coverage\": true, \"lines\": 91 }\n",
                ),
            ],
            Some(91.0),
        ),
        (
            vec![(
                "package.json",
                "{\"scripts\":{\"test\":\"vitest run --coverage.thresholds.lines=84\"}}\n",
            )],
            Some(84.0),
        ),
        (
            vec![
                ("Cargo.toml", "[package]\nname = \"x\"\n"),
                ("tarpaulin.toml", "[report]\nfail-under = 77\n"),
            ],
            Some(77.0),
        ),
        (
            vec![
                ("Cargo.toml", "[package]\nname = \"x\"\n"),
                ("Makefile", "cov:\n\tcargo tarpaulin --fail-under 83\n"),
            ],
            Some(83.0),
        ),
    ] {
        let (o, f) = check(&files, COV);
        match want {
            Some(v) => {
                assert_eq!(metric(&f[0]), Some(v), "{files:?}\n{f:#?}");
                assert_eq!(
                    o,
                    if v >= 80.0 {
                        Outcome::Pass
                    } else {
                        Outcome::Fail
                    },
                    "{files:?}"
                );
            }
            None => {
                assert_eq!(o, Outcome::Fail, "{files:?}");
                assert!(f[0].message.contains("no coverage threshold"), "{f:#?}");
            }
        }
    }
}
