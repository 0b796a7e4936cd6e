//! Front-end checks, when the repository has one (a package.json depending on a browser
//! framework or bundler): a production build script, no public source maps, no secrets in
//! client-side environment variables.

use super::ParseError;
use super::code::{self, Analyzer, CodeFile, Hit, Lang};
use crate::repo::{FileMeta, Repo};
use golive_core::{Catalog, Evidence, Finding, Outcome, mask_secret};
use regex::Regex;
use std::sync::{LazyLock, Mutex};

fn re(s: &str) -> Regex {
    crate::rx::build(s)
}

/// Dependencies that make a package a browser front-end.
const FRONTEND_DEPS: &[&str] = &[
    "react-dom",
    "vue",
    "svelte",
    "@sveltejs/kit",
    "@angular/core",
    "next",
    "nuxt",
    "solid-js",
    "preact",
    "astro",
    "vite",
    "@remix-run/react",
    "gatsby",
    "react-scripts",
];

/// Client-side environment variable prefixes (inlined into the bundle).
const CLIENT_PREFIX: &str =
    r"(?:NEXT_PUBLIC_|VITE_|REACT_APP_|NUXT_PUBLIC_|PUBLIC_|EXPO_PUBLIC_|GATSBY_|VUE_APP_)";

static SECRET_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)SECRET|PRIVATE|PASSWORD|PASSWD|_PWD$|SERVICE_ROLE|DATABASE_URL|DB_URL|DB_PASS|ADMIN_(?:KEY|TOKEN)|_SK$|SIGNING_KEY|ENCRYPTION_KEY",
    )
});
static VENDOR_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"sk_live_[0-9A-Za-z]{10,}|sk_test_[0-9A-Za-z]{10,}|rk_live_[0-9A-Za-z]{10,}|\bAKIA[0-9A-Z]{16}\b|\bghp_[A-Za-z0-9]{36}\b|\bgithub_pat_\w{20,}|\bxox[abprs]-[\w-]{10,}|\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}|-----BEGIN [A-Z ]*PRIVATE KEY|\bglpat-[\w-]{20}|\bSG\.[\w-]{22}\.[\w-]{20,}",
    )
});
static ENV_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"(?m)^[ \t]*(?:export[ \t]+)?({CLIENT_PREFIX}[A-Za-z0-9_]+)[ \t]*=[ \t]*(.*)$"#
    ))
});
static CODE_REF: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\b(?:process\.env|import\.meta\.env)\s*\.\s*({CLIENT_PREFIX}[A-Za-z0-9_]+)|\$env/static/public['\x22][^;]*?\b(PUBLIC_[A-Za-z0-9_]+)"
    ))
});
static NEXT_ENV_BLOCK: LazyLock<Regex> = LazyLock::new(|| re(r"\benv\s*:\s*\{"));
static NEXT_ENV_KEY: LazyLock<Regex> =
    LazyLock::new(|| re(r"([A-Za-z_][A-Za-z0-9_]*)\s*:\s*process\.env\.([A-Za-z0-9_]+)"));

