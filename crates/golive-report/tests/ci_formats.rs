//! The machine formats as CI systems take them: SARIF by GitHub code scanning's rules (and the
//! SARIF Multitool when installed), JUnit by Jenkins' junit-10.xsd, JSON by the committed JSON
//! Schema — and each validator shown able to fail.

mod common;
mod validate;

use common::*;
use golive_core::{Catalog, Config, Evidence, Finding, Outcome, Repository};
use golive_report::{Format, RenderOptions, render};
use serde_json::Value;

fn opts() -> RenderOptions {
    RenderOptions::default()
}

fn sarif(report: &golive_core::Report) -> Value {
    serde_json::from_str(&render(report, Format::Sarif, &opts()).unwrap()).unwrap()
}

/// The failing report, audited in `services/shop` of a git repository with a README, a
/// manifest and a workflow.
fn in_subfolder() -> golive_core::Report {
    let mut r = failing_report();
    r.target.repository = Some(Repository {
        prefix: "services/shop".into(),
        vcs: true,
        manifest: Some("pyproject.toml".into()),
        readme: Some("README.md".into()),
        workflow: Some(".github/workflows/ci.yml".into()),
        config: Some("golive.toml".into()),
    });
    r
}

#[test]
fn sarif_follows_githubs_rules() {
    for report in [failing_report(), passing_report(), in_subfolder()] {
        let doc = sarif(&report);
        let errs = validate::sarif_github(&doc);
        assert!(errs.is_empty(), "GitHub would reject: {errs:#?}");
    }
}

#[test]
fn the_github_rules_can_fail() {
    let good = sarif(&failing_report());
    let broken = |f: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        f(&mut d);
        validate::sarif_github(&d)
    };
    let e = broken(&|d| {
        d["runs"][0]["results"][0]
            .as_object_mut()
            .unwrap()
            .remove("locations");
    });
    assert!(
        e.iter().any(|e| e.contains("at least one location")),
        "{e:?}"
    );
    let e = broken(&|d| {
        d["runs"][0]["results"][0]["locations"] =
            serde_json::json!([{ "logicalLocations": [{ "name": "http://x/" }] }]);
    });
    assert!(
        e.iter().any(|e| e.contains("expected artifact location")),
        "{e:?}"
    );
    let e = broken(&|d| {
        d["runs"][0]["tool"]["driver"]["rules"][0]["fullDescription"]["text"] =
            Value::String("x".repeat(1025));
    });
    assert!(e.iter().any(|e| e.contains("1025 characters")), "{e:?}");
    let e = broken(&|d| {
        d["runs"][0]
            .as_object_mut()
            .unwrap()
            .remove("automationDetails");
    });
    assert!(e.iter().any(|e| e.contains("automationDetails")), "{e:?}");
    let e = broken(&|d| {
        d["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] =
            Value::String("file:///home/me/repo/".into());
    });
    assert!(e.iter().any(|e| e.contains("local absolute path")), "{e:?}");
    let e = broken(&|d| {
        let loc = d["runs"][0]["results"][0]["locations"][0].clone();
        d["runs"][0]["results"][0]["locations"] = Value::Array(vec![loc; 11]);
    });
    assert!(e.iter().any(|e| e.contains("11 locations")), "{e:?}");
}

