//! Configuration domain: committed .env files, .env.example, env validation, Django settings.

use golive_core::{Evidence, Finding, Outcome, Severity};
use std::path::Path;
use std::process::Command;

mod support;
use support::repo::*;

fn has_location(f: &[&Finding], path: &str, line: u32) -> bool {
    f.iter().any(|x| {
        x.evidence.iter().any(|e| {
            matches!(e, Evidence::File { path: p, line: Some(l), .. } if p == path && *l == line)
        })
    })
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn git_available() -> bool {
    Command::new("git").arg("--version").output().is_ok()
}

#[test]
fn env_file_present_and_not_ignored_fails() {
    let f = audit(&fixture("config/env-committed"));
    assert_eq!(outcome(&f, "config.env-committed"), Outcome::Fail);
    let env = of(&f, "config.env-committed");
    assert!(env.iter().any(|x| x.message.contains(".env")));
    assert!(env[0].evidence.iter().any(|e| e.path() == Some(".env")));
    // the code reads env vars and nothing documents them
    assert_eq!(outcome(&f, "config.env-example"), Outcome::Fail);
    assert!(has_location(&of(&f, "config.env-example"), "app.py", 6));
}

#[test]
fn templates_and_test_env_files_pass() {
    let f = audit(&fixture("config/env-clean"));
    assert_eq!(outcome(&f, "config.env-committed"), Outcome::Pass);
    assert_eq!(outcome(&f, "config.env-example"), Outcome::Pass);
    assert!(
        of(&f, "config.env-example")[0]
            .message
            .contains(".env.example")
    );
}

#[test]
fn env_example_not_applicable_without_env_reads() {
    let f = audit(&fixture("config/no-env"));
    assert_eq!(outcome(&f, "config.env-example"), Outcome::NotApplicable);
    assert_eq!(outcome(&f, "config.env-committed"), Outcome::Pass);
    assert_eq!(outcome(&f, "config.env-validation"), Outcome::NotApplicable);
}

#[test]
fn env_tracked_by_git_although_ignored_fails() {
    if !git_available() {
        eprintln!("git not installed: skipping the git-tracked case");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join(".env.production"), "API_KEY=fixture\n").unwrap();
    std::fs::write(
        root.join("main.py"),
        "import os\nKEY = os.getenv('API_KEY')\n",
    )
    .unwrap();
    assert!(git(root, &["init", "-q"]));
    assert!(git(root, &["add", ".env.production", "main.py"]));
    // ignored after being committed: the walker no longer sees it, git still tracks it
    std::fs::write(root.join(".gitignore"), ".env*\n").unwrap();
    let f = audit(root);
    let env = of(&f, "config.env-committed");
    assert_eq!(outcome(&f, "config.env-committed"), Outcome::Fail);
    assert!(env.iter().any(|x| {
        x.message.contains("tracked by git")
            && x.evidence
                .iter()
                .any(|e| e.path() == Some(".env.production"))
    }));
}

#[test]
fn ignored_untracked_env_in_git_repo_passes() {
    if !git_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join(".env"), "API_KEY=fixture\n").unwrap();
    std::fs::write(root.join(".gitignore"), ".env\n").unwrap();
    std::fs::write(root.join(".env.sample"), "API_KEY=\n").unwrap();
    std::fs::write(
        root.join("main.py"),
        "import os\nKEY = os.getenv('API_KEY')\n",
    )
    .unwrap();
    assert!(git(root, &["init", "-q"]));
    assert!(git(root, &["add", "-A"]));
    let f = audit(root);
    assert_eq!(outcome(&f, "config.env-committed"), Outcome::Pass);
    assert_eq!(outcome(&f, "config.env-example"), Outcome::Pass);
}

#[test]
fn binary_env_without_git_is_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join(".env"), b"KEY=\x00\x01\x02binary").unwrap();
    let f = audit(root);
    let env = of(&f, "config.env-committed");
    assert_eq!(outcome(&f, "config.env-committed"), Outcome::Fail);
    let notes: Vec<String> = env[0].evidence.iter().map(|e| e.locator()).collect();
    assert!(notes.iter().any(|n| n.contains("binary")), "{notes:?}");
    // no git work tree: the evidence says how it was judged
    assert!(
        notes
            .iter()
            .any(|n| n.contains("not a git work tree") || n.contains("git could not be run")),
        "{notes:?}"
    );
}

#[test]
fn env_under_fixtures_is_lower_severity() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("tests/fixtures")).unwrap();
    std::fs::write(root.join("tests/fixtures/.env"), "A=1\n").unwrap();
    let f = audit(root);
    let env = of(&f, "config.env-committed");
    assert_eq!(env[0].outcome, Outcome::Fail);
    assert_eq!(env[0].severity, Severity::Low);
}

#[test]
fn django_hard_coded_debug_and_wildcard_hosts_fail() {
    let f = audit(&fixture("config/django-bad"));
    let debug = of(&f, "config.django-debug");
    assert_eq!(outcome(&f, "config.django-debug"), Outcome::Fail);
    // the commented `# DEBUG = False` and the docstring are ignored; the real line is 12
    assert!(has_location(&debug, "mysite/settings.py", 12), "{debug:#?}");
    let hosts = of(&f, "config.django-allowed-hosts");
    assert_eq!(outcome(&f, "config.django-allowed-hosts"), Outcome::Fail);
    assert!(has_location(&hosts, "mysite/settings.py", 14));
    assert_eq!(outcome(&f, "config.django-ssl-redirect"), Outcome::Fail);
    assert_eq!(outcome(&f, "config.django-secure-cookies"), Outcome::Fail);
    assert_eq!(outcome(&f, "config.django-hsts"), Outcome::Fail);
    // the CSRF middleware is commented out
    assert_eq!(outcome(&f, "config.django-csrf-middleware"), Outcome::Fail);
    // one settings.py, no env reads: one configuration for every environment
    assert_eq!(outcome(&f, "config.settings-per-env"), Outcome::Fail);
}

