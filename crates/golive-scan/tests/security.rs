//! security domain: CORS open to any origin (and, below, the issue-3 security checks).

use golive_core::Outcome;

mod support;
use support::code::*;

const CORS: &str = "security.cors-wildcard";

#[test]
fn django_allow_all_fails_with_line() {
    let fs = findings(&fixture("cors/django-open"));
    assert_eq!(outcome(&fs, CORS), Outcome::Fail);
    let f = of(&fs, CORS)[0];
    assert_eq!(loc(f), "shop/settings.py:10", "{f:#?}");
    assert!(
        f.message.contains("CORS_ALLOW_ALL_ORIGINS"),
        "{}",
        f.message
    );
}

#[test]
fn django_allowed_list_passes_and_commented_line_ignored() {
    let fs = findings(&fixture("cors/django-restricted"));
    assert_eq!(outcome(&fs, CORS), Outcome::Pass, "{fs:#?}");
}

#[test]
fn django_legacy_setting_and_star_list() {
    let (o, f) = check(&[("settings.py", "CORS_ORIGIN_ALLOW_ALL = True\n")], CORS);
    assert_eq!(o, Outcome::Fail);
    assert_eq!(loc(&f[0]), "settings.py:1");
    let (o, _) = check(
        &[("settings.py", "CORS_ALLOWED_ORIGIN_REGEXES = [r\".*\"]\n")],
        CORS,
    );
    assert_eq!(o, Outcome::Fail);
    let (o, _) = check(&[("settings.py", "CORS_ALLOW_ALL_ORIGINS = False\n")], CORS);
    assert_eq!(o, Outcome::Pass);
}

#[test]
fn fastapi_star_with_credentials_fails() {
    let fs = findings(&fixture("cors/fastapi-open"));
    assert_eq!(outcome(&fs, CORS), Outcome::Fail);
    let f = of(&fs, CORS)[0];
    assert_eq!(loc(f), "app/main.py:7");
    assert!(f.message.contains("allow_credentials"), "{}", f.message);
}

#[test]
fn fastapi_origins_from_config_passes() {
    let fs = findings(&fixture("cors/fastapi-restricted"));
    assert_eq!(outcome(&fs, CORS), Outcome::Pass);
}

#[test]
fn fastapi_star_through_a_variable_and_regex() {
    let src = "from starlette.middleware import Middleware\nfrom starlette.middleware.cors import CORSMiddleware\nORIGINS = [\"*\"]\nmiddleware = [Middleware(CORSMiddleware, allow_origins=ORIGINS)]\n";
    let (o, f) = check(&[("app.py", src)], CORS);
    assert_eq!(o, Outcome::Fail);
    assert_eq!(loc(&f[0]), "app.py:4");
    let src = "app.add_middleware(CORSMiddleware, allow_origin_regex=\".*\")\n";
    assert_eq!(check(&[("app.py", src)], CORS).0, Outcome::Fail);
    // the import alone is no set-up
    let src = "from fastapi.middleware.cors import CORSMiddleware\n";
    assert_eq!(check(&[("app.py", src)], CORS).0, Outcome::NotApplicable);
}

#[test]
fn flask_cors_default_fails_and_origins_pass() {
    let fs = findings(&fixture("cors/flask-open"));
    assert_eq!(outcome(&fs, CORS), Outcome::Fail);
    assert_eq!(loc(of(&fs, CORS)[0]), "app.py:5");
    let src = "from flask_cors import CORS\nCORS(app, origins=[\"https://a.example.com\"])\n";
    assert_eq!(check(&[("app.py", src)], CORS).0, Outcome::Pass);
    let src =
        "from flask_cors import CORS\nCORS(app, resources={r\"/api/*\": {\"origins\": \"*\"}})\n";
    assert_eq!(check(&[("app.py", src)], CORS).0, Outcome::Fail);
    let src = "from flask_cors import cross_origin\n@cross_origin()\ndef x():\n    pass\n";
    assert_eq!(check(&[("app.py", src)], CORS).0, Outcome::Fail);
}

#[test]
fn express_cors_without_options_fails() {
    let fs = findings(&fixture("cors/express-open"));
    assert_eq!(outcome(&fs, CORS), Outcome::Fail);
    assert_eq!(loc(of(&fs, CORS)[0]), "src/app.js:6");
}

#[test]
fn express_cors_with_origin_list_passes_commented_call_ignored() {
    let fs = findings(&fixture("cors/express-restricted"));
    assert_eq!(outcome(&fs, CORS), Outcome::Pass, "{fs:#?}");
}

