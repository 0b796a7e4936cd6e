//! Text repair before parsing.
//!
//! Checklists travel through editors, chat tools and JSON strings, and come back damaged:
//!
//! - UTF-8 bytes decoded as Mac Roman and saved again (`‚úÖ` for ✅, `√©` for é);
//! - UTF-8 bytes decoded as Windows-1252 / Latin-1 and saved again (`âœ…` for ✅, `Ã©` for é);
//! - a whole file on one line with literal `\n` escapes (a JSON string pasted as is);
//! - a byte-order mark, CRLF line ends, a stray quote at the end.
//!
//! Mojibake is repaired per sequence, not per file: a line may mix intact and damaged characters.
//! At each non-ASCII character, the repairer maps the following characters back to the bytes the
//! wrong decoder read (with `encoding_rs`'s `macintosh` and `windows-1252` tables) and accepts
//! the result only when those bytes form exactly one well-formed UTF-8 character that is
//! plausible text: never a C1 control, a private-use character, or a combining mark that does not
//! follow a character repaired in the same place (so `Ã©` becomes `é`, not U+0329). Intact
//! accented text never changes: `é` alone maps to one byte, which is not a UTF-8 sequence.

use encoding_rs::Encoding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What was repaired, and how many places.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repairs {
    /// Characters restored from Mac Roman mojibake (`√©` → é counts one).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mac_roman: usize,
    /// Characters restored from Windows-1252 / Latin-1 mojibake (`Ã©` → é counts one).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub windows_1252: usize,
    /// Literal `\n` escapes turned into line breaks (one-line files only).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub escaped_newlines: usize,
    /// Byte-order marks removed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub bom: usize,
    /// CRLF (or lone CR) line ends normalised to LF.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub crlf: usize,
    /// Stray quotes removed at the start or end of the file.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub stray_quote: usize,
    /// Bytes that were not UTF-8 at all, replaced by U+FFFD (reported, not repaired).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub invalid_utf8: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Repairs {
    /// Total number of repaired places (invalid bytes are not repairs).
    pub fn total(&self) -> usize {
        self.mac_roman
            + self.windows_1252
            + self.escaped_newlines
            + self.bom
            + self.crlf
            + self.stray_quote
    }

    /// Adds another file's counts.
    pub fn add(&mut self, o: &Repairs) {
        self.mac_roman += o.mac_roman;
        self.windows_1252 += o.windows_1252;
        self.escaped_newlines += o.escaped_newlines;
        self.bom += o.bom;
        self.crlf += o.crlf;
        self.stray_quote += o.stray_quote;
        self.invalid_utf8 += o.invalid_utf8;
    }

    /// Human lines: "Mac Roman mojibake: 412 characters restored".
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |n: usize, what: &str| {
            if n > 0 {
                out.push(format!("{what}: {n}"));
            }
        };
        push(
            self.mac_roman,
            "UTF-8 read as Mac Roman (`√©`, `‚úÖ`), characters restored",
        );
        push(
            self.windows_1252,
            "UTF-8 read as Windows-1252/Latin-1 (`Ã©`, `âœ…`), characters restored",
        );
        push(
            self.escaped_newlines,
            "literal \\n escapes turned into line breaks",
        );
        push(self.bom, "byte-order mark removed");
        push(self.crlf, "CRLF line ends normalised");
        push(self.stray_quote, "stray quote removed");
        push(
            self.invalid_utf8,
            "bytes that are not UTF-8 (replaced by U+FFFD, left as is)",
        );
        out
    }

    /// Counts by name, for JSON.
    pub fn as_map(&self) -> BTreeMap<&'static str, usize> {
        let mut m = BTreeMap::new();
        for (k, v) in [
            ("mac_roman", self.mac_roman),
            ("windows_1252", self.windows_1252),
            ("escaped_newlines", self.escaped_newlines),
            ("bom", self.bom),
            ("crlf", self.crlf),
            ("stray_quote", self.stray_quote),
            ("invalid_utf8", self.invalid_utf8),
        ] {
            if v > 0 {
                m.insert(k, v);
            }
        }
        m
    }
}

/// Characters that look like mojibake left over (used by tests and the import warnings).
pub const DAMAGE_MARKERS: [&str; 5] = ["√", "‚", "Ã", "â€", "ðŸ"];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Enc {
    MacRoman,
    Windows1252,
}

/// char → byte for the high half (0x80–0xFF) of one single-byte encoding, sorted by char.
struct Table(Vec<(char, u8)>);

impl Table {
    fn get(&self, c: &char) -> Option<&u8> {
        self.0
            .binary_search_by(|(k, _)| k.cmp(c))
            .ok()
            .map(|i| &self.0[i].1)
    }
}

