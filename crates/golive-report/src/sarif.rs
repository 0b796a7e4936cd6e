//! SARIF 2.1.0 (OASIS) that GitHub code scanning ingests: one run, one rule per check in the
//! report, one result per finding that needs attention (fail, warn, manual, error, inconclusive),
//! suppressed findings as results with `suppressions`.
//!
//! GitHub's ingestion is stricter than the schema, and every rule of it is kept here:
//! - every result has a physical location at a file of the repository, with `region.startLine`.
//!   A finding with file evidence points there; a repository-level or live finding points at
//!   the file it is about ([`anchor`]): the README for documentation, the first CI workflow for
//!   CI, golive.toml for probe, smoke, load and checklist findings, the manifest otherwise; when
//!   none of them exists, golive.toml (then README, manifest) of the audited directory, line 1;
//! - paths are relative to the repository root (the audited directory's prefix in its git
//!   repository is added), never a local absolute path (`originalUriBaseIds` has no URI);
//! - at most [`MAX_LOCATIONS`] locations per result, `fullDescription` of at most
//!   [`MAX_DESCRIPTION`] characters (the help text goes in `help`);
//! - `runs[].automationDetails.id` names the kind of run (`golive/audit/`, `golive/probe/`, …)
//!   so that uploads of one commit by different commands do not replace each other;
//! - `partialFingerprints.primaryLocationLineHash` is a hash of the check, the file and the
//!   normalised snippet (or the request path, metric or command for live findings), never the
//!   line number, host or port, so that it survives moved lines and new ports.
//!
//! Validated against the official schema and by the SARIF Multitool's GitHub rules in tests.

use crate::RenderOptions;
use golive_core::{
    Category, Check, Collector, Decision, Evidence, Finding, Outcome, Report, Repository, Severity,
};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// GitHub shows (and accepts) at most this many locations per result; golive keeps the first.
pub const MAX_LOCATIONS: usize = 10;
/// GitHub truncates a rule's `fullDescription` beyond this many characters.
pub const MAX_DESCRIPTION: usize = 1024;

/// The SARIF `level` of a finding: failing critical/high → error, medium → warning, low →
/// note; a warning → note; kinds other than `fail` must have level `none` (SARIF §3.27.10).
pub fn level(f: &Finding) -> &'static str {
    match kind(f.outcome) {
        "fail" => match f.outcome {
            Outcome::Warn => "note",
            _ => match f.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low => "note",
            },
        },
        _ => "none",
    }
}

/// The SARIF result `kind`: fail for fail/manual/warn, `open` (could not decide) for
/// inconclusive and error, `review` never (an unsigned manual item counts as a fail).
fn kind(o: Outcome) -> &'static str {
    match o {
        Outcome::Fail | Outcome::Manual | Outcome::Warn => "fail",
        Outcome::Inconclusive | Outcome::Error => "open",
        Outcome::Pass => "pass",
        Outcome::NotApplicable => "notApplicable",
    }
}

fn rule_level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub code scanning's `security-severity` (a CVSS-like 0–10 string) for security-ish
/// checks: those in the security and secrets categories.
fn security_severity(c: &Check) -> Option<&'static str> {
    if !matches!(c.category, Category::Security | Category::Secrets) {
        return None;
    }
    Some(match c.severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    })
}

/// Percent-encodes a relative path for a URI reference (RFC 3986 path characters kept).
fn uri_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'/' | b'-'
                    | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'@'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where paths go: the audited directory's place in its repository, and its anchor files.
struct Ctx<'a> {
    repo: Option<&'a Repository>,
    /// The manifest of the first detected stack (when the repository info has none).
    stack_manifest: Option<&'a str>,
}

impl Ctx<'_> {
    fn prefix(&self) -> &str {
        self.repo.map(|r| r.prefix.as_str()).unwrap_or("")
    }

    /// A path of the audited directory as a path relative to the repository root, `/`-separated;
    /// `None` for an absolute path or one that leaves the repository.
    fn repo_path(&self, path: &str) -> Option<String> {
        let p = path.replace('\\', "/");
        if p.starts_with('/') || p.as_bytes().get(1) == Some(&b':') || p.contains("://") {
            return None;
        }
        let mut parts: Vec<&str> = self.prefix().split('/').filter(|s| !s.is_empty()).collect();
        for seg in p.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                s => parts.push(s),
            }
        }
        (!parts.is_empty()).then(|| parts.join("/"))
    }
}

