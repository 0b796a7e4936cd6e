//! Database: migrations exist for the ORM in use; migrations that destroy data (DROP TABLE/COLUMN,
//! TRUNCATE, Django `RemoveField`/`DeleteModel`, Alembic `op.drop_*`, knex/TypeORM `dropTable`) or
//! take long locks (renames, column type changes, NOT NULL without default, index creation without
//! CONCURRENTLY on PostgreSQL); down/rollback migrations; tables without a primary key; foreign
//! keys without an index; a connection pool configured.
//!
//! SQL is read by a small lexer that knows comments (`--`, nested `/* */`), string literals
//! (`'…'` with `''`, `E'…'`), quoted identifiers and PostgreSQL dollar quotes, so a `-- DROP TABLE`
//! comment or a `'DROP TABLE'` string is never taken for a statement. Python and JavaScript
//! migrations are read with comments and strings masked out.

use super::Domain;
use crate::repo::{FileMeta, Repo, SourceFile, line_at, line_col};
use crate::rx::Literals;
use golive_core::{Catalog, Evidence, Finding, Outcome};
use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

// ───────────────────────────── SQL lexer ─────────────────────────────

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// An unquoted word, upper-cased.
    Word(String),
    /// A quoted identifier, unquoted.
    Ident(String),
    /// A string literal (contents).
    Str(String),
    Punct(char),
}

/// One SQL statement: its tokens with their 1-based lines.
#[derive(Debug, Clone)]
pub(crate) struct SqlStmt {
    pub toks: Vec<(Tok, u32)>,
    /// Byte range of the statement in the source (first token to last token).
    pub span: (usize, usize),
}

impl SqlStmt {
    pub fn line(&self) -> u32 {
        self.toks.first().map(|t| t.1).unwrap_or(1)
    }
    fn word(&self, i: usize) -> Option<&str> {
        match self.toks.get(i) {
            Some((Tok::Word(w), _)) => Some(w),
            _ => None,
        }
    }
    fn is(&self, i: usize, w: &str) -> bool {
        self.word(i) == Some(w)
    }
    /// The statement as written (whitespace collapsed, at most 160 characters).
    pub fn render(&self, text: &str) -> String {
        let raw = text.get(self.span.0..self.span.1).unwrap_or("");
        let s: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        match s.char_indices().nth(160) {
            Some((i, _)) => format!("{}…", &s[..i]),
            None => s,
        }
    }
}

/// Splits SQL into statements. Never fails: an unterminated comment or string ends the input.
pub(crate) fn sql_statements(text: &str) -> Vec<SqlStmt> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut cur: Vec<(Tok, u32)> = Vec::new();
    let mut line = 1u32;
    let mut i = 0usize;
    let mut span = (0usize, 0usize);
    let count_nl = |s: &[u8]| s.iter().filter(|&&c| c == b'\n').count() as u32;
    while i < b.len() {
        let c = b[i];
        let before = cur.len();
        let tok_start = i;
        match c {
            b'\n' => {
                line += 1;
                i += 1;
            }
            _ if c.is_ascii_whitespace() => i += 1,
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'#' if cur.is_empty() || matches!(cur.last(), Some((Tok::Punct(_), _))) => {
                // MySQL comment (only where an operator cannot be)
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 1;
                let s = i;
                i += 2;
                while i < b.len() && depth > 0 {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
                line += count_nl(&b[s..i.min(b.len())]);
            }
            b'\'' | b'"' | b'`' => {
                let q = c;
                let s = i;
                let l = line;
                i += 1;
                let mut val = Vec::new();
                while i < b.len() {
                    if b[i] == q {
                        if b.get(i + 1) == Some(&q) {
                            val.push(q);
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    if b[i] == b'\\' && q == b'\'' && i + 1 < b.len() {
                        val.push(b[i + 1]);
                        i += 2;
                        continue;
                    }
                    val.push(b[i]);
                    i += 1;
                }
                line += count_nl(&b[s..i.min(b.len())]);
                let v = String::from_utf8_lossy(&val).into_owned();
                cur.push((
                    if q == b'\'' {
                        Tok::Str(v)
                    } else {
                        Tok::Ident(v)
                    },
                    l,
                ));
            }
            b'$' => {
                // $tag$ … $tag$ (tag may be empty); `$1` is a parameter.
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                let tag_ok = j < b.len() && b[j] == b'$' && !b[i + 1].is_ascii_digit();
                if tag_ok {
                    let tag = &text[i..=j];
                    let s = i;
                    let l = line;
                    let body_start = j + 1;
                    let end = text[body_start..]
                        .find(tag)
                        .map(|k| body_start + k)
                        .unwrap_or(b.len());
                    let body = text[body_start..end].to_string();
                    i = (end + tag.len()).min(b.len());
                    line += count_nl(&b[s..i]);
                    cur.push((Tok::Str(body), l));
                } else {
                    i = j.max(i + 1);
                }
            }
            b';' => {
                if !cur.is_empty() {
                    out.push(SqlStmt {
                        toks: std::mem::take(&mut cur),
                        span,
                    });
                }
                i += 1;
            }
            _ if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                let s = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] >= 0x80)
                {
                    i += 1;
                }
                // E'…' / N'…' string prefixes: the quote starts a new token next round.
                cur.push((
                    Tok::Word(String::from_utf8_lossy(&b[s..i]).to_ascii_uppercase()),
                    line,
                ));
            }
            _ => {
                cur.push((Tok::Punct(c as char), line));
                i += 1;
            }
        }
        if cur.len() > before {
            if before == 0 {
                span.0 = tok_start;
            }
            span.1 = i.min(b.len());
        }
    }
    if !cur.is_empty() {
        out.push(SqlStmt { toks: cur, span });
    }
    out
}

/// A table or column name token, normalised (lower-case, unquoted).
fn name_of(t: &Tok) -> Option<String> {
    match t {
        Tok::Word(w) => Some(w.to_ascii_lowercase()),
        Tok::Ident(i) => Some(i.to_ascii_lowercase()),
        _ => None,
    }
}

/// Reads a possibly schema-qualified name at `i`; returns (name, next index).
fn qualified_name(st: &SqlStmt, mut i: usize) -> Option<(String, usize)> {
    let mut name = name_of(&st.toks.get(i)?.0)?;
    i += 1;
    while matches!(st.toks.get(i), Some((Tok::Punct('.'), _))) {
        name = name_of(&st.toks.get(i + 1)?.0)?;
        i += 2;
    }
    Some((name, i))
}

/// Skips `IF [NOT] EXISTS` / `ONLY`.
fn skip_if_exists(st: &SqlStmt, mut i: usize) -> usize {
    if st.is(i, "IF") {
        i += 1;
        if st.is(i, "NOT") {
            i += 1;
        }
        if st.is(i, "EXISTS") {
            i += 1;
        }
    }
    if st.is(i, "ONLY") {
        i += 1;
    }
    i
}

/// Splits token range at top-level commas (for ALTER TABLE actions and CREATE TABLE elements).
fn split_top(toks: &[(Tok, u32)]) -> Vec<&[(Tok, u32)]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut s = 0;
    for (k, (t, _)) in toks.iter().enumerate() {
        match t {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                out.push(&toks[s..k]);
                s = k + 1;
            }
            _ => {}
        }
    }
    if s < toks.len() {
        out.push(&toks[s..]);
    }
    out
}

fn words(toks: &[(Tok, u32)]) -> Vec<&str> {
    toks.iter()
        .filter_map(|(t, _)| match t {
            Tok::Word(w) => Some(w.as_str()),
            _ => None,
        })
        .collect()
}

fn has_seq(ws: &[&str], seq: &[&str]) -> bool {
    ws.windows(seq.len()).any(|w| w == seq)
}

/// Column names in the first parenthesised list at or after `i`.
fn paren_names(toks: &[(Tok, u32)], i: usize) -> Vec<String> {
    let Some(open) = toks[i.min(toks.len())..]
        .iter()
        .position(|(t, _)| *t == Tok::Punct('('))
        .map(|p| p + i)
    else {
        return Vec::new();
    };
    let mut depth = 0;
    let mut names = Vec::new();
    let mut expect = true;
    for (t, _) in &toks[open..] {
        match t {
            Tok::Punct('(') => {
                depth += 1;
                continue;
            }
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                continue;
            }
            Tok::Punct(',') if depth == 1 => {
                expect = true;
                continue;
            }
            _ => {}
        }
        if depth == 1 && expect {
            if let Some(n) = name_of(t) {
                names.push(n);
            }
            expect = false;
        }
    }
    names
}

