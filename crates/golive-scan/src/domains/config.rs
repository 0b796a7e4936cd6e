//! Configuration: committed `.env` files, a documented `.env.example`, environment validated at
//! start-up, Django production settings (DEBUG, ALLOWED_HOSTS, HTTPS and cookie hardening, CSRF
//! middleware) and separate settings per environment.
//!
//! Env file names: `.env`, `.env.<anything>` and `<anything>.env`. Templates (`example`,
//! `sample`, `template`, `dist`, `defaults`, `tpl`, `schema`) are documentation and fine to
//! commit, and so is dotenv-vault's encrypted `.env.vault` (not its `.env.keys`); test files
//! (`test`, `testing`, `ci`) hold throw-away values for the test suite and are fine too; every
//! other one (`.env`, `.env.local`, `.env.production`, `prod.env`, …) is a real environment and
//! must not be committed.
//!
//! "Committed" means tracked by git (`git ls-files`, which also sees a tracked file that a later
//! `.gitignore` hides) or, when git is unavailable or the root is not a git work tree, present in
//! the tree and not git-ignored; the evidence says which of the two was used.

use super::Domain;
use crate::repo::{FileMeta, Repo, SourceFile};
use crate::rx::Literals;
use golive_core::{Catalog, Evidence, Finding, Outcome};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Mutex, OnceLock};

// ───────────────────────────── env files ─────────────────────────────

/// What an env file name says about its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnvKind {
    /// Values of a real environment.
    Real,
    /// A template with placeholders (`.env.example`).
    Template,
    /// Values for the test suite (`.env.test`).
    Test,
}

/// `vault` is dotenv-vault's encrypted file, made to be committed (its `.env.keys` is not).
const TEMPLATE_WORDS: &[&str] = &[
    "example", "sample", "template", "dist", "defaults", "default", "tpl", "schema", "skel",
    "vault",
];
const TEST_WORDS: &[&str] = &["test", "testing", "ci"];

/// Classifies a file name (any case) as an env file.
pub(crate) fn env_kind(name: &str) -> Option<EnvKind> {
    let n = name.to_ascii_lowercase();
    let words: Vec<&str> = if n == ".env" {
        Vec::new()
    } else if let Some(rest) = n.strip_prefix(".env.") {
        rest.split('.').collect()
    } else if let Some(stem) = n.strip_suffix(".env") {
        if stem.is_empty() || stem.contains('/') {
            return None;
        }
        stem.trim_start_matches('.')
            .split(['.', '-', '_'])
            .collect()
    } else {
        return None;
    };
    if words.iter().any(|w| TEMPLATE_WORDS.contains(w)) {
        Some(EnvKind::Template)
    } else if words.iter().any(|w| TEST_WORDS.contains(w)) {
        Some(EnvKind::Test)
    } else {
        Some(EnvKind::Real)
    }
}

/// What git says about the tree, for "committed" checks.
pub(crate) enum GitView {
    /// Paths (relative to the scanned root) tracked by git that match the pathspecs asked for.
    Tracked(BTreeSet<String>),
    /// Why git could not be asked (not installed, not a work tree).
    Unavailable(String),
}

/// How long a git command may take before it is given up (a FIFO or a device where git expects
/// a file would block it for ever).
const GIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The files of `root/.git` that git opens for `rev-parse` and `ls-files`: when one is there but
/// is not a regular file (a FIFO would block git), git is not run.
fn git_dir_unsafe(root: &Path) -> Option<String> {
    let dot_git = root.join(".git");
    let md = std::fs::metadata(&dot_git).ok()?;
    let files: &[&str] = if md.is_dir() {
        &["HEAD", "config", "index", "commondir", "packed-refs"]
    } else {
        &[""]
    };
    for f in files {
        let p = if f.is_empty() {
            dot_git.clone()
        } else {
            dot_git.join(f)
        };
        if let Ok(m) = std::fs::metadata(&p)
            && !m.is_file()
        {
            return Some(format!(
                "{} is not a regular file: git was not run",
                p.strip_prefix(root).unwrap_or(&p).display()
            ));
        }
    }
    None
}

/// Runs `git -C root ARGS`, with its output, giving up after [`GIT_TIMEOUT`].
fn run_git(root: &Path, args: &[&str]) -> Result<std::process::Output, String> {
    use std::io::Read;
    let mut child = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("git could not be run ({e})"))?;
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut buf);
        }
        buf
    });
    let start = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if start.elapsed() < GIT_TIMEOUT => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = reader.join();
                return Err(format!(
                    "`git {}` did not answer within {} s",
                    args.first().copied().unwrap_or(""),
                    GIT_TIMEOUT.as_secs()
                ));
            }
            Err(e) => return Err(format!("git could not be waited for ({e})")),
        }
    };
    let stdout = reader.join().unwrap_or_default();
    Ok(std::process::Output {
        status,
        stdout,
        stderr: Vec::new(),
    })
}

/// `git -C root ls-files -z -- PATHSPECS`, or why it could not be run.
pub(crate) fn git_ls_files(root: &Path, pathspecs: &[&str]) -> GitView {
    if let Some(why) = git_dir_unsafe(root) {
        return GitView::Unavailable(why);
    }
    match run_git(root, &["rev-parse", "--is-inside-work-tree"]) {
        Err(e) => return GitView::Unavailable(e),
        Ok(o) if !o.status.success() || String::from_utf8_lossy(&o.stdout).trim() != "true" => {
            return GitView::Unavailable("the audited directory is not a git work tree".into());
        }
        Ok(_) => {}
    }
    let mut args = vec!["ls-files", "-z", "--"];
    args.extend_from_slice(pathspecs);
    match run_git(root, &args) {
        Ok(o) if o.status.success() => GitView::Tracked(
            o.stdout
                .split(|b| *b == 0)
                .filter(|p| !p.is_empty())
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect(),
        ),
        Ok(o) => GitView::Unavailable(format!("`git ls-files` failed ({})", o.status)),
        Err(e) => GitView::Unavailable(e),
    }
}

