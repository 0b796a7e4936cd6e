//! Source-code analysis shared by the code-reading domains (security, tests, observability,
//! performance, frontend).
//!
//! Every source file is lexed once here: comments are blanked (keeping byte offsets, so a match
//! in the blanked text maps back to the original line and column) and a second view with string
//! contents blanked too is kept for structure-only matching. The [`CodeChecks`] domain then hands
//! that shared form to each analyzer, so a file is read and lexed once whatever the number of
//! checks looking at it.

use super::Domain;
use crate::paths;
use crate::repo::{FileMeta, Repo, SourceFile};
use golive_core::{Catalog, Evidence, Finding, Outcome};
use std::sync::Mutex;

/// Source languages the lexer understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// JavaScript and TypeScript.
    Js,
    Python,
    Rust,
    Go,
}

impl Lang {
    pub fn of(path: &str) -> Option<Lang> {
        match paths::language_of(path)? {
            "javascript" | "typescript" => Some(Lang::Js),
            "python" => Some(Lang::Python),
            "rust" => Some(Lang::Rust),
            "go" => Some(Lang::Go),
            _ => None,
        }
    }
}

/// The two lexed views of a source file. Both have exactly the bytes of the original, so
/// offsets are shared: `code` has comments replaced by spaces; `bare` also has string
/// contents replaced by spaces (the quotes stay).
#[derive(Debug, Clone)]
pub struct Lexed {
    pub code: String,
    pub bare: String,
    /// Byte ranges of string literal contents (quotes excluded), in order.
    pub strings: Vec<(usize, usize)>,
}

/// Replaces every byte but newlines in `v[from..to]` by a space.
fn blank(v: &mut [u8], from: usize, to: usize) {
    let to = to.min(v.len());
    if from >= to {
        return;
    }
    let seg = &mut v[from..to];
    let mut at = 0;
    while let Some(p) = memchr::memchr(b'\n', &seg[at..]) {
        seg[at..at + p].fill(b' ');
        at += p + 1;
    }
    seg[at..].fill(b' ');
}

/// For Rust: whether the `"` at `q` opens a raw string (`r"`, `r#"`, `br##"` …); returns the
/// number of `#`s when it does.
fn rust_raw_open(b: &[u8], q: usize) -> Option<usize> {
    let mut k = q;
    while k > 0 && b[k - 1] == b'#' {
        k -= 1;
    }
    let hashes = q - k;
    if k == 0 || b[k - 1] != b'r' {
        return None;
    }
    let r = k - 1;
    let before = if r > 0 && b[r - 1] == b'b' && (r < 2 || !is_ident(b[r - 2])) {
        // br"…": the `b` is the prefix, not an identifier's end
        None
    } else {
        r.checked_sub(1).map(|p| b[p])
    };
    match before {
        Some(c) if is_ident(c) => None,
        _ => Some(hashes),
    }
}