// ───────────────────────────── findings over SQL ─────────────────────────────

/// What a migration statement does that matters.
#[derive(Debug, Clone)]
struct Hazard {
    /// `destructive` or `locking`.
    kind: HazardKind,
    what: String,
    path: String,
    line: u32,
    snippet: String,
    /// Only a hazard on PostgreSQL (index creation without CONCURRENTLY).
    pg_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HazardKind {
    Destructive,
    Locking,
}

#[derive(Debug, Clone)]
struct TableDef {
    name: String,
    path: String,
    line: u32,
    pk: bool,
    unique: bool,
}

#[derive(Debug, Clone)]
struct ForeignKey {
    table: String,
    cols: Vec<String>,
    path: String,
    line: u32,
    snippet: String,
}

/// The schema as the SQL migrations build it.
#[derive(Debug, Default)]
struct SqlSchema {
    tables: Vec<TableDef>,
    /// Tables given a primary key later (ALTER TABLE … ADD PRIMARY KEY).
    pk_added: BTreeSet<String>,
    unique_added: BTreeSet<String>,
    /// (table, leading columns) of every index, primary key and unique constraint.
    indexes: Vec<(String, Vec<String>)>,
    fks: Vec<ForeignKey>,
    /// Tables dropped by a later migration (their keys are gone with them).
    dropped: BTreeSet<String>,
}

impl SqlSchema {
    /// A dropped table: its definition, keys and indexes no longer exist.
    fn forget(&mut self, table: &str) {
        if self.tables.iter().any(|t| t.name == table) {
            self.dropped.insert(table.to_string());
        }
        self.tables.retain(|t| t.name != table);
        self.fks.retain(|f| f.table != table);
        self.indexes.retain(|(t, _)| t != table);
        self.pk_added.remove(table);
        self.unique_added.remove(table);
    }
}

/// Whether the dialect in use is PostgreSQL / MySQL (from manifests, Prisma, SQL syntax).
#[derive(Debug, Default, Clone, Copy)]
struct Dialect {
    pg: bool,
    mysql: bool,
}

/// Reads one SQL migration (the "up" direction): hazards and schema.
fn analyse_sql(
    path: &str,
    text: &str,
    base_line: u32,
    dialect_pg: bool,
    hazards: &mut Vec<Hazard>,
    schema: &mut SqlSchema,
) {
    let stmts = sql_statements(text);
    let created: BTreeSet<String> = stmts
        .iter()
        .filter(|s| s.is(0, "CREATE") && create_table_index(s).is_some())
        .filter_map(|s| {
            let i = create_table_index(s)?;
            qualified_name(s, skip_if_exists(s, i)).map(|n| n.0)
        })
        .collect();
    // tables copied into a new table before being dropped (SQLite table rebuilds)
    let mut copied_from: BTreeSet<String> = BTreeSet::new();
    for st in &stmts {
        let line = st.line() + base_line - 1;
        let snippet = st.render(text);
        let mut push = |kind, what: &str, line: u32| {
            hazards.push(Hazard {
                kind,
                what: what.to_string(),
                path: path.to_string(),
                line,
                snippet: snippet.clone(),
                pg_only: false,
            })
        };
        let first = st.word(0).unwrap_or("");
        match first {
            "INSERT" => {
                let ws = words(&st.toks);
                if ws.contains(&"SELECT")
                    && let Some(p) = st
                        .toks
                        .iter()
                        .position(|(t, _)| *t == Tok::Word("FROM".into()))
                    && let Some((n, _)) = qualified_name(st, p + 1)
                {
                    copied_from.insert(n);
                }
            }
            "DROP" => {
                let obj = st.word(1).unwrap_or("");
                match obj {
                    "TABLE" => {
                        let name = qualified_name(st, skip_if_exists(st, 2)).map(|n| n.0);
                        if let Some(n) = &name {
                            schema.forget(n);
                        }
                        if name.as_ref().is_some_and(|n| copied_from.contains(n)) {
                            push(
                                HazardKind::Locking,
                                "table rebuilt (copied, dropped, renamed)",
                                line,
                            );
                        } else {
                            push(HazardKind::Destructive, "DROP TABLE", line);
                        }
                    }
                    "SCHEMA" | "DATABASE" => {
                        push(HazardKind::Destructive, &format!("DROP {obj}"), line)
                    }
                    _ => {}
                }
            }
            "TRUNCATE" => push(HazardKind::Destructive, "TRUNCATE", line),
            "RENAME" if st.is(1, "TABLE") => push(HazardKind::Locking, "RENAME TABLE", line),
            "ALTER" if st.is(1, "TABLE") => {
                let i = skip_if_exists(st, 2);
                let Some((table, next)) = qualified_name(st, i) else {
                    continue;
                };
                let existing = !created.contains(&table);
                for action in split_top(&st.toks[next..]) {
                    let ws = words(action);
                    let aline = action.first().map(|t| t.1 + base_line - 1).unwrap_or(line);
                    match ws.first().copied() {
                        Some("DROP") => {
                            let target = ws.get(1).copied().unwrap_or("");
                            let non_column = matches!(
                                target,
                                "CONSTRAINT"
                                    | "INDEX"
                                    | "KEY"
                                    | "PRIMARY"
                                    | "FOREIGN"
                                    | "DEFAULT"
                                    | "NOT"
                                    | "CHECK"
                                    | "PARTITION"
                                    | "IDENTITY"
                                    | "EXPRESSION"
                                    | "TRIGGER"
                                    | "ROW"
                                    | "SYSTEM"
                            );
                            let quoted_col = matches!(action.get(1), Some((Tok::Ident(_), _)));
                            if target == "COLUMN"
                                || quoted_col
                                || (!non_column && !target.is_empty())
                            {
                                push(HazardKind::Destructive, "DROP COLUMN", aline);
                            }
                        }
                        Some("RENAME") => push(HazardKind::Locking, "RENAME", aline),
                        Some("MODIFY") | Some("CHANGE") if existing => push(
                            HazardKind::Locking,
                            "column type change (MODIFY/CHANGE)",
                            aline,
                        ),
                        Some("ALTER") => {
                            if has_seq(&ws, &["TYPE"]) && !has_seq(&ws, &["DROP"]) {
                                if existing {
                                    push(
                                        HazardKind::Locking,
                                        "ALTER COLUMN TYPE (table rewrite)",
                                        aline,
                                    );
                                }
                            } else if has_seq(&ws, &["SET", "NOT", "NULL"]) && existing {
                                push(
                                    HazardKind::Locking,
                                    "SET NOT NULL (full table scan under an exclusive lock)",
                                    aline,
                                );
                            }
                        }
                        Some("ADD") => {
                            let is_constraint = matches!(
                                ws.get(1).copied(),
                                Some(
                                    "CONSTRAINT"
                                        | "PRIMARY"
                                        | "UNIQUE"
                                        | "FOREIGN"
                                        | "CHECK"
                                        | "INDEX"
                                        | "KEY"
                                )
                            );
                            if !is_constraint
                                && existing
                                && has_seq(&ws, &["NOT", "NULL"])
                                && !ws.contains(&"DEFAULT")
                                && !ws.contains(&"GENERATED")
                            {
                                push(
                                    HazardKind::Locking,
                                    "ADD COLUMN NOT NULL without DEFAULT on an existing table",
                                    aline,
                                );
                            }
                            if has_seq(&ws, &["PRIMARY", "KEY"]) {
                                schema.pk_added.insert(table.clone());
                                let at = action
                                    .iter()
                                    .position(|(t, _)| *t == Tok::Word("KEY".into()))
                                    .unwrap_or(0);
                                schema
                                    .indexes
                                    .push((table.clone(), paren_names(action, at)));
                            }
                            if ws.contains(&"UNIQUE") {
                                schema.unique_added.insert(table.clone());
                                let at = action
                                    .iter()
                                    .position(|(t, _)| *t == Tok::Word("UNIQUE".into()))
                                    .unwrap_or(0);
                                schema
                                    .indexes
                                    .push((table.clone(), paren_names(action, at)));
                            }
                            if has_seq(&ws, &["FOREIGN", "KEY"]) {
                                let at = action
                                    .iter()
                                    .position(|(t, _)| *t == Tok::Word("FOREIGN".into()))
                                    .unwrap_or(0);
                                schema.fks.push(ForeignKey {
                                    table: table.clone(),
                                    cols: paren_names(action, at),
                                    path: path.to_string(),
                                    line: aline,
                                    snippet: snippet.clone(),
                                });
                            } else if ws.contains(&"REFERENCES") && !is_constraint {
                                // ADD [COLUMN] col type REFERENCES t
                                let k = if ws.get(1) == Some(&"COLUMN") { 2 } else { 1 };
                                if let Some(col) = action.get(k).and_then(|t| name_of(&t.0)) {
                                    schema.fks.push(ForeignKey {
                                        table: table.clone(),
                                        cols: vec![col],
                                        path: path.to_string(),
                                        line: aline,
                                        snippet: snippet.clone(),
                                    });
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            "CREATE" => {
                if let Some(ti) = create_table_index(st) {
                    read_create_table(st, ti, path, line, &snippet, schema);
                    continue;
                }
                // CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] name ON table (cols)
                let mut i = 1;
                if st.is(i, "UNIQUE") {
                    i += 1;
                }
                if !st.is(i, "INDEX") {
                    continue;
                }
                let ws = words(&st.toks);
                let concurrently = ws.contains(&"CONCURRENTLY");
                let Some(on) = st
                    .toks
                    .iter()
                    .position(|(t, _)| *t == Tok::Word("ON".into()))
                else {
                    continue;
                };
                let Some((table, after)) = qualified_name(st, skip_if_exists(st, on + 1)) else {
                    continue;
                };
                schema
                    .indexes
                    .push((table.clone(), paren_names(&st.toks, after)));
                if dialect_pg && !concurrently && !created.contains(&table) {
                    push(
                        HazardKind::Locking,
                        "CREATE INDEX without CONCURRENTLY on an existing table (blocks writes)",
                        line,
                    );
                }
            }
            _ => {}
        }
    }
}

/// Index of the name in `CREATE [OR REPLACE] [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE name`.
fn create_table_index(st: &SqlStmt) -> Option<usize> {
    let mut i = 1;
    while let Some(w) = st.word(i) {
        match w {
            "TABLE" => return Some(i + 1),
            "OR" | "REPLACE" | "GLOBAL" | "LOCAL" | "UNLOGGED" => i += 1,
            _ => return None,
        }
    }
    None
}

fn read_create_table(
    st: &SqlStmt,
    ti: usize,
    path: &str,
    line: u32,
    snippet: &str,
    schema: &mut SqlSchema,
) {
    let i = skip_if_exists(st, ti);
    let Some((table, next)) = qualified_name(st, i) else {
        return;
    };
    // `CREATE TABLE x AS SELECT …`, `… PARTITION OF …`, `… LIKE …`: not a definition to judge.
    if !matches!(st.toks.get(next), Some((Tok::Punct('('), _))) {
        return;
    }
    // body = tokens inside the outer parentheses
    let mut depth = 0;
    let mut end = st.toks.len();
    for (k, (t, _)) in st.toks.iter().enumerate().skip(next) {
        match t {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth -= 1;
                if depth == 0 {
                    end = k;
                    break;
                }
            }
            _ => {}
        }
    }
    let body = &st.toks[next + 1..end.max(next + 1)];
    let tail = words(&st.toks[end.min(st.toks.len())..]);
    let mut def = TableDef {
        name: table.clone(),
        path: path.to_string(),
        line,
        pk: tail.contains(&"ROWID") && tail.contains(&"WITHOUT"),
        unique: false,
    };
    for el in split_top(body) {
        let ws = words(el);
        let first = ws.first().copied().unwrap_or("");
        let constraint_start = if first == "CONSTRAINT" { 2 } else { 0 };
        let head = if matches!(el.first(), Some((Tok::Ident(_), _))) && constraint_start == 0 {
            ""
        } else {
            ws.get(if first == "CONSTRAINT" { 1 } else { 0 })
                .copied()
                .unwrap_or("")
        };
        let head = if first == "CONSTRAINT" {
            // CONSTRAINT name <kind>
            words(&el[2.min(el.len())..]).first().copied().unwrap_or("")
        } else {
            head
        };
        match head {
            "PRIMARY" => {
                def.pk = true;
                schema.indexes.push((table.clone(), paren_names(el, 0)));
            }
            "UNIQUE" => {
                def.unique = true;
                schema.indexes.push((table.clone(), paren_names(el, 0)));
            }
            "FOREIGN" => schema.fks.push(ForeignKey {
                table: table.clone(),
                cols: paren_names(el, 0),
                path: path.to_string(),
                line: el.first().map(|t| t.1).unwrap_or(line),
                snippet: snippet.to_string(),
            }),
            "KEY" | "INDEX" => schema.indexes.push((table.clone(), paren_names(el, 0))),
            "CHECK" | "EXCLUDE" | "LIKE" => {}
            _ => {
                // a column definition
                let Some(col) = el.first().and_then(|t| name_of(&t.0)) else {
                    continue;
                };
                if has_seq(&ws, &["PRIMARY", "KEY"]) {
                    def.pk = true;
                    schema.indexes.push((table.clone(), vec![col.clone()]));
                } else if ws.contains(&"UNIQUE") {
                    def.unique = true;
                    schema.indexes.push((table.clone(), vec![col.clone()]));
                }
                if ws.contains(&"REFERENCES") {
                    schema.fks.push(ForeignKey {
                        table: table.clone(),
                        cols: vec![col],
                        path: path.to_string(),
                        line: el.first().map(|t| t.1).unwrap_or(line),
                        snippet: snippet.to_string(),
                    });
                }
            }
        }
    }
    schema.tables.push(def);
}

// ───────────────────────────── code masks (Python / JS) ─────────────────────────────

/// For each byte of `text`: true when it is code (not in a comment or string literal).
fn code_mask(text: &str, python: bool) -> Vec<bool> {
    let b = text.as_bytes();
    let mut mask = vec![true; b.len()];
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let line_comment = if python {
            c == b'#'
        } else {
            c == b'/' && b.get(i + 1) == Some(&b'/')
        };
        if line_comment {
            while i < b.len() && b[i] != b'\n' {
                mask[i] = false;
                i += 1;
            }
            continue;
        }
        if !python && c == b'/' && b.get(i + 1) == Some(&b'*') {
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                mask[i] = false;
                i += 1;
            }
            for m in mask.iter_mut().take((i + 2).min(b.len())).skip(i) {
                *m = false;
            }
            i += 2;
            continue;
        }
        let quote = c == b'\'' || c == b'"' || (!python && c == b'`');
        if quote {
            let triple = python && b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
            let s = i;
            i += if triple { 3 } else { 1 };
            while i < b.len() {
                if b[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if b[i] == c {
                    if !triple {
                        i += 1;
                        break;
                    }
                    if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c) {
                        i += 3;
                        break;
                    }
                }
                if b[i] == b'\n' && !triple && c != b'`' {
                    break;
                }
                i += 1;
            }
            let e = i.min(b.len());
            // the quotes themselves stay code, so that `"` boundaries are visible
            let inner = e.saturating_sub(1).max(s + 1);
            for m in mask.iter_mut().take(inner).skip(s + 1) {
                *m = false;
            }
            continue;
        }
        i += 1;
    }
    mask
}

/// The text of the call starting at `open` (an opening parenthesis), up to its match.
fn call_args<'a>(text: &'a str, mask: &[bool], open: usize) -> &'a str {
    let b = text.as_bytes();
    let mut depth = 0;
    for k in open..b.len() {
        if !mask[k] {
            continue;
        }
        match b[k] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open + 1..k];
                }
            }
            _ => {}
        }
    }
    &text[open.min(text.len())..]
}

