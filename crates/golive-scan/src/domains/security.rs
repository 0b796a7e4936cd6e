//! Security in code: CORS open to any origin, authentication on routes, rate limiting,
//! security headers, and SQL built from request data.
//!
//! Reads production source (tests, fixtures, examples and docs are left out: they are not what
//! is deployed) in the shared lexed form of [`super::code`], so commented-out code never counts.

use super::code::{self, Analyzer, CodeFile, Hit, Lang};
use crate::repo::{FileMeta, Repo};
use golive_core::{Catalog, Evidence, Finding, Outcome};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex};

fn re(s: &str) -> Regex {
    crate::rx::build(s)
}

#[derive(Default)]
struct State {
    /// CORS set-ups that allow any origin.
    cors_open: Vec<Hit>,
    /// CORS set-ups restricted to named origins.
    cors_restricted: Vec<Hit>,
    /// Authentication middleware, guards, dependencies, extractors.
    auth: Vec<Hit>,
    /// Rate limiters (in code or at the ingress).
    rate: Vec<Hit>,
    /// Security-header middleware.
    header_mw: Vec<Hit>,
    /// Security headers set by hand: header name → first place.
    header_names: BTreeMap<&'static str, Hit>,
    /// SQL built from request data.
    sql_tainted: Vec<Hit>,
    /// SQL built by formatting inside a query call (data of unknown origin).
    sql_formatted: Vec<Hit>,
    /// Whether the code talks SQL at all.
    sql_seen: bool,
    /// Code that starts an HTTP server.
    servers: Vec<Hit>,
}

impl State {
    fn merge(&mut self, o: State) {
        self.cors_open.extend(o.cors_open);
        self.cors_restricted.extend(o.cors_restricted);
        self.auth.extend(o.auth);
        self.rate.extend(o.rate);
        self.header_mw.extend(o.header_mw);
        for (k, v) in o.header_names {
            match self.header_names.get(k) {
                Some(h) if *h <= v => {}
                _ => {
                    self.header_names.insert(k, v);
                }
            }
        }
        self.sql_tainted.extend(o.sql_tainted);
        self.sql_formatted.extend(o.sql_formatted);
        self.sql_seen |= o.sql_seen;
        self.servers.extend(o.servers);
    }
    fn is_empty(&self) -> bool {
        self.cors_open.is_empty()
            && self.cors_restricted.is_empty()
            && self.auth.is_empty()
            && self.rate.is_empty()
            && self.header_mw.is_empty()
            && self.header_names.is_empty()
            && self.sql_tainted.is_empty()
            && self.sql_formatted.is_empty()
            && !self.sql_seen
            && self.servers.is_empty()
    }
}

/// The security analyzer.
#[derive(Default)]
pub struct Security {
    state: Mutex<State>,
}

/// Reverse-proxy and ingress configuration that may carry rate limits and headers.
fn is_proxy_config(f: &FileMeta) -> bool {
    let name = f.lower_name();
    matches!(
        f.ext().map(str::to_ascii_lowercase).as_deref(),
        Some("yml" | "yaml" | "conf")
    ) || name == "caddyfile"
        || name == "vercel.json"
        || name == "netlify.toml"
        || name == "_headers"
}

impl Analyzer for Security {
    fn wants(&self, file: &FileMeta) -> bool {
        (Lang::of(&file.path).is_some() || is_proxy_config(file)) && code::is_production(file)
    }

