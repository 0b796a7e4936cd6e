//! `[load]`: a load test run by `golive check` (the same options as `golive load`).

use serde::{Deserialize, Serialize};

/// `[load]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LoadConfig {
    /// Target URL.
    pub url: String,
    /// Concurrent connections (closed model).
    pub connections: Option<u32>,
    /// Run length (`30s`).
    pub duration: Option<String>,
    /// Total requests instead of a duration.
    pub requests: Option<u64>,
    /// Constant arrival rate (open model), requests per second.
    pub rate: Option<f64>,
    /// Arrival-rate stages (open model): `"0:100/30s,100:500/1m"`.
    pub ramp: Option<String>,
    /// k6-style thresholds: `["p95<200ms", "error_rate<0.1%"]`.
    #[serde(default)]
    pub thresholds: Vec<String>,
    /// Allow a non-loopback target.
    #[serde(default)]
    pub allow_remote: bool,
    /// Allow `duration` / `ramp` beyond 24 hours (like `golive load --allow-long-run`).
    #[serde(default)]
    pub allow_long_run: bool,
    /// HTTP method (default GET).
    pub method: Option<String>,
    /// Request headers, `"Name: value"`.
    #[serde(default)]
    pub headers: Vec<String>,
    /// File whose content is sent as the request body (relative to golive.toml).
    pub body_file: Option<String>,
    /// Use HTTP/2 (prior knowledge on http://, ALPN on https://).
    #[serde(default)]
    pub http2: bool,
    /// Per-request timeout (default 5s).
    pub timeout: Option<String>,
    /// Statuses counted as success (default `2xx`): `"2xx,404"`.
    pub ok_status: Option<String>,
    /// PEM file of CA certificates trusted for an https target beside the public roots
    /// (relative to golive.toml).
    pub ca_file: Option<String>,
}
