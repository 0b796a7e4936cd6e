//! The parallel walk: one read per file, every interested domain visits it.

use crate::domains::Domain;
use crate::ignores::Ignores;
use crate::repo::{FileMeta, SourceFile};
use crate::suppress::{self, Inline};
use crate::{ScanError, ScanOptions, fsread, stack};
use golive_core::Skipped;
use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many leading bytes are looked at to call a file binary.
const BINARY_SNIFF: usize = 8192;

#[derive(Default)]
pub struct Walked {
    pub files: Vec<FileMeta>,
    pub skipped: Vec<Skipped>,
    pub inline_suppressions: HashMap<String, Vec<Inline>>,
    /// (path, text) of stack manifests.
    pub manifests: Vec<(String, String)>,
    pub files_read: usize,
    pub bytes_read: u64,
}

#[derive(Default)]
struct Local {
    files: Vec<FileMeta>,
    skipped: Vec<Skipped>,
    inline: Vec<(String, Vec<Inline>)>,
    manifests: Vec<(String, String)>,
    read: usize,
}

fn rel_path(root: &Path, p: &Path) -> String {
    let rel = p.strip_prefix(root).unwrap_or(p);
    let s = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

pub fn walk(opts: &ScanOptions, domains: &[Box<dyn Domain>]) -> Result<Walked, ScanError> {
    let root = &opts.root;
    let mut ob = OverrideBuilder::new(root);
    for g in &opts.scan.include {
        ob.add(g).map_err(|e| ScanError::Config {
            path: "golive.toml [scan] include".into(),
            message: format!("bad glob `{g}`: {e}"),
        })?;
    }
    for g in &opts.scan.exclude {
        ob.add(&format!("!{g}")).map_err(|e| ScanError::Config {
            path: "golive.toml [scan] exclude".into(),
            message: format!("bad glob `{g}`: {e}"),
        })?;
    }
    let overrides = ob.build().map_err(|e| ScanError::Config {
        path: "golive.toml [scan]".into(),
        message: e.to_string(),
    })?;

    let respect = !opts.scan.no_ignore;
    // The ignore files are read by `Ignores` (regular files only), not by the `ignore` crate,
    // which opens them blocking: a FIFO named `.gitignore` would hang the walk.
    let ignores = std::sync::Arc::new(Ignores::new(root, overrides.clone(), respect));
    let filter = ignores.clone();
    let mut wb = WalkBuilder::new(root);
    wb.hidden(false)
        .follow_links(false)
        .parents(false)
        .git_ignore(false)
        .git_exclude(false)
        .git_global(false)
        .ignore(false)
        .require_git(false)
        .overrides(overrides)
        .threads(opts.threads)
        // `.golive/` holds golive's own files (the imported checklist, sign-offs, reports): they
        // are never evidence about the project, whatever domain would read them.
        .filter_entry(move |e| {
            let name = e.file_name();
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            name != ".git" && !(name == ".golive" && is_dir) && !filter.is_ignored(e.path(), is_dir)
        });

    let max = opts.scan.max_file_size;
    let shared: Mutex<Vec<Local>> = Mutex::new(Vec::new());
    let bytes = AtomicU64::new(0);

    wb.build_parallel().run(|| {
        struct Flush<'a> {
            local: Local,
            shared: &'a Mutex<Vec<Local>>,
        }
        impl Drop for Flush<'_> {
            fn drop(&mut self) {
                let local = std::mem::take(&mut self.local);
                if let Ok(mut s) = self.shared.lock() {
                    s.push(local);
                }
            }
        }
        let mut flush = Flush {
            local: Local::default(),
            shared: &shared,
        };
        let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
        let bytes = &bytes;
        Box::new(move |entry| {
            let local = &mut flush.local;
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let path = err_path(&err)
                        .map(|p| rel_path(root, p))
                        .unwrap_or_default();
                    local.skipped.push(Skipped {
                        path,
                        reason: format!("not walked: {err}"),
                    });
                    return WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return WalkState::Continue;
            };
            if ft.is_dir() {
                return WalkState::Continue;
            }
            let rel = rel_path(root, entry.path());
            if ft.is_symlink() {
                local.skipped.push(Skipped {
                    path: rel,
                    reason: "symbolic link (not followed)".into(),
                });
                return WalkState::Continue;
            }
            if !ft.is_file() {
                return WalkState::Continue;
            }
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            let mut meta = FileMeta::new(rel, size);
            if size > max {
                let reason = format!("larger than the {max}-byte limit ({size} bytes)");
                local.skipped.push(Skipped {
                    path: meta.path.clone(),
                    reason: reason.clone(),
                });
                meta.skipped = Some(reason);
                local.files.push(meta);
                return WalkState::Continue;
            }
            let read = fsread::read_regular_into(entry.path(), max + 1, &mut buf);
            if let Err(e) = read {
                let reason = format!("unreadable: {e}");
                local.skipped.push(Skipped {
                    path: meta.path.clone(),
                    reason: reason.clone(),
                });
                meta.skipped = Some(reason);
                local.files.push(meta);
                return WalkState::Continue;
            }
            meta.size = buf.len() as u64;
            bytes.fetch_add(buf.len() as u64, Ordering::Relaxed);
            let sniff = &buf[..buf.len().min(BINARY_SNIFF)];
            if sniff.contains(&0) {
                // UTF-16 text (a Windows-saved .env or config) is full of NULs but is text:
                // said so, because what it holds was not read.
                let reason = if looks_utf16(sniff) {
                    "binary file (UTF-16 text, not decoded)".to_string()
                } else {
                    "binary file".to_string()
                };
                local.skipped.push(Skipped {
                    path: meta.path.clone(),
                    reason: reason.clone(),
                });
                meta.skipped = Some(reason);
                local.files.push(meta);
                return WalkState::Continue;
            }
            local.read += 1;
            let (text, lossy) = match std::str::from_utf8(&buf) {
                Ok(t) => (std::borrow::Cow::Borrowed(t), false),
                Err(_) => (String::from_utf8_lossy(&buf), true),
            };
            let file = SourceFile {
                meta: &meta,
                text: &text,
                lossy,
            };
            for d in domains {
                if d.wants(&meta) {
                    d.visit(&file);
                }
            }
            let inline = suppress::find(&text);
            if !inline.is_empty() {
                local.inline.push((meta.path.clone(), inline));
            }
            if stack::is_manifest(&meta) {
                local.manifests.push((meta.path.clone(), text.to_string()));
            }
            local.files.push(meta);
            WalkState::Continue
        })
    });

    let mut out = Walked {
        bytes_read: bytes.load(Ordering::Relaxed),
        ..Default::default()
    };
    for l in shared.into_inner().unwrap_or_else(|e| e.into_inner()) {
        out.files.extend(l.files);
        out.skipped.extend(l.skipped);
        out.manifests.extend(l.manifests);
        out.files_read += l.read;
        for (p, s) in l.inline {
            out.inline_suppressions.entry(p).or_default().extend(s);
        }
    }
    out.skipped.extend(ignores.take_skipped());
    out.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    out.manifests.sort();
    Ok(out)
}

/// Whether bytes that contain NULs are UTF-16 text: a byte-order mark, or mostly ASCII code
/// units (every other byte NUL) in the sample.
pub(crate) fn looks_utf16(sniff: &[u8]) -> bool {
    if sniff.starts_with(&[0xff, 0xfe]) || sniff.starts_with(&[0xfe, 0xff]) {
        return true;
    }
    let pairs = sniff.len() / 2;
    if pairs < 4 {
        return false;
    }
    let ascii_unit = |hi: u8, lo: u8| {
        hi == 0 && (lo == b'\n' || lo == b'\r' || lo == b'\t' || (0x20..0x7f).contains(&lo))
    };
    let le = sniff
        .chunks_exact(2)
        .filter(|c| ascii_unit(c[1], c[0]))
        .count();
    let be = sniff
        .chunks_exact(2)
        .filter(|c| ascii_unit(c[0], c[1]))
        .count();
    le.max(be) * 10 >= pairs * 9
}

fn err_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}
