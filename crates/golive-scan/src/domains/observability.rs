//! Observability in code: an HTTP health route, metrics, error tracking, structured logs, no
//! debug printing in production code, and a readiness route that checks the dependencies.

use super::code::{self, Analyzer, CodeFile, Hit, Lang};
use crate::repo::{FileMeta, Repo};
use golive_core::{Catalog, Evidence, Finding, Outcome};
use regex::Regex;
use std::sync::{LazyLock, Mutex};

fn re(s: &str) -> Regex {
    crate::rx::build(s)
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
    metrics: Vec<Hit>,
    error_tracking: Vec<Hit>,
    json_logs: Vec<Hit>,
    plain_logs: Vec<Hit>,
    prints: Vec<Hit>,
    /// Production source files read (for debug-prints applicability).
    sources: usize,
    /// Health handlers that check a dependency.
    ready_checks: Vec<Hit>,
    /// Database or cache clients used by the code.
    dependencies: Vec<Hit>,
}

impl State {
    fn merge(&mut self, o: State) {
        self.routes.extend(o.routes);
        self.servers.extend(o.servers);
        self.metrics.extend(o.metrics);
        self.error_tracking.extend(o.error_tracking);
        self.json_logs.extend(o.json_logs);
        self.plain_logs.extend(o.plain_logs);
        self.prints.extend(o.prints);
        self.sources += o.sources;
        self.ready_checks.extend(o.ready_checks);
        self.dependencies.extend(o.dependencies);
    }
}

/// The observability analyzer.
#[derive(Default)]
pub struct Observability {
    state: Mutex<State>,
}

fn health_routes(f: &CodeFile<'_>) -> Vec<(usize, Hit)> {
    let mut out = Vec::new();
    if FILE_ROUTE.is_match(f.path()) {
        out.push((0, f.hit(0, "file-based health route")));
    }
    let c = f.code;
    // A health path is quoted: look for the quoted forms before running the route patterns.
    static MAYBE: LazyLock<crate::rx::Literals> = LazyLock::new(|| {
        crate::rx::Literals::new([
            "health",
            "livez",
            "readyz",
            "liveness",
            "readiness",
            "heartbeat",
            "/ping",
            "/status",
            "/ready",
            "/live",
            "/alive",
            "\"ping",
            "'ping",
            "\"status",
            "'status",
            "\"ready",
            "'ready",
            "\"live",
            "'live",
        ])
    });
    let lower_has = MAYBE.is_match(c);
    if !lower_has {
        return out;
    }
    for cap in ROUTE_CALL.captures_iter(c) {
        let (Some(all), Some(func)) = (cap.get(0), cap.get(2)) else {
            continue;
        };
        if f.in_string(all.start()) {
            continue; // a route written inside a string (docs, test data)
        }
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
        out.push((all.start(), f.hit(all.start(), what)));
    }
    for r in [&*PREFIX, &*OBJECT_ROUTE, &*WARP] {
        for m in r.find_iter(c) {
            if f.in_string(m.start()) {
                continue;
            }
            out.push((m.start(), f.hit(m.start(), "health route")));
        }
    }
    out
}

impl Analyzer for Observability {
    fn wants(&self, file: &FileMeta) -> bool {
        Lang::of(&file.path).is_some() && code::is_production(file)
    }