/// String literal contents of a code fragment (Python or JS), for embedded SQL.
fn literals(code: &str) -> Vec<String> {
    if !code.contains('`') {
        return super::config::py::string_literals(code);
    }
    // JavaScript: '…', "…" and `…` (template literals keep their `${…}` as written)
    let mut out = Vec::new();
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        if !matches!(c, '\'' | '"' | '`') {
            continue;
        }
        let mut s = String::new();
        while let Some(d) = chars.next() {
            if d == '\\' {
                if let Some(e) = chars.next() {
                    s.push(e);
                }
                continue;
            }
            if d == c {
                break;
            }
            s.push(d);
        }
        out.push(s);
    }
    out
}

/// (start, end) byte ranges of the bodies of functions named `name` (Python `def name`, JS
/// `function name`, `name(…) {`, `name = … => {`, `exports.name = function … {`).
fn function_bodies(text: &str, mask: &[bool], python: bool, name: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    if python {
        let needle = format!("def {name}");
        for (pos, _) in text.match_indices(&needle) {
            if !mask[pos] || (pos > 0 && b[pos - 1] != b'\n' && b[pos - 1] != b' ') {
                continue;
            }
            let after = pos + needle.len();
            if b.get(after)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                continue;
            }
            // body: following lines more indented than the def
            let line_start = text[..pos].rfind('\n').map(|i| i + 1).unwrap_or(0);
            let indent = pos - line_start;
            let body_start = text[pos..]
                .find('\n')
                .map(|i| pos + i + 1)
                .unwrap_or(b.len());
            let mut end = body_start;
            let mut k = body_start;
            while k < b.len() {
                let le = text[k..].find('\n').map(|i| k + i).unwrap_or(b.len());
                let line = &text[k..le];
                let t = line.trim_start();
                if !t.is_empty()
                    && !t.starts_with('#')
                    && line.len() - t.len() <= indent
                    && mask[k + (line.len() - t.len())]
                {
                    break;
                }
                end = le;
                k = le + 1;
            }
            out.push((body_start, end));
        }
        return out;
    }
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        crate::rx::dynamic(r"\b(up|down)\b\s*(?:=|:|\(|\s+function\b)").expect("static regex")
    });
    for m in re.captures_iter(text) {
        let (Some(all), Some(n)) = (m.get(0), m.get(1)) else {
            continue;
        };
        if n.as_str() != name || !mask[all.start()] {
            continue;
        }
        // the first `{` in code after the match
        let Some(open) = (all.end()..b.len()).find(|&k| mask[k] && b[k] == b'{') else {
            continue;
        };
        let mut depth = 0;
        let mut close = b.len();
        for k in open..b.len() {
            if !mask[k] {
                continue;
            }
            match b[k] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = k;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((open + 1, close));
    }
    out
}

