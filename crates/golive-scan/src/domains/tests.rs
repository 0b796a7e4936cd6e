//! Tests: a test suite for each detected stack (test cases counted, not just test-looking file
//! names), and a coverage threshold configured at or above the policy minimum.

use super::code::{self, Analyzer, CodeFile, Hit, Lang};
use crate::repo::{FileMeta, Repo};
use golive_core::{Catalog, Evidence, Finding, Outcome};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex};

fn re(s: &str) -> Regex {
    crate::rx::build(s)
}

/// A coverage threshold found in the repository.
#[derive(Debug, Clone)]
struct Threshold {
    value: f64,
    tool: &'static str,
    hit: Hit,
}

#[derive(Default)]
struct State {
    /// Stack language → (file, number of test cases).
    suites: BTreeMap<&'static str, Vec<(String, usize)>>,
    thresholds: Vec<Threshold>,
    /// package.json files whose `test` script is npm's placeholder.
    placeholder_scripts: Vec<Hit>,
}

/// The tests analyzer.
#[derive(Default)]
pub struct Tests {
    state: Mutex<State>,
}

/// Configuration files that may carry a coverage threshold.
fn is_coverage_config(f: &FileMeta) -> bool {
    let name = f.lower_name();
    let p = f.path.to_ascii_lowercase();
    matches!(
        name,
        "package.json"
            | "pyproject.toml"
            | "setup.cfg"
            | ".coveragerc"
            | "pytest.ini"
            | "tox.ini"
            | "makefile"
            | "justfile"
            | "taskfile.yml"
            | "tarpaulin.toml"
            | ".tarpaulin.toml"
            | ".testcoverage.yml"
            | ".testcoverage.yaml"
            | ".nycrc"
            | ".nycrc.json"
            | ".c8rc"
            | ".c8rc.json"
            | ".gitlab-ci.yml"
            | "jenkinsfile"
            | "azure-pipelines.yml"
            | "bitbucket-pipelines.yml"
            | "noxfile.py"
    ) || name.starts_with("jest.config.")
        || name.starts_with("vitest.config.")
        || name.starts_with("vite.config.")
        || name.ends_with(".sh")
        || ((p.starts_with(".github/workflows/") || p.starts_with(".circleci/"))
            && (name.ends_with(".yml") || name.ends_with(".yaml")))
}

/// The language whose tests a file may hold.
fn test_language(f: &FileMeta) -> Option<&'static str> {
    let lang = Lang::of(&f.path)?;
    let name = f.lower_name();
    match lang {
        Lang::Rust => Some("rust"),
        Lang::Go => name.ends_with("_test.go").then_some("go"),
        Lang::Python => f.is_test().then_some("python"),
        Lang::Js => (f.is_test()
            || name.contains(".test.")
            || name.contains(".spec.")
            || f.path.contains("__tests__/"))
        .then_some("node"),
    }
}

static JS_CASE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)(?:^|[^\w.$])(?:it|test)(?:\.(?:only|each|concurrent|skip|todo|failing)(?:`[^`]*`|\([^)]*\))?)?\s*\(",
    )
});
static PY_CASE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*(?:async\s+)?def\s+test\w*\s*\("));
static RS_CASE: LazyLock<Regex> =
    LazyLock::new(|| re(r"#\[\s*(?:[\w:]+::)?(?:test|rstest|test_case|quickcheck|proptest)\b"));
static GO_CASE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^func\s+(?:Test|Fuzz)\w*\s*\(\s*\w+\s+\*testing\.[TF]\s*\)"));

// Coverage thresholds (run on comment-stripped text).
static PYTEST_COV: LazyLock<Regex> =
    LazyLock::new(|| re(r#"--cov-fail-under[=\s"',]+(\d+(?:\.\d+)?)"#));
static COVERAGE_PY: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^\s*fail_under\s*[=:]\s*(\d+(?:\.\d+)?)"));
static FAIL_UNDER_FLAG: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(cargo[\s-]+llvm-cov|tarpaulin|coverage\s+report|llvm-cov)[^\n]*?--fail-under(?:-(?:lines|regions|functions))?[=\s"',]+(\d+(?:\.\d+)?)"#,
    )
});
static TARPAULIN_TOML: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^\s*fail-under\s*=\s*(\d+(?:\.\d+)?)"));
static GO_TESTCOVERAGE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^\s*total\s*:\s*(\d+(?:\.\d+)?)"));
static JS_THRESHOLD_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| re(r#"["']?(coverageThreshold|thresholds)["']?\s*:\s*\{"#));
static JS_COVERAGE_BLOCK: LazyLock<Regex> = LazyLock::new(|| re(r"\bcoverage\s*:\s*\{"));
static JS_METRIC: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"["']?\b(lines|statements|branches|functions|100)["']?\s*:\s*(\d+(?:\.\d+)?|true)\b"#)
});
static JS_CLI_THRESHOLD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:--coverage\.thresholds\.(?:lines|statements)|--check-coverage\b[^"\n]*?--(?:lines|statements))[=\s]+(\d+(?:\.\d+)?)"#,
    )
});
static JEST_CLI_THRESHOLD: LazyLock<Regex> =
    LazyLock::new(|| re(r#"--coverageThreshold[=\s]+'?(\{[^'\n]*\})"#));
static NPM_PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| re(r#""test"\s*:\s*"echo \\"Error: no test specified\\" && exit 1""#));

/// Blanks `#` comments (at line start or after whitespace) and `;` comment lines, keeping
/// offsets, for INI/TOML/YAML/shell/Makefile text.
fn strip_hash_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let cut = if trimmed.starts_with(';') {
            Some(line.len() - trimmed.len())
        } else {
            line.char_indices()
                .find(|&(i, c)| c == '#' && (i == 0 || line[..i].ends_with(char::is_whitespace)))
                .map(|(i, _)| i)
        };
        match cut {
            Some(i) => {
                out.push_str(&line[..i]);
                for ch in line[i..].chars() {
                    if ch == '\n' {
                        out.push('\n');
                    } else {
                        for _ in 0..ch.len_utf8() {
                            out.push(' ');
                        }
                    }
                }
            }
            None => out.push_str(line),
        }
    }
    out
}