#[test]
fn django_prod_settings_override_base_and_ignore_dev() {
    let f = audit(&fixture("config/django-good"));
    for id in [
        "config.django-debug",
        "config.django-allowed-hosts",
        "config.django-ssl-redirect",
        "config.django-secure-cookies",
        "config.django-hsts",
        "config.django-csrf-middleware",
        "config.settings-per-env",
        "config.env-validation",
    ] {
        assert_eq!(outcome(&f, id), Outcome::Pass, "{id}: {:#?}", of(&f, id));
    }
    // DEBUG = True in base.py and dev.py is fine: prod.py sets False
    assert!(has_location(
        &of(&f, "config.django-debug"),
        "mysite/settings/prod.py",
        8
    ));
}

#[test]
fn django_prod_inheriting_debug_true_fails_at_the_base_line() {
    let f = audit(&fixture("config/django-inherit"));
    let debug = of(&f, "config.django-debug");
    assert_eq!(outcome(&f, "config.django-debug"), Outcome::Fail);
    assert!(
        has_location(&debug, "mysite/settings/base.py", 3),
        "{debug:#?}"
    );
    // env lookup falling back to '*'
    assert_eq!(outcome(&f, "config.django-allowed-hosts"), Outcome::Warn);
    // 3600 s is on, but short
    assert_eq!(outcome(&f, "config.django-hsts"), Outcome::Warn);
    assert_eq!(outcome(&f, "config.django-ssl-redirect"), Outcome::Pass);
    assert_eq!(outcome(&f, "config.django-csrf-middleware"), Outcome::Pass);
    // env read without a schema
    assert_eq!(outcome(&f, "config.env-validation"), Outcome::Fail);
}

#[test]
fn django_checks_not_applicable_outside_django() {
    for fx in ["config/env-clean", "config/no-env"] {
        let f = audit(&fixture(fx));
        for id in [
            "config.django-debug",
            "config.django-allowed-hosts",
            "config.django-secure-cookies",
            "config.django-csrf-middleware",
        ] {
            assert_eq!(outcome(&f, id), Outcome::NotApplicable, "{fx} {id}");
        }
    }
}

#[test]
fn env_validation_by_schema_passes() {
    let f = audit(&fixture("config/env-clean"));
    let v = of(&f, "config.env-validation");
    assert_eq!(outcome(&f, "config.env-validation"), Outcome::Pass);
    assert!(v[0].message.contains("envalid"));
    assert_eq!(outcome(&f, "config.settings-per-env"), Outcome::Pass);
}

#[test]
fn settings_per_env_not_applicable_without_a_stack() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "hello\n").unwrap();
    let f = audit(dir.path());
    assert_eq!(
        outcome(&f, "config.settings-per-env"),
        Outcome::NotApplicable
    );
}

#[test]
fn malformed_and_non_utf8_settings_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("manage.py"), "import django\n").unwrap();
    std::fs::write(root.join("requirements.txt"), "django\n").unwrap();
    std::fs::write(
        root.join("settings.py"),
        b"DEBUG = True\nALLOWED_HOSTS = ['\xff\xfe\nX = '''unterminated\n(((\n".as_slice(),
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "config.django-debug"), Outcome::Fail);
}

#[test]
fn settings_package_init_importing_base_is_judged_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("shop/settings")).unwrap();
    std::fs::write(root.join("manage.py"), "import django\n").unwrap();
    std::fs::write(root.join("requirements.txt"), "Django==5.0.6\n").unwrap();
    std::fs::write(
        root.join("shop/settings/__init__.py"),
        "from .base import *  # noqa\n",
    )
    .unwrap();
    std::fs::write(
        root.join("shop/settings/base.py"),
        "DEBUG = True\nINSTALLED_APPS = []\nROOT_URLCONF = 'shop.urls'\n",
    )
    .unwrap();
    let f = audit(root);
    let debug = of(&f, "config.django-debug");
    assert_eq!(debug.len(), 1, "{debug:#?}");
    assert_eq!(debug[0].outcome, Outcome::Fail);
    assert!(has_location(&debug, "shop/settings/base.py", 1));
}

#[test]
fn nestjs_config_validation_schema_counts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"dependencies":{"@nestjs/core":"10.3.3","@nestjs/config":"3.2.0","joi":"17.13.0"}}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("src/app.module.ts"),
        "import { ConfigModule } from \"@nestjs/config\";\nimport * as Joi from \"joi\";\n\nexport const config = ConfigModule.forRoot({\n  validationSchema: Joi.object({ PORT: Joi.number().default(3000) }),\n});\n",
    )
    .unwrap();
    std::fs::write(
        root.join("src/main.ts"),
        "const port = Number(process.env.PORT ?? 3000);\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(
        outcome(&f, "config.env-validation"),
        Outcome::Pass,
        "{:#?}",
        of(&f, "config.env-validation")
    );
}
