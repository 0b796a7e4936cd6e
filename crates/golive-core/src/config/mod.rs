//! `golive.toml`: parsed strictly (an unknown key or a bad value is an error naming the key and
//! its line), then validated against the catalog (unknown check ids get a "did you mean").

mod checklist;
mod load;
mod probe;
mod smoke;
pub mod template;

pub use checklist::{ChecklistConfig, ChecklistMappingRule};
pub use load::LoadConfig;
pub use probe::{ProbeConfig, ProbeEnvironment};
pub use smoke::SmokeConfig;

use crate::catalog::Catalog;
use crate::model::Severity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use time::Date;
use toml::Spanned;

/// The file name golive looks for at the root of a project.
pub const CONFIG_FILE: &str = "golive.toml";

/// A configuration error: what was wrong, where, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// The whole of golive.toml.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub project: ProjectConfig,
    #[serde(default)]
    pub scan: ScanConfig,
    #[serde(default)]
    pub policy: PolicyConfig,
    /// Per-check overrides: `[checks."docker.non-root-user"] enabled = false, severity = "low"`.
    #[serde(default)]
    pub checks: BTreeMap<Spanned<String>, CheckOverride>,
    /// `[[suppress]]` rules.
    #[serde(default)]
    pub suppress: Vec<SuppressRule>,
    #[serde(default)]
    pub probe: Option<ProbeConfig>,
    #[serde(default)]
    pub load: Option<LoadConfig>,
    #[serde(default)]
    pub smoke: Option<SmokeConfig>,
    #[serde(default)]
    pub checklist: Option<ChecklistConfig>,
    /// Where this configuration was read from (not part of the file).
    #[serde(skip)]
    pub source: Option<PathBuf>,
    /// The file's text, kept to turn byte spans into line numbers.
    #[serde(skip)]
    pub text: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    pub name: Option<String>,
}

/// `[scan]`: what the static audit reads.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    /// Globs of files to read (default: everything).
    #[serde(default)]
    pub include: Vec<String>,
    /// Globs of files to leave out (on top of .gitignore and .goliveignore).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Files larger than this are skipped and reported as skipped (default 2 MiB).
    #[serde(
        default = "default_max_file_size",
        deserialize_with = "crate::units::de_bytes"
    )]
    pub max_file_size: u64,
    /// Read files git ignores too (default false).
    #[serde(default)]
    pub no_ignore: bool,
}

fn default_max_file_size() -> u64 {
    2 * 1024 * 1024
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            include: Vec::new(),
            exclude: Vec::new(),
            max_file_size: default_max_file_size(),
            no_ignore: false,
        }
    }
}

/// When the CLI exits non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    /// Exit 2 on NO-GO only (default).
    #[default]
    NoGo,
    /// Exit 1 on ATTENTION, 2 on NO-GO.
    Attention,
}

/// `[policy]`: the verdict thresholds.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// Overall score below this is NO-GO (default 60).
    #[serde(default = "d60")]
    pub no_go_below: f64,
    /// Overall score below this is ATTENTION (default 80).
    #[serde(default = "d80")]
    pub attention_below: f64,
    /// Overall score below this is NO-GO whatever else (like `--min-score`).
    #[serde(default)]
    pub min_score: Option<f64>,
    #[serde(default)]
    pub fail_on: FailOn,
    /// Minimum test coverage threshold a project must configure (default 80).
    #[serde(default = "d80")]
    pub coverage_min: f64,
}

fn d60() -> f64 {
    60.0
}
fn d80() -> f64 {
    80.0
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            no_go_below: 60.0,
            attention_below: 80.0,
            min_score: None,
            fail_on: FailOn::NoGo,
            coverage_min: 80.0,
        }
    }
}

/// `[checks."ID"]`: turn a check off or re-grade it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CheckOverride {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
}

/// `[[suppress]]`: accept a finding, with a reason, optionally until a date.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressRule {
    /// A check id, or a prefix ending in `.*` (`secrets.*`).
    pub check: Spanned<String>,
    /// Only findings in files matching these globs (default: everywhere).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Why this is accepted. Required.
    pub reason: String,
    /// `YYYY-MM-DD`: from that day on the suppression stops applying (and the report says so).
    #[serde(default)]
    pub expires: Option<toml::value::Datetime>,
}

impl SuppressRule {
    /// Whether this rule covers a check id.
    pub fn matches_check(&self, id: &str) -> bool {
        let pat = self.check.get_ref();
        match pat.strip_suffix(".*") {
            Some(prefix) => id.starts_with(prefix) && id[prefix.len()..].starts_with('.'),
            None => pat == id,
        }
    }