    fn visit(&self, f: &CodeFile<'_>) {
        let mut local = State::default();
        match f.lang {
            Some(lang) => {
                cors(f, lang, &mut local.cors_open, &mut local.cors_restricted);
                let may = sig_gate(lang).candidates(f.code);
                run_sigs(f, lang, AUTH_AT, &may, &mut local.auth);
                run_sigs(f, lang, RATE_AT, &may, &mut local.rate);
                run_sigs(f, lang, HEADER_AT, &may, &mut local.header_mw);
                header_names(f, f.code, &mut local);
                sql(f, lang, &mut local);
                if let Some(at) = f.server_start() {
                    local.servers.push(f.hit(at, "HTTP server started"));
                }
            }
            None => proxy_config(f, &mut local),
        }
        if local.is_empty() {
            return;
        }
        code::lock(&self.state).merge(local);
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut st = code::take(self.state);
        for v in [
            &mut st.cors_open,
            &mut st.cors_restricted,
            &mut st.auth,
            &mut st.rate,
            &mut st.header_mw,
            &mut st.sql_tainted,
            &mut st.sql_formatted,
            &mut st.servers,
        ] {
            v.sort();
            v.dedup();
        }
        let mut out = cors_finding(&st);
        let serves = code::serves_http(repo, &st.servers);
        out.push(code::presence(
            "security.auth",
            &st.auth,
            serves,
            "authentication is enforced",
            "the service serves HTTP but no authentication middleware, guard, dependency or extractor was found: every route is open",
            "looked for passport/express-jwt/jose, NestJS guards, FastAPI Depends/Security with OAuth2/HTTPBearer/APIKey, DRF permission classes, login_required/jwt_required, axum/actix auth extractors and layers, Go JWT/auth middleware",
        ));
        out.push(code::presence(
            "security.rate-limit",
            &st.rate,
            serves,
            "requests are rate limited",
            "the service serves HTTP with no rate limit in the code or in the committed ingress/proxy configuration",
            "looked for express-rate-limit, rate-limiter-flexible, @nestjs/throttler, @fastify/rate-limit, slowapi, django-ratelimit, DRF throttling, Flask-Limiter, tower_governor/governor, actix-governor, golang.org/x/time/rate, tollbooth, httprate, ingress limit-rps, nginx limit_req",
        ));
        out.push(headers_finding(&st, serves));
        out.extend(sql_findings(&st));
        out
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
    static MAYBE: LazyLock<crate::rx::Literals> = LazyLock::new(|| {
        crate::rx::Literals::new([
            "CORS",
            "cors",
            "Cors",
            "Access-Control",
            "access-control",
            "ACCESS_CONTROL",
        ])
    });
    if !MAYBE.is_match(c) {
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
        if f.in_string(m.start()) {
            continue;
        }
        let h = f.hit(
            m.start(),
            format!("`{}` allows any origin", squash(m.as_str())),
        );
        open_lines.push(h.line);
        open.push(h);
    }
    for m in ok_re.find_iter(f.code) {
        if f.in_string(m.start()) {
            continue;
        }
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
        if f.in_string(m.start()) {
            continue;
        }
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
                    let def = crate::rx::dynamic(&format!(
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
        let def = crate::rx::dynamic(&format!(r"\b{name}\s*(?::[^=]*)?=\s*\{{")).ok()?;
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
            crate::rx::dynamic(&format!(r"\.register\s*\(\s*({})\b", regex::escape(name)))
        } else {
            crate::rx::dynamic(&format!(r"(?:^|[^\w.$])({})\s*\(", regex::escape(name)))
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

// ---------------------------------------------------------------------------------------------
// Authentication, rate limiting, security headers

/// (language, pattern, what it shows). `None` = any language. Matched on the `bare` view
/// (string contents blanked) unless the pattern needs a string (package names), see `on_code`.
struct Sig {
    lang: Option<Lang>,
    on_code: bool,
    re: LazyLock<Regex>,
    what: &'static str,
}

macro_rules! sig {
    ($lang:expr, $on_code:expr, $re:expr, $what:expr) => {
        Sig {
            lang: $lang,
            on_code: $on_code,
            re: LazyLock::new(|| re($re)),
            what: $what,
        }
    };
}

static AUTH_SIGS: [Sig; 17] = [
    sig!(
        Some(Lang::Js),
        true,
        r#"["'](passport(?:-jwt|-local|-http-bearer|-oauth2)?|express-jwt|express-oauth2-jwt-bearer|express-openid-connect|@fastify/jwt|@fastify/auth|@fastify/basic-auth|fastify-jwt|@nestjs/passport|next-auth|@auth/[\w-]+|@clerk/[\w-]+|express-basic-auth|koa-jwt|hono/jwt|hono/basic-auth|hono/bearer-auth|better-auth|lucia)["']"#,
        "authentication package"
    ),
    sig!(
        Some(Lang::Js),
        false,
        r"\b(?:jwt\.verify|jwtVerify|verifyIdToken|verifyAccessToken)\s*\(",
        "token verification"
    ),
    sig!(
        Some(Lang::Js),
        false,
        r"@UseGuards\s*\(|\bAPP_GUARD\b|\bimplements\s+CanActivate\b",
        "NestJS guard"
    ),
    sig!(
        Some(Lang::Js),
        false,
        r"\.(?:use|get|post|put|patch|delete|all|route)\s*\([^)\n]*?\b(?:authenticate\w*|requireAuth\w*|isAuthenticated|ensureAuthenticated|ensureLoggedIn|verifyToken|verifyJwt|authMiddleware|authenticateToken|checkJwt|requireUser|requireLogin|authorize\w*|auth)\b",
        "authentication middleware on routes"
    ),
    sig!(
        Some(Lang::Python),
        false,
        r"\b(?:OAuth2PasswordBearer|OAuth2AuthorizationCodeBearer|HTTPBearer|HTTPBasic|APIKeyHeader|APIKeyCookie|APIKeyQuery|OpenIdConnect)\s*\(",
        "FastAPI security scheme"
    ),
    sig!(
        Some(Lang::Python),
        false,
        r"(?i)\b(?:Depends|Security)\s*\(\s*\w*(?:auth|user|token|current|verify|login|permission|security|principal|identity)\w*",
        "FastAPI security dependency"
    ),
    sig!(
        Some(Lang::Python),
        false,
        r"@(?:\w+\.)?(?:login_required|jwt_required|permission_required|user_passes_test|staff_member_required|requires_auth|auth_required)\b|\b(?:LoginRequiredMixin|LoginRequiredMiddleware|PermissionRequiredMixin)\b",
        "login/permission decorator"
    ),
    sig!(
        Some(Lang::Python),
        false,
        r"\b(?:fastapi_users|fastapi_jwt_auth|authx|flask_jwt_extended|flask_login|flask_httpauth|flask_security)\b",
        "authentication library"
    ),
    sig!(
        Some(Lang::Python),
        true,
        r"\b(?:DEFAULT_PERMISSION_CLASSES|permission_classes)\b[^\])]*?\b(?:IsAuthenticated\w*|IsAdminUser|DjangoModelPermissions\w*|DjangoObjectPermissions|TokenHasScope\w*|\w+Permission)\b",
        "DRF permission classes"
    ),
    sig!(
        Some(Lang::Rust),
        false,
        r"\bimpl(?:\s*<[^>]*>)?\s+(?:axum::extract::)?(?:FromRequestParts|FromRequest)\b[^{]*?\bfor\s+\w*(?:Auth|User|Claims|Session|Token|Identity|Principal)\w*",
        "authentication extractor"
    ),
    sig!(
        Some(Lang::Rust),
        false,
        r"\b(?:axum_login|actix_web_httpauth|actix_identity|jwt_authorizer|axum_jwt_auth)\b|\bValidateRequestHeaderLayer::(?:bearer|basic)\b|\b(?:Async)?RequireAuthorizationLayer\b|\bHttpAuthentication::(?:bearer|basic|with_fn)\b",
        "authentication layer"
    ),
    sig!(
        Some(Lang::Rust),
        false,
        r"(?i)\bmiddleware::from_fn(?:_with_state)?\s*\([^)]*?\b\w*auth\w*",
        "authentication middleware"
    ),
    sig!(
        Some(Lang::Go),
        true,
        r#""(?:github\.com/golang-jwt/jwt|github\.com/dgrijalva/jwt-go|github\.com/go-chi/jwtauth|github\.com/labstack/echo-jwt|github\.com/appleboy/gin-jwt|github\.com/auth0/go-jwt-middleware|github\.com/coreos/go-oidc|github\.com/lestrrat-go/jwx|github\.com/gofiber/contrib/jwt)[^"]*""#,
        "JWT/OIDC package"
    ),
    sig!(
        Some(Lang::Go),
        false,
        r"\bgin\.BasicAuth\w*\s*\(|\bmiddleware\.(?:JWT|JWTWithConfig|BasicAuth|KeyAuth|KeyAuthWithConfig)\s*\(|\bechojwt\.|\bjwtauth\.(?:Verifier|Authenticator)\b",
        "authentication middleware"
    ),
    sig!(
        Some(Lang::Go),
        false,
        r"\bfunc\s+(?:\([^)]*\)\s*)?\w*[Aa]uth\w*\s*\(\s*\w+\s+http\.Handler\s*\)\s*http\.Handler\b|\bfunc\s+(?:\([^)]*\)\s*)?\w*[Aa]uth\w*\s*\([^)]*\)\s*(?:gin\.HandlerFunc|echo\.MiddlewareFunc|fiber\.Handler)\b",
        "authentication middleware"
    ),
    sig!(None, false, r"\bAuthGuard\s*\(", "auth guard"),
    sig!(
        Some(Lang::Js),
        false,
        r"\bgetServerSession\s*\(|\bauth\s*\(\s*\)\s*;?\s*\n[^\n]*\bif\s*\(\s*!\s*session",
        "session check"
    ),
];

static RATE_SIGS: [Sig; 5] = [
    sig!(
        Some(Lang::Js),
        true,
        r#"["'](?:express-rate-limit|rate-limiter-flexible|@nestjs/throttler|@fastify/rate-limit|fastify-rate-limit|koa-ratelimit|koa2-ratelimit|express-slow-down|hono-rate-limiter|@upstash/ratelimit|express-brute)["']"#,
        "rate-limit package"
    ),
    sig!(
        Some(Lang::Python),
        true,
        r"\b(?:from|import)\s+(?:slowapi|django_ratelimit|ratelimit|flask_limiter|fastapi_limiter)\b|\b(?:DEFAULT_THROTTLE_CLASSES|DEFAULT_THROTTLE_RATES|throttle_classes)\b",
        "rate limiter"
    ),
    sig!(
        Some(Lang::Rust),
        false,
        r"\b(?:tower_governor|actix_governor|actix_limitation)\b|\bgovernor::|\b(?:RateLimitLayer|GovernorLayer|Governor::new)\b",
        "rate limiter"
    ),
    sig!(
        Some(Lang::Go),
        true,
        r#""(?:golang\.org/x/time/rate|github\.com/didip/tollbooth[^"]*|github\.com/ulule/limiter[^"]*|github\.com/go-chi/httprate|github\.com/sethvargo/go-limiter[^"]*|github\.com/gofiber/fiber/v\d/middleware/limiter)""#,
        "rate-limit package"
    ),
    sig!(
        Some(Lang::Go),
        false,
        r"\bmiddleware\.RateLimiter(?:WithConfig)?\s*\(",
        "echo rate limiter"
    ),
];

static HEADER_SIGS: [Sig; 4] = [
    sig!(
        Some(Lang::Js),
        true,
        r#"["'](?:helmet|@fastify/helmet|fastify-helmet|koa-helmet|hono/secure-headers|lusca)["']"#,
        "security-headers middleware"
    ),
    sig!(
        Some(Lang::Python),
        true,
        r#"\bdjango\.middleware\.security\.SecurityMiddleware\b|\b(?:from|import)\s+(?:secure|flask_talisman|talisman|secweb)\b|\bTalisman\s*\("#,
        "security-headers middleware"
    ),
    sig!(
        Some(Lang::Go),
        true,
        r#""github\.com/(?:unrolled/secure|gin-contrib/secure)"|\bmiddleware\.Secure(?:WithConfig)?\s*\(|\bhelmet\.New\s*\("#,
        "security-headers middleware"
    ),
    sig!(
        Some(Lang::Rust),
        false,
        r"\bactix_web_lab::middleware::\w*[Hh]eaders\b|\bsecure_headers\b|\bhelmet_core\b|\baxum_helmet\b",
        "security-headers middleware"
    ),
];

/// Security header names, and the Rust `http::header` constants for them.
const HEADER_NAMES: &[(&str, &str)] = &[
    ("Strict-Transport-Security", "STRICT_TRANSPORT_SECURITY"),
    ("Content-Security-Policy", "CONTENT_SECURITY_POLICY"),
    ("X-Content-Type-Options", "X_CONTENT_TYPE_OPTIONS"),
    ("X-Frame-Options", "X_FRAME_OPTIONS"),
    ("Referrer-Policy", "REFERRER_POLICY"),
    ("Permissions-Policy", "PERMISSIONS_POLICY"),
];

/// A header name: quoted or spaced (`"X-Frame-Options":`, checked around the match by
/// [`header_names`]) or as a constant (`X_FRAME_OPTIONS`). The name comes first in the pattern so
/// that the regex engine searches for it with its literal prefilter.
static HEADER_NAME_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)(strict-transport-security|content-security-policy|x-content-type-options|x-frame-options|referrer-policy|permissions-policy)|\b(STRICT_TRANSPORT_SECURITY|CONTENT_SECURITY_POLICY|X_CONTENT_TYPE_OPTIONS|X_FRAME_OPTIONS|REFERRER_POLICY)\b"#,
    )
});

static PROXY_RATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"nginx\.ingress\.kubernetes\.io/limit-(?:rps|rpm|connections|burst-multiplier)|\blimit_req(?:_zone)?\b|^\s*rateLimit\s*:|\bRateLimitPolicy\b|\bplugin\s*:\s*rate-limiting\b|\brate_limit\s*\{|\bratelimit\s*:",
    )
});

