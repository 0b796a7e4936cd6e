//! What a load run does: target, request, concurrency, arrival model, bounds. Built from CLI
//! flags or golive.toml `[load]`, validated before anything is sent.

use crate::LoadError;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method};
use std::net::IpAddr;
use std::time::Duration;
use url::Url;

/// Hard cap on a run's length when only a request count is given.
pub const DEFAULT_MAX_DURATION: Duration = Duration::from_secs(600);
/// Run length when neither a duration nor a request count is given.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(10);
/// Most connections a run may open.
pub const MAX_CONNECTIONS: u32 = 10_000;

/// A load run, ready to go.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    pub url: Url,
    pub method: Method,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
    /// Connections, each driven by its own task with one request in flight.
    pub connections: u32,
    /// The run stops at this point whatever else.
    pub duration: Duration,
    /// The run stops after this many responses (and errors) when set.
    pub requests: Option<u64>,
    pub model: Model,
    pub http2: bool,
    /// Per-request timeout (connect + response + body).
    pub timeout: Duration,
    /// Statuses counted as success (default: 2xx).
    pub ok_status: StatusSet,
    /// Certificates trusted for https targets beside the public roots (a private CA).
    pub extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
}

/// Closed model (each connection sends as soon as its previous response is read) or open model
/// (requests are due at a constant or ramped arrival rate, whatever the server does).
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    Closed,
    Open(RateSchedule),
}

impl LoadPlan {
    /// A plan with the defaults (GET, 10 connections, 10 s, closed model, 5 s timeout, 2xx ok).
    pub fn new(url: &str) -> Result<LoadPlan, LoadError> {
        let url = parse_target(url)?;
        Ok(LoadPlan {
            url,
            method: Method::GET,
            headers: Vec::new(),
            body: Bytes::new(),
            connections: 10,
            duration: DEFAULT_DURATION,
            requests: None,
            model: Model::Closed,
            http2: false,
            timeout: Duration::from_secs(5),
            ok_status: StatusSet::default(),
            extra_roots: Vec::new(),
        })
    }

    /// Adds a `Name: value` header.
    pub fn header(&mut self, line: &str) -> Result<(), LoadError> {
        let (n, v) = parse_header(line)?;
        self.headers.push((n, v));
        Ok(())
    }

    /// Checks the plan is bounded and the target allowed (`allow_remote` for non-loopback hosts).
    pub fn validate(&self, allow_remote: bool) -> Result<(), LoadError> {
        if self.connections == 0 || self.connections > MAX_CONNECTIONS {
            return Err(LoadError::Plan(format!(
                "{} connections: give between 1 and {MAX_CONNECTIONS} (-c)",
                self.connections
            )));
        }
        if self.duration.is_zero() {
            return Err(LoadError::Plan(
                "the run has no duration: give -d 10s or -n 1000".into(),
            ));
        }
        if self.requests == Some(0) {
            return Err(LoadError::Plan("-n 0: give at least one request".into()));
        }
        if self.timeout.is_zero() {
            return Err(LoadError::Plan(
                "--timeout 0: give a positive timeout".into(),
            ));
        }
        // The callers hold these to the option limits; here only what the engine's deadline
        // arithmetic needs (a plan built by hand must not overflow an Instant).
        let (max_run, max_timeout) = (
            golive_core::units::MAX_DURATION,
            golive_core::units::TIMEOUT_MAX,
        );
        if self.duration > max_run {
            return Err(LoadError::Plan(format!(
                "a run of {:?} is longer than 100 years",
                self.duration
            )));
        }
        if self.timeout > max_timeout {
            return Err(LoadError::Plan(format!(
                "--timeout {:?}: longer than the limit of {}",
                self.timeout,
                golive_core::units::fmt_duration(max_timeout)
            )));
        }
        if !allow_remote && !is_loopback(&self.url) {
            return Err(LoadError::Remote(
                self.url.host_str().unwrap_or_default().to_string(),
            ));
        }
        Ok(())
    }
}

