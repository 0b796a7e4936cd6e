//! Small helpers shared by the renderers.

use golive_core::{Category, CategoryScore, Evidence, Finding, Outcome, Report, Severity};

/// `87` or `n/a`.
pub fn score_text(s: Option<f64>) -> String {
    match s {
        Some(v) => format!("{:.0}", v.clamp(0.0, 100.0)),
        None => "n/a".to_string(),
    }
}

/// `+12`, `−3`, `±0`, or `n/a`.
pub fn delta_text(d: Option<f64>) -> String {
    match d {
        Some(v) if v.round() > 0.0 => format!("+{:.0}", v),
        Some(v) if v.round() < 0.0 => format!("−{:.0}", -v),
        Some(_) => "±0".to_string(),
        None => "n/a".to_string(),
    }
}

/// Outcomes a reader must look at (everything but pass and not-applicable).
pub fn needs_attention(o: Outcome) -> bool {
    !matches!(o, Outcome::Pass | Outcome::NotApplicable)
}

/// The category scores that have at least one scored or reported result.
pub fn category_score(report: &Report, c: Category) -> Option<&CategoryScore> {
    report.categories.iter().find(|s| s.category == c)
}

/// Whether any result of a category exists (scored or not).
pub fn category_has_results(report: &Report, c: Category) -> bool {
    report.results.iter().any(|r| r.category == c)
}

/// The locator of a finding's first piece of evidence that is a place (file, HTTP exchange,
/// metric, command), leaving out free-text notes and sign-offs.
pub fn primary_locator(f: &Finding) -> Option<String> {
    f.evidence
        .iter()
        .find(|e| {
            matches!(
                e,
                Evidence::File { .. }
                    | Evidence::Http { .. }
                    | Evidence::Metric { .. }
                    | Evidence::Command { .. }
            )
        })
        .map(Evidence::locator)
}

/// An RFC 3339 time for people: `2026-11-21T09:31:06.130173979Z` → `2026-11-21 09:31:06 UTC`.
/// Anything else is returned as it is.
pub fn display_time(t: &str) -> String {
    let b = t.as_bytes();
    let shaped = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && t.is_char_boundary(19);
    if !shaped {
        return t.to_string();
    }
    let rest = t[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let zone = if rest == "Z" || rest == "+00:00" {
        "UTC".to_string()
    } else {
        rest.to_string()
    };
    format!("{} {} {zone}", &t[..10], &t[11..19])
}

/// The short upper-case label of a severity.
pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
    }
}

/// Escapes text for XML and HTML (element content and attribute values alike). Characters that
/// XML 1.0 forbids (most control characters) are replaced by U+FFFD.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for a Markdown table cell or inline text: pipes, backticks at the edges,
/// newlines, and HTML-significant characters (Markdown renderers pass raw HTML through).
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '*' | '_' | '[' | ']' | '`' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Markdown for a message that may hold code spans (`like this`): text outside the spans is
/// escaped, the spans stay code. Unbalanced backticks make the whole text plain.
pub fn md_inline(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len() < 3 || parts.len().is_multiple_of(2) {
        return md_escape(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 && !p.is_empty() {
                md_code(p)
            } else {
                md_escape(p)
            }
        })
        .collect()
}

/// Inline code in Markdown that survives backticks in the text.
pub fn md_code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if longest > 0 || s.starts_with(' ') || s.ends_with(' ') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// Display width of a string in terminal columns (wide East Asian and emoji count as two;
/// combining marks as zero). An approximation good enough for layout.
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let cp = c as u32;
    if cp == 0 || c.is_control() {
        return 0;
    }
    // Combining diacritical marks and zero-width characters.
    if (0x0300..=0x036F).contains(&cp) || (0x200B..=0x200F).contains(&cp) || cp == 0xFE0F {
        return 0;
    }
    let wide = (0x1100..=0x115F).contains(&cp)
        || (0x2E80..=0xA4CF).contains(&cp)
        || (0xAC00..=0xD7A3).contains(&cp)
        || (0xF900..=0xFAFF).contains(&cp)
        || (0xFE30..=0xFE4F).contains(&cp)
        || (0xFF00..=0xFF60).contains(&cp)
        || (0xFFE0..=0xFFE6).contains(&cp)
        || (0x1F300..=0x1F64F).contains(&cp)
        || (0x1F900..=0x1F9FF).contains(&cp)
        || (0x20000..=0x3FFFD).contains(&cp);
    if wide { 2 } else { 1 }
}

