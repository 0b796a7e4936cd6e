//! # golive-probe
//!
//! golive's live audit of a running service over HTTP and TLS. Give it a base URL
//! ([`ProbeOptions`]); [`probe`] calls the service the way a launch review would (health and
//! readiness endpoints, HTTP→HTTPS redirect, the TLS certificate and legacy protocol versions,
//! security headers graded with the MDN HTTP Observatory scoring, CORS with a foreign origin,
//! protected paths without and with credentials, an optional rate-limit burst, error pages,
//! exposed files, compression, cache headers and latency) and returns one or more
//! [`golive_core::Finding`]s for every `probe.*` check of the catalog, each with the HTTP
//! exchange as evidence.
//!
//! ```no_run
//! let opts = golive_probe::ProbeOptions::new("http://127.0.0.1:8080").unwrap();
//! let out = golive_probe::probe(&opts).unwrap();
//! for f in &out.findings {
//!     println!("{} {} {}", f.check, f.outcome, f.message);
//! }
//! ```
//!
//! Nothing here panics on what a server sends: unreachable hosts, DNS failures, refused
//! connections, TLS failures, timeouts and redirect loops become findings that say what failed.

pub mod checks;
pub mod client;
pub mod observatory;
pub mod tls;

use golive_core::config::ProbeConfig;
use golive_core::{Catalog, Finding};
use rustls::pki_types::CertificateDer;
use std::path::Path;
use std::time::Duration;
use url::Url;

pub use client::{Client, Exchange, FetchError};
pub use observatory::Observatory;

/// The most requests a rate-limit burst may send.
pub const MAX_BURST: u32 = 500;

/// A probe configuration error: what was wrong and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("`{url}` is not a usable URL: {message} (give e.g. http://127.0.0.1:8080)")]
    BadUrl { url: String, message: String },
    #[error("header `{0}`: expected `Name: value`")]
    BadHeader(String),
    #[error("--rate-limit-burst {0}: at most {MAX_BURST} requests")]
    BurstTooLarge(u32),
    #[error("{path}: {message}")]
    CaFile { path: String, message: String },
    #[error("timeout `{value}`: {message}")]
    BadTimeout { value: String, message: String },
    #[error("[probe.environments.{0}] is not defined in golive.toml (defined: {1})")]
    UnknownEnvironment(String, String),
    #[error("no URL to probe: give one on the command line or set `url` in golive.toml [probe]")]
    NoUrl,
    #[error("cannot start the probe's runtime: {0}")]
    Runtime(String),
}

/// The latency policy (defaults: p95 ≥ 200 ms warns, a mean above 2 s fails, above 5 s is
/// critical).
#[derive(Debug, Clone, Copy)]
pub struct LatencyPolicy {
    pub p95_warn: Duration,
    pub mean_fail: Duration,
    pub mean_critical: Duration,
}

impl Default for LatencyPolicy {
    fn default() -> Self {
        LatencyPolicy {
            p95_warn: Duration::from_millis(200),
            mean_fail: Duration::from_secs(2),
            mean_critical: Duration::from_secs(5),
        }
    }
}

/// What to probe and how.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    pub url: Url,
    /// Paths that must refuse anonymous access.
    pub protected: Vec<String>,
    /// Extra health paths (on top of the usual ones).
    pub health: Vec<String>,
    /// Headers sent with every request.
    pub headers: Vec<(String, String)>,
    /// A valid bearer token (from `--token-env`), and the variable's name for messages.
    pub token: Option<String>,
    pub token_env: Option<String>,
    /// Plain-HTTP service that a TLS proxy will front: transport checks are not applicable.
    pub behind_tls_proxy: bool,
    /// Send this many requests to test rate limiting (≤ 500).
    pub rate_limit_burst: Option<u32>,
    /// The path the burst goes to (default: the base URL's path).
    pub rate_limit_path: Option<String>,
    /// Hosts besides loopback that a burst may be sent to (explicitly configured).
    pub burst_hosts: Vec<String>,
    /// Hosts a redirect may lead to besides the URL's own host (`--follow-redirects-to`). A
    /// redirect to any other host, or from https to http, is reported, never followed.
    pub follow_redirects_to: Vec<String>,
    /// The password the URL was given with (`http://user:pass@host/`, as written and decoded):
    /// removed from `url` with the user name, kept only to mask it wherever it would show.
    pub url_credentials: Vec<String>,
    /// Per-request deadline (connect + TLS + answer).
    pub timeout: Duration,
    /// Extra trusted roots (a private CA, the test CA) on top of Mozilla's.
    pub extra_roots: Vec<CertificateDer<'static>>,
    /// Sequential requests per latency target (default 20).
    pub latency_samples: usize,
    pub latency: LatencyPolicy,
}

