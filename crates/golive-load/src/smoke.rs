//! Smoke tests: critical paths described in `smoke.yaml`, run one request at a time, each test a
//! `smoke.<name>` finding with the HTTP exchanges as evidence.
//!
//! ```yaml
//! base_url: http://127.0.0.1:8080     # or --base-url / golive.toml [smoke] base_url
//! timeout: 5s                          # per request (default 10s)
//! headers: { Accept: application/json }
//! tests:
//!   - name: Homepage loads
//!     path: /
//!     expect: 200
//!   - name: API health
//!     path: /api/health
//!     expect: { status: 200, json: { status: healthy }, max_latency: 500ms }
//!   - name: Login flow
//!     steps:
//!       - name: login
//!         method: POST
//!         path: /api/login
//!         json: { user: alice, password: secret }
//!         expect: { status: 200, json: { /token: { exists: true } } }
//!         capture: { token: /token }
//!       - name: profile
//!         path: /api/me
//!         headers: { Authorization: "Bearer ${token}" }
//!         expect: { status: 200, json: { user.name: alice } }
//! ```
//!
//! The shape of deployment checklists (`smoke_tests: { critical_paths: [ {name, url, expect} ] }`)
//! is read too; prose steps (`- Login page loads`) cannot be run and give an inconclusive
//! finding asking for a request.

use crate::LoadError;
use crate::client::{Connector, read_body};
use crate::plan::{StatusSet, parse_header};
use bytes::Bytes;
use golive_core::{
    Catalog, Category, Check, Collector, Evidence, Finding, Header, Outcome, Severity, Stage,
};
use http::{HeaderMap, HeaderValue, Method, Request};
use http_body_util::Full;
use serde::Deserialize;
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// Default per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes of a response body kept for checks and evidence.
const BODY_KEEP: usize = 1 << 20;
const EXCERPT: usize = 400;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    base_url: Option<String>,
    timeout: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    tests: Vec<TestSpec>,
    smoke_tests: Option<ChecklistShape>,
}

