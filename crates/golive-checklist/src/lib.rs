//! # golive-checklist
//!
//! Imports the Markdown checklists teams already keep — damaged encodings included — and turns
//! each item into either an automated check with evidence or a manual item a named person signs
//! off.
//!
//! - [`repair`]: text repair before parsing (Mac Roman / Windows-1252 mojibake, `\n` escapes,
//!   BOM, CRLF, stray quotes), applied only where it provably reduces damage;
//! - [`parse`]: task items, status-marked headings, fenced ```markdown blocks, sections and
//!   severities, with line numbers;
//! - [`mapping`] + [`params`]: items → catalog check ids (a data table, French and English,
//!   extendable from golive.toml) and the thresholds the text states;
//! - [`signoff`]: `.golive/signoffs.toml` (who, when, note, evidence, expiry, revocations);
//! - [`evaluate`]: item statuses from findings and sign-offs, and the findings `golive check`
//!   adds (manual items as dynamic checks `checklist.<item-id>`);
//! - [`export`]: the checklist back, boxes ticked only from evidence.
//!
//! ```
//! use golive_checklist::{import_text, mapping::Mapper};
//! let mapper = Mapper::builtin().unwrap();
//! let cl = import_text("checklist.md", "## Sécurité\n- [ ] Pas de secrets hardcodés\n- [ ] War room prête\n", &mapper).unwrap();
//! assert_eq!(cl.items.len(), 2);
//! assert_eq!(cl.items[0].mapped, ["secrets.hardcoded"]);
//! assert!(cl.items[1].mapped.is_empty()); // manual
//! ```

pub mod evaluate;
pub mod export;
pub mod mapping;
pub mod params;
pub mod parse;
pub mod repair;
pub mod signoff;
pub mod text;

use golive_core::Severity;
use mapping::Mapper;
use params::Param;
use parse::{ItemKind, ItemState};
use repair::Repairs;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Default place of the imported checklist, relative to the project directory.
pub const DEFAULT_FILE: &str = ".golive/checklist.toml";
/// Default place of the sign-offs, relative to the project directory.
pub const DEFAULT_SIGNOFFS: &str = ".golive/signoffs.toml";
/// Largest checklist file accepted (a checklist is text written by people).
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// What went wrong, where, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ChecklistError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Input { path: String, message: String },
    #[error("{origin}: {message}")]
    Mapping { origin: String, message: String },
    #[error(
        "{path}: not a checklist golive can read ({message}); re-run `golive checklist import FILE`"
    )]
    Store { path: String, message: String },
    #[error("no checklist item `{id}`{suggestion}")]
    UnknownItem { id: String, suggestion: String },
    #[error("{0}")]
    Usage(String),
}

/// One imported document: its path as given and its repaired text (kept so that export can
/// write the checklist back in its original structure). The text is stored beside the checklist
/// file, in `<checklist file stem>.d/<n>.md` (plain Markdown: fast to write and to diff), not in
/// the TOML itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub path: String,
    #[serde(skip)]
    pub text: String,
    #[serde(default)]
    pub repairs: Repairs,
}

/// One checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Stable id (see [`text::item_id`]); its dynamic check is `checklist.<id>`.
    pub id: String,
    pub section: Vec<String>,
    pub text: String,
    pub state: ItemState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// 1-based line in the repaired document.
    pub line: u32,
    /// Catalog check ids the item is about (empty = manual).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mapped: Vec<String>,
    /// Thresholds stated in the text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, Param>,
    pub kind: ItemKind,
    /// Index of the document in [`Checklist::documents`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub document: usize,
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub depth: u32,
    /// The enclosing item, for nested task items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn is_zero_u32(n: &u32) -> bool {
    *n == 0
}

impl Item {
    /// The id of the dynamic check of a manual item.
    pub fn check_id(&self) -> String {
        format!("checklist.{}", self.id)
    }
    /// Whether no automated check covers it.
    pub fn is_manual(&self) -> bool {
        self.mapped.is_empty()
    }
    /// `Section › Sub-section`.
    pub fn section_path(&self) -> String {
        self.section.join(" › ")
    }
}

/// An imported checklist: what `.golive/checklist.toml` holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checklist {
    /// Format version of the file.
    pub version: u32,
    pub items: Vec<Item>,
    pub repairs: Repairs,
    #[serde(default)]
    pub warnings: Vec<String>,
    pub documents: Vec<Document>,
}

impl Checklist {
    pub fn item(&self, id: &str) -> Option<&Item> {
        let id = id.strip_prefix("checklist.").unwrap_or(id);
        self.items.iter().find(|i| i.id == id)
    }

