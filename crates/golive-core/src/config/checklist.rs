//! `[checklist]`: imported Markdown checklists.
//!
//! ```toml
//! [checklist]
//! file = ".golive/checklist.toml"      # where `golive checklist import` writes (default)
//!
//! # Extra mapping rules, tried before the built-in table of golive-checklist.
//! [[checklist.mapping]]
//! checks = ["probe.health"]             # catalog check ids the item is about
//! any = ["ping endpoint", "liveness"]   # regexes on the folded item text (lowercase, no accents)
//! all = []                              # every one of these must match too (optional)
//! unless = ["optionnel"]                # none of these may match (optional)
//! ```

use serde::{Deserialize, Serialize};

/// `[checklist]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistConfig {
    /// Where the imported checklist lives (default `.golive/checklist.toml`).
    pub file: Option<String>,
    /// Where sign-offs live (default `.golive/signoffs.toml`).
    #[serde(default)]
    pub signoffs: Option<String>,
    /// Extra item → check mapping rules (tried before the built-in table).
    #[serde(default)]
    pub mapping: Vec<ChecklistMappingRule>,
}

/// One mapping rule: when an item's folded text (lowercase, accents removed) matches one of
/// `any` (and all of `all`, and none of `unless`), the item is about `checks`. An empty `checks`
/// list marks matching items as manual (no automated counterpart).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistMappingRule {
    #[serde(default)]
    pub checks: Vec<String>,
    pub any: Vec<String>,
    #[serde(default)]
    pub all: Vec<String>,
    #[serde(default)]
    pub unless: Vec<String>,
}