/// The file a finding without a usable file location is filed under, relative to the audited
/// directory: what the finding is about when that file exists, else golive.toml, the README or
/// the manifest, else `golive.toml` (the file that configures the run, which `golive init`
/// writes).
fn anchor(ctx: &Ctx<'_>, check: Option<&Check>) -> String {
    let repo = ctx.repo;
    let get = |f: fn(&Repository) -> &Option<String>| repo.and_then(|r| f(r).clone());
    let manifest = || get(|r| &r.manifest).or_else(|| ctx.stack_manifest.map(str::to_string));
    let (category, collector) = match check {
        Some(c) => (Some(c.category), Some(c.collector)),
        None => (None, None),
    };
    let preferred = match (collector, category) {
        (Some(Collector::Probe | Collector::Load | Collector::Smoke | Collector::Checklist), _) => {
            get(|r| &r.config)
        }
        (_, Some(Category::Ci)) => get(|r| &r.workflow),
        (_, Some(Category::Documentation)) => get(|r| &r.readme),
        _ => manifest(),
    };
    preferred
        .or_else(|| get(|r| &r.config))
        .or_else(|| get(|r| &r.readme))
        .or_else(manifest)
        .unwrap_or_else(|| "golive.toml".to_string())
}

fn artifact_location(repo_path: &str) -> Value {
    json!({ "uri": uri_path(repo_path), "uriBaseId": "%SRCROOT%" })
}

fn physical(repo_path: &str, line: u32, column: Option<u32>, snippet: Option<&str>) -> Value {
    let mut region = Map::new();
    region.insert("startLine".into(), json!(line.max(1)));
    if let Some(c) = column.filter(|c| *c >= 1) {
        region.insert("startColumn".into(), json!(c));
    }
    if let Some(s) = snippet {
        region.insert("snippet".into(), json!({ "text": s }));
    }
    json!({
        "artifactLocation": artifact_location(repo_path),
        "region": Value::Object(region),
    })
}

/// The repository path of a file evidence, when it has one.
fn evidence_repo_path(ctx: &Ctx<'_>, e: &Evidence) -> Option<String> {
    match e {
        Evidence::File { path, .. } => ctx.repo_path(path),
        _ => None,
    }
}

fn file_location(ctx: &Ctx<'_>, e: &Evidence) -> Option<Value> {
    let Evidence::File {
        line,
        column,
        snippet,
        ..
    } = e
    else {
        return None;
    };
    let path = evidence_repo_path(ctx, e)?;
    let line = line.filter(|l| *l >= 1).unwrap_or(1);
    Some(json!({
        "physicalLocation": physical(&path, line, *column, snippet.as_deref())
    }))
}

/// The request path of a URL (`/health?x=1`), without scheme, host and port.
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    match rest.find(['/', '?', '#']) {
        Some(i) => &rest[i..],
        None => "/",
    }
}

fn evidence_properties(ctx: &Ctx<'_>, f: &Finding, omitted: usize, anchored: bool) -> Value {
    let extra: Vec<Value> = f
        .evidence
        .iter()
        .filter(|e| !matches!(e, Evidence::File { .. }) || evidence_repo_path(ctx, e).is_none())
        .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
        .collect();
    let mut props = Map::new();
    props.insert("outcome".into(), json!(f.outcome.as_str()));
    props.insert("severity".into(), json!(f.severity.as_str()));
    if !extra.is_empty() {
        props.insert("evidence".into(), Value::Array(extra));
    }
    if omitted > 0 {
        props.insert("locationsOmitted".into(), json!(omitted));
    }
    if anchored {
        // The location is the file the finding is about, not where it was seen.
        props.insert("anchored".into(), json!(true));
    }
    Value::Object(props)
}

