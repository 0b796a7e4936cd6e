//! Security-header grading with the published MDN HTTP Observatory scoring methodology: a
//! baseline of 100, each test's modifier (penalties first; bonuses only when the penalised score
//! is still 90 or more), a floor of 0, and the letter chart (A+ for 100 and above, A for 90–99,
//! A- 85–89, B+ 80–84, B 70–79, B- 65–69, C+ 60–64, C 50–59, C- 45–49, D+ 40–44, D 30–39,
//! D- 25–29, F below 25). The test names and modifiers are the facts of that published table
//! (see docs/probe.md); the code is golive's own.

use crate::client::Exchange;
use std::collections::BTreeMap;

/// One Observatory test as evaluated here.
#[derive(Debug, Clone, PartialEq)]
pub struct ObsTest {
    /// Observatory's test name (`content-security-policy`).
    pub name: &'static str,
    /// The golive check that reports it (`probe.csp`).
    pub check: &'static str,
    /// Observatory's result slug (`csp-not-implemented`).
    pub result: &'static str,
    pub modifier: i32,
    /// False when the test does not apply here (HSTS on a plain-HTTP service behind a TLS proxy);
    /// it then counts for nothing.
    pub scored: bool,
    /// What was seen.
    pub detail: String,
    /// The response headers that decided it.
    pub headers: &'static [&'static str],
}

/// The grade and its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Observatory {
    pub score: i32,
    pub grade: &'static str,
    pub tests: Vec<ObsTest>,
}

/// Score → letter grade (Observatory's chart: the score rounded down to a multiple of 5).
pub fn grade_for(score: i32) -> &'static str {
    let s = score.max(0);
    match (s - s % 5).min(100) {
        100 => "A+",
        90 | 95 => "A",
        85 => "A-",
        80 => "B+",
        70 | 75 => "B",
        65 => "B-",
        60 => "C+",
        50 | 55 => "C",
        45 => "C-",
        40 => "D+",
        30 | 35 => "D",
        25 => "D-",
        _ => "F",
    }
}

/// Baseline 100, penalties, then bonuses when the score is at least 90.
pub fn score_of(tests: &[ObsTest]) -> i32 {
    let scored = tests.iter().filter(|t| t.scored);
    let penalties: i32 = scored
        .clone()
        .filter(|t| t.modifier < 0)
        .map(|t| t.modifier)
        .sum();
    let bonuses: i32 = scored.filter(|t| t.modifier > 0).map(|t| t.modifier).sum();
    let mut score = 100 + penalties;
    if score >= 90 {
        score += bonuses;
    }
    score.max(0)
}

/// What the grader needs.
pub struct Input<'a> {
    /// The final answer for the base URL (after redirects).
    pub page: &'a Exchange,
    /// The page was served over HTTPS.
    pub https: bool,
    /// Plain HTTP on purpose: a TLS proxy will front it. HSTS is then not scored.
    pub behind_tls_proxy: bool,
    /// The redirection test, computed by the transport checks (None: not applicable).
    pub redirection: Option<ObsTest>,
    /// The base URL fetched with a foreign `Origin` (for the CORS test).
    pub cors: Option<&'a Exchange>,
}

pub fn grade(input: &Input<'_>) -> Observatory {
    let page = input.page;
    let csp = parse_csp(&page.header_all("content-security-policy"));
    let hsts_present = input.https && page.header("strict-transport-security").is_some();
    let mut tests = vec![
        csp_test(&csp, input.https),
        cookies_test(page, hsts_present),
    ];
    if let Some(c) = input.cors {
        tests.push(cors_test(c));
    }
    if let Some(r) = &input.redirection {
        tests.push(r.clone());
    }
    tests.push(referrer_test(page));
    tests.push(hsts_test(page, input.https, input.behind_tls_proxy));
    tests.push(sri_test(page));
    tests.push(xcto_test(page));
    tests.push(xfo_test(page, &csp));
    tests.push(corp_test(page));
    let score = score_of(&tests);
    Observatory {
        score,
        grade: grade_for(score),
        tests,
    }
}

fn t(
    name: &'static str,
    check: &'static str,
    result: &'static str,
    modifier: i32,
    detail: impl Into<String>,
    headers: &'static [&'static str],
) -> ObsTest {
    ObsTest {
        name,
        check,
        result,
        modifier,
        scored: true,
        detail: detail.into(),
        headers,
    }
}

/// A parsed policy: directive → sources (lowercased). `None` when the header is absent;
/// `Some(Err)` when it cannot be parsed.
type Csp = Option<Result<BTreeMap<String, Vec<String>>, String>>;