#[test]
fn express_and_nest_variants() {
    for (src, want) in [
        (
            "import cors from 'cors';\napp.use(cors({ origin: '*' }));\n",
            Outcome::Fail,
        ),
        (
            "import cors from 'cors';\napp.use(cors({ origin: true, credentials: true }));\n",
            Outcome::Fail,
        ),
        (
            "import cors from 'cors';\napp.use(cors({ credentials: true }));\n",
            Outcome::Fail,
        ),
        (
            "const c = require(\"cors\");\nconst opts = { origin: process.env.ORIGIN };\napp.use(c(opts));\n",
            Outcome::Pass,
        ),
        (
            "const c = require(\"cors\");\nconst opts = { origin: '*' };\napp.use(c(opts));\n",
            Outcome::Fail,
        ),
        (
            "const app = await NestFactory.create(AppModule);\napp.enableCors();\n",
            Outcome::Fail,
        ),
        (
            "const app = await NestFactory.create(AppModule);\napp.enableCors({ origin: ['https://a.example.com'] });\n",
            Outcome::Pass,
        ),
        (
            "const app = await NestFactory.create(AppModule, { cors: true });\n",
            Outcome::Fail,
        ),
        (
            "import cors from '@fastify/cors';\nawait fastify.register(cors);\n",
            Outcome::Fail,
        ),
        (
            "import cors from '@fastify/cors';\nawait fastify.register(cors, { origin: ['https://a.example.com'] });\n",
            Outcome::Pass,
        ),
        (
            "res.setHeader('Access-Control-Allow-Origin', '*');\n",
            Outcome::Fail,
        ),
        (
            "res.setHeader('Access-Control-Allow-Origin', 'https://a.example.com');\n",
            Outcome::Pass,
        ),
        (
            "// res.setHeader('Access-Control-Allow-Origin', '*');\nconst cors = 1;\n",
            Outcome::NotApplicable,
        ),
    ] {
        let (o, f) = check(&[("src/server.ts", src)], CORS);
        assert_eq!(o, want, "{src}\n{f:#?}");
    }
}

#[test]
fn tower_http_permissive_fails() {
    let fs = findings(&fixture("cors/axum-permissive"));
    assert_eq!(outcome(&fs, CORS), Outcome::Fail);
    assert_eq!(loc(of(&fs, CORS)[0]), "src/main.rs:8");
}

#[test]
fn rust_variants() {
    for (src, want) in [
        (
            "let c = CorsLayer::new().allow_origin(Any);\n",
            Outcome::Fail,
        ),
        ("let c = CorsLayer::very_permissive();\n", Outcome::Fail),
        ("let c = Cors::permissive();\n", Outcome::Fail),
        (
            "let c = Cors::default().allow_any_origin();\n",
            Outcome::Fail,
        ),
        (
            "let c = CorsLayer::new().allow_origin(\"https://a.example.com\".parse::<HeaderValue>()?);\n",
            Outcome::Pass,
        ),
        (
            "let c = Cors::default().allowed_origin(\"https://a.example.com\");\n",
            Outcome::Pass,
        ),
        (
            "/* CorsLayer::permissive() */ let c = CorsLayer::new().allow_origin(origins);\n",
            Outcome::Pass,
        ),
    ] {
        let (o, f) = check(&[("src/main.rs", src)], CORS);
        assert_eq!(o, want, "{src}\n{f:#?}");
    }
}

#[test]
fn go_gin_allow_all_fails() {
    let fs = findings(&fixture("cors/go-gin-open"));
    assert_eq!(outcome(&fs, CORS), Outcome::Fail);
    assert_eq!(loc(of(&fs, CORS)[0]), "main.go:11");
}

#[test]
fn go_variants() {
    for (src, want) in [
        (
            "c := cors.New(cors.Options{AllowedOrigins: []string{\"*\"}})\n",
            Outcome::Fail,
        ),
        (
            "c := cors.New(cors.Options{AllowedOrigins: []string{\"https://a.example.com\"}})\n",
            Outcome::Pass,
        ),
        ("handler := cors.Default().Handler(mux)\n", Outcome::Fail),
        ("e.Use(middleware.CORS())\n", Outcome::Fail),
        (
            "e.Use(middleware.CORSWithConfig(middleware.CORSConfig{AllowOrigins: []string{\"https://a.example.com\"}}))\n",
            Outcome::Pass,
        ),
        (
            "w.Header().Set(\"Access-Control-Allow-Origin\", \"*\")\n",
            Outcome::Fail,
        ),
    ] {
        let (o, f) = check(&[("main.go", src)], CORS);
        assert_eq!(o, want, "{src}\n{f:#?}");
    }
}

