//! Path classification shared by domains.

/// Lower-case file name of a `/`-separated relative path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Extension (without the dot, lower-case compare is the caller's job).
pub fn extension(path: &str) -> Option<&str> {
    let name = file_name(path);
    let dot = name.rfind('.')?;
    (dot > 0).then(|| &name[dot + 1..])
}

fn components(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
}

/// Test code, test fixtures and example data: findings there are reported at lower severity.
pub fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = file_name(&lower);
    components(&lower).any(|c| {
        matches!(
            c,
            "test"
                | "tests"
                | "__tests__"
                | "spec"
                | "specs"
                | "testdata"
                | "fixtures"
                | "fixture"
                | "__fixtures__"
                | "__mocks__"
                | "mocks"
                | "e2e"
                | "testing"
                | "examples"
                | "example"
                | "samples"
        )
    }) || test_like_directory(&lower)
        || matches!(extension(name), Some("http" | "rest"))
        || name.starts_with("test_")
        || name.rsplit_once('.').is_some_and(|(stem, _)| {
            ["_test", "_tests", "_unittest", "_spec"]
                .iter()
                .any(|s| stem.ends_with(s))
        })
        || name.contains(".test.")
        || name.contains(".spec.")
        || name == "conftest.py"
}

/// A directory named with a test or example word among others: `Svix.Tests`,
/// `MyApp.IntegrationTests`, `api-tests`, `example_configs`, `examples-k8s`.
fn test_like_directory(lower: &str) -> bool {
    let mut dirs: Vec<&str> = components(lower).collect();
    dirs.pop(); // the file name
    dirs.iter().any(|d| {
        d.split(['.', '-', '_']).any(|w| {
            matches!(
                w,
                "test"
                    | "tests"
                    | "unittests"
                    | "integrationtests"
                    | "functionaltests"
                    | "e2e"
                    | "fixtures"
                    | "testdata"
                    | "examples"
                    | "example"
                    | "samples"
                    | "mocks"
            )
        })
    })
}

/// Documentation: Markdown, reStructuredText, text files and anything under `docs/`.
pub fn is_doc_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    components(&lower).any(|c| matches!(c, "docs" | "doc" | "documentation"))
        || matches!(
            extension(&lower),
            Some("md" | "markdown" | "rst" | "txt" | "adoc" | "mdx")
        )
}

/// Vendored or generated dependencies that are not the project's own code.
pub fn is_vendored(path: &str) -> bool {
    components(path).any(|c| {
        matches!(
            c,
            "node_modules"
                | "vendor"
                | "third_party"
                | ".venv"
                | "venv"
                | "site-packages"
                | "target"
                | "dist"
                | "build"
                | ".next"
                | "__pycache__"
        )
    })
}

/// Source code extensions by language.
pub fn language_of(path: &str) -> Option<&'static str> {
    match extension(path)? {
        "js" | "mjs" | "cjs" | "jsx" => Some("javascript"),
        "ts" | "mts" | "cts" | "tsx" => Some("typescript"),
        "py" => Some("python"),
        "rs" => Some("rust"),
        "go" => Some("go"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert!(is_test_path("tests/test_api.py"));
        assert!(is_test_path("src/app.test.ts"));
        assert!(is_test_path("pkg/server_test.go"));
        assert!(is_test_path("crypto/x509/x509_test.cc"));
        assert!(is_test_path("lib/parser_unittest.cpp"));
        assert!(!is_test_path("src/latest.rs"));
        assert!(is_test_path("fixtures/keys.json"));
        assert!(!is_test_path("src/contest.rs"));
        // Directories named with a test or example word among others, and request scratchpads.
        assert!(is_test_path("csharp/Svix.Tests/WebhookTests.cs"));
        assert!(is_test_path("src/MyApp.IntegrationTests/Setup.cs"));
        assert!(is_test_path("example_configs/lldap_config.toml"));
        assert!(is_test_path("api-tests/login.js"));
        assert!(is_test_path("backend/remark.rest"));
        assert!(is_test_path("requests/login.http"));
        assert!(!is_test_path("src/latest/handler.go"));
        assert!(!is_test_path("services/contest-api/main.go"));
        assert!(!is_test_path("src/attestation/verify.rs"));
        assert!(is_doc_path("docs/setup.html"));
        assert!(is_doc_path("README.md"));
        assert!(!is_doc_path("src/main.rs"));
        assert_eq!(extension("a/b.tar.gz"), Some("gz"));
        assert_eq!(extension(".env"), None);
        assert_eq!(language_of("x/y.tsx"), Some("typescript"));
    }
}
