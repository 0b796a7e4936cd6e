//! Secrets: hard-coded credentials, private keys and Django `SECRET_KEY` literals.
//!
//! Every text file is read. [`golive_core::secrets::detect::scan`] runs one Aho-Corasick keyword pass over the file and
//! only then looks closer (anchored regexes for vendor formats, a small parser for
//! `name = "value"` assignments gated by randomness). What is verified, per format:
//!
//! - AWS access key ids `AKIA`/`ASIA`/`ABIA`/`ACCA` + 16 base32 characters, whole word, not an
//!   `…EXAMPLE` key; AWS secret access keys: 40 base64 characters assigned to a `*secret*` name on
//!   a line that mentions `aws`, mixed case and digits, at least 4 bits/char of entropy.
//! - GitHub classic tokens `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36 base62 characters whose last 6
//!   are the base62 (`0-9A-Za-z`, left-padded with `0`) CRC32 of the 30 before them: random
//!   look-alikes fail the checksum and are not reported. Fine-grained `github_pat_` tokens:
//!   the `22_59` shape (their checksum is not published).
//! - GitLab `glpat-` tokens, Slack `xox[abposr]-` tokens, `xapp-` app tokens and
//!   `hooks.slack.com` webhooks, Stripe `sk_live_`/`rk_live_` keys (and `sk_test_`/`rk_test_` one
//!   severity step lower): shape plus a placeholder filter.
//! - Private keys: a `-----BEGIN … PRIVATE KEY-----` header followed by base64 key material (a
//!   header alone, as in code that looks for it, is not a key).
//! - JWTs: three base64url parts whose header decodes to a JSON object with an `alg` (not `none`).
//! - Generic assignments in code and config files, see [`golive_core::secrets::gates`].
//!
//! A vendor format wins over the generic rule at the same place, so `slackToken = "xoxb-…"` is
//! one Slack finding. Findings in tests, fixtures and docs are `Warn` at a lowered severity.
//! Secrets are masked in every snippet.

use golive_core::secrets::detect;
pub use golive_core::secrets::detect::github_checksum;
pub(crate) use golive_core::secrets::detect::{is_reserved_example_host, template_userinfo};

use super::Domain;
use crate::repo::{FileMeta, Repo, SourceFile};
use detect::{FileRules, Hit, Kind};
use golive_core::{Catalog, Evidence, Finding, Outcome, mask_secret};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One secret, located and masked, ready to become a finding.
#[derive(Debug)]
struct Located {
    path: String,
    kind: Kind,
    line: u32,
    column: u32,
    snippet: String,
    /// In a test, fixture or doc file.
    lowered: bool,
}

#[derive(Default)]
pub struct Secrets {
    found: Mutex<Vec<Located>>,
    /// (raw, masked) of every secret found, for [`Domain::redactions`].
    raw: Mutex<Vec<(String, String)>>,
    files: AtomicUsize,
    python_files: AtomicUsize,
}

