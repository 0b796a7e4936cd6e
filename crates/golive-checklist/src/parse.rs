//! Markdown checklist parser: task items, status-marked headings, fenced ```markdown blocks,
//! heading paths and severities. Works line by line on repaired text, so every item keeps its
//! line number and the document can be written back in its original structure.

use golive_core::Severity;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What the checklist says about an item (a claim, not evidence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemState {
    /// `- [x]`, `* [X]`, `+ [x]`, `1. [x]`.
    Checked,
    /// `- [ ]`, or a `#### [ ] …` heading.
    Unchecked,
    /// A `✅` / `[x]` heading.
    Done,
    /// A `❌` heading.
    Gap,
    /// A `⚠️` heading.
    Warning,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Checked => "checked",
            ItemState::Unchecked => "unchecked",
            ItemState::Done => "done",
            ItemState::Gap => "gap",
            ItemState::Warning => "warning",
        }
    }
}

/// How the item is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// A list item with a box.
    Task,
    /// A heading with a status mark.
    Heading,
}

/// One parsed item (before mapping).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedItem {
    pub kind: ItemKind,
    pub text: String,
    pub section: Vec<String>,
    pub state: ItemState,
    pub severity: Option<Severity>,
    /// 1-based line in the repaired text.
    pub line: u32,
    /// Nesting depth among task items (0 = top level).
    pub depth: u32,
    /// Index (in the parse output) of the enclosing task item, for nested items.
    pub parent: Option<usize>,
    /// Text under a status heading (Définition / Utilité / Exemple / Impact …).
    pub description: Option<String>,
    /// `**Field**: value` lines of the description.
    pub fields: BTreeMap<String, String>,
    /// Whether it sits inside a fenced ```markdown block.
    pub fenced: bool,
}

/// The parse of one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub items: Vec<ParsedItem>,
    /// Things the reader should know (summary lists kept as notes, duplicated fields, …).
    pub notes: Vec<String>,
}

struct Re {
    severity_word: Regex,
    severity_paren: Regex,
    plain_bullet: Regex,
    field: Regex,
    evidence_note: Regex,
}

fn re() -> &'static Re {
    static R: OnceLock<Re> = OnceLock::new();
    R.get_or_init(|| Re {
        severity_word: Regex::new(
            r"\b(CRITICAL|CRITIQUE|BLOCKER|BLOQUANT|HIGH|HAUTE|ÉLEVÉE|MEDIUM|MOYENNE|LOW|BASSE|P[0-4])\b",
        )
        .expect("static regex"),
        severity_paren: Regex::new(
            r"(?i)[(\[]\s*(?:priorit[ée]\s*:?\s*|priority\s*:?\s*|severity\s*:?\s*|s[ée]v[ée]rit[ée]\s*:?\s*)?(critical|critique|blocker|bloquant|high|haute|[ée]lev[ée]e|medium|moyenne|low|basse|p[0-4])\s*[)\]]",
        )
        .expect("static regex"),
        plain_bullet: Regex::new(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+\S").expect("static regex"),
        field: Regex::new(r"^\s*\*\*([^*]{1,40})\*\*\s*:?\s*(.*)$").expect("static regex"),
        evidence_note: Regex::new(
            r"\s+— (?:pass|fail|warn|error|signed by|sign-off expired|manual|inconclusive|not applicable|no evidence)\b.*$",
        )
        .expect("static regex"),
    })
}

fn severity_of(word: &str) -> Option<Severity> {
    let w = word.to_lowercase();
    Some(match w.as_str() {
        "critical" | "critique" | "blocker" | "bloquant" | "p0" | "p1" => Severity::Critical,
        "high" | "haute" | "élevée" | "elevee" | "elevée" | "élevee" | "p2" => Severity::High,
        "medium" | "moyenne" | "p3" => Severity::Medium,
        "low" | "basse" | "p4" => Severity::Low,
        _ => return None,
    })
}

