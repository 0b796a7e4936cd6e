//! A Dockerfile parser: parser directives (`# escape=`), comments, line continuations, heredocs
//! (`<<EOF`, `<<-EOF`, quoted delimiters), JSON (exec) versus shell form, multi-stage builds
//! (`FROM … AS name`), `ARG` before `FROM` and variable substitution in image names.
//!
//! It never fails: problems are collected as [`ParseError`]s with their line, and whatever could
//! be understood is kept, so that the other checks can still look at a partly broken file.

/// Every instruction Docker knows (upper-case).
pub const INSTRUCTIONS: &[&str] = &[
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

/// How many parse errors are kept per file (a binary or garbage file would give thousands).
const MAX_ERRORS: usize = 20;

/// One instruction, continuations joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// 1-based line of the keyword.
    pub line: u32,
    /// Upper-case keyword (`RUN`).
    pub keyword: String,
    /// Everything after the keyword, continuation escapes removed, trimmed.
    pub args: String,
    /// Heredoc bodies attached to this instruction, in order.
    pub heredocs: Vec<Heredoc>,
}

/// A heredoc (`RUN <<EOF … EOF`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    /// 1-based line where the body starts.
    pub line: u32,
    pub body: String,
}

/// Something Docker would reject (or silently misread).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub message: String,
    pub snippet: String,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub errors: Vec<ParseError>,
    /// Errors beyond [`MAX_ERRORS`] that were not kept.
    pub more_errors: usize,
    /// The escape character (`\` unless `# escape=`` ` ``).
    pub escape: char,
}

/// A build stage: one `FROM` and the instructions up to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// 1-based line of the FROM.
    pub line: u32,
    /// The image reference as written (`node:${NODE_VERSION}-slim`).
    pub image: String,
    /// `AS name`, lower-case.
    pub name: Option<String>,
    /// Indices into [`Dockerfile::instructions`] (the FROM excluded).
    pub body: Vec<usize>,
}

impl Instruction {
    /// Leading `--flag[=value]` options and the rest of the arguments.
    pub fn flags(&self) -> (Vec<(String, String)>, &str) {
        split_flags(&self.args)
    }

    /// The exec (JSON array) form, when the arguments are a valid JSON array of strings.
    pub fn json_form(&self) -> Option<Vec<String>> {
        json_form(&self.args)
    }
}

/// Leading `--flag[=value]` words and the remainder.
pub fn split_flags(args: &str) -> (Vec<(String, String)>, &str) {
    let mut flags = Vec::new();
    let mut rest = args.trim_start();
    while let Some(after) = rest.strip_prefix("--") {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        let word = &after[..end];
        let (k, v) = word.split_once('=').unwrap_or((word, ""));
        flags.push((k.to_ascii_lowercase(), v.to_string()));
        rest = after[end..].trim_start();
    }
    (flags, rest)
}

/// The exec (JSON array) form of arguments, if they are one.
pub fn json_form(args: &str) -> Option<Vec<String>> {
    let t = args.trim();
    if !t.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(t).ok()
}

impl Dockerfile {
    fn error(&mut self, line: u32, message: String, snippet: &str) {
        if self.errors.len() >= MAX_ERRORS {
            self.more_errors += 1;
            return;
        }
        let snippet: String = snippet.trim().chars().take(120).collect();
        self.errors.push(ParseError {
            line,
            message,
            snippet,
        });
    }

    /// `ARG` declarations before the first `FROM`: (name, default).
    pub fn global_args(&self) -> Vec<(String, Option<String>)> {
        self.instructions
            .iter()
            .take_while(|i| i.keyword != "FROM")
            .filter(|i| i.keyword == "ARG")
            .flat_map(|i| arg_decls(&i.args))
            .collect()
    }

    /// Every `ARG` with a default, anywhere in the file (later declarations win).
    pub fn all_arg_defaults(&self) -> Vec<(String, String)> {
        self.instructions
            .iter()
            .filter(|i| i.keyword == "ARG")
            .flat_map(|i| arg_decls(&i.args))
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect()
    }