/// `smoke_tests:` as written in deployment checklists.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecklistShape {
    #[serde(default)]
    critical_paths: Vec<TestSpec>,
    #[serde(default)]
    performance: Vec<Yaml>,
    #[serde(default)]
    duration: Option<Yaml>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestSpec {
    name: String,
    severity: Option<Severity>,
    #[serde(default)]
    steps: Vec<StepEntry>,
    // A one-request test gives its request inline.
    method: Option<String>,
    #[serde(alias = "url")]
    path: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body: Option<String>,
    json: Option<Yaml>,
    expect: Option<ExpectSpec>,
    #[serde(default)]
    capture: BTreeMap<String, CaptureSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum StepEntry {
    Request(Box<StepSpec>),
    Prose(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepSpec {
    name: Option<String>,
    method: Option<String>,
    #[serde(alias = "url")]
    path: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body: Option<String>,
    json: Option<Yaml>,
    expect: Option<ExpectSpec>,
    #[serde(default)]
    capture: BTreeMap<String, CaptureSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum ExpectSpec {
    Status(u16),
    Full(ExpectFull),
    /// `expect: { status: "healthy" }` in checklists: JSON fields of the body.
    Fields(BTreeMap<String, Yaml>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFull {
    status: Option<StatusSpec>,
    #[serde(default)]
    json: BTreeMap<String, Yaml>,
    body_contains: Option<OneOrMany>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    max_latency: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum StatusSpec {
    Code(u16),
    Codes(Vec<u16>),
    Set(ParsedSet),
}

/// A status set written as text (`2xx`, `200-399,404`); text that is not one (`healthy`) makes
/// the whole `expect` map read as JSON fields instead.
#[derive(Debug, Clone)]
struct ParsedSet(String, StatusSet);

impl<'de> Deserialize<'de> for ParsedSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let set = StatusSet::parse(&s).map_err(serde::de::Error::custom)?;
        Ok(ParsedSet(s, set))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum CaptureSpec {
    /// JSON pointer (`/token`) or dotted path (`data.id`) into the response body.
    Json(String),
    Header {
        header: String,
    },
}

/// A parsed smoke spec.
#[derive(Debug, Clone)]
pub struct Spec {
    pub path: String,
    pub base_url: Option<String>,
    pub timeout: Duration,
    headers: BTreeMap<String, String>,
    tests: Vec<TestSpec>,
    /// Parts of the file that are read but not run (checklist `performance:` lines).
    pub notices: Vec<String>,
    /// The first request path that needs a base URL, with its 1-based line in the file.
    first_relative: Option<(usize, String)>,
}

/// The first `path:` in the spec text whose value is relative (needs a base URL), with its
/// line. Templated paths (`${id}`) count as relative unless they start with a scheme.
fn first_relative_path(text: &str) -> Option<(usize, String)> {
    text.lines().enumerate().find_map(|(i, l)| {
        let t = l.trim_start().trim_start_matches("- ").trim_start();
        let v = t.strip_prefix("path:")?.trim();
        let v = v.trim_matches(|c| c == '"' || c == '\'');
        (!v.is_empty() && !v.starts_with("http://") && !v.starts_with("https://"))
            .then(|| (i + 1, v.to_string()))
    })
}

/// A body shown in a message: at most [`SHORT_EXCERPT_CHARS`] characters and
/// [`SHORT_EXCERPT_LINES`] lines, whitespace runs folded, then "… N more bytes".
pub fn short_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::new();
    let mut used_bytes = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if n >= SHORT_EXCERPT_LINES {
            break;
        }
        let room = SHORT_EXCERPT_CHARS.saturating_sub(out.chars().count());
        if room == 0 {
            break;
        }
        let taken: String = line.chars().take(room).collect();
        used_bytes += taken.len();
        out.push_str(&taken);
        if taken.len() < line.len() {
            break;
        }
    }
    let rest = text.len().saturating_sub(used_bytes);
    let mut out = out.trim_end().to_string();
    if rest > 0 {
        out.push_str(&format!(" … {rest} more bytes"));
    }
    out
}

const SHORT_EXCERPT_CHARS: usize = 300;
const SHORT_EXCERPT_LINES: usize = 5;

impl Spec {
    /// Reads and parses a spec file.
    pub fn load(path: &Path) -> Result<Spec, LoadError> {
        let label = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| LoadError::Spec {
            path: label.clone(),
            why: format!(
                "cannot read it: {e} (write a smoke.yaml, see docs/load.md, or give -f FILE)"
            ),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| LoadError::Spec {
            path: label.clone(),
            why: "not UTF-8 text".into(),
        })?;
        Spec::parse(&text, &label)
    }

    /// Parses spec text; `label` names it in errors.
    pub fn parse(text: &str, label: &str) -> Result<Spec, LoadError> {
        let err = |why: String| LoadError::Spec {
            path: label.to_string(),
            why,
        };
        if let Some((line, why)) = golive_core::yaml::too_deep(text) {
            return Err(err(format!("line {line}: {why}")));
        }
        let file: SpecFile = serde_yaml::from_str(text).map_err(|e| err(e.to_string()))?;
        let timeout = match &file.timeout {
            Some(t) => {
                let d = golive_core::units::parse_duration_max(t, golive_core::units::TIMEOUT_MAX)
                    .map_err(|e| err(format!("{}timeout: {e}", top_key_line(text, "timeout"))))?;
                if d.is_zero() {
                    return Err(err(format!(
                        "{}timeout: `{t}`: must be more than zero",
                        top_key_line(text, "timeout")
                    )));
                }
                d
            }
            None => DEFAULT_TIMEOUT,
        };
        let mut tests = file.tests;
        let mut notices = Vec::new();
        if let Some(cl) = file.smoke_tests {
            tests.extend(cl.critical_paths);
            for p in cl.performance {
                let text = match p {
                    Yaml::String(s) => s,
                    other => serde_yaml::to_string(&other)
                        .unwrap_or_default()
                        .trim()
                        .to_string(),
                };
                notices.push(format!(
                    "{label}: `performance: {text}` is not a smoke test: use `golive load` thresholds for it"
                ));
            }
            if cl.duration.is_some() {
                notices.push(format!(
                    "{label}: `duration` is informative only: each request has its own timeout"
                ));
            }
        }
        if tests.is_empty() {
            return Err(err("no test: add a `tests:` list (see docs/load.md)".into()));
        }
        for h in file.headers.iter() {
            parse_header(&format!("{}: {}", h.0, h.1)).map_err(|e| err(format!("headers: {e}")))?;
        }
        for t in &tests {
            if t.name.trim().is_empty() {
                return Err(err("a test has an empty `name`".into()));
            }
            let inline = t.path.is_some();
            if inline && !t.steps.is_empty() {
                return Err(err(format!(
                    "test `{}` has both `path` and `steps`: give one request inline or a list of steps",
                    t.name
                )));
            }
            if !inline && t.steps.is_empty() {
                return Err(err(format!(
                    "test `{}` has neither `path` nor `steps`",
                    t.name
                )));
            }
            if let Some(ExpectSpec::Full(e)) = &t.expect {
                check_expect(e).map_err(|w| err(format!("test `{}`: {w}", t.name)))?;
            }
            for s in &t.steps {
                if let StepEntry::Request(s) = s
                    && let Some(ExpectSpec::Full(e)) = &s.expect
                {
                    check_expect(e).map_err(|w| err(format!("test `{}`: {w}", t.name)))?;
                }
            }
        }
        Ok(Spec {
            path: label.to_string(),
            base_url: file.base_url,
            timeout,
            headers: file.headers,
            tests,
            notices,
            first_relative: first_relative_path(text),
        })
    }

    pub fn len(&self) -> usize {
        self.tests.len()
    }
    pub fn is_empty(&self) -> bool {
        self.tests.is_empty()
    }
}

/// `line N: ` of a top-level `key:` of a YAML text (empty when not found).
fn top_key_line(text: &str, key: &str) -> String {
    text.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| format!("line {}: ", i + 1))
        .unwrap_or_default()
}

fn check_expect(e: &ExpectFull) -> Result<(), String> {
    if let Some(l) = &e.max_latency {
        golive_core::units::parse_duration_max(l, golive_core::units::TIMEOUT_MAX)
            .map_err(|x| format!("max_latency: {x}"))?;
    }
    Ok(())
}

/// What a smoke run produced.
#[derive(Debug, Clone, Default)]
pub struct SmokeRun {
    pub findings: Vec<Finding>,
    /// The `smoke.<name>` checks to register with `ReportBuilder::dynamic_check`.
    pub checks: Vec<Check>,
    pub notices: Vec<String>,
}

/// Runs every test of the spec against `base_url` (overrides the spec's).
pub fn run_blocking(spec: &Spec, base_url: Option<&str>) -> Result<SmokeRun, LoadError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LoadError::Io(format!("cannot start the runtime: {e}")))?;
    rt.block_on(run(spec, base_url))
}

/// Runs every test of the spec (async).
pub async fn run(spec: &Spec, base_url: Option<&str>) -> Result<SmokeRun, LoadError> {
    let base = base_url
        .map(str::to_string)
        .or_else(|| spec.base_url.clone());
    let base = match base {
        Some(b) => Some(url::Url::parse(&b).map_err(|e| LoadError::Spec {
            path: spec.path.clone(),
            why: format!(
                "base URL `{}` is not a URL ({e})",
                golive_core::secrets::strip_userinfo(&b)
            ),
        })?),
        None => None,
    };
    // A relative path without a base URL is a mistake in the configuration, not a failure of
    // the service: say where, and run nothing.
    if base.is_none()
        && let Some((line, path)) = &spec.first_relative
    {
        return Err(LoadError::Spec {
            path: format!("{}:{line}", spec.path),
            why: format!(
                "`{path}` is relative and no base URL is set: give --base-url URL, `base_url:` at the top of the spec, or golive.toml [smoke] base_url"
            ),
        });
    }
    let template = Catalog::builtin().check("smoke.template");
    let mut out = SmokeRun {
        notices: spec.notices.clone(),
        ..Default::default()
    };
    let mut used: Vec<String> = Vec::new();
    for t in &spec.tests {
        let id = unique_id(&t.name, &mut used);
        let check = Check {
            id: id.clone(),
            title: t.name.clone(),
            category: Category::Tests,
            severity: t.severity.unwrap_or(template.severity),
            stage: Stage::Staging,
            collector: Collector::Smoke,
            rationale: template.rationale.clone(),
            remediation: template.remediation.clone(),
            references: Vec::new(),
            tags: vec!["smoke".into()],
        };
        let finding = run_test(spec, base.as_ref(), t, &check).await;
        out.findings.push(finding);
        out.checks.push(check);
    }
    Ok(out)
}

fn unique_id(name: &str, used: &mut Vec<String>) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_string();
    if slug.is_empty() || slug == "template" {
        slug = format!("test-{}", used.len() + 1);
    }
    let mut id = format!("smoke.{slug}");
    let mut n = 2;
    while used.contains(&id) {
        id = format!("smoke.{slug}-{n}");
        n += 1;
    }
    used.push(id.clone());
    id
}

struct StepRef<'a> {
    name: String,
    method: Option<&'a str>,
    path: &'a str,
    headers: &'a BTreeMap<String, String>,
    body: Option<&'a str>,
    json: Option<&'a Yaml>,
    expect: Option<&'a ExpectSpec>,
    capture: &'a BTreeMap<String, CaptureSpec>,
}