/// Lexes `text` as `lang`, blanking comments (and, in `bare`, string contents).
///
/// Comment and string bodies are skipped with `memchr`, and blanking fills whole runs, so the
/// cost is close to one pass over the punctuation of the file. `bare` is `code` with the string
/// ranges blanked afterwards.
pub fn lex(text: &str, lang: Lang) -> Lexed {
    let b = text.as_bytes();
    let mut code = b.to_vec();
    let n = b.len();
    let slashes = matches!(lang, Lang::Js | Lang::Rust | Lang::Go);
    // The bytes that may open a comment or a string: three for Python and Rust, found with
    // `memchr3`; JavaScript and Go add the backtick, whose next position is kept aside.
    let (b1, b2, b3) = match lang {
        Lang::Python => (b'"', b'\'', b'#'),
        _ => (b'"', b'\'', b'/'),
    };
    let backticks = matches!(lang, Lang::Js | Lang::Go);
    let mut next_tick: Option<usize> = None;
    let mut strings = Vec::new();
    let mut i = 0;
    while i < n {
        // Code: skip to the next byte that may open a comment or a string.
        let hit = memchr::memchr3(b1, b2, b3, &b[i..]).map(|p| i + p);
        let hit = if backticks {
            if next_tick.is_none_or(|t| t < i) {
                next_tick = Some(memchr::memchr(b'`', &b[i..]).map_or(usize::MAX, |p| i + p));
            }
            let t = next_tick.unwrap_or(usize::MAX);
            match hit {
                Some(h) if h < t => Some(h),
                _ if t != usize::MAX => Some(t),
                _ => None,
            }
        } else {
            hit
        };
        match hit {
            Some(h) => i = h,
            None => break,
        }
        let c = b[i];
        let next = b.get(i + 1).copied();
        // Line comment.
        if (lang == Lang::Python && c == b'#') || (slashes && c == b'/' && next == Some(b'/')) {
            let end = memchr::memchr(b'\n', &b[i..]).map_or(n, |p| i + p);
            code[i..end].fill(b' ');
            i = end;
            continue;
        }
        // Block comment (nested in Rust).
        if slashes && c == b'/' && next == Some(b'*') {
            let mut depth = 1u32;
            let mut j = i + 2;
            while depth > 0 {
                let Some(p) = memchr::memchr2(b'*', b'/', &b[j.min(n)..]) else {
                    j = n;
                    break;
                };
                let q = j + p;
                match (b[q], b.get(q + 1).copied()) {
                    (b'*', Some(b'/')) => {
                        depth -= 1;
                        j = q + 2;
                    }
                    (b'/', Some(b'*')) if lang == Lang::Rust => {
                        depth += 1;
                        j = q + 2;
                    }
                    _ => j = q + 1,
                }
            }
            let end = j.min(n);
            blank(&mut code, i, end);
            i = end;
            continue;
        }
        if c == b'/' {
            i += 1;
            continue;
        }
        // Rust raw strings r"…", r#"…"# (the `"` is reached after the prefix was skipped).
        if c == b'"'
            && lang == Lang::Rust
            && let Some(hashes) = rust_raw_open(b, i)
        {
            let mut k = i + 1;
            let end = loop {
                match memchr::memchr(b'"', &b[k.min(n)..]) {
                    None => break n,
                    Some(p) => {
                        let q = k + p;
                        if b[q + 1..]
                            .iter()
                            .take(hashes)
                            .filter(|&&x| x == b'#')
                            .count()
                            == hashes
                        {
                            break q;
                        }
                        k = q + 1;
                    }
                }
            };
            strings.push((i + 1, end));
            i = (end + 1 + hashes).min(n);
            continue;
        }
        // Char / rune literals ('x', '\n', '"') in Rust and Go; otherwise a Rust lifetime.
        if c == b'\'' && matches!(lang, Lang::Rust | Lang::Go) {
            if next == Some(b'\\') {
                let mut j = i + 2;
                while j < n && j < i + 12 && b[j] != b'\'' && b[j] != b'\n' {
                    j += 1;
                }
                i = j + 1;
                continue;
            }
            let ch_len = text[i + 1..].chars().next().map_or(0, char::len_utf8);
            if ch_len > 0 && b.get(i + 1 + ch_len) == Some(&b'\'') {
                i += 2 + ch_len;
                continue;
            }
            i += 1;
            continue;
        }
        // Strings.
        let triple = lang == Lang::Python && next == Some(c) && b.get(i + 2) == Some(&c);
        let (multiline, escapes) = match (lang, c) {
            (Lang::Python, _) => (triple, true),
            (Lang::Js, b'`') => (true, true),
            (Lang::Go, b'`') => (true, false),
            (Lang::Rust, _) => (true, true),
            _ => (false, true),
        };
        let open = if triple { 3 } else { 1 };
        let mut j = i + open;
        let end = loop {
            let rest = &b[j.min(n)..];
            let found = if escapes {
                memchr::memchr3(c, b'\n', b'\\', rest)
            } else {
                memchr::memchr2(c, b'\n', rest)
            };
            let Some(p) = found else {
                break n;
            };
            let q = j + p;
            match b[q] {
                b'\\' => j = q + 2,
                b'\n' if !multiline => break q, // unterminated: recover at the line end
                b'\n' => j = q + 1,
                _ if triple => {
                    if b.get(q + 1) == Some(&c) && b.get(q + 2) == Some(&c) {
                        break q;
                    }
                    j = q + 1;
                }
                _ => break q,
            }
        };
        strings.push(((i + open).min(end), end));
        i = if end >= n {
            n
        } else if b[end] == b'\n' {
            end + 1
        } else {
            end + open
        };
    }
    let mut bare = code.clone();
    for &(from, to) in &strings {
        blank(&mut bare, from, to);
    }
    // Only ASCII bytes were replaced, by ASCII spaces, and multi-byte sequences are replaced
    // only inside blanked runs, where every byte becomes a space: the result is valid UTF-8.
    // Fall back to lossy decoding defensively.
    Lexed {
        code: String::from_utf8(code)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        bare: String::from_utf8(bare)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        strings,
    }
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The offset just past the bracket closing the one opened at `open` (`(`, `[` or `{`), looking
/// at most `limit` bytes ahead. Brackets inside strings and comments are ignored when `bare` is
/// the lexed `bare` view.
pub fn matching_close(bare: &str, open: usize, limit: usize) -> Option<usize> {
    let b = bare.as_bytes();
    let mut depth = 0i32;
    for (k, &c) in b.iter().enumerate().skip(open).take(limit) {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// A file as the analyzers see it.
pub struct CodeFile<'a> {
    pub meta: &'a FileMeta,
    /// The original text.
    pub text: &'a str,
    /// Comments blanked (the original text for non-source files).
    pub code: &'a str,
    /// Comments and string contents blanked (the original text for non-source files).
    pub bare: &'a str,
    pub lang: Option<Lang>,
    /// Byte ranges of string literal contents (empty for non-source files).
    pub strings: &'a [(usize, usize)],
    /// Where the code starts an HTTP server ([`SERVER_START`]), searched once on demand.
    server_start: std::cell::OnceCell<Option<usize>>,
}

impl CodeFile<'_> {
    pub fn path(&self) -> &str {
        &self.meta.path
    }
    /// File evidence at a byte offset, with the (trimmed) line as snippet.
    pub fn evidence(&self, offset: usize) -> Evidence {
        let (line, col) = crate::repo::line_col(self.text, offset);
        Evidence::at_with_snippet(
            self.meta.path.clone(),
            line,
            col,
            crate::repo::line_at(self.text, offset),
        )
    }
    /// Where the code first starts an HTTP server ([`SERVER_START`] in `code`); several
    /// analyzers ask, the file is searched once.
    pub fn server_start(&self) -> Option<usize> {
        *self
            .server_start
            .get_or_init(|| SERVER_START.find(self.code).map(|m| m.start()))
    }
    /// A [`Hit`] at a byte offset.
    pub fn hit(&self, offset: usize, what: impl Into<String>) -> Hit {
        let (line, col) = crate::repo::line_col(self.text, offset);
        Hit {
            path: self.meta.path.clone(),
            line,
            col,
            snippet: crate::repo::line_at(self.text, offset).to_string(),
            what: what.into(),
        }
    }
    /// Whether a byte offset is inside a string literal (its contents are blanked in `bare`
    /// but not in `code`): a pattern found there is text, not code.
    pub fn in_string(&self, offset: usize) -> bool {
        let (c, b) = (self.code.as_bytes(), self.bare.as_bytes());
        offset < c.len() && b[offset] == b' ' && c[offset] != b' '
    }
    /// Production source: not a test, fixture, example, doc or vendored file.
    pub fn is_production(&self) -> bool {
        is_production(self.meta)
    }
    /// The text of the call whose `(` is at `open` (inclusive of both parentheses), from the
    /// comment-blanked view; at most 8 KiB ahead.
    pub fn call_args(&self, open: usize) -> Option<&str> {
        let end = matching_close(self.bare, open, 8192)?;
        Some(&self.code[open..end])
    }
}

/// Not test code, docs, or vendored dependencies.
pub fn is_production(meta: &FileMeta) -> bool {
    !meta.is_test() && !meta.is_doc() && !meta.is_vendored()
}

/// Something an analyzer found at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub path: String,
    pub line: u32,
    pub col: u32,
    pub snippet: String,
    /// What was found ("Express cors() with no options").
    pub what: String,
}