// ───────────────────────────── Python statements ─────────────────────────────

/// A light reader of Python source: logical lines with comments removed and string literals
/// kept, so that settings can be read without executing them.
pub(crate) mod py {
    /// One logical line (brackets, backslash continuations and triple-quoted strings joined).
    #[derive(Debug, Clone)]
    pub struct Stmt {
        /// 1-based line where it starts.
        pub line: u32,
        /// Columns of leading whitespace.
        pub indent: usize,
        /// The code, comments removed, physical lines joined with a space.
        pub code: String,
    }

    /// Splits Python source into logical lines. Never fails: an unterminated string or bracket
    /// ends at the end of the file.
    pub fn statements(text: &str) -> Vec<Stmt> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut start_line = 1u32;
        let mut line = 1u32;
        let mut indent = 0usize;
        let mut at_start = true; // before the first non-blank char of a logical line
        let mut depth = 0i32;
        // (quote, triple)
        let mut string: Option<(char, bool)> = None;
        let mut chars = text.chars().peekable();
        let flush = |cur: &mut String, out: &mut Vec<Stmt>, start: u32, indent: usize| {
            let code = cur.trim().to_string();
            if !code.is_empty() {
                out.push(Stmt {
                    line: start,
                    indent,
                    code,
                });
            }
            cur.clear();
        };
        while let Some(c) = chars.next() {
            if let Some((q, triple)) = string {
                if c == '\n' {
                    line += 1;
                    if !triple {
                        // unterminated single-line string: recover at end of line
                        string = None;
                        if depth == 0 {
                            flush(&mut cur, &mut out, start_line, indent);
                            at_start = true;
                            indent = 0;
                        } else {
                            cur.push(' ');
                        }
                        continue;
                    }
                    cur.push('\n');
                    continue;
                }
                cur.push(c);
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        if n == '\n' {
                            line += 1;
                        }
                        cur.push(n);
                    }
                    continue;
                }
                if c == q {
                    if triple {
                        if chars.peek() == Some(&q) {
                            chars.next();
                            if chars.peek() == Some(&q) {
                                chars.next();
                                cur.push(q);
                                cur.push(q);
                                string = None;
                            } else {
                                cur.push(q);
                            }
                        }
                    } else {
                        string = None;
                    }
                }
                continue;
            }
            match c {
                '\n' => {
                    line += 1;
                    if depth > 0 {
                        cur.push(' ');
                    } else {
                        flush(&mut cur, &mut out, start_line, indent);
                        at_start = true;
                        indent = 0;
                    }
                }
                '#' => {
                    while let Some(&n) = chars.peek() {
                        if n == '\n' {
                            break;
                        }
                        chars.next();
                    }
                }
                '\\' if chars.peek() == Some(&'\n') => {
                    chars.next();
                    line += 1;
                    cur.push(' ');
                }
                ' ' | '\t' | '\r' | '\x0c' if at_start => {
                    indent += 1;
                }
                _ => {
                    if at_start {
                        at_start = false;
                        start_line = line;
                    }
                    match c {
                        '(' | '[' | '{' => depth += 1,
                        ')' | ']' | '}' => depth = (depth - 1).max(0),
                        '\'' | '"' => {
                            if chars.peek() == Some(&c) {
                                chars.next();
                                if chars.peek() == Some(&c) {
                                    chars.next();
                                    cur.push(c);
                                    cur.push(c);
                                    cur.push(c);
                                    string = Some((c, true));
                                    continue;
                                }
                                // empty string ''
                                cur.push(c);
                                cur.push(c);
                                continue;
                            }
                            string = Some((c, false));
                        }
                        _ => {}
                    }
                    cur.push(c);
                }
            }
        }
        flush(&mut cur, &mut out, start_line, indent);
        out
    }

    /// `NAME = value`, `NAME: T = value` or `NAME += value` at the start of a statement: (name,
    /// operator, value). Chained `A = B = value` gives the last value.
    pub fn assignment(code: &str) -> Option<(&str, &str, &str)> {
        let end = code
            .char_indices()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
            .map(|(i, _)| i)
            .unwrap_or(code.len());
        let name = &code[..end];
        if name.is_empty() || name.as_bytes()[0].is_ascii_digit() {
            return None;
        }
        let mut rest = code[end..].trim_start();
        if let Some(r) = rest.strip_prefix(':') {
            // annotation: skip to the `=`
            let eq = r.find('=')?;
            rest = &r[eq..];
        }
        let (op, value) = if let Some(v) = rest.strip_prefix("+=") {
            ("+=", v)
        } else if let Some(v) = rest.strip_prefix('=') {
            if v.starts_with('=') {
                return None;
            }
            ("=", v)
        } else {
            return None;
        };
        let mut value = value.trim();
        // chained assignment
        while let Some((_, "=", v)) = assignment(value) {
            value = v;
        }
        Some((name, op, value))
    }

    /// The string literals of a piece of code (contents, prefixes dropped).
    pub fn string_literals(code: &str) -> Vec<String> {
        let mut out = Vec::new();
        let b: Vec<char> = code.chars().collect();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == '\'' || c == '"' {
                let triple = i + 2 < b.len() && b[i + 1] == c && b[i + 2] == c;
                let q = c;
                i += if triple { 3 } else { 1 };
                let mut s = String::new();
                while i < b.len() {
                    if b[i] == '\\' && i + 1 < b.len() {
                        s.push(b[i + 1]);
                        i += 2;
                        continue;
                    }
                    if b[i] == q {
                        if !triple {
                            i += 1;
                            break;
                        }
                        if i + 2 < b.len() && b[i + 1] == q && b[i + 2] == q {
                            i += 3;
                            break;
                        }
                    }
                    s.push(b[i]);
                    i += 1;
                }
                out.push(s);
                continue;
            }
            i += 1;
        }
        out
    }

    /// `from X import *` → `X`.
    pub fn star_import(code: &str) -> Option<&str> {
        let rest = code.strip_prefix("from ")?;
        let (module, tail) = rest.split_once(" import ")?;
        (tail.trim() == "*").then(|| module.trim())
    }

    /// The code with string literals blanked (to search for names outside strings).
    pub fn without_strings(code: &str) -> String {
        let mut out = String::with_capacity(code.len());
        let mut q: Option<char> = None;
        let mut esc = false;
        for c in code.chars() {
            match q {
                Some(quote) => {
                    if esc {
                        esc = false;
                    } else if c == '\\' {
                        esc = true;
                    } else if c == quote {
                        q = None;
                        out.push(c);
                        continue;
                    }
                    out.push(' ');
                }
                None => {
                    if c == '\'' || c == '"' {
                        q = Some(c);
                    }
                    out.push(c);
                }
            }
        }
        out
    }
}