/// Whether a function body does something (not only `pass`, comments or `{}`).
fn body_is_empty(text: &str, mask: &[bool], (s, e): (usize, usize)) -> bool {
    let code: String = text[s..e.min(text.len())]
        .char_indices()
        .filter(|(i, _)| mask.get(s + i).copied().unwrap_or(false))
        .map(|(_, c)| c)
        .collect();
    let t = code
        .replace("pass", "")
        .replace("...", "")
        .replace("return", "")
        .replace("Promise.resolve()", "");
    t.chars()
        .all(|c| c.is_whitespace() || c == ';' || c == '"' || c == '\'')
}

// ───────────────────────────── the domain ─────────────────────────────

/// A migration file, classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MigKind {
    Sql,
    Django,
    Alembic,
    Js,
}

#[derive(Debug, Clone)]
struct Migration {
    path: String,
    kind: MigKind,
    /// A down/undo file (`down.sql`, `*.down.sql`, Flyway `U1__`).
    down: bool,
    /// For code and goose/dbmate SQL: whether a non-empty down part exists.
    has_down: Option<bool>,
    test: bool,
}

#[derive(Default)]
struct State {
    migrations: Vec<Migration>,
    /// Raw texts of "up" SQL (path, text, first line) to analyse once the dialect is known.
    sql: Vec<(String, String, u32)>,
    hazards: Vec<Hazard>,
    prisma: Vec<(String, String)>,
    alembic_ini: Vec<String>,
    django_models: Vec<(String, u32)>,
    manifests: Vec<(String, String)>,
    pool: Vec<(String, u32, String)>,
    db_code: Vec<(String, u32, String)>,
    flyway_conf: Vec<String>,
    /// Schema created at start-up instead of by migrations (`synchronize: true`, `db push`,
    /// `sync()`, `create_all()`): (path, line, snippet).
    sync_hints: Vec<(String, u32, String)>,
}

#[derive(Default)]
pub struct Db {
    state: Mutex<State>,
}

fn lower_components(path: &str) -> Vec<String> {
    path.to_ascii_lowercase()
        .split('/')
        .map(str::to_string)
        .collect()
}

fn in_migrations_dir(path: &str) -> bool {
    let c = lower_components(path);
    c.iter().rev().skip(1).any(|d| {
        matches!(
            d.as_str(),
            "migrations" | "migration" | "migrate" | "versions" | "db_migrations" | "sql"
        )
    })
}

fn is_flyway(name: &str) -> bool {
    let n = name.as_bytes();
    n.len() > 4
        && (n[0] == b'V' || n[0] == b'U' || n[0] == b'R')
        && name.contains("__")
        && name.to_ascii_lowercase().ends_with(".sql")
        && (n[0] == b'R' || n[1].is_ascii_digit())
}

fn is_django_migration(path: &str) -> bool {
    let c: Vec<&str> = path.split('/').collect();
    let n = c.len();
    n >= 2
        && c[n - 2] == "migrations"
        && c[n - 1].len() > 5
        && c[n - 1].as_bytes()[..4].iter().all(|b| b.is_ascii_digit())
        && c[n - 1].ends_with(".py")
}

const MANIFESTS: &[&str] = &[
    "package.json",
    "requirements.txt",
    "pyproject.toml",
    "pipfile",
    "cargo.toml",
    "go.mod",
    "docker-compose.yml",
    "docker-compose.yaml",
    "compose.yml",
    "compose.yaml",
    "gemfile",
];

/// Needle families: a pool configured explicitly, code that opens database connections, a
/// schema created at start-up instead of by migrations.
const POOL: u8 = 0;
const DB_CODE: u8 = 1;
const SYNC: u8 = 2;

/// Needles per language (one small automaton per file keeps the scan at prefilter speed).
const NEEDLES_JS: &[(&str, u8)] = &[
    ("new Pool(", POOL),
    ("createPool(", POOL),
    ("pool: {", POOL),
    ("pool:{", POOL),
    ("connectionLimit", POOL),
    ("connection_limit", POOL),
    ("poolSize", POOL),
    ("new PrismaClient", DB_CODE),
    ("createConnection(", DB_CODE),
    ("new DataSource(", DB_CODE),
    ("knex(", DB_CODE),
    ("new Sequelize(", DB_CODE),
    ("mongoose.connect(", DB_CODE),
    ("synchronize: true", SYNC),
    ("synchronize:true", SYNC),
    (".sync({", SYNC),
];
const NEEDLES_PY: &[(&str, u8)] = &[
    ("pool_size", POOL),
    ("max_overflow", POOL),
    ("CONN_MAX_AGE", POOL),
    ("conn_max_age", POOL),
    ("\"pool\":", POOL),
    ("create_pool(", POOL),
    ("psycopg_pool", POOL),
    ("ConnectionPool(", POOL),
    ("QueuePool", POOL),
    ("create_engine(", DB_CODE),
    ("create_async_engine(", DB_CODE),
    ("psycopg2.connect(", DB_CODE),
    ("psycopg.connect(", DB_CODE),
    ("asyncpg.connect(", DB_CODE),
    ("DATABASES", DB_CODE),
    ("create_all(", SYNC),
];
const NEEDLES_RS: &[(&str, u8)] = &[
    ("PoolOptions", POOL),
    ("max_connections(", POOL),
    ("r2d2::Pool", POOL),
    ("Pool::builder()", POOL),
    ("deadpool", POOL),
    ("bb8::Pool", POOL),
    ("PgPool::connect", DB_CODE),
    ("MySqlPool::connect", DB_CODE),
    ("SqlitePool::connect", DB_CODE),
    ("PgConnection::establish", DB_CODE),
    ("MysqlConnection::establish", DB_CODE),
];
const NEEDLES_GO: &[(&str, u8)] = &[
    ("SetMaxOpenConns(", POOL),
    ("pgxpool", POOL),
    ("sql.Open(", DB_CODE),
    ("gorm.Open(", DB_CODE),
    ("pgx.Connect(", DB_CODE),
    ("AutoMigrate(", SYNC),
];
/// Configuration files (.env templates, YAML/TOML/JSON config, schema.prisma, package.json).
const NEEDLES_CONFIG: &[(&str, u8)] = &[
    ("connection_limit", POOL),
    ("connectionLimit", POOL),
    ("pool_size", POOL),
    ("pool:", POOL),
    ("\"pool\":", POOL),
    ("DB_POOL", POOL),
    ("DATABASE_POOL", POOL),
    ("pool_max", POOL),
    ("max_connections", POOL),
    ("CONN_MAX_AGE", POOL),
    ("prisma db push", SYNC),
];