static VITE_SOURCEMAP: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\bsourcemap\s*:\s*(true\b|["']inline["'])"#));
static NEXT_SOURCEMAP: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bproductionBrowserSourceMaps\s*:\s*true\b"));
static WEBPACK_DEVTOOL: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\bdevtool\s*:\s*["']([\w-]*source-map|eval[\w-]*)["']"#));
static ANGULAR_PROD: LazyLock<Regex> = LazyLock::new(|| re(r#""production"\s*:\s*\{"#));
static ANGULAR_SOURCEMAP: LazyLock<Regex> = LazyLock::new(|| re(r#""sourceMap"\s*:\s*(true|\{)"#));
static CRA_NO_MAPS: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)GENERATE_SOURCEMAP\s*=\s*false\b"));
static DEV_BUILD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"--mode[= ]development\b|NODE_ENV=development\b|--dev\b|\bvite\s+dev\b|\bnext\s+dev\b|\bng\s+serve\b",
    )
});

/// A front-end package.
#[derive(Debug, Clone)]
struct Package {
    path: String,
    dir: String,
    frameworks: Vec<String>,
    /// The `build` script and the place it is written.
    build: Option<(String, Hit)>,
    react_scripts: bool,
}

#[derive(Default)]
struct State {
    packages: Vec<Package>,
    maps_public: Vec<Hit>,
    maps_config: Vec<Hit>,
    /// `GENERATE_SOURCEMAP=false` seen (CRA), by directory.
    cra_off: Vec<String>,
    secrets: Vec<Hit>,
    /// package.json files that name a front-end dependency but do not parse: whether they are
    /// front-ends, and how they build, is unknown.
    unparsed: Vec<ParseError>,
}

/// The front-end analyzer.
#[derive(Default)]
pub struct Frontend {
    state: Mutex<State>,
}

fn is_env_file(name: &str) -> bool {
    name == ".env" || name.starts_with(".env.") || name.ends_with(".env")
}

fn is_placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    golive_core::secrets::gates::is_placeholder(v)
        || l.is_empty()
        || l.starts_with("${")
        || l.starts_with('<')
        || l.contains("changeme")
        || l.contains("change_me")
        || l.contains("your_")
        || l.contains("your-")
        || l.starts_with("xxx")
        || l == "todo"
        || l == "null"
        || l == "false"
        || l == "true"
}

fn dir_of(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path[..=i].to_string(),
        None => String::new(),
    }
}

fn package(f: &CodeFile<'_>) -> Option<Package> {
    let json: serde_json::Value = serde_json::from_str(f.text).ok()?;
    let mut frameworks = Vec::new();
    for section in ["dependencies", "devDependencies"] {
        if let Some(deps) = json.get(section).and_then(|d| d.as_object()) {
            for d in FRONTEND_DEPS {
                if deps.contains_key(*d) && !frameworks.iter().any(|f: &String| f == d) {
                    frameworks.push(d.to_string());
                }
            }
        }
    }
    if frameworks.is_empty() {
        return None;
    }
    let build = json
        .get("scripts")
        .and_then(|s| s.get("build"))
        .and_then(|b| b.as_str())
        .map(|b| {
            let at = f.text.find("\"build\"").unwrap_or(0);
            (b.to_string(), f.hit(at, format!("build script `{b}`")))
        });
    Some(Package {
        path: f.path().to_string(),
        dir: dir_of(f.path()),
        react_scripts: frameworks.iter().any(|f| f == "react-scripts"),
        frameworks,
        build,
    })
}

fn env_file(f: &CodeFile<'_>, st: &mut State) {
    if CRA_NO_MAPS.is_match(f.text) {
        st.cra_off.push(dir_of(f.path()));
    }
    for cap in ENV_LINE.captures_iter(f.text) {
        let (Some(name), Some(value)) = (cap.get(1), cap.get(2)) else {
            continue;
        };
        let raw = value.as_str().trim();
        let v = raw
            .split(" #")
            .next()
            .unwrap_or(raw)
            .trim()
            .trim_matches(|c| c == '"' || c == '\'');
        if is_placeholder(v) {
            continue;
        }
        let vendor = VENDOR_SECRET.find(v);
        if vendor.is_some() || SECRET_NAME.is_match(name.as_str()) {
            let why = match vendor {
                Some(_) => "holds a secret key",
                None => "is named like a secret",
            };
            let mut h = f.hit(
                name.start(),
                format!(
                    "client-side variable `{}` {why} ({}): it is inlined into the public bundle",
                    name.as_str(),
                    mask_secret(v)
                ),
            );
            h.snippet = format!("{}={}", name.as_str(), mask_secret(v));
            st.secrets.push(h);
        }
    }
}

fn source(f: &CodeFile<'_>, st: &mut State) {
    let c = f.code;
    if !(c.contains("env")) {
        return;
    }
    for cap in CODE_REF.captures_iter(c) {
        let Some(name) = cap.get(1).or_else(|| cap.get(2)) else {
            continue;
        };
        if SECRET_NAME.is_match(name.as_str()) {
            st.secrets.push(f.hit(
                name.start(),
                format!(
                    "client-side variable `{}` is named like a secret: its value is inlined into the public bundle",
                    name.as_str()
                ),
            ));
        }
    }
}

fn build_config(f: &CodeFile<'_>, st: &mut State) {
    let name = f.meta.lower_name();
    let c = f.code;
    if name.starts_with("vite.config.") || name.starts_with("vitest.config.") {
        if let Some(m) = VITE_SOURCEMAP.find(c) {
            st.maps_config.push(f.hit(
                m.start(),
                format!("Vite `build.{}` publishes source maps", m.as_str()),
            ));
        }
    } else if name.starts_with("next.config.") {
        if let Some(m) = NEXT_SOURCEMAP.find(c) {
            st.maps_config
                .push(f.hit(m.start(), "Next.js `productionBrowserSourceMaps: true`"));
        }
        // next.config `env: { KEY: process.env.SECRET }` inlines the value into the bundle
        for m in NEXT_ENV_BLOCK.find_iter(c) {
            let Some(end) = code::matching_close(f.bare, m.end() - 1, 8192) else {
                continue;
            };
            for cap in NEXT_ENV_KEY.captures_iter(&c[m.end() - 1..end]) {
                let (Some(k), Some(v)) = (cap.get(1), cap.get(2)) else {
                    continue;
                };
                if SECRET_NAME.is_match(k.as_str()) || SECRET_NAME.is_match(v.as_str()) {
                    st.secrets.push(f.hit(
                        m.end() - 1 + k.start(),
                        format!(
                            "next.config `env.{}` exposes `{}` to the browser bundle",
                            k.as_str(),
                            v.as_str()
                        ),
                    ));
                }
            }
        }
    } else if name.starts_with("webpack") && !name.contains("dev") {
        if let Some(cap) = WEBPACK_DEVTOOL.captures(c)
            && let (Some(all), Some(v)) = (cap.get(0), cap.get(1))
            && !v.as_str().starts_with("hidden")
            && !v.as_str().starts_with("nosources")
        {
            st.maps_config.push(f.hit(
                all.start(),
                format!("webpack `devtool: '{}'` publishes source maps", v.as_str()),
            ));
        }
    } else if name == "angular.json" {
        for m in ANGULAR_PROD.find_iter(f.text) {
            let Some(end) = code::matching_close(f.text, m.end() - 1, 8192) else {
                continue;
            };
            if let Some(sm) = ANGULAR_SOURCEMAP.find(&f.text[m.end() - 1..end]) {
                st.maps_config.push(f.hit(
                    m.end() - 1 + sm.start(),
                    "Angular production configuration has `\"sourceMap\": true`",
                ));
            }
        }
    }
}

/// Public asset directories: a committed `.map` there is served to everyone.
fn is_public_map(f: &FileMeta) -> bool {
    f.path.ends_with(".map")
        && f.path
            .split('/')
            .any(|c| matches!(c, "public" | "static" | "www" | "wwwroot" | "assets"))
        && !f.is_vendored()
}

impl Analyzer for Frontend {
    fn wants(&self, f: &FileMeta) -> bool {
        let name = f.lower_name();
        if !code::is_production(f) {
            return false;
        }
        name == "package.json"
            || name == "angular.json"
            || is_env_file(name)
            || name.starts_with("vite.config.")
            || name.starts_with("next.config.")
            || name.starts_with("webpack")
            || name.starts_with("nuxt.config.")
            || name.starts_with("svelte.config.")
            || name.starts_with("astro.config.")
            || matches!(Lang::of(&f.path), Some(Lang::Js))
    }

    fn visit(&self, f: &CodeFile<'_>) {
        let name = f.meta.lower_name();
        let mut st = State::default();
        if name == "package.json" {
            if let Some(p) = package(f) {
                st.packages.push(p);
            } else if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(f.text)
                && FRONTEND_DEPS
                    .iter()
                    .any(|d| f.text.contains(&format!("\"{d}\"")))
            {
                st.unparsed.push(ParseError::json(f.path(), &e));
            }
            if CRA_NO_MAPS.is_match(f.text) {
                st.cra_off.push(dir_of(f.path()));
            }
        } else if is_env_file(name) {
            env_file(f, &mut st);
        } else {
            build_config(f, &mut st);
            if f.lang == Some(Lang::Js) {
                source(f, &mut st);
            }
        }
        if st.packages.is_empty()
            && st.maps_config.is_empty()
            && st.cra_off.is_empty()
            && st.secrets.is_empty()
            && st.unparsed.is_empty()
        {
            return;
        }
        let mut s = code::lock(&self.state);
        s.packages.extend(st.packages);
        s.maps_config.extend(st.maps_config);
        s.cra_off.extend(st.cra_off);
        s.secrets.extend(st.secrets);
        s.unparsed.extend(st.unparsed);
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut st = code::take(self.state);
        st.packages.sort_by(|a, b| a.path.cmp(&b.path));
        st.maps_config.sort();
        st.secrets.sort();
        st.secrets.dedup();
        st.unparsed.sort_by(|a, b| a.path.cmp(&b.path));
        for f in repo.files.iter().filter(|f| is_public_map(f)) {
            st.maps_public.push(Hit {
                path: f.path.clone(),
                line: 1,
                col: 1,
                snippet: String::new(),
                what: format!("source map `{}` is committed in a public directory", f.path),
            });
        }
        let mut out: Vec<Finding> = vec![
            build_finding(&st),
            maps_findings(&st),
            secrets_findings(&st),
        ]
        .into_iter()
        .flatten()
        .collect();
        // A front-end package.json that does not parse: no check is decided without it (and
        // "no front-end" would be a guess).
        if !st.unparsed.is_empty() {
            out.retain(|f| f.outcome != Outcome::NotApplicable);
            for id in [
                "frontend.build-script",
                "frontend.source-maps",
                "frontend.client-env-secrets",
            ] {
                for e in &st.unparsed {
                    out.push(e.undecided(Catalog::builtin().check(id)));
                }
            }
        }
        out
    }
}

const NO_FRONTEND: &str = "no front-end in the repository (no package.json depending on react-dom, vue, svelte, @angular/core, next, nuxt, solid-js, preact, astro or vite)";

fn build_finding(st: &State) -> Vec<Finding> {
    let check = Catalog::builtin().check("frontend.build-script");
    if st.packages.is_empty() {
        return vec![Finding::new(check, Outcome::NotApplicable, NO_FRONTEND)];
    }
    st.packages
        .iter()
        .map(|p| match &p.build {
            Some((script, hit)) if DEV_BUILD.is_match(script) => Finding::new(
                check,
                Outcome::Warn,
                format!(
                    "{}: the build script `{script}` builds in development mode",
                    p.path
                ),
            )
            .with_evidence(hit.evidence()),
            Some((script, hit)) => Finding::new(
                check,
                Outcome::Pass,
                format!("{}: production build with `{script}`", p.path),
            )
            .with_evidence(hit.evidence()),
            None => Finding::new(
                check,
                Outcome::Fail,
                format!(
                    "{} ({}) has no `build` script: the production bundle is not reproducible",
                    p.path,
                    p.frameworks.join(", ")
                ),
            )
            .with_evidence(Evidence::file(p.path.clone())),
        })
        .collect()
}

fn maps_findings(st: &State) -> Vec<Finding> {
    let check = Catalog::builtin().check("frontend.source-maps");
    if st.packages.is_empty() && st.maps_config.is_empty() && st.maps_public.is_empty() {
        return vec![Finding::new(check, Outcome::NotApplicable, NO_FRONTEND)];
    }
    let mut out: Vec<Finding> = st
        .maps_config
        .iter()
        .chain(st.maps_public.iter())
        .map(|h| {
            let mut f = Finding::new(
                check,
                Outcome::Fail,
                format!("{} ({})", h.what, h.locator()),
            );
            f.evidence.push(if h.snippet.is_empty() {
                Evidence::file(h.path.clone())
            } else {
                h.evidence()
            });
            f
        })
        .collect();
    for p in st.packages.iter().filter(|p| p.react_scripts) {
        if !st
            .cra_off
            .iter()
            .any(|d| p.dir.starts_with(d.as_str()) || d.starts_with(&p.dir))
        {
            out.push(
                Finding::new(
                    check,
                    Outcome::Fail,
                    format!(
                        "{}: `react-scripts build` publishes source maps unless GENERATE_SOURCEMAP=false",
                        p.path
                    ),
                )
                .with_evidence(Evidence::file(p.path.clone())),
            );
        }
    }
    if out.is_empty() {
        out.push(Finding::new(
            check,
            Outcome::Pass,
            "no production source maps are published (framework defaults, no `.map` files in public directories)",
        ));
    }
    out
}

fn secrets_findings(st: &State) -> Vec<Finding> {
    let check = Catalog::builtin().check("frontend.client-env-secrets");
    if !st.secrets.is_empty() {
        return st
            .secrets
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
    }
    if st.packages.is_empty() {
        return vec![Finding::new(check, Outcome::NotApplicable, NO_FRONTEND)];
    }
    vec![Finding::new(
        check,
        Outcome::Pass,
        "no secret-looking value or name in client-side environment variables",
    )]
}