pub fn parse_csp(values: &[String]) -> Csp {
    let first = values.iter().find(|v| !v.trim().is_empty())?;
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for part in first.split(';') {
        let mut words = part.split_ascii_whitespace();
        let Some(name) = words.next() else { continue };
        let name = name.to_ascii_lowercase();
        if !name.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
            return Some(Err(format!("`{name}` is not a directive name")));
        }
        // The first occurrence of a directive wins (CSP spec).
        map.entry(name)
            .or_insert_with(|| words.map(|w| w.to_ascii_lowercase()).collect());
    }
    if map.is_empty() {
        return Some(Err("no directive".into()));
    }
    Some(Ok(map))
}

fn effective<'a>(
    csp: &'a BTreeMap<String, Vec<String>>,
    directive: &str,
) -> Option<&'a Vec<String>> {
    csp.get(directive).or_else(|| csp.get("default-src"))
}

fn broad(src: &str) -> bool {
    matches!(
        src,
        "*" | "http:" | "https:" | "http://*" | "https://*" | "data:" | "blob:" | "filesystem:"
    )
}

fn csp_test(csp: &Csp, https: bool) -> ObsTest {
    const N: &str = "content-security-policy";
    const C: &str = "probe.csp";
    const H: &[&str] = &["content-security-policy"];
    let map = match csp {
        None => {
            return t(
                N,
                C,
                "csp-not-implemented",
                -25,
                "no Content-Security-Policy header",
                H,
            );
        }
        Some(Err(e)) => {
            return t(
                N,
                C,
                "csp-header-invalid",
                -25,
                format!("Content-Security-Policy cannot be parsed: {e}"),
                H,
            );
        }
        Some(Ok(m)) => m,
    };
    let script = effective(map, "script-src");
    let object = effective(map, "object-src");
    let style = effective(map, "style-src");
    let has_nonce_or_hash = |v: &Vec<String>| {
        v.iter().any(|s| {
            s.starts_with("'nonce-")
                || s.starts_with("'sha256-")
                || s.starts_with("'sha384-")
                || s.starts_with("'sha512-")
        })
    };
    let mut problems: Vec<String> = Vec::new();
    match script {
        None => {
            problems.push("no `script-src` or `default-src`: scripts are not restricted".into())
        }
        Some(v) => {
            if v.iter().any(|s| s == "'unsafe-inline'") && !has_nonce_or_hash(v) {
                problems.push("`'unsafe-inline'` in script-src".into());
            }
            if let Some(b) = v.iter().find(|s| broad(s)) {
                problems.push(format!("overly broad source `{b}` in script-src"));
            }
        }
    }
    match object {
        None => {
            problems.push("no `object-src` or `default-src`: plugins are not restricted".into())
        }
        Some(v) => {
            if let Some(b) = v.iter().find(|s| broad(s)) {
                problems.push(format!("overly broad source `{b}` in object-src"));
            }
        }
    }
    if !problems.is_empty() {
        return t(
            N,
            C,
            "csp-implemented-with-unsafe-inline",
            -20,
            format!("unsafe policy: {}", problems.join("; ")),
            H,
        );
    }
    if https {
        let insecure = |d: &str| {
            effective(map, d).is_some_and(|v| {
                v.iter()
                    .any(|s| s.starts_with("http:") || s.starts_with("http://"))
            })
        };
        let active = [
            "script-src",
            "object-src",
            "style-src",
            "connect-src",
            "frame-src",
            "font-src",
        ];
        if let Some(d) = active.iter().find(|d| insecure(d)) {
            return t(
                N,
                C,
                "csp-implemented-with-insecure-scheme",
                -20,
                format!("{d} allows resources over plain HTTP"),
                H,
            );
        }
        if let Some(d) = ["img-src", "media-src"].iter().find(|d| insecure(d)) {
            return t(
                N,
                C,
                "csp-implemented-with-insecure-scheme-in-passive-content-only",
                -10,
                format!("{d} allows images or media over plain HTTP"),
                H,
            );
        }
    }
    if script.is_some_and(|v| v.iter().any(|s| s == "'unsafe-eval'")) {
        return t(
            N,
            C,
            "csp-implemented-with-unsafe-eval",
            -10,
            "`'unsafe-eval'` in script-src",
            H,
        );
    }
    if style.is_some_and(|v| v.iter().any(|s| s == "'unsafe-inline'" || broad(s))) {
        return t(
            N,
            C,
            "csp-implemented-with-unsafe-inline-in-style-src-only",
            0,
            "unsafe sources only in style-src",
            H,
        );
    }
    let default_none = map
        .get("default-src")
        .is_some_and(|v| v.len() == 1 && v[0] == "'none'");
    if default_none {
        t(
            N,
            C,
            "csp-implemented-with-no-unsafe-default-src-none",
            10,
            "`default-src 'none'` without unsafe sources",
            H,
        )
    } else {
        t(
            N,
            C,
            "csp-implemented-with-no-unsafe",
            5,
            "policy without `'unsafe-inline'` or `'unsafe-eval'`",
            H,
        )
    }
}