/// The automaton and needle table for a file.
fn matcher(path: &str) -> (&'static Literals, &'static [(&'static str, u8)]) {
    static M: OnceLock<[Literals; 5]> = OnceLock::new();
    const TABLES: [&[(&str, u8)]; 5] = [
        NEEDLES_JS,
        NEEDLES_PY,
        NEEDLES_RS,
        NEEDLES_GO,
        NEEDLES_CONFIG,
    ];
    let m = M.get_or_init(|| TABLES.map(|t| Literals::new(t.iter().map(|n| n.0))));
    let i = match crate::paths::language_of(path) {
        Some("javascript" | "typescript") => 0,
        Some("python") => 1,
        Some("rust") => 2,
        Some("go") => 3,
        _ => 4,
    };
    (&m[i], TABLES[i])
}

fn is_pool_config_file(f: &FileMeta) -> bool {
    let n = f.lower_name();
    (super::config::env_kind(n) == Some(super::config::EnvKind::Template))
        || n == "schema.prisma"
        || matches!(f.ext(), Some("yml" | "yaml" | "toml" | "json"))
            && (n.contains("database")
                || n.contains("config")
                || n.contains("db")
                || n.starts_with("app"))
}

impl Domain for Db {
    fn name(&self) -> &'static str {
        "db"
    }
    fn wants(&self, f: &FileMeta) -> bool {
        if f.is_vendored() {
            return false;
        }
        let n = f.lower_name();
        let ext = f.ext().map(|e| e.to_ascii_lowercase());
        let ext = ext.as_deref();
        (ext == Some("sql")
            && (in_migrations_dir(&f.path)
                || is_flyway(f.name())
                || n.ends_with(".up.sql")
                || n.ends_with(".down.sql")))
            || (ext == Some("py")
                && (in_migrations_dir(&f.path) || n == "models.py" || f.path.contains("/models/")))
            || (matches!(ext, Some("js" | "ts" | "mjs" | "cjs")) && in_migrations_dir(&f.path))
            || n == "schema.prisma"
            || n == "alembic.ini"
            || n.starts_with("flyway") && matches!(ext, Some("conf" | "toml"))
            || MANIFESTS.contains(&n)
            || crate::paths::language_of(&f.path).is_some()
            || is_pool_config_file(f)
    }

    fn visit(&self, file: &SourceFile<'_>) {
        let f = file.meta;
        let n = f.lower_name();
        let path = file.path().to_string();
        let ext = f.ext().map(|e| e.to_ascii_lowercase()).unwrap_or_default();
        let mut local = State::default();

        if MANIFESTS.contains(&n) {
            local.manifests.push((path.clone(), file.text.to_string()));
        }
        if n == "schema.prisma" {
            local.prisma.push((path.clone(), file.text.to_string()));
        }
        if n == "alembic.ini" {
            local.alembic_ini.push(path.clone());
        }
        if n.starts_with("flyway") && (ext == "conf" || ext == "toml") {
            local.flyway_conf.push(path.clone());
        }
        let is_sql_mig = ext == "sql"
            && (in_migrations_dir(&path)
                || is_flyway(f.name())
                || n.ends_with(".up.sql")
                || n.ends_with(".down.sql"));
        if is_sql_mig {
            let down = n == "down.sql"
                || n.ends_with(".down.sql")
                || (f.name().starts_with('U') && is_flyway(f.name()));
            // goose / dbmate: one file with both directions
            let markers = [
                ("-- +goose Down", "-- +goose Up"),
                ("-- migrate:down", "-- migrate:up"),
            ];
            let mut up_text: &str = file.text;
            let mut has_down = None;
            for (dm, _) in markers {
                if let Some(p) = file.text.find(dm) {
                    up_text = &file.text[..p];
                    let rest = &file.text[p + dm.len()..];
                    has_down = Some(!sql_statements(rest).is_empty());
                }
            }
            local.migrations.push(Migration {
                path: path.clone(),
                kind: MigKind::Sql,
                down,
                has_down,
                test: f.is_test(),
            });
            if !down {
                local.sql.push((path.clone(), up_text.to_string(), 1));
            }
        } else if ext == "py"
            && (is_django_migration(&path)
                || (in_migrations_dir(&path) && file.text.contains("def upgrade")))
        {
            let python = true;
            let mask = code_mask(file.text, python);
            let alembic = file.text.contains("def upgrade");
            let kind = if alembic {
                MigKind::Alembic
            } else {
                MigKind::Django
            };
            let ups = if alembic {
                function_bodies(file.text, &mask, true, "upgrade")
            } else {
                vec![(0, file.text.len())]
            };
            let downs = if alembic {
                function_bodies(file.text, &mask, true, "downgrade")
            } else {
                Vec::new()
            };
            let has_down =
                alembic.then(|| downs.iter().any(|r| !body_is_empty(file.text, &mask, *r)));
            local.migrations.push(Migration {
                path: path.clone(),
                kind,
                down: false,
                has_down,
                test: f.is_test(),
            });
            code_hazards(file, &mask, &ups, kind, &mut local);
        } else if matches!(ext.as_str(), "js" | "ts" | "mjs" | "cjs")
            && in_migrations_dir(&path)
            && !f.is_test()
        {
            let mask = code_mask(file.text, false);
            let ups = function_bodies(file.text, &mask, false, "up");
            if !ups.is_empty() {
                let downs = function_bodies(file.text, &mask, false, "down");
                let has_down = Some(downs.iter().any(|r| !body_is_empty(file.text, &mask, *r)));
                local.migrations.push(Migration {
                    path: path.clone(),
                    kind: MigKind::Js,
                    down: false,
                    has_down,
                    test: f.is_test(),
                });
                code_hazards(file, &mask, &ups, MigKind::Js, &mut local);
            }
        }
        if ext == "py" && (n == "models.py" || path.contains("/models/")) && !f.is_test() {
            static RE: OnceLock<regex::Regex> = OnceLock::new();
            let re = RE.get_or_init(|| {
                crate::rx::dynamic(r"(?m)^class\s+\w+\s*\([^)]*\bmodels\.Model\b")
                    .expect("static regex")
            });
            if let Some(m) = re.find(file.text) {
                local
                    .django_models
                    .push((path.clone(), file.line_col(m.start()).0));
            }
        }
        let code = crate::paths::language_of(&path).is_some() && !f.is_test();
        if code || is_pool_config_file(f) || n == "package.json" {
            // one pass for the three needle families; first hit of each kept
            let (ac, table) = matcher(&path);
            let mut seen = [false; 3];
            for m in ac.find_iter(file.text) {
                let family = table[m.pattern().as_usize()].1 as usize;
                if seen[family] || (family == POOL as usize && n == "package.json") {
                    continue;
                }
                seen[family] = true;
                let (l, _) = file.line_col(m.start());
                let hit = (path.clone(), l, file.line_at(m.start()).to_string());
                match family as u8 {
                    POOL => local.pool.push(hit),
                    DB_CODE => local.db_code.push(hit),
                    _ => local.sync_hints.push(hit),
                }
                if seen.iter().all(|x| *x) {
                    break;
                }
            }
        }
        if let Ok(mut s) = self.state.lock() {
            s.sync_hints.extend(local.sync_hints);
            s.migrations.extend(local.migrations);
            s.sql.extend(local.sql);
            s.hazards.extend(local.hazards);
            s.prisma.extend(local.prisma);
            s.alembic_ini.extend(local.alembic_ini);
            s.django_models.extend(local.django_models);
            s.manifests.extend(local.manifests);
            s.pool.extend(local.pool);
            s.db_code.extend(local.db_code);
            s.flyway_conf.extend(local.flyway_conf);
        }
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut st = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        st.migrations.sort_by(|a, b| natural_cmp(&a.path, &b.path));
        st.sql.sort_by(|a, b| natural_cmp(&a.0, &b.0));
        st.manifests.sort();
        st.prisma.sort();
        st.pool.sort();
        st.db_code.sort();
        st.django_models.sort();
        st.sync_hints.sort();

        let dialect = dialect(&st);
        let mut schema = SqlSchema::default();
        let mut hazards = std::mem::take(&mut st.hazards);
        hazards.retain(|h| !h.pg_only || dialect.pg);
        for (path, text, base) in &st.sql {
            analyse_sql(path, text, *base, dialect.pg, &mut hazards, &mut schema);
        }
        hazards.sort_by(|a, b| natural_cmp(&a.path, &b.path).then(a.line.cmp(&b.line)));

        let orms = orms(repo, &st);
        let mut out = Vec::new();
        migrations_exist(repo, &st, &orms, &mut out);
        hazard_findings(&st, &hazards, &mut out);
        down_migrations(&st, &orms, &mut out);
        primary_keys(&schema, &mut out);
        fk_indexes(&schema, dialect, &mut out);
        pool(&st, &orms, &mut out);
        out
    }
}

/// Compares paths with digit runs as numbers (`V2__` before `V10__`).
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, _) => return std::cmp::Ordering::Less,
            (_, None) => return std::cmp::Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let nx = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let ny = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dx, dy) = (&x[..nx], &y[..ny]);
                let tx = dx.iter().skip_while(|&&c| c == b'0').count();
                let ty = dy.iter().skip_while(|&&c| c == b'0').count();
                let o = tx.cmp(&ty).then_with(|| dx[nx - tx..].cmp(&dy[ny - ty..]));
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
                x = &x[nx..];
                y = &y[ny..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

/// Hazards in Python/JS migration code (the "up" direction only).
fn code_hazards(
    file: &SourceFile<'_>,
    mask: &[bool],
    ups: &[(usize, usize)],
    kind: MigKind,
    local: &mut State,
) {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        crate::rx::dynamic(
            r"\b(?:migrations\.(RemoveField|DeleteModel|RenameField|RenameModel|AddIndex|RunSQL)|op\.(drop_table|drop_column|rename_table|alter_column|add_column|create_index|execute)|\.(dropTable|dropTableIfExists|dropColumn|dropColumns|renameColumn|renameTable|removeColumn|query|raw))\s*\(",
        )
        .expect("static regex")
    });
    let text = file.text;
    let path = file.path();
    // tables created by this migration: changes to them lock nothing that holds data
    static CREATED: OnceLock<regex::Regex> = OnceLock::new();
    let created_re = CREATED.get_or_init(|| {
        regex::Regex::new(
            r#"(?:op\.create_table|migrations\.CreateModel|\.createTable)\(\s*(?:name\s*=\s*)?["'`]([^"'`]+)["'`]"#,
        )
        .expect("static regex")
    });
    let mut created: BTreeSet<String> = BTreeSet::new();
    for (s, e) in ups {
        let body = &text[*s..(*e).min(text.len())];
        for c in created_re.captures_iter(body) {
            if let (Some(all), Some(n)) = (c.get(0), c.get(1))
                && mask[*s + all.start()]
            {
                created.insert(n.as_str().to_ascii_lowercase());
            }
        }
    }
    static MODEL: OnceLock<regex::Regex> = OnceLock::new();
    let model_re = MODEL.get_or_init(|| {
        regex::Regex::new(r#"model_name\s*=\s*["']([^"']+)["']"#).expect("static regex")
    });
    let new_table = |name: &str, args: &str| -> bool {
        let lits = literals(args);
        let table = match name {
            "create_index" => lits.get(1).cloned(),
            "add_column" | "alter_column" => lits.first().cloned(),
            "AddIndex" => model_re
                .captures(args)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_string()),
            _ => None,
        };
        table.is_some_and(|t| created.contains(&t.to_ascii_lowercase()))
    };
    for (s, e) in ups {
        let (s, e) = (*s, (*e).min(text.len()));
        for m in re.captures_iter(&text[s..e]) {
            let Some(all) = m.get(0) else { continue };
            let at = s + all.start();
            if !mask[at] {
                continue;
            }
            let name = m
                .get(1)
                .or(m.get(2))
                .or(m.get(3))
                .map(|x| x.as_str())
                .unwrap_or("");
            let open = s + all.end() - 1;
            let args = call_args(text, mask, open);
            let (line, _) = line_col(text, at);
            let snippet = line_at(text, at).to_string();
            let mut push = |kind: HazardKind, what: &str| {
                local.hazards.push(Hazard {
                    kind,
                    what: what.to_string(),
                    path: path.to_string(),
                    line,
                    snippet: snippet.clone(),
                    pg_only: false,
                })
            };
            if new_table(name, args) {
                continue;
            }
            match name {
                "RemoveField" | "drop_column" | "dropColumn" | "dropColumns" | "removeColumn" => {
                    push(HazardKind::Destructive, "drops a column")
                }
                "DeleteModel" | "drop_table" | "dropTable" | "dropTableIfExists" => {
                    push(HazardKind::Destructive, "drops a table")
                }
                "RenameField" | "RenameModel" | "rename_table" | "renameColumn" | "renameTable" => {
                    push(
                        HazardKind::Locking,
                        "rename (breaks the code still running during the deploy)",
                    )
                }
                "alter_column" => {
                    if args.contains("new_column_name") {
                        push(
                            HazardKind::Locking,
                            "rename (breaks the code still running during the deploy)",
                        );
                    }
                    if args.contains("type_") {
                        push(HazardKind::Locking, "column type change (table rewrite)");
                    }
                    if args.replace(' ', "").contains("nullable=False") {
                        push(
                            HazardKind::Locking,
                            "SET NOT NULL (full table scan under an exclusive lock)",
                        );
                    }
                }
                "add_column" => {
                    let a = args.replace(' ', "");
                    if a.contains("nullable=False") && !a.contains("server_default") {
                        push(
                            HazardKind::Locking,
                            "ADD COLUMN NOT NULL without a server default",
                        );
                    }
                }
                "create_index" | "AddIndex"
                    if !args.contains("concurrently") && kind != MigKind::Js =>
                {
                    push(
                        HazardKind::Locking,
                        "index created without CONCURRENTLY (blocks writes on PostgreSQL)",
                    );
                    if let Some(h) = local.hazards.last_mut() {
                        h.pg_only = true;
                    }
                }
                "RunSQL" | "execute" | "query" | "raw" => {
                    for lit in literals(args) {
                        let looks_sql = lit.to_ascii_uppercase().contains("DROP")
                            || lit.to_ascii_uppercase().contains("ALTER")
                            || lit.to_ascii_uppercase().contains("TRUNCATE")
                            || lit.to_ascii_uppercase().contains("CREATE");
                        if looks_sql {
                            local.sql.push((path.to_string(), lit, line));
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn dialect(st: &State) -> Dialect {
    let mut d = Dialect::default();
    for (_, t) in &st.prisma {
        if t.contains("\"postgresql\"")
            || t.contains("\"postgres\"")
            || t.contains("\"cockroachdb\"")
        {
            d.pg = true;
        }
        if t.contains("\"mysql\"") {
            d.mysql = true;
        }
    }
    for (_, t) in &st.manifests {
        let l = t.to_ascii_lowercase();
        if [
            "\"pg\"",
            "psycopg",
            "asyncpg",
            "\"postgres\"",
            "postgres\"",
            "lib/pq",
            "jackc/pgx",
            "image: postgres",
            "image: \"postgres",
            "postgis",
            "diesel = { version",
            "tokio-postgres",
        ]
        .iter()
        .any(|n| l.contains(n))
            && (l.contains("pg") || l.contains("postgres"))
        {
            d.pg = true;
        }
        if [
            "\"mysql2\"",
            "\"mysql\"",
            "mysqlclient",
            "pymysql",
            "go-sql-driver/mysql",
            "image: mysql",
            "image: mariadb",
        ]
        .iter()
        .any(|n| l.contains(n))
        {
            d.mysql = true;
        }
    }
    for (_, t, _) in &st.sql {
        let u = t.to_ascii_uppercase();
        if [
            "SERIAL",
            "JSONB",
            "TIMESTAMPTZ",
            "CREATE EXTENSION",
            "::",
            "BIGSERIAL",
            "UUID_GENERATE",
            "GEN_RANDOM_UUID",
        ]
        .iter()
        .any(|n| u.contains(n))
        {
            d.pg = true;
        }
        if u.contains("AUTO_INCREMENT")
            || u.contains("ENGINE=INNODB")
            || u.contains("ENGINE = INNODB")
        {
            d.mysql = true;
        }
    }
    if d.mysql && !d.pg {
        return d;
    }
    if d.mysql && d.pg {
        // both named (multi-service repo): PostgreSQL rules still apply where they can
        d.mysql = false;
    }
    d
}

/// An ORM or migration tool found in the repo: (name, evidence).
#[derive(Debug, Clone)]
struct Orm {
    name: &'static str,
    evidence: Evidence,
}

fn manifest_mentions(st: &State, needle: &str) -> Option<String> {
    st.manifests
        .iter()
        .find(|(_, t)| t.contains(needle))
        .map(|(p, _)| p.clone())
}

fn orms(repo: &Repo, st: &State) -> Vec<Orm> {
    let mut out = Vec::new();
    let mut add = |name: &'static str, e: Evidence| out.push(Orm { name, evidence: e });
    if let Some((p, _)) = st.prisma.first() {
        add("Prisma", Evidence::file(p));
    } else if repo.has_framework("prisma") {
        add("Prisma", Evidence::note("prisma is a dependency"));
    }
    let alembic_env = repo.files.iter().find(|f| {
        f.path.ends_with("alembic/env.py") || f.path == "env.py" && repo.exists("script.py.mako")
    });
    if let Some(p) = st.alembic_ini.first() {
        add("Alembic", Evidence::file(p));
    } else if let Some(f) = alembic_env {
        add("Alembic", Evidence::file(&f.path));
    } else if repo.has_framework("alembic") {
        add("Alembic", Evidence::note("alembic is a dependency"));
    } else if repo.has_framework("sqlalchemy") {
        add("SQLAlchemy", Evidence::note("sqlalchemy is a dependency"));
    }
    if let Some((p, l)) = st.django_models.first() {
        add("Django", Evidence::at(p, *l, 1));
    }
    if repo.has_framework("sqlx") {
        add("sqlx", Evidence::note("sqlx is a dependency"));
    }
    if repo.has_framework("diesel") {
        add("diesel", Evidence::note("diesel is a dependency"));
    }
    if repo.has_framework("knex") {
        add("knex", Evidence::note("knex is a dependency"));
    }
    if repo.has_framework("typeorm") {
        add("TypeORM", Evidence::note("typeorm is a dependency"));
    }
    if let Some(p) = manifest_mentions(st, "\"sequelize\"") {
        add("Sequelize", Evidence::file(p));
    }
    if let Some(p) = manifest_mentions(st, "\"drizzle-orm\"") {
        add("Drizzle", Evidence::file(p));
    }
    if repo.has_framework("golang-migrate") {
        add(
            "golang-migrate",
            Evidence::note("golang-migrate is a dependency"),
        );
    }
    if let Some(p) = manifest_mentions(st, "github.com/pressly/goose") {
        add("goose", Evidence::file(p));
    }
    if let Some(p) = manifest_mentions(st, "gorm.io/gorm") {
        add("GORM", Evidence::file(p));
    }
    if let Some(p) = st.flyway_conf.first() {
        add("Flyway", Evidence::file(p));
    } else if let Some(m) = st
        .migrations
        .iter()
        .find(|m| is_flyway(crate::paths::file_name(&m.path)))
    {
        add("Flyway", Evidence::file(&m.path));
    }
    out
}

fn sql_migrations<'a>(
    st: &'a State,
    filter: impl Fn(&Migration) -> bool + 'a,
) -> impl Iterator<Item = &'a Migration> + 'a {
    st.migrations.iter().filter(move |m| filter(m))
}

/// `db.migrations`.
fn migrations_exist(_repo: &Repo, st: &State, orms: &[Orm], out: &mut Vec<Finding>) {
    let check = Catalog::builtin().check("db.migrations");
    if orms.is_empty() {
        out.push(
            Finding::new(check, Outcome::NotApplicable, "no ORM or migration tool in use")
                .with_evidence(Evidence::note(
                    "looked for Prisma, Alembic/SQLAlchemy, Django models, sqlx, diesel, knex, TypeORM, Sequelize, Drizzle, golang-migrate, goose, Flyway",
                )),
        );
        return;
    }
    for orm in orms {
        let found: Vec<&Migration> = match orm.name {
            "Prisma" => sql_migrations(st, |m| {
                m.path.ends_with("/migration.sql") && m.path.contains("migrations/")
            })
            .collect(),
            "Alembic" | "SQLAlchemy" => {
                sql_migrations(st, |m| m.kind == MigKind::Alembic).collect()
            }
            "Django" => Vec::new(),
            "sqlx" => sql_migrations(st, |m| m.kind == MigKind::Sql).collect(),
            "diesel" => sql_migrations(st, |m| m.path.ends_with("/up.sql")).collect(),
            "knex" | "TypeORM" | "Sequelize" => {
                sql_migrations(st, |m| m.kind == MigKind::Js).collect()
            }
            "Drizzle" => sql_migrations(st, |m| m.kind == MigKind::Sql).collect(),
            "golang-migrate" => sql_migrations(st, |m| m.path.ends_with(".up.sql")).collect(),
            "goose" => sql_migrations(st, |m| m.kind == MigKind::Sql).collect(),
            // GORM's AutoMigrate only adds: versioned SQL (golang-migrate, goose, atlas) is the
            // migration history
            "GORM" => sql_migrations(st, |m| m.kind == MigKind::Sql).collect(),
            "Flyway" => {
                sql_migrations(st, |m| is_flyway(crate::paths::file_name(&m.path))).collect()
            }
            _ => Vec::new(),
        };
        if orm.name == "Django" {
            // every app with models needs a migrations/ package with an initial migration
            let mut missing = Vec::new();
            let mut ok = Vec::new();
            for (p, l) in &st.django_models {
                let app = match p.find("/models") {
                    Some(i) => &p[..i],
                    None => p.rsplit_once('/').map(|x| x.0).unwrap_or(""),
                };
                let prefix = if app.is_empty() {
                    "migrations/".to_string()
                } else {
                    format!("{app}/migrations/")
                };
                let has = st
                    .migrations
                    .iter()
                    .any(|m| m.kind == MigKind::Django && m.path.starts_with(&prefix));
                if has {
                    ok.push(prefix)
                } else {
                    missing.push((p, *l, app))
                }
            }
            if missing.is_empty() {
                let mut f = Finding::new(
                    check,
                    Outcome::Pass,
                    format!(
                        "Django: every app with models has migrations ({})",
                        ok.len()
                    ),
                );
                for p in ok.iter().take(5) {
                    f = f.with_evidence(Evidence::file(p.trim_end_matches('/')));
                }
                out.push(f);
            } else {
                for (p, l, app) in missing {
                    out.push(
                        Finding::new(
                            check,
                            Outcome::Fail,
                            format!("Django app `{}` defines models but has no migrations (run `python manage.py makemigrations`)", if app.is_empty() { "." } else { app }),
                        )
                        .with_evidence(Evidence::at(p, l, 1)),
                    );
                }
            }
            continue;
        }
        if found.is_empty() {
            let mut f = Finding::new(
                check,
                Outcome::Fail,
                format!("{} is used but no migration files were found", orm.name),
            )
            .with_evidence(orm.evidence.clone());
            for (p, l, snip) in st.sync_hints.iter().take(2) {
                f = f.with_evidence(Evidence::at_with_snippet(p, *l, 1, snip));
            }
            if orm.name == "SQLAlchemy" {
                f = f.with_evidence(Evidence::note("SQLAlchemy without Alembic: the schema is created by `create_all()`, which never alters an existing table"));
            }
            out.push(f);
        } else {
            let dirs: BTreeSet<&str> = found
                .iter()
                .map(|m| m.path.rsplit_once('/').map(|x| x.0).unwrap_or(""))
                .collect();
            let mut f = Finding::new(
                check,
                Outcome::Pass,
                format!("{}: {} migration file(s)", orm.name, found.len()),
            );
            for d in dirs.iter().take(3) {
                f = f.with_evidence(Evidence::file(if d.is_empty() { "." } else { d }));
            }
            out.push(f);
        }
    }
}

/// `db.destructive-migration` and `db.locking-migration`.
fn hazard_findings(st: &State, hazards: &[Hazard], out: &mut Vec<Finding>) {
    let cat = Catalog::builtin();
    let ups = st.migrations.iter().filter(|m| !m.down).count();
    for (id, kind, none) in [
        (
            "db.destructive-migration",
            HazardKind::Destructive,
            "no migration drops a table or column",
        ),
        (
            "db.locking-migration",
            HazardKind::Locking,
            "no migration renames, retypes or locks an existing table",
        ),
    ] {
        let check = cat.check(id);
        if ups == 0 {
            out.push(Finding::new(
                check,
                Outcome::NotApplicable,
                "no migrations in the repository",
            ));
            continue;
        }
        let mine: Vec<&Hazard> = hazards.iter().filter(|h| h.kind == kind).collect();
        if mine.is_empty() {
            out.push(Finding::new(
                check,
                Outcome::Pass,
                format!("{none} ({ups} migration(s) read)"),
            ));
            continue;
        }
        for h in mine {
            let mut f = Finding::new(check, Outcome::Fail, format!("{}: {}", h.what, h.snippet))
                .with_evidence(Evidence::at_with_snippet(&h.path, h.line, 1, &h.snippet));
            if crate::paths::is_test_path(&h.path) {
                f = f.with_severity(check.severity.lowered());
            }
            out.push(f);
        }
    }
}

/// `db.down-migrations`.
fn down_migrations(st: &State, orms: &[Orm], out: &mut Vec<Finding>) {
    let check = Catalog::builtin().check("db.down-migrations");
    let ups: Vec<&Migration> = st
        .migrations
        .iter()
        .filter(|m| !m.down && !m.test)
        .collect();
    if ups.is_empty() {
        out.push(Finding::new(
            check,
            Outcome::NotApplicable,
            "no migrations in the repository",
        ));
        return;
    }
    let mut missing: Vec<&Migration> = Vec::new();
    let mut judged = 0;
    let has_file = |p: &str| st.migrations.iter().any(|m| m.path == p);
    for m in &ups {
        let name = crate::paths::file_name(&m.path);
        let verdict: Option<bool> = match m.kind {
            MigKind::Django => None, // Django derives reversal from the operations
            MigKind::Alembic | MigKind::Js => m.has_down,
            MigKind::Sql => {
                if let Some(h) = m.has_down {
                    Some(h)
                } else if name == "up.sql" {
                    Some(has_file(&m.path.replace("/up.sql", "/down.sql")))
                } else if let Some(stem) = m.path.strip_suffix(".up.sql") {
                    Some(has_file(&format!("{stem}.down.sql")))
                } else if name == "migration.sql" || is_flyway(name) {
                    // Prisma has no down migrations by design; Flyway undo migrations are a paid
                    // feature: neither is required
                    None
                } else if orms.iter().any(|o| o.name == "sqlx") {
                    // sqlx simple (irreversible) migrations: `<version>_<name>.sql`
                    Some(false)
                } else {
                    None
                }
            }
        };
        match verdict {
            Some(true) => judged += 1,
            Some(false) => {
                judged += 1;
                missing.push(m);
            }
            None => {}
        }
    }
    if judged == 0 {
        out.push(Finding::new(
            check,
            Outcome::NotApplicable,
            "the migration tool in use has no down migrations (Prisma, Flyway community) or derives them itself (Django)",
        ));
        return;
    }
    if missing.is_empty() {
        out.push(Finding::new(
            check,
            Outcome::Pass,
            format!("all {judged} migration(s) have a down/rollback step"),
        ));
        return;
    }
    let mut f = Finding::new(
        check,
        Outcome::Fail,
        format!(
            "{} of {judged} migration(s) have no down/rollback step",
            missing.len()
        ),
    );
    for m in missing.iter().take(10) {
        f = f.with_evidence(Evidence::file(&m.path));
    }
    out.push(f);
}

/// `db.primary-key`.
fn primary_keys(schema: &SqlSchema, out: &mut Vec<Finding>) {
    let check = Catalog::builtin().check("db.primary-key");
    if schema.tables.is_empty() {
        out.push(Finding::new(
            check,
            Outcome::NotApplicable,
            "no CREATE TABLE in SQL migrations (ORM-generated models get a primary key by default)",
        ));
        return;
    }
    let mut bad = 0;
    for t in &schema.tables {
        if t.pk || schema.pk_added.contains(&t.name) {
            continue;
        }
        bad += 1;
        let unique = t.unique
            || schema.unique_added.contains(&t.name)
            || schema.indexes.iter().any(|(n, _)| n == &t.name);
        let f = if unique {
            Finding::new(
                check,
                Outcome::Warn,
                format!(
                    "table `{}` has no primary key (only a unique key or index)",
                    t.name
                ),
            )
        } else {
            Finding::new(
                check,
                Outcome::Fail,
                format!("table `{}` has no primary key", t.name),
            )
        };
        out.push(f.with_evidence(Evidence::at(&t.path, t.line, 1)));
    }
    if bad == 0 {
        out.push(Finding::new(
            check,
            Outcome::Pass,
            format!("all {} table(s) have a primary key", schema.tables.len()),
        ));
    }
}

/// `db.fk-index`.
fn fk_indexes(schema: &SqlSchema, dialect: Dialect, out: &mut Vec<Finding>) {
    let check = Catalog::builtin().check("db.fk-index");
    if schema.fks.is_empty() {
        let msg = if schema.dropped.is_empty() {
            "no foreign keys in SQL migrations".to_string()
        } else {
            let d: Vec<&str> = schema.dropped.iter().map(String::as_str).collect();
            format!(
                "no foreign keys in the schema the migrations leave (tables dropped since: {})",
                d.join(", ")
            )
        };
        out.push(Finding::new(check, Outcome::NotApplicable, msg));
        return;
    }
    if dialect.mysql {
        out.push(Finding::new(
            check,
            Outcome::Pass,
            "MySQL/InnoDB creates an index for every foreign key",
        ));
        return;
    }
    let mut bad = 0;
    for fk in &schema.fks {
        if fk.cols.is_empty() {
            continue;
        }
        let covered = schema.indexes.iter().any(|(t, cols)| {
            t == &fk.table && cols.len() >= fk.cols.len() && cols[..fk.cols.len()] == fk.cols[..]
        });
        if covered {
            continue;
        }
        bad += 1;
        out.push(
            Finding::new(
                check,
                Outcome::Fail,
                format!("foreign key `{}`({}) has no index: deletes on the parent table and joins scan `{}`", fk.table, fk.cols.join(", "), fk.table),
            )
            .with_evidence(Evidence::at_with_snippet(&fk.path, fk.line, 1, &fk.snippet)),
        );
    }
    if bad == 0 {
        out.push(Finding::new(
            check,
            Outcome::Pass,
            format!("all {} foreign key(s) have an index", schema.fks.len()),
        ));
    }
}

/// `db.connection-pool`.
fn pool(st: &State, orms: &[Orm], out: &mut Vec<Finding>) {
    let check = Catalog::builtin().check("db.connection-pool");
    if orms.is_empty() && st.db_code.is_empty() {
        out.push(Finding::new(
            check,
            Outcome::NotApplicable,
            "no database access found",
        ));
        return;
    }
    if let Some((p, l, s)) = st.pool.first() {
        let mut f = Finding::new(check, Outcome::Pass, "connection pool configured")
            .with_evidence(Evidence::at_with_snippet(p, *l, 1, s));
        for (p, l, s) in st.pool.iter().skip(1).take(2) {
            f = f.with_evidence(Evidence::at_with_snippet(p, *l, 1, s));
        }
        out.push(f);
        return;
    }
    let mut f = Finding::new(
        check,
        Outcome::Fail,
        "the service uses a database but no connection pool size/limits are configured",
    );
    for (p, l, s) in st.db_code.iter().take(3) {
        f = f.with_evidence(Evidence::at_with_snippet(p, *l, 1, s));
    }
    if st.db_code.is_empty() {
        for o in orms.iter().take(2) {
            f = f.with_evidence(o.evidence.clone());
        }
    }
    out.push(f.with_evidence(Evidence::note(
        "looked for pool settings: pg Pool/max, knex/sequelize pool, Prisma connection_limit, SQLAlchemy pool_size, Django CONN_MAX_AGE, sqlx PoolOptions max_connections, r2d2/deadpool/bb8, Go SetMaxOpenConns/pgxpool",
    )));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexer_ignores_comments_and_strings() {
        let sql = "-- DROP TABLE a;\n/* DROP TABLE b; /* nested */ */\nINSERT INTO t VALUES ('DROP TABLE c; it''s');\nCREATE FUNCTION f() RETURNS void AS $$ BEGIN DROP TABLE d; END $$ LANGUAGE plpgsql;\nDROP TABLE \"e\";\n";
        let st = sql_statements(sql);
        assert_eq!(st.len(), 3);
        assert_eq!(st[2].line(), 5);
        let mut h = Vec::new();
        let mut s = SqlSchema::default();
        analyse_sql("m.sql", sql, 1, true, &mut h, &mut s);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].line, 5);
    }

    #[test]
    fn natural_order() {
        assert_eq!(
            natural_cmp("V2__a.sql", "V10__a.sql"),
            std::cmp::Ordering::Less
        );
        assert_eq!(natural_cmp("a/0002", "a/0010"), std::cmp::Ordering::Less);
    }
}