/// The effective value of a JS threshold object: `lines` when given, else the lowest metric.
fn js_threshold_value(block: &str) -> Option<f64> {
    let mut lines = None;
    let mut min: Option<f64> = None;
    for cap in JS_METRIC.captures_iter(block) {
        let (Some(k), Some(v)) = (cap.get(1), cap.get(2)) else {
            continue;
        };
        let v = if k.as_str() == "100" {
            if v.as_str() == "true" {
                100.0
            } else {
                continue;
            }
        } else {
            match v.as_str().parse::<f64>() {
                Ok(v) => v,
                Err(_) => continue,
            }
        };
        if k.as_str() == "lines" && lines.is_none() {
            lines = Some(v);
        }
        min = Some(min.map_or(v, |m: f64| m.min(v)));
    }
    lines.or(min)
}

fn coverage_thresholds(f: &CodeFile<'_>) -> Vec<Threshold> {
    let mut out = Vec::new();
    let name = f.meta.lower_name();
    let stripped;
    let text: &str = if f.lang.is_some() || name.ends_with(".json") || name == ".nycrc" {
        f.code
    } else {
        stripped = strip_hash_comments(f.text);
        &stripped
    };
    let mut push = |value: f64, tool: &'static str, offset: usize, what: String| {
        out.push(Threshold {
            value,
            tool,
            hit: f.hit(offset, what),
        })
    };
    if text.contains("fail") {
        for cap in PYTEST_COV.captures_iter(text) {
            if let (Some(all), Some(v)) = (cap.get(0), cap.get(1))
                && let Ok(v) = v.as_str().parse()
            {
                push(v, "pytest-cov", all.start(), "--cov-fail-under".into());
            }
        }
        if matches!(
            name,
            "pyproject.toml" | "setup.cfg" | ".coveragerc" | "tox.ini" | "pytest.ini"
        ) {
            for cap in COVERAGE_PY.captures_iter(text) {
                if let (Some(v), Ok(n)) = (cap.get(1), cap[1].parse()) {
                    let at = cap.get(0).map_or(v.start(), |m| {
                        m.start() + (m.as_str().len() - m.as_str().trim_start().len())
                    });
                    push(n, "coverage.py", at, "fail_under".into());
                }
            }
        }
        for cap in FAIL_UNDER_FLAG.captures_iter(text) {
            if let (Some(all), Some(tool), Ok(n)) = (cap.get(0), cap.get(1), cap[2].parse()) {
                let tool = if tool.as_str().contains("llvm-cov") {
                    "cargo-llvm-cov"
                } else if tool.as_str().contains("tarpaulin") {
                    "cargo-tarpaulin"
                } else {
                    "coverage.py"
                };
                push(n, tool, all.start(), "--fail-under".into());
            }
        }
        if name.contains("tarpaulin") {
            for cap in TARPAULIN_TOML.captures_iter(text) {
                if let (Some(v), Ok(n)) = (cap.get(1), cap[1].parse()) {
                    push(n, "cargo-tarpaulin", v.start(), "fail-under".into());
                }
            }
        }
    }
    if name.starts_with(".testcoverage") {
        for cap in GO_TESTCOVERAGE.captures_iter(text) {
            if let (Some(v), Ok(n)) = (cap.get(1), cap[1].parse()) {
                push(n, "go-test-coverage", v.start(), "threshold total".into());
            }
        }
    }
    let js_like = f.lang == Some(Lang::Js)
        || name == "package.json"
        || name.starts_with(".nycrc")
        || name.starts_with(".c8rc")
        || name.starts_with("jest.config.");
    if js_like {
        let mut blocks = 0;
        for m in JS_THRESHOLD_BLOCK.find_iter(text) {
            let Some(end) = code::matching_close(text, m.end() - 1, 16 * 1024) else {
                continue;
            };
            if let Some(v) = js_threshold_value(&text[m.end() - 1..end]) {
                let tool = if m.as_str().contains("coverageThreshold") {
                    "jest"
                } else {
                    "vitest"
                };
                blocks += 1;
                push(v, tool, m.start(), format!("{tool} coverage threshold"));
            }
        }
        if blocks == 0 && (name.starts_with("vite") || name.starts_with("vitest")) {
            // vitest < 1: `coverage: { lines: 80 }`
            for m in JS_COVERAGE_BLOCK.find_iter(text) {
                let Some(end) = code::matching_close(text, m.end() - 1, 16 * 1024) else {
                    continue;
                };
                let block = &text[m.end() - 1..end];
                if let Some(v) = js_threshold_value(block) {
                    push(v, "vitest", m.start(), "vitest coverage threshold".into());
                }
            }
        }
        if (name.starts_with(".nycrc") || name.starts_with(".c8rc") || name == "package.json")
            && text.contains("check-coverage")
        {
            // nyc / c8 configuration: `"check-coverage": true, "lines": 80`
            let json: Option<serde_json::Value> = serde_json::from_str(text).ok();
            let cfg = json.as_ref().and_then(|j| {
                if name == "package.json" {
                    j.get("nyc").or_else(|| j.get("c8"))
                } else {
                    Some(j)
                }
            });
            if let Some(cfg) = cfg
                && cfg.get("check-coverage").and_then(|v| v.as_bool()) == Some(true)
            {
                let v = ["lines", "statements", "branches", "functions"]
                    .iter()
                    .filter_map(|k| cfg.get(*k).and_then(|v| v.as_f64()))
                    .next();
                let at = text.find("check-coverage").unwrap_or(0);
                if let Some(v) = v {
                    push(v, "nyc/c8", at, "check-coverage".into());
                }
            }
        }
        for cap in JS_CLI_THRESHOLD.captures_iter(text) {
            if let (Some(all), Ok(n)) = (cap.get(0), cap[1].parse()) {
                push(
                    n,
                    "vitest/c8/nyc",
                    all.start(),
                    "coverage threshold flag".into(),
                );
            }
        }
    }
    for cap in JEST_CLI_THRESHOLD.captures_iter(text) {
        if let (Some(all), Some(json)) = (cap.get(0), cap.get(1))
            && let Some(v) = js_threshold_value(json.as_str())
        {
            push(v, "jest", all.start(), "--coverageThreshold".into());
        }
    }
    out
}