impl Domain for Secrets {
    fn name(&self) -> &'static str {
        "secrets"
    }

    fn wants(&self, _file: &FileMeta) -> bool {
        true
    }

    fn redactions(&self) -> Vec<(String, String)> {
        let mut r = self.raw.lock().map(|r| r.clone()).unwrap_or_default();
        r.sort();
        r.dedup();
        r
    }

    fn visit(&self, file: &SourceFile<'_>) {
        self.files.fetch_add(1, Ordering::Relaxed);
        let rules = FileRules::for_path(file.path());
        if rules.python {
            self.python_files.fetch_add(1, Ordering::Relaxed);
        }
        let hits = detect::scan(file.text, rules);
        if hits.is_empty() {
            return;
        }
        let lowered = file.meta.is_test() || file.meta.is_doc();
        if let Ok(mut r) = self.raw.lock() {
            for h in &hits {
                let raw = &file.text[h.start..h.end];
                r.push((raw.to_string(), mask_secret(raw)));
            }
        }
        let mut located = locate(file.text, file.path(), &hits, lowered);
        // Rust unit tests live in the source file, in `#[cfg(test)]` modules: a key there is test
        // data, reported like one in a test file (not ignored).
        if !lowered && file.path().ends_with(".rs") {
            let tests = rust_test_code(file.text);
            for (l, h) in located.iter_mut().zip(&hits) {
                if tests.iter().any(|&(a, b)| a <= h.at && h.at < b) {
                    l.lowered = true;
                }
            }
        }
        if let Ok(mut f) = self.found.lock() {
            f.extend(located);
        }
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let catalog = Catalog::builtin();
        let files = self.files.load(Ordering::Relaxed);
        let mut found = self.found.into_inner().unwrap_or_else(|e| e.into_inner());
        found.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));

        let django = repo.has_framework("django");
        if django {
            // The Django check owns SECRET_KEY literals: no second, generic finding there.
            let keys: Vec<(String, u32, u32)> = found
                .iter()
                .filter(|l| matches!(l.kind, Kind::DjangoSecretKey { .. }))
                .map(|l| (l.path.clone(), l.line, l.column))
                .collect();
            found.retain(|l| {
                !matches!(l.kind, Kind::Generic { .. })
                    || !keys.contains(&(l.path.clone(), l.line, l.column))
            });
        } else {
            found.retain(|l| !matches!(l.kind, Kind::DjangoSecretKey { .. }));
        }

        let skipped = repo.files.iter().filter(|f| f.skipped.is_some()).count();
        // Files that could hold a credential and were not read: a pass would be a guess.
        let unread: Vec<(&str, &str)> = repo
            .files
            .iter()
            .filter_map(|f| Some((f.path.as_str(), f.skipped.as_deref()?)))
            .filter(|(path, why)| could_hold_secret(path, why))
            .collect();
        let scanned_note = if skipped > 0 {
            format!(
                "{files} text files scanned; {skipped} files not read (binary, too large or \
                 unreadable: see the skipped list)"
            )
        } else {
            format!("{files} text files scanned")
        };

        let mut out = Vec::new();
        for id in [
            "secrets.hardcoded",
            "secrets.private-key",
            "secrets.django-secret-key",
        ] {
            let check = catalog.check(id);
            let mine: Vec<&Located> = found.iter().filter(|l| l.kind.check_id() == id).collect();
            if id == "secrets.django-secret-key" && !django {
                out.push(
                    Finding::new(
                        check,
                        Outcome::NotApplicable,
                        "not a Django project (no Django stack detected)",
                    )
                    .with_evidence(Evidence::note(scanned_note.clone())),
                );
                continue;
            }
            let unread_here = if id == "secrets.django-secret-key" {
                unread
                    .iter()
                    .filter(|(p, _)| p.ends_with(".py"))
                    .copied()
                    .collect::<Vec<_>>()
            } else {
                unread.clone()
            };
            if !unread_here.is_empty() {
                let list: Vec<String> = unread_here
                    .iter()
                    .take(10)
                    .map(|(p, why)| format!("{p} ({why})"))
                    .collect();
                let more = unread_here.len().saturating_sub(list.len());
                let mut f = Finding::new(
                    check,
                    Outcome::Inconclusive,
                    format!(
                        "could not decide: {} file(s) that could hold a {} were not read: {}{}",
                        unread_here.len(),
                        if id == "secrets.django-secret-key" {
                            "SECRET_KEY literal"
                        } else {
                            "credential"
                        },
                        list.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    ),
                );
                f.evidence
                    .extend(unread_here.iter().take(10).map(|(p, _)| Evidence::file(*p)));
                out.push(f);
            }
            if mine.is_empty() {
                if !unread_here.is_empty() {
                    continue;
                }
                let message = match id {
                    "secrets.hardcoded" => "no hard-coded credential found".to_string(),
                    "secrets.private-key" => "no private key block found".to_string(),
                    _ => format!(
                        "SECRET_KEY is not a literal in any of the {} Python files",
                        self.python_files.load(Ordering::Relaxed)
                    ),
                };
                out.push(
                    Finding::new(check, Outcome::Pass, message)
                        .with_evidence(Evidence::note(scanned_note.clone())),
                );
                continue;
            }
            for l in mine {
                let mut severity = check.severity;
                if matches!(l.kind, Kind::StripeTest) {
                    severity = severity.lowered();
                }
                let mut message = l.kind.describe();
                let outcome = if l.lowered {
                    severity = severity.lowered();
                    message.push_str(" (in test code, a fixture or documentation: lower severity)");
                    Outcome::Warn
                } else {
                    Outcome::Fail
                };
                out.push(
                    Finding::new(check, outcome, message)
                        .with_severity(severity)
                        .with_evidence(Evidence::at_with_snippet(
                            &l.path,
                            l.line,
                            l.column,
                            l.snippet.clone(),
                        )),
                );
            }
        }
        out
    }
}

/// Extensions of binary formats (images, archives, fonts, media, compiled code, data files)
/// that secret scanners do not read: one of them not read is not a hole in the scan.
const BINARY_EXTS: &[&str] = &[
    "png",
    "jpg",
    "jpeg",
    "gif",
    "bmp",
    "ico",
    "icns",
    "webp",
    "avif",
    "heic",
    "tif",
    "tiff",
    "psd",
    "ai",
    "sketch",
    "pdf",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "xz",
    "zst",
    "lz4",
    "7z",
    "rar",
    "tar",
    "jar",
    "war",
    "ear",
    "whl",
    "egg",
    "nupkg",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "eot",
    "mp3",
    "mp4",
    "m4a",
    "m4v",
    "wav",
    "ogg",
    "oga",
    "flac",
    "aac",
    "webm",
    "mov",
    "avi",
    "mkv",
    "so",
    "dylib",
    "dll",
    "exe",
    "o",
    "obj",
    "a",
    "lib",
    "rlib",
    "class",
    "pyc",
    "pyo",
    "wasm",
    "bin",
    "dat",
    "db",
    "sqlite",
    "sqlite3",
    "parquet",
    "avro",
    "orc",
    "arrow",
    "feather",
    "onnx",
    "pt",
    "pth",
    "ckpt",
    "safetensors",
    "h5",
    "hdf5",
    "pb",
    "tflite",
    "npy",
    "npz",
    "pkl",
    "iso",
    "dmg",
    "img",
    "deb",
    "rpm",
    "apk",
    "aab",
    "ipa",
    "msi",
];

