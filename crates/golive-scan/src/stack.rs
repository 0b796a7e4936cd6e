//! Stack detection from manifests: Node/TypeScript, Python (Django, FastAPI, Flask), Rust, Go,
//! with the web frameworks each uses.

use crate::repo::FileMeta;
use golive_core::Stack;
use std::collections::BTreeMap;

/// Files that reveal a stack.
pub fn is_manifest(f: &FileMeta) -> bool {
    // Manifests of vendored code, test fixtures and examples do not say what the project is.
    if f.is_vendored() || f.is_test() || f.size > 1024 * 1024 {
        return false;
    }
    let n = f.lower_name();
    matches!(
        n,
        "package.json"
            | "tsconfig.json"
            | "pyproject.toml"
            | "pipfile"
            | "setup.py"
            | "setup.cfg"
            | "manage.py"
            | "cargo.toml"
            | "go.mod"
    ) || (n.starts_with("requirements") && n.ends_with(".txt"))
}

/// (language, framework, needles): a framework is detected when a manifest of that language
/// mentions one of the needles as a dependency name.
const FRAMEWORKS: &[(&str, &str, &[&str])] = &[
    ("node", "express", &["\"express\""]),
    ("node", "fastify", &["\"fastify\""]),
    ("node", "nestjs", &["\"@nestjs/core\""]),
    ("node", "encore", &["\"encore.dev\""]),
    ("node", "koa", &["\"koa\""]),
    ("node", "hono", &["\"hono\""]),
    ("node", "next", &["\"next\""]),
    ("node", "react", &["\"react\""]),
    ("node", "vue", &["\"vue\""]),
    ("node", "prisma", &["\"prisma\"", "\"@prisma/client\""]),
    ("node", "typeorm", &["\"typeorm\""]),
    ("node", "knex", &["\"knex\""]),
    ("node", "typescript", &["\"typescript\""]),
    ("python", "django", &["django"]),
    ("python", "fastapi", &["fastapi"]),
    ("python", "flask", &["flask"]),
    ("python", "sqlalchemy", &["sqlalchemy"]),
    ("python", "alembic", &["alembic"]),
    ("rust", "axum", &["axum"]),
    ("rust", "actix", &["actix-web"]),
    ("rust", "rocket", &["rocket"]),
    ("rust", "warp", &["warp"]),
    ("rust", "sqlx", &["sqlx"]),
    ("rust", "diesel", &["diesel"]),
    ("go", "gin", &["github.com/gin-gonic/gin"]),
    ("go", "echo", &["github.com/labstack/echo"]),
    ("go", "fiber", &["github.com/gofiber/fiber"]),
    ("go", "chi", &["github.com/go-chi/chi"]),
    ("go", "gorilla", &["github.com/gorilla/mux"]),
    (
        "go",
        "golang-migrate",
        &["github.com/golang-migrate/migrate"],
    ),
];

fn language_of(name: &str) -> Option<&'static str> {
    match name {
        "package.json" | "tsconfig.json" => Some("node"),
        "cargo.toml" => Some("rust"),
        "go.mod" => Some("go"),
        n if n.starts_with("requirements")
            || matches!(
                n,
                "pyproject.toml" | "pipfile" | "setup.py" | "setup.cfg" | "manage.py"
            ) =>
        {
            Some("python")
        }
        _ => None,
    }
}

/// A manifest prepared once for the dependency searches of every framework.
enum Prepared<'a> {
    /// Lower-cased text (Python names are case-insensitive).
    Python(String),
    /// Dependency keys: the start of each line, `[dependencies.` / `[target.` stripped.
    Rust(Vec<&'a str>),
    Other(&'a str),
}

impl<'a> Prepared<'a> {
    fn new(lang: &str, text: &'a str) -> Prepared<'a> {
        match lang {
            "python" => Prepared::Python(text.to_ascii_lowercase()),
            "rust" => Prepared::Rust(
                text.lines()
                    .map(|l| {
                        l.trim()
                            .trim_start_matches("[dependencies.")
                            .trim_start_matches("[target.")
                    })
                    .collect(),
            ),
            _ => Prepared::Other(text),
        }
    }

    /// Whether the manifest names `needle` as a dependency (word-bounded, case-insensitive for
    /// Python).
    fn mentions(&self, needle: &str) -> bool {
        match self {
            Prepared::Python(lower) => lower.match_indices(needle).any(|(i, _)| {
                let before = lower[..i].chars().next_back();
                let after = lower[i + needle.len()..].chars().next();
                let word = |c: Option<char>| {
                    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                };
                !word(before) && !word(after)
            }),
            // `axum = "0.8"`, `axum = { … }`, `[dependencies.axum]`
            Prepared::Rust(keys) => keys.iter().any(|key| {
                key.starts_with(needle)
                    && key[needle.len()..]
                        .trim_start()
                        .starts_with(['=', ']', '.'])
            }),
            Prepared::Other(text) => text.contains(needle),
        }
    }
}

/// Detects stacks from (path, text) manifests. Sorted by language.
pub fn detect_stacks(manifests: &[(String, String)]) -> Vec<Stack> {
    let mut by_lang: BTreeMap<&'static str, Stack> = BTreeMap::new();
    for (path, text) in manifests {
        let name = crate::paths::file_name(path).to_ascii_lowercase();
        let Some(lang) = language_of(&name) else {
            continue;
        };
        let st = by_lang.entry(lang).or_insert_with(|| Stack {
            language: lang.to_string(),
            frameworks: Vec::new(),
            manifests: Vec::new(),
        });
        st.manifests.push(path.clone());
        if name == "tsconfig.json" && !st.frameworks.iter().any(|f| f == "typescript") {
            st.frameworks.push("typescript".into());
        }
        if name == "manage.py"
            && text.contains("django")
            && !st.frameworks.iter().any(|f| f == "django")
        {
            st.frameworks.push("django".into());
        }
        let prepared = Prepared::new(lang, text);
        for (l, fw, needles) in FRAMEWORKS {
            if *l == lang
                && !st.frameworks.iter().any(|f| f == fw)
                && needles.iter().any(|n| prepared.mentions(n))
            {
                st.frameworks.push(fw.to_string());
            }
        }
    }
    by_lang
        .into_values()
        .map(|mut s| {
            s.frameworks.sort();
            s.manifests.sort();
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_frameworks() {
        let m = vec![
            (
                "package.json".to_string(),
                r#"{"dependencies":{"express":"^4","@prisma/client":"5"}}"#.to_string(),
            ),
            (
                "api/requirements.txt".to_string(),
                "FastAPI==0.110\nuvicorn\n".to_string(),
            ),
            (
                "Cargo.toml".to_string(),
                "[dependencies]\naxum = \"0.8\"\nsqlx = { version = \"0.8\" }\n".to_string(),
            ),
            (
                "go.mod".to_string(),
                "module x\nrequire github.com/gin-gonic/gin v1.9.0\n".to_string(),
            ),
        ];
        let s = detect_stacks(&m);
        let names: Vec<String> = s.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            names,
            vec![
                "go (gin)",
                "node (express, prisma)",
                "python (fastapi)",
                "rust (axum, sqlx)"
            ]
        );
    }

    #[test]
    fn python_word_bounded() {
        let m = vec![(
            "requirements.txt".to_string(),
            "flask-cors-helper-not\nmyflaskthing\n".to_string(),
        )];
        // "flask-cors-helper-not" starts with flask followed by '-', which is a word char here
        assert!(detect_stacks(&m)[0].frameworks.is_empty());
    }
}
