//! Documentation: a README that explains how to install, run and test; API documentation (an
//! OpenAPI/Swagger spec, a GraphQL schema, or a framework that serves one); a CHANGELOG (or release
//! tooling that writes one); an architecture document.

use super::Domain;
use crate::repo::{FileMeta, Repo, SourceFile};
use golive_core::{Catalog, Evidence, Finding, Outcome};
use std::sync::Mutex;

/// (topic, words that show the README covers it). Matched case-insensitively on the text.
const TOPICS: &[(&str, &[&str])] = &[
    (
        "install",
        &[
            "install",
            "setup",
            "set up",
            "set-up",
            "getting started",
            "prerequisite",
            "prérequis",
            "requirements",
            "quick start",
            "quickstart",
            "build",
        ],
    ),
    (
        "run",
        &[
            "run",
            "usage",
            "start",
            "launch",
            "lancer",
            "démarrer",
            "execute",
            "serve",
            "docker compose up",
            "docker-compose up",
            "deploy",
        ],
    ),
    (
        "test",
        &[
            "test",
            "pytest",
            "jest",
            "vitest",
            "cargo test",
            "go test",
            "npm test",
        ],
    ),
];

#[derive(Default)]
pub struct Docs {
    readmes: Mutex<Vec<(String, String)>>,
    extra: Mutex<Extra>,
}

fn is_root_readme(f: &FileMeta) -> bool {
    !f.path.contains('/') && f.lower_name().starts_with("readme")
}

impl Domain for Docs {
    fn name(&self) -> &'static str {
        "docs"
    }
    fn wants(&self, file: &FileMeta) -> bool {
        is_root_readme(file) || extra_wants(file)
    }
    fn visit(&self, file: &SourceFile<'_>) {
        if is_root_readme(file.meta)
            && let Ok(mut r) = self.readmes.lock()
        {
            r.push((file.path().to_string(), file.text.to_string()));
        }
        if extra_wants(file.meta) {
            extra_visit(&self.extra, file);
        }
    }
    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding> {
        let extra = self.extra.into_inner().unwrap_or_else(|e| e.into_inner());
        let readmes = self.readmes.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut out = extra_findings(extra, repo);
        out.extend(readme_findings(readmes, repo));
        out
    }
}

/// `docs.readme`.
fn readme_findings(mut readmes: Vec<(String, String)>, repo: &Repo) -> Vec<Finding> {
    let check = Catalog::builtin().check("docs.readme");
    readmes.sort();
    // Prefer README.md, then any other README.
    let best = readmes
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case("README.md"))
        .or_else(|| readmes.first());
    let Some((path, text)) = best else {
        let unreadable = repo
            .files
            .iter()
            .find(|f| is_root_readme(f) && f.skipped.is_some());
        return vec![match unreadable {
            Some(f) => Finding::new(
                check,
                Outcome::Fail,
                format!(
                    "{} could not be read ({})",
                    f.path,
                    f.skipped.as_deref().unwrap_or("")
                ),
            )
            .with_evidence(Evidence::file(&f.path)),
            None => Finding::new(check, Outcome::Fail, "no README at the repository root")
                .with_evidence(Evidence::note(
                    "looked for README, README.md, README.rst, README.txt at the root",
                )),
        }];
    };
    let lower = text.to_ascii_lowercase();
    let mut missing = Vec::new();
    let mut found = Vec::new();
    for (topic, words) in TOPICS {
        match words.iter().find_map(|w| lower.find(w).map(|i| (w, i))) {
            Some((_, offset)) => {
                let (line, col) = crate::repo::line_col(&lower, offset);
                found.push(Evidence::at_with_snippet(
                    path,
                    line,
                    col,
                    format!(
                        "{topic}: {}",
                        crate::repo::line_at(text, offset.min(text.len()))
                    ),
                ));
            }
            None => missing.push(*topic),
        }
    }
    let f = if missing.is_empty() {
        Finding::new(
            check,
            Outcome::Pass,
            format!("{path} explains how to install, run and test"),
        )
    } else if missing.len() == TOPICS.len() {
        Finding::new(
            check,
            Outcome::Fail,
            format!("{path} says nothing about how to install, run or test the service"),
        )
        .with_evidence(Evidence::file(path))
    } else {
        Finding::new(
            check,
            Outcome::Warn,
            format!("{path} does not explain how to {}", missing.join(" or ")),
        )
    };
    let mut f = f;
    f.evidence.extend(found);
    vec![f]
}

// ───────────────────────────── API docs, changelog, architecture ─────────────────────────────