    /// The build stages, in order.
    pub fn stages(&self) -> Vec<Stage> {
        let mut out: Vec<Stage> = Vec::new();
        for (idx, ins) in self.instructions.iter().enumerate() {
            if ins.keyword == "FROM" {
                let (_, rest) = ins.flags();
                let mut words = rest.split_whitespace();
                let image = words.next().unwrap_or("").to_string();
                let name = match (words.next(), words.next()) {
                    (Some(kw), Some(n)) if kw.eq_ignore_ascii_case("as") => {
                        Some(n.to_ascii_lowercase())
                    }
                    _ => None,
                };
                out.push(Stage {
                    line: ins.line,
                    image,
                    name,
                    body: Vec::new(),
                });
            } else if let Some(s) = out.last_mut() {
                s.body.push(idx);
            }
        }
        out
    }
}

/// `ARG A=1 B` → [(A, Some(1)), (B, None)].
pub fn arg_decls(args: &str) -> Vec<(String, Option<String>)> {
    args.split_whitespace()
        .filter(|w| !w.is_empty())
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(unquote(v).to_string())),
            None => (w.to_string(), None),
        })
        .collect()
}

/// `ENV A=1 B="x y"` or the legacy `ENV A 1`: (key, value, is_literal_assignment).
pub fn env_decls(args: &str) -> Vec<(String, String)> {
    let t = args.trim();
    let first = t.split_whitespace().next().unwrap_or("");
    if !first.contains('=') {
        // Legacy form: `ENV KEY value with spaces`.
        let rest = t[first.len()..].trim();
        return vec![(first.to_string(), unquote(rest).to_string())];
    }
    let mut out = Vec::new();
    let mut rest = t;
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = rest[..eq].trim().to_string();
        let after = &rest[eq + 1..];
        let (value, next) = take_value(after);
        out.push((key, value));
        rest = next.trim_start();
    }
    out
}

fn take_value(s: &str) -> (String, &str) {
    let mut chars = s.char_indices().peekable();
    let mut value = String::new();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) if c == '\\' => {
                if let Some((_, n)) = chars.next() {
                    value.push(n);
                }
            }
            Some(_) => value.push(c),
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c.is_whitespace() => return (value, &s[i..]),
            None if c == '\\' => {
                if let Some((_, n)) = chars.next() {
                    value.push(n);
                }
            }
            None => value.push(c),
        }
    }
    (value, "")
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// Substitutes `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR-default}` with `vars`; `None` when
/// a variable is unknown and has no default.
pub fn substitute(s: &str, vars: &[(String, String)]) -> Option<String> {
    let lookup = |name: &str| {
        vars.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut out = String::new();
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(inner) = after.strip_prefix('{') {
            let end = inner.find('}')?;
            let expr = &inner[..end];
            let (name, default) = match expr.find([':', '-']) {
                Some(i) => {
                    let d = expr[i..].trim_start_matches(':');
                    let d = d.strip_prefix(['-', '+']).unwrap_or(d);
                    (&expr[..i], Some(d))
                }
                None => (expr, None),
            };
            match (lookup(name), default) {
                (Some(v), _) if !v.is_empty() => out.push_str(&v),
                (_, Some(d)) => out.push_str(d),
                (Some(v), None) => out.push_str(&v),
                (None, None) => return None,
            }
            rest = &inner[end + 1..];
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if end == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            out.push_str(&lookup(&after[..end])?);
            rest = &after[end..];
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Heredoc openers in a shell-form line: (strip leading tabs, delimiter).
fn heredoc_markers(line: &str) -> Vec<(bool, String)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i + 2 < bytes.len() {
        match (quote, bytes[i]) {
            (None, q @ (b'"' | b'\'')) => {
                quote = Some(q);
                i += 1;
                continue;
            }
            (Some(q), c) if c == q => {
                quote = None;
                i += 1;
                continue;
            }
            (Some(_), _) => {
                i += 1;
                continue;
            }
            _ => {}
        }
        if bytes[i] == b'<' && bytes[i + 1] == b'<' && (i == 0 || bytes[i - 1] != b'<') {
            let mut j = i + 2;
            if bytes.get(j) == Some(&b'<') {
                // `<<<` is a here-string, not a heredoc.
                i += 3;
                continue;
            }
            let strip = bytes.get(j) == Some(&b'-');
            if strip {
                j += 1;
            }
            let quote = match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    j += 1;
                    Some(q)
                }
                _ => None,
            };
            let start = j;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            let word = &line[start..j];
            let starts_ok = word
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
            let closes_ok = match quote {
                Some(q) => bytes.get(j) == Some(&q),
                None => true,
            };
            if starts_ok && closes_ok {
                out.push((strip, word.to_string()));
            }
            i = j.max(i + 2);
        } else {
            i += 1;
        }
    }
    out
}

