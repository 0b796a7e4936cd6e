//! Building the domains' built-in regexes.
//!
//! Source code is almost all ASCII, but a Unicode `\b` forces the regex engine off its fast DFA
//! paths as soon as a file holds one non-ASCII character (a comment in French, an emoji in a
//! string), which made word-boundary patterns the largest cost of a full audit. Every built-in
//! pattern therefore uses ASCII word boundaries, `(?-u:\b)`; identifiers are ASCII in the stacks
//! golive reads.

use regex::Regex;

/// `pattern` with every `\b` (and `\B`) made an ASCII word boundary. Escaped backslashes are
/// left alone.
pub(crate) fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some('B') => out.push_str(r"(?-u:\B)"),
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A built-in pattern (a programming error if invalid: the domains' tests compile them all).
pub(crate) fn build(pattern: &str) -> Regex {
    Regex::new(&ascii_boundaries(pattern))
        .unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// A pattern made at run time from the scanned text (an identifier found in a file).
pub(crate) fn dynamic(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&ascii_boundaries(pattern))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_become_ascii() {
        assert_eq!(ascii_boundaries(r"\bfoo\b"), r"(?-u:\b)foo(?-u:\b)");
        assert_eq!(ascii_boundaries(r"a\\b"), r"a\\b");
        assert_eq!(ascii_boundaries(r"\s\Bx\."), r"\s(?-u:\B)x\.");
        let r = build(r"\bcors\s*\(");
        assert!(r.is_match("app.use(cors())"));
        assert!(!r.is_match("xcors()"));
        assert!(
            r.is_match("é cors()"),
            "still matches in text with non-ASCII characters"
        );
    }
}