/// Runs one test and masks its finding: every captured value, every `${env.*}` value the test
/// uses, the value of every header it sends (but `Accept`, `Content-Type`, …) and URL
/// credentials, wherever they show (message, evidence URLs, headers, body excerpts).
async fn run_test(spec: &Spec, base: Option<&url::Url>, t: &TestSpec, check: &Check) -> Finding {
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    // Credentials in the base URL are never sent nor shown.
    let clean = base.map(|b| {
        let mut c = b.clone();
        let _ = c.set_username("");
        let _ = c.set_password(None);
        c
    });
    let mut f = run_test_steps(spec, clean.as_ref(), t, check, &mut vars).await;
    let mut r = golive_core::secrets::Redactor::new();
    for v in vars.values() {
        r.add(v);
    }
    let mut texts: Vec<&str> = Vec::new();
    let mut headers: Vec<(&String, &String)> = spec.headers.iter().collect();
    if let Some(p) = &t.path {
        texts.push(p);
    }
    texts.extend(t.body.as_deref());
    headers.extend(t.headers.iter());
    let json_text = |j: &Yaml| serde_json::to_string(j).unwrap_or_default();
    let mut owned: Vec<String> = t.json.iter().map(json_text).collect();
    for s in &t.steps {
        if let StepEntry::Request(s) = s {
            texts.push(&s.path);
            texts.extend(s.body.as_deref());
            headers.extend(s.headers.iter());
            owned.extend(s.json.iter().map(json_text));
        }
    }
    texts.extend(owned.iter().map(String::as_str));
    for (n, v) in &headers {
        texts.push(v);
        if !v.contains("${") {
            r.add_header(n, v);
        }
    }
    for text in texts {
        for v in env_values(text) {
            r.add(&v);
        }
    }
    if let Some(b) = base {
        add_url_credentials(&mut r, b);
    }
    r.finding(&mut f);
    f
}

