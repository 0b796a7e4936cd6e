//! The filters that keep the generic rule quiet on things that are not secrets: placeholders,
//! environment references, hashes, UUIDs, and values that are not random enough.

/// Shannon entropy of the bytes of `s`, in bits per character.
pub fn entropy(s: &str) -> f64 {
    let b = s.as_bytes();
    if b.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &c in b {
        counts[c as usize] += 1;
    }
    let n = b.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Which character classes a value uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct Classes {
    pub lower: bool,
    pub upper: bool,
    pub digit: bool,
    /// A symbol that is not a word separator (`-_./: `), e.g. `!@#$%^&*+=`.
    pub symbol: bool,
}

impl Classes {
    pub fn of(s: &str) -> Classes {
        let mut c = Classes::default();
        for b in s.bytes() {
            match b {
                b'a'..=b'z' => c.lower = true,
                b'A'..=b'Z' => c.upper = true,
                b'0'..=b'9' => c.digit = true,
                b'-' | b'_' | b'.' | b'/' | b':' | b' ' => {}
                _ => c.symbol = true,
            }
        }
        c
    }
    pub fn count(self) -> usize {
        self.lower as usize + self.upper as usize + self.digit as usize + self.symbol as usize
    }
}

/// Words that mark a value as a placeholder, matched case-insensitively anywhere in the value.
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changethis",
    "change_this",
    "change-this",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourpassword",
    "_here",
    "-here",
    "example",
    "dummy",
    "redacted",
    "placeholder",
    "xxxx",
    "****",
    "....",
    "<",
    "notreal",
    "not_real",
    "not-a-real",
    "fake",
    "sample",
    "todo",
    "fixme",
    "insert",
    "replace",
];

/// Whether `value` is a placeholder (`changeme`, `<your-key>`, `xxx…`, `your_api_key_here`,
/// `example`, `dummy`, `redacted`, `***`, empty, one repeated character).
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) || is_constant_name(v) {
        return true;
    }
    // One character repeated (`aaaaaaaa`, `00000000`) or a run of 6+ identical characters.
    let b = lower.as_bytes();
    if b.iter().all(|&c| c == b[0]) {
        return true;
    }
    let mut run = 1;
    for w in b.windows(2) {
        if w[0] == w[1] {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// An ALL_CAPS identifier of two or more words (`GOOGLE_API_KEY_VAL`, `REPLACE_ME`,
/// `YOUR_TOKEN_HERE`): the name of something to fill in, not a credential (keys and tokens mix
/// cases or have no word separators).
pub fn is_constant_name(value: &str) -> bool {
    let parts: Vec<&str> = value.split('_').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && p.bytes().any(|b| b.is_ascii_uppercase())
        })
}

/// Whether `value` refers to the environment or a template instead of holding a secret:
/// `${VAR}`, `$(VAR)`, `$VAR`, `{{ .Values.x }}`, `%(var)s`, `#{var}`, `<%= var %>`, `%VAR%`,
/// `process.env.X`, `os.environ[...]`, `env:X`.
pub fn is_env_reference(value: &str) -> bool {
    let v = value.trim();
    if v.starts_with('$') || v.starts_with("env:") || v.starts_with("env.") {
        return true;
    }
    if v.len() > 2 && v.starts_with('%') && v.ends_with('%') {
        return true;
    }
    const MARKERS: &[&str] = &[
        "${",
        "$(",
        "{{",
        "}}",
        "%(",
        "#{",
        "<%",
        "process.env",
        "os.environ",
        "os.getenv",
        "getenv(",
        "env::var",
        "ENV[",
        "env:",
        "@keychain:",
        "vault:",
        "secretKeyRef",
        "valueFrom",
    ];
    MARKERS.iter().any(|m| v.contains(m))
}

/// `8-4-4-4-12` hexadecimal.
pub fn is_uuid(value: &str) -> bool {
    let b = value.as_bytes();
    if b.len() != 36 {
        return false;
    }
    b.iter().enumerate().all(|(i, &c)| match i {
        8 | 13 | 18 | 23 => c == b'-',
        _ => c.is_ascii_hexdigit(),
    })
}