/// A cookie as set by `Set-Cookie`.
#[derive(Debug, Clone)]
pub struct Cookie {
    pub name: String,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<String>,
}

pub fn parse_set_cookie(v: &str) -> Option<Cookie> {
    let mut parts = v.split(';');
    let (name, _) = parts.next()?.split_once('=')?;
    let name = name.trim().to_string();
    if name.is_empty() {
        return None;
    }
    let mut c = Cookie {
        name,
        secure: false,
        http_only: false,
        same_site: None,
    };
    for attr in parts {
        let (k, val) = match attr.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim().to_string()),
            None => (attr.trim().to_ascii_lowercase(), String::new()),
        };
        match k.as_str() {
            "secure" => c.secure = true,
            "httponly" => c.http_only = true,
            "samesite" => c.same_site = Some(val.to_ascii_lowercase()),
            _ => {}
        }
    }
    Some(c)
}

/// A session cookie by name (what Observatory and most frameworks call them).
pub fn is_session_cookie(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    // Anti-CSRF tokens are read by scripts on purpose: not session cookies.
    if is_csrf_cookie(&n) {
        return false;
    }
    [
        "session", "sess", "sid", "auth", "token", "jwt", "login", "remember",
    ]
    .iter()
    .any(|k| n.contains(k))
}

fn is_csrf_cookie(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("csrf") || n.contains("xsrf")
}

fn cookies_test(page: &Exchange, hsts: bool) -> ObsTest {
    const N: &str = "cookies";
    const C: &str = "probe.cookies";
    const H: &[&str] = &["set-cookie"];
    let cookies: Vec<Cookie> = page
        .header_all("set-cookie")
        .iter()
        .filter_map(|v| parse_set_cookie(v))
        .collect();
    if cookies.is_empty() {
        return t(N, C, "cookies-not-found", 0, "no cookies set", H);
    }
    // The worst result wins.
    let mut worst: Option<ObsTest> = None;
    let mut consider = |candidate: ObsTest| {
        if worst
            .as_ref()
            .is_none_or(|w| candidate.modifier < w.modifier)
        {
            worst = Some(candidate);
        }
    };
    for c in &cookies {
        let session = is_session_cookie(&c.name);
        if session && !c.secure {
            if hsts {
                consider(t(
                    N,
                    C,
                    "cookies-session-without-secure-flag-but-protected-by-hsts",
                    -10,
                    format!(
                        "session cookie `{}` without Secure (HSTS protects it)",
                        c.name
                    ),
                    H,
                ));
            } else {
                consider(t(
                    N,
                    C,
                    "cookies-session-without-secure-flag",
                    -40,
                    format!("session cookie `{}` without Secure", c.name),
                    H,
                ));
            }
        }
        if session && !c.http_only {
            consider(t(
                N,
                C,
                "cookies-session-without-httponly-flag",
                -30,
                format!("session cookie `{}` without HttpOnly", c.name),
                H,
            ));
        }
        if !session && !c.secure {
            if hsts {
                consider(t(
                    N,
                    C,
                    "cookies-without-secure-flag-but-protected-by-hsts",
                    -5,
                    format!("cookie `{}` without Secure (HSTS protects it)", c.name),
                    H,
                ));
            } else {
                consider(t(
                    N,
                    C,
                    "cookies-without-secure-flag",
                    -20,
                    format!("cookie `{}` without Secure", c.name),
                    H,
                ));
            }
        }
        if let Some(ss) = &c.same_site
            && !matches!(ss.as_str(), "strict" | "lax" | "none")
        {
            consider(t(
                N,
                C,
                "cookies-samesite-flag-invalid",
                -20,
                format!("cookie `{}` has SameSite={ss}", c.name),
                H,
            ));
        }
        if is_csrf_cookie(&c.name) && c.same_site.is_none() {
            consider(t(
                N,
                C,
                "cookies-anticsrf-without-samesite-flag",
                -20,
                format!("anti-CSRF cookie `{}` without SameSite", c.name),
                H,
            ));
        }
    }
    if let Some(w) = worst {
        return w;
    }
    let names: Vec<&str> = cookies.iter().map(|c| c.name.as_str()).collect();
    if cookies.iter().all(|c| c.same_site.is_some()) {
        t(
            N,
            C,
            "cookies-secure-with-httponly-sessions-and-samesite",
            5,
            format!(
                "all cookies ({}) Secure, session cookies HttpOnly, SameSite set",
                names.join(", ")
            ),
            H,
        )
    } else {
        t(
            N,
            C,
            "cookies-secure-with-httponly-sessions",
            0,
            format!(
                "all cookies ({}) Secure and session cookies HttpOnly, but SameSite missing",
                names.join(", ")
            ),
            H,
        )
    }
}