/// A severity or priority written in a heading: an upper-case word (`CRITICAL`, `P1`) or a word
/// in brackets (`(Critical)`, `[priorité haute]`).
pub fn heading_severity(title: &str) -> Option<Severity> {
    let r = re();
    if let Some(c) = r.severity_paren.captures(title) {
        return severity_of(&c[1]);
    }
    r.severity_word
        .captures(title)
        .and_then(|c| severity_of(&c[1]))
}

/// Splits a status mark off a heading title: (state, rest).
pub fn status_mark(title: &str) -> Option<(ItemState, &str)> {
    let t = title.trim_start();
    let marks: [(&str, ItemState); 10] = [
        ("✅", ItemState::Done),
        ("✔", ItemState::Done),
        ("☑", ItemState::Done),
        ("[x]", ItemState::Done),
        ("[X]", ItemState::Done),
        ("[ ]", ItemState::Unchecked),
        ("❌", ItemState::Gap),
        ("✖", ItemState::Gap),
        ("⚠", ItemState::Warning),
        ("❗", ItemState::Warning),
    ];
    for (m, st) in marks {
        if let Some(rest) = t.strip_prefix(m) {
            let rest = rest.trim_start_matches(['\u{FE0F}', '\u{FE0E}']);
            return Some((st, rest.trim()));
        }
    }
    None
}

/// Removes an evidence note written by `golive checklist export` (`— pass: Dockerfile:12`), so
/// that export → import gives the same text.
pub fn strip_evidence_note(text: &str) -> &str {
    if !text.contains(" — ") {
        return text;
    }
    match re().evidence_note.find(text) {
        Some(m) => &text[..m.start()],
        None => text,
    }
}

/// `#`–`######` headings (up to three spaces of indent): (level, raw title).
fn heading_line(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return None;
    }
    let level = t.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &t[level..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some((level, rest.trim()))
}

/// `- [ ] text`, `* [X] text`, `+ [x]`, `1. [ ]`, `2) [x]`: (indent, checked, text).
fn task_line(line: &str) -> Option<(usize, bool, &str)> {
    let body = line.trim_start_matches([' ', '\t']);
    let ws = &line[..line.len() - body.len()];
    let b = body.as_bytes();
    let mut i = match b.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if n > 9 || !matches!(b.get(n), Some(b'.' | b')')) {
                return None;
            }
            n + 1
        }
        _ => return None,
    };
    let sp = b[i..]
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count();
    if sp == 0 {
        return None;
    }
    i += sp;
    if b.len() < i + 3 || b[i] != b'[' || b[i + 2] != b']' {
        return None;
    }
    let checked = match b[i + 1] {
        b' ' => false,
        b'x' | b'X' => true,
        _ => return None,
    };
    let rest = &body[i + 3..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let indent = ws.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum();
    Some((indent, checked, rest.trim()))
}

fn clean_title(t: &str) -> String {
    t.trim().trim_end_matches('#').trim().to_string()
}

#[derive(Clone)]
struct Heading {
    level: usize,
    title: String,
    severity: Option<Severity>,
}

struct Fence {
    marker: char,
    len: usize,
    markdown: bool,
}

fn fence_open(line: &str) -> Option<(char, usize, String)> {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return None;
    }
    let c = t.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = t.chars().take_while(|&x| x == c).count();
    if n < 3 {
        return None;
    }
    let info = t[n * c.len_utf8()..].trim().to_lowercase();
    if c == '`' && info.contains('`') {
        return None;
    }
    Some((c, n, info))
}

fn is_fence_close(line: &str, f: &Fence) -> bool {
    let t = line.trim();
    let n = t.chars().take_while(|&x| x == f.marker).count();
    n >= f.len && t.chars().all(|x| x == f.marker)
}