    fn visit(&self, f: &CodeFile<'_>) {
        let Some(lang) = f.lang else { return };
        let mut st = State {
            sources: 1,
            ..State::default()
        };
        let routes = health_routes(f);
        readiness(f, &routes, &mut st);
        st.routes = routes.into_iter().map(|(_, h)| h).collect();
        if let Some(at) = f.server_start() {
            st.servers.push(f.hit(at, "HTTP server started"));
        }
        let may = signal_gate(lang).candidates(f.code);
        signals(f, lang, METRICS_AT, &may, &mut st.metrics);
        signals(f, lang, ERROR_TRACKING_AT, &may, &mut st.error_tracking);
        logging(f, lang, &may, &mut st);
        debug_prints(f, lang, &mut st.prints);
        signals(f, lang, DEPENDENCIES_AT, &may, &mut st.dependencies);
        code::lock(&self.state).merge(st);
    }

    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let mut st = code::take(self.state);
        for v in [
            &mut st.routes,
            &mut st.servers,
            &mut st.metrics,
            &mut st.error_tracking,
            &mut st.json_logs,
            &mut st.plain_logs,
            &mut st.prints,
            &mut st.ready_checks,
            &mut st.dependencies,
        ] {
            v.sort();
            v.dedup();
        }
        let serves = code::serves_http(repo, &st.servers);
        let mut out = vec![health_finding(&st, repo)];
        out.push(code::presence(
            "observability.metrics",
            &st.metrics,
            serves,
            "metrics exported",
            "the service serves HTTP but exports no metrics",
            "looked for prom-client, express-prom-bundle, prometheus_client, prometheus-fastapi-instrumentator, django-prometheus, the metrics/prometheus crates, client_golang, expvar, OpenTelemetry, StatsD/Datadog clients",
        ));
        out.push(code::presence(
            "observability.error-tracking",
            &st.error_tracking,
            serves,
            "errors are reported",
            "the service serves HTTP but reports errors to no error tracker",
            "looked for Sentry, Rollbar, Bugsnag, Honeybadger, Airbrake, Raygun, New Relic, Datadog, Elastic APM, AppSignal SDKs",
        ));
        out.push(logging_finding(&st, serves));
        out.extend(prints_findings(&st));
        out.push(readiness_finding(&st, repo));
        out
    }
}

/// (language, matched on `code` (with strings) or `bare`, pattern, what).
type Signal = (Option<Lang>, bool, &'static str, &'static str);