/// Literals a signature cannot match without (checked before running its pattern).
fn gate(re: &str) -> Option<&'static str> {
    if re.contains("FromRequestParts") {
        Some("FromRequest")
    } else if re.contains("middleware::from_fn") {
        Some("from_fn")
    } else if re.contains("Depends|Security") {
        Some("(")
    } else {
        None
    }
}

/// Every signature list, in the order of the `*_AT` indices.
static ALL_SIGS: [&[Sig]; 3] = [&AUTH_SIGS, &RATE_SIGS, &HEADER_SIGS];
const AUTH_AT: usize = 0;
const RATE_AT: usize = 1;
const HEADER_AT: usize = 2;

/// One search per file tells which signatures of every list may match (see
/// [`crate::rx::Gate`]).
fn sig_gate(lang: Lang) -> &'static crate::rx::Gate {
    static G: std::sync::OnceLock<Vec<crate::rx::Gate>> = std::sync::OnceLock::new();
    &G.get_or_init(|| {
        let all: Vec<(Option<Lang>, &str)> = ALL_SIGS
            .iter()
            .flat_map(|s| s.iter())
            .map(|s| (s.lang, s.re.as_str()))
            .collect();
        code::lang_gates(&all)
    })[lang as usize]
}

/// Runs list `at` of [`ALL_SIGS`] on a file; `may` is the file's [`sig_gate`] verdict.
fn run_sigs(f: &CodeFile<'_>, lang: Lang, at: usize, may: &[bool], out: &mut Vec<Hit>) {
    let base: usize = ALL_SIGS[..at].iter().map(|s| s.len()).sum();
    for (i, s) in ALL_SIGS[at].iter().enumerate() {
        if s.lang.is_some_and(|l| l != lang) || !may[base + i] {
            continue;
        }
        let text = if s.on_code { f.code } else { f.bare };
        if gate(s.re.as_str()).is_some_and(|g| !text.contains(g)) {
            continue;
        }
        if let Some(m) = s.re.find(text) {
            let what = if s.on_code && m.as_str().len() <= 48 {
                format!(
                    "{} {}",
                    s.what,
                    m.as_str().trim_matches(|c| c == '"' || c == '\'')
                )
            } else {
                s.what.to_string()
            };
            out.push(f.hit(m.start(), what));
        }
    }
}