enum Line<'a> {
    Heading {
        level: usize,
        title: String,
        in_markdown_fence: bool,
    },
    Task {
        indent: usize,
        checked: bool,
        text: &'a str,
        fenced: bool,
    },
    Text(&'a str),
    /// Inside a non-Markdown fence, or a fence delimiter.
    Code,
}

/// Parses repaired Markdown text.
pub fn parse(text: &str) -> Parsed {
    let r = re();
    // Pass 1: classify lines.
    let mut lines: Vec<Line> = Vec::new();
    let mut fence: Option<Fence> = None;
    for raw in text.split('\n') {
        if let Some(f) = &fence {
            if is_fence_close(raw, f) {
                fence = None;
                lines.push(Line::Code);
                continue;
            }
            if !f.markdown {
                lines.push(Line::Code);
                continue;
            }
        } else if let Some((marker, len, info)) = fence_open(raw) {
            let lang = info.split_whitespace().next().unwrap_or("");
            fence = Some(Fence {
                marker,
                len,
                markdown: matches!(lang, "markdown" | "md" | "gfm"),
            });
            lines.push(Line::Code);
            continue;
        }
        let fenced = fence.is_some();
        if let Some((level, title)) = heading_line(raw) {
            lines.push(Line::Heading {
                level,
                title: clean_title(title),
                in_markdown_fence: fenced,
            });
        } else if let Some((indent, checked, text)) = task_line(raw) {
            lines.push(Line::Task {
                indent,
                checked,
                text,
                fenced,
            });
        } else {
            lines.push(Line::Text(raw));
        }
    }

    // Which headings have sub-headings: the next heading in the same scope is deeper.
    let mut has_sub = vec![false; lines.len()];
    {
        let mut last: Option<(usize, usize, bool)> = None; // (index, level, fenced)
        for (i, l) in lines.iter().enumerate() {
            if let Line::Heading {
                level,
                in_markdown_fence,
                ..
            } = l
            {
                if let Some((j, lv, fz)) = last
                    && fz == *in_markdown_fence
                    && *level > lv
                {
                    has_sub[j] = true;
                }
                last = Some((i, *level, *in_markdown_fence));
            }
        }
    }

    // Pass 2: build items.
    let mut out = Parsed::default();
    let mut stack: Vec<Heading> = Vec::new();
    let mut inner: Vec<Heading> = Vec::new();
    let mut open_heading_item: Option<usize> = None;
    let mut desc: Vec<String> = Vec::new();
    let mut task_stack: Vec<(usize, usize)> = Vec::new(); // (indent, item index)
    let mut was_fenced = false;
    let mut summary_list: Option<(u32, String, usize)> = None; // (line, title, entries)

    let finish_desc = |out: &mut Parsed, idx: Option<usize>, desc: &mut Vec<String>| {
        if let Some(i) = idx {
            while desc.last().is_some_and(|l| l.trim().is_empty()) {
                desc.pop();
            }
            while desc.first().is_some_and(|l| l.trim().is_empty()) {
                desc.remove(0);
            }
            if !desc.is_empty() {
                let mut fields = BTreeMap::new();
                for l in desc.iter() {
                    if let Some(c) = re().field.captures(l) {
                        let k = c[1].trim().to_string();
                        let v = c[2].trim().to_string();
                        if fields.contains_key(&k) {
                            out.notes.push(format!(
                                "line {}: field `{k}` appears twice under “{}” (a bad paste?); the last one is kept",
                                out.items[i].line, out.items[i].text
                            ));
                        }
                        fields.insert(k, v);
                    }
                }
                out.items[i].description = Some(desc.join("\n"));
                out.items[i].fields = fields;
            }
        }
        desc.clear();
    };
    let finish_summary = |out: &mut Parsed, s: &mut Option<(u32, String, usize)>| {
        if let Some((line, title, n)) = s.take() {
            out.notes.push(format!(
                "line {line}: “{title}” is a status-marked summary list ({n} entries), kept as a note, not as an item"
            ));
        }
    };

    for (i, l) in lines.iter().enumerate() {
        let lineno = (i + 1) as u32;
        match l {
            Line::Heading {
                level,
                title,
                in_markdown_fence,
            } => {
                finish_desc(&mut out, open_heading_item.take(), &mut desc);
                finish_summary(&mut out, &mut summary_list);
                task_stack.clear();
                if *in_markdown_fence != was_fenced {
                    inner.clear();
                    was_fenced = *in_markdown_fence;
                }
                let st = if *in_markdown_fence {
                    &mut inner
                } else {
                    &mut stack
                };
                while st.last().is_some_and(|h| h.level >= *level) {
                    st.pop();
                }
                let marked = status_mark(title);
                match marked {
                    Some((state, rest)) if !has_sub[i] && !rest.ends_with(':') => {
                        let text = strip_evidence_note(rest).trim().to_string();
                        let section: Vec<String> = stack
                            .iter()
                            .chain(if *in_markdown_fence {
                                inner.iter()
                            } else {
                                [].iter()
                            })
                            .map(|h| h.title.clone())
                            .collect();
                        let severity = heading_severity(&text).or_else(|| {
                            stack
                                .iter()
                                .chain(if *in_markdown_fence {
                                    inner.iter()
                                } else {
                                    [].iter()
                                })
                                .rev()
                                .find_map(|h| h.severity)
                        });
                        out.items.push(ParsedItem {
                            kind: ItemKind::Heading,
                            text,
                            section,
                            state,
                            severity,
                            line: lineno,
                            depth: 0,
                            parent: None,
                            description: None,
                            fields: BTreeMap::new(),
                            fenced: *in_markdown_fence,
                        });
                        open_heading_item = Some(out.items.len() - 1);
                    }
                    Some((_, rest)) if !has_sub[i] => {
                        summary_list = Some((lineno, rest.to_string(), 0));
                        st.push(Heading {
                            level: *level,
                            title: title.clone(),
                            severity: heading_severity(title),
                        });
                    }
                    _ => {
                        st.push(Heading {
                            level: *level,
                            title: title.clone(),
                            severity: heading_severity(title),
                        });
                    }
                }
            }
            Line::Task {
                indent,
                checked,
                text,
                fenced,
            } => {
                finish_desc(&mut out, open_heading_item.take(), &mut desc);
                finish_summary(&mut out, &mut summary_list);
                if *fenced != was_fenced {
                    inner.clear();
                    was_fenced = *fenced;
                }
                let text = strip_evidence_note(text).trim().to_string();
                if text.is_empty() {
                    out.notes.push(format!(
                        "line {lineno}: an empty box with no text was skipped"
                    ));
                    continue;
                }
                while task_stack.last().is_some_and(|(ind, _)| *ind >= *indent) {
                    task_stack.pop();
                }
                let parent = task_stack.last().map(|(_, idx)| *idx);
                let hs: Vec<&Heading> = stack
                    .iter()
                    .chain(if *fenced { inner.iter() } else { [].iter() })
                    .collect();
                let mut section: Vec<String> = hs.iter().map(|h| h.title.clone()).collect();
                if let Some(p) = parent {
                    // Nested items keep their parent's section.
                    section = out.items[p].section.clone();
                }
                let severity = heading_severity_inline(&text)
                    .or_else(|| hs.iter().rev().find_map(|h| h.severity))
                    .or_else(|| parent.and_then(|p| out.items[p].severity));
                out.items.push(ParsedItem {
                    kind: ItemKind::Task,
                    text,
                    section,
                    state: if *checked {
                        ItemState::Checked
                    } else {
                        ItemState::Unchecked
                    },
                    severity,
                    line: lineno,
                    depth: task_stack.len() as u32,
                    parent,
                    description: None,
                    fields: BTreeMap::new(),
                    fenced: *fenced,
                });
                task_stack.push((*indent, out.items.len() - 1));
            }
            Line::Text(t) => {
                if open_heading_item.is_some() {
                    desc.push(t.to_string());
                } else if let Some(s) = summary_list.as_mut() {
                    if r.plain_bullet.is_match(t) {
                        s.2 += 1;
                    }
                } else if !t.trim().is_empty() && !t.starts_with([' ', '\t']) {
                    // A paragraph ends a list: the next task starts a new tree.
                    task_stack.clear();
                }
            }
            Line::Code => {
                finish_desc(&mut out, open_heading_item.take(), &mut desc);
                finish_summary(&mut out, &mut summary_list);
                // A fence boundary closes the headings written inside a Markdown fence.
                inner.clear();
            }
        }
    }
    finish_desc(&mut out, open_heading_item.take(), &mut desc);
    finish_summary(&mut out, &mut summary_list);
    out
}