/// The values of the `${env.NAME}` references in a text (those that are set).
fn env_values(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else { break };
        if let Some(name) = after[..end].trim().strip_prefix("env.")
            && let Ok(v) = std::env::var(name)
        {
            out.push(v);
        }
        rest = &after[end + 1..];
    }
    out
}

fn add_url_credentials(r: &mut golive_core::secrets::Redactor, u: &url::Url) {
    if let Some(p) = u.password() {
        r.add(p);
        if let Ok(d) = percent_encoding::percent_decode_str(p).decode_utf8() {
            r.add(&d);
        }
    }
}

async fn run_test_steps(
    spec: &Spec,
    base: Option<&url::Url>,
    t: &TestSpec,
    check: &Check,
    vars: &mut BTreeMap<String, String>,
) -> Finding {
    let mut steps: Vec<StepRef> = Vec::new();
    if let Some(path) = &t.path {
        steps.push(StepRef {
            name: t.name.clone(),
            method: t.method.as_deref(),
            path,
            headers: &t.headers,
            body: t.body.as_deref(),
            json: t.json.as_ref(),
            expect: t.expect.as_ref(),
            capture: &t.capture,
        });
    }
    for (i, s) in t.steps.iter().enumerate() {
        match s {
            StepEntry::Request(s) => steps.push(StepRef {
                name: s.name.clone().unwrap_or_else(|| format!("step {}", i + 1)),
                method: s.method.as_deref(),
                path: &s.path,
                headers: &s.headers,
                body: s.body.as_deref(),
                json: s.json.as_ref(),
                expect: s.expect.as_ref(),
                capture: &s.capture,
            }),
            StepEntry::Prose(p) => {
                return Finding::new(
                    check,
                    Outcome::Inconclusive,
                    format!(
                        "step {} of `{}` is prose (`{p}`), not a request: describe it with path, method and expect to run it",
                        i + 1,
                        t.name
                    ),
                )
                .with_evidence(Evidence::file(spec.path.clone()));
            }
        }
    }
    let mut evidence = Vec::new();
    let total = steps.len();
    for (i, step) in steps.iter().enumerate() {
        let label = if total > 1 {
            format!("step {}/{} `{}`", i + 1, total, step.name)
        } else {
            format!("`{}`", step.name)
        };
        match run_step(spec, base, step, vars).await {
            Ok(ev) => evidence.push(ev),
            Err((why, ev)) => {
                let mut f = Finding::new(check, Outcome::Fail, format!("{label} failed: {why}"));
                for e in evidence {
                    f = f.with_evidence(e);
                }
                if let Some(ev) = ev {
                    f = f.with_evidence(ev);
                }
                return f;
            }
        }
    }
    let mut f = Finding::new(
        check,
        Outcome::Pass,
        if total > 1 {
            format!("all {total} steps passed")
        } else {
            "passed".to_string()
        },
    );
    for e in evidence {
        f = f.with_evidence(e);
    }
    f
}