    /// The expiry date, if any.
    pub fn expiry(&self) -> Option<Date> {
        self.expires.as_ref().and_then(|d| {
            let date = d.date?;
            Date::from_calendar_date(
                date.year as i32,
                time::Month::try_from(date.month).ok()?,
                date.day,
            )
            .ok()
        })
    }
}

/// Turns a byte offset into a 1-based line number.
pub fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Config {
    /// Reads and validates a golive.toml file.
    pub fn load(path: &Path, catalog: &Catalog) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        Config::parse(&text, &path.display().to_string(), catalog).map(|mut c| {
            c.source = Some(path.to_path_buf());
            c
        })
    }

    /// Reads `dir/golive.toml` when present; defaults otherwise.
    pub fn discover(dir: &Path, catalog: &Catalog) -> Result<Config, ConfigError> {
        let p = dir.join(CONFIG_FILE);
        if p.is_file() {
            Config::load(&p, catalog)
        } else {
            Ok(Config::default())
        }
    }

    /// Parses and validates configuration text. `origin` names the file in messages.
    pub fn parse(text: &str, origin: &str, catalog: &Catalog) -> Result<Config, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: origin.to_string(),
            message,
        };
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            let msg = e.message().trim().to_string();
            match line {
                Some(l) => invalid(format!("line {l}: {msg}")),
                None => invalid(msg),
            }
        })?;
        cfg.text = text.to_string();
        let at = |span: std::ops::Range<usize>| line_of(text, span.start);

        for (id, _) in cfg.checks.iter() {
            if catalog.get(id.get_ref()).is_none() && !is_dynamic_id(id.get_ref()) {
                return Err(invalid(format!(
                    "line {}: [checks.\"{}\"]: no such check{}",
                    at(id.span()),
                    id.get_ref(),
                    did_you_mean(catalog, id.get_ref())
                )));
            }
        }
        for rule in &cfg.suppress {
            let id = rule.check.get_ref();
            let line = at(rule.check.span());
            let known = if let Some(prefix) = id.strip_suffix(".*") {
                catalog
                    .iter()
                    .any(|c| c.id.starts_with(&format!("{prefix}.")))
                    || is_dynamic_id(&format!("{prefix}.x"))
            } else {
                catalog.get(id).is_some() || is_dynamic_id(id)
            };
            if !known {
                return Err(invalid(format!(
                    "line {line}: [[suppress]] check = \"{id}\": no such check{}",
                    did_you_mean(catalog, id)
                )));
            }
            if rule.reason.trim().is_empty() {
                return Err(invalid(format!(
                    "line {line}: [[suppress]] for `{id}` has an empty `reason`: say why the finding is accepted"
                )));
            }
            if rule.expires.is_some() && rule.expiry().is_none() {
                return Err(invalid(format!(
                    "line {line}: [[suppress]] for `{id}`: `expires` must be a date like 2026-12-31"
                )));
            }
            for g in &rule.paths {
                globset::Glob::new(g).map_err(|e| {
                    invalid(format!(
                        "line {line}: [[suppress]] paths: bad glob `{g}`: {e}"
                    ))
                })?;
            }
        }
        for g in cfg.scan.include.iter().chain(cfg.scan.exclude.iter()) {
            globset::Glob::new(g).map_err(|e| invalid(format!("[scan] bad glob `{g}`: {e}")))?;
        }
        let p = &cfg.policy;
        for (name, v) in [
            ("no_go_below", Some(p.no_go_below)),
            ("attention_below", Some(p.attention_below)),
            ("min_score", p.min_score),
            ("coverage_min", Some(p.coverage_min)),
        ] {
            if let Some(v) = v
                && !(0.0..=100.0).contains(&v)
            {
                return Err(invalid(format!(
                    "[policy] {name} = {v}: must be between 0 and 100"
                )));
            }
        }
        if p.no_go_below > p.attention_below {
            return Err(invalid(format!(
                "[policy] no_go_below ({}) is above attention_below ({}): NO-GO must be the lower threshold",
                p.no_go_below, p.attention_below
            )));
        }
        cfg.validate_sections(catalog).map_err(invalid)?;
        Ok(cfg)
    }

    /// Values of the collector sections that serde accepts but that are wrong (a burst above
    /// 500, a timeout that is not a duration): caught here, when the file is read, rather than
    /// when the collector runs.
    fn validate_sections(&self, catalog: &Catalog) -> Result<(), String> {
        use crate::units::{LOAD_DURATION_MAX, MAX_DURATION, TIMEOUT_MAX, parse_duration_max};
        let at = |section: &str, key: &str| match key_line(&self.text, section, key) {
            Some(l) => format!("line {l}: [{section}] {key}"),
            None => format!("[{section}] {key}"),
        };
        let line = |span: std::ops::Range<usize>| line_of(&self.text, span.start);
        let duration = |section: &str, key: &str, v: &Option<String>, max| -> Result<(), String> {
            if let Some(v) = v {
                let d =
                    parse_duration_max(v, max).map_err(|e| format!("{}: {e}", at(section, key)))?;
                if d.is_zero() {
                    return Err(format!(
                        "{} = \"{v}\": must be more than zero",
                        at(section, key)
                    ));
                }
            }
            Ok(())
        };
        // Spans of the values whose errors are found after serde (URLs, ids, thresholds).
        let spans = Spans::of(&self.text);
        if let Some(p) = &self.probe {
            if let Some(n) = p.rate_limit_burst
                && !(1..=500).contains(&n)
            {
                return Err(format!(
                    "{} = {n}: the burst must be between 1 and 500 requests",
                    at("probe", "rate_limit_burst")
                ));
            }
            duration("probe", "timeout", &p.timeout, TIMEOUT_MAX)?;
            if let Some(n) = p.latency_samples
                && !(1..=1000).contains(&n)
            {
                return Err(format!(
                    "{} = {n}: give between 1 and 1000 sequential requests per latency target",
                    at("probe", "latency_samples")
                ));
            }
            for h in &p.headers {
                if !h.contains(':') {
                    return Err(format!(
                        "{}: `{h}` is not a header (write \"Name: value\")",
                        at("probe", "headers")
                    ));
                }
            }
            let probe_spans = spans.probe.unwrap_or_default();
            if let Some(u) = &probe_spans.url {
                check_url(u.get_ref()).map_err(|e| {
                    format!(
                        "line {}: [probe] url = \"{}\": {e}",
                        line(u.span()),
                        u.get_ref()
                    )
                })?;
            }
            for (name, env) in &probe_spans.environments {
                if let Some(u) = &env.url {
                    check_url(u.get_ref()).map_err(|e| {
                        format!(
                            "line {}: [probe.environments.{name}] url = \"{}\": {e}",
                            line(u.span()),
                            u.get_ref()
                        )
                    })?;
                }
            }
        }
        if let Some(l) = &self.load {
            let (max, how) = if l.allow_long_run {
                (MAX_DURATION, "")
            } else {
                (
                    LOAD_DURATION_MAX,
                    " (set `allow_long_run = true` in [load] for a longer run)",
                )
            };
            if let Some(d) = &l.duration
                && crate::units::parse_duration(d).is_ok_and(|v| v > max)
            {
                return Err(format!(
                    "{}: `{d}` is longer than the limit of {}{how}",
                    at("load", "duration"),
                    crate::units::fmt_duration(max)
                ));
            }
            duration("load", "duration", &l.duration, max)?;
            if let Some(r) = &l.ramp {
                let total = ramp_length(r).map_err(|e| format!("{}: {e}", at("load", "ramp")))?;
                if total > max {
                    return Err(format!(
                        "{} = \"{r}\": the stages last {} in all, longer than the limit of {}{how}",
                        at("load", "ramp"),
                        crate::units::fmt_duration(total),
                        crate::units::fmt_duration(max)
                    ));
                }
            }
            duration("load", "timeout", &l.timeout, TIMEOUT_MAX)?;
            if let Some(u) = spans.load.as_ref().and_then(|l| l.url.as_ref()) {
                check_url(u.get_ref()).map_err(|e| {
                    format!(
                        "line {}: [load] url = \"{}\": {e}",
                        line(u.span()),
                        u.get_ref()
                    )
                })?;
            }
            if l.connections == Some(0) {
                return Err(format!(
                    "{} = 0: at least one connection",
                    at("load", "connections")
                ));
            }
            if l.requests == Some(0) {
                return Err(format!(
                    "{} = 0: at least one request",
                    at("load", "requests")
                ));
            }
            if let Some(r) = l.rate
                && (!r.is_finite() || r <= 0.0)
            {
                return Err(format!(
                    "{} = {r}: must be a positive rate",
                    at("load", "rate")
                ));
            }
        }
        if let Some(u) = spans.smoke.as_ref().and_then(|s| s.base_url.as_ref()) {
            check_url(u.get_ref()).map_err(|e| {
                format!(
                    "line {}: [smoke] base_url = \"{}\": {e}",
                    line(u.span()),
                    u.get_ref()
                )
            })?;
        }
        // Mapping rules that name an unknown check would turn the items they match into
        // inconclusive ones (never counted as passes, but no longer the critical manual items
        // they are): refused, as an unknown `[checks.ID]` is.
        for (i, rule) in spans
            .checklist
            .iter()
            .flat_map(|c| c.mapping.iter())
            .enumerate()
        {
            for id in &rule.checks {
                if catalog.get(id.get_ref()).is_none() && !is_dynamic_id(id.get_ref()) {
                    return Err(format!(
                        "line {}: [[checklist.mapping]] #{} checks = \"{}\": no such check{}",
                        line(id.span()),
                        i + 1,
                        id.get_ref(),
                        did_you_mean(catalog, id.get_ref())
                    ));
                }
            }
        }
        Ok(())
    }

    /// `golive.toml:LINE` of the `i`-th entry of `[load] thresholds` (0-based), so that a
    /// threshold refused by the load collector is reported where it is written.
    pub fn load_threshold_location(&self, i: usize) -> Option<String> {
        let spans = Spans::of(&self.text);
        let t = spans.load?.thresholds.into_iter().nth(i)?;
        Some(self.locate(t.span()))
    }

    /// The override for a check id, if any.
    pub fn check_override(&self, id: &str) -> Option<&CheckOverride> {
        self.checks
            .iter()
            .find(|(k, _)| k.get_ref() == id)
            .map(|(_, v)| v)
    }

    /// Whether a check is enabled (default true).
    pub fn enabled(&self, id: &str) -> bool {
        self.check_override(id)
            .and_then(|o| o.enabled)
            .unwrap_or(true)
    }

    /// `golive.toml:LINE` for a span of this file.
    pub fn locate(&self, span: std::ops::Range<usize>) -> String {
        let name = self
            .source
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| CONFIG_FILE.to_string());
        format!("{name}:{}", line_of(&self.text, span.start))
    }
}