// ───────────────────────────── Django settings ─────────────────────────────

/// A settings module as read: its statements.
#[derive(Debug, Clone)]
struct Settings {
    path: String,
    stem: String,
    dir: String,
    stmts: Vec<py::Stmt>,
    test: bool,
}

/// Which environment a settings module is for, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SettingsEnv {
    Dev,
    Prod,
    Base,
}

fn settings_env(stem: &str) -> SettingsEnv {
    let words: Vec<&str> = stem.split(['_', '-', '.']).collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if has(&[
        "dev",
        "development",
        "local",
        "test",
        "tests",
        "testing",
        "ci",
        "debug",
    ]) {
        SettingsEnv::Dev
    } else if has(&["prod", "production", "live", "staging", "stage", "deploy"]) {
        SettingsEnv::Prod
    } else {
        SettingsEnv::Base
    }
}

fn is_settings_path(f: &FileMeta) -> bool {
    if f.ext() != Some("py") || f.is_vendored() {
        return false;
    }
    let lower = f.path.to_ascii_lowercase();
    let name = crate::paths::file_name(&lower);
    name.contains("settings") || lower.split('/').rev().skip(1).any(|c| c == "settings")
}

/// Setting names that mark a module as Django settings.
const DJANGO_MARKERS: &[&str] = &[
    "INSTALLED_APPS",
    "ROOT_URLCONF",
    "MIDDLEWARE",
    "ALLOWED_HOSTS",
    "DEBUG",
    "SECRET_KEY",
    "DATABASES",
];

/// One top-level assignment found by resolution.
#[derive(Debug, Clone)]
struct Assign {
    path: String,
    line: u32,
    op: String,
    value: String,
    code: String,
}

struct SettingsSet {
    modules: Vec<Settings>,
}

impl SettingsSet {
    fn find_module(&self, from: &Settings, module: &str) -> Option<&Settings> {
        let last = module.trim_start_matches('.').rsplit('.').next()?;
        if last.is_empty() {
            return None;
        }
        self.modules
            .iter()
            .find(|m| m.dir == from.dir && m.stem == last)
            .or_else(|| {
                // absolute dotted import: `config.settings.base` → …/config/settings/base.py
                let suffix = format!("{}.py", module.trim_start_matches('.').replace('.', "/"));
                self.modules.iter().find(|m| m.path.ends_with(&suffix))
            })
    }

    /// Every top-level assignment to `name` in effect for `module`, star imports followed, in
    /// execution order (the last `=` and the `+=` after it are what Django sees).
    fn assignments(&self, module: &Settings, name: &str, depth: usize) -> Vec<Assign> {
        let mut out: Vec<Assign> = Vec::new();
        if depth > 6 {
            return out;
        }
        for s in &module.stmts {
            if s.indent != 0 {
                continue;
            }
            if let Some(m) = py::star_import(&s.code) {
                if let Some(sub) = self.find_module(module, m)
                    && sub.path != module.path
                {
                    let inherited = self.assignments(sub, name, depth + 1);
                    if inherited.iter().any(|a| a.op == "=") {
                        out.clear();
                    }
                    out.extend(inherited);
                }
                continue;
            }
            if let Some((n, op, v)) = py::assignment(&s.code)
                && n == name
            {
                if op == "=" {
                    out.clear();
                }
                out.push(Assign {
                    path: module.path.clone(),
                    line: s.line,
                    op: op.to_string(),
                    value: v.to_string(),
                    code: s.code.clone(),
                });
            }
        }
        out
    }

    /// Modules Django would run in production: prod-named ones; when there are none in a
    /// directory, the non-development ones of that directory.
    fn production_modules(&self) -> Vec<&Settings> {
        let mut dirs: BTreeMap<&str, Vec<&Settings>> = BTreeMap::new();
        for m in &self.modules {
            dirs.entry(&m.dir).or_default().push(m);
        }
        let mut out = Vec::new();
        for (_, ms) in dirs {
            let prod: Vec<&Settings> = ms
                .iter()
                .copied()
                .filter(|m| settings_env(&m.stem) == SettingsEnv::Prod)
                .collect();
            if prod.is_empty() {
                let base: Vec<&Settings> = ms
                    .iter()
                    .copied()
                    .filter(|m| settings_env(&m.stem) == SettingsEnv::Base)
                    .collect();
                // `settings/__init__.py` doing `from .base import *` covers base.py: judge the
                // importer only, not both
                let imported: BTreeSet<&str> = base
                    .iter()
                    .flat_map(|m| {
                        m.stmts
                            .iter()
                            .filter(|s| s.indent == 0)
                            .filter_map(|s| py::star_import(&s.code))
                            .filter_map(|i| self.find_module(m, i))
                            .filter(|sub| sub.path != m.path)
                            .map(|sub| sub.path.as_str())
                            .collect::<Vec<_>>()
                    })
                    .collect();
                out.extend(
                    base.into_iter()
                        .filter(|m| !imported.contains(m.path.as_str())),
                );
            } else {
                out.extend(prod);
            }
        }
        out
    }
}