/// A priority written inside a task's own text (`[P1]`, `(CRITICAL)`); upper-case words in the
/// middle of a sentence are not enough there.
fn heading_severity_inline(text: &str) -> Option<Severity> {
    if !text.contains(['(', '[']) {
        return None;
    }
    re().severity_paren
        .captures(text)
        .and_then(|c| severity_of(&c[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_and_nesting() {
        let p = parse(
            "# T\n## A\n- [ ] one\n  - [x] child\n* [X] two\n+ [x] three\n1. [ ] four\n2) [ ] five\n- not a task\n",
        );
        let texts: Vec<&str> = p.items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, ["one", "child", "two", "three", "four", "five"]);
        assert_eq!(p.items[1].parent, Some(0));
        assert_eq!(p.items[1].depth, 1);
        assert_eq!(p.items[1].state, ItemState::Checked);
        assert_eq!(p.items[0].section, ["T", "A"]);
        assert_eq!(p.items[0].line, 3);
    }

    #[test]
    fn status_headings_and_sections() {
        let p = parse(
            "## ✅ DONE\n### Security (CRITICAL)\n#### ❌ JWT\n**Impact**: bad\n#### ✅ TLS\ntext\n### ✅ READY FOR:\n- dev\n- staging\n",
        );
        assert_eq!(p.items.len(), 2);
        assert_eq!(p.items[0].state, ItemState::Gap);
        assert_eq!(p.items[0].severity, Some(Severity::Critical));
        assert_eq!(
            p.items[0].fields.get("Impact").map(String::as_str),
            Some("bad")
        );
        assert_eq!(p.items[0].section, ["✅ DONE", "Security (CRITICAL)"]);
        assert_eq!(p.items[1].description.as_deref(), Some("text"));
        assert!(
            p.notes
                .iter()
                .any(|n| n.contains("READY FOR") && n.contains("2 entries"))
        );
    }

    #[test]
    fn fences() {
        let p = parse(
            "# W\n```markdown\n## Code\n- [ ] a\n```\n```yaml\n- [ ] not me\n```\n~~~md\n- [x] b\n~~~\n",
        );
        let texts: Vec<&str> = p.items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, ["a", "b"]);
        assert_eq!(p.items[0].section, ["W", "Code"]);
        assert_eq!(p.items[1].section, ["W"]);
        assert!(p.items[0].fenced);
    }

    #[test]
    fn severities() {
        assert_eq!(
            heading_severity("Security (CRITICAL)"),
            Some(Severity::Critical)
        );
        assert_eq!(
            heading_severity("Infra [priorité haute]"),
            Some(Severity::High)
        );
        assert_eq!(heading_severity("P2 items"), Some(Severity::High));
        assert_eq!(heading_severity("CRITÈRES DE SUCCÈS"), None);
        assert_eq!(heading_severity("High availability"), None);
    }

    #[test]
    fn evidence_notes_are_stripped() {
        let p = parse("- [x] Dockerfile present — pass: Dockerfile:12\n");
        assert_eq!(p.items[0].text, "Dockerfile present");
    }
}
