//! Secrets: finding them in a text ([`detect`], with the filters of [`gates`]) and masking them
//! in everything golive prints.
//!
//! One detector serves every collector: the static scan reports what [`detect::scan`] finds in
//! a repository; the live collectors (probe, smoke, load) run what a server sent back through
//! [`mask_text`] before it reaches a report, and mask every value golive itself sent (headers,
//! tokens, URL credentials, captured values) with a [`Redactor`].

pub mod detect;
pub mod gates;

use crate::{Evidence, Finding, mask_secret};
use regex::Regex;
use std::sync::OnceLock;

/// Names whose value is a secret wherever they are assigned (`DB_PASSWORD=…`, `"token": "…"`,
/// `Authorization: Bearer …`, `?api_key=…`, `Set-Cookie: session=…`).
fn secret_named() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?i)[A-Za-z0-9_.\-]*(?:secret|passw(?:or)?d|pwd|token|api[_\-]?key|private[_\-]?key|access[_\-]?key|credential|authori[sz]ation|cookie|session|database_url|dsn)[A-Za-z0-9_.\-]*["']?\s*[=:]\s*["']?(?:(?:Bearer|Basic|Token|Digest)\s+)?([^\s"',;&<>}\]\\]{4,})"#,
        )
        .ok()
    })
    .as_ref()
}

/// Masks every secret in a free text (a response body, an error message): what the secrets
/// detector finds (vendor keys, private keys, JWTs, URL passwords, random-looking assigned
/// values) and the value of every secret-named assignment, random-looking or not
/// (`DB_PASSWORD=hunter2hunter2`). The rest of the text is kept as it is.
pub fn mask_text(text: &str) -> String {
    let rules = detect::FileRules {
        generic: true,
        unquoted: true,
        ..Default::default()
    };
    let mut spans: Vec<(usize, usize)> = detect::scan(text, rules)
        .into_iter()
        .filter(|h| h.end > h.start)
        .map(|h| (h.start, h.end))
        .collect();
    if let Some(re) = secret_named() {
        for c in re.captures_iter(text) {
            if let Some(v) = c.get(1) {
                spans.push((v.start(), v.end()));
            }
        }
    }
    if spans.is_empty() {
        return text.to_string();
    }
    spans.sort();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (a, b) in spans {
        let a = a.max(pos);
        if b <= a || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
            continue;
        }
        out.push_str(&text[pos..a]);
        out.push_str(&mask_secret(&text[a..b]));
        pos = b;
    }
    out.push_str(&text[pos..]);
    out
}

/// `scheme://user:password@host/…` → `scheme://host/…` in a URL string (the text is returned as
/// it is when it has no credentials).
pub fn strip_userinfo(url: &str) -> String {
    let Some(i) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[i + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{}{}", &url[..i + 3], &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// [`strip_userinfo`] for every URL inside a free text (a message).
pub fn strip_userinfo_in_text(text: &str) -> String {
    if !text.contains("://") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        out.push_str(&rest[..i + 3]);
        let after = &rest[i + 3..];
        let end = after
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | '`' | '"' | '\'' | '<' | '>' | ')')
                    || c.is_whitespace()
            })
            .unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(at) => out.push_str(&authority[at + 1..]),
            None => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The values golive sent (header values, tokens, URL credentials, captured values): every