type StepError = (String, Option<Evidence>);

async fn run_step(
    spec: &Spec,
    base: Option<&url::Url>,
    step: &StepRef<'_>,
    vars: &mut BTreeMap<String, String>,
) -> Result<Evidence, StepError> {
    let fail = |why: String| (why, None);
    let path = interpolate(step.path, vars).map_err(fail)?;
    let url = if path.starts_with("http://") || path.starts_with("https://") {
        url::Url::parse(&path).map_err(|e| fail(format!("`{path}` is not a URL: {e}")))?
    } else {
        let base = base.ok_or_else(|| {
            fail(format!(
                "`{path}` is relative and no base URL is set (give --base-url, `base_url:` in the spec or [smoke] base_url)"
            ))
        })?;
        base.join(&path)
            .map_err(|e| fail(format!("cannot join `{path}` to {base}: {e}")))?
    };
    let method_text = step
        .method
        .unwrap_or(if step.body.is_some() || step.json.is_some() {
            "POST"
        } else {
            "GET"
        });
    let method = Method::from_bytes(method_text.to_ascii_uppercase().as_bytes())
        .map_err(|_| fail(format!("`{method_text}` is not an HTTP method")))?;
    let mut headers = HeaderMap::new();
    let mut shown_headers = Vec::new();
    for (k, v) in spec.headers.iter().chain(step.headers.iter()) {
        let v = interpolate(v, vars).map_err(fail)?;
        let (name, value) = parse_header(&format!("{k}: {v}")).map_err(|e| fail(e.to_string()))?;
        shown_headers.push(Header {
            name: name.to_string(),
            value: mask_header(name.as_str(), &v),
        });
        headers.insert(name, value);
    }
    let body = match (step.body, step.json) {
        (Some(b), _) => Bytes::from(interpolate(b, vars).map_err(fail)?),
        (None, Some(j)) => {
            let mut json = serde_json::to_value(j).map_err(|e| fail(format!("json body: {e}")))?;
            interpolate_json(&mut json, vars).map_err(fail)?;
            if !headers.contains_key(http::header::CONTENT_TYPE) {
                headers.insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
            Bytes::from(json.to_string())
        }
        (None, None) => Bytes::new(),
    };
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    };
    if let Ok(v) = HeaderValue::from_str(&host) {
        headers.insert(http::header::HOST, v);
    }
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let mut req = Request::new(Full::new(body));
    *req.method_mut() = method.clone();
    *req.uri_mut() = target
        .parse()
        .map_err(|e| fail(format!("`{target}`: {e}")))?;
    *req.headers_mut() = headers;

    let connector = Connector::new(&url, false).map_err(|e| fail(e.to_string()))?;
    let started = Instant::now();
    let exchange = async {
        let mut sender = connector.connect().await?;
        let resp = sender.send(req).await?;
        let status = resp.status().as_u16();
        let resp_headers = resp.headers().clone();
        let (_, body) = read_body(resp.into_body(), BODY_KEEP).await?;
        Ok::<_, crate::client::Failure>((status, resp_headers, body))
    };
    let result = tokio::time::timeout(spec.timeout, exchange).await;
    let elapsed = started.elapsed();
    let elapsed_ms = (elapsed.as_secs_f64() * 1e5).round() / 100.0;
    let (status, resp_headers, body) = match result {
        Ok(Ok(x)) => x,
        Ok(Err(f)) => {
            return Err((
                format!("{method} {url}: {f}"),
                Some(http_evidence(
                    &method,
                    &url,
                    None,
                    shown_headers,
                    &HeaderMap::new(),
                    &[],
                    elapsed_ms,
                    vars,
                )),
            ));
        }
        Err(_) => {
            return Err((
                format!(
                    "{method} {url}: no response within {:?} (timeout)",
                    spec.timeout
                ),
                Some(http_evidence(
                    &method,
                    &url,
                    None,
                    shown_headers,
                    &HeaderMap::new(),
                    &[],
                    elapsed_ms,
                    vars,
                )),
            ));
        }
    };
    let evidence = |vars: &BTreeMap<String, String>| {
        http_evidence(
            &method,
            &url,
            Some(status),
            shown_headers.clone(),
            &resp_headers,
            &body,
            elapsed_ms,
            vars,
        )
    };
    if let Err(why) = check_response(step.expect, status, &resp_headers, &body, elapsed) {
        return Err((why, Some(evidence(vars))));
    }
    for (name, how) in step.capture {
        let value = match how {
            CaptureSpec::Json(path) => {
                let json: Json = serde_json::from_slice(&body).map_err(|e| {
                    (
                        format!("capture `{name}`: the body is not JSON ({e})"),
                        Some(evidence(vars)),
                    )
                })?;
                match lookup(&json, path) {
                    Some(Json::String(s)) => s.clone(),
                    Some(Json::Null) | None => {
                        return Err((
                            format!("capture `{name}`: no value at `{path}` in the response body"),
                            Some(evidence(vars)),
                        ));
                    }
                    Some(other) => other.to_string(),
                }
            }
            CaptureSpec::Header { header } => match resp_headers
                .get(header.as_str())
                .and_then(|v| v.to_str().ok())
            {
                Some(v) => v.to_string(),
                None => {
                    return Err((
                        format!("capture `{name}`: no `{header}` header in the response"),
                        Some(evidence(vars)),
                    ));
                }
            },
        };
        vars.insert(name.clone(), value);
    }
    Ok(evidence(vars))
}