fn result(ctx: &Ctx<'_>, report: &Report, f: &Finding, rule_index: Option<usize>) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.check));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("kind".into(), json!(kind(f.outcome)));
    r.insert("level".into(), json!(level(f)));
    let mut text = if f.message.trim().is_empty() {
        format!("{} ({})", f.check, f.outcome.as_str())
    } else {
        f.message.clone()
    };
    let mut locations: Vec<Value> = f
        .evidence
        .iter()
        .filter_map(|e| file_location(ctx, e))
        .collect();
    let anchored = locations.is_empty();
    if anchored {
        // No file of the repository: the file the finding is about, and what was seen in the
        // message (code scanning shows the message, not the properties).
        let seen: Vec<String> = f
            .evidence
            .iter()
            .filter(|e| !matches!(e, Evidence::Note { .. }))
            .take(3)
            .map(|e| e.locator())
            .collect();
        if !seen.is_empty() {
            text = format!("{text} ({})", seen.join("; "));
        }
        let file = anchor(ctx, report.check(&f.check));
        let path = ctx
            .repo_path(&file)
            .unwrap_or_else(|| "golive.toml".to_string());
        let mut loc = Map::new();
        loc.insert("physicalLocation".into(), physical(&path, 1, None, None));
        let logical: Vec<Value> = f
            .evidence
            .iter()
            .filter_map(|e| match e {
                Evidence::Http { method, url, .. } => Some(json!({
                    "name": url_path(url),
                    "fullyQualifiedName": format!("{method} {url}"),
                    "kind": "resource"
                })),
                _ => None,
            })
            .take(1)
            .collect();
        if !logical.is_empty() {
            loc.insert("logicalLocations".into(), Value::Array(logical));
        }
        locations.push(Value::Object(loc));
    }
    let omitted = locations.len().saturating_sub(MAX_LOCATIONS);
    locations.truncate(MAX_LOCATIONS);
    r.insert("message".into(), json!({ "text": text }));
    r.insert("locations".into(), Value::Array(locations));
    if let Some(s) = &f.suppressed {
        let mut sup = Map::new();
        sup.insert(
            "kind".into(),
            json!(if s.source == "inline" {
                "inSource"
            } else {
                "external"
            }),
        );
        sup.insert("status".into(), json!("accepted"));
        sup.insert("justification".into(), json!(s.reason));
        let mut props = Map::new();
        if let Some(l) = &s.location {
            props.insert("location".into(), json!(l));
        }
        if let Some(x) = &s.expires {
            props.insert("expires".into(), json!(x));
        }
        if !props.is_empty() {
            sup.insert("properties".into(), Value::Object(props));
        }
        r.insert("suppressions".into(), json!([Value::Object(sup)]));
    }
    r.insert(
        "properties".into(),
        evidence_properties(ctx, f, omitted, anchored),
    );
    Value::Object(r)
}

/// Collapses runs of whitespace, so that re-indenting a line keeps its fingerprint.
fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A message without the line references it may quote (`src/app.js:12`, `app.py:3:5`), so
/// that a fingerprint made from it survives moved lines.
fn without_line_refs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
            continue;
        }
        out.push(c);
    }
    normalise(&out)
}

