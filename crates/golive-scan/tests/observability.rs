//! observability domain: a health route in the code (and, below, the issue-3 observability checks).

use golive_core::Outcome;

mod support;
use support::code::*;

const HEALTH: &str = "observability.health-route";

#[test]
fn express_health_route_passes_with_line() {
    let fs = findings(&fixture("health/express"));
    assert_eq!(outcome(&fs, HEALTH), Outcome::Pass);
    assert_eq!(loc(of(&fs, HEALTH)[0]), "src/server.js:6");
}

#[test]
fn express_without_route_fails_client_calls_and_comments_ignored() {
    let fs = findings(&fixture("health/express-missing"));
    assert_eq!(
        outcome(&fs, HEALTH),
        Outcome::Fail,
        "{:#?}",
        of(&fs, HEALTH)
    );
    assert!(of(&fs, HEALTH)[0].message.contains("express"));
}

#[test]
fn django_nest_axum_routes_pass() {
    for (fx, want) in [
        ("health/django", "shop/urls.py:6"),
        ("health/nestjs", "src/health/health.controller.ts:3"),
        ("health/axum", "src/main.rs:10"),
    ] {
        let fs = findings(&fixture(fx));
        assert_eq!(outcome(&fs, HEALTH), Outcome::Pass, "{fx}");
        assert_eq!(loc(of(&fs, HEALTH)[0]), want, "{fx}");
    }
}

#[test]
fn go_server_without_route_fails() {
    let fs = findings(&fixture("health/go-missing"));
    assert_eq!(outcome(&fs, HEALTH), Outcome::Fail);
    assert!(
        of(&fs, HEALTH)[0].message.contains("main.go:13"),
        "{:?}",
        of(&fs, HEALTH)
    );
}

#[test]
fn library_is_not_applicable() {
    let fs = findings(&fixture("health/rust-lib"));
    assert_eq!(outcome(&fs, HEALTH), Outcome::NotApplicable);
}

#[test]
fn framework_variants() {
    for (path, src, want) in [
        (
            "main.py",
            "@app.get(\"/healthz\")\nasync def healthz():\n    return {\"ok\": True}\n",
            Outcome::Pass,
        ),
        (
            "main.py",
            "router = APIRouter(prefix=\"/health\")\n",
            Outcome::Pass,
        ),
        (
            "app.py",
            "@app.route(\"/api/health\")\ndef h():\n    return 'ok'\n",
            Outcome::Pass,
        ),
        (
            "app.py",
            "app.add_url_rule('/ping', view_func=ping)\n",
            Outcome::Pass,
        ),
        (
            "urls.py",
            "urlpatterns = [re_path(r\"^healthz/?$\", views.h)]\n",
            Outcome::Pass,
        ),
        (
            "app.py",
            "status = data.get(\"status\")\nuvicorn.run(app)\n",
            Outcome::Fail,
        ),
        (
            "src/server.ts",
            "fastify.route({ method: 'GET', url: '/health/ready', handler })\napp.listen(3000)\n",
            Outcome::Pass,
        ),
        (
            "src/api.ts",
            "export const health = api({ expose: true, method: \"GET\", path: \"/health\" }, async () => ({ ok: true }));\n",
            Outcome::Pass,
        ),
        (
            "src/ping.ts",
            "router.get('/readyz', ready);\n",
            Outcome::Pass,
        ),
        (
            "src/h.rs",
            "#[get(\"/health\")]\nasync fn health() -> impl Responder { \"ok\" }\n",
            Outcome::Pass,
        ),
        (
            "src/h.rs",
            "App::new().service(web::resource(\"/healthz\").to(h))\n",
            Outcome::Pass,
        ),
        (
            "src/h.rs",
            "let h = warp::path(\"health\").map(|| \"ok\");\n",
            Outcome::Pass,
        ),
        (
            "main.go",
            "mux.HandleFunc(\"GET /healthz\", healthz)\n",
            Outcome::Pass,
        ),
        (
            "main.go",
            "r.GET(\"/ping\", func(c *gin.Context) {})\n",
            Outcome::Pass,
        ),
        ("main.go", "r.Get(\"/livez\", live)\n", Outcome::Pass),
        (
            "app/api/health/route.ts",
            "export async function GET() { return Response.json({ ok: true }) }\n",
            Outcome::Pass,
        ),
        (
            "src/lib.rs",
            "const EXAMPLE: &str = \"app.get('/health', h)\";\nfn main() { axum::serve(l, app); }\n",
            Outcome::Fail,
        ),
        (
            "main.go",
            "resp, _ := http.Get(\"http://x/health\")\nhttp.ListenAndServe(\":80\", nil)\n",
            Outcome::Fail,
        ),
    ] {
        let (o, f) = check(&[(path, src)], HEALTH);
        assert_eq!(o, want, "{path}: {src}\n{f:#?}");
    }
}

#[test]
fn route_only_in_tests_does_not_count() {
    let (o, _) = check(
        &[
            ("requirements.txt", "flask\n"),
            ("app.py", "app = Flask(__name__)\n"),
            (
                "tests/test_health.py",
                "@app.route('/health')\ndef h():\n    pass\n",
            ),
        ],
        HEALTH,
    );
    assert_eq!(o, Outcome::Fail);
}

