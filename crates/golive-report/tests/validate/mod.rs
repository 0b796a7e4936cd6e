//! Validators of what CI systems accept, shared by this crate's tests and the CLI's
//! (`#[path]`-included there):
//! - [`junit10`]: Jenkins' `junit-10.xsd` (the de-facto JUnit schema, read by GitLab too),
//!   written out as constraints: the elements allowed under each element, the attributes
//!   allowed and required on each, the SUREFIRE_TIME pattern of `time` on suites;
//! - [`sarif_github`]: GitHub code scanning's documented rules ("SARIF support for code
//!   scanning"): a location with a physical file location and a start line on every result,
//!   at most 10 locations, relative paths, `fullDescription` ≤ 1024 characters,
//!   `automationDetails.id`, fingerprints;
//! - [`multitool`]: Microsoft's SARIF Multitool with its GitHub rules (`--rule-kind Gh;Sarif`),
//!   the validator GitHub's ingestion is built on. It comes from npm
//!   (`npm install -g @microsoft/sarif-multitool`); without it the check is skipped loudly,
//!   unless GOLIVE_REQUIRE_SERVICES=1, which makes a missing Multitool a failure;
//! - [`report_schema`]: the committed docs/report-schema.json.

#![allow(dead_code)]

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

// ------------------------------------------------------------------------------- JUnit

/// What junit-10.xsd allows for one element.
struct ElementRule {
    children: &'static [&'static str],
    attributes: &'static [&'static str],
    required: &'static [&'static str],
    /// Character content allowed (mixed or simple content).
    text: bool,
}

fn junit_rule(name: &str) -> Option<ElementRule> {
    const RESULT: ElementRule = ElementRule {
        children: &[],
        attributes: &["type", "message"],
        required: &[],
        text: true,
    };
    const RERUN: ElementRule = ElementRule {
        children: &["stackTrace", "system-out", "system-err"],
        attributes: &["type", "message"],
        required: &["type"],
        text: true,
    };
    const TEXT: ElementRule = ElementRule {
        children: &[],
        attributes: &[],
        required: &[],
        text: true,
    };
    Some(match name {
        "testsuites" => ElementRule {
            children: &["testsuite"],
            attributes: &["name", "time", "tests", "failures", "errors"],
            required: &[],
            text: false,
        },
        "testsuite" => ElementRule {
            children: &[
                "testsuite",
                "properties",
                "testcase",
                "system-out",
                "system-err",
            ],
            attributes: &[
                "name",
                "tests",
                "failures",
                "errors",
                "group",
                "time",
                "skipped",
                "timestamp",
                "hostname",
                "id",
                "package",
                "file",
                "log",
                "url",
            ],
            required: &["name", "tests", "failures", "errors"],
            text: false,
        },
        "testcase" => ElementRule {
            children: &[
                "skipped",
                "error",
                "failure",
                "rerunFailure",
                "rerunError",
                "flakyFailure",
                "flakyError",
                "system-out",
                "system-err",
            ],
            attributes: &["name", "time", "classname", "group"],
            required: &["name"],
            text: false,
        },
        "properties" => ElementRule {
            children: &["property"],
            attributes: &[],
            required: &[],
            text: false,
        },
        "property" => ElementRule {
            children: &[],
            attributes: &["name", "value"],
            required: &["name", "value"],
            text: false,
        },
        "failure" | "error" | "skipped" => RESULT,
        "rerunFailure" | "rerunError" | "flakyFailure" | "flakyError" => RERUN,
        "system-out" | "system-err" | "stackTrace" => TEXT,
        _ => return None,
    })
}

/// junit-10.xsd's SUREFIRE_TIME: `(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?`, which
/// comes down to digits (with optional thousands commas) and an optional fraction.
fn surefire_time(v: &str) -> bool {
    let (int, frac) = match v.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (v, None),
    };
    let int_ok = int.chars().all(|c| c.is_ascii_digit() || c == ',')
        && int.split(',').skip(1).all(|g| g.len() == 3)
        && !int.starts_with(',');
    int_ok && frac.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit()))
}