impl Analyzer for Tests {
    fn wants(&self, file: &FileMeta) -> bool {
        test_language(file).is_some() || is_coverage_config(file)
    }

    fn visit(&self, f: &CodeFile<'_>) {
        let mut suite = None;
        if let Some(lang) = test_language(f.meta) {
            let (re, gate): (&Regex, &str) = match lang {
                "node" => (&JS_CASE, "("),
                "python" => (&PY_CASE, "def test"),
                "rust" => (&RS_CASE, "#["),
                _ => (&GO_CASE, "testing."),
            };
            if f.bare.contains(gate) {
                let n = re.find_iter(f.bare).count();
                if n > 0 {
                    suite = Some((lang, n));
                }
            }
        }
        let thresholds = if is_coverage_config(f.meta) {
            coverage_thresholds(f)
        } else {
            Vec::new()
        };
        let placeholder = (f.meta.lower_name() == "package.json")
            .then(|| NPM_PLACEHOLDER.find(f.text))
            .flatten()
            .map(|m| f.hit(m.start(), "npm's placeholder test script"));
        if suite.is_none() && thresholds.is_empty() && placeholder.is_none() {
            return;
        }
        let mut st = code::lock(&self.state);
        if let Some((lang, n)) = suite {
            st.suites
                .entry(lang)
                .or_default()
                .push((f.path().to_string(), n));
        }
        st.thresholds.extend(thresholds);
        st.placeholder_scripts.extend(placeholder);
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut st = code::take(self.state);
        for v in st.suites.values_mut() {
            v.sort();
        }
        st.thresholds.sort_by(|a, b| a.hit.cmp(&b.hit));
        st.placeholder_scripts.sort();
        let mut out = suite_findings(&st, repo);
        out.push(coverage_finding(&st, repo));
        out
    }
}

