//! `[load]`: a load test run by `golive check`.

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
    /// k6-style thresholds: `["p95<200ms", "error_rate<0.1%"]`.
    #[serde(default)]
    pub thresholds: Vec<String>,
    /// Allow a non-loopback target.
    #[serde(default)]
    pub allow_remote: bool,
}