/// A compiled [`Signal`].
type Compiled = (Option<Lang>, bool, Regex, &'static str);

struct Signals(LazyLock<Vec<Compiled>>);

macro_rules! signals {
    ($($s:expr),* $(,)?) => {
        Signals(LazyLock::new(|| {
            let list: Vec<Signal> = vec![$($s),*];
            list.into_iter().map(|(l, c, r, w)| (l, c, re(r), w)).collect()
        }))
    };
}

const JS: Option<Lang> = Some(Lang::Js);
const PY: Option<Lang> = Some(Lang::Python);
const RS: Option<Lang> = Some(Lang::Rust);
const GO: Option<Lang> = Some(Lang::Go);

static METRICS: Signals = signals![
    (
        JS,
        true,
        r#"["'](?:prom-client|express-prom-bundle|express-prometheus-middleware|fastify-metrics|@willsoto/nestjs-prometheus|@opentelemetry/(?:api|sdk-node|sdk-metrics|auto-instrumentations-node)|prometheus-api-metrics|hot-shots|node-statsd|dd-trace)["']"#,
        "metrics library"
    ),
    (
        PY,
        true,
        r#"\b(?:from|import)\s+(?:prometheus_client|prometheus_fastapi_instrumentator|starlette_exporter|starlette_prometheus|django_prometheus|opentelemetry|statsd|datadog|ddtrace|aioprometheus|prometheus_flask_exporter)\b|["']django_prometheus["']"#,
        "metrics library"
    ),
    (
        RS,
        false,
        r"\b(?:metrics_exporter_prometheus|prometheus|opentelemetry|opentelemetry_prometheus|axum_prometheus|actix_web_prom|autometrics)::|\buse\s+metrics\b|\bmetrics::(?:counter|histogram|gauge)!",
        "metrics library"
    ),
    (
        GO,
        true,
        r#""(?:github\.com/prometheus/client_golang/[^"]*|go\.opentelemetry\.io/otel[^"]*|expvar|github\.com/DataDog/datadog-go[^"]*)""#,
        "metrics package"
    ),
];

static ERROR_TRACKING: Signals = signals![
    (
        JS,
        true,
        r#"["'](?:@sentry/[\w-]+|rollbar|@bugsnag/[\w-]+|@honeybadger-io/[\w-]+|@airbrake/[\w-]+|raygun|newrelic|dd-trace|elastic-apm-node|@appsignal/nodejs|@highlight-run/[\w-]+|@datadog/browser-rum)["']"#,
        "error-tracking SDK"
    ),
    (
        PY,
        true,
        r#"\b(?:from|import)\s+(?:sentry_sdk|raven|rollbar|bugsnag|honeybadger|airbrake|newrelic|ddtrace|elasticapm|appsignal|scout_apm)\b|["']elasticapm\.contrib\.django["']"#,
        "error-tracking SDK"
    ),
    (
        RS,
        false,
        r"\bsentry::init\b|\bsentry_tracing\b|\bsentry::|\bbugsnag::|\brollbar::",
        "error-tracking SDK"
    ),
    (
        GO,
        true,
        r#""(?:github\.com/getsentry/sentry-go[^"]*|github\.com/rollbar/rollbar-go|github\.com/bugsnag/bugsnag-go[^"]*|github\.com/honeybadger-io/honeybadger-go|github\.com/airbrake/gobrake[^"]*|github\.com/newrelic/go-agent[^"]*|gopkg\.in/DataDog/dd-trace-go[^"]*|go\.elastic\.co/apm[^"]*)""#,
        "error-tracking SDK"
    ),
];

static JSON_LOGS: Signals = signals![
    (
        JS,
        true,
        r#"["'](?:pino|pino-http|nestjs-pino|express-pino-logger|bunyan|roarr|@elastic/ecs-pino-format|@elastic/ecs-winston-format)["']"#,
        "JSON logger"
    ),
    (
        JS,
        false,
        r"\bformat\.json\s*\(|\bfastify\s*\(\s*\{[^}]*\blogger\s*:\s*(?:true|\{)",
        "JSON log format"
    ),
    (
        PY,
        false,
        r"\bJSONRenderer\s*\(|\bpythonjsonlogger\b|\bjsonlogger\.JsonFormatter\b|\bjson_log_formatter\b|\becs_logging\b|\bJsonFormatter\b|\bserialize\s*=\s*True\b",
        "JSON log format"
    ),
    (
        RS,
        false,
        r"\btracing_subscriber::fmt\s*\(\s*\)[\s\S]{0,400}?\.json\s*\(\s*\)|\bfmt::layer\s*\(\s*\)[\s\S]{0,400}?\.json\s*\(\s*\)|\b(?:tracing_bunyan_formatter|slog_json|json_subscriber|tracing_stackdriver)\b",
        "JSON log format"
    ),
    (
        GO,
        true,
        r#""(?:go\.uber\.org/zap|github\.com/rs/zerolog[^"]*)"|\bslog\.NewJSONHandler\b|\bJSONFormatter\b"#,
        "JSON logger"
    ),
];

static PLAIN_LOGS: Signals = signals![
    (
        JS,
        true,
        r#"["'](?:winston|morgan|log4js|loglevel|debug)["']"#,
        "text logger"
    ),
    (
        PY,
        false,
        r"\bimport\s+structlog\b|\blogging\.(?:basicConfig|getLogger|config\.dictConfig)\b|\bfrom\s+loguru\b",
        "text logger"
    ),
    (
        RS,
        false,
        r"\btracing_subscriber::|\benv_logger::|\bsimple_logger::",
        "text logger"
    ),
    (
        GO,
        true,
        r#"\bslog\.NewTextHandler\b|"github\.com/sirupsen/logrus"|"log"|zap\.NewDevelopment"#,
        "text logger"
    ),
];

static DEPENDENCIES: Signals = signals![
    (
        JS,
        true,
        r#"["'](?:pg|mysql2?|mongodb|mongoose|redis|ioredis|@prisma/client|typeorm|sequelize|knex|better-sqlite3|drizzle-orm|@mikro-orm/core|postgres)["']"#,
        "database/cache client"
    ),
    (
        PY,
        false,
        r"\b(?:from|import)\s+(?:sqlalchemy|psycopg2?|asyncpg|pymysql|MySQLdb|pymongo|motor|redis|aioredis|django\.db|tortoise|peewee|databases|sqlmodel)\b",
        "database/cache client"
    ),
    (
        RS,
        false,
        r"\b(?:sqlx|diesel|sea_orm|redis|deadpool_postgres|deadpool_redis|tokio_postgres|mongodb|bb8|r2d2)::",
        "database/cache client"
    ),
    (
        GO,
        true,
        r#""(?:database/sql|github\.com/jackc/pgx[^"]*|gorm\.io/gorm|github\.com/redis/go-redis[^"]*|github\.com/go-redis/redis[^"]*|go\.mongodb\.org/mongo-driver[^"]*|github\.com/jmoiron/sqlx)""#,
        "database/cache client"
    ),
];

/// Every signal list, in the order of the `*_AT` indices.
static ALL_SIGNALS: [&Signals; 5] = [
    &METRICS,
    &ERROR_TRACKING,
    &JSON_LOGS,
    &PLAIN_LOGS,
    &DEPENDENCIES,
];
const METRICS_AT: usize = 0;
const ERROR_TRACKING_AT: usize = 1;
const JSON_LOGS_AT: usize = 2;
const PLAIN_LOGS_AT: usize = 3;
const DEPENDENCIES_AT: usize = 4;

/// One search per file tells which signals of every list may match (see [`crate::rx::Gate`]).
fn signal_gate(lang: Lang) -> &'static crate::rx::Gate {
    static G: std::sync::OnceLock<Vec<crate::rx::Gate>> = std::sync::OnceLock::new();
    &G.get_or_init(|| {
        let all: Vec<(Option<Lang>, &str)> = ALL_SIGNALS
            .iter()
            .flat_map(|s| s.0.iter())
            .map(|(l, _, r, _)| (*l, r.as_str()))
            .collect();
        code::lang_gates(&all)
    })[lang as usize]
}