/// Validates a JUnit XML document against junit-10.xsd; returns every violation.
pub fn junit10(xml: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut root_seen = false;
    let mut check_start = |e: &BytesStart, stack: &[String], errors: &mut Vec<String>| {
        let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
        match stack.last() {
            None => {
                if name != "testsuites" && name != "testsuite" {
                    errors.push(format!("root element <{name}> (expected <testsuites>)"));
                }
                root_seen = true;
            }
            Some(parent) => {
                if let Some(rule) = junit_rule(parent)
                    && !rule.children.contains(&name.as_str())
                {
                    errors.push(format!("<{name}> is not allowed inside <{parent}>"));
                }
            }
        }
        let Some(rule) = junit_rule(&name) else {
            errors.push(format!("unknown element <{name}>"));
            return name;
        };
        let mut present = Vec::new();
        for a in e.attributes() {
            let Ok(a) = a else {
                errors.push(format!("<{name}>: malformed attribute"));
                continue;
            };
            let key = String::from_utf8_lossy(a.key.as_ref()).to_string();
            if !rule.attributes.contains(&key.as_str()) {
                errors.push(format!("attribute `{key}` is not allowed on <{name}>"));
            }
            let value = a
                .unescape_value()
                .map(|v| v.to_string())
                .unwrap_or_default();
            if key == "time"
                && matches!(name.as_str(), "testsuite" | "testsuites")
                && !surefire_time(&value)
            {
                errors.push(format!(
                    "<{name} time=\"{value}\">: not a SUREFIRE_TIME (digits and a fraction)"
                ));
            }
            present.push(key);
        }
        for r in rule.required {
            if !present.iter().any(|p| p == r) {
                errors.push(format!("<{name}> lacks the required attribute `{r}`"));
            }
        }
        name
    };
    loop {
        match reader.read_event() {
            Err(e) => {
                errors.push(format!("not well-formed XML: {e}"));
                break;
            }
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let name = check_start(&e, &stack, &mut errors);
                stack.push(name);
            }
            Ok(Event::Empty(e)) => {
                check_start(&e, &stack, &mut errors);
            }
            Ok(Event::End(_)) => {
                stack.pop();
            }
            Ok(Event::Text(t)) => {
                let text = t.decode().map(|c| c.to_string()).unwrap_or_default();
                if let Some(parent) = stack.last()
                    && !text.trim().is_empty()
                    && junit_rule(parent).is_some_and(|r| !r.text)
                {
                    errors.push(format!("text is not allowed directly inside <{parent}>"));
                }
            }
            Ok(_) => {}
        }
    }
    if !root_seen {
        errors.push("no root element".into());
    }
    errors
}

// ------------------------------------------------------------------------------- SARIF