fn table(enc: Enc) -> &'static Table {
    static MAC: OnceLock<Table> = OnceLock::new();
    static WIN: OnceLock<Table> = OnceLock::new();
    let build = |encoding: &'static Encoding, latin1_c1: bool| {
        let mut m = BTreeMap::new();
        for b in 0x80u8..=0xFF {
            let one = [b];
            let (s, _, had_errors) = encoding.decode(&one);
            if !had_errors && let Some(c) = s.chars().next() {
                m.entry(c).or_insert(b);
            }
            if latin1_c1 && (0x80..=0x9F).contains(&b) {
                // Latin-1 reads 0x80–0x9F as C1 controls where Windows-1252 has punctuation.
                m.entry(char::from(b)).or_insert(b);
            }
        }
        Table(m.into_iter().collect())
    };
    match enc {
        Enc::MacRoman => MAC.get_or_init(|| build(encoding_rs::MACINTOSH, false)),
        Enc::Windows1252 => WIN.get_or_init(|| build(encoding_rs::WINDOWS_1252, true)),
    }
}

fn utf8_len(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

fn is_combining(c: char) -> bool {
    let u = c as u32;
    (0x0300..=0x036F).contains(&u)
        || (0x1AB0..=0x1AFF).contains(&u)
        || (0x1DC0..=0x1DFF).contains(&u)
        || (0x20D0..=0x20FF).contains(&u)
        || (0xFE00..=0xFE0F).contains(&u)
        || (0xFE20..=0xFE2F).contains(&u)
        || u == 0x200D
        || (0xE0100..=0xE01EF).contains(&u)
}

/// Whether a repaired character is text a checklist plausibly holds. Intact text can look like a
/// mis-decoded sequence by accident (`“ç` is the Mac Roman reading of the bytes of `ҍ`), so only
/// the blocks real checklists use are accepted: Latin letters, punctuation and symbols, arrows,
/// box drawing, dingbats and emoji. Combining marks, variation selectors and joiners only count
/// right after another repaired character (the `️` of `⚠️`).
fn plausible(c: char, after_repaired: bool) -> bool {
    let u = c as u32;
    if is_combining(c) || u == 0x20E3 {
        return after_repaired;
    }
    matches!(u,
        0x00A0..=0x017F
        | 0x2000..=0x2BFF
        | 0x1F000..=0x1FAFF
    ) && u != 0x2028
        && u != 0x2029
}

/// Tries to read the UTF-8 character whose bytes were mis-decoded as `chars[i..]` in `enc`.
/// Returns the character and how many input characters it consumed.
fn try_seq(chars: &[char], i: usize, enc: Enc, after_repaired: bool) -> Option<(char, usize)> {
    let t = table(enc);
    let lead = *t.get(&chars[i])?;
    let n = utf8_len(lead)?;
    if i + n > chars.len() {
        return None;
    }
    let mut bytes = [0u8; 4];
    bytes[0] = lead;
    for k in 1..n {
        let b = *t.get(&chars[i + k])?;
        if !(0x80..=0xBF).contains(&b) {
            return None;
        }
        bytes[k] = b;
    }
    let s = std::str::from_utf8(&bytes[..n]).ok()?;
    let c = s.chars().next()?;
    plausible(c, after_repaired).then_some((c, n))
}

/// Repairs mojibake in one line; adds counts to `rep`.
fn repair_mojibake(line: &str, rep: &mut Repairs) -> String {
    if line.is_ascii() {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let mut last_repaired_end = usize::MAX;
    let mut last_enc: Option<Enc> = None;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii() {
            out.push(c);
            i += 1;
            continue;
        }
        // A combining mark or variation selector may only complete a character repaired just
        // before, from the same encoding (`⚠` + `️`). When both readings work, the one that
        // gives a character of its own wins: `Ã©` after a repaired `é` is another `é`, not a
        // U+0329 hanging on it.
        let after = |enc: Enc| last_repaired_end == i && last_enc == Some(enc);
        let mac = try_seq(&chars, i, Enc::MacRoman, after(Enc::MacRoman));
        let win = try_seq(&chars, i, Enc::Windows1252, after(Enc::Windows1252));
        let found = match (mac, win) {
            (Some(m), Some(w)) if is_combining(m.0) && !is_combining(w.0) => {
                Some((w, Enc::Windows1252))
            }
            (Some(m), _) => Some((m, Enc::MacRoman)),
            (None, Some(w)) => Some((w, Enc::Windows1252)),
            (None, None) => None,
        };
        match found {
            Some(((fixed, used), enc)) => {
                out.push(fixed);
                match enc {
                    Enc::MacRoman => rep.mac_roman += 1,
                    Enc::Windows1252 => rep.windows_1252 += 1,
                }
                i += used;
                last_repaired_end = i;
                last_enc = Some(enc);
            }
            None => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Decodes raw bytes (lossily: invalid UTF-8 becomes U+FFFD and is counted) and repairs the text.
pub fn repair_bytes(bytes: &[u8]) -> (String, Repairs) {
    let mut rep = Repairs::default();
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let s = String::from_utf8_lossy(bytes).into_owned();
            rep.invalid_utf8 = s.matches('\u{FFFD}').count();
            s
        }
    };
    let (out, r2) = repair(&text);
    rep.add(&r2);
    (out, rep)
}

/// Repairs text: BOM, line ends, literal `\n` escapes, stray quotes, then mojibake line by line.
pub fn repair(input: &str) -> (String, Repairs) {
    let mut rep = Repairs::default();
    let mut text = input;
    while let Some(rest) = text.strip_prefix('\u{FEFF}') {
        rep.bom += 1;
        text = rest;
    }
    let mut s = String::with_capacity(text.len());
    {
        let mut it = text.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\r' {
                if it.peek() == Some(&'\n') {
                    it.next();
                }
                rep.crlf += 1;
                s.push('\n');
            } else {
                s.push(c);
            }
        }
    }
    // A file that is one long line with literal \n escapes: a JSON string pasted as is.
    let real_lines = s.trim_end().matches('\n').count();
    let escapes = s.matches("\\n").count();
    if real_lines == 0 && escapes >= 2 {
        rep.escaped_newlines = escapes;
        s = s
            .replace("\\r\\n", "\n")
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\"", "\"");
    }
    // Stray quotes: a leading quote before the first Markdown token, an unbalanced final quote.
    {
        let trimmed = s.trim_start();
        if let Some(rest) = trimmed.strip_prefix('"')
            && rest.starts_with(['#', '-', '*', '+'])
        {
            rep.stray_quote += 1;
            s = rest.to_string();
        }
        let end = s.trim_end();
        if end.ends_with('"') {
            let last_line = end.rsplit('\n').next().unwrap_or(end);
            if last_line.trim() == "\"" || last_line.matches('"').count() % 2 == 1 {
                rep.stray_quote += 1;
                let cut = end.len() - 1;
                let mut t = s[..cut].trim_end().to_string();
                t.push('\n');
                s = t;
            }
        }
    }
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&repair_mojibake(line, &mut rep));
    }
    (out, rep)
}