impl Hit {
    pub fn evidence(&self) -> Evidence {
        Evidence::at_with_snippet(self.path.clone(), self.line, self.col, self.snippet.clone())
    }
    /// `path:line`.
    pub fn locator(&self) -> String {
        format!("{}:{}", self.path, self.line)
    }
}

/// One code-reading analyzer: a domain's logic run on the shared lexed form.
pub trait Analyzer: Send + Sync {
    /// Cheap, path-based interest test.
    fn wants(&self, file: &FileMeta) -> bool;
    /// Reads one file.
    fn visit(&self, file: &CodeFile<'_>);
    /// Concludes with a finding for every check the analyzer owns.
    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding>;
}

/// The domain that lexes each source file once and runs every code analyzer on it.
pub struct CodeChecks {
    analyzers: Vec<Box<dyn Analyzer>>,
}

impl Default for CodeChecks {
    fn default() -> Self {
        CodeChecks {
            analyzers: vec![
                Box::new(super::security::Security::default()),
                Box::new(super::tests::Tests::default()),
                Box::new(super::observability::Observability::default()),
                Box::new(super::perf::Perf::default()),
                Box::new(super::frontend::Frontend::default()),
            ],
        }
    }
}

impl Domain for CodeChecks {
    fn name(&self) -> &'static str {
        "code"
    }
    fn wants(&self, file: &FileMeta) -> bool {
        !file.is_vendored() && self.analyzers.iter().any(|a| a.wants(file))
    }
    fn visit(&self, file: &SourceFile<'_>) {
        let lang = Lang::of(file.path());
        let lexed = lang.map(|l| lex(file.text, l));
        let (code, bare, strings) = match &lexed {
            Some(l) => (l.code.as_str(), l.bare.as_str(), l.strings.as_slice()),
            None => (file.text, file.text, &[][..]),
        };
        let cf = CodeFile {
            meta: file.meta,
            text: file.text,
            code,
            bare,
            lang,
            strings,
            server_start: std::cell::OnceCell::new(),
        };
        for a in &self.analyzers {
            if a.wants(file.meta) {
                a.visit(&cf);
            }
        }
    }
    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut out = Vec::new();
        for a in self.analyzers {
            out.extend(a.finish(repo));
        }
        out
    }
}