#[test]
fn every_result_is_at_a_file_of_the_repository() {
    let doc = sarif(&in_subfolder());
    let run = &doc["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "golive/audit/");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].get("uri").is_none());
    assert_eq!(
        run["tool"]["driver"]["informationUri"],
        golive_report::PROJECT_URL
    );
    let results = run["results"].as_array().unwrap();
    let uri = |id: &str| -> Vec<String> {
        results
            .iter()
            .filter(|r| r["ruleId"] == id)
            .map(|r| {
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    // File evidence: the path from the repository root.
    assert!(uri("secrets.hardcoded").contains(&"services/shop/src/config.py".to_string()));
    // Repository-level findings: the file they are about.
    assert_eq!(uri("perf.load-test"), ["services/shop/pyproject.toml"]);
    assert_eq!(uri("db.migrations"), ["services/shop/pyproject.toml"]);
    assert_eq!(uri("config.env-example"), ["services/shop/pyproject.toml"]);
    // A live finding: golive.toml, with the request kept as a logical location and in the text.
    let health = results
        .iter()
        .find(|r| r["ruleId"] == "observability.health-route")
        .unwrap();
    let loc = &health["locations"][0];
    assert_eq!(loc["physicalLocation"]["region"]["startLine"], 1);
    assert_eq!(loc["logicalLocations"][0]["name"], "/health");
    assert!(
        health["message"]["text"]
            .as_str()
            .unwrap()
            .contains("GET http://127.0.0.1:8080/health → 500")
    );
    assert_eq!(health["properties"]["anchored"], true);
}

#[test]
fn repository_level_findings_go_to_the_file_they_are_about() {
    let c = Catalog::builtin();
    let findings = vec![
        Finding::new(c.check("docs.readme"), Outcome::Fail, "README says nothing"),
        Finding::new(c.check("ci.config"), Outcome::Fail, "no CI"),
        Finding::new(c.check("probe.health"), Outcome::Fail, "no health route").with_evidence(
            Evidence::Http {
                method: "GET".into(),
                url: "http://127.0.0.1:4000/health".into(),
                status: Some(404),
                request_headers: vec![],
                response_headers: vec![],
                body_excerpt: None,
                elapsed_ms: Some(3.0),
            },
        ),
        Finding::new(c.check("tests.suite"), Outcome::Fail, "no tests"),
    ];
    let uris = |repo: Option<Repository>| -> Vec<(String, String)> {
        let mut r = build(findings.clone(), &Config::default());
        r.target.stacks.clear();
        r.target.repository = repo;
        let doc = sarif(&r);
        assert!(validate::sarif_github(&doc).is_empty());
        let mut v: Vec<(String, String)> = doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let full = Repository {
        prefix: String::new(),
        vcs: true,
        manifest: Some("package.json".into()),
        readme: Some("README.md".into()),
        workflow: Some(".github/workflows/build.yml".into()),
        config: Some("golive.toml".into()),
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        uris(Some(full.clone())),
        [
            pair("ci.config", ".github/workflows/build.yml"),
            pair("docs.readme", "README.md"),
            pair("probe.health", "golive.toml"),
            pair("tests.suite", "package.json"),
        ]
    );
    // Nothing fits: golive.toml, then README, then the manifest; golive.toml when there is none.
    let bare = Repository {
        readme: Some("README.md".into()),
        ..Default::default()
    };
    assert!(uris(Some(bare)).iter().all(|(_, u)| u == "README.md"));
    assert!(uris(None).iter().all(|(_, u)| u == "golive.toml"));
}

#[test]
fn fingerprints_do_not_depend_on_lines_or_ports_and_duplicates_are_numbered() {
    let c = Catalog::builtin();
    let report = |line: u32, port: u16| {
        let findings = vec![
            Finding::new(c.check("secrets.hardcoded"), Outcome::Fail, "key").with_evidence(
                Evidence::at_with_snippet("src/a.py", line, 1, "K = 'AK****'"),
            ),
            Finding::new(c.check("secrets.hardcoded"), Outcome::Fail, "key").with_evidence(
                Evidence::at_with_snippet("src/a.py", line + 5, 1, "K = 'AK****'"),
            ),
            Finding::new(c.check("probe.health"), Outcome::Fail, "no health route").with_evidence(
                Evidence::Http {
                    method: "GET".into(),
                    url: format!("http://127.0.0.1:{port}/health"),
                    status: Some(404),
                    request_headers: vec![],
                    response_headers: vec![],
                    body_excerpt: None,
                    elapsed_ms: None,
                },
            ),
        ];
        let doc = sarif(&build(findings, &Config::default()));
        let mut fps: Vec<String> = doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["primaryLocationLineHash"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        fps.sort();
        fps
    };
    let a = report(3, 4001);
    assert_eq!(a, report(40, 5999), "moved lines and a new port keep them");
    let secrets: Vec<&String> = a
        .iter()
        .filter(|f| f.ends_with(":1") || f.ends_with(":2"))
        .collect();
    assert_eq!(secrets.len(), 3);
    let mut bases: Vec<&str> = a.iter().map(|f| f.split(':').next().unwrap()).collect();
    bases.dedup();
    assert_eq!(
        bases.len(),
        2,
        "the same snippet twice: one hash, :1 and :2 — {a:?}"
    );
}

#[test]
fn sarif_passes_the_multitool_github_rules() {
    let Some(tool) = validate::require_multitool() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for (name, report) in [
        ("failing", failing_report()),
        ("passing", passing_report()),
        ("subfolder", in_subfolder()),
    ] {
        let path = dir.path().join(format!("{name}.sarif"));
        std::fs::write(&path, render(&report, Format::Sarif, &opts()).unwrap()).unwrap();
        let problems = validate::multitool(&tool, &path);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
    }
    // And it can fail: a result with no location is what GitHub rejects.
    let mut doc = sarif(&failing_report());
    doc["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("locations");
    let path = dir.path().join("broken.sarif");
    std::fs::write(&path, serde_json::to_string(&doc).unwrap()).unwrap();
    let problems = validate::multitool(&tool, &path);
    assert!(
        problems.iter().any(|p| p.starts_with("error GH")),
        "{problems:#?}"
    );
}

// ------------------------------------------------------------------------------- JUnit

#[test]
fn junit_is_valid_junit_10() {
    for report in [failing_report(), passing_report()] {
        let xml = render(&report, Format::Junit, &opts()).unwrap();
        let errs = validate::junit10(&xml);
        assert!(errs.is_empty(), "junit-10.xsd: {errs:#?}\n{xml}");
    }
}

#[test]
fn the_junit_10_check_can_fail() {
    let xml = render(&failing_report(), Format::Junit, &opts()).unwrap();
    let bad = xml.replacen("<testsuites ", "<testsuites skipped=\"1\" ", 1);
    let e = validate::junit10(&bad);
    assert!(
        e.iter()
            .any(|e| e.contains("`skipped` is not allowed on <testsuites>")),
        "{e:?}"
    );
    let bad = xml.replacen("<testcase name=", "<testcase label=", 1);
    let e = validate::junit10(&bad);
    assert!(
        e.iter().any(|e| e.contains("required attribute `name`")),
        "{e:?}"
    );
    let bad = xml.replacen("time=\"0\"", "time=\"1e3\"", 1);
    assert!(!validate::junit10(&bad).is_empty(), "bad SUREFIRE_TIME");
    let bad = xml.replacen("<testsuite ", "<suite ", 1);
    assert!(!validate::junit10(&bad).is_empty());
}

#[test]
fn junit_times_are_what_the_evidence_measured() {
    let c = Catalog::builtin();
    let findings = vec![
        Finding::new(c.check("load.throughput"), Outcome::Pass, "120 req/s")
            .with_evidence(Evidence::metric("requests", 240.0, None, None))
            .with_evidence(Evidence::metric("duration", 2.013, Some("s"), None)),
        Finding::new(c.check("probe.health"), Outcome::Pass, "200").with_evidence(Evidence::Http {
            method: "GET".into(),
            url: "http://127.0.0.1:9/health".into(),
            status: Some(200),
            request_headers: vec![],
            response_headers: vec![],
            body_excerpt: None,
            elapsed_ms: Some(250.0),
        }),
        Finding::new(c.check("docs.readme"), Outcome::Pass, "README"),
    ];
    let report = build(findings, &Config::default());
    let xml = render(&report, Format::Junit, &opts()).unwrap();
    assert!(validate::junit10(&xml).is_empty(), "{xml}");
    let case_time = |id: &str| -> String {
        let line = xml
            .lines()
            .find(|l| l.contains(&format!("<testcase name=\"{id}:")))
            .unwrap_or_else(|| panic!("no {id} in {xml}"));
        line.split("time=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(case_time("load.throughput"), "2.013");
    assert_eq!(case_time("probe.health"), "0.250");
    assert_eq!(case_time("docs.readme"), "0");
    let total = xml.lines().find(|l| l.starts_with("<testsuites ")).unwrap();
    assert!(total.contains("time=\"2.263\""), "{total}");
}

// ------------------------------------------------------------------------------- JSON

#[test]
fn the_committed_report_schema_is_the_generated_one() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/report-schema.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let mut generated = serde_json::to_string_pretty(&golive_core::report::json_schema()).unwrap();
    generated.push('\n');
    assert!(
        committed == generated,
        "docs/report-schema.json differs from the schema of the Rust types; regenerate it with\n    cargo run -q -p golive -- schema > docs/report-schema.json\nand update docs/report-schema.md if a field changed"
    );
}

#[test]
fn reports_validate_against_the_schema_and_the_check_can_fail() {
    let v = validate::report_schema();
    for report in [failing_report(), passing_report(), in_subfolder()] {
        let doc: Value =
            serde_json::from_str(&render(&report, Format::Json, &opts()).unwrap()).unwrap();
        let errs = validate::report_errors(&v, &doc);
        assert!(errs.is_empty(), "{errs:#?}");
    }
    let mut doc: Value =
        serde_json::from_str(&render(&failing_report(), Format::Json, &opts()).unwrap()).unwrap();
    doc["verdict"]["decision"] = Value::String("MAYBE".into());
    doc["findings"][0]["outcome"] = Value::String("passed".into());
    doc.as_object_mut().unwrap().remove("generated_at");
    let errs = validate::report_errors(&v, &doc);
    assert!(errs.len() >= 3, "{errs:#?}");
}

#[test]
fn every_field_of_the_schema_is_documented_in_report_schema_md() {
    let md = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/report-schema.md"
    ))
    .unwrap();
    fn fields(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(props)) = m.get("properties") {
                    out.extend(props.keys().cloned());
                }
                m.values().for_each(|x| fields(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| fields(x, out)),
            _ => {}
        }
    }
    let mut names = Vec::new();
    fields(&golive_core::report::json_schema(), &mut names);
    names.sort();
    names.dedup();
    assert!(names.len() > 50, "{names:?}");
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| {
            !["`", "\""]
                .iter()
                .any(|q| md.contains(&format!("{q}{n}{q}")) || md.contains(&format!("{q}{n}?")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "fields of the report schema not described in docs/report-schema.md: {missing:?}"
    );
}