/// What the documentation checks beyond the README learnt in the walk.
#[derive(Default)]
struct Extra {
    /// (path, line, snippet, what) — evidence of API documentation.
    api: Vec<(String, u32, String, String)>,
    /// FastAPI apps with the schema turned off (`openapi_url=None`).
    api_off: Vec<(String, u32, String)>,
    /// Go code serving HTTP with net/http.
    go_http: Option<String>,
    /// A Django API framework (Django REST framework, django-ninja) is a dependency.
    django_api: bool,
    /// (path, meaningful characters)
    changelogs: Vec<(String, usize)>,
    release_tools: Vec<String>,
    /// (path, line, heading) — architecture documents or headings.
    architecture: Vec<(String, Option<u32>, String)>,
}

/// (needle, what it is): code or manifest text showing served API documentation.
const API_DOC_NEEDLES: &[(&str, &str)] = &[
    ("@nestjs/swagger", "NestJS Swagger"),
    ("SwaggerModule", "NestJS Swagger"),
    ("swagger-ui-express", "swagger-ui-express"),
    ("swagger-jsdoc", "swagger-jsdoc"),
    ("@fastify/swagger", "@fastify/swagger"),
    ("express-openapi", "express-openapi"),
    ("\"tsoa\"", "tsoa"),
    ("@hono/zod-openapi", "Hono OpenAPI"),
    ("@hono/swagger-ui", "Hono Swagger UI"),
    ("encore.dev", "Encore (generated API docs)"),
    ("utoipa", "utoipa"),
    ("aide::", "aide"),
    ("poem-openapi", "poem-openapi"),
    ("poem_openapi", "poem-openapi"),
    ("paperclip", "paperclip"),
    ("rocket_okapi", "okapi"),
    ("apistos", "apistos"),
    ("drf-spectacular", "drf-spectacular"),
    ("drf_spectacular", "drf-spectacular"),
    ("drf-yasg", "drf-yasg"),
    ("drf_yasg", "drf-yasg"),
    ("django-ninja", "django-ninja"),
    ("NinjaAPI", "django-ninja"),
    ("flask-smorest", "flask-smorest"),
    ("flask_smorest", "flask-smorest"),
    ("flasgger", "flasgger"),
    ("flask-restx", "flask-restx"),
    ("flask_restx", "flask-restx"),
    ("connexion", "connexion"),
    ("apispec", "apispec"),
    ("github.com/swaggo", "swaggo"),
    ("danielgtaylor/huma", "huma"),
    ("github.com/ogen-go/ogen", "ogen"),
    ("oapi-codegen", "oapi-codegen"),
    ("goa.design/goa", "goa"),
];

const HTTP_FRAMEWORKS: &[&str] = &[
    "express", "fastify", "nestjs", "encore", "koa", "hono", "fastapi", "flask", "django", "axum",
    "actix", "rocket", "warp", "gin", "echo", "fiber", "chi", "gorilla",
];

fn api_matcher() -> &'static crate::rx::Literals {
    static M: std::sync::OnceLock<crate::rx::Literals> = std::sync::OnceLock::new();
    M.get_or_init(|| crate::rx::Literals::new(API_DOC_NEEDLES.iter().map(|n| n.0)))
}

fn is_spec_candidate(f: &FileMeta) -> bool {
    matches!(
        f.ext().map(|e| e.to_ascii_lowercase()).as_deref(),
        Some("yaml" | "yml" | "json")
    ) && !f.is_test()
        && f.size < 5 * 1024 * 1024
        && !f.lower_name().ends_with("lock.json")
        && f.lower_name() != "package.json"
}

fn is_changelog_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    matches!(
        stem,
        "changelog"
            | "changes"
            | "history"
            | "news"
            | "releases"
            | "release-notes"
            | "release_notes"
    )
}

fn is_release_tool(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = crate::paths::file_name(&lower);
    lower.starts_with(".changeset/")
        || lower.starts_with("changelog.d/")
        || lower.starts_with("newsfragments/")
        || name == "release-please-config.json"
        || name == ".release-please-manifest.json"
        || name.starts_with(".releaserc")
        || name.starts_with("release.config.")
        || name == "cliff.toml"
        || name == ".goreleaser.yml"
        || name == ".goreleaser.yaml"
        || name == "release-plz.toml"
}

fn architecture_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = crate::paths::file_name(&lower);
    let stem = name.split('.').next().unwrap_or("");
    let dirs: Vec<&str> = lower.split('/').collect();
    let in_dir = |d: &str| dirs[..dirs.len() - 1].contains(&d);
    matches!(stem, "architecture" | "design" | "overview")
        && matches!(
            crate::paths::extension(name),
            Some("md" | "rst" | "adoc" | "txt" | "mdx")
        )
        || in_dir("adr")
        || in_dir("adrs")
        || in_dir("decisions")
        || in_dir("architecture")
        || matches!(
            crate::paths::extension(name),
            Some("puml" | "plantuml" | "c4" | "drawio")
        )
        || name == "workspace.dsl"
}