/// Parses a Dockerfile. Never fails; see [`Dockerfile::errors`].
pub fn parse(text: &str) -> Dockerfile {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut df = Dockerfile {
        escape: '\\',
        ..Default::default()
    };
    let mut i = 0;

    // Parser directives: `# key=value` lines at the very top.
    while i < lines.len() {
        let Some(rest) = lines[i].trim().strip_prefix('#') else {
            break;
        };
        let Some((k, v)) = rest.split_once('=') else {
            break;
        };
        let k = k.trim();
        if k.is_empty() || k.contains(char::is_whitespace) {
            break;
        }
        if k.eq_ignore_ascii_case("escape") {
            match v.trim() {
                "\\" => df.escape = '\\',
                "`" => df.escape = '`',
                other => df.error(
                    i as u32 + 1,
                    format!("invalid escape directive `{other}`: only \\ and ` are allowed"),
                    lines[i],
                ),
            }
        }
        i += 1;
    }

    let mut seen_from = false;
    let mut never_closed: std::collections::HashSet<(bool, String)> = Default::default();
    while i < lines.len() {
        let raw = lines[i];
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            i += 1;
            continue;
        }
        let start_line = i as u32 + 1;
        let mut logical = String::new();
        let mut cur = raw.trim_start();
        loop {
            let end_trimmed = cur.trim_end();
            i += 1;
            match end_trimmed.strip_suffix(df.escape) {
                Some(body) => {
                    logical.push_str(body);
                    // Skip comment and blank lines inside the continuation, as Docker does; a
                    // `//` line there silently becomes part of the command.
                    while i < lines.len() {
                        let n = lines[i].trim();
                        if n.is_empty() || n.starts_with('#') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    if i >= lines.len() {
                        break;
                    }
                    if lines[i].trim_start().starts_with("//") {
                        df.error(
                            i as u32 + 1,
                            "`//` is not a Dockerfile comment: inside this continued instruction \
                             the line becomes part of the command; use `#`"
                                .into(),
                            lines[i],
                        );
                    }
                    cur = lines[i];
                }
                None => {
                    logical.push_str(end_trimmed);
                    break;
                }
            }
        }
        let logical = logical.trim();
        let kw_end = logical.find(char::is_whitespace).unwrap_or(logical.len());
        let word = &logical[..kw_end];
        let args = logical[kw_end..].trim().to_string();
        if word.starts_with("//") {
            df.error(
                start_line,
                "`//` is not a Dockerfile comment (Docker rejects the line as an unknown \
                 instruction); use `#`"
                    .into(),
                raw,
            );
            continue;
        }
        let keyword = word.to_ascii_uppercase();
        if !INSTRUCTIONS.contains(&keyword.as_str()) {
            let shown: String = word.chars().take(40).collect();
            df.error(
                start_line,
                format!("unknown instruction `{}`", shown.escape_debug()),
                raw,
            );
            continue;
        }
        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") && !args.starts_with('[') {
            for (strip, delim) in heredoc_markers(&args) {
                let body_line = i as u32 + 1;
                let mut body = String::new();
                let mut closed = false;
                // Known to have no closing line from an earlier line on: do not scan the rest
                // of the file again (that would be quadratic on hostile input).
                if never_closed.contains(&(strip, delim.clone())) {
                    i = lines.len();
                }
                while i < lines.len() {
                    let l = lines[i];
                    i += 1;
                    let cmp = if strip { l.trim_start_matches('\t') } else { l };
                    if cmp == delim {
                        closed = true;
                        break;
                    }
                    body.push_str(cmp);
                    body.push('\n');
                }
                if !closed {
                    never_closed.insert((strip, delim.clone()));
                    df.error(
                        start_line,
                        format!("heredoc `<<{delim}` is never closed (no line `{delim}`)"),
                        raw,
                    );
                    // Read what follows as instructions again, so the rest is still checked.
                    i = body_line as usize - 1;
                    break;
                }
                heredocs.push(Heredoc {
                    delimiter: delim,
                    line: body_line,
                    body,
                });
            }
        }
        if args.is_empty() {
            df.error(
                start_line,
                format!("{keyword} requires at least one argument"),
                raw,
            );
        }
        if keyword == "FROM" {
            seen_from = true;
        } else if !seen_from && keyword != "ARG" {
            df.error(
                start_line,
                format!("{keyword} before the first FROM: only ARG may precede FROM"),
                raw,
            );
        }
        df.instructions.push(Instruction {
            line: start_line,
            keyword,
            args,
            heredocs,
        });
    }
    if !seen_from {
        let nothing = df.instructions.is_empty() && df.errors.is_empty();
        df.error(
            1,
            if nothing {
                "the Dockerfile is empty (no FROM instruction)".into()
            } else {
                "no FROM instruction: a Dockerfile must start from a base image".into()
            },
            lines.first().copied().unwrap_or(""),
        );
    }
    df
}

