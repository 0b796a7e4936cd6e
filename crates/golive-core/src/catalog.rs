//! The check catalog. It is data: every `catalog/*.toml` file of this crate is embedded at build
//! time (one file per collector domain), parsed once, and validated by tests (unique ids, dotted
//! slugs, non-empty rationale and remediation).

use crate::model::{Category, Severity, Stage};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/catalog_files.rs"));

/// Which collector produces findings for a check.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Collector {
    Scan,
    Probe,
    Load,
    Smoke,
    Checklist,
}

impl Collector {
    pub fn as_str(self) -> &'static str {
        match self {
            Collector::Scan => "scan",
            Collector::Probe => "probe",
            Collector::Load => "load",
            Collector::Smoke => "smoke",
            Collector::Checklist => "checklist",
        }
    }
}

/// A check: what is verified, why, and how to fix it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Stable dotted slug: `docker.non-root-user`.
    pub id: String,
    /// One line: what it checks.
    pub title: String,
    pub category: Category,
    pub severity: Severity,
    /// The stage it is required for.
    pub stage: Stage,
    pub collector: Collector,
    /// Why it matters.
    pub rationale: String,
    /// How to fix it.
    pub remediation: String,
    /// Further reading (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Words the checklist importer may match against (optional, the mapping table lives in the
    /// checklist crate; this is only a hint shown by `golive explain`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    #[serde(default)]
    check: Vec<Check>,
}

/// Error in the embedded catalog (a build-time mistake, caught by the catalog tests).
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog/{file}: {message}")]
    Parse { file: String, message: String },
    #[error("catalog: duplicate check id `{id}` (in {first} and {second})")]
    Duplicate {
        id: String,
        first: String,
        second: String,
    },
    #[error(
        "catalog/{file}: check id `{id}` is not a dotted lowercase slug like `docker.non-root-user`"
    )]
    BadId { file: String, id: String },
}

/// All checks, by id.
#[derive(Debug, Clone)]
pub struct Catalog {
    checks: BTreeMap<String, Check>,
}

fn valid_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('.').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        })
}

impl Catalog {
    /// Parses catalog files given as (name, contents).
    pub fn parse(files: &[(&str, &str)]) -> Result<Catalog, CatalogError> {
        let mut checks = BTreeMap::new();
        let mut origin: BTreeMap<String, String> = BTreeMap::new();
        for (name, text) in files {
            let parsed: CatalogFile = toml::from_str(text).map_err(|e| CatalogError::Parse {
                file: name.to_string(),
                message: e.to_string(),
            })?;
            for c in parsed.check {
                if !valid_id(&c.id) {
                    return Err(CatalogError::BadId {
                        file: name.to_string(),
                        id: c.id,
                    });
                }
                if let Some(first) = origin.get(&c.id) {
                    return Err(CatalogError::Duplicate {
                        id: c.id.clone(),
                        first: first.clone(),
                        second: name.to_string(),
                    });
                }
                origin.insert(c.id.clone(), name.to_string());
                checks.insert(c.id.clone(), c);
            }
        }
        Ok(Catalog { checks })
    }

    /// The built-in catalog (parsed once).
    pub fn builtin() -> &'static Catalog {
        static CAT: OnceLock<Catalog> = OnceLock::new();
        CAT.get_or_init(|| {
            Catalog::parse(CATALOG_FILES).unwrap_or_else(|e| {
                // The catalog is compiled in and validated by tests: reaching this is a build bug.
                panic!("built-in catalog is invalid: {e}")
            })
        })
    }

    pub fn get(&self, id: &str) -> Option<&Check> {
        self.checks.get(id)
    }

    /// A check by id; panics on an unknown id. For collectors naming their own checks, whose ids
    /// are verified by each collector's tests.
    pub fn check(&self, id: &str) -> &Check {
        self.checks
            .get(id)
            .unwrap_or_else(|| panic!("check `{id}` is not in the catalog"))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Check> {
        self.checks.values()
    }

    pub fn len(&self) -> usize {
        self.checks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.checks.is_empty()
    }

    /// Ids closest to `id` (for "did you mean" messages), best first.
    pub fn suggest(&self, id: &str) -> Vec<String> {
        let mut scored: Vec<(usize, &String)> = self
            .checks
            .keys()
            .map(|k| (edit_distance(k, id), k))
            .filter(|(d, k)| *d <= (id.len().max(k.len()) / 2).max(3) || k.contains(id))
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, k)| k.clone()).collect()
    }
}

/// Levenshtein distance (small strings only: ids and item ids).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalog_is_valid() {
        let cat = Catalog::parse(CATALOG_FILES).expect("catalog parses");
        assert!(!cat.is_empty());
        for c in cat.iter() {
            assert!(!c.title.trim().is_empty(), "{}: empty title", c.id);
            assert!(!c.rationale.trim().is_empty(), "{}: empty rationale", c.id);
            assert!(
                !c.remediation.trim().is_empty(),
                "{}: empty remediation",
                c.id
            );
        }
    }

    #[test]
    fn duplicate_and_bad_ids_are_rejected() {
        let one = r#"[[check]]
id = "a.b"
title = "t"
category = "ci"
severity = "low"
stage = "staging"
collector = "scan"
rationale = "r"
remediation = "m"
"#;
        let err = Catalog::parse(&[("x.toml", one), ("y.toml", one)]).unwrap_err();
        assert!(
            err.to_string().contains("duplicate check id `a.b`"),
            "{err}"
        );
        let bad = one.replace("a.b", "NoDots");
        let err = Catalog::parse(&[("x.toml", &bad)]).unwrap_err();
        assert!(err.to_string().contains("not a dotted"), "{err}");
    }

    #[test]
    fn suggestions_find_near_ids() {
        let cat = Catalog::builtin();
        let first = cat.iter().next().unwrap().id.clone();
        let typo = format!("{first}x");
        assert_eq!(cat.suggest(&typo).first(), Some(&first));
    }
}