fn header_names(f: &CodeFile<'_>, text: &str, st: &mut State) {
    // every name ends in -Security, -Policy or -Options (any case, `-` or `_`): one SIMD search
    // rules out most files before the case-insensitive pattern runs
    static MAYBE: LazyLock<crate::rx::Literals> = LazyLock::new(|| {
        crate::rx::Literals::new(["ecurity", "ECURITY", "olicy", "OLICY", "ptions", "PTIONS"])
    });
    if !MAYBE.is_match(text) {
        return;
    }
    let b = text.as_bytes();
    for cap in HEADER_NAME_RE.captures_iter(text) {
        let m = match (cap.get(1), cap.get(2)) {
            // quoted or spaced: `"x-frame-options"`, `'Referrer-Policy':`, `add_header X-… `
            (Some(m), _) => {
                let before = m.start().checked_sub(1).map(|i| b[i]);
                let after = b.get(m.end()).copied();
                let ok_before =
                    before.is_some_and(|c| matches!(c, b'"' | b'\'') || c.is_ascii_whitespace());
                let ok_after = after
                    .is_some_and(|c| matches!(c, b'"' | b'\'' | b':') || c.is_ascii_whitespace());
                if !(ok_before && ok_after) {
                    continue;
                }
                m
            }
            (None, Some(m)) => m,
            (None, None) => continue,
        };
        let Some((name, _)) = HEADER_NAMES
            .iter()
            .find(|(n, c)| n.eq_ignore_ascii_case(m.as_str()) || *c == m.as_str())
        else {
            continue;
        };
        let h = f.hit(m.start(), format!("{name} set"));
        match st.header_names.get(name) {
            Some(old) if *old <= h => {}
            _ => {
                st.header_names.insert(name, h);
            }
        }
    }
}

