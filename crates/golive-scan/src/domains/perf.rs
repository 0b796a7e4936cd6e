//! Performance: a load test committed with the code (k6, Locust, Artillery, Gatling, JMeter,
//! Vegeta/wrk/hey/oha/autocannon runs in scripts, or golive.toml `[load]`).

use super::code::{self, Analyzer, CodeFile, Hit, Lang};
use crate::repo::{FileMeta, Repo};
use golive_core::{Catalog, Evidence, Finding, Outcome};
use regex::Regex;
use std::sync::{LazyLock, Mutex};

fn re(s: &str) -> Regex {
    crate::rx::build(s)
}

static K6_IMPORT: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?:\bfrom\s*|\brequire\s*\(\s*)["']k6/(?:http|ws|net/grpc|experimental/[\w/-]+)["']"#)
});
static LOCUST_IMPORT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^\s*(?:from\s+locust(?:\.\w+)*\s+import\b|import\s+locust\b)"));
static LOCUST_USER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^[ \t]*class\s+\w+\s*\(\s*(?:locust\.)?(?:HttpUser|FastHttpUser|User|HttpLocust|TaskSet)\s*\)",
    )
});
static ARTILLERY_CONFIG: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^config:\s*$"));
static ARTILLERY_TARGET: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s+target:\s*\S"));
static ARTILLERY_SCENARIOS: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^scenarios:\s*$"));
static GATLING: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:\bextends\s+Simulation\b|:\s*Simulation\s*\(\s*\))"));
static LOAD_COMMAND: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)(?:^|[\s;&|(`'\x22])(vegeta\s+attack\b|k6\s+run\b|locust\s+(?:-f|--headless)|artillery\s+run\b|wrk2?\s+-[tcdRs]|hey\s+-[nczq]\b|oha\s+-[nzc]\b|autocannon\s+-|ab\s+-n\s*\d|golive\s+load\b)",
    )
});
static AUTOCANNON_IMPORT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:\bfrom\s*|\brequire\s*\(\s*)["']autocannon["']"#));
static VEGETA_TARGET: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^(?:GET|POST|PUT|PATCH|DELETE|HEAD) https?://\S+"));
/// Vegeta targets files: `targets.txt`, `load/api.targets`, `*.vegeta`.
fn is_vegeta_targets(f: &FileMeta) -> bool {
    let name = f.lower_name();
    name.ends_with(".vegeta")
        || name.ends_with(".targets")
        || (name.contains("targets") && name.ends_with(".txt"))
}
static GOLIVE_LOAD: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*\[load\]\s*(?:#.*)?$"));

#[derive(Default)]
struct State {
    load_tests: Vec<Hit>,
    servers: Vec<Hit>,
}

/// The performance analyzer.
#[derive(Default)]
pub struct Perf {
    state: Mutex<State>,
}

fn is_script(f: &FileMeta) -> bool {
    let name = f.lower_name();
    let p = f.path.to_ascii_lowercase();
    matches!(
        name,
        "makefile"
            | "justfile"
            | "package.json"
            | "taskfile.yml"
            | ".gitlab-ci.yml"
            | "jenkinsfile"
    ) || matches!(
        f.ext().map(str::to_ascii_lowercase).as_deref(),
        Some("sh" | "bash" | "ps1")
    ) || ((p.starts_with(".github/workflows/") || p.starts_with(".circleci/"))
        && (name.ends_with(".yml") || name.ends_with(".yaml")))
}

impl Analyzer for Perf {
    fn wants(&self, f: &FileMeta) -> bool {
        let ext = f.ext().map(str::to_ascii_lowercase);
        Lang::of(&f.path).is_some()
            || is_script(f)
            || f.path == "golive.toml"
            || is_vegeta_targets(f)
            || matches!(
                ext.as_deref(),
                Some("yml" | "yaml" | "scala" | "kt" | "java" | "jmx")
            )
    }

    fn visit(&self, f: &CodeFile<'_>) {
        let mut found = Vec::new();
        let mut servers = Vec::new();
        let ext = f.meta.ext().map(str::to_ascii_lowercase);
        match f.lang {
            Some(Lang::Js) => {
                if f.code.contains("k6")
                    && let Some(m) = K6_IMPORT.find(f.code)
                {
                    found.push(f.hit(m.start(), "k6 script"));
                }
                if f.code.contains("autocannon")
                    && let Some(m) = AUTOCANNON_IMPORT.find(f.code)
                {
                    found.push(f.hit(m.start(), "autocannon load test"));
                }
            }
            Some(Lang::Python) => {
                if f.code.contains("locust")
                    && LOCUST_IMPORT.is_match(f.code)
                    && let Some(m) = LOCUST_USER.find(f.code)
                {
                    found.push(f.hit(m.start(), "Locust user class"));
                }
            }
            _ => {}
        }
        if f.lang.is_some() && code::is_production(f.meta) {
            servers.extend(f.server_start().map(|at| f.hit(at, "HTTP server started")));
        }
        match ext.as_deref() {
            Some("yml" | "yaml") => {
                if let Some(m) = ARTILLERY_CONFIG.find(f.text)
                    && ARTILLERY_TARGET.is_match(f.text)
                    && ARTILLERY_SCENARIOS.is_match(f.text)
                {
                    found.push(f.hit(m.start(), "Artillery test (config.target + scenarios)"));
                }
            }
            Some("scala" | "kt" | "java") => {
                if f.text.contains("io.gatling")
                    && let Some(m) = GATLING.find(f.text)
                {
                    found.push(f.hit(m.start(), "Gatling simulation"));
                }
            }
            Some("jmx") => {
                if let Some(i) = f.text.find("<jmeterTestPlan") {
                    found.push(f.hit(i, "JMeter test plan"));
                }
            }
            _ => {}
        }
        if is_script(f.meta) {
            for cap in LOAD_COMMAND.captures_iter(f.text) {
                if let Some(m) = cap.get(1) {
                    let line = crate::repo::line_at(f.text, m.start());
                    if line.starts_with('#') {
                        continue;
                    }
                    let tool = m.as_str().split_whitespace().next().unwrap_or("load");
                    found.push(f.hit(m.start(), format!("`{tool}` load run")));
                }
            }
        }
        if is_vegeta_targets(f.meta)
            && let Some(m) = VEGETA_TARGET.find(f.text)
        {
            found.push(f.hit(m.start(), "Vegeta targets file"));
        }
        if f.path() == "golive.toml"
            && let Some(m) = GOLIVE_LOAD.find(f.text)
        {
            let at = m.start() + (m.as_str().len() - m.as_str().trim_start().len());
            found.push(f.hit(at, "golive.toml [load] section"));
        }
        if found.is_empty() && servers.is_empty() {
            return;
        }
        let mut st = code::lock(&self.state);
        st.load_tests.extend(found);
        st.servers.extend(servers);
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut st = code::take(self.state);
        st.load_tests.sort();
        st.load_tests.dedup();
        st.servers.sort();
        let check = Catalog::builtin().check("perf.load-test");
        if let Some(first) = st.load_tests.first() {
            let mut f = Finding::new(
                check,
                Outcome::Pass,
                format!("{} at {}", first.what, first.locator()),
            );
            f.evidence = st.load_tests.iter().take(5).map(Hit::evidence).collect();
            return vec![f];
        }
        if !code::serves_http(repo, &st.servers) {
            return vec![Finding::new(
                check,
                Outcome::NotApplicable,
                "no HTTP service in the code to load-test",
            )];
        }
        vec![
            Finding::new(check, Outcome::Fail, "no load test in the repository").with_evidence(
                Evidence::note(
                    "looked for k6 scripts (import from 'k6/http'), locustfile.py, Artillery YAML (config.target + scenarios), Gatling simulations, JMeter .jmx, vegeta/wrk/hey/oha/autocannon/k6 runs in scripts and CI, golive.toml [load]",
                ),
            ),
        ]
    }
}