#[test]
fn no_cors_setup_is_not_applicable() {
    let fs = findings(&fixture("cors/go-none"));
    assert_eq!(outcome(&fs, CORS), Outcome::NotApplicable);
}

#[test]
fn cors_in_tests_is_not_production() {
    let (o, _) = check(
        &[("tests/test_api.py", "CORS_ALLOW_ALL_ORIGINS = True\n")],
        CORS,
    );
    assert_eq!(o, Outcome::NotApplicable);
}

// ---------------------------------------------------------------------------------------------
// issue 3: authentication, rate limiting, security headers, SQL injection

const AUTH: &str = "security.auth";
const RATE: &str = "security.rate-limit";
const HEADERS: &str = "security.headers";
const SQL: &str = "security.sql-injection";

#[test]
fn open_express_api_fails_every_check() {
    let fs = findings(&fixture("security/express-open"));
    for id in [AUTH, RATE, HEADERS, SQL] {
        assert_eq!(outcome(&fs, id), Outcome::Fail, "{id}: {:#?}", of(&fs, id));
    }
    let sql: Vec<String> = of(&fs, SQL).into_iter().map(loc).collect();
    assert_eq!(sql, vec!["src/server.js:9", "src/server.js:14"]);
    assert!(of(&fs, SQL)[0].message.contains("req.params"));
    assert_eq!(of(&fs, SQL)[0].severity, golive_core::Severity::Critical);
}

#[test]
fn hardened_express_api_passes_every_check() {
    let fs = findings(&fixture("security/express-hardened"));
    for id in [AUTH, RATE, HEADERS, SQL] {
        assert_eq!(outcome(&fs, id), Outcome::Pass, "{id}: {:#?}", of(&fs, id));
    }
    assert_eq!(loc(of(&fs, HEADERS)[0]), "src/server.js:2");
    assert_eq!(loc(of(&fs, RATE)[0]), "src/server.js:3");
}

#[test]
fn library_without_http_is_not_applicable() {
    let fs = findings(&fixture("health/rust-lib"));
    for id in [AUTH, RATE, HEADERS, SQL] {
        assert_eq!(outcome(&fs, id), Outcome::NotApplicable, "{id}");
    }
}

/// The outcome of `id` for a one-file service (plus a manifest naming its framework).
fn one(manifest: (&str, &str), path: &str, src: &str, id: &str) -> Outcome {
    check(&[manifest, (path, src)], id).0
}

const FASTAPI: (&str, &str) = ("requirements.txt", "fastapi\nsqlalchemy\n");
const DJANGO: (&str, &str) = ("requirements.txt", "django\n");
const AXUM: (&str, &str) = (
    "Cargo.toml",
    "[package]\nname = \"x\"\n\n[dependencies]\naxum = \"0.7\"\n",
);
const GIN: (&str, &str) = (
    "go.mod",
    "module x\n\nrequire github.com/gin-gonic/gin v1.10.0\n",
);
const EXPRESS: (&str, &str) = ("package.json", "{\"dependencies\":{\"express\":\"4\"}}\n");

#[test]
fn authentication_per_stack() {
    for (m, path, src, want) in [
        (
            FASTAPI,
            "app/deps.py",
            "from fastapi.security import HTTPBearer\nbearer = HTTPBearer()\n",
            Outcome::Pass,
        ),
        (
            FASTAPI,
            "app/main.py",
            "@app.get(\"/me\")\ndef me(user: User = Depends(get_current_user)):\n    return user\n",
            Outcome::Pass,
        ),
        (
            FASTAPI,
            "app/main.py",
            "@app.get(\"/items\")\ndef items(db: Session = Depends(get_db)):\n    return []\n",
            Outcome::Fail,
        ),
        (
            DJANGO,
            "proj/settings.py",
            "REST_FRAMEWORK = {\n    \"DEFAULT_PERMISSION_CLASSES\": [\"rest_framework.permissions.IsAuthenticated\"],\n}\n",
            Outcome::Pass,
        ),
        (
            DJANGO,
            "proj/settings.py",
            "REST_FRAMEWORK = {\n    \"DEFAULT_PERMISSION_CLASSES\": [\"rest_framework.permissions.AllowAny\"],\n}\n",
            Outcome::Fail,
        ),
        (
            DJANGO,
            "shop/views.py",
            "from django.contrib.auth.decorators import login_required\n\n@login_required\ndef orders(request):\n    pass\n",
            Outcome::Pass,
        ),
        (
            AXUM,
            "src/auth.rs",
            "#[async_trait]\nimpl<S: Send + Sync> FromRequestParts<S> for AuthUser {\n    type Rejection = StatusCode;\n}\n",
            Outcome::Pass,
        ),
        (
            AXUM,
            "src/main.rs",
            "let app = Router::new().route(\"/x\", get(x)).layer(ValidateRequestHeaderLayer::bearer(&token));\n",
            Outcome::Pass,
        ),
        (
            AXUM,
            "src/main.rs",
            "let app = Router::new().route(\"/x\", get(x));\n",
            Outcome::Fail,
        ),
        (
            GIN,
            "main.go",
            "func AuthRequired() gin.HandlerFunc {\n\treturn func(c *gin.Context) {}\n}\n",
            Outcome::Pass,
        ),
        (
            GIN,
            "main.go",
            "import \"github.com/golang-jwt/jwt/v5\"\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/app.ts",
            "@Controller('orders')\n@UseGuards(AuthGuard('jwt'))\nexport class OrdersController {}\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/app.js",
            "router.get('/orders', authenticateToken, listOrders);\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/app.js",
            "router.get('/auth/login', login);\n// app.use(requireAuth)\n",
            Outcome::Fail,
        ),
    ] {
        assert_eq!(one(m, path, src, AUTH), want, "{path}: {src}");
    }
}

