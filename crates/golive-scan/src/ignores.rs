//! `.gitignore`, `.ignore`, `.goliveignore` and `.git/info/exclude`, read by the scan itself.
//!
//! The `ignore` crate opens every ignore file it finds with a plain blocking `open`: a FIFO named
//! `.gitignore` hangs the walk for ever. So its own ignore-file handling is switched off and the
//! same rules are applied here, in the walk's entry filter, with files opened only when they are
//! regular ([`crate::fsread`]). A non-regular ignore file is not read and is reported as skipped.
//!
//! The semantics are those of `ignore::WalkBuilder` as the scan configured it (`require_git`
//! off, parent directories on, no global gitignore): overrides (`[scan] include/exclude`) decide
//! first; otherwise, for each kind of ignore file, the rules of the deepest directory that has a
//! match win, and the kinds rank `.goliveignore` > `.ignore` > `.gitignore` > `info/exclude`. The
//! ignore files of the directories above the root apply too.

use crate::fsread;
use golive_core::Skipped;
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::Override;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// Ignore files larger than this are not read (a real one is a few kilobytes).
const MAX_IGNORE_FILE: u64 = 4 * 1024 * 1024;

/// The ignore rules of one directory, by kind, highest precedence first.
#[derive(Default)]
struct DirRules {
    kinds: [Option<Gitignore>; 4],
}

/// The rules of every directory met, built on first use.
pub struct Ignores {
    root: PathBuf,
    /// Canonical root, and the rules of its ancestors (nearest first).
    abs_root: Option<PathBuf>,
    parents: Vec<Arc<DirRules>>,
    overrides: Override,
    respect: bool,
    cache: RwLock<HashMap<PathBuf, Arc<DirRules>>>,
    skipped: Mutex<Vec<Skipped>>,
}

impl Ignores {
    pub fn new(root: &Path, overrides: Override, respect: bool) -> Ignores {
        let mut me = Ignores {
            root: root.to_path_buf(),
            abs_root: None,
            parents: Vec::new(),
            overrides,
            respect,
            cache: RwLock::new(HashMap::new()),
            skipped: Mutex::new(Vec::new()),
        };
        if respect && let Ok(abs) = std::fs::canonicalize(root) {
            let mut dir = abs.parent();
            while let Some(d) = dir {
                me.parents.push(Arc::new(me.build(d)));
                dir = d.parent();
            }
            me.abs_root = Some(abs);
        }
        me
    }

    /// Ignore files that could not be read, as skipped entries.
    pub fn take_skipped(&self) -> Vec<Skipped> {
        let mut v = self
            .skipped
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default();
        // Two threads may build the rules of one directory at once: one report each.
        v.sort_by(|a, b| (&a.path, &a.reason).cmp(&(&b.path, &b.reason)));
        v.dedup_by(|a, b| a.path == b.path && a.reason == b.reason);
        v
    }

    fn note(&self, path: &Path, reason: String) {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        let rel = rel
            .to_string_lossy()
            .replace(std::path::MAIN_SEPARATOR, "/");
        if let Ok(mut s) = self.skipped.lock() {
            s.push(Skipped { path: rel, reason });
        }
    }

    /// Builds a matcher from one ignore file of `dir` (`None` when absent or empty).
    fn load(&self, dir: &Path, file: &Path) -> Option<Gitignore> {
        // Absent: the common case, a single stat.
        std::fs::metadata(file).ok()?;
        let bytes = match fsread::read_regular(file, MAX_IGNORE_FILE) {
            Ok(b) => b,
            Err(e) => {
                self.note(file, format!("ignore file not read: {e}"));
                return None;
            }
        };
        let text = String::from_utf8_lossy(&bytes);
        let mut b = GitignoreBuilder::new(dir);
        for (i, line) in text.lines().enumerate() {
            let line = if i == 0 {
                line.trim_start_matches('\u{feff}')
            } else {
                line
            };
            if let Err(e) = b.add_line(Some(file.to_path_buf()), line) {
                self.note(file, format!("not walked: line {}: {e}", i + 1));
            }
        }
        match b.build() {
            Ok(g) if !g.is_empty() => Some(g),
            Ok(_) => None,
            Err(e) => {
                self.note(file, format!("not walked: {e}"));
                None
            }
        }
    }

    /// `info/exclude` of the git directory of `dir`, if `dir` holds a `.git` (a directory, or a
    /// worktree's `.git` file naming its git directory).
    fn exclude_file(&self, dir: &Path) -> Option<PathBuf> {
        let dot_git = dir.join(".git");
        let md = std::fs::metadata(&dot_git).ok()?;
        if md.is_dir() {
            return Some(dot_git.join("info/exclude"));
        }
        if !md.is_file() {
            return None;
        }
        let first = |p: &Path| -> Option<String> {
            let b = fsread::read_regular(p, 64 * 1024).ok()?;
            Some(String::from_utf8_lossy(&b).lines().next()?.to_string())
        };
        let git_dir = PathBuf::from(first(&dot_git)?.strip_prefix("gitdir: ")?);
        let common = first(&git_dir.join("commondir"))?;
        Some(if common.starts_with('.') {
            git_dir.join(common)
        } else {
            PathBuf::from(common)
        })
        .map(|c| c.join("info/exclude"))
    }

