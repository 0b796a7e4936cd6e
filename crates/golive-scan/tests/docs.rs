//! Documentation domain (issue-3 checks): API docs, CHANGELOG, architecture document.

use golive_core::Outcome;

mod support;
use support::repo::*;

#[test]
fn spec_changelog_and_architecture_pass() {
    let f = audit(&fixture("docs/api-spec"));
    for id in ["docs.api", "docs.changelog", "docs.architecture"] {
        assert_eq!(outcome(&f, id), Outcome::Pass, "{id}: {:#?}", of(&f, id));
    }
    assert!(
        of(&f, "docs.api")[0]
            .evidence
            .iter()
            .any(|e| e.locator() == "openapi.yaml:1:1")
    );
}

#[test]
fn go_http_api_without_spec_empty_changelog_no_architecture() {
    let f = audit(&fixture("docs/api-missing"));
    assert_eq!(outcome(&f, "docs.api"), Outcome::Fail);
    assert!(of(&f, "docs.api")[0].message.contains("net/http"));
    assert_eq!(outcome(&f, "docs.changelog"), Outcome::Warn);
    // "Design notes" is not an architecture section
    assert_eq!(outcome(&f, "docs.architecture"), Outcome::Fail);
}

#[test]
fn frameworks_serving_openapi_pass_and_turned_off_fails() {
    // FastAPI serves /openapi.json unless told not to
    let f = audit(&fixture("ci/gitlab"));
    assert_eq!(outcome(&f, "docs.api"), Outcome::Pass);
    assert!(of(&f, "docs.api")[0].message.contains("FastAPI"));

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("requirements.txt"), "fastapi==0.111.0\n").unwrap();
    std::fs::write(
        root.join("main.py"),
        "from fastapi import FastAPI\n\napp = FastAPI(\n    docs_url=None,\n    openapi_url=None,\n)\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "docs.api"), Outcome::Fail);
    assert!(of(&f, "docs.api")[0].message.contains("openapi_url=None"));

    // NestJS with @nestjs/swagger
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("package.json"),
        r#"{"dependencies":{"@nestjs/core":"10.3.0","@nestjs/swagger":"7.3.0"}}"#,
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "docs.api"), Outcome::Pass);
}

#[test]
fn release_tooling_and_readme_architecture_heading_pass() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".changeset")).unwrap();
    std::fs::write(
        root.join(".changeset/config.json"),
        "{\"changelog\": \"@changesets/cli/changelog\"}\n",
    )
    .unwrap();
    std::fs::write(root.join("package.json"), r#"{"name":"x"}"#).unwrap();
    std::fs::write(
        root.join("README.md"),
        "# x\n\n## Architecture\n\nOne process.\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "docs.changelog"), Outcome::Pass);
    assert_eq!(outcome(&f, "docs.architecture"), Outcome::Pass);
    // no HTTP framework: API docs do not apply
    assert_eq!(outcome(&f, "docs.api"), Outcome::NotApplicable);
}

#[test]
fn not_applicable_without_a_stack() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "x\n").unwrap();
    let f = audit(dir.path());
    for id in ["docs.api", "docs.changelog", "docs.architecture"] {
        assert_eq!(outcome(&f, id), Outcome::NotApplicable, "{id}");
    }
}

#[test]
fn django_site_without_api_framework_is_not_applicable_with_drf_it_fails() {
    let f = audit(&fixture("config/django-bad"));
    assert_eq!(outcome(&f, "docs.api"), Outcome::NotApplicable);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("requirements.txt"),
        "Django==5.0.6\ndjangorestframework==3.15.1\n",
    )
    .unwrap();
    std::fs::write(root.join("manage.py"), "import django\n").unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "docs.api"), Outcome::Fail);
    std::fs::write(
        root.join("requirements.txt"),
        "Django==5.0.6\ndjangorestframework==3.15.1\ndrf-spectacular==0.27.2\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "docs.api"), Outcome::Pass);
}

#[test]
fn multibyte_text_at_the_read_limits_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("requirements.txt"), "fastapi==0.111.0\n").unwrap();
    // `FastAPI(` followed by multibyte characters across the 600-byte window, and a YAML file
    // whose 2048th byte falls inside a character
    let mut py = String::from("from fastapi import FastAPI\napp = FastAPI(title=\"");
    py.push_str(&"é".repeat(700));
    py.push_str("\")\n");
    std::fs::write(root.join("main.py"), py).unwrap();
    let mut yaml = String::from("x: \"");
    yaml.push_str(&"€".repeat(1000));
    yaml.push_str("\"\n");
    std::fs::write(root.join("values.yaml"), yaml).unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "docs.api"), Outcome::Pass);
}
