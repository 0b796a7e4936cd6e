//! `[smoke]`: smoke tests run by `golive check`.

use serde::{Deserialize, Serialize};

/// `[smoke]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SmokeConfig {
    /// The smoke spec (default `smoke.yaml`).
    pub file: Option<String>,
    /// Base URL the spec's paths are relative to.
    pub base_url: Option<String>,
}
