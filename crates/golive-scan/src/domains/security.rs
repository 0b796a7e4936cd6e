//! Security in code: CORS open to any origin.
//!
//! Reads production source (tests, fixtures, examples and docs are left out: they are not what
//! is deployed) in the shared lexed form of [`super::code`], so commented-out code never counts.

use super::code::{self, Analyzer, CodeFile, Hit, Lang};
use crate::repo::{FileMeta, Repo};
use golive_core::{Catalog, Evidence, Finding, Outcome};
use regex::Regex;
use std::sync::{LazyLock, Mutex};

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| panic!("invalid built-in pattern {s}: {e}"))
}

#[derive(Default)]
struct State {
    /// CORS set-ups that allow any origin.
    cors_open: Vec<Hit>,
    /// CORS set-ups restricted to named origins.
    cors_restricted: Vec<Hit>,
}

/// The security analyzer.
#[derive(Default)]
pub struct Security {
    state: Mutex<State>,
}

impl Analyzer for Security {
    fn wants(&self, file: &FileMeta) -> bool {
        Lang::of(&file.path).is_some() && code::is_production(file)
    }

    fn visit(&self, f: &CodeFile<'_>) {
        let Some(lang) = f.lang else { return };
        let mut open = Vec::new();
        let mut restricted = Vec::new();
        cors(f, lang, &mut open, &mut restricted);
        if open.is_empty() && restricted.is_empty() {
            return;
        }
        let mut st = code::lock(&self.state);
        st.cors_open.extend(open);
        st.cors_restricted.extend(restricted);
    }

    fn finish(self: Box<Self>, _repo: &Repo) -> Vec<Finding> {
        let mut st = code::take(self.state);
        st.cors_open.sort();
        st.cors_open.dedup();
        st.cors_restricted.sort();
        st.cors_restricted.dedup();
        cors_finding(&st)
    }
}

fn cors_finding(st: &State) -> Vec<Finding> {
    let check = Catalog::builtin().check("security.cors-wildcard");
    if !st.cors_open.is_empty() {
        return st
            .cors_open
            .iter()
            .map(|h| {
                Finding::new(
                    check,
                    Outcome::Fail,
                    format!(
                        "{} ({}): any web site can read the API's responses",
                        h.what,
                        h.locator()
                    ),
                )
                .with_evidence(h.evidence())
            })
            .collect();
    }
    if let Some(first) = st.cors_restricted.first() {
        let mut f = Finding::new(
            check,
            Outcome::Pass,
            format!(
                "CORS is restricted to named origins ({} set-up{}, first at {})",
                st.cors_restricted.len(),
                if st.cors_restricted.len() == 1 {
                    ""
                } else {
                    "s"
                },
                first.locator()
            ),
        );
        f.evidence = st
            .cors_restricted
            .iter()
            .take(5)
            .map(Hit::evidence)
            .collect();
        return vec![f];
    }
    vec![
        Finding::new(
            check,
            Outcome::NotApplicable,
            "no CORS configuration in the code: the API only answers same-origin browser requests",
        )
        .with_evidence(Evidence::note(
            "looked for django-cors-headers settings, CORSMiddleware, Flask-CORS, cors/@fastify/cors, NestJS enableCors, tower-http/actix-cors, Go cors packages and Access-Control-Allow-Origin headers",
        )),
    ]
}

// ---------------------------------------------------------------------------------------------
// CORS

static ACAO_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)["']Access-Control-Allow-Origin["']\s*(?:\]\s*=|,|:|=>)\s*(?:HeaderValue::from_static\(\s*)?(["'][^"'\n]*["']|[A-Za-z_][\w.]*)"#,
    )
});
static ACAO_CONST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"ACCESS_CONTROL_ALLOW_ORIGIN\s*,\s*(?:HeaderValue::from_static\(\s*)?("[^"\n]*"|[A-Za-z_][\w.:]*)"#,
    )
});

