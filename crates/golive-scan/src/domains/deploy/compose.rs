//! Docker Compose files (`compose.*`): they parse, every long-running service has a healthcheck
//! and a restart policy, and no password is written into the file.

use super::docker::{placeholder_value, secret_name, url_password};
use super::{finding_at, lowered_for};
use crate::domains::ParseError;
use golive_core::{Catalog, Evidence, Finding, Outcome, mask_secret};
use serde_yaml::Value;

/// Every compose check id this module owns.
pub const CHECKS: &[&str] = &[
    "compose.parse",
    "compose.healthcheck",
    "compose.restart-policy",
    "compose.hardcoded-password",
];

/// `docker-compose.yml`, `compose.yaml`, `docker-compose.prod.yml`, …
pub fn is_compose_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    (n.starts_with("docker-compose") || n.starts_with("compose."))
        && (n.ends_with(".yml") || n.ends_with(".yaml"))
}

/// A compose file as read during the walk.
#[derive(Debug, Clone)]
pub struct ComposeFile {
    pub path: String,
    pub text: String,
    pub parsed: Result<Value, ParseError>,
}

/// Reads a compose file (never fails: a YAML error is kept with its line).
pub fn read(path: &str, text: &str) -> ComposeFile {
    if let Some(too_deep) = super::yaml_too_deep(text) {
        return ComposeFile {
            path: path.to_string(),
            text: text.to_string(),
            parsed: Err(ParseError::new(path, too_deep.0, 1, too_deep.1)),
        };
    }
    let parsed = serde_yaml::from_str::<Value>(text)
        .map_err(|e| ParseError::yaml(path, 1, &e))
        .map(|mut v| {
            let _ = v.apply_merge();
            v
        });
    ComposeFile {
        path: path.to_string(),
        text: text.to_string(),
        parsed,
    }
}

fn cat(id: &str) -> &'static golive_core::Check {
    Catalog::builtin().check(id)
}

fn s(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The lines of a compose file and where each service is defined, computed once per file.
struct Lines<'t> {
    lines: Vec<&'t str>,
    /// Service name → 1-based line of its key under `services:`.
    services: std::collections::HashMap<String, u32>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let mut services = std::collections::HashMap::new();
        let indent = |l: &str| l.len() - l.trim_start().len();
        if let Some(start) = lines.iter().position(|l| l.trim_end() == "services:") {
            // Service keys share the indentation of the first key under `services:`.
            let width = lines[start + 1..]
                .iter()
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
                .map(|l| indent(l));
            if let Some(width) = width.filter(|w| *w > 0) {
                for (i, l) in lines.iter().enumerate().skip(start + 1) {
                    if l.trim().is_empty() || l.trim_start().starts_with('#') {
                        continue;
                    }
                    let w = indent(l);
                    if w < width {
                        break;
                    }
                    if w == width
                        && let Some((key, _)) = l.trim_start().split_once(':')
                    {
                        let key = key.trim().trim_matches(['"', '\'']).to_string();
                        services.entry(key).or_insert(i as u32 + 1);
                    }
                }
            }
        }
        Lines { lines, services }
    }

    /// The 1-based line of the service key `name:` (1 when not found).
    fn service(&self, name: &str) -> u32 {
        self.services.get(name).copied().unwrap_or(1)
    }

    /// The first line at or after `from` containing `needle` (`from` when absent).
    fn after(&self, from: u32, needle: &str) -> u32 {
        let start = from.saturating_sub(1) as usize;
        self.lines
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .position(|l| l.contains(needle))
            .map(|i| (start + i) as u32 + 1)
            .unwrap_or(from)
    }
}

/// Resolves `a/../b` style paths relative to a directory.
fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The Dockerfile a service's `build:` uses, relative to the repository root.
fn build_dockerfile(compose_path: &str, build: &Value) -> Option<String> {
    let dir = compose_path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let (context, dockerfile) = match build {
        Value::String(c) => (c.clone(), "Dockerfile".to_string()),
        Value::Mapping(_) => (
            s(build.get("context")).unwrap_or_else(|| ".".into()),
            s(build.get("dockerfile")).unwrap_or_else(|| "Dockerfile".into()),
        ),
        _ => return None,
    };
    if context.contains("://") {
        return None;
    }
    let ctx = join(dir, &context);
    Some(join(&ctx, &dockerfile))
}