/// Whether a file name is a Dockerfile (`Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`,
/// `Containerfile`).
pub fn is_dockerfile_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    if n == "dockerfile" || n == "containerfile" {
        return true;
    }
    // Variants are capitalised by convention (`Dockerfile.prod`); `dockerfile.vim` or
    // `dockerfile.rs` are tooling about Dockerfiles.
    let suffix = if name.starts_with("Dockerfile.") || name.starts_with("Containerfile.") {
        n.split_once('.').map(|(_, s)| s)
    } else {
        None
    };
    match suffix {
        // `Dockerfile.prod`, `Dockerfile.api`; not the parser's own source (`dockerfile.rs`),
        // templates (`Dockerfile.j2`) or per-Dockerfile ignore files.
        Some(s) => !NOT_DOCKERFILE_EXT.contains(&s.rsplit('.').next().unwrap_or(s)),
        None => n.ends_with(".dockerfile") || n.ends_with(".containerfile"),
    }
}

/// Extensions that make `Dockerfile.EXT` something else than a Dockerfile.
const NOT_DOCKERFILE_EXT: &[&str] = &[
    "dockerignore",
    "rs",
    "go",
    "py",
    "js",
    "mjs",
    "cjs",
    "ts",
    "java",
    "kt",
    "rb",
    "php",
    "cs",
    "c",
    "h",
    "cpp",
    "sh",
    "md",
    "rst",
    "txt",
    "adoc",
    "html",
    "json",
    "yaml",
    "yml",
    "toml",
    "xml",
    "lock",
    "j2",
    "jinja",
    "jinja2",
    "tmpl",
    "tpl",
    "template",
    "erb",
    "mustache",
    "hbs",
    "gotmpl",
    "orig",
    "bak",
    "swp",
    "snap",
];

/// A Docker image reference split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry and path, without tag or digest (`ghcr.io/acme/api`).
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    pub fn parse(s: &str) -> ImageRef {
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(d.to_string())),
            None => (s, None),
        };
        // A tag is after the last `:` that follows the last `/` (a registry port has a `/` after).
        let slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
        let (repository, tag) = match rest[slash..].rfind(':') {
            Some(c) => (
                rest[..slash + c].to_string(),
                Some(rest[slash + c + 1..].to_string()),
            ),
            None => (rest.to_string(), None),
        };
        ImageRef {
            repository,
            tag,
            digest,
        }
    }

    /// The last path component of the repository (`api` for `ghcr.io/acme/api`).
    pub fn basename(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// Pinned: a digest, or a tag other than `latest`.
    pub fn pin(&self) -> Pin {
        if self
            .digest
            .as_deref()
            .is_some_and(|d| d.starts_with("sha256:") && d.len() > 7)
        {
            return Pin::Digest;
        }
        match self.tag.as_deref() {
            None | Some("") => Pin::NoTag,
            Some(t) if t.eq_ignore_ascii_case("latest") => Pin::Latest,
            Some(_) => Pin::Tag,
        }
    }
}