fn proxy_config(f: &CodeFile<'_>, st: &mut State) {
    let text = f.text;
    if let Some(m) = PROXY_RATE.find(text) {
        let line = crate::repo::line_at(text, m.start());
        if !line.starts_with('#') {
            st.rate.push(f.hit(
                m.start(),
                format!("proxy/ingress rate limit `{}`", m.as_str().trim()),
            ));
        }
    }
    header_names(f, text, st);
}

fn headers_finding(st: &State, serves: bool) -> Finding {
    let check = Catalog::builtin().check("security.headers");
    if let Some(first) = st.header_mw.first() {
        let mut f = Finding::new(
            check,
            Outcome::Pass,
            format!("security headers: {} ({})", first.what, first.locator()),
        );
        f.evidence = st.header_mw.iter().take(5).map(Hit::evidence).collect();
        return f;
    }
    let names: Vec<&str> = st.header_names.keys().copied().collect();
    let evidence: Vec<Evidence> = st.header_names.values().map(Hit::evidence).collect();
    if names.len() >= 2 {
        let mut f = Finding::new(
            check,
            Outcome::Pass,
            format!("security headers set by the code: {}", names.join(", ")),
        );
        f.evidence = evidence;
        return f;
    }
    if names.len() == 1 {
        let mut f = Finding::new(
            check,
            Outcome::Warn,
            format!(
                "only {} is set; Strict-Transport-Security, Content-Security-Policy, X-Content-Type-Options and X-Frame-Options are expected",
                names[0]
            ),
        );
        f.evidence = evidence;
        return f;
    }
    if !serves {
        return code::no_http_service(check);
    }
    Finding::new(
        check,
        Outcome::Fail,
        "the service serves HTTP but sets no security headers (no helmet/SecurityMiddleware/secure-headers middleware, no Strict-Transport-Security or Content-Security-Policy in the code or proxy configuration)",
    )
}