/// GitHub code scanning's rules for an uploaded SARIF file, from its documentation ("SARIF
/// support for code scanning": required properties, locations, limits). Returns every
/// violation with its JSON path.
pub fn sarif_github(doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let mut err = |s: String| errors.push(s);
    if doc["version"] != "2.1.0" {
        err("version is not 2.1.0".into());
    }
    let Some(runs) = doc["runs"].as_array() else {
        err("no runs".into());
        return errors;
    };
    if runs.len() > 20 {
        err(format!("{} runs (GitHub accepts at most 20)", runs.len()));
    }
    for (ri, run) in runs.iter().enumerate() {
        let at = format!("runs[{ri}]");
        let driver = &run["tool"]["driver"];
        if driver["name"].as_str().is_none_or(str::is_empty) {
            err(format!("{at}.tool.driver.name is missing"));
        }
        match driver["informationUri"].as_str() {
            Some(u) if u.starts_with("https://") && !u.contains(".invalid") => {}
            other => err(format!(
                "{at}.tool.driver.informationUri is not a real https URL: {other:?}"
            )),
        }
        if run["automationDetails"]["id"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            err(format!(
                "{at}.automationDetails.id is missing: uploads of one commit would replace each other"
            ));
        }
        if let Some(bases) = run["originalUriBaseIds"].as_object() {
            for (k, v) in bases {
                if let Some(u) = v["uri"].as_str()
                    && (u.starts_with("file:") || u.starts_with('/'))
                {
                    err(format!(
                        "{at}.originalUriBaseIds.{k}: a local absolute path ({u})"
                    ));
                }
            }
        }
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        if rules.len() > 25_000 {
            err(format!("{at}: more than 25,000 rules"));
        }
        for (i, r) in rules.iter().enumerate() {
            if r["id"].as_str().is_none_or(str::is_empty) {
                err(format!("{at}.tool.driver.rules[{i}].id is missing"));
            }
            for d in ["shortDescription", "fullDescription"] {
                if let Some(t) = r[d]["text"].as_str()
                    && t.chars().count() > 1024
                {
                    err(format!(
                        "{at}.tool.driver.rules[{i}].{d} has {} characters (at most 1024)",
                        t.chars().count()
                    ));
                }
            }
            if let Some(tags) = r["properties"]["tags"].as_array()
                && tags.len() > 20
            {
                err(format!("{at}.tool.driver.rules[{i}]: more than 20 tags"));
            }
            if let Some(s) = r["properties"]["security-severity"].as_str()
                && !s.parse::<f64>().is_ok_and(|v| (0.0..=10.0).contains(&v))
            {
                err(format!(
                    "{at}.tool.driver.rules[{i}]: security-severity `{s}` is not a number from 0 to 10"
                ));
            }
        }
        let results = run["results"].as_array().cloned().unwrap_or_default();
        if results.len() > 25_000 {
            err(format!("{at}: more than 25,000 results"));
        }
        for (i, res) in results.iter().enumerate() {
            let at = format!("{at}.results[{i}]");
            if res["message"]["text"].as_str().is_none_or(str::is_empty) {
                err(format!("{at}.message.text is missing"));
            }
            let rule_ok = res["ruleId"].as_str().is_some_and(|id| {
                rules.iter().any(|r| r["id"] == id)
                    && res["ruleIndex"]
                        .as_u64()
                        .is_none_or(|ix| rules.get(ix as usize).is_some_and(|r| r["id"] == id))
            });
            if !rule_ok {
                err(format!(
                    "{at}: ruleId/ruleIndex do not name a rule of the run"
                ));
            }
            let locs = res["locations"].as_array().cloned().unwrap_or_default();
            if locs.is_empty() {
                err(format!("{at}: expected at least one location"));
            }
            if locs.len() > 10 {
                err(format!("{at}: {} locations (at most 10)", locs.len()));
            }
            for (li, l) in locs.iter().enumerate() {
                let phys = &l["physicalLocation"];
                let Some(uri) = phys["artifactLocation"]["uri"].as_str() else {
                    err(format!("{at}.locations[{li}]: expected artifact location"));
                    continue;
                };
                if uri.contains("://") || uri.starts_with('/') || uri.contains("..") {
                    err(format!(
                        "{at}.locations[{li}]: `{uri}` is not a path relative to the repository root"
                    ));
                }
                if phys["region"]["startLine"].as_u64().is_none_or(|l| l < 1) {
                    err(format!("{at}.locations[{li}]: no region.startLine"));
                }
            }
            match res["partialFingerprints"]["primaryLocationLineHash"].as_str() {
                Some(h) if !h.is_empty() => {}
                _ => err(format!(
                    "{at}: no partialFingerprints.primaryLocationLineHash"
                )),
            }
        }
    }
    errors
}