fn reads_env(value: &str) -> bool {
    let v = py::without_strings(value);
    [
        "environ", "getenv", "env(", "env.", "config(", "get_env", "Env(", "secrets",
    ]
    .iter()
    .any(|n| v.contains(n))
}

/// Whether an env lookup falls back to a truthy default (`default=True`, `os.getenv("X", "True")`).
fn truthy_default(value: &str) -> bool {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r#"(?i)(default\s*=\s*(True|['"](true|1|yes|on)['"])|\(\s*['"][A-Za-z0-9_]+['"]\s*,\s*(True|['"](true|1|yes|on)['"])\s*\))"#,
        )
        .expect("static regex")
    });
    re.is_match(value)
}

fn assign_evidence(a: &Assign) -> Evidence {
    Evidence::at_with_snippet(&a.path, a.line, 1, one_line(&a.code))
}

fn one_line(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.char_indices().nth(200) {
        Some((i, _)) => s[..i].to_string(),
        None => s,
    }
}

// ───────────────────────────── env reads and validation ─────────────────────────────

/// Needles that show code reading its configuration from the environment, per language (one
/// small automaton per file, so the scan stays at memchr speed on code that has none).
/// (Schema entry points that read the environment themselves count as reads, so that the file
/// is then searched for the schema library.)
const ENV_READ_JS: &[&str] = &[
    "process.env",
    "import.meta.env",
    "Deno.env",
    "Bun.env",
    "validationSchema",
    "createEnv(",
    "convict(",
    "envSchema(",
];
const ENV_READ_PY: &[&str] = &[
    "os.environ",
    "os.getenv",
    "getenv(",
    "environ.Env(",
    "BaseSettings",
    "from environs",
    "from decouple",
    "dynaconf",
];
const ENV_READ_RS: &[&str] = &[
    "env::var",
    "envy::",
    "figment",
    "Figment",
    "config::Environment",
];
const ENV_READ_GO: &[&str] = &[
    "os.Getenv",
    "os.LookupEnv",
    "viper.",
    "envconfig.",
    "env.Parse(",
    "cleanenv.",
];
/// All of them, for messages.
const ENV_READ: &[&str] = &[
    "process.env",
    "import.meta.env",
    "os.environ",
    "os.getenv",
    "env::var",
    "envy",
    "figment",
    "os.Getenv",
    "os.LookupEnv",
    "viper",
    "envconfig",
];

/// (library, needle, needs an env read in the same file): needles showing environment
/// validation by a schema.
const ENV_SCHEMA: &[(&str, &str, bool)] = &[
    ("envalid", "envalid", false),
    ("@t3-oss/env", "@t3-oss/env", false),
    ("env-schema", "env-schema", false),
    ("convict", "convict", false),
    ("znv", "\"znv\"", false),
    ("zod", "zod", true),
    ("joi", "joi", true),
    ("yup", "yup", true),
    ("valibot", "valibot", true),
    ("@nestjs/config validationSchema", "validationSchema", false),
    ("pydantic-settings", "pydantic_settings", false),
    ("pydantic BaseSettings", "BaseSettings", false),
    ("django-environ", "environ.Env(", false),
    ("environs", "from environs", false),
    ("dynaconf", "dynaconf", false),
    ("python-decouple", "from decouple", false),
    ("envy", "envy::", false),
    ("figment", "figment", false),
    ("config-rs", "config::Environment", false),
    ("clap env", "env = \"", true),
    ("envconfig", "envconfig", false),
    ("viper", "spf13/viper", false),
    ("caarlos0/env", "caarlos0/env", false),
    ("cleanenv", "cleanenv", false),
];

#[derive(Default)]
struct EnvUse {
    /// First env read per file: (path, line, col, snippet).
    reads: Vec<(String, u32, u32, String)>,
    /// (library, path, line, snippet)
    schemas: Vec<(String, String, u32, String)>,
}

fn env_matchers(path: &str) -> Option<(&'static Literals, &'static Literals)> {
    static M: OnceLock<[Literals; 5]> = OnceLock::new();
    let m = M.get_or_init(|| {
        let ac = |p: &[&str]| Literals::new(p);
        [
            ac(ENV_READ_JS),
            ac(ENV_READ_PY),
            ac(ENV_READ_RS),
            ac(ENV_READ_GO),
            ac(&ENV_SCHEMA.iter().map(|s| s.1).collect::<Vec<_>>()),
        ]
    });
    let i = match crate::paths::language_of(path)? {
        "javascript" | "typescript" => 0,
        "python" => 1,
        "rust" => 2,
        "go" => 3,
        _ => return None,
    };
    Some((&m[i], &m[4]))
}

// ───────────────────────────── the domain ─────────────────────────────

#[derive(Default)]
pub struct Config {
    settings: Mutex<Vec<Settings>>,
    env: Mutex<EnvUse>,
    /// Per-environment config files seen (`config/production.json`).
    env_configs: Mutex<Vec<String>>,
}

fn is_code(f: &FileMeta) -> bool {
    crate::paths::language_of(&f.path).is_some() && !f.is_vendored() && !f.is_test()
}