#[allow(clippy::too_many_arguments)]
fn http_evidence(
    method: &Method,
    url: &url::Url,
    status: Option<u16>,
    request_headers: Vec<Header>,
    resp_headers: &HeaderMap,
    body: &[u8],
    elapsed_ms: f64,
    vars: &BTreeMap<String, String>,
) -> Evidence {
    let response_headers = resp_headers
        .iter()
        .filter(|(n, _)| {
            matches!(
                n.as_str(),
                "content-type" | "location" | "set-cookie" | "www-authenticate" | "retry-after"
            )
        })
        .map(|(n, v)| Header {
            name: n.to_string(),
            value: mask_header(n.as_str(), &String::from_utf8_lossy(v.as_bytes())),
        })
        .collect();
    let body_excerpt = if body.is_empty() {
        None
    } else {
        let mut text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT)]).to_string();
        // Captured values (tokens, ids) are masked wherever they show.
        for v in vars.values().filter(|v| v.len() >= 8) {
            text = text.replace(v.as_str(), &golive_core::mask_secret(v));
        }
        if body.len() > EXCERPT {
            text.push('…');
        }
        Some(text)
    };
    Evidence::Http {
        method: method.to_string(),
        url: url.to_string(),
        status,
        request_headers,
        response_headers,
        body_excerpt,
        elapsed_ms: Some(elapsed_ms),
    }
}

fn mask_header(name: &str, value: &str) -> String {
    let n = name.to_ascii_lowercase();
    if matches!(
        n.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || n.contains("api-key")
        || n.contains("token")
    {
        match value.split_once(' ') {
            Some((scheme, secret)) if n.ends_with("authorization") => {
                format!("{scheme} {}", golive_core::mask_secret(secret))
            }
            _ => golive_core::mask_secret(value),
        }
    } else {
        value.to_string()
    }
}

/// Checks a response against the expectations; the error says expected vs received.
fn check_response(
    expect: Option<&ExpectSpec>,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    elapsed: Duration,
) -> Result<(), String> {
    let excerpt = || {
        if body.is_empty() {
            "(empty body)".to_string()
        } else {
            format!("`{}`", short_excerpt(body))
        }
    };
    let status_ok = |want: &str, ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(format!(
                "expected status {want}, received {status} (body {})",
                excerpt()
            ))
        }
    };
    let full = match expect {
        None => return status_ok("2xx", (200..300).contains(&status)),
        Some(ExpectSpec::Status(s)) => return status_ok(&s.to_string(), status == *s),
        Some(ExpectSpec::Fields(fields)) => {
            status_ok("2xx", (200..300).contains(&status))?;
            return check_json(fields, body);
        }
        Some(ExpectSpec::Full(f)) => f,
    };
    match &full.status {
        None => status_ok("2xx", (200..300).contains(&status))?,
        Some(StatusSpec::Code(c)) => status_ok(&c.to_string(), status == *c)?,
        Some(StatusSpec::Codes(cs)) => status_ok(
            &cs.iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(" or "),
            cs.contains(&status),
        )?,
        Some(StatusSpec::Set(ParsedSet(text, set))) => status_ok(text, set.contains(status))?,
    }
    if let Some(max) = &full.max_latency {
        let limit =
            golive_core::units::parse_duration(max).map_err(|e| format!("max_latency: {e}"))?;
        if elapsed > limit {
            return Err(format!(
                "expected a response within {max}, received it after {:.1} ms",
                elapsed.as_secs_f64() * 1e3
            ));
        }
    }
    for (name, want) in &full.headers {
        match headers.get(name.as_str()).and_then(|v| v.to_str().ok()) {
            Some(v) if v.contains(want.as_str()) => {}
            Some(v) => {
                return Err(format!(
                    "expected header `{name}` to contain `{want}`, received `{v}`"
                ));
            }
            None => {
                return Err(format!(
                    "expected header `{name}` containing `{want}`, received no such header"
                ));
            }
        }
    }
    if let Some(c) = &full.body_contains {
        let text = String::from_utf8_lossy(body);
        let wanted: Vec<&String> = match c {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v.iter().collect(),
        };
        for w in wanted {
            if !text.contains(w.as_str()) {
                return Err(format!(
                    "expected the body to contain `{w}`, received {}",
                    excerpt()
                ));
            }
        }
    }
    if !full.json.is_empty() {
        check_json(&full.json, body)?;
    }
    Ok(())
}