/// Compose findings. `dockerfile_has_healthcheck(path)` tells whether a Dockerfile of the
/// repository declares a HEALTHCHECK in its final image (`None` when unknown).
pub fn findings(
    files: &[ComposeFile],
    dockerfile_has_healthcheck: &dyn Fn(&str) -> Option<bool>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if files.is_empty() {
        for id in CHECKS {
            out.push(Finding::new(
                cat(id),
                Outcome::NotApplicable,
                "no Docker Compose file",
            ));
        }
        return out;
    }
    let mut services_seen = 0usize;
    for f in files {
        let p = f.path.as_str();
        let v = match &f.parsed {
            Ok(v) => v,
            Err(e) => {
                let snippet = crate::repo::line_at(&f.text, line_offset(&f.text, e.line));
                let msg = if e.msg.starts_with("not read:") {
                    format!("{p}: {}", e.msg)
                } else {
                    format!("{}: invalid YAML: {}", e.locator(), e.msg)
                };
                let mut fi = Finding::new(cat("compose.parse"), Outcome::Fail, msg);
                fi = fi.with_evidence(if snippet.is_empty() {
                    e.evidence()
                } else {
                    Evidence::at_with_snippet(p, e.line, e.col, snippet)
                });
                out.push(lowered_for(fi, p));
                // The services of this file are unknown: no service check can pass or be
                // not applicable without them.
                for id in [
                    "compose.healthcheck",
                    "compose.restart-policy",
                    "compose.hardcoded-password",
                ] {
                    out.push(lowered_for(e.undecided(cat(id)), p));
                }
                continue;
            }
        };
        let services = match v.get("services") {
            Some(Value::Mapping(m)) => m,
            Some(Value::Null) | None if v.is_mapping() || v.is_null() => {
                // An override file may only add volumes/networks.
                out.push(
                    Finding::new(
                        cat("compose.parse"),
                        Outcome::Pass,
                        format!("{p} parses (no services)"),
                    )
                    .with_evidence(Evidence::file(p)),
                );
                continue;
            }
            _ => {
                let line = Lines::new(&f.text).after(1, "services");
                out.push(lowered_for(
                    finding_at(
                        cat("compose.parse"),
                        Outcome::Fail,
                        format!(
                            "{p}: `services` must be a mapping of service names to definitions"
                        ),
                        p,
                        line,
                        "",
                    ),
                    p,
                ));
                let e = ParseError::new(
                    p,
                    line,
                    1,
                    "`services` is not a mapping of service names to definitions",
                );
                for id in [
                    "compose.healthcheck",
                    "compose.restart-policy",
                    "compose.hardcoded-password",
                ] {
                    out.push(lowered_for(e.undecided(cat(id)), p));
                }
                continue;
            }
        };
        out.push(
            Finding::new(
                cat("compose.parse"),
                Outcome::Pass,
                format!("{p} parses ({} services)", services.len()),
            )
            .with_evidence(Evidence::file(p)),
        );
        let lines = Lines::new(&f.text);
        for (name, svc) in services {
            let Some(name) = s(Some(name)) else { continue };
            services_seen += 1;
            let line = lines.service(&name);
            let at = |id: &str, o: Outcome, msg: String, l: u32, snip: &str| {
                lowered_for(finding_at(cat(id), o, msg, p, l, snip), p)
            };
            let restart = s(svc.get("restart"));
            let one_shot = matches!(restart.as_deref(), Some("no" | "\"no\"" | "false"));
            let key = format!("{name}:");

            // Healthcheck.
            let hc = svc.get("healthcheck");
            let disabled = hc.is_some_and(|h| {
                h.get("disable").and_then(Value::as_bool) == Some(true)
                    || h.get("test")
                        .and_then(Value::as_sequence)
                        .and_then(|t| t.first())
                        .and_then(Value::as_str)
                        == Some("NONE")
            });
            let declared = hc.is_some_and(|h| h.get("test").is_some());
            let built = svc.get("build").and_then(|b| build_dockerfile(p, b));
            let from_image = built.as_deref().and_then(dockerfile_has_healthcheck);
            let (o, msg, l) = if disabled {
                (
                    Outcome::Fail,
                    format!("service `{name}` disables its healthcheck"),
                    lines.after(line, "healthcheck"),
                )
            } else if declared {
                (
                    Outcome::Pass,
                    format!("service `{name}` has a healthcheck"),
                    lines.after(line, "healthcheck"),
                )
            } else if from_image == Some(true) {
                (
                    Outcome::Pass,
                    format!(
                        "service `{name}` is built from {} which declares a HEALTHCHECK",
                        built.as_deref().unwrap_or("")
                    ),
                    line,
                )
            } else if one_shot {
                (
                    Outcome::NotApplicable,
                    format!("service `{name}` is a one-shot task (`restart: \"no\"`)"),
                    line,
                )
            } else {
                (
                    Outcome::Fail,
                    format!(
                        "service `{name}` has no healthcheck: `depends_on` cannot wait for it to \
                         be healthy and a hung process looks alive"
                    ),
                    line,
                )
            };
            out.push(at("compose.healthcheck", o, msg, l, &key));

            // Restart policy.
            let deploy_policy = svc
                .get("deploy")
                .and_then(|d| d.get("restart_policy"))
                .is_some();
            let (o, msg) = match restart.as_deref() {
                _ if one_shot => (
                    Outcome::NotApplicable,
                    format!("service `{name}` is a one-shot task (`restart: \"no\"`)"),
                ),
                Some(r) => (Outcome::Pass, format!("service `{name}` restarts `{r}`")),
                None if deploy_policy => (
                    Outcome::Pass,
                    format!("service `{name}` has a deploy.restart_policy"),
                ),
                None => (
                    Outcome::Fail,
                    format!(
                        "service `{name}` has no restart policy: after a crash or a host reboot \
                         it stays down"
                    ),
                ),
            };
            out.push(at("compose.restart-policy", o, msg, line, &key));

            // Hard-coded passwords in `environment`.
            let mut pairs: Vec<(String, String)> = Vec::new();
            match svc.get("environment") {
                Some(Value::Mapping(m)) => {
                    for (k, v) in m {
                        if let (Some(k), Some(v)) = (s(Some(k)), s(Some(v))) {
                            pairs.push((k, v));
                        }
                    }
                }
                Some(Value::Sequence(l)) => {
                    for e in l {
                        if let Some((k, v)) = s(Some(e)).as_deref().and_then(|e| e.split_once('='))
                        {
                            pairs.push((k.to_string(), v.to_string()));
                        }
                    }
                }
                _ => {}
            }
            for (k, v) in pairs {
                if url_password(&v).is_some() {
                    out.push(at(
                        "compose.hardcoded-password",
                        Outcome::Fail,
                        format!(
                            "service `{name}`: {k} is a URL with a literal password: build it \
                             from `${{…}}` variables kept out of the repository"
                        ),
                        lines.after(line, &k),
                        &format!("{k}: {}", mask_secret(&v)),
                    ));
                    continue;
                }
                if !secret_name(&k) {
                    continue;
                }
                let l = lines.after(line, &k);
                let default = env_default(&v);
                if v.trim_start().starts_with('$') {
                    if let Some(d) = default.filter(|d| !placeholder_value(d)) {
                        out.push(at(
                            "compose.hardcoded-password",
                            Outcome::Warn,
                            format!(
                                "service `{name}`: {k} falls back to a literal default when the \
                                 variable is unset"
                            ),
                            l,
                            &format!("{k}: ${{…:-{}}}", mask_secret(&d)),
                        ));
                    }
                    continue;
                }
                if placeholder_value(&v) {
                    continue;
                }
                out.push(at(
                    "compose.hardcoded-password",
                    Outcome::Fail,
                    format!(
                        "service `{name}`: {k} is written in the compose file: use `${{{k}}}` \
                         from an untracked .env, `env_file:` or `secrets:`"
                    ),
                    l,
                    &format!("{k}: {}", mask_secret(&v)),
                ));
            }
        }
    }
    if !out.iter().any(|f| f.check == "compose.hardcoded-password") {
        out.push(Finding::new(
            cat("compose.hardcoded-password"),
            if services_seen > 0 {
                Outcome::Pass
            } else {
                Outcome::NotApplicable
            },
            format!(
                "no password written in {} compose service(s)",
                services_seen
            ),
        ));
    }
    for id in ["compose.healthcheck", "compose.restart-policy"] {
        if !out.iter().any(|f| f.check == id) {
            out.push(Finding::new(
                cat(id),
                if out
                    .iter()
                    .any(|f| f.check == "compose.parse" && f.outcome == Outcome::Fail)
                {
                    Outcome::Inconclusive
                } else {
                    Outcome::NotApplicable
                },
                "no compose service could be read",
            ));
        }
    }
    out
}

