//! `[checklist]`: imported Markdown checklists.

use serde::{Deserialize, Serialize};

/// `[checklist]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistConfig {
    /// Where the imported checklist lives (default `.golive/checklist.toml`).
    pub file: Option<String>,
}