fn extra_wants(f: &FileMeta) -> bool {
    if f.is_vendored() {
        return false;
    }
    let n = f.lower_name();
    let top = !f.path.contains('/') || f.path.to_ascii_lowercase().starts_with("docs/");
    crate::paths::language_of(&f.path).is_some()
        || matches!(
            n,
            "package.json" | "cargo.toml" | "go.mod" | "pyproject.toml" | "pipfile"
        )
        || (n.starts_with("requirements") && n.ends_with(".txt"))
        || is_spec_candidate(f)
        || matches!(f.ext(), Some("graphql" | "gql"))
        || (top && is_changelog_name(n))
        || is_release_tool(&f.path)
        || architecture_path(&f.path)
        || (f.is_doc() && matches!(f.ext(), Some("md" | "mdx" | "rst" | "adoc")))
}

/// The largest char boundary of `text` at or below `i`.
fn char_floor(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn extra_visit(state: &Mutex<Extra>, file: &SourceFile<'_>) {
    let f = file.meta;
    let n = f.lower_name();
    let path = file.path().to_string();
    let mut local = Extra::default();
    let code = crate::paths::language_of(&path).is_some() && !f.is_test();
    let manifest = matches!(
        n,
        "package.json" | "cargo.toml" | "go.mod" | "pyproject.toml" | "pipfile"
    ) || (n.starts_with("requirements") && n.ends_with(".txt"));
    if manifest {
        let lower = file.text.to_ascii_lowercase();
        local.django_api = lower.contains("djangorestframework") || lower.contains("django-ninja");
    }
    // API documentation libraries are dependencies: the manifests name them
    if manifest && let Some(m) = api_matcher().find(file.text) {
        let (line, _) = file.line_col(m.start());
        local.api.push((
            path.clone(),
            line,
            file.line_at(m.start()).to_string(),
            API_DOC_NEEDLES[m.pattern().as_usize()].1.to_string(),
        ));
    }
    if code
        && f.ext() == Some("py")
        && let Some(i) = file.text.find("FastAPI(")
    {
        let call = &file.text[i..char_floor(file.text, i + 600)];
        let call = call.split(")\n").next().unwrap_or(call);
        let compact = call.replace(' ', "");
        if compact.contains("openapi_url=None") {
            let (line, _) = file.line_col(i);
            local
                .api_off
                .push((path.clone(), line, file.line_at(i).to_string()));
        } else {
            let (line, _) = file.line_col(i);
            local.api.push((
                path.clone(),
                line,
                file.line_at(i).to_string(),
                "FastAPI (serves /openapi.json and /docs)".into(),
            ));
        }
    }
    if code
        && f.ext() == Some("go")
        && file.text.contains("\"net/http\"")
        && (file.text.contains("ListenAndServe") || file.text.contains("http.Server{"))
    {
        local.go_http = Some(path.clone());
    }
    if is_spec_candidate(f) {
        let head = &file.text[..char_floor(file.text, 2048)];
        let spec = head.lines().find(|l| {
            l.starts_with("openapi:")
                || l.starts_with("swagger:")
                || l.trim_start().starts_with("\"openapi\":")
                || l.trim_start().starts_with("\"swagger\":")
        });
        if let Some(l) = spec {
            let line = head.lines().position(|x| x == l).unwrap_or(0) as u32 + 1;
            local.api.push((
                path.clone(),
                line,
                l.trim().to_string(),
                "OpenAPI/Swagger spec".into(),
            ));
        }
    }
    if matches!(f.ext(), Some("graphql" | "gql")) && !f.is_test() {
        local
            .api
            .push((path.clone(), 1, String::new(), "GraphQL schema".into()));
    }
    let top = !path.contains('/') || path.to_ascii_lowercase().starts_with("docs/");
    if top && is_changelog_name(n) {
        let meaningful = file
            .text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .flat_map(|l| l.chars())
            .filter(|c| c.is_alphanumeric())
            .count();
        local.changelogs.push((path.clone(), meaningful));
    }
    if is_release_tool(&path) || (n == "pyproject.toml" && file.text.contains("[tool.towncrier")) {
        local.release_tools.push(path.clone());
    }
    if architecture_path(&path) {
        local.architecture.push((path.clone(), None, String::new()));
    } else if f.is_doc() || is_root_readme(f) {
        for (i, l) in file.text.lines().enumerate() {
            let t = l.trim();
            if t.starts_with('#') {
                let h = t.trim_start_matches('#').trim().to_lowercase();
                if h.contains("architecture")
                    || h.contains("design overview")
                    || h == "how it works"
                {
                    local
                        .architecture
                        .push((path.clone(), Some(i as u32 + 1), t.to_string()));
                    break;
                }
            }
        }
    }
    if let Ok(mut s) = state.lock() {
        s.api.extend(local.api);
        s.api_off.extend(local.api_off);
        if s.go_http.is_none() {
            s.go_http = local.go_http;
        }
        s.django_api |= local.django_api;
        s.changelogs.extend(local.changelogs);
        s.release_tools.extend(local.release_tools);
        s.architecture.extend(local.architecture);
    }
}

fn extra_findings(mut x: Extra, repo: &Repo) -> Vec<Finding> {
    let cat = Catalog::builtin();
    x.api.sort();
    x.api_off.sort();
    x.changelogs.sort();
    x.release_tools.sort();
    x.architecture.sort();
    let mut out = Vec::new();

    // docs.api
    let c = cat.check("docs.api");
    // a Django site without an API framework serves pages, not an API
    let http: Vec<&str> = HTTP_FRAMEWORKS
        .iter()
        .copied()
        .filter(|f| repo.has_framework(f))
        .filter(|f| *f != "django" || x.django_api)
        .collect();
    if http.is_empty() && x.go_http.is_none() && x.api.is_empty() {
        out.push(Finding::new(
            c,
            Outcome::NotApplicable,
            "no HTTP API framework detected",
        ));
    } else if let Some((p, l, s, what)) = x.api.first() {
        let mut f = Finding::new(c, Outcome::Pass, format!("API documentation: {what}"))
            .with_evidence(Evidence::at_with_snippet(p, *l, 1, s));
        for (p, l, s, _) in x.api.iter().skip(1).take(2) {
            f = f.with_evidence(Evidence::at_with_snippet(p, *l, 1, s));
        }
        out.push(f);
    } else {
        let mut f = Finding::new(
            c,
            Outcome::Fail,
            format!(
                "the HTTP API ({}) has no OpenAPI/Swagger spec and serves none",
                if http.is_empty() {
                    "Go net/http".to_string()
                } else {
                    http.join(", ")
                }
            ),
        );
        for (p, l, s) in &x.api_off {
            f = f.with_evidence(Evidence::at_with_snippet(p, *l, 1, s));
            f.message = format!(
                "{}; FastAPI's schema is turned off (openapi_url=None)",
                f.message
            );
        }
        out.push(f.with_evidence(Evidence::note(
            "looked for openapi.yaml/swagger.json (or any YAML/JSON with a top-level `openapi:`), GraphQL schemas, and NestJS swagger, swagger-ui-express, @fastify/swagger, utoipa, aide, drf-spectacular, django-ninja, flask-smorest, swaggo…",
        )));
    }

    let no_stack = repo.stacks.is_empty();
    // docs.changelog
    let c = cat.check("docs.changelog");
    if no_stack {
        out.push(Finding::new(
            c,
            Outcome::NotApplicable,
            "no service stack detected",
        ));
    } else if let Some((p, n)) = x.changelogs.iter().max_by_key(|c| c.1) {
        if *n < 20 {
            out.push(
                Finding::new(c, Outcome::Warn, format!("{p} exists but is empty"))
                    .with_evidence(Evidence::file(p)),
            );
        } else {
            out.push(
                Finding::new(c, Outcome::Pass, format!("{p} records the changes"))
                    .with_evidence(Evidence::file(p)),
            );
        }
    } else if let Some(p) = x.release_tools.first() {
        out.push(
            Finding::new(c, Outcome::Pass, "release tooling writes the changelog")
                .with_evidence(Evidence::file(p)),
        );
    } else {
        out.push(
            Finding::new(c, Outcome::Fail, "no CHANGELOG and no release tooling that writes one")
                .with_evidence(Evidence::note(
                    "looked for CHANGELOG/CHANGES/HISTORY/NEWS/RELEASES at the root and in docs/, changesets, release-please, semantic-release, git-cliff, towncrier, goreleaser",
                )),
        );
    }

    // docs.architecture
    let c = cat.check("docs.architecture");
    if no_stack {
        out.push(Finding::new(
            c,
            Outcome::NotApplicable,
            "no service stack detected",
        ));
    } else if let Some((p, l, h)) = x.architecture.first() {
        let e = match l {
            Some(l) => Evidence::at_with_snippet(p, *l, 1, h),
            None => Evidence::file(p),
        };
        out.push(Finding::new(c, Outcome::Pass, "the architecture is documented").with_evidence(e));
    } else {
        out.push(
            Finding::new(c, Outcome::Fail, "no architecture document")
                .with_evidence(Evidence::note(
                    "looked for ARCHITECTURE.md, DESIGN.md, docs/architecture*, docs/adr/, decision records, diagrams (PlantUML, C4, Structurizr, draw.io) and an `Architecture` heading",
                )),
        );
    }
    out
}