fn line_offset(text: &str, line: u32) -> usize {
    text.split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum()
}

/// The literal fallback of `${VAR:-default}` / `${VAR-default}`, if any.
fn env_default(v: &str) -> Option<String> {
    let inner = v.trim().strip_prefix("${")?.strip_suffix('}')?;
    let end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let rest = &inner[end..];
    rest.strip_prefix(":-")
        .or_else(|| rest.strip_prefix('-'))
        .map(str::to_string)
}

/// A compose service that declares a healthcheck and is built from a Dockerfile of the
/// repository.
#[derive(Debug, Clone)]
pub struct CheckedBuild {
    pub dockerfile: String,
    pub service: String,
    pub path: String,
    pub line: u32,
}

/// The Dockerfiles whose images compose runs with a healthcheck of its own.
pub fn healthchecked_builds(files: &[ComposeFile]) -> Vec<CheckedBuild> {
    let mut out = Vec::new();
    for f in files {
        let Some(services) = f
            .parsed
            .as_ref()
            .ok()
            .and_then(|v| v.get("services"))
            .and_then(Value::as_mapping)
        else {
            continue;
        };
        let lines = Lines::new(&f.text);
        for (name, svc) in services {
            let Some(name) = s(Some(name)) else { continue };
            let hc = svc.get("healthcheck");
            let declared = hc.is_some_and(|h| {
                h.get("test").is_some() && h.get("disable").and_then(Value::as_bool) != Some(true)
            });
            if let (true, Some(df)) = (
                declared,
                svc.get("build").and_then(|b| build_dockerfile(&f.path, b)),
            ) {
                let line = lines.service(&name);
                out.push(CheckedBuild {
                    dockerfile: df,
                    service: name,
                    path: f.path.clone(),
                    line,
                });
            }
        }
    }
    out
}