/// Runs list `at` of [`ALL_SIGNALS`] on a file; `may` is the file's [`signal_gate`] verdict.
fn signals(f: &CodeFile<'_>, lang: Lang, at: usize, may: &[bool], out: &mut Vec<Hit>) {
    let base: usize = ALL_SIGNALS[..at].iter().map(|s| s.0.len()).sum();
    for (i, (l, on_code, r, what)) in ALL_SIGNALS[at].0.iter().enumerate() {
        if l.is_some_and(|l| l != lang) || !may[base + i] {
            continue;
        }
        let text = if *on_code { f.code } else { f.bare };
        if let Some(m) = r.find(text) {
            let what = if *on_code {
                format!(
                    "{what} {}",
                    m.as_str()
                        .trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace())
                )
            } else {
                what.to_string()
            };
            out.push(f.hit(m.start(), what));
        }
    }
}

fn logging(f: &CodeFile<'_>, lang: Lang, may: &[bool], st: &mut State) {
    let mut json = Vec::new();
    signals(f, lang, JSON_LOGS_AT, may, &mut json);
    // zerolog's ConsoleWriter is human text
    if lang == Lang::Go && f.code.contains("zerolog.ConsoleWriter") {
        json.retain(|h| !h.what.contains("zerolog"));
    }
    if json.is_empty() {
        signals(f, lang, PLAIN_LOGS_AT, may, &mut st.plain_logs);
    }
    st.json_logs.extend(json);
}