fn cors_test(ex: &Exchange) -> ObsTest {
    const N: &str = "cross-origin-resource-sharing";
    const C: &str = "probe.cors";
    const H: &[&str] = &[
        "access-control-allow-origin",
        "access-control-allow-credentials",
    ];
    let acao = ex.header("access-control-allow-origin").map(str::trim);
    let creds = ex
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
    let origin = ex
        .request_headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("origin"))
        .map(|(_, v)| v.as_str());
    match acao {
        None => t(
            N,
            C,
            "cross-origin-resource-sharing-not-implemented",
            0,
            "no Access-Control-Allow-Origin",
            H,
        ),
        Some(a) if creds && (Some(a) == origin || a == "*") => t(
            N,
            C,
            "cross-origin-resource-sharing-implemented-with-universal-access",
            -50,
            format!("Access-Control-Allow-Origin: {a} with credentials for a foreign origin"),
            H,
        ),
        Some("*") => t(
            N,
            C,
            "cross-origin-resource-sharing-implemented-with-public-access",
            0,
            "public content (Access-Control-Allow-Origin: *)",
            H,
        ),
        Some(a) => t(
            N,
            C,
            "cross-origin-resource-sharing-implemented-with-restricted-access",
            0,
            format!("restricted to {a}"),
            H,
        ),
    }
}

fn referrer_test(page: &Exchange) -> ObsTest {
    const N: &str = "referrer-policy";
    const C: &str = "probe.referrer-policy";
    const H: &[&str] = &["referrer-policy"];
    let Some(v) = page.header("referrer-policy") else {
        return t(
            N,
            C,
            "referrer-policy-not-implemented",
            0,
            "no Referrer-Policy header (browsers default to strict-origin-when-cross-origin)",
            H,
        );
    };
    // With a list, the last value the browser knows applies.
    let known = [
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
        "origin",
        "origin-when-cross-origin",
        "unsafe-url",
        "no-referrer-when-downgrade",
    ];
    let chosen = v
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .rfind(|s| known.contains(&s.as_str()));
    match chosen.as_deref() {
        Some(
            "no-referrer" | "same-origin" | "strict-origin" | "strict-origin-when-cross-origin",
        ) => t(
            N,
            C,
            "referrer-policy-private",
            5,
            format!("Referrer-Policy: {v}"),
            H,
        ),
        Some(p) => t(
            N,
            C,
            "referrer-policy-unsafe",
            -5,
            format!("Referrer-Policy: {p} leaks URLs to other sites"),
            H,
        ),
        None => t(
            N,
            C,
            "referrer-policy-header-invalid",
            -5,
            format!("Referrer-Policy `{v}` is not a known policy"),
            H,
        ),
    }
}

/// `max-age` of a Strict-Transport-Security value; `None` when invalid.
pub fn hsts_max_age(v: &str) -> Option<u64> {
    let mut age = None;
    for d in v.split(';') {
        let d = d.trim();
        if let Some((k, val)) = d.split_once('=')
            && k.trim().eq_ignore_ascii_case("max-age")
        {
            age = val.trim().trim_matches('"').parse::<u64>().ok();
            age?;
        }
    }
    age
}

/// Six months, as Observatory counts them.
pub const SIX_MONTHS: u64 = 15_768_000;