/// Whether text still shows mojibake markers.
pub fn looks_damaged(text: &str) -> bool {
    DAMAGE_MARKERS.iter().any(|m| text.contains(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_roman_sequences() {
        let (s, r) = repair("# ‚úÖ CHECKLIST DE D√âPLOIEMENT - N√ºmtema");
        assert_eq!(s, "# ✅ CHECKLIST DE DÉPLOIEMENT - Nümtema");
        assert_eq!(r.mac_roman, 3);
        let (s, _) = repair("## \u{F8FF}üîß D√©veloppement Local");
        assert_eq!(s, "## 🔧 Développement Local");
        // Emoji with a variation selector: ⚠️ (E2 9A A0 EF B8 8F).
        let (s, _) = repair("## ‚ö†Ô∏è PRODUCTION GAPS");
        assert_eq!(s, "## ⚠\u{FE0F} PRODUCTION GAPS");
    }

    #[test]
    fn windows_1252_sequences_never_become_combining_marks() {
        let (s, r) = repair("DÃ©ploiement âœ… prÃªt ðŸš€ crÃ©Ã©");
        assert_eq!(s, "Déploiement ✅ prêt 🚀 créé");
        assert_eq!(r.windows_1252, 6);
        assert_eq!(r.mac_roman, 0);
        assert!(!s.contains('\u{0329}'));
    }

    #[test]
    fn intact_text_is_left_alone() {
        let (s, r) = repair("Déploiement — vérifier “ça” ✅ 🚀");
        assert_eq!(s, "Déploiement — vérifier “ça” ✅ 🚀");
        assert_eq!(r.total(), 0);
        // A mixed line: intact é next to damaged √©.
        let (s, _) = repair("é√©");
        assert_eq!(s, "éé");
        let (s, r) = repair("“é” «à» ‘è’ Ça, où, œuvre ±5 ≤ 3 • π");
        assert_eq!(s, "“é” «à» ‘è’ Ça, où, œuvre ±5 ≤ 3 • π");
        assert_eq!(r.total(), 0);
    }

    #[test]
    fn structure_repairs() {
        let (s, r) = repair("\u{FEFF}# T\r\n- [ ] a\r\n- [ ] b\r\n");
        assert_eq!(s, "# T\n- [ ] a\n- [ ] b\n");
        assert_eq!(r.bom, 1);
        assert_eq!(r.crlf, 3);
        let (s, r) = repair("\"# T\\n\\n- [ ] a\\n- [ ] b\\n\"");
        assert_eq!(s, "# T\n\n- [ ] a\n- [ ] b\n");
        assert_eq!(r.escaped_newlines, 4);
        assert_eq!(r.stray_quote, 2);
        let (s, r) = repair("# T\n- [ ] a\n\"");
        assert_eq!(s, "# T\n- [ ] a\n");
        assert_eq!(r.stray_quote, 1);
        // A balanced quote at the end is text, not damage.
        let (s, r) = repair("- [ ] say \"hi\"");
        assert_eq!(s, "- [ ] say \"hi\"");
        assert_eq!(r.stray_quote, 0);
    }

    #[test]
    fn invalid_bytes_are_reported() {
        let (s, r) = repair_bytes(b"- [ ] a\xff\xfe b\n");
        assert!(s.contains('\u{FFFD}'));
        assert_eq!(r.invalid_utf8, 2);
    }
}