impl ProbeOptions {
    /// Options for a base URL with every default.
    pub fn new(url: &str) -> Result<ProbeOptions, ProbeError> {
        let (url, url_credentials) = parse_url_with_credentials(url)?;
        Ok(ProbeOptions {
            url,
            url_credentials,
            protected: Vec::new(),
            health: Vec::new(),
            headers: Vec::new(),
            token: None,
            token_env: None,
            behind_tls_proxy: false,
            rate_limit_burst: None,
            rate_limit_path: None,
            burst_hosts: Vec::new(),
            follow_redirects_to: Vec::new(),
            timeout: Duration::from_secs(5),
            extra_roots: Vec::new(),
            latency_samples: 20,
            latency: LatencyPolicy::default(),
        })
    }

    /// Options from golive.toml `[probe]`: `env` picks `[probe.environments.NAME]`, `url`
    /// overrides both.
    pub fn from_config(
        cfg: &ProbeConfig,
        env: Option<&str>,
        url: Option<&str>,
    ) -> Result<ProbeOptions, ProbeError> {
        let mut behind = cfg.behind_tls_proxy;
        let base = match (url, env) {
            (Some(u), _) => u.to_string(),
            (None, Some(name)) => {
                let e = cfg.environments.get(name).ok_or_else(|| {
                    let names: Vec<&str> = cfg.environments.keys().map(String::as_str).collect();
                    ProbeError::UnknownEnvironment(
                        name.to_string(),
                        if names.is_empty() {
                            "none".into()
                        } else {
                            names.join(", ")
                        },
                    )
                })?;
                if let Some(b) = e.behind_tls_proxy {
                    behind = b;
                }
                e.url.clone()
            }
            (None, None) => cfg.url.clone().ok_or(ProbeError::NoUrl)?,
        };
        let mut o = ProbeOptions::new(&base)?;
        o.protected = cfg.protected.clone();
        o.health = cfg.health.clone();
        for h in &cfg.headers {
            o.headers.push(parse_header(h)?);
        }
        o.behind_tls_proxy = behind;
        if let Some(n) = cfg.rate_limit_burst {
            o.set_burst(n)?;
        }
        o.rate_limit_path = cfg.rate_limit_path.clone();
        o.burst_hosts = cfg.rate_limit_hosts.clone();
        o.follow_redirects_to = cfg.follow_redirects_to.clone();
        if let Some(t) = &cfg.timeout {
            o.timeout = golive_core::units::parse_duration_max(t, golive_core::units::TIMEOUT_MAX)
                .map_err(|m| ProbeError::BadTimeout {
                    value: t.clone(),
                    message: m,
                })?;
        }
        if let Some(ca) = &cfg.ca_file {
            o.extra_roots = load_ca_file(Path::new(ca))?;
        }
        if let Some(n) = cfg.latency_samples {
            o.latency_samples = n as usize;
        }
        o.token_env = cfg.token_env.clone();
        Ok(o)
    }

    pub fn set_burst(&mut self, n: u32) -> Result<(), ProbeError> {
        if n > MAX_BURST {
            return Err(ProbeError::BurstTooLarge(n));
        }
        self.rate_limit_burst = Some(n);
        Ok(())
    }

    /// Reads the token from the `token_env` variable, if one is named.
    pub fn resolve_token(&mut self) {
        if let Some(var) = &self.token_env {
            self.token = std::env::var(var).ok().filter(|v| !v.trim().is_empty());
        }
    }

    /// Every value golive sends that may be a secret (headers, the token, the URL's
    /// credentials), to mask wherever it shows in the findings.
    pub fn redactor(&self) -> golive_core::secrets::Redactor {
        let mut r = golive_core::secrets::Redactor::new();
        for (n, v) in &self.headers {
            r.add_header(n, v);
        }
        if let Some(t) = &self.token {
            r.add(t);
        }
        for c in &self.url_credentials {
            r.add(c);
        }
        r
    }
}