/// The spans of the values checked after serde, read by a second, lenient pass over the text
/// (the strict pass has already accepted it, so the shapes agree).
#[derive(Debug, Default, Deserialize)]
struct Spans {
    #[serde(default)]
    probe: Option<ProbeSpans>,
    #[serde(default)]
    load: Option<LoadSpans>,
    #[serde(default)]
    smoke: Option<SmokeSpans>,
    #[serde(default)]
    checklist: Option<ChecklistSpans>,
}

#[derive(Debug, Default, Deserialize)]
struct ProbeSpans {
    url: Option<Spanned<String>>,
    #[serde(default)]
    environments: BTreeMap<String, UrlSpan>,
}

#[derive(Debug, Default, Deserialize)]
struct UrlSpan {
    url: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct LoadSpans {
    url: Option<Spanned<String>>,
    #[serde(default)]
    thresholds: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct SmokeSpans {
    base_url: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct ChecklistSpans {
    #[serde(default)]
    mapping: Vec<MappingSpans>,
}

#[derive(Debug, Default, Deserialize)]
struct MappingSpans {
    #[serde(default)]
    checks: Vec<Spanned<String>>,
}

impl Spans {
    fn of(text: &str) -> Spans {
        toml::from_str(text).unwrap_or_default()
    }
}

/// An http(s) URL with a host, as the probe and the load generator require.
fn check_url(s: &str) -> Result<(), String> {
    let u = url::Url::parse(s.trim())
        .map_err(|e| format!("not a URL ({e}): write e.g. \"http://127.0.0.1:8080/\""))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(format!("scheme `{}` is not http or https", u.scheme()));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host".into());
    }
    Ok(())
}

/// Total length of a `ramp = "0:100/30s,100:500/1m"` schedule (only its durations are read
/// here; the load collector reads the rest).
fn ramp_length(ramp: &str) -> Result<std::time::Duration, String> {
    let mut total = std::time::Duration::ZERO;
    for part in ramp.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((_, d)) = part.split_once('/') else {
            return Err(format!(
                "stage `{part}` has no /DURATION (expected FROM:TO/DURATION like 0:100/30s)"
            ));
        };
        let d = crate::units::parse_duration(d).map_err(|e| format!("stage `{part}`: {e}"))?;
        total = total
            .checked_add(d)
            .ok_or_else(|| "the stages are too long".to_string())?;
    }
    Ok(total)
}

/// The line of `key = …` inside `[section]` (or a sub-table of it), best effort.
fn key_line(text: &str, section: &str, key: &str) -> Option<usize> {
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            let name = t
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            inside = name == section || name.starts_with(&format!("{section}."));
        } else if inside
            && t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return Some(i + 1);
        }
    }
    None
}

/// Checks whose ids are made at run time (a smoke test's name, a checklist item's id).
pub fn is_dynamic_id(id: &str) -> bool {
    ["smoke.", "checklist."]
        .iter()
        .any(|p| id.starts_with(p) && id.len() > p.len())
}

fn did_you_mean(catalog: &Catalog, id: &str) -> String {
    let s = catalog.suggest(id);
    if s.is_empty() {
        " (`golive checks` lists them)".to_string()
    } else {
        format!(
            " (did you mean {}?)",
            s.iter()
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}