fn hsts_test(page: &Exchange, https: bool, behind_proxy: bool) -> ObsTest {
    const N: &str = "strict-transport-security";
    const C: &str = "probe.hsts";
    const H: &[&str] = &["strict-transport-security"];
    if !https {
        let mut r = t(
            N,
            C,
            "hsts-not-implemented-no-https",
            -20,
            "the site is not served over HTTPS",
            H,
        );
        if behind_proxy {
            r.scored = false;
            r.modifier = 0;
            r.detail = "plain-HTTP service behind a TLS proxy: the proxy must send HSTS".into();
        }
        return r;
    }
    let Some(v) = page.header("strict-transport-security") else {
        return t(
            N,
            C,
            "hsts-not-implemented",
            -20,
            "no Strict-Transport-Security header",
            H,
        );
    };
    match hsts_max_age(v) {
        None => t(
            N,
            C,
            "hsts-header-invalid",
            -20,
            format!("Strict-Transport-Security `{v}` has no valid max-age"),
            H,
        ),
        Some(a) if a < SIX_MONTHS => t(
            N,
            C,
            "hsts-implemented-max-age-less-than-six-months",
            -10,
            format!("max-age={a} is less than six months ({SIX_MONTHS})"),
            H,
        ),
        Some(a) => t(
            N,
            C,
            "hsts-implemented-max-age-at-least-six-months",
            0,
            format!("max-age={a}"),
            H,
        ),
    }
}