#[test]
fn rate_limiting_per_stack() {
    for (m, path, src, want) in [
        (
            FASTAPI,
            "app/main.py",
            "from slowapi import Limiter\n",
            Outcome::Pass,
        ),
        (
            DJANGO,
            "shop/views.py",
            "from django_ratelimit.decorators import ratelimit\n",
            Outcome::Pass,
        ),
        (
            DJANGO,
            "proj/settings.py",
            "REST_FRAMEWORK = {\"DEFAULT_THROTTLE_RATES\": {\"anon\": \"100/day\"}}\n",
            Outcome::Pass,
        ),
        (
            AXUM,
            "src/main.rs",
            "use tower_governor::{GovernorLayer, governor::GovernorConfigBuilder};\n",
            Outcome::Pass,
        ),
        (
            GIN,
            "main.go",
            "import \"golang.org/x/time/rate\"\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/app.ts",
            "import { ThrottlerModule } from '@nestjs/throttler';\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "k8s/ingress.yaml",
            "metadata:\n  annotations:\n    nginx.ingress.kubernetes.io/limit-rps: \"20\"\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "deploy/nginx.conf",
            "http {\n  limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;\n}\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/app.js",
            "// const rateLimit = require('express-rate-limit');\n",
            Outcome::Fail,
        ),
    ] {
        assert_eq!(one(m, path, src, RATE), want, "{path}: {src}");
    }
}

#[test]
fn security_headers_per_stack() {
    for (m, path, src, want) in [
        (
            DJANGO,
            "proj/settings.py",
            "MIDDLEWARE = [\n    \"django.middleware.security.SecurityMiddleware\",\n]\n",
            Outcome::Pass,
        ),
        (
            FASTAPI,
            "app/main.py",
            "import secure\nsecure_headers = secure.Secure()\n",
            Outcome::Pass,
        ),
        (
            GIN,
            "main.go",
            "import \"github.com/gin-contrib/secure\"\n",
            Outcome::Pass,
        ),
        (
            AXUM,
            "src/main.rs",
            "let app = app\n    .layer(SetResponseHeaderLayer::overriding(header::STRICT_TRANSPORT_SECURITY, v1))\n    .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, v2));\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/app.js",
            "res.setHeader('X-Frame-Options', 'DENY');\n",
            Outcome::Warn,
        ),
        (
            EXPRESS,
            "deploy/nginx.conf",
            "add_header Strict-Transport-Security \"max-age=31536000\" always;\nadd_header Content-Security-Policy \"default-src 'self'\" always;\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/app.js",
            "app.use(express.json());\n",
            Outcome::Fail,
        ),
        // a header name only counts quoted or spaced, in any case
        (
            EXPRESS,
            "src/app.js",
            "res.set(\"x-frame-options\", \"DENY\");\n",
            Outcome::Warn,
        ),
        (
            EXPRESS,
            "src/app.js",
            "const guide = \"/docs/x-frame-options-guide\";\nconst tip = \"see:X-Frame-Options\";\n",
            Outcome::Fail,
        ),
    ] {
        assert_eq!(one(m, path, src, HEADERS), want, "{path}: {src}");
    }
}