/// Words next to a hex digest that say it is a hash, not a key.
const HASH_WORDS: &[&str] = &[
    "hash",
    "sha",
    "md5",
    "checksum",
    "integrity",
    "digest",
    "fingerprint",
    "etag",
    "commit",
    "rev",
];

/// A hex digest (32/40/56/64/96/128 hex digits) on a line that talks about hashes, or a value
/// carrying its own algorithm prefix (`sha256:…`, `sha512-…`).
pub fn is_hash(value: &str, line_lower: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    for prefix in [
        "sha1", "sha256", "sha384", "sha512", "md5", "blake2", "blake3",
    ] {
        if let Some(rest) = lower.strip_prefix(prefix)
            && (rest.starts_with(':') || rest.starts_with('-') || rest.starts_with('='))
        {
            return true;
        }
    }
    let hex = !value.is_empty() && value.bytes().all(|c| c.is_ascii_hexdigit());
    hex && matches!(value.len(), 32 | 40 | 56 | 64 | 96 | 128)
        && HASH_WORDS.iter().any(|w| line_lower.contains(w))
}

/// Whether a value looks random enough to be a credential: at least 8 characters, no spaces,
/// at least two character classes, Shannon entropy of at least 2.5 bits/char (3.0 from 12
/// characters on), and not word-like (letters and separators only, unless long and mixed-case).
pub fn looks_random(value: &str) -> bool {
    let n = value.chars().count();
    if !(8..=256).contains(&n) || value.chars().any(char::is_whitespace) {
        return false;
    }
    let c = Classes::of(value);
    if c.count() < 2 {
        return false;
    }
    // Dotted identifiers, i18n keys, file names, kebab-case words.
    if !(c.digit || c.symbol || (n >= 16 && c.upper && c.lower)) {
        return false;
    }
    let min = if n >= 12 { 3.0 } else { 2.5 };
    entropy(value) >= min
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates() {
        assert!(entropy("aaaa") < 0.01);
        assert!((entropy("abcd") - 2.0).abs() < 1e-9);
        assert!(is_placeholder("changeme"));
        assert!(is_placeholder("<your-key>"));
        assert!(is_placeholder("your_api_key_here"));
        assert!(is_placeholder("xxxxxxxxxxxx"));
        assert!(is_placeholder("***"));
        assert!(is_placeholder(""));
        assert!(!is_placeholder("f8Kq2LmZ9xPw4Rt7"));
        assert!(is_env_reference("${DB_PASSWORD}"));
        assert!(is_env_reference("{{ .Values.db.password }}"));
        assert!(is_env_reference("$(cat /run/secrets/x)"));
        assert!(!is_env_reference("f8Kq2LmZ9xPw4Rt7"));
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
        assert!(is_hash(
            "d41d8cd98f00b204e9800998ecf8427e",
            "md5_token = \"d41d8cd98f00b204e9800998ecf8427e\""
        ));
        assert!(!is_hash(
            "d41d8cd98f00b204e9800998ecf8427e",
            "token = \"d41d8cd98f00b204e9800998ecf8427e\""
        ));
        assert!(is_hash("sha512-abc", ""));
        assert!(looks_random("f8Kq2LmZ9xPw4Rt7"));
        assert!(looks_random("s3cr3t-P4ss!"));
        assert!(!looks_random("password.reset.title"));
        assert!(!looks_random("X-Secret-Token"));
        assert!(!looks_random("abc"));
        assert!(!looks_random("has some spaces 123"));
        assert!(!looks_random("aaaaaaaa1"));
    }

    #[test]
    fn all_caps_names_are_placeholders_and_keys_are_not() {
        for p in [
            "GOOGLE_API_KEY_VAL",
            "REPLACE_ME",
            "YOUR_TOKEN_HERE",
            "DB_PASSWORD_V2",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for k in [
            "AKIAQ3EGRTZL5XN7WB2K",
            "q8Vn3Lz7Tr1Wm5Kp",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "A_b",
            "_LEADING",
        ] {
            assert!(!is_constant_name(k), "{k}");
        }
    }
}