fn is_env_config_file(f: &FileMeta) -> bool {
    if f.is_vendored() || f.is_test() {
        return false;
    }
    let lower = f.path.to_ascii_lowercase();
    let name = crate::paths::file_name(&lower);
    let Some(ext) = crate::paths::extension(name) else {
        return false;
    };
    if !matches!(
        ext,
        "json" | "yaml" | "yml" | "toml" | "js" | "ts" | "cjs" | "mjs" | "ini" | "properties"
    ) {
        return false;
    }
    let stem = &name[..name.len() - ext.len() - 1];
    let words: Vec<&str> = stem.split(['.', '-', '_']).collect();
    let env_word = words.iter().any(|w| {
        matches!(
            *w,
            "production" | "prod" | "staging" | "development" | "dev" | "local"
        )
    });
    let in_config_dir = lower.split('/').rev().skip(1).any(|c| {
        matches!(
            c,
            "config" | "configs" | "settings" | "env" | "environments"
        )
    });
    env_word
        && (in_config_dir
            || words
                .iter()
                .any(|w| matches!(*w, "appsettings" | "application" | "config" | "settings")))
}

impl Domain for Config {
    fn name(&self) -> &'static str {
        "config"
    }
    fn wants(&self, file: &FileMeta) -> bool {
        is_settings_path(file) || is_code(file) || is_env_config_file(file)
    }
    fn visit(&self, file: &SourceFile<'_>) {
        if is_env_config_file(file.meta)
            && let Ok(mut e) = self.env_configs.lock()
        {
            e.push(file.path().to_string());
        }
        if is_settings_path(file.meta) {
            let stmts = py::statements(file.text);
            let django = stmts.iter().any(|s| {
                s.indent == 0
                    && (py::assignment(&s.code)
                        .is_some_and(|(n, _, _)| DJANGO_MARKERS.contains(&n))
                        || py::star_import(&s.code).is_some())
            });
            if django {
                let path = file.path().to_string();
                let (dir, name) = match path.rfind('/') {
                    Some(i) => (path[..i].to_string(), &path[i + 1..]),
                    None => (String::new(), path.as_str()),
                };
                let stem = name.trim_end_matches(".py").to_ascii_lowercase();
                let s = Settings {
                    stem,
                    dir,
                    stmts,
                    test: file.meta.is_test(),
                    path: path.clone(),
                };
                if let Ok(mut v) = self.settings.lock() {
                    v.push(s);
                }
            }
        }
        // Django/ASGI/WSGI boilerplate sets DJANGO_SETTINGS_MODULE; it is not configuration.
        let boilerplate = matches!(file.meta.lower_name(), "manage.py" | "wsgi.py" | "asgi.py");
        if is_code(file.meta) && !boilerplate {
            let Some((reads, schemas)) = env_matchers(file.path()) else {
                return;
            };
            let first = reads.find(file.text);
            let mut found_schema = Vec::new();
            let mut seen = BTreeSet::new();
            // schema libraries are used where the environment is read: only those files are
            // searched for them
            let schema_hits = match first {
                Some(_) => schemas.find_iter(file.text).collect::<Vec<_>>(),
                None => Vec::new(),
            };
            for m in schema_hits {
                let (lib, _, needs_read) = ENV_SCHEMA[m.pattern().as_usize()];
                if needs_read && first.is_none() {
                    continue;
                }
                if !seen.insert(lib) {
                    continue;
                }
                let (line, _) = file.line_col(m.start());
                found_schema.push((
                    lib.to_string(),
                    file.path().to_string(),
                    line,
                    file.line_at(m.start()).to_string(),
                ));
            }
            if (first.is_some() || !found_schema.is_empty())
                && let Ok(mut e) = self.env.lock()
            {
                if let Some(m) = first {
                    let (line, col) = file.line_col(m.start());
                    e.reads.push((
                        file.path().to_string(),
                        line,
                        col,
                        file.line_at(m.start()).to_string(),
                    ));
                }
                e.schemas.extend(found_schema);
            }
        }
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut settings = self
            .settings
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        settings.sort_by(|a, b| a.path.cmp(&b.path));
        let mut env = self.env.into_inner().unwrap_or_else(|e| e.into_inner());
        env.reads.sort();
        env.schemas.sort();
        let mut env_configs = self
            .env_configs
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        env_configs.sort();

        let mut out = Vec::new();
        let real_envs = env_committed(repo, &mut out);
        env_example(repo, &env, !real_envs.is_empty(), &mut out);
        env_validation(&env, &mut out);

        let set = SettingsSet { modules: settings };
        django_settings(repo, &set, &mut out);
        settings_per_env(repo, &set, &env, &env_configs, &mut out);
        out
    }
}

/// `config.env-committed`. Returns the real env files found committed.
fn env_committed(repo: &Repo, out: &mut Vec<Finding>) -> Vec<String> {
    let check = Catalog::builtin().check("config.env-committed");
    let git = git_ls_files(
        &repo.root,
        &[":(glob)**/.env", ":(glob)**/.env.*", ":(glob)**/*.env"],
    );
    let mut found: BTreeMap<String, String> = BTreeMap::new(); // path → how
    let (method, tracked) = match &git {
        GitView::Tracked(t) => ("tracked by git".to_string(), Some(t)),
        GitView::Unavailable(why) => (
            format!("{why}: judged by presence in the tree without a .gitignore entry"),
            None,
        ),
    };
    if let Some(t) = tracked {
        for p in t {
            if crate::paths::is_vendored(p) {
                continue;
            }
            if env_kind(crate::paths::file_name(p)) == Some(EnvKind::Real) {
                found.insert(p.clone(), "tracked by git".into());
            }
        }
    }
    for f in &repo.files {
        if f.is_vendored() || env_kind(f.name()) != Some(EnvKind::Real) {
            continue;
        }
        if found.contains_key(&f.path) {
            continue;
        }
        let how = if tracked.is_some() {
            "present and not git-ignored (one `git add .` away from being committed)"
        } else {
            "present and not git-ignored"
        };
        found.insert(f.path.clone(), how.into());
    }
    if found.is_empty() {
        out.push(
            Finding::new(
                check,
                Outcome::Pass,
                "no real .env file is committed or left un-ignored",
            )
            .with_evidence(Evidence::note(format!(
                "looked for .env, .env.* and *.env (templates such as .env.example and test files such as .env.test are allowed); {method}"
            ))),
        );
        return Vec::new();
    }
    for (path, how) in &found {
        let meta = repo.files.iter().find(|f| &f.path == path);
        let mut f = Finding::new(
            check,
            Outcome::Fail,
            format!("{path} holds a real environment and is {how}"),
        )
        .with_evidence(Evidence::file(path));
        if let Some(reason) = meta.and_then(|m| m.skipped.as_deref()) {
            f = f.with_evidence(Evidence::note(format!("not read: {reason}")));
        }
        if tracked.is_none() {
            f = f.with_evidence(Evidence::note(method.clone()));
        }
        if crate::paths::is_test_path(path) {
            f = f.with_severity(check.severity.lowered());
        }
        out.push(f);
    }
    found.into_keys().collect()
}