fn logging_finding(st: &State, serves: bool) -> Finding {
    let check = Catalog::builtin().check("observability.structured-logging");
    if let Some(first) = st.json_logs.first() {
        let mut f = Finding::new(
            check,
            Outcome::Pass,
            format!("logs are JSON: {} ({})", first.what, first.locator()),
        );
        f.evidence = st.json_logs.iter().take(5).map(Hit::evidence).collect();
        return f;
    }
    if let Some(first) = st.plain_logs.first() {
        let mut f = Finding::new(
            check,
            Outcome::Warn,
            format!(
                "logs are plain text: {} ({}) is not configured for JSON output",
                first.what,
                first.locator()
            ),
        );
        f.evidence = st.plain_logs.iter().take(5).map(Hit::evidence).collect();
        return f;
    }
    if !serves {
        return code::no_http_service(check);
    }
    Finding::new(
        check,
        Outcome::Fail,
        "the service serves HTTP but configures no logger (output is console/print text at best)",
    )
    .with_evidence(Evidence::note(
        "looked for pino, winston format.json, bunyan, structlog JSONRenderer, python-json-logger, tracing-subscriber .json(), zap, zerolog, slog JSONHandler, logrus JSONFormatter",
    ))
}

// ---------------------------------------------------------------------------------------------
// console.log / print() debugging

static JS_PRINT: LazyLock<Regex> =
    LazyLock::new(|| re(r"\bconsole\s*\.\s*(?:log|debug|trace|dir)\s*\("));
static PY_PRINT: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^|[^\w.])print\s*\("));
static RS_DBG: LazyLock<Regex> = LazyLock::new(|| re(r"\bdbg!\s*\("));
static CLI_MARKERS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"\b(?:import\s+(?:argparse|click|typer|fire)\b|from\s+(?:argparse|click|typer)\s+import\b)|["'](?:commander|yargs|k6(?:/[\w/]+)?|meow|cac)["']|\bfrom\s+locust\b"#,
    )
});

/// Scripts, command-line tools, build configuration and migrations, where printing is the job.
fn is_script_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = crate::paths::file_name(&lower);
    lower.split('/').any(|c| {
        matches!(
            c,
            "scripts"
                | "script"
                | "bin"
                | "cli"
                | "cmd"
                | "tools"
                | "migrations"
                | "seeds"
                | "seed"
                | "bench"
                | "benches"
                | "benchmarks"
                | "load"
                | "loadtest"
                | "perf"
                | "k6"
                | "management"
        )
    }) || matches!(
        name,
        "manage.py"
            | "setup.py"
            | "noxfile.py"
            | "fabfile.py"
            | "__main__.py"
            | "cli.py"
            | "locustfile.py"
            | "build.rs"
    ) || name.contains(".config.")
        || name.starts_with("gulpfile")
        || name.starts_with("gruntfile")
}

fn debug_prints(f: &CodeFile<'_>, lang: Lang, out: &mut Vec<Hit>) {
    if is_script_path(f.path()) || f.text.starts_with("#!") {
        return;
    }
    let re: &Regex = match lang {
        Lang::Js => &JS_PRINT,
        Lang::Python => &PY_PRINT,
        Lang::Rust => &RS_DBG,
        Lang::Go => return,
    };
    let gate = match lang {
        Lang::Js => "console",
        Lang::Python => "print",
        _ => "dbg!",
    };
    if !f.bare.contains(gate) || CLI_MARKERS.is_match(f.code) {
        return;
    }
    for m in re.find_iter(f.bare).take(20) {
        let at = m.start() + m.as_str().find(|c: char| c.is_alphabetic()).unwrap_or(0);
        let what = match lang {
            Lang::Js => "console output",
            Lang::Python => "print()",
            _ => "dbg!()",
        };
        out.push(f.hit(at, what));
    }
}

/// At most this many findings for debug output; the rest are counted in one more.
const MAX_PRINT_FINDINGS: usize = 50;

