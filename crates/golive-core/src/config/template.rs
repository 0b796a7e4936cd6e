//! The commented `golive.toml` written by `golive init`: every section documented, defaults
//! commented out, and hints for the stacks detected in the project.
//!
//! The text must always parse with [`Config::parse`](super::Config::parse) (a test holds it to
//! that for every stack), so anything uncommented here is a valid, harmless setting.

use crate::model::Stack;
use std::fmt::Write;

fn has(stacks: &[Stack], language: &str) -> bool {
    stacks.iter().any(|s| s.language == language)
}

fn has_framework(stacks: &[Stack], framework: &str) -> bool {
    stacks.iter().any(|s| {
        s.frameworks
            .iter()
            .any(|f| f.eq_ignore_ascii_case(framework))
    })
}

/// Quotes a string as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The health path most likely served by the detected framework (a hint only).
fn health_hint(stacks: &[Stack]) -> &'static str {
    if has_framework(stacks, "django") {
        "/health/"
    } else if has(stacks, "node")
        || has(stacks, "python")
        || has(stacks, "go")
        || has(stacks, "rust")
    {
        "/healthz"
    } else {
        "/health"
    }
}

/// The commented golive.toml for a project named `project` with the given stacks.
pub fn golive_toml(project: &str, stacks: &[Stack]) -> String {
    let mut o = String::new();
    let detected = if stacks.is_empty() {
        "no known stack (Node/TypeScript, Python, Rust, Go) detected".to_string()
    } else {
        stacks
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        o,
        "# golive.toml — what golive checks in this project, and how strictly.\n\
         # Written by `golive init` for: {detected}.\n\
         # Every setting below shows its default; uncomment a line to change it.\n\
         # `golive explain` prints the scoring and the policy in force; `golive checks` lists\n\
         # every check id; `golive explain CHECK-ID` explains one.\n"
    );

    // [project]
    let _ = writeln!(
        o,
        "[project]\n\
         # The name shown in reports (default: the directory name).\n\
         name = {}\n",
        toml_string(project)
    );

    // [scan]
    let _ = writeln!(
        o,
        "[scan]\n\
         # The static audit reads every file git does not ignore, plus `.goliveignore` rules.\n\
         # Globs of files to read (default: everything).\n\
         # include = [\"src/**\", \"Dockerfile\"]\n\
         # Globs of files to leave out, on top of .gitignore and .goliveignore."
    );
    let mut excludes: Vec<&str> = Vec::new();
    if has(stacks, "node") {
        excludes.extend(["node_modules/**", "dist/**", "coverage/**"]);
    }
    if has(stacks, "python") {
        excludes.extend([".venv/**", "**/__pycache__/**"]);
    }
    if has(stacks, "rust") {
        excludes.push("target/**");
    }
    if has(stacks, "go") {
        excludes.push("vendor/**");
    }
    if excludes.is_empty() {
        let _ = writeln!(o, "# exclude = [\"vendor/**\"]");
    } else {
        let list: Vec<String> = excludes.iter().map(|e| toml_string(e)).collect();
        let _ = writeln!(
            o,
            "# Build output and dependencies of the detected stack(s), if git does not ignore them:\n\
             # exclude = [{}]",
            list.join(", ")
        );
    }
    let _ = writeln!(
        o,
        "# Files larger than this are skipped and listed as skipped (`512KiB`, `5MB`, bytes).\n\
         # max_file_size = \"2MiB\"\n\
         # Read files git ignores too.\n\
         # no_ignore = false\n"
    );

    // [policy]
    let _ = writeln!(
        o,
        "[policy]\n\
         # Scores are 0–100: 100 × Σ(weight × credit) / Σ(weight) over the applicable checks,\n\
         # with weights critical 10, high 7.5, medium 5, low 2.5 and credit pass 1, warn 0.5, fail 0.\n\
         # NO-GO when a critical check fails or the overall score is below no_go_below;\n\
         # ATTENTION when a high check fails or the score is below attention_below; GO otherwise.\n\
         # no_go_below = 60\n\
         # attention_below = 80\n\
         # A lower overall score is NO-GO whatever else (the same as `--min-score`).\n\
         # min_score = 70\n\
         # Exit non-zero on \"no-go\" only (2), or on \"attention\" too (1).\n\
         # fail_on = \"no-go\"\n\
         # The lowest test-coverage threshold the project's test configuration may set."
    );
    let coverage_hint = if has(stacks, "node") {
        " (jest/vitest `coverageThreshold`)"
    } else if has(stacks, "python") {
        " (pytest-cov `--cov-fail-under` / `fail_under`)"
    } else if has(stacks, "rust") {
        " (cargo-llvm-cov / tarpaulin `fail-under`)"
    } else {
        ""
    };
    let _ = writeln!(o, "# coverage_min = 80{coverage_hint}\n");

    // [checks]
    let _ = writeln!(
        o,
        "# Per-check overrides: turn a check off (it is then listed as disabled in every report)\n\
         # or re-grade it (the score uses the new severity's weight)."
    );
    if has_framework(stacks, "django") {
        let _ = writeln!(
            o,
            "# [checks.\"config.django-allowed-hosts\"]\n\
             # severity = \"medium\""
        );
    } else {
        let _ = writeln!(
            o,
            "# [checks.\"docker.healthcheck\"]\n\
             # enabled = false            # e.g. when the orchestrator probes the service itself"
        );
    }
    let _ = writeln!(
        o,
        "# [checks.\"docs.readme\"]\n\
         # severity = \"low\"            # critical, high, medium or low\n"
    );

    // [[suppress]]
    let test_glob = if has(stacks, "node") {
        "test/**"
    } else if has(stacks, "python") {
        "tests/**"
    } else if has(stacks, "go") {
        "**/*_test.go"
    } else {
        "tests/**"
    };
    let _ = writeln!(
        o,
        "# Suppressions accept a finding for a reason, optionally only in some files and until a\n\
         # date. Suppressed findings are listed in every report with their reason and are left\n\
         # out of the score (like an inconclusive check): they never raise it. An expired one\n\
         # stops applying and the report says so. In a scanned file, a comment\n\
         # `golive-ignore: CHECK-ID -- reason` on the line or the line above does the same.\n\
         # [[suppress]]\n\
         # check = \"secrets.hardcoded\"    # a check id, or a prefix like \"secrets.*\"\n\
         # paths = [\"{test_glob}\"]          # default: everywhere\n\
         # reason = \"fake credentials used by the test suite\"   # required\n\
         # expires = 2026-12-31            # optional\n"
    );

    // [probe]
    let health = health_hint(stacks);
    let _ = writeln!(
        o,
        "# The live audit of the running service (`golive probe`, and `golive check` when set):\n\
         # health, security headers, TLS, CORS, cookies, auth, error hygiene, exposed files.\n\
         # [probe]\n\
         # url = \"https://staging.example.com\"\n\
         # Extra health paths to call.\n\
         # health = [\"{health}\"]\n\
         # Paths that must refuse anonymous requests.\n\
         # protected = [\"/api/admin\"]\n\
         # Extra request headers.\n\
         # headers = [\"X-Env: staging\"]\n\
         # Environment variable holding a valid bearer token for authenticated probes.\n\
         # token_env = \"GOLIVE_TOKEN\"\n\
         # The service speaks plain HTTP behind a TLS-terminating proxy (transport checks n/a).\n\
         # behind_tls_proxy = false\n\
         # Send this many requests to see rate limiting kick in (at most 500; off by default).\n\
         # rate_limit_burst = 100\n\
         # The path the burst goes to (default: the base URL).\n\
         # rate_limit_path = \"/api/login\"\n\
         # Per-request timeout.\n\
         # timeout = \"5s\"\n\
         # PEM file of extra CA certificates to trust (a private CA).\n\
         # ca_file = \"certs/internal-ca.pem\"\n\
         # One base URL per environment:\n\
         # [probe.environments.production]\n\
         # url = \"https://api.example.com\"\n"
    );

    // [smoke]
    let _ = writeln!(
        o,
        "# Smoke tests: a short spec of requests and expectations run against the service.\n\
         # [smoke]\n\
         # file = \"smoke.yaml\"\n\
         # base_url = \"http://127.0.0.1:8080\"\n"
    );

    // [load]
    let _ = writeln!(
        o,
        "# A load test with k6-style thresholds; failing one fails the check.\n\
         # [load]\n\
         # url = \"http://127.0.0.1:8080{health}\"\n\
         # connections = 16\n\
         # duration = \"30s\"               # or: requests = 10000\n\
         # rate = 200                      # open model: requests per second\n\
         # thresholds = [\"p95<200ms\", \"error_rate<0.1%\"]\n\
         # ok_status = \"2xx\"               # statuses counted as success\n\
         # allow_remote = false            # allow a non-loopback target\n"
    );

    // [checklist]
    let _ = writeln!(
        o,
        "# Imported Markdown checklists with their sign-offs (`golive checklist import`).\n\
         # [checklist]\n\
         # file = \".golive/checklist.toml\"\n\
         # signoffs = \".golive/signoffs.toml\""
    );
    o
}