/// One [`crate::rx::Gate`] per language (indexed by `Lang as usize`) over `patterns`, each given
/// with the language it is for (`None`: every language).
pub(crate) fn lang_gates(patterns: &[(Option<Lang>, &str)]) -> Vec<crate::rx::Gate> {
    [Lang::Js, Lang::Python, Lang::Rust, Lang::Go]
        .into_iter()
        .map(|l| {
            crate::rx::Gate::new(
                patterns
                    .iter()
                    .map(|&(pl, p)| pl.is_none_or(|x| x == l).then_some(p)),
            )
        })
        .collect()
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it.
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Takes a mutex's data, recovering it if poisoned.
pub fn take<T>(m: Mutex<T>) -> T {
    m.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The web frameworks that serve HTTP (as named by stack detection).
pub const WEB_FRAMEWORKS: &[&str] = &[
    "express", "fastify", "nestjs", "encore", "koa", "hono", "next", "django", "fastapi", "flask",
    "axum", "actix", "rocket", "warp", "gin", "echo", "fiber", "chi", "gorilla",
];

/// Whether the repository serves HTTP: a web framework was detected, or `server_hits` (files
/// that start a server) is non-empty.
pub fn serves_http(repo: &Repo, server_hits: &[Hit]) -> bool {
    WEB_FRAMEWORKS.iter().any(|f| repo.has_framework(f)) || !server_hits.is_empty()
}

/// Code that starts an HTTP server (for repositories without a detected web framework).
pub static SERVER_START: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    crate::rx::dynamic(
        r"\b(?:http\.ListenAndServe(?:TLS)?|http\.Serve|createServer|uvicorn\.run|HttpServer::new|axum::serve|hyper::Server::bind|web\.run_app|serve_forever|app\.listen)\s*\(",
    )
    .unwrap_or_else(|e| panic!("invalid built-in pattern: {e}"))
});

/// The web frameworks detected, for messages.
pub fn web_frameworks(repo: &Repo) -> Vec<&'static str> {
    WEB_FRAMEWORKS
        .iter()
        .copied()
        .filter(|f| repo.has_framework(f))
        .collect()
}

/// The not-applicable verdict of a check about HTTP services, in a repository that serves none.
pub fn no_http_service(check: &golive_core::Check) -> Finding {
    Finding::new(
        check,
        Outcome::NotApplicable,
        "no HTTP service in the code (no web framework detected, no server started)",
    )
}

