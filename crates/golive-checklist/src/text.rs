//! Text helpers: folding for matching (lowercase, no accents), slugs and stable item ids.

/// Lowercases and removes accents from Latin letters (`Déploiement` → `deploiement`,
/// `Œuvre` → `oeuvre`). Other characters are kept (lowercased).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let r: &str = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                "a"
            }
            'ç' | 'Ç' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
            'ñ' | 'Ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => "o",
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
            'ý' | 'ÿ' | 'Ý' => "y",
            'œ' | 'Œ' => "oe",
            'æ' | 'Æ' => "ae",
            'ß' => "ss",
            '’' | '‘' | 'ʼ' => "'",
            _ => {
                for l in c.to_lowercase() {
                    out.push(l);
                }
                continue;
            }
        };
        out.push_str(r);
    }
    out
}

/// Folded text reduced to ASCII letters and digits separated by single spaces.
pub fn normalize(s: &str) -> String {
    let f = fold(s);
    let mut out = String::with_capacity(f.len());
    let mut gap = false;
    for c in f.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    out
}

/// A slug of at most `max` bytes: `tests-unitaires-passent-npm-test`.
pub fn slug(s: &str, max: usize) -> String {
    let n = normalize(s);
    let mut out = String::new();
    for w in n.split(' ') {
        if w.is_empty() {
            continue;
        }
        let extra = if out.is_empty() { w.len() } else { w.len() + 1 };
        if out.len() + extra > max {
            if out.is_empty() {
                out.push_str(&w[..max.min(w.len())]);
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        out.push_str("item");
    }
    out
}

/// FNV-1a, 64 bits: a small, stable, documented hash (ids must not change between versions or
/// platforms, which rules out the standard library's randomised hasher).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The stable id of an item: a slug of its text and six hex digits of a hash of its normalised
/// section path and text. It depends on nothing else, so reordering items or editing a
/// neighbour leaves it unchanged; status marks, emoji, accents, case and punctuation in the
/// section titles do not count.
pub fn item_id(section: &[String], text: &str) -> String {
    item_id_in(&section_key(section), text)
}

/// The normalised section path used by [`item_id`] (computed once per section when many items
/// share it).
pub fn section_key(section: &[String]) -> String {
    let mut key = String::new();
    for s in section {
        key.push_str(&normalize(s));
        key.push('/');
    }
    key
}

/// [`item_id`] with a precomputed [`section_key`].
pub fn item_id_in(section_key: &str, text: &str) -> String {
    let mut key = String::with_capacity(section_key.len() + text.len() + 1);
    key.push_str(section_key);
    key.push('\n');
    key.push_str(&normalize(text));
    let h = fnv1a(key.as_bytes());
    format!("{}-{:06x}", slug(text, 40), h & 0xFF_FFFF)
}

/// Text from a file or a flag made safe to print on one line: control characters (newlines,
/// escape sequences) are shown escaped (`\n`, `\u{1b}`) instead of acting.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_ids() {
        assert_eq!(fold("Déploiement Œuvre"), "deploiement oeuvre");
        assert_eq!(
            normalize("✅ COMPLETED — Components!"),
            "completed components"
        );
        assert_eq!(
            slug("Tests unitaires passent (`npm test`)", 40),
            "tests-unitaires-passent-npm-test"
        );
        let a = item_id(&["A".into(), "B".into()], "Pas de secrets hardcodés");
        let b = item_id(&["a".into(), "✅ b".into()], "pas de secrets hardcodes");
        assert_eq!(a, b);
        assert_ne!(a, item_id(&["A".into()], "Pas de secrets hardcodés"));
        assert!(a.starts_with("pas-de-secrets-hardcodes-"));
    }

    #[test]
    fn printable_escapes_control_characters() {
        assert_eq!(super::printable("plain é"), "plain é");
        assert_eq!(super::printable("a\nb\u{1b}[2J"), "a\\nb\\u{1b}[2J");
    }
}