/// Parses a base URL (http or https, with a host). Credentials in it (`user:pass@`) are
/// removed: they are never sent nor shown.
pub fn parse_url(s: &str) -> Result<Url, ProbeError> {
    parse_url_with_credentials(s).map(|(u, _)| u)
}

/// [`parse_url`], also returning the user name and password it removed (to mask them).
pub fn parse_url_with_credentials(s: &str) -> Result<(Url, Vec<String>), ProbeError> {
    let shown = golive_core::secrets::strip_userinfo(s.trim());
    let mut u = Url::parse(s.trim()).map_err(|e| ProbeError::BadUrl {
        url: shown.clone(),
        message: e.to_string(),
    })?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(ProbeError::BadUrl {
            url: shown.clone(),
            message: format!("scheme `{}` is not http or https", u.scheme()),
        });
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err(ProbeError::BadUrl {
            url: shown,
            message: "no host".into(),
        });
    }
    let mut credentials = Vec::new();
    // The password only: a user name is not a secret, and masking it everywhere would mangle
    // paths (`/admin`) that happen to contain it.
    if let Some(c) = u.password().map(str::to_string) {
        if let Ok(d) = percent_encoding::percent_decode_str(&c).decode_utf8() {
            credentials.push(d.into_owned());
        }
        credentials.push(c);
    }
    let _ = u.set_username("");
    let _ = u.set_password(None);
    Ok((u, credentials))
}

/// `"Name: value"` → (name, value).
pub fn parse_header(s: &str) -> Result<(String, String), ProbeError> {
    let (n, v) = s
        .split_once(':')
        .ok_or_else(|| ProbeError::BadHeader(s.to_string()))?;
    let n = n.trim();
    if n.is_empty() || http::HeaderName::from_bytes(n.as_bytes()).is_err() {
        return Err(ProbeError::BadHeader(s.to_string()));
    }
    if http::HeaderValue::from_str(v.trim()).is_err() {
        return Err(ProbeError::BadHeader(s.to_string()));
    }
    Ok((n.to_string(), v.trim().to_string()))
}

/// Reads PEM certificates to trust (a private CA).
pub fn load_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, ProbeError> {
    use rustls::pki_types::pem::PemObject;
    let err = |message: String| ProbeError::CaFile {
        path: path.display().to_string(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| err(format!("cannot read: {e}")))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| err(format!("not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(err(
            "no `-----BEGIN CERTIFICATE-----` block found (give the CA certificate in PEM)".into(),
        ));
    }
    Ok(certs)
}

/// What a probe found.
#[derive(Debug, Clone)]
pub struct ProbeOutput {
    pub url: String,
    pub findings: Vec<Finding>,
    /// The Observatory grade, when the service answered.
    pub observatory: Option<Observatory>,
}

/// Runs the probe on a runtime of its own (for synchronous callers such as the CLI).
pub fn probe(opts: &ProbeOptions) -> Result<ProbeOutput, ProbeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ProbeError::Runtime(e.to_string()))?;
    Ok(rt.block_on(run(opts)))
}

/// Runs the probe on the current tokio runtime.
pub async fn run(opts: &ProbeOptions) -> ProbeOutput {
    checks::run_all(opts, Catalog::builtin()).await
}

/// Every check id this crate reports on (each gets at least one finding per run).
pub const CHECK_IDS: &[&str] = &[
    "probe.reachable",
    "probe.health",
    "probe.readiness",
    "probe.https-redirect",
    "probe.tls-certificate",
    "probe.tls-expiry",
    "probe.tls-legacy-protocols",
    "probe.hsts",
    "probe.security-headers",
    "probe.csp",
    "probe.x-content-type-options",
    "probe.frame-options",
    "probe.referrer-policy",
    "probe.corp",
    "probe.cookies",
    "probe.sri",
    "probe.cors",
    "probe.auth",
    "probe.rate-limit",
    "probe.not-found",
    "probe.error-hygiene",
    "probe.server-banner",
    "probe.exposed-files",
    "probe.compression",
    "probe.cache-headers",
    "probe.latency",
];