/// Whether a file the walk did not read could hold a credential the secrets checks would have
/// found: too large or unreadable text (anything but a known binary format), or UTF-16 text.
/// Other binary files (NUL bytes) are not read by secret scanners either.
fn could_hold_secret(path: &str, why: &str) -> bool {
    if why.starts_with("binary file") {
        return why.contains("UTF-16");
    }
    let ext = crate::paths::extension(path).map(str::to_ascii_lowercase);
    !ext.is_some_and(|e| BINARY_EXTS.contains(&e.as_str()))
}

/// Byte ranges of the test code of a Rust source: items under `#[cfg(test)]` (a `mod tests`
/// block, usually) and functions marked `#[test]` or `#[<runtime>::test]`, from the attribute to
/// the closing brace. Found on the lexed text, so that braces in strings and comments do not
/// count.
fn rust_test_code(text: &str) -> Vec<(usize, usize)> {
    static ATTR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        crate::rx::build(
            r"#\[\s*(?:cfg\s*\(\s*test\s*\)|(?:[A-Za-z_][\w]*::)*test)\s*(?:\([^)\]]*\))?\s*\]",
        )
    });
    if !text.contains("test") {
        return Vec::new();
    }
    let lexed = super::code::lex(text, super::code::Lang::Rust);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(m) = ATTR.find_at(&lexed.code, from) {
        let at = m.start();
        from = m.end();
        // the item the attribute applies to (other attributes may come between): its body is
        // the first `{` before any `;` (`#[cfg(test)] use …;` and `mod tests;` have none)
        let rest = &lexed.bare[m.end()..];
        let Some(brace) = rest
            .find(['{', ';'])
            .filter(|&p| rest.as_bytes()[p] == b'{')
        else {
            continue;
        };
        if let Some(end) = super::code::matching_close(&lexed.bare, m.end() + brace, usize::MAX) {
            out.push((at, end));
            from = end;
        }
    }
    out
}

/// Turns a file's hits into located, masked records. Every secret span on a line is masked in
/// the snippets of that line.
fn locate(text: &str, path: &str, hits: &[Hit], lowered: bool) -> Vec<Located> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(hits.len());
    // Incremental line counting: hits come sorted by position.
    let mut line = 1u32;
    let mut counted_to = 0usize;
    for h in hits {
        let at = floor_boundary(text, h.at.min(text.len()));
        if at >= counted_to {
            line += memchr::memchr_iter(b'\n', &bytes[counted_to..at]).count() as u32;
        } else {
            line = 1 + memchr::memchr_iter(b'\n', &bytes[..at]).count() as u32;
        }
        counted_to = at;
        let line_start = memchr::memrchr(b'\n', &bytes[..at])
            .map(|p| p + 1)
            .unwrap_or(0);
        let line_end = memchr::memchr(b'\n', &bytes[at..])
            .map(|p| at + p)
            .unwrap_or(bytes.len());
        let column = text[line_start..at].chars().count() as u32 + 1;
        let snippet = masked_line(text, line_start, line_end, hits);
        out.push(Located {
            path: path.to_string(),
            kind: h.kind.clone(),
            line,
            column,
            snippet,
            lowered,
        });
    }
    out
}

/// The line `start..end` with every hit's secret span replaced by its mask, trimmed, at most 200
/// characters.
fn masked_line(text: &str, start: usize, end: usize, hits: &[Hit]) -> String {
    let mut spans: Vec<(usize, usize)> = hits
        .iter()
        .filter(|h| h.start < end && h.end > start && h.end > h.start)
        .map(|h| {
            (
                floor_boundary(text, h.start.max(start)),
                floor_boundary(text, h.end.min(end)),
            )
        })
        .collect();
    spans.sort();
    let mut s = String::with_capacity(end - start);
    let mut pos = start;
    for (a, b) in spans {
        let a = a.max(pos);
        if b <= a {
            continue;
        }
        s.push_str(&text[pos..a]);
        s.push_str(&mask_secret(&text[a..b]));
        pos = b;
    }
    s.push_str(&text[pos..end]);
    let t = s.trim();
    match t.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &t[..i]),
        None => t.to_string(),
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