// ---------------------------------------------------------------------------------------------
// SQL built from request data

/// SQL statement shapes, matched on a string literal's content.
static SQL_KW: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\b(?:select\s[\s\S]{0,300}?\bfrom\b|insert\s+into\b|update\s+[\w."`\[\]]+\s+set\b|delete\s+from\b|where\s+[\w."`]+\s*(?:=|like\b|in\b|>|<))"#,
    )
});

/// A call that runs SQL, right before a literal: `cursor.execute(`, `pool.query(`, `db.Query(`.
static QUERY_CALL_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\b|\.)(?:execute|executemany|executescript|query|raw|exec|Exec|Query|QueryRow|QueryContext|ExecContext|QueryRowContext|query_as|sql_query|whereRaw|orderByRaw|havingRaw|\$queryRawUnsafe|\$executeRawUnsafe|unsafe|extra|text|RawSQL|Raw)\s*\(\s*$",
    )
});

static TAINT_JS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:req|request)\s*\.\s*(?:body|query|params|headers|cookies|param)\b|\bctx\s*\.\s*(?:request|params|query)\b|\b(?:params|body)\s*\.\s*\w+",
    )
});
static TAINT_PY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\brequest\s*\.\s*(?:args|form|json|GET|POST|data|query_params|path_params|values|files|cookies|headers|get_json)\b|\brequest\s*\[",
    )
});
static TAINT_GO: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:r|req|request)\s*\.\s*(?:URL\s*\.\s*Query|FormValue|PostFormValue|Form|PostForm|PathValue|Header)\b|\bc\s*\.\s*(?:Param|Query|DefaultQuery|PostForm|FormValue|QueryParam|Params|GetQuery)\b|\bmux\.Vars\s*\(|\bchi\.URLParam\s*\(",
    )
});
static TAINT_RS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(?:params|query|payload|body|form|input|req)\s*\.\s*\w+|\b(?:Query|Json|Path|Form)\s*\(")
});

static INTERP: LazyLock<Regex> = LazyLock::new(|| re(r"\$\{([^}]*)\}|\{([^}]*)\}"));
static ORM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\b(?:sqlalchemy|psycopg2?|asyncpg|sqlite3|pymysql|MySQLdb|django\.db|knex|prisma|typeorm|sequelize|diesel|sqlx|gorm|database/sql|pgx|better-sqlite3|mysql2)\b|"pg"|'pg'|"mysql"|'mysql'|"postgres"|'postgres'"#,
    )
});

fn taint_re(lang: Lang) -> &'static Regex {
    match lang {
        Lang::Js => &TAINT_JS,
        Lang::Python => &TAINT_PY,
        Lang::Go => &TAINT_GO,
        Lang::Rust => &TAINT_RS,
    }
}

/// Records one SQL-building site: tainted by request data, or formatted directly inside a
/// query call.
fn sql_site(ctx: &SqlCtx<'_, '_>, at: usize, sql: &str, dynamic: &str, how: &str, st: &mut State) {
    if !SQL_KW.is_match(sql) {
        return;
    }
    st.sql_seen = true;
    let f = ctx.f;
    let snippet_sql: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = snippet_sql.chars().take(60).collect();
    let var = || {
        ctx.vars
            .get_or_init(|| tainted_vars(ctx.f, ctx.lang))
            .as_ref()
            .and_then(|v| v.find(dynamic))
    };
    if let Some(t) = taint_re(ctx.lang).find(dynamic).or_else(var) {
        st.sql_tainted.push(f.hit(
            at,
            format!(
                "SQL built by {how} with request data `{}`: \"{short}…\"",
                t.as_str()
            ),
        ));
        return;
    }
    let line_start = f.code[..at].rfind('\n').map_or(0, |i| i + 1);
    if QUERY_CALL_BEFORE.is_match(&f.code[line_start..at]) {
        st.sql_formatted.push(f.hit(
            at,
            format!("SQL built by {how} inside a query call: \"{short}…\""),
        ));
    }
}

/// What an SQL site is judged with: the file, its language, and the names of variables the
/// file assigns from request data (`name = request.GET.get("q")`).
struct SqlCtx<'a, 'b> {
    f: &'a CodeFile<'b>,
    lang: Lang,
    /// Computed on first use (only files that build SQL need it).
    vars: std::cell::OnceCell<Option<Regex>>,
}

static VAR_PY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?m)^[ \t]*(\w+)\s*(?::[^=\n]+)?=\s*[^\n]*?(?:{})",
        TAINT_PY.as_str()
    ))
});
static VAR_JS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:const|let|var)\s+(\w+)\s*(?::[^=\n]+)?=\s*[^;\n]*?(?:{})",
        TAINT_JS.as_str()
    ))
});
static VAR_JS_DESTRUCTURE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*(?:req|request|ctx\.request)\s*\.\s*(?:body|query|params)\b",
    )
});
static VAR_GO: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(\w+)(?:\s*,\s*\w+)?\s*:?=\s*[^\n]*?(?:{})",
        TAINT_GO.as_str()
    ))
});
static VAR_RS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\blet\s+(?:mut\s+)?(\w+)\s*(?::[^=;]+)?=\s*[^;]*?(?:{})",
        TAINT_RS.as_str()
    ))
});

/// A pattern matching the variables this file fills from request data.
fn tainted_vars(f: &CodeFile<'_>, lang: Lang) -> Option<Regex> {
    let mut names: Vec<String> = Vec::new();
    let assign: &Regex = match lang {
        Lang::Python => &VAR_PY,
        Lang::Js => &VAR_JS,
        Lang::Go => &VAR_GO,
        Lang::Rust => &VAR_RS,
    };
    for cap in assign.captures_iter(f.code) {
        if let Some(n) = cap.get(1) {
            names.push(n.as_str().to_string());
        }
    }
    if lang == Lang::Js {
        for cap in VAR_JS_DESTRUCTURE.captures_iter(f.code) {
            let Some(list) = cap.get(1) else { continue };
            for part in list.as_str().split(',') {
                // `a`, `a: b` (renamed to b), `a = 1` (default)
                let part = part.split('=').next().unwrap_or("").trim();
                let name = part.rsplit(':').next().unwrap_or("").trim();
                if !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
                {
                    names.push(name.to_string());
                }
            }
        }
    }
    // Names too generic to track reliably.
    names.retain(|n| n.len() > 1 && !matches!(n.as_str(), "_" | "err" | "ok" | "self" | "this"));
    names.sort();
    names.dedup();
    if names.is_empty() {
        return None;
    }
    let alt: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    crate::rx::dynamic(&format!(r"\b(?:{})\b", alt.join("|"))).ok()
}

fn interpolations(s: &str) -> String {
    INTERP
        .captures_iter(s)
        .filter_map(|c| {
            c.get(1)
                .or_else(|| c.get(2))
                .map(|m| m.as_str().to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_ident_byte(x: u8) -> bool {
    x.is_ascii_alphanumeric() || x == b'_'
}

/// The dynamic rest of a statement after `from`: up to `;` or the end of the line, continued
/// over lines that end with (or whose next line starts with) `+`, `,` or `(`; at most 6 lines.
fn rest_of_statement(bare: &str, from: usize) -> &str {
    let b = bare.as_bytes();
    let mut end = from;
    for _ in 0..6 {
        let line_end = b[end..]
            .iter()
            .position(|&x| x == b'\n' || x == b';')
            .map_or(b.len(), |p| end + p);
        end = line_end;
        if end >= b.len() || b[end] == b';' {
            break;
        }
        let this = bare[from..end].trim_end();
        let next_line = bare[end + 1..].trim_start_matches([' ', '\t']);
        if this.ends_with(['+', ',', '(', '%']) || next_line.starts_with(['+', '.', '%']) {
            end += 1;
            continue;
        }
        break;
    }
    &bare[from..end]
}

fn sql(f: &CodeFile<'_>, lang: Lang, st: &mut State) {
    let c = f.code;
    if ORM.is_match(c) {
        st.sql_seen = true;
    }
    let cb = c.as_bytes();
    let bb = f.bare.as_bytes();
    let n = cb.len();
    // String literals (open quote, close quote) that may hold SQL.
    let literals: Vec<(usize, usize)> = f
        .strings
        .iter()
        .filter(|&&(s, e)| {
            e >= s + 10
                && s > 0
                && e < n
                && matches!(bb[s - 1], b'"' | b'\'' | b'`')
                && c[s..e].contains(' ')
        })
        .map(|&(s, e)| (s - 1, e))
        .collect();
    if literals.is_empty() {
        return;
    }
    let ctx = SqlCtx {
        f,
        lang,
        vars: std::cell::OnceCell::new(),
    };
    for (open, close) in literals {
        let content = &c[open + 1..close];
        if !SQL_KW.is_match(content) {
            continue;
        }
        st.sql_seen = true;
        let quote = cb[open];
        // the literal's start: repeated quotes (Python triple quotes), then prefix letters
        let mut start = open;
        while start > 0 && cb[start - 1] == quote && open - start < 2 {
            start -= 1;
        }
        let mut prefix_start = start;
        while prefix_start > 0
            && matches!(
                cb[prefix_start - 1],
                b'f' | b'F' | b'r' | b'R' | b'b' | b'B' | b'u' | b'U'
            )
            && start - prefix_start < 2
        {
            prefix_start -= 1;
        }
        let prefix = &c[prefix_start..start];
        if prefix_start > 0 && is_ident_byte(cb[prefix_start - 1]) {
            // part of an identifier (`buf"`?): not a prefix
            continue;
        }
        let mut after = close + 1;
        while after < n && cb[after] == quote && after - close < 3 {
            after += 1;
        }
        let line_start = c[..prefix_start].rfind('\n').map_or(0, |i| i + 1);
        let before = f.bare[line_start..prefix_start].trim_end();
        let rest = rest_of_statement(f.bare, after);
        let rest_t = rest.trim_start();
        let (how, dynamic): (&str, String) =
            if lang == Lang::Js && quote == b'`' && content.contains("${") {
                let tagged = prefix_start > 0
                    && (is_ident_byte(cb[prefix_start - 1]) || cb[prefix_start - 1] == b'$');
                if tagged {
                    continue; // sql`…`, Prisma.$queryRaw`…`: parameterised
                }
                ("a template string", interpolations(content))
            } else if lang == Lang::Python && prefix.contains(['f', 'F']) {
                ("an f-string", interpolations(content))
            } else if lang == Lang::Rust && before.ends_with("format!(") {
                ("format!", format!("{rest} {}", interpolations(content)))
            } else if lang == Lang::Go && before.ends_with("Sprintf(") {
                ("fmt.Sprintf", rest.to_string())
            } else if rest_t.starts_with('%') && !rest_t.starts_with("%=") {
                ("% formatting", rest.to_string())
            } else if rest_t.starts_with(".format(") {
                (".format()", rest.to_string())
            } else if rest_t.starts_with('+') && !rest_t.starts_with("+=") {
                ("concatenation", rest.to_string())
            } else if before.ends_with('+') {
                ("concatenation", before.to_string())
            } else {
                continue; // a constant query
            };
        sql_site(&ctx, prefix_start, content, &dynamic, how, st);
    }
}

fn sql_findings(st: &State) -> Vec<Finding> {
    let check = Catalog::builtin().check("security.sql-injection");
    if !st.sql_tainted.is_empty() || !st.sql_formatted.is_empty() {
        let mut out: Vec<Finding> = st
            .sql_tainted
            .iter()
            .map(|h| {
                Finding::new(
                    check,
                    Outcome::Fail,
                    format!("{} ({})", h.what, h.locator()),
                )
                .with_evidence(h.evidence())
            })
            .collect();
        out.extend(st.sql_formatted.iter().map(|h| {
            Finding::new(
                check,
                Outcome::Warn,
                format!(
                    "{} ({}): pass values as query parameters",
                    h.what,
                    h.locator()
                ),
            )
            .with_evidence(h.evidence())
        }));
        return out;
    }
    if st.sql_seen {
        return vec![Finding::new(
            check,
            Outcome::Pass,
            "no SQL is built from request data by concatenation or formatting",
        )];
    }
    vec![Finding::new(
        check,
        Outcome::NotApplicable,
        "the code runs no SQL (no SQL strings, no database driver or ORM)",
    )]
}