fn prints_findings(st: &State) -> Vec<Finding> {
    let check = Catalog::builtin().check("observability.debug-prints");
    if st.prints.is_empty() {
        if st.sources == 0 {
            return vec![Finding::new(
                check,
                Outcome::NotApplicable,
                "no production JavaScript/TypeScript, Python or Rust source",
            )];
        }
        return vec![Finding::new(
            check,
            Outcome::Pass,
            format!(
                "no console.log/print()/dbg!() in {} production source file(s) (tests, scripts and CLIs excluded)",
                st.sources
            ),
        )];
    }
    let mut out: Vec<Finding> = st
        .prints
        .iter()
        .take(MAX_PRINT_FINDINGS)
        .map(|h| {
            Finding::new(
                check,
                Outcome::Fail,
                format!(
                    "{} in production code ({}): use the logger",
                    h.what,
                    h.locator()
                ),
            )
            .with_evidence(h.evidence())
        })
        .collect();
    if st.prints.len() > MAX_PRINT_FINDINGS {
        out.push(Finding::new(
            check,
            Outcome::Fail,
            format!(
                "… and {} more debug output call(s) not listed",
                st.prints.len() - MAX_PRINT_FINDINGS
            ),
        ));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Readiness that checks a dependency

/// A dependency check inside a health handler.
static DEP_CALL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\bselect\s+1\b|\.\s*(?:query|execute|exec|ping|ping_check|pingcheck|raw|acquire|get_conn|getconnection|connect|command|isready|health_check|checkhealth|authenticate|begin)\s*[(!]|\bPingContext\b|\$queryRaw|\bsqlx::query|\bHealthIndicator\b|\bpingCheck\b|\bredis\b|\bdb\s*\.\s*\w+\s*\(|\bdatabase\s*\.\s*\w+\s*\(|\bprisma\s*\.\s*\$|\bcursor\s*\("#,
    )
});
/// A handler function named like a health check.
static HEALTH_FN: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:def|function|func|fn)\s+(?:\([^)]*\)\s*)?(\w*(?:health|ready|readiness|readyz|livez|liveness)\w*)\s*[(<]",
    )
});

/// The start of the next route, decorator or function definition.
static NEXT_DEF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\n[ \t]*(?:@\w+(?:\.\w+)*\s*\(|(?:\w+\s*\.\s*)+(?:get|post|put|patch|delete|route|all|use|GET|POST|PUT|DELETE|Get|Post|Put|Delete|HandleFunc|Handle)\s*\(|#\[(?:get|post|put|delete|patch|route)\b|(?:async\s+)?def\s|func\s|(?:pub\s+)?(?:async\s+)?fn\s|export\s|(?:async\s+)?function\s|\.route\s*\()",
    )
});

/// The handler text after a route or health function: up to the next route or definition,
/// 40 lines or 3 KiB.
fn window(code: &str, start: usize, stop: usize) -> &str {
    window_with(code, start, stop, true)
}

/// [`window`], optionally without cutting at the next definition (a NestJS controller's
/// handlers are methods of the class after `@Controller`).
fn window_with(code: &str, start: usize, stop: usize, cut: bool) -> &str {
    let mut end = stop.min(code.len()).min(start + 3072);
    while end > start && !code.is_char_boundary(end) {
        end -= 1;
    }
    let mut text = &code[start..end];
    if let Some((i, _)) = text.match_indices('\n').nth(40) {
        text = &text[..i];
    }
    if !cut {
        return text;
    }
    // the route's own line(s) and decorators stay; cut at the next definition after them
    let first_nl = text.find('\n').unwrap_or(text.len());
    let mut from = first_nl;
    // skip the decorated function's own `def`/`fn` line right after a decorator
    let rest = &text[from..];
    let trimmed = rest.trim_start_matches(['\n', ' ', '\t']);
    if trimmed.starts_with("def ")
        || trimmed.starts_with("async def ")
        || trimmed.starts_with("fn ")
        || trimmed.starts_with("async fn ")
        || trimmed.starts_with("pub async fn ")
        || trimmed.starts_with("pub fn ")
        || trimmed.starts_with('@')
    {
        // decorators stack (`@app.get` then `@limiter.limit`): skip them and the def line
        let mut k = from;
        loop {
            let line_end = text[k + 1..].find('\n').map_or(text.len(), |i| k + 1 + i);
            let line = text[k..line_end].trim();
            k = line_end;
            if !line.starts_with('@') || k >= text.len() {
                break;
            }
        }
        from = k;
    }
    match NEXT_DEF.find(&text[from.min(text.len())..]) {
        Some(m) => &text[..from + m.start()],
        None => text,
    }
}