/// Word-wraps `text` to `width` columns. Every line after the first starts with `indent`, and
/// the first line is assumed to start at column `start`. Words longer than a line are broken.
pub fn wrap_at(text: &str, width: usize, start: usize, indent: &str) -> String {
    let indent_w = display_width(indent);
    let avail = width.max(indent_w + 10);
    let mut out = String::new();
    let mut col = start;
    let mut first_para = true;
    for para in text.split('\n') {
        if !first_para {
            out.push('\n');
            out.push_str(indent);
            col = indent_w;
        }
        first_para = false;
        let mut line_has_word = false;
        for word in para.split_whitespace() {
            let mut w = display_width(word);
            if line_has_word && col + 1 + w > avail {
                out.push('\n');
                out.push_str(indent);
                col = indent_w;
            } else if line_has_word {
                out.push(' ');
                col += 1;
            }
            let mut rest = word;
            // Break words that cannot fit on a line of their own.
            while col + w > avail && w > avail.saturating_sub(indent_w) {
                let room = avail.saturating_sub(col).max(1);
                let mut taken = 0;
                let mut split = rest.len();
                for (i, c) in rest.char_indices() {
                    let cw = char_width(c);
                    if taken + cw > room {
                        split = i;
                        break;
                    }
                    taken += cw;
                }
                if split == 0 {
                    split = rest
                        .chars()
                        .next()
                        .map(char::len_utf8)
                        .unwrap_or(rest.len());
                }
                out.push_str(&rest[..split]);
                out.push('\n');
                out.push_str(indent);
                col = indent_w;
                rest = &rest[split..];
                w = display_width(rest);
            }
            out.push_str(rest);
            col += w;
            line_has_word = true;
        }
    }
    out
}

/// Truncates to `max` columns with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if display_width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// The target could not be reached: the failing reachability finding and the checks it left
/// undecidable (the same collector's inconclusive results).
pub struct Unreachable<'a> {
    pub check: &'a str,
    /// "the service does not answer: http://…: connection refused by …".
    pub message: &'a str,
    /// Ids of the checks that could not be decided because of it.
    pub undecidable: Vec<&'a str>,
}

impl Unreachable<'_> {
    pub fn is_undecidable(&self, id: &str) -> bool {
        self.undecidable.contains(&id)
    }
    /// "18 checks could not be decided because the service does not answer".
    pub fn summary(&self) -> String {
        format!(
            "{} check{} could not be decided because the target did not answer ({})",
            self.undecidable.len(),
            if self.undecidable.len() == 1 { "" } else { "s" },
            self.check
        )
    }
}

/// Reachability checks: when one fails, the live checks of its collector had nothing to look
/// at.
const REACHABILITY: &[&str] = &["probe.reachable"];

/// Finds an unreachable target in a report.
pub fn unreachable(r: &Report) -> Option<Unreachable<'_>> {
    let res = r
        .results
        .iter()
        .find(|x| REACHABILITY.contains(&x.check.as_str()) && x.outcome.is_failure())?;
    let finding = r.findings_of(&res.check).find(|f| f.outcome.is_failure())?;
    let collector = r.check(&res.check).map(|c| c.collector);
    let undecidable = r
        .results
        .iter()
        .filter(|x| {
            x.outcome == Outcome::Inconclusive
                && x.check != res.check
                && r.check(&x.check).map(|c| c.collector) == collector
        })
        .map(|x| x.check.as_str())
        .collect();
    Some(Unreachable {
        check: &res.check,
        message: &finding.message,
        undecidable,
    })
}

/// Progress of the sign-off items (manual checklist items): (signed, total).
pub fn signoff_progress(r: &Report) -> Option<(usize, usize)> {
    let items: Vec<_> = r.results.iter().filter(|x| x.signoff).collect();
    if items.is_empty() {
        return None;
    }
    let signed = items.iter().filter(|x| x.outcome == Outcome::Pass).count();
    Some((signed, items.len()))
}