fn check_json(fields: &BTreeMap<String, Yaml>, body: &[u8]) -> Result<(), String> {
    let json: Json = serde_json::from_slice(body).map_err(|e| {
        format!(
            "expected a JSON body, received `{}` ({e})",
            short_excerpt(body)
        )
    })?;
    for (path, want) in fields {
        let got = lookup(&json, path);
        // `{ exists: true|false }`
        if let Yaml::Mapping(m) = want
            && m.len() == 1
            && let Some(Yaml::Bool(exists)) = m.get(Yaml::String("exists".into()))
        {
            let present = got.is_some_and(|g| !g.is_null());
            if present != *exists {
                return Err(format!(
                    "expected `{path}` to {}, received {}",
                    if *exists { "exist" } else { "be absent" },
                    got.map(|g| g.to_string())
                        .unwrap_or_else(|| "nothing".into())
                ));
            }
            continue;
        }
        let want_json = serde_json::to_value(want).map_err(|e| format!("`{path}`: {e}"))?;
        match got {
            Some(g) if json_eq(g, &want_json) => {}
            Some(g) => return Err(format!("expected `{path}` = {want_json}, received {g}")),
            None => {
                return Err(format!(
                    "expected `{path}` = {want_json}, received no such field"
                ));
            }
        }
    }
    Ok(())
}

fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        // YAML `200` against a JSON "200" string: compare as text.
        (Json::String(s), Json::Number(n)) | (Json::Number(n), Json::String(s)) => {
            *s == n.to_string()
        }
        _ => a == b,
    }
}