/// FNV-1a 64.
fn fnv(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A stable identity for a finding across runs, so code-scanning services can tell a new
/// result from one seen before: FNV-1a 64 over the check id, then for file evidence the path
/// from the repository root and the normalised (masked) snippet, or the normalised message
/// when there is no snippet; for HTTP evidence the method and the request path (not the host
/// or port, which change between runs); the metric name or the command otherwise. Never the
/// line number: moving code up or down keeps the fingerprint.
fn fingerprint(ctx: &Ctx<'_>, f: &Finding) -> String {
    let mut key = f.check.clone();
    let file = f
        .evidence
        .iter()
        .find_map(|e| evidence_repo_path(ctx, e).map(|p| (p, e)));
    match file {
        Some((path, Evidence::File { snippet, .. })) => {
            key.push('\0');
            key.push_str(&path);
            key.push('\0');
            match snippet.as_deref().map(normalise).filter(|s| !s.is_empty()) {
                Some(s) => key.push_str(&s),
                None => key.push_str(&without_line_refs(&f.message)),
            }
        }
        _ => {
            let live = f.evidence.iter().find_map(|e| match e {
                Evidence::Http { method, url, .. } => Some(format!("{method} {}", url_path(url))),
                Evidence::Metric { name, .. } => Some(format!("metric {name}")),
                Evidence::Command { command, .. } => Some(format!("command {command}")),
                _ => None,
            });
            key.push('\0');
            match live {
                Some(l) => key.push_str(&l),
                None => key.push_str(&without_line_refs(&f.message)),
            }
        }
    }
    format!("{:016x}", fnv(&key))
}

fn rule(c: &Check) -> Value {
    let mut props = Map::new();
    props.insert("category".into(), json!(c.category.as_str()));
    props.insert("severity".into(), json!(c.severity.as_str()));
    props.insert("stage".into(), json!(c.stage.as_str()));
    props.insert("collector".into(), json!(c.collector.as_str()));
    let mut tags = vec![c.category.as_str().to_string()];
    if let Some(s) = security_severity(c) {
        props.insert("security-severity".into(), json!(s));
        if !tags.iter().any(|t| t == "security") {
            tags.push("security".into());
        }
    }
    props.insert("tags".into(), json!(tags));
    let mut help_md = format!(
        "**{}**\n\n{}\n\n**Why.** {}",
        c.title,
        c.remediation.trim(),
        c.rationale.trim()
    );
    if !c.references.is_empty() {
        help_md.push_str("\n\n**See.** ");
        help_md.push_str(
            &c.references
                .iter()
                .map(|r| format!("<{r}>"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    let mut rule = json!({
        "id": c.id,
        "name": rule_name(&c.id),
        "shortDescription": { "text": truncate(&c.title, MAX_DESCRIPTION) },
        "fullDescription": { "text": truncate(c.rationale.trim(), MAX_DESCRIPTION) },
        "help": { "text": c.remediation.trim(), "markdown": help_md },
        "defaultConfiguration": { "level": rule_level(c.severity) },
        "properties": props,
    });
    if let Some(first) = c.references.first()
        && let Some(obj) = rule.as_object_mut()
    {
        obj.insert("helpUri".into(), json!(first));
    }
    rule
}

/// At most `max` characters, with `…` at the end when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// The kind of run, for `automationDetails.id`: `audit` for a static audit, the collector for
/// a live run of one (`probe`, `load`, `smoke`, `checklist`), `check` for several.
fn run_kind(report: &Report) -> String {
    match report.collectors.as_slice() {
        [] => "audit".to_string(),
        [one] if one == "scan" => "audit".to_string(),
        [one] => one.clone(),
        _ => "check".to_string(),
    }
}

/// `docker.non-root-user` → `DockerNonRootUser` (SARIF rule names are PascalCase identifiers
/// by convention).
fn rule_name(id: &str) -> String {
    id.split(['.', '-', '_'])
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut cs = s.chars();
            match cs.next() {
                Some(c) => c.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Renders the SARIF log.
pub fn render(report: &Report, opts: &RenderOptions) -> Value {
    let ctx = Ctx {
        repo: report.target.repository.as_ref(),
        stack_manifest: report
            .target
            .stacks
            .iter()
            .find_map(|s| s.manifests.first())
            .map(String::as_str),
    };
    let ids: Vec<&String> = report.checks.keys().collect();
    let rules: Vec<Value> = report.checks.values().map(rule).collect();
    let index = |id: &str| ids.iter().position(|x| x.as_str() == id);

    let findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| crate::util::needs_attention(f.outcome))
        .chain(report.suppressed.iter())
        .collect();
    // Two findings with the same key (one snippet twice in a file) are told apart by their
    // order, as GitHub does: `hash:1`, `hash:2`.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut r = result(&ctx, report, f, index(&f.check));
            let hash = fingerprint(&ctx, f);
            let n = seen.entry(hash.clone()).or_insert(0);
            *n += 1;
            if let Some(obj) = r.as_object_mut() {
                obj.insert(
                    "partialFingerprints".into(),
                    json!({ "primaryLocationLineHash": format!("{hash}:{n}") }),
                );
            }
            r
        })
        .collect();

    let errored: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::Error)
        .collect();
    let exit_code = opts
        .exit_code
        .map(i64::from)
        .unwrap_or(match report.verdict.decision {
            Decision::NoGo => 2,
            _ => 0,
        });
    let mut invocation = json!({
        "executionSuccessful": errored.is_empty(),
        "exitCode": exit_code,
        "exitCodeDescription": format!("{} (score {})", report.verdict.decision, crate::util::score_text(report.score)),
    });
    let mut notifications: Vec<Value> = errored
        .iter()
        .map(|f| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", f.check, f.message) },
                "descriptor": { "id": f.check }
            })
        })
        .collect();
    notifications.extend(
        report
            .notices
            .iter()
            .map(|n| json!({ "level": "warning", "message": { "text": n } })),
    );
    if !notifications.is_empty()
        && let Some(obj) = invocation.as_object_mut()
    {
        obj.insert(
            "toolExecutionNotifications".into(),
            Value::Array(notifications),
        );
    }

    let mut props = json!({
        "target": report.target.name,
        "verdict": report.verdict.decision.as_str(),
        "score": report.score,
        "readiness": report.readiness,
        "reasons": report.verdict.reasons,
        "generatedAt": report.generated_at,
    });
    if let Some(url) = &report.target.url
        && let Some(obj) = props.as_object_mut()
    {
        obj.insert("url".into(), json!(url));
    }
    let root_description = match ctx.repo {
        Some(r) if r.vcs => "The root of the git repository (paths are relative to it)",
        _ => "The audited directory (no git repository was found; paths are relative to it)",
    };
    let run = json!({
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": crate::PROJECT_URL,
                "rules": rules,
            }
        },
        "automationDetails": { "id": format!("golive/{}/", run_kind(report)) },
        "originalUriBaseIds": {
            "%SRCROOT%": { "description": { "text": root_description } }
        },
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": props,
    });
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(prefix: &str) -> Repository {
        Repository {
            prefix: prefix.into(),
            vcs: true,
            ..Default::default()
        }
    }

    #[test]
    fn fingerprints_survive_moves_and_reindentation_and_tell_files_apart() {
        let repo = ctx("");
        let cx = Ctx {
            repo: Some(&repo),
            stack_manifest: None,
        };
        let c = golive_core::Catalog::builtin();
        let at = |path: &str, line, snippet: &str| {
            Finding::new(c.check("secrets.hardcoded"), Outcome::Fail, "key")
                .with_evidence(Evidence::at_with_snippet(path, line, 1, snippet))
        };
        let a = fingerprint(&cx, &at("a.py", 3, "K = 'AKIA****'"));
        assert_eq!(a, fingerprint(&cx, &at("a.py", 9, "  K  =  'AKIA****'")));
        assert_ne!(a, fingerprint(&cx, &at("b.py", 3, "K = 'AKIA****'")));
        assert_eq!(a.len(), 16);
        let http = |url: &str| {
            Finding::new(
                c.check("security.headers"),
                Outcome::Fail,
                format!("no HSTS at {url}"),
            )
            .with_evidence(Evidence::Http {
                method: "GET".into(),
                url: url.into(),
                status: Some(200),
                request_headers: vec![],
                response_headers: vec![],
                body_excerpt: None,
                elapsed_ms: None,
            })
        };
        assert_eq!(
            fingerprint(&cx, &http("http://127.0.0.1:4001/")),
            fingerprint(&cx, &http("http://127.0.0.1:5002/")),
            "the port of a loopback server does not change a probe fingerprint"
        );
        assert_ne!(
            fingerprint(&cx, &http("http://127.0.0.1:4001/")),
            fingerprint(&cx, &http("http://127.0.0.1:4001/admin"))
        );
    }

    #[test]
    fn paths_are_relative_to_the_repository_root() {
        let repo = ctx("services/api");
        let cx = Ctx {
            repo: Some(&repo),
            stack_manifest: None,
        };
        assert_eq!(
            cx.repo_path("src/a.py").as_deref(),
            Some("services/api/src/a.py")
        );
        assert_eq!(
            cx.repo_path("./x/../b.py").as_deref(),
            Some("services/api/b.py")
        );
        assert_eq!(
            cx.repo_path("../web/c.js").as_deref(),
            Some("services/web/c.js")
        );
        assert_eq!(cx.repo_path("../../../c.js"), None, "leaves the repository");
        assert_eq!(cx.repo_path("/home/me/c.js"), None, "absolute");
        assert_eq!(cx.repo_path("C:\\x\\c.js"), None, "absolute (Windows)");
    }

    #[test]
    fn names_uris_and_truncation() {
        assert_eq!(rule_name("docker.non-root-user"), "DockerNonRootUser");
        assert_eq!(uri_path("./src/my file.py"), "src/my%20file.py");
        assert_eq!(uri_path("a\\b#c"), "a/b%23c");
        assert_eq!(url_path("http://127.0.0.1:8080/health?x=1"), "/health?x=1");
        assert_eq!(url_path("https://example.com"), "/");
        let long = "é".repeat(2000);
        let t = truncate(&long, MAX_DESCRIPTION);
        assert_eq!(t.chars().count(), MAX_DESCRIPTION);
        assert!(t.ends_with('…'));
        assert_eq!(truncate("short", MAX_DESCRIPTION), "short");
        assert_eq!(
            without_line_refs("console output (src/app.js:12:5),  at 10:30"),
            without_line_refs("console output (src/app.js:40:1), at 10:30")
        );
        assert_ne!(
            without_line_refs("port 8080"),
            without_line_refs("port 9090")
        );
    }
}