/// `config.env-example`.
fn env_example(repo: &Repo, env: &EnvUse, has_real_env: bool, out: &mut Vec<Finding>) {
    let check = Catalog::builtin().check("config.env-example");
    let templates: Vec<&FileMeta> = repo
        .files
        .iter()
        .filter(|f| !f.is_vendored() && env_kind(f.name()) == Some(EnvKind::Template))
        .collect();
    let ignored_env = repo.root.join(".env").is_file();
    if env.reads.is_empty() && !has_real_env && !ignored_env {
        out.push(
            Finding::new(
                check,
                Outcome::NotApplicable,
                "the code reads no environment variables and there is no .env file",
            )
            .with_evidence(Evidence::note(format!(
                "looked for {} in the source",
                ENV_READ.join(", ")
            ))),
        );
        return;
    }
    if let Some(t) = templates.first() {
        let mut f = Finding::new(
            check,
            Outcome::Pass,
            format!("{} documents the environment variables", t.path),
        )
        .with_evidence(Evidence::file(&t.path));
        for t in templates.iter().skip(1).take(4) {
            f = f.with_evidence(Evidence::file(&t.path));
        }
        out.push(f);
        return;
    }
    let mut f = Finding::new(
        check,
        Outcome::Fail,
        "the service reads environment variables but no .env.example / .env.sample / .env.template documents them",
    );
    for (p, l, c, s) in env.reads.iter().take(5) {
        f = f.with_evidence(Evidence::at_with_snippet(p, *l, *c, s));
    }
    if env.reads.is_empty() {
        f = f.with_evidence(Evidence::note(
            "a .env file exists, so the service is configured by environment variables",
        ));
    }
    out.push(f);
}

/// `config.env-validation`.
fn env_validation(env: &EnvUse, out: &mut Vec<Finding>) {
    let check = Catalog::builtin().check("config.env-validation");
    if env.reads.is_empty() && env.schemas.is_empty() {
        out.push(Finding::new(
            check,
            Outcome::NotApplicable,
            "the code reads no environment variables",
        ));
        return;
    }
    if let Some((lib, p, l, s)) = env.schemas.first() {
        let mut f = Finding::new(
            check,
            Outcome::Pass,
            format!("environment validated by a schema ({lib})"),
        )
        .with_evidence(Evidence::at_with_snippet(p, *l, 1, s));
        for (_, p, l, s) in env.schemas.iter().skip(1).take(3) {
            f = f.with_evidence(Evidence::at_with_snippet(p, *l, 1, s));
        }
        out.push(f);
        return;
    }
    let mut f = Finding::new(
        check,
        Outcome::Fail,
        format!(
            "environment variables are read in {} file(s) but never validated by a schema at start-up",
            env.reads.len()
        ),
    );
    for (p, l, c, s) in env.reads.iter().take(5) {
        f = f.with_evidence(Evidence::at_with_snippet(p, *l, *c, s));
    }
    out.push(f.with_evidence(Evidence::note(
        "looked for zod/envalid/joi/@t3-oss/env, pydantic-settings, django-environ, environs, envy, figment, viper, envconfig",
    )));
}

