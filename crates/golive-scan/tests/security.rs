//! security domain: CORS open to any origin (and, below, the issue-3 security checks).

use golive_core::{Finding, Outcome};
use golive_scan::{ScanOptions, scan};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/code")
        .join(name)
}

fn findings(root: &Path) -> Vec<Finding> {
    scan(&ScanOptions::new(root))
        .unwrap_or_else(|e| panic!("scan {}: {e}", root.display()))
        .findings
}

fn of<'a>(fs: &'a [Finding], id: &str) -> Vec<&'a Finding> {
    fs.iter().filter(|f| f.check == id).collect()
}

/// The combined outcome of a check (the worst finding wins), asserting there is one.
fn outcome(fs: &[Finding], id: &str) -> Outcome {
    of(fs, id)
        .into_iter()
        .map(|f| f.outcome)
        .max_by_key(|o| o.precedence())
        .unwrap_or_else(|| panic!("no finding for {id}: {fs:#?}"))
}

/// A repository written into a temporary directory.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (p, text) in files {
        let path = dir.path().join(p);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn check(files: &[(&str, &str)], id: &str) -> (Outcome, Vec<Finding>) {
    let dir = repo(files);
    let fs = findings(dir.path());
    let o = outcome(&fs, id);
    let mine = fs.into_iter().filter(|f| f.check == id).collect();
    (o, mine)
}

/// `path:line` of a finding's first file evidence.
fn loc(f: &Finding) -> String {
    match f.primary_location() {
        Some((p, Some(l))) => format!("{p}:{l}"),
        Some((p, None)) => p.to_string(),
        None => String::new(),
    }
}

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
