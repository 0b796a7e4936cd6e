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
    /// A file golive keeps (the sign-offs) is damaged: it is neither read as empty nor
    /// overwritten.
    #[error(
        "{path}: {message}. The file is damaged; golive neither reads it nor writes over it. Restore it from version control (`git checkout -- {path}`) or a backup, or repair the line by hand, then run the command again"
    )]
    Damaged { path: String, message: String },
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
/// file, in `<checklist file stem>.d/<n>-<hash>.md` (plain Markdown: fast to write and to diff),
/// not in the TOML itself; the name carries a hash of the text so that a new import writes new
/// files and the old ones stay until the new checklist.toml is in place (see [`Checklist::save`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    pub path: String,
    #[serde(skip)]
    pub text: String,
    /// The file name of the stored text in the `.d` directory (files written before this field
    /// existed are `<n>.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<String>,
    #[serde(default)]
    pub repairs: Repairs,
}

/// Two documents are equal when their path, text and repairs are: where the text is stored
/// does not matter.
impl PartialEq for Document {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.text == other.text && self.repairs == other.repairs
    }
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

    /// The directory of the stored document texts: `<checklist file stem>.d`, beside it.
    pub fn documents_dir(path: &Path) -> std::path::PathBuf {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "checklist".into());
        path.with_file_name(format!("{stem}.d"))
    }

    /// Where the repaired text of document `i` is stored, beside the checklist file.
    pub fn document_path(&self, path: &Path, i: usize) -> std::path::PathBuf {
        let dir = Checklist::documents_dir(path);
        match self.documents.get(i).and_then(|d| d.stored.as_deref()) {
            Some(name) => dir.join(name),
            None => dir.join(format!("{i}.md")),
        }
    }

    /// Reads `.golive/checklist.toml` and the documents beside it.
    pub fn load(path: &Path) -> Result<Checklist, ChecklistError> {
        let text = std::fs::read_to_string(path).map_err(|e| ChecklistError::Read {
            path: path.display().to_string(),
            source: e,
        })?;
        if text.is_empty() {
            return Err(ChecklistError::Store {
                path: path.display().to_string(),
                message: "the file is empty (0 bytes)".into(),
            });
        }
        let mut cl: Checklist = toml::from_str(&text).map_err(|e| ChecklistError::Store {
            path: path.display().to_string(),
            message: match e.span() {
                Some(sp) => format!(
                    "line {}: {}",
                    golive_core::config::line_of(&text, sp.start),
                    e.message().trim()
                ),
                None => e.message().trim().to_string(),
            },
        })?;
        for i in 0..cl.documents.len() {
            if let Some(name) = cl.documents[i].stored.as_deref()
                && !is_plain_name(name)
            {
                return Err(ChecklistError::Store {
                    path: path.display().to_string(),
                    message: format!(
                        "document {}: `stored = \"{name}\"` is not a file name inside {}",
                        i + 1,
                        Checklist::documents_dir(path).display()
                    ),
                });
            }
            let p = cl.document_path(path, i);
            let d = &mut cl.documents[i];
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

    /// Writes `.golive/checklist.toml` (creating `.golive/`) and the document texts beside it,
    /// so that a crash at any point leaves either the old import or the new one, whole: the
    /// texts go to new files first (names carry a hash of the text), then checklist.toml is
    /// replaced atomically, and only then are the texts no longer referenced removed. All of
    /// it under the lock of checklist.toml, so two imports do not mix.
    pub fn save(&self, path: &Path) -> Result<(), ChecklistError> {
        let w = |p: &Path| {
            let p = p.display().to_string();
            move |e: std::io::Error| ChecklistError::Write { path: p, source: e }
        };
        let lock = golive_core::fsio::lock(path).map_err(w(&golive_core::fsio::lock_path(path)))?;
        lock.clean_stale_temps();
        let dir = Checklist::documents_dir(path);
        let mut stored = self.clone();
        let mut keep = std::collections::HashSet::new();
        for (i, d) in stored.documents.iter_mut().enumerate() {
            let name = format!("{i}-{:016x}.md", fnv1a(d.text.as_bytes()));
            let p = dir.join(&name);
            let same = std::fs::read(&p).is_ok_and(|b| b == d.text.as_bytes());
            if !same {
                golive_core::fsio::write_atomic(&p, &d.text).map_err(w(&p))?;
            }
            keep.insert(name.clone());
            d.stored = Some(name);
        }
        let body = toml::to_string(&stored).map_err(|e| ChecklistError::Store {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let text = format!(
            "# Imported by `golive checklist import`; re-import to refresh. The repaired documents are in {}/. Sign-offs live in signoffs.toml.\n{body}",
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        golive_core::fsio::write_atomic(path, text).map_err(w(path))?;
        // The new checklist.toml is in place: texts of earlier imports can go (and temporary
        // files a killed import left there).
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let ours = name.ends_with(".md") || name.contains(".golive-tmp-");
                if ours && !keep.contains(&name) && e.path().is_file() {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        drop(lock);
        Ok(())
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

/// A file name with no directory part (`0-1a2b.md`), as `stored` must be.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':'])
        && Path::new(name).components().count() == 1
}

/// FNV-1a, 64 bits: a stable hash of a document's text for its stored file name (not for
/// security: it only tells imports apart).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
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
            stored: None,
        });
    }
    Ok(cl)
}