// Python
static DJANGO_ALL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^\s*(CORS_ALLOW_ALL_ORIGINS|CORS_ORIGIN_ALLOW_ALL)\s*=\s*(\S+)"));
static DJANGO_LIST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?m)^\s*(CORS_ALLOWED_ORIGINS|CORS_ORIGIN_WHITELIST|CORS_ALLOWED_ORIGIN_REGEXES)\s*=\s*(.*)",
    )
});
static PY_STAR_LIST: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^\s*(?:\[|\()?\s*r?["'](?:\*|\^?\.\*\$?)["']"#));
static CORS_MIDDLEWARE: LazyLock<Regex> = LazyLock::new(|| re(r"\bCORSMiddleware\b"));
static PY_ALLOW_ORIGINS: LazyLock<Regex> = LazyLock::new(|| re(r"\ballow_origins\s*=\s*([^,)]+)"));
static PY_ORIGIN_REGEX: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\ballow_origin_regex\s*=\s*r?["']\^?\.[*+]\$?["']"#));
static PY_CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| re(r"\ballow_credentials\s*=\s*True\b"));
static FLASK_CORS: LazyLock<Regex> = LazyLock::new(|| re(r"\b(CORS|cross_origin)\s*\("));
static FLASK_ORIGINS: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:\borigins\s*=|["']origins["']\s*:)\s*(\[?\s*r?["'][^"']*["']|\S)"#));

// JavaScript / TypeScript
static JS_IMPORT_CORS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:import\s+(\w+)\s+from\s*|(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*)["'](cors|@fastify/cors|fastify-cors|@koa/cors|koa2-cors|hono/cors)["']"#,
    )
});
static JS_HONO_IMPORT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"import\s*\{[^}]*\bcors\b[^}]*\}\s*from\s*["']hono/cors["']"#));
static JS_ENABLE_CORS: LazyLock<Regex> = LazyLock::new(|| re(r"\.enableCors\s*\("));
static JS_NEST_CREATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"NestFactory\.create\s*(?:<[^>]*>)?\s*\("));
static JS_ORIGIN_KEY: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\borigin\s*:\s*(["'`]\*["'`]|true\b|[^,}\s]+)"#));
static JS_CORS_KEY: LazyLock<Regex> = LazyLock::new(|| re(r"\bcors\s*:\s*(true\b|\{)"));

// Rust
static RS_OPEN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(CorsLayer::(?:very_)?permissive\s*\(\s*\)|Cors::permissive\s*\(\s*\)|\.allow_any_origin\s*\(\s*\)|\.allow_origin\s*\(\s*(?:tower_http::cors::|cors::)?Any\s*\)|AllowOrigin::(?:any|mirror_request)\s*\(\s*\))",
    )
});
static RS_RESTRICTED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(\.allowed_origin\s*\(|\.allowed_origin_fn\s*\(|\.allow_origin\s*\(|AllowOrigin::(?:exact|list|predicate)\s*\()",
    )
});

// Go
static GO_OPEN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(AllowAllOrigins\s*:\s*true|Allow(?:ed)?Origins\s*:\s*\[\]string\s*\{\s*"\*"|\bcors\.(?:Default|AllowAll)\s*\(\s*\)|\bmiddleware\.CORS\s*\(\s*\)|handlers\.AllowedOrigins\s*\(\s*\[\]string\s*\{\s*"\*")"#,
    )
});
static GO_RESTRICTED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(Allow(?:ed)?Origins\s*:\s*\[\]string\s*\{|AllowOriginFunc\s*:|handlers\.AllowedOrigins\s*\()"#,
    )
});

fn cors(f: &CodeFile<'_>, lang: Lang, open: &mut Vec<Hit>, ok: &mut Vec<Hit>) {
    let c = f.code;
    if !(c.contains("CORS")
        || c.contains("cors")
        || c.contains("Cors")
        || c.contains("Access-Control")
        || c.contains("access-control")
        || c.contains("ACCESS_CONTROL"))
    {
        return;
    }
    header_cors(f, open, ok);
    match lang {
        Lang::Python => python_cors(f, open, ok),
        Lang::Js => js_cors(f, open, ok),
        Lang::Rust => pattern_cors(f, &RS_OPEN, &RS_RESTRICTED, open, ok),
        Lang::Go => pattern_cors(f, &GO_OPEN, &GO_RESTRICTED, open, ok),
    }
}

/// Open and restricted set-ups found by pattern (Rust, Go). A restricted pattern on the same
/// line as an open one does not count.
fn pattern_cors(
    f: &CodeFile<'_>,
    open_re: &Regex,
    ok_re: &Regex,
    open: &mut Vec<Hit>,
    ok: &mut Vec<Hit>,
) {
    let mut open_lines = Vec::new();
    for m in open_re.find_iter(f.code) {
        let h = f.hit(
            m.start(),
            format!("`{}` allows any origin", squash(m.as_str())),
        );
        open_lines.push(h.line);
        open.push(h);
    }
    for m in ok_re.find_iter(f.code) {
        let h = f.hit(m.start(), "CORS origins listed");
        if !open_lines.contains(&h.line) {
            ok.push(h);
        }
    }
}