/// occurrence in a finding is replaced by its mask, whatever the server did with it (an echo
/// server returns them in its body).
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    values: Vec<String>,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// Adds a secret value. `Bearer abc…` adds the part after the scheme; a cookie list adds each
    /// cookie's value. Values shorter than 4 characters are ignored (masking them everywhere
    /// would mangle ordinary words).
    pub fn add(&mut self, value: &str) {
        let v = value.trim();
        let mut parts: Vec<&str> = vec![v];
        if let Some((scheme, rest)) = v.split_once(' ')
            && !scheme.is_empty()
            && scheme.chars().all(|c| c.is_ascii_alphabetic())
        {
            parts.push(rest.trim());
        }
        for c in v.split(';') {
            if let Some((_, val)) = c.split_once('=') {
                parts.push(val.trim());
            }
        }
        for p in parts {
            if p.chars().count() >= 4 && !self.values.iter().any(|x| x == p) {
                self.values.push(p.to_string());
            }
        }
        self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }

    /// Adds a header golive sent, unless its name says it is not a secret (`Accept`,
    /// `Content-Type`, …): any other header may carry a credential.
    pub fn add_header(&mut self, name: &str, value: &str) {
        const PLAIN: &[&str] = &[
            "accept",
            "accept-encoding",
            "accept-language",
            "content-type",
            "content-length",
            "user-agent",
            "host",
            "origin",
            "referer",
            "cache-control",
            "connection",
            "pragma",
        ];
        if !PLAIN.contains(&name.trim().to_ascii_lowercase().as_str()) {
            self.add(value);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The text with every known value masked (longest first, so a value that contains another
    /// is masked whole).
    pub fn redact(&self, text: &str) -> String {
        let mut s = text.to_string();
        for v in &self.values {
            if s.contains(v.as_str()) {
                s = s.replace(v.as_str(), &mask_secret(v));
            }
        }
        s
    }

    fn clean(&self, s: &mut String) {
        if !self.values.is_empty() {
            *s = self.redact(s);
        }
    }

    /// Masks a finding in place: the known values everywhere (message and every evidence
    /// field), URL credentials in evidence URLs, and [`mask_text`] over response bodies and
    /// notes.
    pub fn finding(&self, f: &mut Finding) {
        f.message = strip_userinfo_in_text(&f.message);
        self.clean(&mut f.message);
        for e in &mut f.evidence {
            match e {
                Evidence::File { path, snippet, .. } => {
                    self.clean(path);
                    if let Some(s) = snippet {
                        self.clean(s);
                    }
                }
                Evidence::Http {
                    url,
                    request_headers,
                    response_headers,
                    body_excerpt,
                    ..
                } => {
                    *url = strip_userinfo(url);
                    self.clean(url);
                    for h in request_headers
                        .iter_mut()
                        .chain(response_headers.iter_mut())
                    {
                        self.clean(&mut h.value);
                    }
                    if let Some(b) = body_excerpt {
                        *b = mask_text(&self.redact(b));
                    }
                }
                Evidence::Metric {
                    name, threshold, ..
                } => {
                    self.clean(name);
                    if let Some(t) = threshold {
                        self.clean(t);
                    }
                }
                Evidence::Command {
                    command,
                    output_excerpt,
                    ..
                } => {
                    self.clean(command);
                    if let Some(o) = output_excerpt {
                        *o = mask_text(&self.redact(o));
                    }
                }
                Evidence::SignOff {
                    note, evidence_url, ..
                } => {
                    if let Some(n) = note {
                        self.clean(n);
                    }
                    if let Some(u) = evidence_url {
                        *u = strip_userinfo(u);
                        self.clean(u);
                    }
                }
                Evidence::Note { text } => {
                    *text = mask_text(&self.redact(&strip_userinfo_in_text(text)));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_bodies_are_masked_whatever_the_value_looks_like() {
        let body = "APP_NAME=shop\nDB_PASSWORD=hunter2hunter2\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz\nSTRIPE=sk_live_51HqLyjWDarjtT1zdp7dcXYZabcdEF\n";
        let m = mask_text(body);
        assert!(m.contains("APP_NAME=shop"), "{m}");
        for secret in [
            "hunter2hunter2",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz",
            "sk_live_51HqLyjWDarjtT1zdp7dcXYZabcdEF",
        ] {
            assert!(!m.contains(secret), "{secret} in {m}");
        }
    }

    #[test]
    fn json_headers_and_queries_are_masked() {
        let m = mask_text(
            r#"{"authorization":"Bearer abcdefghijklmnop","password":"hunter2hunter2"} /x?api_key=qwertyuiop1234"#,
        );
        assert!(!m.contains("abcdefghijklmnop"), "{m}");
        assert!(!m.contains("hunter2hunter2"), "{m}");
        assert!(!m.contains("qwertyuiop1234"), "{m}");
        assert!(m.contains("Bearer "), "{m}");
        let plain = "Traceback (most recent call last):\n  File \"/app/x.py\", line 3";
        assert_eq!(mask_text(plain), plain);
    }

    #[test]
    fn userinfo_is_stripped() {
        assert_eq!(
            strip_userinfo("http://admin:P4ss@127.0.0.1:8080/a?b=c@d"),
            "http://127.0.0.1:8080/a?b=c@d"
        );
        assert_eq!(strip_userinfo("http://h/x@y"), "http://h/x@y");
        assert_eq!(strip_userinfo("not a url"), "not a url");
        assert_eq!(
            strip_userinfo_in_text("GET http://u:p@h:1/x failed; see `https://a:b@c`"),
            "GET http://h:1/x failed; see `https://c`"
        );
    }

    #[test]
    fn redactor_masks_sent_values_everywhere() {
        let mut r = Redactor::new();
        r.add_header("Authorization", "Bearer tok-1234567890abcdef");
        r.add_header("Cookie", "sid=cookie-value-123456; theme=dark");
        r.add_header("Accept", "application/json");
        let s =
            r.redact("echo: Bearer tok-1234567890abcdef sid=cookie-value-123456 application/json");
        assert!(!s.contains("tok-1234567890abcdef"), "{s}");
        assert!(!s.contains("cookie-value-123456"), "{s}");
        assert!(s.contains("application/json"), "{s}");
    }
}