#[test]
fn sql_injection_per_stack() {
    for (m, path, src, want) in [
        // Python
        (
            FASTAPI,
            "app/db.py",
            "def find(request):\n    cur.execute(f\"SELECT * FROM users WHERE name = '{request.args['name']}'\")\n",
            Outcome::Fail,
        ),
        (
            FASTAPI,
            "app/db.py",
            "def find(request):\n    q = \"SELECT * FROM users WHERE id = %s\" % request.GET[\"id\"]\n",
            Outcome::Fail,
        ),
        (
            FASTAPI,
            "app/db.py",
            "q = \"DELETE FROM carts WHERE id = {}\".format(request.form['id'])\n",
            Outcome::Fail,
        ),
        (
            FASTAPI,
            "app/db.py",
            "def find(name):\n    cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")\n",
            Outcome::Warn,
        ),
        (
            FASTAPI,
            "app/db.py",
            "import psycopg\ncur.execute(\"SELECT * FROM users WHERE id = %s\", (request.args[\"id\"],))\n",
            Outcome::Pass,
        ),
        (
            FASTAPI,
            "app/db.py",
            "# cur.execute(f\"SELECT * FROM t WHERE a = {request.args['a']}\")\nimport sqlalchemy\n",
            Outcome::Pass,
        ),
        // JavaScript
        (
            EXPRESS,
            "src/db.js",
            "const { Pool } = require('pg');\nawait prisma.$queryRaw`SELECT * FROM users WHERE id = ${req.params.id}`;\n",
            Outcome::Pass,
        ),
        (
            EXPRESS,
            "src/db.js",
            "await prisma.$queryRawUnsafe(`SELECT * FROM users WHERE id = ${id}`);\n",
            Outcome::Warn,
        ),
        (
            EXPRESS,
            "src/db.js",
            "knex.raw(\"UPDATE users SET name = '\" + req.body.name + \"' WHERE id = 1\");\n",
            Outcome::Fail,
        ),
        // Go
        (
            GIN,
            "main.go",
            "q := fmt.Sprintf(\"SELECT * FROM users WHERE id = %s\", c.Param(\"id\"))\n",
            Outcome::Fail,
        ),
        (
            GIN,
            "main.go",
            "import \"database/sql\"\nrow := db.QueryRow(\"SELECT name FROM users WHERE id = $1\", c.Param(\"id\"))\n",
            Outcome::Pass,
        ),
        // Rust
        (
            AXUM,
            "src/db.rs",
            "let q = format!(\"SELECT * FROM users WHERE name = '{}'\", params.name);\n",
            Outcome::Fail,
        ),
        (
            AXUM,
            "src/db.rs",
            "sqlx::query(\"SELECT * FROM users WHERE id = $1\").bind(id).fetch_one(&pool).await?;\n",
            Outcome::Pass,
        ),
        // request data reaching the SQL through a variable
        (
            FASTAPI,
            "shop/views.py",
            "def products(request):\n    name = request.GET.get(\"q\", \"\")\n    cursor.execute(\"SELECT id FROM p WHERE name LIKE '%%%s%%'\" % name)\n",
            Outcome::Fail,
        ),
        (
            EXPRESS,
            "src/db.js",
            "const { id, sort: order } = req.query;\nconst sql = `SELECT * FROM t WHERE id = ${id} ORDER BY ${order}`;\n",
            Outcome::Fail,
        ),
        (
            GIN,
            "main.go",
            "id := c.Query(\"id\")\nrows, _ := db.Query(\"SELECT * FROM t WHERE id = \" + id)\n",
            Outcome::Fail,
        ),
        (
            EXPRESS,
            "src/app.js",
            "const x = 1 + 2;\n",
            Outcome::NotApplicable,
        ),
    ] {
        let (o, f) = check(&[m, (path, src)], SQL);
        assert_eq!(o, want, "{path}: {src}\n{f:#?}");
    }
}

#[test]
fn sql_in_tests_is_not_production() {
    let (o, _) = check(
        &[
            EXPRESS,
            (
                "test/db.test.js",
                "pool.query('SELECT * FROM t WHERE id = ' + req.params.id);\n",
            ),
        ],
        SQL,
    );
    assert_eq!(o, Outcome::NotApplicable);
}

#[test]
fn non_utf8_source_is_read_lossily() {
    let dir = repo(&[("requirements.txt", "django\n")]);
    let mut bytes = b"# r\xe9glages (latin-1)\n".to_vec();
    bytes.extend_from_slice(b"CORS_ALLOW_ALL_ORIGINS = True\nNAME = '\xff\xfe'\n");
    std::fs::write(dir.path().join("settings.py"), bytes).expect("write");
    let fs = findings(dir.path());
    assert_eq!(outcome(&fs, CORS), Outcome::Fail);
    assert_eq!(loc(of(&fs, CORS)[0]), "settings.py:2");
}