/// Collapses whitespace for messages.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn header_cors(f: &CodeFile<'_>, open: &mut Vec<Hit>, ok: &mut Vec<Hit>) {
    for re in [&*ACAO_HEADER, &*ACAO_CONST] {
        for cap in re.captures_iter(f.code) {
            let (Some(all), Some(v)) = (cap.get(0), cap.get(1)) else {
                continue;
            };
            let value = v.as_str().trim_matches(|c| c == '"' || c == '\'');
            if value == "*" {
                open.push(f.hit(
                    all.start(),
                    "an `Access-Control-Allow-Origin: *` header is set",
                ));
            } else {
                ok.push(f.hit(
                    all.start(),
                    "Access-Control-Allow-Origin set to a named origin",
                ));
            }
        }
    }
}

fn python_cors(f: &CodeFile<'_>, open: &mut Vec<Hit>, ok: &mut Vec<Hit>) {
    let c = f.code;
    // django-cors-headers settings
    for cap in DJANGO_ALL.captures_iter(c) {
        let (Some(all), Some(name), Some(v)) = (cap.get(0), cap.get(1), cap.get(2)) else {
            continue;
        };
        if v.as_str() == "True" {
            open.push(f.hit(
                all.start() + (all.as_str().len() - all.as_str().trim_start().len()),
                format!("django-cors-headers `{} = True`", name.as_str()),
            ));
        } else {
            ok.push(f.hit(name.start(), format!("`{}` is not True", name.as_str())));
        }
    }
    for cap in DJANGO_LIST.captures_iter(c) {
        let (Some(name), Some(v)) = (cap.get(1), cap.get(2)) else {
            continue;
        };
        if PY_STAR_LIST.is_match(v.as_str()) {
            open.push(f.hit(
                name.start(),
                format!(
                    "django-cors-headers `{}` allows every origin",
                    name.as_str()
                ),
            ));
        } else {
            ok.push(f.hit(
                name.start(),
                format!("`{}` lists the allowed origins", name.as_str()),
            ));
        }
    }
    // FastAPI / Starlette CORSMiddleware
    for m in CORS_MIDDLEWARE.find_iter(c) {
        let Some(open_paren) = enclosing_paren(f.bare, m.start()) else {
            continue; // an import or a reference, not a set-up
        };
        let Some(args) = f.call_args(open_paren) else {
            continue;
        };
        let creds = PY_CREDENTIALS.is_match(args);
        let with_creds = if creds {
            " with allow_credentials=True"
        } else {
            ""
        };
        let star = match PY_ALLOW_ORIGINS.captures(args).and_then(|c| c.get(1)) {
            Some(v) => {
                let v = v.as_str().trim();
                if PY_STAR_LIST.is_match(v) {
                    true
                } else if is_ident(v) {
                    // allow_origins=ORIGINS: look the list up in the same file.
                    let def = Regex::new(&format!(
                        r"(?m)^\s*{}\s*(?::[^=]*)?=\s*(.*)",
                        regex::escape(v)
                    ));
                    def.ok()
                        .and_then(|r| r.captures(c).and_then(|c| c.get(1)))
                        .is_some_and(|d| PY_STAR_LIST.is_match(d.as_str()))
                } else {
                    false
                }
            }
            None => false,
        };
        if star || PY_ORIGIN_REGEX.is_match(args) {
            open.push(f.hit(
                m.start(),
                format!("CORSMiddleware allows every origin{with_creds}"),
            ));
        } else if args.contains("allow_origins") || args.contains("allow_origin_regex") {
            ok.push(f.hit(m.start(), "CORSMiddleware lists the allowed origins"));
        }
    }
    // Flask-CORS
    if c.contains("flask_cors") {
        for cap in FLASK_CORS.captures_iter(c) {
            let (Some(all), Some(name)) = (cap.get(0), cap.get(1)) else {
                continue;
            };
            if c[..all.start()].ends_with("import ") || c[..all.start()].ends_with('.') {
                continue;
            }
            let Some(args) = f.call_args(all.end() - 1) else {
                continue;
            };
            match FLASK_ORIGINS.captures(args).and_then(|c| c.get(1)) {
                Some(v) if PY_STAR_LIST.is_match(v.as_str()) => open.push(f.hit(
                    all.start(),
                    format!("Flask-CORS `{}` with origins \"*\"", name.as_str()),
                )),
                Some(_) => ok.push(f.hit(all.start(), "Flask-CORS origins listed")),
                None => open.push(f.hit(
                    all.start(),
                    format!(
                        "Flask-CORS `{}(…)` without `origins` (the default is \"*\")",
                        name.as_str()
                    ),
                )),
            }
        }
    }
}

fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// The `(` of the call `name` is the first argument of: `f(name, …)` → offset of `(`.
fn enclosing_paren(bare: &str, at: usize) -> Option<usize> {
    let before = bare[..at].trim_end();
    before.ends_with('(').then(|| before.len() - 1)
}

