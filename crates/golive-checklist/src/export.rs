//! `golive checklist export`: the checklist back in its original structure (repaired text), each
//! box ticked only from evidence, with a short evidence note per item
//! (`— pass: docker.dockerfile Dockerfile:12`, `— signed by Marie 2026-11-20`).
//!
//! Task items get `[x]` or `[ ]`; status headings get `[x]` or `[ ]` in place of their ✅ / ❌ /
//! ⚠️ mark (a mark is a claim, a box is the evidence). Everything else is written as imported,
//! so import → export → import gives the same items and ids (the importer strips the notes).

use crate::evaluate::ItemStatus;
use crate::parse::{ItemKind, status_mark, strip_evidence_note};
use crate::{Checklist, Item};
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

fn task_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)\[[ xX]\]([ \t]+)?(.*?)[ \t]*$")
            .expect("static regex")
    })
}

fn heading_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"^( {0,3}#{1,6}[ \t]+)(.*?)[ \t]*$").expect("static regex"))
}

fn rewrite(line: &str, item: &Item, st: &ItemStatus) -> String {
    let bx = if st.ticked() { "[x]" } else { "[ ]" };
    let note = st.note.replace('\n', " ");
    match item.kind {
        ItemKind::Task => match task_re().captures(line) {
            Some(c) => format!(
                "{}{bx} {} — {note}",
                &c[1],
                strip_evidence_note(&c[3]).trim_end()
            ),
            None => line.to_string(),
        },
        ItemKind::Heading => match heading_re().captures(line) {
            Some(c) => {
                let title = c[2].trim_end_matches('#').trim();
                let rest = status_mark(title).map_or(title, |(_, r)| r);
                format!(
                    "{}{bx} {} — {note}",
                    &c[1],
                    strip_evidence_note(rest).trim_end()
                )
            }
            None => line.to_string(),
        },
    }
}

/// The Markdown export: every document, in import order, separated by a rule when several.
pub fn markdown(cl: &Checklist, statuses: &[ItemStatus]) -> String {
    let mut by_line: HashMap<(usize, u32), (&Item, &ItemStatus)> = HashMap::new();
    for (i, s) in cl.items.iter().zip(statuses) {
        by_line.insert((i.document, i.line), (i, s));
    }
    let mut out = String::new();
    for (di, doc) in cl.documents.iter().enumerate() {
        if di > 0 {
            out.push_str("\n---\n\n");
        }
        let text = doc.text.strip_suffix('\n').unwrap_or(&doc.text);
        for (li, line) in text.split('\n').enumerate() {
            match by_line.get(&(di, (li + 1) as u32)) {
                Some((item, st)) => out.push_str(&rewrite(line, item, st)),
                None => out.push_str(line),
            }
            out.push('\n');
        }
    }
    out
}

/// The JSON export: items with their imported claim and their evidence-based status.
pub fn json(cl: &Checklist, statuses: &[ItemStatus]) -> serde_json::Value {
    let items: Vec<serde_json::Value> = cl
        .items
        .iter()
        .zip(statuses)
        .map(|(i, s)| {
            serde_json::json!({
                "id": i.id,
                "file": cl.documents.get(i.document).map(|d| d.path.clone()),
                "line": i.line,
                "section": i.section,
                "text": i.text,
                "state": i.state.as_str(),
                "severity": i.severity.map(|x| x.as_str()),
                "mapped": i.mapped,
                "params": i.params.iter().map(|(k, p)| (k.clone(), serde_json::Value::String(p.to_string()))).collect::<serde_json::Map<_, _>>(),
                "outcome": s.outcome.as_str(),
                "ticked": s.ticked(),
                "automated": s.automated,
                "note": s.note,
                "evidence": s.evidence,
            })
        })
        .collect();
    serde_json::json!({ "items": items })
}