// ---------------------------------------------------------------------------------------------
// issue 3: metrics, error tracking, structured logs, debug prints, readiness

const METRICS: &str = "observability.metrics";
const ERRORS: &str = "observability.error-tracking";
const LOGS: &str = "observability.structured-logging";
const PRINTS: &str = "observability.debug-prints";
const READY: &str = "observability.readiness-dependency";

#[test]
fn instrumented_service_passes() {
    let fs = findings(&fixture("observability/node-instrumented"));
    for id in [METRICS, ERRORS, LOGS, PRINTS, READY] {
        assert_eq!(outcome(&fs, id), Outcome::Pass, "{id}: {:#?}", of(&fs, id));
    }
    assert_eq!(loc(of(&fs, READY)[0]), "src/server.js:17");
    assert_eq!(loc(of(&fs, METRICS)[0]), "src/server.js:4");
}

#[test]
fn bare_service_fails() {
    let fs = findings(&fixture("observability/node-bare"));
    assert_eq!(outcome(&fs, METRICS), Outcome::Fail);
    assert_eq!(outcome(&fs, ERRORS), Outcome::Fail);
    assert_eq!(
        outcome(&fs, LOGS),
        Outcome::Warn,
        "winston without format.json"
    );
    assert_eq!(outcome(&fs, PRINTS), Outcome::Fail);
    assert_eq!(loc(of(&fs, PRINTS)[0]), "src/server.js:14");
    assert_eq!(
        outcome(&fs, READY),
        Outcome::Fail,
        "static /health while pg is used"
    );
    assert_eq!(loc(of(&fs, READY)[0]), "src/server.js:9");
}

#[test]
fn library_is_not_applicable_for_service_checks() {
    let fs = findings(&fixture("health/rust-lib"));
    for id in [METRICS, ERRORS, LOGS, READY] {
        assert_eq!(outcome(&fs, id), Outcome::NotApplicable, "{id}");
    }
    // debug prints apply to any production source: none here
    assert_eq!(outcome(&fs, PRINTS), Outcome::Pass);
    let fs = findings(&fixture("tests/no-stack"));
    assert_eq!(outcome(&fs, PRINTS), Outcome::NotApplicable);
}

const FASTAPI: (&str, &str) = ("requirements.txt", "fastapi\n");
const AXUM: (&str, &str) = (
    "Cargo.toml",
    "[package]\nname = \"x\"\n\n[dependencies]\naxum = \"0.7\"\n",
);
const GO: (&str, &str) = (
    "go.mod",
    "module x\n\nrequire github.com/go-chi/chi/v5 v5.0.12\n",
);
const EXPRESS: (&str, &str) = ("package.json", "{\"dependencies\":{\"express\":\"4\"}}\n");

fn one(m: (&str, &str), path: &str, src: &str, id: &str) -> Outcome {
    check(&[m, (path, src)], id).0
}

#[test]
fn metrics_and_error_tracking_per_stack() {
    for (m, path, src, id, want) in [
        (
            FASTAPI,
            "app/main.py",
            "from prometheus_client import Counter\n",
            METRICS,
            Outcome::Pass,
        ),
        (
            FASTAPI,
            "app/main.py",
            "import sentry_sdk\nsentry_sdk.init(dsn=DSN)\n",
            ERRORS,
            Outcome::Pass,
        ),
        (
            FASTAPI,
            "app/main.py",
            "# import sentry_sdk\n",
            ERRORS,
            Outcome::Fail,
        ),
        (
            AXUM,
            "src/main.rs",
            "use metrics_exporter_prometheus::PrometheusBuilder;\n",
            METRICS,
            Outcome::Pass,
        ),
        (
            AXUM,
            "src/main.rs",
            "let _guard = sentry::init(sentry::ClientOptions::default());\n",
            ERRORS,
            Outcome::Pass,
        ),
        (
            GO,
            "main.go",
            "import \"github.com/prometheus/client_golang/prometheus/promhttp\"\n",
            METRICS,
            Outcome::Pass,
        ),
        (
            GO,
            "main.go",
            "import \"github.com/getsentry/sentry-go\"\n",
            ERRORS,
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/otel.ts",
            "import { NodeSDK } from '@opentelemetry/sdk-node';\n",
            METRICS,
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/app.js",
            "app.listen(3000);\n",
            METRICS,
            Outcome::Fail,
        ),
    ] {
        assert_eq!(one(m, path, src, id), want, "{id} {path}: {src}");
    }
}

