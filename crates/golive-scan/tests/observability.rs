//! observability domain: a health route in the code (and, below, the issue-3 observability checks).

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
