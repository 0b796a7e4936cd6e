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

/// A set of literal needles, searched leftmost-first.
///
/// `aho_corasick` picks its prefilter by guessing how rare the needles' bytes are in general
/// text; in source code its guesses (`:`, `e`, `.`) are among the commonest bytes, and a search
/// for `env::var` or `figment` then stopped at almost every line. The SIMD "Teddy" searcher
/// looks at the needles' first bytes together, whatever they are, and runs at several GB/s on
/// code: it is used whenever the CPU and the set allow it (up to 64 needles), the automaton
/// otherwise.
pub(crate) struct Literals {
    teddy: Option<aho_corasick::packed::Searcher>,
    ac: aho_corasick::AhoCorasick,
}

impl Literals {
    pub(crate) fn new<I, P>(needles: I) -> Literals
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let needles: Vec<Vec<u8>> = needles.into_iter().map(|p| p.as_ref().to_vec()).collect();
        let teddy = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&needles)
            .build();
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .build(&needles)
            .unwrap_or_else(|e| panic!("invalid built-in needles: {e}"));
        Literals { teddy, ac }
    }

    /// The leftmost match.
    pub(crate) fn find(&self, text: &str) -> Option<aho_corasick::Match> {
        match &self.teddy {
            Some(t) => t.find(text),
            None => self.ac.find(text),
        }
    }

    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.find(text).is_some()
    }

    /// Every non-overlapping match, leftmost-first.
    pub(crate) fn find_iter<'a>(
        &'a self,
        text: &'a str,
    ) -> Box<dyn Iterator<Item = aho_corasick::Match> + 'a> {
        match &self.teddy {
            Some(t) => Box::new(t.find_iter(text)),
            None => Box::new(self.ac.find_iter(text)),
        }
    }
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

    #[test]
    fn literals_find_leftmost_first_like_the_automaton() {
        let l = Literals::new(["env::var", "envy::", "figment", "Figment"]);
        let t = "let a = std::env::var(\"X\"); Figment::new(); envy::from_env()";
        let got: Vec<(usize, usize)> = l
            .find_iter(t)
            .map(|m| (m.pattern().as_usize(), m.start()))
            .collect();
        assert_eq!(got, vec![(0, 13), (3, 28), (1, 44)]);
        assert!(!l.is_match("environment variables"));
        // more needles than Teddy takes: the automaton answers the same way
        let many: Vec<String> = (0..100).map(|i| format!("needle{i:03}")).collect();
        let l = Literals::new(&many);
        assert_eq!(l.find("xx needle042 needle007").map(|m| m.start()), Some(3));
    }
}