/// The verdict on a JS CORS options object (or its absence): `Some(what)` when open.
fn js_options_open(f: &CodeFile<'_>, inner: &str, default_open: bool) -> Option<String> {
    let inner = inner.trim();
    if inner.is_empty() {
        return default_open.then(|| "with no options (the default origin is \"*\")".into());
    }
    let obj: String = if inner.starts_with('{') {
        inner.to_string()
    } else if is_ident(inner) {
        // cors(corsOptions): find `corsOptions = {…}` in the same file.
        let name = regex::escape(inner);
        let def = Regex::new(&format!(r"\b{name}\s*(?::[^=]*)?=\s*\{{")).ok()?;
        let m = def.find(f.code)?;
        let end = code::matching_close(f.bare, m.end() - 1, 8192)?;
        f.code[m.end() - 1..end].to_string()
    } else {
        return None;
    };
    match JS_ORIGIN_KEY.captures(&obj).and_then(|c| c.get(1)) {
        Some(v) if v.as_str() == "true" => {
            Some("with `origin: true` (reflects any request origin)".into())
        }
        Some(v) if v.as_str().trim_matches(['"', '\'', '`']) == "*" => {
            Some("with `origin: \"*\"`".into())
        }
        Some(_) => None,
        None if default_open => Some("without an `origin` option (the default is \"*\")".into()),
        None => None,
    }
}

fn js_cors(f: &CodeFile<'_>, open: &mut Vec<Hit>, ok: &mut Vec<Hit>) {
    let c = f.code;
    let mut idents: Vec<(String, String)> = Vec::new();
    for cap in JS_IMPORT_CORS.captures_iter(c) {
        let name = cap
            .get(1)
            .or_else(|| cap.get(2))
            .map(|m| m.as_str().to_string());
        if let (Some(n), Some(pkg)) = (name, cap.get(3)) {
            idents.push((n, pkg.as_str().to_string()));
        }
    }
    if JS_HONO_IMPORT.is_match(c) {
        idents.push(("cors".into(), "hono/cors".into()));
    }
    for (name, pkg) in &idents {
        let fastify = pkg.contains("fastify");
        let call = if fastify {
            Regex::new(&format!(r"\.register\s*\(\s*({})\b", regex::escape(name)))
        } else {
            Regex::new(&format!(r"(?:^|[^\w.$])({})\s*\(", regex::escape(name)))
        };
        let Ok(call) = call else { continue };
        for cap in call.captures_iter(c) {
            let (Some(m), Some(id)) = (cap.get(0), cap.get(1)) else {
                continue;
            };
            let start = if fastify { m.start() + 1 } else { id.start() };
            let paren = if fastify {
                match c[m.start()..].find('(') {
                    Some(p) => m.start() + p,
                    None => continue,
                }
            } else {
                m.end() - 1
            };
            let Some(args) = f.call_args(paren) else {
                continue;
            };
            let mut inner = &args[1..args.len() - 1];
            if fastify {
                // register(cors, { … }): the options are the second argument.
                inner = inner
                    .trim_start()
                    .strip_prefix(name.as_str())
                    .unwrap_or(inner);
                inner = inner.trim_start().strip_prefix(',').unwrap_or(inner);
            }
            match js_options_open(f, inner, true) {
                Some(why) => open.push(f.hit(start, format!("`{pkg}` {why}"))),
                None => ok.push(f.hit(start, format!("`{pkg}` origins configured"))),
            }
        }
    }
    for m in JS_ENABLE_CORS.find_iter(c) {
        let Some(args) = f.call_args(m.end() - 1) else {
            continue;
        };
        match js_options_open(f, &args[1..args.len() - 1], true) {
            Some(why) => open.push(f.hit(m.start() + 1, format!("NestJS `enableCors()` {why}"))),
            None => ok.push(f.hit(m.start() + 1, "NestJS CORS origins configured")),
        }
    }
    for m in JS_NEST_CREATE.find_iter(c) {
        let Some(args) = f.call_args(m.end() - 1) else {
            continue;
        };
        if let Some(cap) = JS_CORS_KEY.captures(args) {
            let Some(v) = cap.get(1) else { continue };
            let at = m.end() - 1 + v.start();
            if v.as_str() == "true" {
                open.push(f.hit(at, "NestJS `cors: true` (every origin)"));
            } else if let Some(end) = code::matching_close(f.bare, at, 8192) {
                match js_options_open(f, &c[at..end], true) {
                    Some(why) => open.push(f.hit(at, format!("NestJS `cors` option {why}"))),
                    None => ok.push(f.hit(at, "NestJS CORS origins configured")),
                }
            }
        }
    }
}
