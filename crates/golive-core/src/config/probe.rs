//! `[probe]`: the live audit of a running service.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `[probe]`. `url` is the default target; `[probe.environments.NAME]` names one per environment.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeConfig {
    /// Base URL probed by `golive check` (and by `golive probe` without a URL).
    pub url: Option<String>,
    /// Paths that must refuse anonymous access.
    #[serde(default)]
    pub protected: Vec<String>,
    /// Extra health paths to call.
    #[serde(default)]
    pub health: Vec<String>,
    /// Extra request headers, `"Name: value"`.
    #[serde(default)]
    pub headers: Vec<String>,
    /// Name of an environment variable holding a valid bearer token.
    pub token_env: Option<String>,
    /// Plain-HTTP service that a TLS proxy will front: transport checks are not applicable.
    #[serde(default)]
    pub behind_tls_proxy: bool,
    /// Send this many requests to test rate limiting (≤ 500); off when absent.
    pub rate_limit_burst: Option<u32>,
    /// The path the rate-limit burst goes to (default: the base URL).
    pub rate_limit_path: Option<String>,
    /// Hosts besides loopback that the burst may target (explicit consent for a real host).
    #[serde(default)]
    pub rate_limit_hosts: Vec<String>,
    /// Hosts a redirect may lead the probe to (by default only the same host, and never from
    /// https to http): `--follow-redirects-to HOST`.
    #[serde(default)]
    pub follow_redirects_to: Vec<String>,
    /// Per-request timeout (default 5s).
    pub timeout: Option<String>,
    /// PEM file of extra CA certificates to trust (a private CA).
    pub ca_file: Option<String>,
    /// Sequential requests per latency target (default 20).
    pub latency_samples: Option<u32>,
    /// Per-environment base URLs: `[probe.environments.staging] url = "…"`.
    #[serde(default)]
    pub environments: BTreeMap<String, ProbeEnvironment>,
}

/// `[probe.environments.NAME]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeEnvironment {
    pub url: String,
    #[serde(default)]
    pub behind_tls_proxy: Option<bool>,
}