    /// The item an id designates, as git resolves short hashes: the exact id, else the one item
    /// whose id starts with it. Two or more items sharing the prefix is an error that lists them;
    /// no match is [`Checklist::unknown`] with suggestions.
    pub fn resolve(&self, id: &str) -> Result<&Item, ChecklistError> {
        if let Some(i) = self.item(id) {
            return Ok(i);
        }
        let bare = id.strip_prefix("checklist.").unwrap_or(id).trim();
        if bare.is_empty() {
            return Err(self.unknown(id));
        }
        let matching: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| i.id.starts_with(bare))
            .collect();
        match matching.as_slice() {
            [one] => Ok(one),
            [] => Err(self.unknown(id)),
            many => {
                let mut ids: Vec<String> =
                    many.iter().take(8).map(|i| format!("`{}`", i.id)).collect();
                if many.len() > 8 {
                    ids.push(format!("… {} more", many.len() - 8));
                }
                Err(ChecklistError::Usage(format!(
                    "item id `{bare}` is ambiguous: {} items start with it ({}); give more of the id",
                    many.len(),
                    ids.join(", ")
                )))
            }
        }
    }

    /// The closest ids to a mistyped one (edit distance on the id and on its text slug).
    pub fn suggest(&self, id: &str) -> Vec<String> {
        let id = id.strip_prefix("checklist.").unwrap_or(id);
        let mut scored: Vec<(f64, &str)> = self
            .items
            .iter()
            .map(|i| {
                let slug = i.id.rsplit_once('-').map_or(i.id.as_str(), |(s, _)| s);
                let a = strsim::normalized_levenshtein(id, &i.id);
                let b = strsim::normalized_levenshtein(id, slug);
                let c = if i.id.contains(id) || slug.contains(id) {
                    0.9
                } else {
                    0.0
                };
                (a.max(b).max(c), i.id.as_str())
            })
            .filter(|(s, _)| *s >= 0.4)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(3)
            .map(|(_, s)| s.to_string())
            .collect()
    }

    /// The error for an unknown id, with suggestions.
    pub fn unknown(&self, id: &str) -> ChecklistError {
        let s = self.suggest(id);
        ChecklistError::UnknownItem {
            id: id.to_string(),
            suggestion: if s.is_empty() {
                " (`golive checklist status` lists the ids)".into()
            } else {
                format!(
                    " (did you mean {}?)",
                    s.iter()
                        .map(|x| format!("`{x}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        }
    }

    /// Where the repaired text of document `i` is stored, beside the checklist file.
    pub fn document_path(path: &Path, i: usize) -> std::path::PathBuf {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "checklist".into());
        path.with_file_name(format!("{stem}.d"))
            .join(format!("{i}.md"))
    }

    /// Reads `.golive/checklist.toml` and the documents beside it.
    pub fn load(path: &Path) -> Result<Checklist, ChecklistError> {
        let text = std::fs::read_to_string(path).map_err(|e| ChecklistError::Read {
            path: path.display().to_string(),
            source: e,
        })?;
        let mut cl: Checklist = toml::from_str(&text).map_err(|e| ChecklistError::Store {
            path: path.display().to_string(),
            message: e.message().trim().to_string(),
        })?;
        for (i, d) in cl.documents.iter_mut().enumerate() {
            let p = Checklist::document_path(path, i);
            d.text = std::fs::read_to_string(&p).map_err(|e| ChecklistError::Store {
                path: p.display().to_string(),
                message: format!(
                    "the imported text of {} is missing or unreadable ({e})",
                    d.path
                ),
            })?;
        }
        Ok(cl)
    }

    /// Writes `.golive/checklist.toml` (creating `.golive/`).
    pub fn save(&self, path: &Path) -> Result<(), ChecklistError> {
        let w = |e: std::io::Error| ChecklistError::Write {
            path: path.display().to_string(),
            source: e,
        };
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(w)?;
        }
        let body = toml::to_string(self).map_err(|e| ChecklistError::Store {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let docs = Checklist::document_path(path, 0);
        if let Some(dir) = docs.parent() {
            if dir.is_dir() {
                std::fs::remove_dir_all(dir).map_err(|e| ChecklistError::Write {
                    path: dir.display().to_string(),
                    source: e,
                })?;
            }
            std::fs::create_dir_all(dir).map_err(|e| ChecklistError::Write {
                path: dir.display().to_string(),
                source: e,
            })?;
        }
        for (i, d) in self.documents.iter().enumerate() {
            let p = Checklist::document_path(path, i);
            std::fs::write(&p, &d.text).map_err(|e| ChecklistError::Write {
                path: p.display().to_string(),
                source: e,
            })?;
        }
        let text = format!(
            "# Imported by `golive checklist import`; re-import to refresh. The repaired documents are in {}/. Sign-offs live in signoffs.toml.\n{body}",
            docs.parent()
                .and_then(|d| d.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        std::fs::write(path, text).map_err(w)
    }

    /// The JSON of `golive checklist import --format json` (shape documented in docs/checklist.md).
    pub fn to_json(&self) -> serde_json::Value {
        let items: Vec<serde_json::Value> = self
            .items
            .iter()
            .map(|i| {
                let params: serde_json::Map<String, serde_json::Value> = i
                    .params
                    .iter()
                    .map(|(k, p)| {
                        (
                            k.clone(),
                            serde_json::json!({"op": p.op, "value": p.value, "unit": p.unit, "text": p.to_string()}),
                        )
                    })
                    .collect();
                serde_json::json!({
                    "id": i.id,
                    "section": i.section,
                    "text": i.text,
                    "state": i.state.as_str(),
                    "severity": i.severity.map(|s| s.as_str()),
                    "line": i.line,
                    "file": self.documents.get(i.document).map(|d| d.path.clone()),
                    "kind": match i.kind { ItemKind::Task => "task", ItemKind::Heading => "heading" },
                    "parent": i.parent,
                    "mapped": i.mapped,
                    "params": params,
                    "description": i.description,
                })
            })
            .collect();
        let mut repairs = serde_json::Map::new();
        for (k, v) in self.repairs.as_map() {
            repairs.insert(k.to_string(), v.into());
        }
        serde_json::json!({
            "items": items,
            "repairs": repairs,
            "warnings": self.warnings,
        })
    }
}

/// Reads and imports checklist files.
pub fn import_files(paths: &[&Path], mapper: &Mapper) -> Result<Checklist, ChecklistError> {
    let mut docs = Vec::new();
    for p in paths {
        let shown = p.display().to_string();
        let meta = std::fs::metadata(p).map_err(|e| ChecklistError::Read {
            path: shown.clone(),
            source: e,
        })?;
        if meta.is_dir() {
            return Err(ChecklistError::Input {
                path: shown,
                message: "is a directory; give the Markdown checklist file itself".into(),
            });
        }
        if meta.len() > MAX_FILE_SIZE {
            return Err(ChecklistError::Input {
                path: shown,
                message: format!(
                    "{} bytes is more than the {} MiB a checklist may have; split it",
                    meta.len(),
                    MAX_FILE_SIZE >> 20
                ),
            });
        }
        let bytes = std::fs::read(p).map_err(|e| ChecklistError::Read {
            path: shown.clone(),
            source: e,
        })?;
        docs.push((shown, bytes));
    }
    let refs: Vec<(&str, &[u8])> = docs
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    import_bytes(&refs, mapper)
}

/// Imports one document given as text.
pub fn import_text(path: &str, text: &str, mapper: &Mapper) -> Result<Checklist, ChecklistError> {
    import_bytes(&[(path, text.as_bytes())], mapper)
}

fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let ctrl = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    ctrl * 10 > head.len().max(1)
}

/// Imports documents given as raw bytes: repair, parse, id, map.
pub fn import_bytes(docs: &[(&str, &[u8])], mapper: &Mapper) -> Result<Checklist, ChecklistError> {
    let mut cl = Checklist {
        version: 1,
        ..Default::default()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (di, (path, bytes)) in docs.iter().enumerate() {
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ChecklistError::Input {
                path: path.to_string(),
                message: "the file is empty; give a Markdown checklist with `- [ ]` items or `#### ✅`/`❌` headings".into(),
            });
        }
        if looks_binary(bytes) {
            return Err(ChecklistError::Input {
                path: path.to_string(),
                message:
                    "this looks like a binary file (NUL or control bytes), not a Markdown checklist"
                        .into(),
            });
        }
        let (text, rep) = repair::repair_bytes(bytes);
        let parsed = parse::parse(&text);
        if parsed.items.is_empty() {
            return Err(ChecklistError::Input {
                path: path.to_string(),
                message: "no checklist items found: golive reads `- [ ]`/`- [x]` task items (also `*`, `+`, `1.`), headings starting with ✅ ❌ ⚠️ or [x], and items inside ```markdown fences".into(),
            });
        }
        if rep.invalid_utf8 > 0 {
            cl.warnings.push(format!(
                "{path}: {} bytes are not UTF-8 and were replaced by U+FFFD",
                rep.invalid_utf8
            ));
        }
        for n in &parsed.notes {
            cl.warnings.push(format!("{path}: {n}"));
        }
        let mut local_ids: Vec<String> = Vec::with_capacity(parsed.items.len());
        let mut last_section: Option<(&Vec<String>, String)> = None;
        for p in &parsed.items {
            let skey = match &last_section {
                Some((s, k)) if *s == &p.section => k.clone(),
                _ => {
                    let k = text::section_key(&p.section);
                    last_section = Some((&p.section, k.clone()));
                    k
                }
            };
            let base = text::item_id_in(&skey, &p.text);
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let id = if *n == 1 {
                base
            } else {
                format!("{base}-{}", *n)
            };
            if repair::looks_damaged(&p.text) {
                cl.warnings.push(format!(
                    "{path}:{}: the text still looks damaged after repair: {}",
                    p.line, p.text
                ));
            }
            local_ids.push(id.clone());
            cl.items.push(Item {
                id,
                section: p.section.clone(),
                text: p.text.clone(),
                state: p.state,
                severity: p.severity,
                line: p.line,
                mapped: mapper.map(&p.text),
                params: params::extract(&p.text),
                kind: p.kind,
                document: di,
                depth: p.depth,
                parent: p.parent.and_then(|i| local_ids.get(i).cloned()),
                description: p.description.clone(),
                fields: p.fields.clone(),
            });
        }
        cl.repairs.add(&rep);
        cl.documents.push(Document {
            path: path.to_string(),
            text,
            repairs: rep,
        });
    }
    Ok(cl)
}