    fn build(&self, dir: &Path) -> DirRules {
        let mut r = DirRules::default();
        r.kinds[0] = self.load(dir, &dir.join(".goliveignore"));
        r.kinds[1] = self.load(dir, &dir.join(".ignore"));
        r.kinds[2] = self.load(dir, &dir.join(".gitignore"));
        if let Some(ex) = self.exclude_file(dir) {
            r.kinds[3] = self.load(dir, &ex);
        }
        r
    }

    fn rules(&self, dir: &Path) -> Arc<DirRules> {
        if let Ok(c) = self.cache.read()
            && let Some(r) = c.get(dir)
        {
            return r.clone();
        }
        // Built outside the lock (file reads); a race builds twice, harmlessly.
        let r = Arc::new(self.build(dir));
        if let Ok(mut c) = self.cache.write() {
            return c.entry(dir.to_path_buf()).or_insert(r).clone();
        }
        r
    }

    /// Whether the walk should leave out `path` (a path under the root, as the walk gives it).
    pub fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        if !self.overrides.is_empty() {
            let p = path.strip_prefix("./").unwrap_or(path);
            match self.overrides.matched(p, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        if !self.respect {
            return false;
        }
        let mut found: [Option<bool>; 4] = [None; 4];
        let mut record = |rules: &DirRules, p: &Path| {
            for (k, m) in rules.kinds.iter().enumerate() {
                if found[k].is_some() {
                    continue;
                }
                if let Some(g) = m {
                    match g.matched(p, is_dir) {
                        Match::Ignore(_) => found[k] = Some(true),
                        Match::Whitelist(_) => found[k] = Some(false),
                        Match::None => {}
                    }
                }
            }
        };
        let mut dir = path.parent();
        while let Some(d) = dir {
            if !d.starts_with(&self.root) {
                break;
            }
            record(&self.rules(d), path);
            if d == self.root {
                break;
            }
            dir = d.parent();
        }
        if let Some(abs_root) = &self.abs_root
            && !self.parents.is_empty()
        {
            let rel = path.strip_prefix(&self.root).unwrap_or(path);
            let abs = abs_root.join(rel);
            for p in &self.parents {
                record(p, &abs);
            }
        }
        found.iter().flatten().next().copied().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ignore::WalkBuilder;
    use std::collections::BTreeSet;

    /// The files the `ignore` crate's own ignore handling walks (as the scan configured it
    /// before reading ignore files itself).
    fn reference(root: &Path) -> BTreeSet<PathBuf> {
        WalkBuilder::new(root)
            .hidden(false)
            .follow_links(false)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .ignore(true)
            .require_git(false)
            .add_custom_ignore_filename(".goliveignore")
            .filter_entry(|e| e.file_name() != ".git")
            .build()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.into_path())
            .collect()
    }

    fn ours(root: &Path) -> BTreeSet<PathBuf> {
        let ig = Arc::new(Ignores::new(
            root,
            ignore::overrides::OverrideBuilder::new(root)
                .build()
                .unwrap(),
            true,
        ));
        let f = ig.clone();
        WalkBuilder::new(root)
            .hidden(false)
            .follow_links(false)
            .parents(false)
            .git_ignore(false)
            .git_exclude(false)
            .git_global(false)
            .ignore(false)
            .require_git(false)
            .filter_entry(move |e| {
                e.file_name() != ".git"
                    && !f.is_ignored(e.path(), e.file_type().is_some_and(|t| t.is_dir()))
            })
            .build()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.into_path())
            .collect()
    }

    #[test]
    fn same_files_as_the_ignore_crate() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            (
                ".gitignore",
                "*.log\n/build/\ntmp*\n!tmp-keep.txt\n**/gen/*.rs\n",
            ),
            (".ignore", "secret/\n!*.log\n"),
            (".goliveignore", "*.bak\n"),
            ("a.log", ""),
            ("build/x.txt", ""),
            ("src/build/y.txt", ""),
            ("tmp1.txt", ""),
            ("tmp-keep.txt", ""),
            ("src/gen/a.rs", ""),
            ("src/gen/b.txt", ""),
            ("src/.gitignore", "!a.bak\nlocal.txt\n"),
            ("src/a.bak", ""),
            ("src/b.bak", ""),
            ("src/local.txt", ""),
            ("secret/k.txt", ""),
            ("x/.goliveignore", "!*.bak\n/deep/\n"),
            ("x/c.bak", ""),
            ("x/deep/d.txt", ""),
            ("x/y/deep/e.txt", ""),
            ("excluded.txt", ""),
            ("main.rs", ""),
        ];
        for (p, t) in files {
            let p = root.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        }
        std::fs::create_dir_all(root.join(".git/info")).unwrap();
        std::fs::write(root.join(".git/info/exclude"), "excluded.txt\n").unwrap();
        let want = reference(root);
        assert!(!want.contains(&root.join("excluded.txt")));
        assert_eq!(ours(root), want);
        // The repository's own fixtures (nested projects, ignore files above the root).
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
        assert_eq!(ours(&fixtures), reference(&fixtures));
    }
}
