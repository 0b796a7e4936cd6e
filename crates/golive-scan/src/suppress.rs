//! Inline suppressions: `golive-ignore: CHECK-ID[, CHECK-ID…] -- reason` on the finding's line or
//! the line above, in any comment syntax.

use golive_core::{Finding, Suppression};
use std::collections::HashMap;

/// One inline suppression found in a file.
#[derive(Debug, Clone)]
pub struct Inline {
    pub line: u32,
    pub checks: Vec<String>,
    pub reason: Option<String>,
}

const MARK: &str = "golive-ignore:";

/// Finds the inline suppressions of a file (cheap when there are none).
pub fn find(text: &str) -> Vec<Inline> {
    if !text.contains(MARK) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(pos) = line.find(MARK) else { continue };
        let rest = &line[pos + MARK.len()..];
        let (ids, reason) = match rest.find("--") {
            Some(d) => (&rest[..d], Some(rest[d + 2..].trim())),
            None => (rest, None),
        };
        let reason = reason
            .map(|r| {
                r.trim_end_matches("*/")
                    .trim_end_matches("-->")
                    .trim()
                    .to_string()
            })
            .filter(|r| !r.is_empty());
        let checks: Vec<String> = ids
            .split([',', ' '])
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if !checks.is_empty() {
            out.push(Inline {
                line: i as u32 + 1,
                checks,
                reason,
            });
        }
    }
    out
}

/// Marks findings covered by an inline suppression (with a reason). Suppressions without a
/// reason are not applied.
pub fn apply(findings: &mut [Finding], by_file: &HashMap<String, Vec<Inline>>) {
    if by_file.is_empty() {
        return;
    }
    for f in findings.iter_mut() {
        if f.suppressed.is_some() {
            continue;
        }
        let Some((path, Some(line))) = f.primary_location() else {
            continue;
        };
        let Some(list) = by_file.get(path) else {
            continue;
        };
        let hit = list.iter().find(|s| {
            (s.line == line || s.line + 1 == line)
                && s.reason.is_some()
                && s.checks.iter().any(|c| {
                    c == &f.check
                        || c.strip_suffix(".*").is_some_and(|p| {
                            f.check.starts_with(p) && f.check[p.len()..].starts_with('.')
                        })
                })
        });
        if let Some(s) = hit {
            let location = format!("{path}:{}", s.line);
            f.suppressed = Some(Suppression {
                source: "inline".into(),
                reason: s.reason.clone().unwrap_or_default(),
                expires: None,
                location: Some(location),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comment_styles() {
        let t = "a\n# golive-ignore: secrets.hardcoded -- test key, revoked\nb\n/* golive-ignore: docker.non-root-user, docker.healthcheck -- base image does it */\n// golive-ignore: x.y\n";
        let s = find(t);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].line, 2);
        assert_eq!(s[0].checks, vec!["secrets.hardcoded"]);
        assert_eq!(s[0].reason.as_deref(), Some("test key, revoked"));
        assert_eq!(s[1].checks.len(), 2);
        assert_eq!(s[1].reason.as_deref(), Some("base image does it"));
        assert_eq!(s[2].reason, None);
    }
}
