//! The repository as the domains see it: every file the walk met, the detected stacks, the policy.

use crate::paths;
use golive_core::Stack;
use std::path::PathBuf;

/// A file the walk met. `path` is relative to the root, `/`-separated (lossy for non-UTF-8 names).
///
/// The path classification (test, doc, vendored, lower-case name) is computed once, by
/// [`FileMeta::new`]: every domain asks for it, for every file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMeta {
    pub path: String,
    pub size: u64,
    /// Set when the file was not read (binary, too large, unreadable); domains still see that it
    /// exists.
    pub skipped: Option<String>,
    lower_name: Box<str>,
    class: u8,
}

const TEST: u8 = 1;
const DOC: u8 = 2;
const VENDORED: u8 = 4;

impl FileMeta {
    /// A file at `path` (relative, `/`-separated) of `size` bytes.
    pub fn new(path: String, size: u64) -> FileMeta {
        let class = (paths::is_test_path(&path) as u8 * TEST)
            | (paths::is_doc_path(&path) as u8 * DOC)
            | (paths::is_vendored(&path) as u8 * VENDORED);
        FileMeta {
            lower_name: paths::file_name(&path).to_ascii_lowercase().into(),
            path,
            size,
            skipped: None,
            class,
        }
    }
    pub fn name(&self) -> &str {
        paths::file_name(&self.path)
    }
    pub fn ext(&self) -> Option<&str> {
        paths::extension(&self.path)
    }
    /// Lower-case file name.
    pub fn lower_name(&self) -> &str {
        &self.lower_name
    }
    pub fn is_test(&self) -> bool {
        self.class & TEST != 0
    }
    pub fn is_doc(&self) -> bool {
        self.class & DOC != 0
    }
    pub fn is_vendored(&self) -> bool {
        self.class & VENDORED != 0
    }
}

/// A file being visited: its metadata and its text (lossily decoded when not UTF-8).
#[derive(Debug)]
pub struct SourceFile<'a> {
    pub meta: &'a FileMeta,
    pub text: &'a str,
    /// True when the bytes were not valid UTF-8 and were decoded lossily.
    pub lossy: bool,
}

impl SourceFile<'_> {
    pub fn path(&self) -> &str {
        &self.meta.path
    }
    /// 1-based (line, column) of a byte offset in `text`; the column counts characters.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        line_col(self.text, offset)
    }
    /// The line containing `offset`, trimmed, at most 200 characters.
    pub fn line_at(&self, offset: usize) -> &str {
        line_at(self.text, offset)
    }
}

/// 1-based (line, column) of a byte offset; the column counts characters.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = text[line_start..offset].chars().count() + 1;
    (line as u32, col as u32)
}

/// The line containing `offset`, trimmed, at most 200 characters.
pub fn line_at(text: &str, offset: usize) -> &str {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    let line = text[start..end].trim();
    match line.char_indices().nth(200) {
        Some((i, _)) => &line[..i],
        None => line,
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Everything known after the walk.
#[derive(Debug, Clone)]
pub struct Repo {
    pub root: PathBuf,
    /// Every file met, sorted by path.
    pub files: Vec<FileMeta>,
    pub stacks: Vec<Stack>,
    pub coverage_min: f64,
}

impl Repo {
    pub fn new(
        root: PathBuf,
        mut files: Vec<FileMeta>,
        stacks: Vec<Stack>,
        coverage_min: f64,
    ) -> Self {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Repo {
            root,
            files,
            stacks,
            coverage_min,
        }
    }

    /// Whether a stack of this language (`node`, `python`, `rust`, `go`) was detected.
    pub fn has_language(&self, lang: &str) -> bool {
        self.stacks.iter().any(|s| s.language == lang)
    }

    /// Whether a framework (`django`, `fastapi`, `express`, `axum`, …) was detected.
    pub fn has_framework(&self, fw: &str) -> bool {
        self.stacks
            .iter()
            .any(|s| s.frameworks.iter().any(|f| f == fw))
    }

    /// Files (not vendored) whose lower-case name is `name`.
    pub fn files_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a FileMeta> + 'a {
        self.files
            .iter()
            .filter(move |f| !f.is_vendored() && f.lower_name() == name)
    }

    /// Whether a file exists at this exact relative path.
    pub fn exists(&self, path: &str) -> bool {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .is_ok()
    }

    /// Files (not vendored) under a directory prefix (`.github/workflows/`).
    pub fn files_under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a FileMeta> + 'a {
        self.files
            .iter()
            .filter(move |f| f.path.starts_with(prefix) && !f.is_vendored())
    }

    /// Reads a (small) file again; `None` when unreadable or not a regular file (a FIFO is never
    /// opened). Domains should prefer keeping what they learnt in `visit`; this is for
    /// occasional lookups in `finish`.
    pub fn read(&self, path: &str) -> Option<String> {
        let bytes = crate::fsread::read_regular(&self.root.join(path), 16 * 1024 * 1024).ok()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let t = "ab\ncdé\nfg";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 7), (2, 4)); // after the 2-byte é
        assert_eq!(line_at(t, 4), "cdé");
        assert_eq!(line_col(t, 6), (2, 3)); // inside é → floor to its start
    }
}