fn readiness(f: &CodeFile<'_>, routes: &[(usize, Hit)], st: &mut State) {
    let c = f.code;
    let mut starts: Vec<usize> = routes.iter().map(|(o, _)| *o).collect();
    starts.sort_unstable();
    for (i, (at, hit)) in routes.iter().enumerate() {
        let next = starts.iter().copied().find(|s| s > at).unwrap_or(c.len());
        let _ = i;
        let w = window_with(c, *at, next, hit.what != "NestJS health controller");
        if let Some(m) = DEP_CALL.find(w) {
            let mut h = f.hit(at + m.start(), format!("{} checks a dependency", hit.what));
            h.what = format!(
                "{} at {} checks `{}`",
                hit.what,
                hit.locator(),
                m.as_str().trim()
            );
            st.ready_checks.push(h);
        }
    }
    static NAMED: LazyLock<crate::rx::Literals> = LazyLock::new(|| {
        crate::rx::Literals::new([
            "ealth", "EALTH", "eady", "EADY", "ivez", "IVEZ", "iveness", "IVENESS",
        ])
    });
    let named = NAMED.is_match(c);
    if !named {
        return;
    }
    for cap in HEALTH_FN.captures_iter(c) {
        let (Some(all), Some(name)) = (cap.get(0), cap.get(1)) else {
            continue;
        };
        let w = window(c, all.start(), c.len());
        // stop at the next function definition
        let body_end = w[all.len()..]
            .find("\ndef ")
            .or_else(|| w[all.len()..].find("\nfunc "))
            .or_else(|| w[all.len()..].find("\nfn "))
            .or_else(|| w[all.len()..].find("\nasync def "))
            .or_else(|| w[all.len()..].find("\nexport "))
            .map_or(w.len(), |i| all.len() + i);
        let body = &w[..body_end];
        if let Some(m) = DEP_CALL.find(body) {
            st.ready_checks.push(f.hit(
                all.start() + m.start(),
                format!("`{}` checks `{}`", name.as_str(), m.as_str().trim()),
            ));
        }
    }
}

fn readiness_finding(st: &State, repo: &Repo) -> Finding {
    let check = Catalog::builtin().check("observability.readiness-dependency");
    const DB_FRAMEWORKS: &[&str] = &[
        "prisma",
        "typeorm",
        "knex",
        "sqlalchemy",
        "alembic",
        "django",
        "sqlx",
        "diesel",
        "golang-migrate",
    ];
    let uses_dependency =
        !st.dependencies.is_empty() || DB_FRAMEWORKS.iter().any(|f| repo.has_framework(f));
    if !uses_dependency {
        return Finding::new(
            check,
            Outcome::NotApplicable,
            "the code uses no database or cache client: a static readiness answer is enough",
        );
    }
    if let Some(first) = st.ready_checks.first() {
        let mut f = Finding::new(check, Outcome::Pass, first.what.clone());
        f.evidence = st.ready_checks.iter().take(5).map(Hit::evidence).collect();
        return f;
    }
    if st.routes.is_empty() {
        return Finding::new(
            check,
            Outcome::NotApplicable,
            "no health route to check (see observability.health-route)",
        );
    }
    let mut f = Finding::new(
        check,
        Outcome::Fail,
        format!(
            "the health route{} answer{} without checking the database or cache the service uses ({})",
            if st.routes.len() == 1 { "" } else { "s" },
            if st.routes.len() == 1 { "s" } else { "" },
            st.dependencies.first().map_or_else(
                || "see the detected stack".to_string(),
                |d| format!("{} at {}", d.what, d.locator())
            )
        ),
    );
    f.evidence = st.routes.iter().take(5).map(Hit::evidence).collect();
    f
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