const RUNNERS: &[(&str, &str)] = &[
    (
        "node",
        "jest/vitest/mocha `*.test.*`/`*.spec.*` or `__tests__/`",
    ),
    (
        "python",
        "pytest/unittest `test_*.py`/`*_test.py` or `tests/`",
    ),
    ("rust", "`#[test]` functions or `tests/`"),
    ("go", "`_test.go` files with `func TestX(t *testing.T)`"),
];

fn suite_findings(st: &State, repo: &Repo) -> Vec<Finding> {
    let check = Catalog::builtin().check("tests.suite");
    let mut out = Vec::new();
    for (lang, how) in RUNNERS {
        let Some(stack) = repo.stacks.iter().find(|s| s.language == *lang) else {
            continue;
        };
        match st.suites.get(lang) {
            Some(files) if !files.is_empty() => {
                let cases: usize = files.iter().map(|(_, n)| n).sum();
                let mut f = Finding::new(
                    check,
                    Outcome::Pass,
                    format!(
                        "{lang}: {cases} test case{} in {} file{}",
                        if cases == 1 { "" } else { "s" },
                        files.len(),
                        if files.len() == 1 { "" } else { "s" }
                    ),
                );
                f.evidence = files
                    .iter()
                    .take(5)
                    .map(|(p, n)| {
                        Evidence::at_with_snippet(p.clone(), 1, 1, format!("{n} test case(s)"))
                    })
                    .collect();
                out.push(f);
            }
            _ => {
                let mut f = Finding::new(
                    check,
                    Outcome::Fail,
                    format!(
                        "{} stack ({}) has no tests: looked for {how}",
                        lang,
                        stack.manifests.join(", ")
                    ),
                );
                for h in st.placeholder_scripts.iter() {
                    f.evidence.push(h.evidence());
                }
                if let Some(m) = stack.manifests.first() {
                    f.evidence.push(Evidence::file(m.clone()));
                }
                out.push(f);
            }
        }
    }
    if out.is_empty() {
        out.push(
            Finding::new(
                check,
                Outcome::NotApplicable,
                "no Node, Python, Rust or Go stack detected",
            )
            .with_evidence(Evidence::note(
                "looked for package.json, pyproject.toml/requirements*.txt/setup.py, Cargo.toml, go.mod",
            )),
        );
    }
    out
}

fn coverage_finding(st: &State, repo: &Repo) -> Finding {
    let check = Catalog::builtin().check("tests.coverage-threshold");
    let min = repo.coverage_min;
    let best = st.thresholds.iter().max_by(|a, b| {
        a.value
            .partial_cmp(&b.value)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let Some(best) = best else {
        if repo.stacks.is_empty() {
            return Finding::new(
                check,
                Outcome::NotApplicable,
                "no Node, Python, Rust or Go stack detected",
            );
        }
        return Finding::new(
            check,
            Outcome::Fail,
            format!("no coverage threshold is configured (policy minimum {min}%)"),
        )
        .with_evidence(Evidence::note(
            "looked for jest/vitest coverageThreshold, nyc/c8 check-coverage, pytest-cov --cov-fail-under, coverage.py fail_under, cargo llvm-cov --fail-under-*, tarpaulin fail-under, go-test-coverage threshold",
        ));
    };
    let metric = Evidence::metric(
        "coverage threshold",
        best.value,
        Some("%"),
        Some(format!(">= {min}%")),
    );
    let (outcome, msg) = if best.value + 1e-9 >= min {
        (
            Outcome::Pass,
            format!(
                "{} threshold {}% ({}) meets the policy minimum {min}%",
                best.tool,
                best.value,
                best.hit.locator()
            ),
        )
    } else {
        (
            Outcome::Fail,
            format!(
                "{} threshold {}% ({}) is below the policy minimum {min}%",
                best.tool,
                best.value,
                best.hit.locator()
            ),
        )
    };
    Finding::new(check, outcome, msg)
        .with_evidence(best.hit.evidence())
        .with_evidence(metric)
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn hash_comments_keep_offsets() {
        let t = "a = 1 # --cov-fail-under=10\n# fail_under = 5\nurl = \"x#y\"\n";
        let s = strip_hash_comments(t);
        assert_eq!(s.len(), t.len());
        assert!(!s.contains("fail"));
        assert!(s.contains("x#y"));
    }

    #[test]
    fn js_threshold_prefers_lines() {
        assert_eq!(
            js_threshold_value("{ global: { branches: 70, lines: 85 } }"),
            Some(85.0)
        );
        assert_eq!(
            js_threshold_value("{ branches: 70, functions: 90 }"),
            Some(70.0)
        );
        assert_eq!(js_threshold_value("{ 100: true }"), Some(100.0));
        assert_eq!(js_threshold_value("{ perFile: true }"), None);
    }
}