/// The Django checks over the production settings.
fn django_settings(repo: &Repo, set: &SettingsSet, out: &mut Vec<Finding>) {
    let cat = Catalog::builtin();
    let ids = [
        "config.django-debug",
        "config.django-allowed-hosts",
        "config.django-ssl-redirect",
        "config.django-secure-cookies",
        "config.django-hsts",
        "config.django-csrf-middleware",
    ];
    let django = repo.has_framework("django")
        || set.modules.iter().any(|m| {
            m.stmts.iter().any(|s| {
                py::assignment(&s.code)
                    .is_some_and(|(n, _, _)| n == "INSTALLED_APPS" || n == "ROOT_URLCONF")
            })
        });
    if !django {
        for id in ids {
            out.push(Finding::new(
                cat.check(id),
                Outcome::NotApplicable,
                "not a Django project",
            ));
        }
        return;
    }
    let prod = set.production_modules();
    if prod.is_empty() {
        let msg = if set.modules.is_empty() {
            "Django is used but no settings module was found (looked for settings.py and settings/*.py)"
        } else {
            "only development settings modules were found; the production settings could not be identified"
        };
        for id in ids {
            let mut f = Finding::new(cat.check(id), Outcome::Inconclusive, msg);
            for m in set.modules.iter().take(5) {
                f = f.with_evidence(Evidence::file(&m.path));
            }
            out.push(f);
        }
        return;
    }
    for m in prod {
        let lower = |c: &golive_core::Check, f: Finding| {
            if m.test {
                f.with_severity(c.severity.lowered())
            } else {
                f
            }
        };
        // DEBUG
        let c = cat.check("config.django-debug");
        let debug = set.assignments(m, "DEBUG", 0);
        let f = match debug.iter().rev().find(|a| a.op == "=") {
            None => Finding::new(
                c,
                Outcome::Pass,
                format!("{} does not set DEBUG (Django's default is False)", m.path),
            )
            .with_evidence(Evidence::file(&m.path)),
            Some(a) if a.value == "True" || a.value == "1" => Finding::new(
                c,
                Outcome::Fail,
                format!("DEBUG is hard-coded to True in settings used in production ({})", m.path),
            )
            .with_evidence(assign_evidence(a)),
            Some(a) if reads_env(&a.value) && truthy_default(&a.value) => Finding::new(
                c,
                Outcome::Warn,
                "DEBUG is read from the environment but defaults to True when the variable is unset",
            )
            .with_evidence(assign_evidence(a)),
            Some(a) => Finding::new(
                c,
                Outcome::Pass,
                format!("DEBUG is not hard-coded to True in {}", m.path),
            )
            .with_evidence(assign_evidence(a)),
        };
        out.push(lower(c, f));

        // ALLOWED_HOSTS
        let c = cat.check("config.django-allowed-hosts");
        let hosts = set.assignments(m, "ALLOWED_HOSTS", 0);
        let wildcard = hosts.iter().find(|a| {
            py::string_literals(&a.value)
                .iter()
                .any(|s| s.trim() == "*")
        });
        let f = match (wildcard, hosts.last()) {
            (Some(a), _) if reads_env(&a.value) => Finding::new(
                c,
                Outcome::Warn,
                "ALLOWED_HOSTS is read from the environment but falls back to '*'",
            )
            .with_evidence(assign_evidence(a)),
            (Some(a), _) => Finding::new(
                c,
                Outcome::Fail,
                format!("ALLOWED_HOSTS accepts any host ('*') in settings used in production ({})", m.path),
            )
            .with_evidence(assign_evidence(a)),
            (None, Some(a)) => Finding::new(
                c,
                Outcome::Pass,
                "ALLOWED_HOSTS lists explicit hosts",
            )
            .with_evidence(assign_evidence(a)),
            (None, None) => Finding::new(
                c,
                Outcome::Pass,
                format!("{} does not set ALLOWED_HOSTS (Django then refuses every host when DEBUG is off, never accepts all)", m.path),
            )
            .with_evidence(Evidence::file(&m.path)),
        };
        out.push(lower(c, f));

        // Boolean hardening settings.
        for (id, names) in [
            ("config.django-ssl-redirect", &["SECURE_SSL_REDIRECT"][..]),
            (
                "config.django-secure-cookies",
                &["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"][..],
            ),
        ] {
            let c = cat.check(id);
            let mut bad = Vec::new();
            let mut good = Vec::new();
            for name in names {
                let a = set.assignments(m, name, 0);
                match a.iter().rev().find(|a| a.op == "=") {
                    None => bad.push((
                        format!("{name} is not set (Django's default is False)"),
                        None,
                    )),
                    Some(a) if a.value == "True" => good.push(assign_evidence(a)),
                    Some(a) if reads_env(&a.value) => good.push(assign_evidence(a)),
                    Some(a) => bad.push((
                        format!("{name} = {}", one_line(&a.value)),
                        Some(assign_evidence(a)),
                    )),
                }
            }
            let f = if bad.is_empty() {
                let mut f = Finding::new(
                    c,
                    Outcome::Pass,
                    format!("{} set in {}", names.join(" and "), m.path),
                );
                f.evidence.extend(good);
                f
            } else {
                let msgs: Vec<&str> = bad.iter().map(|b| b.0.as_str()).collect();
                let mut f =
                    Finding::new(c, Outcome::Fail, format!("{}: {}", m.path, msgs.join("; ")));
                let mut any = false;
                for (_, e) in bad.into_iter() {
                    if let Some(e) = e {
                        f = f.with_evidence(e);
                        any = true;
                    }
                }
                if !any {
                    f = f.with_evidence(Evidence::file(&m.path));
                }
                f
            };
            out.push(lower(c, f));
        }

        // HSTS
        let c = cat.check("config.django-hsts");
        let a = set.assignments(m, "SECURE_HSTS_SECONDS", 0);
        let f = match a.iter().rev().find(|a| a.op == "=") {
            None => Finding::new(
                c,
                Outcome::Fail,
                format!(
                    "{} does not set SECURE_HSTS_SECONDS (no Strict-Transport-Security header)",
                    m.path
                ),
            )
            .with_evidence(Evidence::file(&m.path)),
            Some(a) => {
                let value = eval_int(&a.value);
                match value {
                    Some(0) => Finding::new(c, Outcome::Fail, "SECURE_HSTS_SECONDS is 0: HSTS is off")
                        .with_evidence(assign_evidence(a)),
                    Some(v) if v < 15_552_000 => Finding::new(
                        c,
                        Outcome::Warn,
                        format!("SECURE_HSTS_SECONDS is {v} s, under the 180 days (15552000 s) browsers' preload lists ask for"),
                    )
                    .with_evidence(assign_evidence(a)),
                    Some(v) => Finding::new(c, Outcome::Pass, format!("HSTS enabled for {v} s"))
                        .with_evidence(assign_evidence(a)),
                    None if reads_env(&a.value) => Finding::new(
                        c,
                        Outcome::Pass,
                        "SECURE_HSTS_SECONDS is read from the environment",
                    )
                    .with_evidence(assign_evidence(a)),
                    None => Finding::new(
                        c,
                        Outcome::Inconclusive,
                        "SECURE_HSTS_SECONDS is computed; its value could not be read statically",
                    )
                    .with_evidence(assign_evidence(a)),
                }
            }
        };
        out.push(lower(c, f));

        // CSRF middleware
        let c = cat.check("config.django-csrf-middleware");
        let mw = set.assignments(m, "MIDDLEWARE", 0);
        let f = if mw.is_empty() {
            Finding::new(
                c,
                Outcome::Inconclusive,
                format!(
                    "{} does not define MIDDLEWARE; the CSRF middleware could not be verified",
                    m.path
                ),
            )
            .with_evidence(Evidence::file(&m.path))
        } else {
            let has = mw.iter().find(|a| {
                py::string_literals(&a.value)
                    .iter()
                    .any(|s| s == "django.middleware.csrf.CsrfViewMiddleware")
            });
            match has {
                Some(a) => Finding::new(c, Outcome::Pass, "CsrfViewMiddleware is enabled")
                    .with_evidence(Evidence::at(&a.path, a.line, 1)),
                None => {
                    let a = &mw[0];
                    Finding::new(
                        c,
                        Outcome::Fail,
                        "MIDDLEWARE does not include django.middleware.csrf.CsrfViewMiddleware",
                    )
                    .with_evidence(Evidence::at_with_snippet(
                        &a.path,
                        a.line,
                        1,
                        "MIDDLEWARE = [...]",
                    ))
                }
            }
        };
        out.push(lower(c, f));
    }
}

