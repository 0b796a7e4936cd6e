//! SARIF 2.1.0 (OASIS): one run, one rule per check in the report, one result per finding that
//! needs attention (fail, warn, manual, error, inconclusive), suppressed findings as results
//! with `suppressions`. Validated against the official schema in tests.

use crate::RenderOptions;
use golive_core::{Category, Check, Decision, Evidence, Finding, Outcome, Report, Severity};
use serde_json::{Map, Value, json};

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

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

fn artifact_location(path: &str) -> Value {
    let p = path.replace('\\', "/");
    if p.starts_with('/') {
        json!({ "uri": format!("file://{}", uri_path(&p)) })
    } else {
        json!({ "uri": uri_path(&p), "uriBaseId": "%SRCROOT%" })
    }
}

fn file_location(e: &Evidence) -> Option<Value> {
    let Evidence::File {
        path,
        line,
        column,
        snippet,
    } = e
    else {
        return None;
    };
    let mut phys = Map::new();
    phys.insert("artifactLocation".into(), artifact_location(path));
    if let Some(l) = line.filter(|l| *l >= 1) {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(l));
        if let Some(c) = column.filter(|c| *c >= 1) {
            region.insert("startColumn".into(), json!(c));
        }
        if let Some(s) = snippet {
            region.insert("snippet".into(), json!({ "text": s }));
        }
        phys.insert("region".into(), Value::Object(region));
    }
    Some(json!({ "physicalLocation": phys }))
}

fn http_location(e: &Evidence) -> Option<Value> {
    let Evidence::Http { method, url, .. } = e else {
        return None;
    };
    Some(json!({
        "logicalLocations": [{
            "name": url,
            "fullyQualifiedName": format!("{method} {url}"),
            "kind": "resource"
        }]
    }))
}

fn evidence_properties(f: &Finding) -> Option<Value> {
    let extra: Vec<Value> = f
        .evidence
        .iter()
        .filter(|e| !matches!(e, Evidence::File { .. }))
        .map(|e| serde_json::to_value(e).unwrap_or(Value::Null))
        .collect();
    let mut props = Map::new();
    props.insert("outcome".into(), json!(f.outcome.as_str()));
    props.insert("severity".into(), json!(f.severity.as_str()));
    if !extra.is_empty() {
        props.insert("evidence".into(), Value::Array(extra));
    }
    Some(Value::Object(props))
}

fn result(f: &Finding, rule_index: Option<usize>) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.check));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("kind".into(), json!(kind(f.outcome)));
    r.insert("level".into(), json!(level(f)));
    let text = if f.message.trim().is_empty() {
        format!("{} ({})", f.check, f.outcome.as_str())
    } else {
        f.message.clone()
    };
    r.insert("message".into(), json!({ "text": text }));
    let mut locations: Vec<Value> = f.evidence.iter().filter_map(file_location).collect();
    locations.extend(f.evidence.iter().filter_map(http_location));
    if !locations.is_empty() {
        r.insert("locations".into(), Value::Array(locations));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({ "goliveFinding/v1": fingerprint(f) }),
    );
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
    if let Some(p) = evidence_properties(f) {
        r.insert("properties".into(), p);
    }
    Value::Object(r)
}

/// A stable identity for a finding across runs, so code-scanning services can tell a new
/// result from one seen before: FNV-1a 64 over the check id, the file path and the masked
/// snippet (or the line when there is no snippet), or the first locator for non-file evidence.
/// Moving a line up or down keeps the fingerprint when a snippet is known.
fn fingerprint(f: &Finding) -> String {
    let mut key = f.check.clone();
    match f
        .evidence
        .iter()
        .find(|e| matches!(e, Evidence::File { .. }))
    {
        Some(Evidence::File {
            path,
            line,
            snippet,
            ..
        }) => {
            key.push('\0');
            key.push_str(path);
            key.push('\0');
            match snippet.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(s) => key.push_str(s),
                None => key.push_str(&line.map(|l| l.to_string()).unwrap_or_default()),
            }
        }
        _ => {
            if let Some(e) = f.evidence.first() {
                key.push('\0');
                key.push_str(&e.locator());
            }
        }
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
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
        "shortDescription": { "text": c.title },
        "fullDescription": { "text": c.rationale.trim() },
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
    let ids: Vec<&String> = report.checks.keys().collect();
    let rules: Vec<Value> = report.checks.values().map(rule).collect();
    let index = |id: &str| ids.iter().position(|x| x.as_str() == id);

    let mut results: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| crate::util::needs_attention(f.outcome))
        .map(|f| result(f, index(&f.check)))
        .collect();
    results.extend(report.suppressed.iter().map(|f| result(f, index(&f.check))));

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

    let mut run = json!({
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "target": report.target.name,
            "verdict": report.verdict.decision.as_str(),
            "score": report.score,
            "readiness": report.readiness,
            "reasons": report.verdict.reasons,
            "generatedAt": report.generated_at,
        }
    });
    if let Some(path) = report.target.path.as_deref()
        && path.starts_with('/')
        && let Some(obj) = run.as_object_mut()
    {
        let mut base = format!("file://{}", uri_path(path));
        if !base.ends_with('/') {
            base.push('/');
        }
        obj.insert(
            "originalUriBaseIds".into(),
            json!({ "%SRCROOT%": { "uri": base } }),
        );
    }
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [run],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let c = golive_core::Catalog::builtin();
        let at = |line| {
            Finding::new(c.check("secrets.hardcoded"), Outcome::Fail, "key")
                .with_evidence(Evidence::at_with_snippet("a.py", line, 1, "K = 'AKIA****'"))
        };
        assert_eq!(
            fingerprint(&at(3)),
            fingerprint(&at(9)),
            "moved lines keep it"
        );
        let other = Finding::new(c.check("secrets.hardcoded"), Outcome::Fail, "key")
            .with_evidence(Evidence::at_with_snippet("b.py", 3, 1, "K = 'AKIA****'"));
        assert_ne!(fingerprint(&at(3)), fingerprint(&other));
        assert_eq!(fingerprint(&at(3)).len(), 16);
    }

    #[test]
    fn names_and_uris() {
        assert_eq!(rule_name("docker.non-root-user"), "DockerNonRootUser");
        assert_eq!(uri_path("./src/my file.py"), "src/my%20file.py");
        assert_eq!(uri_path("a\\b#c"), "a/b%23c");
    }
}