/// `<script src=…>` tags of an HTML page: (src, has integrity).
pub fn scripts(html: &str) -> Vec<(String, bool)> {
    static TAG: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static SRC: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let tag =
        TAG.get_or_init(|| regex::Regex::new(r"(?is)<script\b([^>]*)>").expect("static regex"));
    let src = SRC.get_or_init(|| {
        regex::Regex::new(r#"(?is)\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#)
            .expect("static regex")
    });
    tag.captures_iter(html)
        .filter_map(|c| {
            let attrs = c.get(1)?.as_str();
            let s = src.captures(attrs)?;
            let v = s.get(1).or(s.get(2)).or(s.get(3))?.as_str().to_string();
            let integrity = attrs.to_ascii_lowercase().contains("integrity=");
            Some((v, integrity))
        })
        .collect()
}

fn sri_test(page: &Exchange) -> ObsTest {
    const N: &str = "subresource-integrity";
    const C: &str = "probe.sri";
    const H: &[&str] = &["content-type"];
    if !page.is_html() {
        return t(
            N,
            C,
            "sri-not-implemented-response-not-html",
            0,
            "the response is not HTML",
            H,
        );
    }
    let list = scripts(&page.body_text());
    if list.is_empty() {
        return t(
            N,
            C,
            "sri-not-implemented-but-no-scripts-loaded",
            0,
            "no <script src> in the page",
            H,
        );
    }
    let host = page.url.host_str().unwrap_or("").to_ascii_lowercase();
    let mut external_secure_sri = 0;
    let mut external_secure_nosri = Vec::new();
    let mut external_insecure_sri = Vec::new();
    let mut external_insecure_nosri = Vec::new();
    let mut local_with_sri = 0;
    for (src, sri) in &list {
        let protocol_relative = src.starts_with("//");
        let Ok(abs) = page.url.join(src) else {
            continue;
        };
        let h = abs.host_str().unwrap_or("").to_ascii_lowercase();
        let same =
            h == host || h.ends_with(&format!(".{host}")) || host.ends_with(&format!(".{h}"));
        if same && !protocol_relative {
            if *sri {
                local_with_sri += 1;
            }
            continue;
        }
        let secure = abs.scheme() == "https" && !protocol_relative;
        match (secure, *sri) {
            (true, true) => external_secure_sri += 1,
            (true, false) => external_secure_nosri.push(src.clone()),
            (false, true) => external_insecure_sri.push(src.clone()),
            (false, false) => external_insecure_nosri.push(src.clone()),
        }
    }
    if !external_insecure_nosri.is_empty() {
        return t(
            N,
            C,
            "sri-not-implemented-and-external-scripts-not-loaded-securely",
            -50,
            format!(
                "external scripts over plain HTTP without integrity: {}",
                external_insecure_nosri.join(", ")
            ),
            H,
        );
    }
    if !external_insecure_sri.is_empty() {
        return t(
            N,
            C,
            "sri-implemented-but-external-scripts-not-loaded-securely",
            -20,
            format!(
                "external scripts over plain HTTP: {}",
                external_insecure_sri.join(", ")
            ),
            H,
        );
    }
    if !external_secure_nosri.is_empty() {
        return t(
            N,
            C,
            "sri-not-implemented-but-external-scripts-loaded-securely",
            -5,
            format!(
                "external scripts without integrity: {}",
                external_secure_nosri.join(", ")
            ),
            H,
        );
    }
    if external_secure_sri > 0 {
        return t(
            N,
            C,
            "sri-implemented-and-external-scripts-loaded-securely",
            5,
            format!("{external_secure_sri} external script(s), all with integrity"),
            H,
        );
    }
    if local_with_sri > 0 {
        t(
            N,
            C,
            "sri-implemented-and-all-scripts-loaded-securely",
            5,
            "all scripts from the same origin, with integrity",
            H,
        )
    } else {
        t(
            N,
            C,
            "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
            0,
            "all scripts from the same origin",
            H,
        )
    }
}

fn xcto_test(page: &Exchange) -> ObsTest {
    const N: &str = "x-content-type-options";
    const C: &str = "probe.x-content-type-options";
    const H: &[&str] = &["x-content-type-options"];
    match page.header("x-content-type-options") {
        None => t(
            N,
            C,
            "x-content-type-options-not-implemented",
            -5,
            "no X-Content-Type-Options header",
            H,
        ),
        Some(v) if v.trim().eq_ignore_ascii_case("nosniff") => t(
            N,
            C,
            "x-content-type-options-nosniff",
            0,
            "X-Content-Type-Options: nosniff",
            H,
        ),
        Some(v) => t(
            N,
            C,
            "x-content-type-options-header-invalid",
            -5,
            format!("X-Content-Type-Options `{v}` is not `nosniff`"),
            H,
        ),
    }
}

fn xfo_test(page: &Exchange, csp: &Csp) -> ObsTest {
    const N: &str = "x-frame-options";
    const C: &str = "probe.frame-options";
    const H: &[&str] = &["x-frame-options", "content-security-policy"];
    if let Some(Ok(map)) = csp
        && map.contains_key("frame-ancestors")
    {
        return t(
            N,
            C,
            "x-frame-options-implemented-via-csp",
            5,
            format!("CSP frame-ancestors {}", map["frame-ancestors"].join(" ")),
            H,
        );
    }
    match page
        .header("x-frame-options")
        .map(|v| v.trim().to_ascii_lowercase())
    {
        None => t(
            N,
            C,
            "x-frame-options-not-implemented",
            -20,
            "neither X-Frame-Options nor CSP frame-ancestors",
            H,
        ),
        Some(v) if v == "deny" || v == "sameorigin" => t(
            N,
            C,
            "x-frame-options-sameorigin-or-deny",
            0,
            format!("X-Frame-Options: {v}"),
            H,
        ),
        Some(v) if v.starts_with("allow-from ") => t(
            N,
            C,
            "x-frame-options-allow-from-origin",
            0,
            format!("X-Frame-Options: {v}"),
            H,
        ),
        Some(v) => t(
            N,
            C,
            "x-frame-options-header-invalid",
            -20,
            format!("X-Frame-Options `{v}` is not recognised"),
            H,
        ),
    }
}

fn corp_test(page: &Exchange) -> ObsTest {
    const N: &str = "cross-origin-resource-policy";
    const C: &str = "probe.corp";
    const H: &[&str] = &["cross-origin-resource-policy"];
    match page
        .header("cross-origin-resource-policy")
        .map(|v| v.trim().to_ascii_lowercase())
    {
        None => t(
            N,
            C,
            "corp-not-implemented",
            0,
            "no Cross-Origin-Resource-Policy (defaults to cross-origin)",
            H,
        ),
        Some(v) if v == "same-origin" => t(
            N,
            C,
            "corp-implemented-with-same-origin",
            10,
            "Cross-Origin-Resource-Policy: same-origin",
            H,
        ),
        Some(v) if v == "same-site" => t(
            N,
            C,
            "corp-implemented-with-same-site",
            10,
            "Cross-Origin-Resource-Policy: same-site",
            H,
        ),
        Some(v) if v == "cross-origin" => t(
            N,
            C,
            "corp-implemented-with-cross-origin",
            0,
            "Cross-Origin-Resource-Policy: cross-origin",
            H,
        ),
        Some(v) => t(
            N,
            C,
            "corp-header-invalid",
            -5,
            format!("Cross-Origin-Resource-Policy `{v}` is not recognised"),
            H,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_chart() {
        assert_eq!(grade_for(135), "A+");
        assert_eq!(grade_for(100), "A+");
        assert_eq!(grade_for(99), "A");
        assert_eq!(grade_for(90), "A");
        assert_eq!(grade_for(89), "A-");
        assert_eq!(grade_for(84), "B+");
        assert_eq!(grade_for(70), "B");
        assert_eq!(grade_for(66), "B-");
        assert_eq!(grade_for(64), "C+");
        assert_eq!(grade_for(50), "C");
        assert_eq!(grade_for(45), "C-");
        assert_eq!(grade_for(40), "D+");
        assert_eq!(grade_for(30), "D");
        assert_eq!(grade_for(25), "D-");
        assert_eq!(grade_for(24), "F");
        assert_eq!(grade_for(-10), "F");
    }

    fn test(modifier: i32) -> ObsTest {
        t("x", "probe.x", "r", modifier, "", &[])
    }

    #[test]
    fn bonuses_only_from_ninety() {
        assert_eq!(score_of(&[test(-10), test(10)]), 100);
        assert_eq!(score_of(&[test(-15), test(10)]), 85);
        assert_eq!(score_of(&[test(-80), test(-50)]), 0);
        let mut unscored = test(-20);
        unscored.scored = false;
        assert_eq!(score_of(&[unscored, test(5)]), 105);
    }

    #[test]
    fn csp_parsing() {
        assert!(parse_csp(&[]).is_none());
        let m = parse_csp(&["default-src 'none'; frame-ancestors 'none'".into()])
            .unwrap()
            .unwrap();
        assert_eq!(m["default-src"], vec!["'none'"]);
        assert!(matches!(
            parse_csp(&["def@ult 'self'".into()]),
            Some(Err(_))
        ));
        assert_eq!(
            hsts_max_age("max-age=31536000; includeSubDomains"),
            Some(31536000)
        );
        assert_eq!(hsts_max_age("includeSubDomains"), None);
        assert_eq!(hsts_max_age("max-age=abc"), None);
    }

    #[test]
    fn script_tags() {
        let s = scripts(
            r#"<script src="/a.js"></script><SCRIPT integrity="sha384-x" src='https://cdn.example/b.js'></SCRIPT><script>inline()</script>"#,
        );
        assert_eq!(
            s,
            vec![
                ("/a.js".to_string(), false),
                ("https://cdn.example/b.js".to_string(), true)
            ]
        );
        let c = parse_set_cookie("sessionid=abc; Path=/; Secure; HttpOnly; SameSite=Lax").unwrap();
        assert!(c.secure && c.http_only && c.same_site.as_deref() == Some("lax"));
        assert!(is_session_cookie("sessionid"));
        assert!(!is_session_cookie("theme"));
    }
}

#[cfg(test)]
mod grading {
    use super::*;
    use crate::client::Exchange;

    fn page(https: bool, headers: &[(&str, &str)], body: &str) -> Exchange {
        let mut map = http::HeaderMap::new();
        for (n, v) in headers {
            map.append(
                http::HeaderName::from_bytes(n.as_bytes()).expect("name"),
                http::HeaderValue::from_str(v).expect("value"),
            );
        }
        Exchange {
            method: http::Method::GET,
            url: url::Url::parse(if https {
                "https://shop.example/"
            } else {
                "http://shop.example/"
            })
            .expect("url"),
            status: 200,
            headers: map,
            request_headers: Vec::new(),
            body: bytes::Bytes::from(body.to_string()),
            truncated: false,
            elapsed: std::time::Duration::ZERO,
        }
    }

    fn result_of(o: &Observatory, name: &str) -> (&'static str, i32) {
        let t = o.tests.iter().find(|t| t.name == name).expect("test");
        (t.result, t.modifier)
    }

    fn grade_page(p: &Exchange) -> Observatory {
        grade(&Input {
            page: p,
            https: p.url.scheme() == "https",
            behind_tls_proxy: false,
            redirection: None,
            cors: None,
        })
    }

    #[test]
    fn each_result_and_its_modifier() {
        let p = page(
            true,
            &[
                (
                    "content-security-policy",
                    "default-src 'self'; script-src 'self' 'unsafe-eval'",
                ),
                ("strict-transport-security", "max-age=86400"),
                ("set-cookie", "sessionid=1; Secure; SameSite=Lax"),
                ("referrer-policy", "unsafe-url"),
                ("x-frame-options", "ALLOWALL"),
                ("x-content-type-options", "sniff"),
                ("cross-origin-resource-policy", "everyone"),
                ("content-type", "text/html"),
            ],
            r#"<script src="https://cdn.example.net/lib.js"></script>"#,
        );
        let o = grade_page(&p);
        assert_eq!(
            result_of(&o, "content-security-policy"),
            ("csp-implemented-with-unsafe-eval", -10)
        );
        assert_eq!(
            result_of(&o, "strict-transport-security"),
            ("hsts-implemented-max-age-less-than-six-months", -10)
        );
        assert_eq!(
            result_of(&o, "cookies"),
            ("cookies-session-without-httponly-flag", -30)
        );
        assert_eq!(
            result_of(&o, "referrer-policy"),
            ("referrer-policy-unsafe", -5)
        );
        assert_eq!(
            result_of(&o, "x-frame-options"),
            ("x-frame-options-header-invalid", -20)
        );
        assert_eq!(
            result_of(&o, "x-content-type-options"),
            ("x-content-type-options-header-invalid", -5)
        );
        assert_eq!(
            result_of(&o, "cross-origin-resource-policy"),
            ("corp-header-invalid", -5)
        );
        assert_eq!(
            result_of(&o, "subresource-integrity"),
            (
                "sri-not-implemented-but-external-scripts-loaded-securely",
                -5
            )
        );
        // 100 - 10 - 10 - 30 - 5 - 20 - 5 - 5 - 5 = 10; no bonus below 90.
        assert_eq!(o.score, 10);
        assert_eq!(o.grade, "F");
    }

    #[test]
    fn cookies_protected_by_hsts_and_csrf_tokens() {
        let p = page(
            true,
            &[
                ("strict-transport-security", "max-age=31536000"),
                ("set-cookie", "theme=dark; SameSite=Lax"),
                ("set-cookie", "csrftoken=abc; Secure"),
            ],
            "",
        );
        let o = grade_page(&p);
        // The worst of: theme without Secure under HSTS (-5), csrf without SameSite (-20).
        assert_eq!(
            result_of(&o, "cookies"),
            ("cookies-anticsrf-without-samesite-flag", -20)
        );
        let p = page(false, &[("set-cookie", "sid=1; HttpOnly")], "");
        assert_eq!(
            result_of(&grade_page(&p), "cookies"),
            ("cookies-session-without-secure-flag", -40)
        );
    }

    #[test]
    fn csp_variants() {
        let csp = |v: &str| {
            let p = page(true, &[("content-security-policy", v)], "");
            result_of(&grade_page(&p), "content-security-policy")
        };
        assert_eq!(
            csp("default-src 'none'"),
            ("csp-implemented-with-no-unsafe-default-src-none", 10)
        );
        assert_eq!(
            csp("default-src 'self'"),
            ("csp-implemented-with-no-unsafe", 5)
        );
        assert_eq!(
            csp("default-src 'self'; script-src 'self' 'unsafe-inline'").0,
            "csp-implemented-with-unsafe-inline"
        );
        assert_eq!(
            csp("default-src 'self'; script-src 'self' 'unsafe-inline' 'nonce-abc'").0,
            "csp-implemented-with-no-unsafe"
        );
        assert_eq!(
            csp("img-src 'self'").0,
            "csp-implemented-with-unsafe-inline"
        );
        assert_eq!(
            csp("default-src https:").0,
            "csp-implemented-with-unsafe-inline"
        );
        assert_eq!(
            csp("default-src 'self'; style-src 'self' 'unsafe-inline'").1,
            0
        );
        assert_eq!(csp("default-src 'self'; img-src http://img.example").1, -10);
        assert_eq!(
            csp("default-src 'self'; connect-src http://api.example").1,
            -20
        );
        assert_eq!(csp("bad$directive x").0, "csp-header-invalid");
    }

    #[test]
    fn sri_variants() {
        let sri = |html: &str| {
            let p = page(true, &[("content-type", "text/html")], html);
            result_of(&grade_page(&p), "subresource-integrity")
        };
        assert_eq!(
            sri(r#"<script src="http://cdn.example.net/a.js"></script>"#).1,
            -50
        );
        assert_eq!(
            sri(r#"<script src="//cdn.example.net/a.js" integrity="sha384-x"></script>"#).1,
            -20
        );
        assert_eq!(
            sri(r#"<script src="https://cdn.example.net/a.js" integrity="sha384-x"></script>"#).1,
            5
        );
        assert_eq!(sri(r#"<script src="/app.js"></script>"#).1, 0);
        assert_eq!(
            sri("<p>no scripts</p>").0,
            "sri-not-implemented-but-no-scripts-loaded"
        );
        let p = page(true, &[("content-type", "application/json")], "{}");
        assert_eq!(
            result_of(&grade_page(&p), "subresource-integrity").0,
            "sri-not-implemented-response-not-html"
        );
    }
}