/// Evaluates a small integer expression (`31536000`, `60 * 60 * 24 * 365`, `3_600`).
fn eval_int(v: &str) -> Option<u64> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    let mut total: u64 = 1;
    for part in v.split('*') {
        let p: String = part.trim().chars().filter(|c| *c != '_').collect();
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        total = total.checked_mul(p.parse().ok()?)?;
    }
    Some(total)
}

/// `config.settings-per-env`.
fn settings_per_env(
    repo: &Repo,
    set: &SettingsSet,
    env: &EnvUse,
    env_configs: &[String],
    out: &mut Vec<Finding>,
) {
    let check = Catalog::builtin().check("config.settings-per-env");
    if repo.stacks.is_empty() {
        out.push(Finding::new(
            check,
            Outcome::NotApplicable,
            "no service stack detected (no package.json, pyproject.toml, Cargo.toml, go.mod…)",
        ));
        return;
    }
    let envs: BTreeSet<&str> = set
        .modules
        .iter()
        .filter_map(|m| match settings_env(&m.stem) {
            SettingsEnv::Dev => Some("development"),
            SettingsEnv::Prod => Some("production"),
            SettingsEnv::Base => None,
        })
        .collect();
    if envs.len() >= 2 {
        let mut f = Finding::new(
            check,
            Outcome::Pass,
            "separate Django settings modules for development and production",
        );
        for m in set.modules.iter().take(6) {
            f = f.with_evidence(Evidence::file(&m.path));
        }
        out.push(f);
        return;
    }
    if !env_configs.is_empty() {
        let mut f = Finding::new(check, Outcome::Pass, "per-environment configuration files");
        for p in env_configs.iter().take(6) {
            f = f.with_evidence(Evidence::file(p));
        }
        out.push(f);
        return;
    }
    if let Some((p, l, c, s)) = env.reads.first() {
        out.push(
            Finding::new(
                check,
                Outcome::Pass,
                "configuration is read from the environment, so each environment sets its own",
            )
            .with_evidence(Evidence::at_with_snippet(p, *l, *c, s)),
        );
        return;
    }
    let mut f = Finding::new(
        check,
        Outcome::Fail,
        "configuration is hard-coded: no per-environment settings files and no environment variables read",
    );
    for m in set.modules.iter().take(3) {
        f = f.with_evidence(Evidence::file(&m.path));
    }
    out.push(f.with_evidence(Evidence::note(
        "looked for settings/{dev,prod}.py, config/{development,production}.*, and environment reads in the code",
    )));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names() {
        assert_eq!(env_kind(".env"), Some(EnvKind::Real));
        assert_eq!(env_kind(".env.production"), Some(EnvKind::Real));
        assert_eq!(env_kind(".env.local"), Some(EnvKind::Real));
        assert_eq!(env_kind("prod.env"), Some(EnvKind::Real));
        assert_eq!(env_kind(".env.example"), Some(EnvKind::Template));
        assert_eq!(env_kind(".env.production.sample"), Some(EnvKind::Template));
        assert_eq!(env_kind("example.env"), Some(EnvKind::Template));
        assert_eq!(env_kind(".env.test"), Some(EnvKind::Test));
        assert_eq!(env_kind(".envrc"), None);
        assert_eq!(env_kind(".env.vault"), Some(EnvKind::Template));
        assert_eq!(env_kind(".env.keys"), Some(EnvKind::Real));
        assert_eq!(env_kind("environment.ts"), None);
    }

    #[test]
    fn python_statements() {
        let src = "# DEBUG = True\nx = '''\nDEBUG = True\n'''\nALLOWED_HOSTS = [\n  'a', # c\n  \"*\",\n]\nif x:\n    DEBUG = True\nDEBUG: bool = False\ns = 'it''s'\n";
        let st = py::statements(src);
        let codes: Vec<(&str, u32, usize)> = st
            .iter()
            .map(|s| (s.code.as_str(), s.line, s.indent))
            .collect();
        assert_eq!(codes[0].1, 2);
        assert!(codes[0].0.starts_with("x = '''"));
        assert_eq!(codes[1].1, 5);
        assert_eq!(
            py::string_literals(codes[1].0),
            vec!["a".to_string(), "*".to_string()]
        );
        assert_eq!(codes[3], ("DEBUG = True", 10, 4));
        assert_eq!(py::assignment(codes[4].0), Some(("DEBUG", "=", "False")));
        assert_eq!(py::assignment("A = B = True"), Some(("A", "=", "True")));
        assert_eq!(py::assignment("A == B"), None);
        assert_eq!(py::star_import("from .base import *"), Some(".base"));
        assert_eq!(eval_int("60 * 60 * 24 * 365"), Some(31_536_000));
        assert!(truthy_default("env.bool('DEBUG', default=True)"));
        assert!(truthy_default("os.environ.get('DEBUG', 'True') == 'True'"));
        assert!(!truthy_default(
            "os.environ.get('DEBUG', 'False') == 'True'"
        ));
    }
}
