//! Observability in code: an HTTP health route.

use super::code::{self, Analyzer, CodeFile, Hit, Lang};
use crate::repo::{FileMeta, Repo};
use golive_core::{Catalog, Evidence, Finding, Outcome};
use regex::Regex;
use std::sync::{LazyLock, Mutex};

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| panic!("invalid built-in pattern {s}: {e}"))
}

/// Health path names (without slashes).
const HEALTH_NAMES: &str = r"(?:_{0,2}health(?:z|check|-check|_check)?|livez|readyz|liveness|readiness|live|ready|alive|status|ping|heartbeat)";

/// A quoted health path: `"/health"`, `'healthz/'`, `r"^health/$"`, `"GET /healthz"`,
/// `"/api/v1/health/ready"`.
fn quoted_path() -> String {
    format!(
        r#"r?["'`](?:(?:GET|HEAD)\s+)?\^?(?P<slash>/)?(?:api/)?(?:v\d+/)?{HEALTH_NAMES}(?:/(?:live|ready|liveness|readiness|startup|livez|readyz|db|deep))?/?\??\$?["'`]"#
    )
}

/// Route definitions whose first argument is a health path (Express, Fastify, Koa, Hono,
/// FastAPI, Flask, axum, actix, rocket, net/http, gin, echo, chi, fiber, gorilla, NestJS).
static ROUTE_CALL: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"(?:(\w+)\s*\.\s*)?\b(get|GET|Get|head|HEAD|Head|all|Any|route|api_route|add_api_route|add_url_rule|Handle|HandleFunc|handle|handle_func|resource|Path|Route|Controller|path|re_path|url|Methods)\s*\(\s*{}"#,
        quoted_path()
    ))
});
/// Router prefixes: `APIRouter(prefix="/health")`, `Blueprint(…, url_prefix="/health")`.
static PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"\b(?:prefix|url_prefix)\s*=\s*{}"#,
        quoted_path()
    ))
});
/// Encore `api({ path: "/health" })` and Fastify `route({ url: "/health" })`.
static OBJECT_ROUTE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"\b(?:api|route)\s*\(\s*\{{[^}}]*?\b(?:path|url)\s*:\s*{}"#,
        quoted_path()
    ))
});
/// warp `warp::path("health")`, `path!("health")`.
static WARP: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r#"(?:warp::path\s*\(|path!\s*\()\s*"{HEALTH_NAMES}""#
    ))
});
/// Next.js file routes: `pages/api/health.ts`, `app/api/health/route.ts`.
static FILE_ROUTE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?:^|/)(?:pages/api|app/api|app|pages|src/app/api|src/pages/api|routes|api)/{HEALTH_NAMES}(?:/route|/index|/\+server)?\.(?:js|ts|jsx|tsx|mjs)$"
    ))
});

/// HTTP clients: a `get("/health")` on these is a request, not a route.
const CLIENTS: &[&str] = &[
    "axios",
    "requests",
    "httpx",
    "client",
    "session",
    "fetch",
    "request",
    "supertest",
    "ky",
    "got",
    "superagent",
    "agent",
    "reqwest",
    "resty",
    "$http",
    "this.http",
    "api",
    "http",
];

#[derive(Default)]
struct State {
    routes: Vec<Hit>,
    servers: Vec<Hit>,
}

/// The observability analyzer.
#[derive(Default)]
pub struct Observability {
    state: Mutex<State>,
}

fn health_routes(f: &CodeFile<'_>) -> Vec<Hit> {
    let mut out = Vec::new();
    if FILE_ROUTE.is_match(f.path()) {
        out.push(f.hit(0, "file-based health route"));
    }
    let c = f.code;
    let lower_has = [
        "health",
        "live",
        "ready",
        "status",
        "ping",
        "alive",
        "heartbeat",
    ]
    .iter()
    .any(|w| c.contains(w));
    if !lower_has {
        return out;
    }
    for cap in ROUTE_CALL.captures_iter(c) {
        let (Some(all), Some(func)) = (cap.get(0), cap.get(2)) else {
            continue;
        };
        let receiver = cap.get(1).map(|r| r.as_str());
        let func = func.as_str();
        let verb = matches!(func, "get" | "GET" | "Get" | "head" | "HEAD" | "Head");
        if verb && receiver.is_some_and(|r| CLIENTS.contains(&r)) {
            continue;
        }
        // Without a leading slash only routers that take relative paths count (Django
        // `path("health/")`, NestJS `@Get('health')`); `data.get("status")` is a lookup.
        if cap.name("slash").is_none()
            && !matches!(
                func,
                "path" | "re_path" | "url" | "Get" | "Head" | "Controller"
            )
        {
            continue;
        }
        // `http.Get("/health")` is a Go client call; `path("health/")` only in Django/other
        // routers (not a filesystem join); `@Controller('health')` only with a handler in it.
        if func == "Controller" && !c.contains("@Get(") {
            continue;
        }
        if matches!(func, "path" | "re_path" | "url") && f.lang != Some(Lang::Python) {
            continue;
        }
        let what = match func {
            "Controller" => "NestJS health controller",
            "path" | "re_path" | "url" => "Django health URL",
            _ => "health route",
        };
        out.push(f.hit(all.start(), what));
    }
    for r in [&*PREFIX, &*OBJECT_ROUTE, &*WARP] {
        for m in r.find_iter(c) {
            out.push(f.hit(m.start(), "health route"));
        }
    }
    out
}

impl Analyzer for Observability {
    fn wants(&self, file: &FileMeta) -> bool {
        Lang::of(&file.path).is_some() && code::is_production(file)
    }

    fn visit(&self, f: &CodeFile<'_>) {
        let routes = health_routes(f);
        let servers: Vec<Hit> = code::SERVER_START
            .find_iter(f.code)
            .take(1)
            .map(|m| f.hit(m.start(), "HTTP server started"))
            .collect();
        if routes.is_empty() && servers.is_empty() {
            return;
        }
        let mut st = code::lock(&self.state);
        st.routes.extend(routes);
        st.servers.extend(servers);
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut st = code::take(self.state);
        st.routes.sort();
        st.routes.dedup();
        st.servers.sort();
        vec![health_finding(&st, repo)]
    }
}

fn health_finding(st: &State, repo: &Repo) -> Finding {
    let check = Catalog::builtin().check("observability.health-route");
    if let Some(first) = st.routes.first() {
        let mut f = Finding::new(
            check,
            Outcome::Pass,
            format!(
                "health route at {} ({} found)",
                first.locator(),
                st.routes.len()
            ),
        );
        f.evidence = st.routes.iter().take(5).map(Hit::evidence).collect();
        return f;
    }
    if !code::serves_http(repo, &st.servers) {
        return Finding::new(
            check,
            Outcome::NotApplicable,
            "no HTTP server in the code (no web framework detected, no server started)",
        );
    }
    let mut serving: Vec<String> = code::web_frameworks(repo)
        .iter()
        .map(|s| s.to_string())
        .collect();
    serving.extend(st.servers.iter().map(|h| h.locator()));
    let mut f = Finding::new(
        check,
        Outcome::Fail,
        format!(
            "the service serves HTTP ({}) but defines no health route",
            serving.join(", ")
        ),
    )
    .with_evidence(Evidence::note(
        "looked for /health, /healthz, /livez, /readyz, /health/live, /health/ready, /api/health, /status, /ping routes",
    ));
    f.evidence
        .extend(st.servers.iter().take(3).map(Hit::evidence));
    f
}