/// Where the SARIF Multitool is: `GOLIVE_SARIF_MULTITOOL`, else `sarif-multitool` (npm's
/// launcher) or `Sarif.Multitool` on PATH.
pub fn multitool_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("GOLIVE_SARIF_MULTITOOL").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["sarif-multitool", "Sarif.Multitool"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Skips loudly (returns `None`) when the Multitool is not installed, or panics under
/// GOLIVE_REQUIRE_SERVICES=1.
pub fn require_multitool() -> Option<PathBuf> {
    if let Some(p) = multitool_path() {
        return Some(p);
    }
    let how = "npm install -g @microsoft/sarif-multitool (or set GOLIVE_SARIF_MULTITOOL to Sarif.Multitool)";
    if std::env::var("GOLIVE_REQUIRE_SERVICES").as_deref() == Ok("1") {
        panic!("the SARIF Multitool is required (GOLIVE_REQUIRE_SERVICES=1) but not found: {how}");
    }
    eprintln!(
        "SKIPPED: the SARIF Multitool is not installed ({how}); set GOLIVE_REQUIRE_SERVICES=1 to make this a failure"
    );
    None
}

/// Runs the Multitool's GitHub and SARIF rules on a SARIF file and returns the errors and
/// warnings it reports (notes are style advice and pass).
pub fn multitool(tool: &Path, sarif: &Path) -> Vec<String> {
    let dir = sarif.parent().expect("the SARIF file has a directory");
    let out = dir.join(format!(
        "{}.validation.sarif",
        sarif.file_name().unwrap().to_string_lossy()
    ));
    // npm's `sarif-multitool` launcher runs the native tool through a shell, where `;` would
    // end the command: use the native binary beside it when it can be found, else quote.
    let native = std::fs::canonicalize(tool).ok().and_then(|real| {
        let scope = real.parent()?.parent()?;
        let bin = scope
            .join(format!("sarif-multitool-{}", std::env::consts::OS))
            .join("Sarif.Multitool");
        bin.is_file().then_some(bin)
    });
    let (tool, rule_kinds) = match &native {
        Some(bin) => (bin.as_path(), "Gh;Sarif"),
        None if tool.file_name().is_some_and(|n| n == "sarif-multitool") => (tool, "\"Gh;Sarif\""),
        None => (tool, "Gh;Sarif"),
    };
    let o = Command::new(tool)
        .arg("validate")
        .arg("--rule-kind")
        .arg(rule_kinds)
        .arg("--log")
        .arg("ForceOverwrite")
        .arg("-o")
        .arg(&out)
        .arg(sarif)
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
    let text = std::fs::read_to_string(&out).unwrap_or_else(|e| {
        panic!(
            "the Multitool wrote no {} ({e}); exit {:?}\n{}\n{}",
            out.display(),
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let log: Value = serde_json::from_str(&text).expect("the Multitool's output is JSON");
    let mut problems = Vec::new();
    for run in log["runs"].as_array().into_iter().flatten() {
        for r in run["results"].as_array().into_iter().flatten() {
            let level = r["level"].as_str().unwrap_or("warning");
            if matches!(level, "error" | "warning") {
                problems.push(format!(
                    "{level} {}: {}",
                    r["ruleId"].as_str().unwrap_or("?"),
                    r["message"]["text"]
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| r["message"].to_string())
                ));
            }
        }
        for inv in run["invocations"].as_array().into_iter().flatten() {
            for n in inv["toolExecutionNotifications"]
                .as_array()
                .into_iter()
                .flatten()
            {
                if n["level"] == "error" {
                    problems.push(format!("tool error: {}", n["message"]));
                }
            }
        }
    }
    problems
}

// ------------------------------------------------------------------------------- JSON report

/// The committed JSON Schema of the report (docs/report-schema.json), compiled.
pub fn report_schema() -> jsonschema::Validator {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/report-schema.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let schema: Value = serde_json::from_str(&text).expect("docs/report-schema.json is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("docs/report-schema.json compiles")
}

/// Every violation of the report schema by a JSON report.
pub fn report_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}