/// A JSON pointer (`/data/0/id`) or a dotted path (`data.0.id`).
pub fn lookup<'a>(json: &'a Json, path: &str) -> Option<&'a Json> {
    if path.starts_with('/') {
        return json.pointer(path);
    }
    let mut cur = json;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        cur = match cur {
            Json::Object(m) => m.get(part)?,
            Json::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Replaces `${name}` with a captured value and `${env.NAME}` with an environment variable.
pub fn interpolate(s: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("`{s}`: `${{` without a closing `}}`"))?;
        let name = after[..end].trim();
        if let Some(env) = name.strip_prefix("env.") {
            let v = std::env::var(env)
                .map_err(|_| format!("`${{{name}}}`: environment variable {env} is not set"))?;
            out.push_str(&v);
        } else {
            let v = vars.get(name).ok_or_else(|| {
                let known: Vec<&str> = vars.keys().map(String::as_str).collect();
                format!(
                    "`${{{name}}}` is not a captured value (captured so far: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                )
            })?;
            out.push_str(v);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn interpolate_json(v: &mut Json, vars: &BTreeMap<String, String>) -> Result<(), String> {
    match v {
        Json::String(s) => *s = interpolate(s, vars)?,
        Json::Array(a) => {
            for x in a {
                interpolate_json(x, vars)?;
            }
        }
        Json::Object(m) => {
            for x in m.values_mut() {
                interpolate_json(x, vars)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_shapes() {
        let s = Spec::parse(
            "base_url: http://127.0.0.1:1\ntests:\n  - name: Home\n    path: /\n    expect: 200\n  - name: Flow\n    steps:\n      - path: /a\n        capture: { t: /token }\n      - path: /b\n        headers: { Authorization: 'Bearer ${t}' }\n        expect: { status: 200, json: { user.name: alice }, max_latency: 1s }\n",
            "smoke.yaml",
        )
        .unwrap();
        assert_eq!(s.len(), 2);
        let c = Spec::parse(
            "smoke_tests:\n  critical_paths:\n    - name: \"Homepage loads\"\n      url: \"/\"\n      expect: 200\n    - name: \"API health\"\n      url: \"/api/health\"\n      expect: { status: \"healthy\" }\n    - name: \"Auth flow\"\n      steps:\n        - Login page loads\n  performance:\n    - LCP < 3s\n  duration: \"5-10 minutes max\"\n",
            "deploy.yaml",
        )
        .unwrap();
        assert_eq!(c.len(), 3);
        assert!(matches!(c.tests[1].expect, Some(ExpectSpec::Fields(_))));
        assert_eq!(c.notices.len(), 2);
    }

    #[test]
    fn bad_specs_say_what_and_where() {
        for (text, why) in [
            ("tests: [", "smoke.yaml"),
            ("tests:\n  - name: x\n    path: /\n    bogus: 1\n", "bogus"),
            ("tests: []\n", "no test"),
            ("tests:\n  - name: x\n", "neither"),
            (
                "tests:\n  - name: x\n    path: /\n    expect: { status: 200, max_latency: soon }\n",
                "max_latency",
            ),
            (
                "timeout: forever\ntests:\n  - name: x\n    path: /\n",
                "timeout",
            ),
            // Issue 12: used to panic (f64 -> Duration overflow), then to be accepted.
            (
                "# spec\ntimeout: 99999999999999999999h\ntests:\n  - name: x\n    path: /\n",
                "line 2: timeout: `99999999999999999999h` is longer than 100 years",
            ),
            (
                "timeout: 1h\ntests:\n  - name: x\n    path: /\n",
                "line 1: timeout: `1h` is longer than the limit of 10m",
            ),
            (
                "timeout: 0s\ntests:\n  - name: x\n    path: /\n",
                "more than zero",
            ),
            (
                "tests:\n  - name: x\n    path: /\n    expect: { status: 200, max_latency: 1e99999 }\n",
                "max_latency",
            ),
            (
                "tests:\n  - name: x\n    path: /\n    expect: { status: 200, max_latency: 2h }\n",
                "limit of 10m",
            ),
        ] {
            let e = Spec::parse(text, "smoke.yaml").unwrap_err().to_string();
            assert!(e.contains(why), "{text}: {e}");
            assert!(e.starts_with("smoke.yaml"), "{e}");
        }
    }

    /// Deeply nested flow collections are refused before parsing (the YAML parser's time grows
    /// with the square of the depth: 100 000 levels took 20 s of CPU), with the line.
    #[test]
    fn absurdly_nested_spec_is_refused_with_its_line() {
        let text = format!(
            "timeout: 5s\ntests: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let e = Spec::parse(&text, "smoke.yaml").unwrap_err().to_string();
        assert!(
            e.contains("line 2") && e.contains("nested more than"),
            "{e}"
        );
    }

    #[test]
    fn lookups_and_interpolation() {
        let j: Json = serde_json::json!({"data": {"items": [{"id": 7}]}, "token": "abc"});
        assert_eq!(lookup(&j, "/data/items/0/id"), Some(&serde_json::json!(7)));
        assert_eq!(lookup(&j, "data.items.0.id"), Some(&serde_json::json!(7)));
        assert_eq!(lookup(&j, "data.missing"), None);
        let mut vars = BTreeMap::new();
        vars.insert("token".to_string(), "abc".to_string());
        assert_eq!(interpolate("Bearer ${token}", &vars).unwrap(), "Bearer abc");
        let e = interpolate("${nope}", &vars).unwrap_err();
        assert!(e.contains("captured so far: token"), "{e}");
        assert!(interpolate("${open", &vars).is_err());
    }

    #[test]
    fn ids_are_unique_slugs() {
        let mut used = Vec::new();
        assert_eq!(
            unique_id("Homepage loads", &mut used),
            "smoke.homepage-loads"
        );
        assert_eq!(
            unique_id("Homepage loads!", &mut used),
            "smoke.homepage-loads-2"
        );
        assert_eq!(unique_id("Template", &mut used), "smoke.test-3");
        assert!(golive_core::config::is_dynamic_id("smoke.homepage-loads"));
    }
}
