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
pub(crate) enum Literals {
    Teddy(aho_corasick::packed::Searcher),
    Automaton(aho_corasick::AhoCorasick),
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
        match teddy {
            Some(t) => Literals::Teddy(t),
            None => Literals::Automaton(
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                    .build(&needles)
                    .unwrap_or_else(|e| panic!("invalid built-in needles: {e}")),
            ),
        }
    }

    /// The leftmost match.
    pub(crate) fn find(&self, text: &str) -> Option<aho_corasick::Match> {
        self.find_at(text, 0)
    }

    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.find(text).is_some()
    }

    /// The leftmost match starting at or after `at`.
    pub(crate) fn find_at(&self, text: &str, at: usize) -> Option<aho_corasick::Match> {
        let span = aho_corasick::Span::from(at..text.len());
        match self {
            Literals::Teddy(t) => t.find_in(text, span),
            Literals::Automaton(a) => a.find(aho_corasick::Input::new(text).span(span)),
        }
    }

    /// Every non-overlapping match, leftmost-first.
    pub(crate) fn find_iter<'a>(
        &'a self,
        text: &'a str,
    ) -> Box<dyn Iterator<Item = aho_corasick::Match> + 'a> {
        match self {
            Literals::Teddy(t) => Box::new(t.find_iter(text)),
            Literals::Automaton(a) => Box::new(a.find_iter(text)),
        }
    }
}

/// Literals one of which starts every match of `pattern` (as the regex engine compiles it),
/// or `None` when they cannot be known or are too short to be worth a search (under 3 bytes).
pub(crate) fn required_prefixes(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::parse(&ascii_boundaries(pattern)).ok()?;
    let seq = regex_syntax::hir::literal::Extractor::new().extract(&hir);
    let lits = seq.literals()?;
    if lits.is_empty() || lits.iter().any(|l| l.as_bytes().len() < 3) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// One search over a file that tells which of several patterns can match in it, so that only
/// those are run: the patterns' required prefixes (see [`required_prefixes`]) go in one
/// [`Literals`] searcher.
///
/// The searcher is leftmost-first; to see every needle wherever it starts, the search resumes
/// one byte after each match start (not after its end), needles are ordered shortest first, and
/// a needle also stands for every longer needle it is a prefix of: at any position, the match
/// reported is the shortest needle there, a prefix of all the others there.
pub(crate) struct Gate {
    literals: Option<Literals>,
    /// For each needle, the patterns it makes candidates.
    owners: Vec<Vec<usize>>,
    /// Patterns always run (no usable prefixes).
    always: Vec<usize>,
    patterns: usize,
}

impl Gate {
    /// A gate over `patterns`; `None` entries never match (another language's pattern).
    pub(crate) fn new<'a>(patterns: impl IntoIterator<Item = Option<&'a str>>) -> Gate {
        let mut needles = Needles::new();
        let mut always = Vec::new();
        let mut count = 0;
        for (i, p) in patterns.into_iter().enumerate() {
            count = i + 1;
            let Some(p) = p else { continue };
            match required_prefixes(p) {
                Some(lits) => {
                    for l in lits {
                        needles.entry(l).or_default().push(i);
                    }
                }
                None => always.push(i),
            }
        }
        // A prefix of a required prefix is one too: the needles are cut shorter until the SIMD
        // searcher takes them all (64 at most), but never under 3 bytes.
        let mut cut = 16;
        while cut > 3 && trimmed(&needles, cut).len() > 64 {
            cut -= 1;
        }
        let needles = trimmed(&needles, cut);
        let mut list: Vec<(Vec<u8>, Vec<usize>)> = needles.into_iter().collect();
        // a needle stands for the longer needles it begins
        let snapshot = list.clone();
        for (n, owners) in &mut list {
            for (m, o) in &snapshot {
                if m.len() > n.len() && m.starts_with(n) {
                    owners.extend(o);
                }
            }
            owners.sort_unstable();
            owners.dedup();
        }
        list.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(&b.0)));
        let literals = (!list.is_empty()).then(|| Literals::new(list.iter().map(|(n, _)| n)));
        Gate {
            literals,
            owners: list.into_iter().map(|(_, o)| o).collect(),
            always,
            patterns: count,
        }
    }

    /// For each pattern, whether it may match in `text`.
    pub(crate) fn candidates(&self, text: &str) -> Vec<bool> {
        let mut may = vec![false; self.patterns];
        for &i in &self.always {
            may[i] = true;
        }
        let Some(lits) = &self.literals else {
            return may;
        };
        let mut at = 0;
        while at < text.len() {
            let Some(m) = lits.find_at(text, at) else {
                break;
            };
            for &i in &self.owners[m.pattern().as_usize()] {
                may[i] = true;
            }
            at = m.start() + 1;
        }
        may
    }
}

type Needles = std::collections::BTreeMap<Vec<u8>, Vec<usize>>;

/// `needles` cut to at most `len` bytes, owners merged.
fn trimmed(needles: &Needles, len: usize) -> Needles {
    let mut out = Needles::new();
    for (n, owners) in needles {
        out.entry(n[..n.len().min(len)].to_vec())
            .or_default()
            .extend(owners);
    }
    for o in out.values_mut() {
        o.sort_unstable();
        o.dedup();
    }
    out
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
    fn required_prefixes_of_patterns() {
        let p = |s: &str| {
            required_prefixes(s).map(|v| {
                v.into_iter()
                    .map(|l| String::from_utf8(l).unwrap())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            p(r"\b(?:jwt\.verify|jwtVerify)\s*\("),
            Some(vec!["jwt.verify".to_string(), "jwtVerify".to_string()])
        );
        assert_eq!(p(r"(?:^|[^\w.])print\s*\("), None, "a class first: unknown");
        assert_eq!(p(r"ab|cde"), None, "too short");
        let ci = p(r"(?i)cors").unwrap();
        assert!(ci.contains(&"CORS".to_string()) && ci.contains(&"cors".to_string()));
    }

    #[test]
    fn gate_sees_every_needle_even_inside_or_under_another() {
        let pats = [
            Some(r"\benv::var\b"),
            Some(r"xenv::\w+"),
            Some(r"tracing_subscriber::fmt"),
            Some(r"tracing::info"),
            None,
            Some(r"(?:^|\s)print\("),
        ];
        let g = Gate::new(pats);
        // `xenv::` starts before `env::var` inside it; `tracing::` shares a prefix
        assert_eq!(
            g.candidates("let a = xenv::var; tracing_subscriber::fmt()"),
            vec![true, true, true, false, false, true]
        );
        assert_eq!(
            g.candidates("tracing::info!()"),
            vec![false, false, false, true, false, true]
        );
        assert_eq!(
            g.candidates(""),
            vec![false, false, false, false, false, true]
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