/// Pass when `hits` is non-empty; fail when the service serves HTTP; not applicable otherwise.
pub fn presence(
    id: &str,
    hits: &[Hit],
    serves: bool,
    pass: &str,
    fail: &str,
    looked: &str,
) -> Finding {
    let check = Catalog::builtin().check(id);
    if let Some(first) = hits.first() {
        let mut f = Finding::new(
            check,
            Outcome::Pass,
            format!("{pass}: {} ({})", first.what, first.locator()),
        );
        f.evidence = hits.iter().take(5).map(Hit::evidence).collect();
        return f;
    }
    if !serves {
        return no_http_service(check);
    }
    Finding::new(check, Outcome::Fail, fail).with_evidence(Evidence::note(looked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_js_comments_keeps_strings() {
        let t = "a('x') // cors()\n/* app.get('/health') */ b(\"// not a comment\")\n";
        let l = lex(t, Lang::Js);
        assert_eq!(l.code.len(), t.len());
        assert!(!l.code.contains("cors()"));
        assert!(!l.code.contains("/health"));
        assert!(l.code.contains("\"// not a comment\""));
        assert!(l.bare.contains("b(\"                \")"));
    }

    #[test]
    fn python_strings_and_comments() {
        let t = "x = '#no'  # CORS(app)\ns = \"\"\"doc\n# still doc\n\"\"\"\nprint(1)\n";
        let l = lex(t, Lang::Python);
        assert!(l.code.contains("'#no'"));
        assert!(!l.code.contains("CORS(app)"));
        assert!(l.code.contains("# still doc"));
        assert!(!l.bare.contains("still doc"));
        assert!(l.bare.contains("print(1)"));
    }

    #[test]
    fn rust_chars_lifetimes_raw_and_nested() {
        let t = "fn f<'a>(x: &'a str) -> char { '\"' }\n/* a /* b */ c */ let s = r#\"x\"y\"#; // t\nok()";
        let l = lex(t, Lang::Rust);
        assert!(l.code.contains("fn f<'a>"));
        assert!(!l.code.contains(" c */"));
        assert!(l.code.contains("r#\"x\"y\"#"));
        assert!(!l.code.contains("// t"));
        assert!(l.code.contains("ok()"));
    }

    #[test]
    fn rust_byte_raw_strings_and_raw_identifiers() {
        let t = "let a = br#\"x // y\"#; let r#type = 1; // gone\nlet s = \"a\\\"b\"; call()";
        let l = lex(t, Lang::Rust);
        assert!(l.code.contains("br#\"x // y\"#"), "{}", l.code);
        assert!(l.code.contains("r#type = 1;"));
        assert!(!l.code.contains("gone"));
        assert!(l.bare.contains("call()"));
        let spans: Vec<&str> = l.strings.iter().map(|&(a, b)| &t[a..b]).collect();
        assert_eq!(spans, vec!["x // y", "a\\\"b"]);
        // `for"` is not a raw string: the `r` ends an identifier
        let l = lex("for\"a\\\"b\" x", Lang::Rust);
        assert_eq!(l.strings, vec![(4, 8)]);
    }

    #[test]
    fn go_raw_strings_and_runes() {
        let t = "s := `a // b`\nr := '\"'\n// c\nx()";
        let l = lex(t, Lang::Go);
        assert!(l.code.contains("`a // b`"));
        assert!(!l.code.contains("// c"));
        assert!(l.code.contains("x()"));
    }

    #[test]
    fn multibyte_survives() {
        let t = "// é commentaire\nlet x = \"naïve\"; /* ü */";
        let l = lex(t, Lang::Js);
        assert_eq!(l.code.len(), t.len());
        assert!(l.code.contains("naïve"));
        assert!(!l.code.contains('ü'));
    }

    #[test]
    fn malformed_input_never_panics() {
        let cases = [
            "/*",
            "/* /* */",
            "\"abc\\",
            "'",
            "\\",
            "r#\"",
            "r##\"x\"#",
            "`",
            "```",
            "\"\"\"",
            "'''",
            "#",
            "//",
            "'\\",
            "x = '\n",
            "é'",
            "'é",
            "f\"{",
            "/",
            "r",
            "\"é",
        ];
        for t in cases {
            for lang in [Lang::Js, Lang::Python, Lang::Rust, Lang::Go] {
                let l = lex(t, lang);
                assert_eq!(l.code.len(), t.len(), "{lang:?} {t:?}");
                assert_eq!(l.bare.len(), t.len(), "{lang:?} {t:?}");
                for &(a, b) in &l.strings {
                    assert!(a <= b && b <= t.len(), "{lang:?} {t:?} {a}..{b}");
                }
            }
        }
    }

    #[test]
    fn string_spans() {
        let t = "a = \"SELECT 1\"; b = 'x'";
        let l = lex(t, Lang::Js);
        let spans: Vec<&str> = l.strings.iter().map(|&(a, b)| &t[a..b]).collect();
        assert_eq!(spans, vec!["SELECT 1", "x"]);
        let t = "q = f\"\"\"SELECT {x}\"\"\"";
        let l = lex(t, Lang::Python);
        let spans: Vec<&str> = l.strings.iter().map(|&(a, b)| &t[a..b]).collect();
        assert_eq!(spans, vec!["SELECT {x}"]);
    }

    #[test]
    fn matching_parens() {
        let t = "f(a, g(b), [c])x";
        assert_eq!(matching_close(t, 1, 100), Some(15));
        assert_eq!(matching_close("f(a", 1, 100), None);
    }
}