#[test]
fn structured_logging_per_stack() {
    for (m, path, src, want) in [
        (
            FASTAPI,
            "app/log.py",
            "import structlog\nstructlog.configure(processors=[structlog.processors.JSONRenderer()])\n",
            Outcome::Pass,
        ),
        (
            FASTAPI,
            "app/log.py",
            "import structlog\nstructlog.configure(processors=[structlog.dev.ConsoleRenderer()])\n",
            Outcome::Warn,
        ),
        (
            FASTAPI,
            "app/log.py",
            "from pythonjsonlogger import jsonlogger\nh.setFormatter(jsonlogger.JsonFormatter())\n",
            Outcome::Pass,
        ),
        (
            AXUM,
            "src/main.rs",
            "tracing_subscriber::fmt()\n    .with_env_filter(filter)\n    .json()\n    .init();\n",
            Outcome::Pass,
        ),
        (
            AXUM,
            "src/main.rs",
            "tracing_subscriber::fmt().init();\n",
            Outcome::Warn,
        ),
        (
            GO,
            "main.go",
            "logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))\n",
            Outcome::Pass,
        ),
        (
            GO,
            "main.go",
            "logger := slog.New(slog.NewTextHandler(os.Stdout, nil))\n",
            Outcome::Warn,
        ),
        (
            GO,
            "main.go",
            "import \"github.com/rs/zerolog\"\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/log.js",
            "const logger = winston.createLogger({ format: winston.format.json() });\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/app.js",
            "const pino = require('pino');\n",
            Outcome::Pass,
        ),
        (EXPRESS, "src/app.js", "app.listen(3000);\n", Outcome::Fail),
    ] {
        let (o, f) = check(&[m, (path, src)], LOGS);
        assert_eq!(o, want, "{path}: {src}\n{f:#?}");
    }
}

#[test]
fn debug_prints_skip_tests_scripts_and_clis() {
    for (path, src, want) in [
        (
            "app/service.py",
            "def f():\n    print(\"debug\", x)\n",
            Outcome::Fail,
        ),
        (
            "app/service.py",
            "logger.info(\"print(x)\")\n# print(x)\nfootprint(x)\n",
            Outcome::Pass,
        ),
        (
            "tests/test_service.py",
            "print(1)\n",
            Outcome::NotApplicable,
        ),
        ("scripts/migrate_data.py", "print('done')\n", Outcome::Pass),
        ("app/cli.py", "print('usage')\n", Outcome::Pass),
        (
            "app/tool.py",
            "import argparse\nprint('usage')\n",
            Outcome::Pass,
        ),
        (
            "src/handler.ts",
            "console.log('user', user);\n",
            Outcome::Fail,
        ),
        (
            "src/handler.ts",
            "console.error('failed', err);\n",
            Outcome::Pass,
        ),
        (
            "src/handler.test.ts",
            "console.log('x');\n",
            Outcome::NotApplicable,
        ),
        (
            "vite.config.ts",
            "console.log('building');\n",
            Outcome::Pass,
        ),
        (
            "src/lib.rs",
            "pub fn f(x: u8) -> u8 { dbg!(x) }\n",
            Outcome::Fail,
        ),
    ] {
        let (o, f) = check(&[(path, src)], PRINTS);
        assert_eq!(o, want, "{path}: {src}\n{f:#?}");
    }
}

#[test]
fn readiness_per_stack() {
    for (m, path, src, want) in [
        (
            FASTAPI,
            "app/main.py",
            "from sqlalchemy import text\n@app.get(\"/readyz\")\ndef readyz(db=Depends(get_db)):\n    db.execute(text(\"SELECT 1\"))\n    return {}\n",
            Outcome::Pass,
        ),
        (
            FASTAPI,
            "app/main.py",
            "from sqlalchemy import text\n@app.get(\"/health\")\ndef health():\n    return {\"ok\": True}\n\n@app.get(\"/items\")\ndef items(db=Depends(get_db)):\n    return db.execute(text(\"SELECT * FROM items\")).all()\n",
            Outcome::Fail,
        ),
        (
            GO,
            "main.go",
            "import \"database/sql\"\n\nfunc readyz(w http.ResponseWriter, r *http.Request) {\n\tif err := db.PingContext(r.Context()); err != nil {\n\t\tw.WriteHeader(503)\n\t}\n}\n",
            Outcome::Pass,
        ),
        (
            AXUM,
            "src/main.rs",
            "use sqlx::PgPool;\nasync fn health(State(pool): State<PgPool>) -> StatusCode {\n    match sqlx::query(\"SELECT 1\").execute(&pool).await { Ok(_) => StatusCode::OK, Err(_) => StatusCode::SERVICE_UNAVAILABLE }\n}\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/health.controller.ts",
            "import { TypeOrmHealthIndicator } from '@nestjs/terminus';\nimport { Pool } from 'pg';\n@Controller('health')\nexport class HealthController {\n  constructor(private health: HealthCheckService, private db: TypeOrmHealthIndicator) {}\n\n  @Get()\n  check() {\n    return this.health.check([() => this.db.pingCheck('database')]);\n  }\n}\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/app.js",
            "app.get('/health', (req, res) => res.send('ok'));\n",
            Outcome::NotApplicable,
        ),
        (
            EXPRESS,
            "src/app.js",
            "const redis = require('ioredis');\napp.get('/health', (req, res) => res.send('ok'));\n",
            Outcome::Fail,
        ),
    ] {
        let (o, f) = check(&[m, (path, src)], READY);
        assert_eq!(o, want, "{path}: {src}\n{f:#?}");
    }
}