/// How an image reference is pinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    Digest,
    Tag,
    Latest,
    NoTag,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_comments_and_heredocs() {
        let t = "# syntax=docker/dockerfile:1\nARG BASE=python:3.12-slim\nFROM ${BASE} AS build\nRUN apt-get update \\\n  # a comment inside\n  && apt-get install -y curl\nRUN <<EOF\nset -e\necho hi\nEOF\nCOPY <<-\"CONF\" /etc/x.conf\n\tkey=1\n\tCONF\nCMD [\"python\", \"app.py\"]\n";
        let df = parse(t);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let kws: Vec<&str> = df.instructions.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["ARG", "FROM", "RUN", "RUN", "COPY", "CMD"]);
        assert_eq!(
            df.instructions[2].args,
            "apt-get update   && apt-get install -y curl"
        );
        assert_eq!(df.instructions[3].heredocs[0].body, "set -e\necho hi\n");
        assert_eq!(df.instructions[4].heredocs[0].body, "key=1\n");
        assert_eq!(df.instructions[5].line, 14);
        assert_eq!(
            df.instructions[5].json_form(),
            Some(vec!["python".to_string(), "app.py".to_string()])
        );
        let stages = df.stages();
        assert_eq!(stages[0].name.as_deref(), Some("build"));
        let vars = df.all_arg_defaults();
        assert_eq!(
            substitute(&stages[0].image, &vars).as_deref(),
            Some("python:3.12-slim")
        );
    }

    #[test]
    fn escape_directive_and_errors() {
        let t = "# escape=`\nFROM alpine:3.20\nRUN echo a `\n    b\n// not a comment\nFORM x\n";
        let df = parse(t);
        assert_eq!(df.escape, '`');
        assert_eq!(df.instructions[1].args, "echo a     b");
        assert_eq!(df.errors.len(), 2);
        assert_eq!(df.errors[0].line, 5);
        assert!(df.errors[0].message.contains("//"));
        assert_eq!(df.errors[1].line, 6);
        assert!(df.errors[1].message.contains("FORM"));
    }

    #[test]
    fn empty_garbage_and_unclosed_heredoc() {
        assert!(parse("").errors[0].message.contains("empty"));
        assert!(
            parse("\n# only a comment\n").errors[0]
                .message
                .contains("empty")
        );
        let g = parse("\u{fffd}\u{fffd}ELF\u{1}\u{2}\n\\\\\\\n\\");
        assert!(!g.errors.is_empty());
        let h = parse("FROM a:1\nRUN <<EOF\necho\nUSER app\n");
        assert!(h.errors[0].message.contains("never closed"));
        assert_eq!(
            h.instructions.last().map(|i| i.keyword.as_str()),
            Some("USER")
        );
        let hostile = "FROM a:1\n".to_string() + &"RUN <<EOF\n".repeat(50_000);
        let h = parse(&hostile);
        assert_eq!(h.instructions.len(), 50_001);
        assert_eq!(h.errors.len() + h.more_errors, 50_000);
        let quoted = parse("FROM a:1\nRUN echo \"a <<b\" 'c <<d'\nUSER app\n");
        assert!(quoted.errors.is_empty(), "{:?}", quoted.errors);
        assert!(quoted.instructions[1].heredocs.is_empty());
        let flags = parse("FROM --platform=$BUILDPLATFORM golang:1.23 AS build\n");
        assert_eq!(flags.stages()[0].image, "golang:1.23");
        assert_eq!(flags.stages()[0].name.as_deref(), Some("build"));
        assert!(is_dockerfile_name("Dockerfile.prod"));
        assert!(is_dockerfile_name("api.Dockerfile"));
        assert!(is_dockerfile_name("Containerfile"));
        assert!(!is_dockerfile_name("dockerfile.rs"));
        assert!(!is_dockerfile_name("dockerfile.vim"));
        assert!(is_dockerfile_name("dockerfile"));
        assert!(!is_dockerfile_name("Dockerfile.j2"));
        assert!(!is_dockerfile_name("Dockerfile.dockerignore"));
        let before = parse("RUN echo\nFROM a:1\n");
        assert!(before.errors[0].message.contains("before the first FROM"));
    }

    #[test]
    fn image_refs() {
        let r = ImageRef::parse("localhost:5000/acme/api:1.2@sha256:abc");
        assert_eq!(r.repository, "localhost:5000/acme/api");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.pin(), Pin::Digest);
        assert_eq!(ImageRef::parse("localhost:5000/api").pin(), Pin::NoTag);
        assert_eq!(ImageRef::parse("node:latest").pin(), Pin::Latest);
        assert_eq!(ImageRef::parse("node:22-slim").basename(), "node");
        assert_eq!(
            substitute("${A:-x}:${B}", &[("B".into(), "2".into())]).as_deref(),
            Some("x:2")
        );
        assert_eq!(substitute("img:$TAG", &[]), None);
        assert_eq!(
            env_decls("A=1 B=\"x y\" C=$D"),
            vec![
                ("A".into(), "1".into()),
                ("B".into(), "x y".into()),
                ("C".into(), "$D".into())
            ]
        );
        assert_eq!(
            env_decls("KEY some value"),
            vec![("KEY".into(), "some value".into())]
        );
    }
}