/// Parses and checks a target URL (http or https, with a host). Credentials in it
/// (`user:pass@`) are removed: they are never sent nor shown.
pub fn parse_target(s: &str) -> Result<Url, LoadError> {
    let shown = golive_core::secrets::strip_userinfo(s);
    let mut url = Url::parse(s).map_err(|e| {
        LoadError::Plan(format!(
            "`{shown}` is not a URL ({e}): give e.g. http://127.0.0.1:8080/"
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(LoadError::Plan(format!(
            "`{shown}`: only http:// and https:// targets are supported"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(LoadError::Plan(format!("`{shown}` has no host")));
    }
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Ok(url)
}

/// The host of a URL (`None` when it is not a URL with a host).
pub fn host_of(url: &str) -> Option<String> {
    Url::parse(url).ok()?.host_str().map(str::to_string)
}

/// True for `localhost`, 127.0.0.0/8 and ::1.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Parses `Name: value`.
pub fn parse_header(line: &str) -> Result<(HeaderName, HeaderValue), LoadError> {
    let (n, v) = line.split_once(':').ok_or_else(|| {
        LoadError::Plan(format!(
            "header `{line}`: expected `Name: value`, e.g. -H 'Accept: application/json'"
        ))
    })?;
    let name = HeaderName::from_bytes(n.trim().as_bytes()).map_err(|_| {
        LoadError::Plan(format!(
            "header `{line}`: `{}` is not a header name",
            n.trim()
        ))
    })?;
    let value = HeaderValue::from_str(v.trim()).map_err(|_| {
        LoadError::Plan(format!(
            "header `{line}`: the value is not a valid header value"
        ))
    })?;
    Ok((name, value))
}

/// Which response statuses count as success: `200-299,404`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSet {
    ranges: Vec<(u16, u16)>,
}

impl Default for StatusSet {
    fn default() -> Self {
        StatusSet {
            ranges: vec![(200, 299)],
        }
    }
}

impl StatusSet {
    /// Parses `200-399,404` (also `2xx`, `3xx`).
    pub fn parse(s: &str) -> Result<StatusSet, LoadError> {
        let bad = |p: &str| {
            LoadError::Plan(format!(
                "--ok-status `{s}`: `{p}` is not a status, a range (200-399) or a class (2xx)"
            ))
        };
        let mut ranges = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let lower = part.to_ascii_lowercase();
            let r = if let Some(c) = lower.strip_suffix("xx") {
                let c: u16 = c.parse().map_err(|_| bad(part))?;
                (c * 100, c * 100 + 99)
            } else if let Some((a, b)) = part.split_once('-') {
                let a: u16 = a.trim().parse().map_err(|_| bad(part))?;
                let b: u16 = b.trim().parse().map_err(|_| bad(part))?;
                (a, b)
            } else {
                let a: u16 = part.parse().map_err(|_| bad(part))?;
                (a, a)
            };
            if r.0 < 100 || r.1 > 599 || r.0 > r.1 {
                return Err(bad(part));
            }
            ranges.push(r);
        }
        if ranges.is_empty() {
            return Err(bad(s));
        }
        Ok(StatusSet { ranges })
    }

    pub fn contains(&self, status: u16) -> bool {
        self.ranges.iter().any(|(a, b)| (*a..=*b).contains(&status))
    }
}

impl std::fmt::Display for StatusSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .ranges
            .iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// One stage of an arrival-rate schedule: the rate goes linearly from `from` to `to` requests per
/// second over `duration`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage {
    pub from: f64,
    pub to: f64,
    pub duration: Duration,
}

/// A piecewise-linear arrival rate. Intended send times come from inverting the cumulative count
/// N(t) = ∫ rate, so request `i` is due at the instant N(t) reaches `i`.
#[derive(Debug, Clone, PartialEq)]
pub struct RateSchedule {
    stages: Vec<Stage>,
    /// Cumulative requests at the start of each stage.
    starts: Vec<f64>,
}

impl RateSchedule {
    /// A constant rate for `duration`.
    pub fn constant(rate: f64, duration: Duration) -> Result<RateSchedule, LoadError> {
        RateSchedule::new(vec![Stage {
            from: rate,
            to: rate,
            duration,
        }])
    }

    pub fn new(stages: Vec<Stage>) -> Result<RateSchedule, LoadError> {
        if stages.is_empty() {
            return Err(LoadError::Plan(
                "an arrival-rate schedule needs a stage".into(),
            ));
        }
        let mut starts = Vec::with_capacity(stages.len());
        let mut total = 0.0;
        for s in &stages {
            if !(s.from.is_finite() && s.to.is_finite()) || s.from < 0.0 || s.to < 0.0 {
                return Err(LoadError::Plan(format!(
                    "rate {}→{}: rates must be positive numbers of requests per second",
                    s.from, s.to
                )));
            }
            if s.duration.is_zero() {
                return Err(LoadError::Plan("a ramp stage has a zero duration".into()));
            }
            starts.push(total);
            total += (s.from + s.to) / 2.0 * s.duration.as_secs_f64();
        }
        if total < 1.0 {
            return Err(LoadError::Plan(
                "the arrival rate schedule asks for less than one request in all".into(),
            ));
        }
        Ok(RateSchedule { stages, starts })
    }

    /// Parses `--ramp 0:100/30s,100:500/1m` (from:to rps over a duration; `200/1m` holds 200).
    pub fn parse_ramp(s: &str) -> Result<RateSchedule, LoadError> {
        let mut stages = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = |why: &str| {
                LoadError::Plan(format!(
                    "--ramp `{s}`: stage `{part}` {why} (expected FROM:TO/DURATION like 0:100/30s, or RATE/DURATION)"
                ))
            };
            let (rates, dur) = part
                .split_once('/')
                .ok_or_else(|| bad("has no /DURATION"))?;
            let duration =
                golive_core::units::parse_duration(dur).map_err(|e| bad(&format!(": {e}")))?;
            let num = |x: &str| -> Result<f64, LoadError> {
                x.trim()
                    .parse::<f64>()
                    .map_err(|_| bad(&format!("has `{x}` for a rate")))
            };
            let (from, to) = match rates.split_once(':') {
                Some((a, b)) => (num(a)?, num(b)?),
                None => {
                    let r = num(rates)?;
                    (r, r)
                }
            };
            stages.push(Stage { from, to, duration });
        }
        RateSchedule::new(stages)
    }

    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// Total length of the schedule.
    pub fn duration(&self) -> Duration {
        self.stages
            .iter()
            .fold(Duration::ZERO, |a, s| a.saturating_add(s.duration))
    }

    /// Requests the schedule asks for in all.
    pub fn total(&self) -> f64 {
        let last = self.stages.len() - 1;
        let s = &self.stages[last];
        self.starts[last] + (s.from + s.to) / 2.0 * s.duration.as_secs_f64()
    }

    /// The highest rate of the schedule.
    pub fn peak(&self) -> f64 {
        self.stages
            .iter()
            .map(|s| s.from.max(s.to))
            .fold(0.0, f64::max)
    }

    /// Requests due by `t` seconds after the start.
    pub fn due_by(&self, t: f64) -> f64 {
        let mut t = t.max(0.0);
        for (i, s) in self.stages.iter().enumerate() {
            let d = s.duration.as_secs_f64();
            if t <= d || i == self.stages.len() - 1 {
                let t = t.min(d);
                let a = (s.to - s.from) / d;
                return self.starts[i] + s.from * t + a * t * t / 2.0;
            }
            t -= d;
        }
        self.total()
    }

    /// When request number `n` (0-based) is due, in seconds after the start; `None` past the end.
    pub fn due_at(&self, n: u64) -> Option<f64> {
        // Request n is sent when the cumulative count reaches n + 1/2·… ; we use n itself so the
        // first request leaves at t = 0 for a non-zero starting rate.
        let n = n as f64;
        let mut offset = 0.0;
        for (i, s) in self.stages.iter().enumerate() {
            let d = s.duration.as_secs_f64();
            let start = self.starts[i];
            let end = start + (s.from + s.to) / 2.0 * d;
            if n < end {
                let k = n - start;
                let a = (s.to - s.from) / d;
                let t = if a.abs() < 1e-12 {
                    k / s.from
                } else {
                    // a/2·t² + from·t − k = 0
                    let disc = (s.from * s.from + 2.0 * a * k).max(0.0);
                    (disc.sqrt() - s.from) / a
                };
                return Some(offset + t.clamp(0.0, d));
            }
            offset += d;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_built_plans_cannot_overflow_the_engine() {
        let mut p = LoadPlan::new("http://127.0.0.1:1/").unwrap();
        p.validate(false).unwrap();
        p.duration = Duration::MAX;
        assert!(
            p.validate(false)
                .unwrap_err()
                .to_string()
                .contains("100 years")
        );
        p.duration = Duration::from_secs(1);
        p.timeout = Duration::from_secs(3600);
        assert!(
            p.validate(false)
                .unwrap_err()
                .to_string()
                .contains("limit of 10m")
        );
        // A schedule's length saturates instead of panicking.
        let s = RateSchedule::new(vec![
            Stage {
                from: 1.0,
                to: 1.0,
                duration: Duration::MAX,
            },
            Stage {
                from: 1.0,
                to: 1.0,
                duration: Duration::MAX,
            },
        ]);
        if let Ok(s) = s {
            assert_eq!(s.duration(), Duration::MAX);
        }
    }

    #[test]
    fn constant_schedule_spaces_requests_evenly() {
        let s = RateSchedule::constant(100.0, Duration::from_secs(2)).unwrap();
        assert_eq!(s.total(), 200.0);
        assert_eq!(s.due_at(0), Some(0.0));
        assert!((s.due_at(50).unwrap() - 0.5).abs() < 1e-9);
        assert!((s.due_at(199).unwrap() - 1.99).abs() < 1e-9);
        assert_eq!(s.due_at(200), None);
    }

    #[test]
    fn ramp_is_parsed_and_inverted() {
        let s = RateSchedule::parse_ramp("0:100/10s, 100/5s").unwrap();
        assert_eq!(s.stages().len(), 2);
        assert_eq!(s.duration(), Duration::from_secs(15));
        // 0→100 over 10 s: 500 requests; then 100 rps for 5 s: 500 more.
        assert!((s.total() - 1000.0).abs() < 1e-9);
        // N(t) = 5 t² in the first stage: request 125 is due at t = 5 s.
        assert!((s.due_at(125).unwrap() - 5.0).abs() < 1e-9);
        assert!((s.due_by(5.0) - 125.0).abs() < 1e-9);
        // second stage: request 600 is due 1 s into it.
        assert!((s.due_at(600).unwrap() - 11.0).abs() < 1e-9);
        assert!(s.due_at(1000).is_none());
        for bad in ["abc", "0:100", "x:1/1s", "1:2/xs", "0:0/1s"] {
            assert!(RateSchedule::parse_ramp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn status_sets() {
        let s = StatusSet::parse("2xx, 404, 300-302").unwrap();
        assert!(s.contains(204) && s.contains(404) && s.contains(301));
        assert!(!s.contains(500) && !s.contains(303));
        assert!(StatusSet::parse("abc").is_err());
        assert!(StatusSet::parse("700").is_err());
        assert!(!StatusSet::default().contains(500));
    }

    #[test]
    fn remote_targets_need_permission() {
        let p = LoadPlan::new("http://127.0.0.1:1/").unwrap();
        assert!(p.validate(false).is_ok());
        let p = LoadPlan::new("http://localhost:1/").unwrap();
        assert!(p.validate(false).is_ok());
        let p = LoadPlan::new("http://[::1]:1/").unwrap();
        assert!(p.validate(false).is_ok());
        let p = LoadPlan::new("https://example.com/").unwrap();
        let e = p.validate(false).unwrap_err().to_string();
        assert!(e.contains("--allow-remote"), "{e}");
        assert!(p.validate(true).is_ok());
        assert!(LoadPlan::new("ftp://x/").is_err());
        assert!(LoadPlan::new("not a url").is_err());
    }

    #[test]
    fn headers() {
        let mut p = LoadPlan::new("http://127.0.0.1/").unwrap();
        p.header("X-Test: 1").unwrap();
        assert!(p.header("no colon").is_err());
        assert!(p.header("bad name: v").is_err());
    }
}