/// Skipped files worth a reader's attention: binary files and symbolic links are expected in
/// any repository and are only counted.
pub fn is_routine_skip(reason: &str) -> bool {
    reason.starts_with("binary file") || reason.starts_with("symbolic link")
}

/// One blocker of the go-live decision.
pub struct Blocker<'a> {
    pub result: &'a golive_core::CheckResult,
    pub title: &'a str,
    /// First place it shows, and how many places in all.
    pub location: Option<&'a str>,
    pub occurrences: usize,
    pub undecided: bool,
    /// The message of its first finding with the deciding outcome.
    pub message: Option<&'a str>,
}

/// The checks that keep the report from being ready for production (or, when production is
/// ready, for the next stage that is not): failing critical/high checks, then critical checks
/// that could not be decided. Checks left undecidable by an unreachable target are left out
/// (the unreachable line says it once).
pub fn blockers(r: &Report) -> Vec<Blocker<'_>> {
    let unreachable = unreachable(r);
    let stage = r
        .stages
        .iter()
        .find(|s| s.stage == golive_core::Stage::Production && !s.ready)
        .or_else(|| r.stages.iter().find(|s| !s.ready));
    let Some(stage) = stage else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (ids, undecided) in [(&stage.blockers, false), (&stage.undecided, true)] {
        for id in ids {
            if undecided && unreachable.as_ref().is_some_and(|u| u.is_undecidable(id)) {
                continue;
            }
            let Some(result) = r.results.iter().find(|x| &x.check == id) else {
                continue;
            };
            let item = r
                .action_plan
                .iter()
                .flat_map(|p| p.items.iter())
                .find(|i| &i.check == id);
            out.push(Blocker {
                result,
                title: r.check(id).map(|c| c.title.as_str()).unwrap_or(id),
                location: item.and_then(|i| i.locations.first()).map(String::as_str),
                occurrences: item.map_or(0, |i| i.occurrences),
                undecided,
                message: r
                    .findings_of(id)
                    .find(|f| f.outcome == result.outcome)
                    .map(|f| f.message.as_str()),
            });
        }
    }
    out.sort_by(|a, b| {
        a.undecided
            .cmp(&b.undecided)
            .then(b.result.severity.cmp(&a.result.severity))
            .then(a.result.check.cmp(&b.result.check))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_width_and_indent() {
        let text = "Revoke and rotate the credential first, then read it from the environment or a secret manager.";
        let w = wrap_at(text, 30, 4, "    ");
        for line in w.lines() {
            assert!(display_width(line) <= 30, "line too wide: {line:?}");
        }
        assert!(w.lines().skip(1).all(|l| l.starts_with("    ")));
        assert_eq!(
            w.split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
    }

    #[test]
    fn wrap_breaks_overlong_words() {
        let long = "x".repeat(75);
        let w = wrap_at(&long, 30, 0, "  ");
        assert!(w.lines().all(|l| display_width(l) <= 30), "{w}");
        assert_eq!(w.replace(['\n', ' '], ""), long);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;\u{FFFD}"
        );
        assert_eq!(md_escape("a|b<c>"), "a\\|b&lt;c&gt;");
        assert_eq!(md_code("a`b"), "`` a`b ``");
        assert_eq!(md_inline("use `x|y` <b>"), "use `x|y` &lt;b&gt;");
        assert_eq!(md_inline("odd ` tick"), "odd \\` tick");
        assert_eq!(delta_text(Some(-3.2)), "−3");
        assert_eq!(delta_text(Some(0.2)), "±0");
        assert_eq!(score_text(None), "n/a");
        assert_eq!(
            display_time("2026-11-21T09:31:06.130173979Z"),
            "2026-11-21 09:31:06 UTC"
        );
        assert_eq!(
            display_time("2026-11-21T09:31:06+02:00"),
            "2026-11-21 09:31:06 +02:00"
        );
        assert_eq!(display_time("yesterday"), "yesterday");
    }
}
