mod common;

use common::*;
use golive_core::Decision;
use golive_report::{Format, RenderOptions, render};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

fn opts() -> RenderOptions {
    RenderOptions::default()
}

// ---------------------------------------------------------------- SARIF

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json"))
        .expect("the SARIF schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let v = sarif_validator();
    for report in [failing_report(), passing_report()] {
        let text = render(&report, Format::Sarif, &opts()).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let errs = errors(&v, &doc);
        assert!(errs.is_empty(), "SARIF does not validate: {errs:#?}");
    }
}

#[test]
fn the_sarif_schema_check_can_fail() {
    let v = sarif_validator();
    let text = render(&failing_report(), Format::Sarif, &opts()).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["runs"][0]["results"][0]["level"] = Value::String("fatal".into());
    assert!(!errors(&v, &doc).is_empty(), "a bad level must be rejected");
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!errors(&v, &doc).is_empty(), "startLine 0 must be rejected");
}

#[test]
fn sarif_rules_results_levels_and_suppressions() {
    let report = failing_report();
    let doc: Value =
        serde_json::from_str(&render(&report, Format::Sarif, &opts()).unwrap()).unwrap();
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "golive");
    assert!(driver["informationUri"].as_str().is_some());
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(
        rules.len(),
        report.checks.len(),
        "one rule per check in the report"
    );
    let secrets = rules
        .iter()
        .find(|r| r["id"] == "secrets.hardcoded")
        .unwrap();
    assert_eq!(
        secrets["shortDescription"]["text"],
        report.checks["secrets.hardcoded"].title
    );
    assert!(
        secrets["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("Revoke")
    );
    assert_eq!(secrets["properties"]["security-severity"], "9.5");
    assert_eq!(secrets["properties"]["category"], "secrets");
    let docker = rules
        .iter()
        .find(|r| r["id"] == "docker.non-root-user")
        .unwrap();
    assert!(docker["properties"].get("security-severity").is_none());

    let results = run["results"].as_array().unwrap();
    let by = |id: &str| -> Vec<&Value> { results.iter().filter(|r| r["ruleId"] == id).collect() };
    // The counted secret is an error with a file location; the suppressed one carries suppressions.
    let sec = by("secrets.hardcoded");
    assert_eq!(sec.len(), 2);
    let counted = sec
        .iter()
        .find(|r| r.get("suppressions").is_none())
        .unwrap();
    assert_eq!(counted["level"], "error");
    assert_eq!(counted["message"]["text"], NASTY);
    let loc = &counted["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "src/config.py");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 3);
    assert_eq!(loc["region"]["startColumn"], 5);
    let sup = sec
        .iter()
        .find(|r| r.get("suppressions").is_some())
        .unwrap();
    assert_eq!(sup["suppressions"][0]["kind"], "external");
    assert_eq!(
        sup["suppressions"][0]["justification"],
        "fake keys used by the test suite"
    );
    // high fail → error, medium fail → warning, warn → note, inconclusive/error → open/none.
    assert_eq!(by("docker.non-root-user")[0]["level"], "error");
    assert_eq!(by("perf.load-test")[0]["level"], "warning");
    assert_eq!(by("docs.readme")[0]["level"], "note");
    assert_eq!(by("db.migrations")[0]["kind"], "open");
    assert_eq!(by("db.migrations")[0]["level"], "none");
    let health = by("observability.health-route")[0];
    // Evidence from a request: a file location of the repository, and the request.
    assert_eq!(
        health["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "GET http://127.0.0.1:8080/health"
    );
    assert_eq!(
        health["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "pyproject.toml",
        "observability.health-route is a scan check: the stack's manifest"
    );
    assert_eq!(health["properties"]["evidence"][0]["status"], 500);
    // Pass and not-applicable are not results.
    assert!(by("tests.suite").is_empty());
    assert!(by("ci.config").is_empty());
    // The invocation records the exit code and that a check errored.
    let inv = &run["invocations"][0];
    assert_eq!(inv["exitCode"], 2);
    assert_eq!(inv["executionSuccessful"], false);
    let clean: Value =
        serde_json::from_str(&render(&passing_report(), Format::Sarif, &opts()).unwrap()).unwrap();
    assert_eq!(
        clean["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    assert_eq!(clean["runs"][0]["invocations"][0]["exitCode"], 0);
    assert!(clean["runs"][0]["results"].as_array().unwrap().is_empty());
}

// ---------------------------------------------------------------- JUnit

#[derive(Debug, Default)]
struct Suite {
    name: String,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    cases: Vec<(String, String, Option<String>, String)>, // name, classname, kind, text
}

fn attr(e: &quick_xml::events::BytesStart, key: &str) -> String {
    e.attributes()
        .filter_map(Result::ok)
        .find(|a| a.key.as_ref() == key.as_bytes())
        .map(|a| a.unescape_value().unwrap().to_string())
        .unwrap_or_default()
}

fn parse_junit(xml: &str) -> (usize, usize, usize, usize, Vec<Suite>) {
    let mut reader = Reader::from_str(xml);
    let mut suites: Vec<Suite> = Vec::new();
    let mut totals = (0, 0, 0, 0usize);
    loop {
        match reader.read_event().expect("JUnit XML parses") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let n = e.name();
                match n.as_ref() {
                    b"testsuites" => {
                        // junit-10.xsd has no `skipped` on <testsuites>: it is the suites' sum.
                        assert_eq!(attr(&e, "skipped"), "", "no skipped on <testsuites>");
                        totals = (
                            attr(&e, "tests").parse().unwrap(),
                            attr(&e, "failures").parse().unwrap(),
                            attr(&e, "errors").parse().unwrap(),
                            0,
                        )
                    }
                    b"testsuite" => suites.push(Suite {
                        name: attr(&e, "name"),
                        tests: attr(&e, "tests").parse().unwrap(),
                        failures: attr(&e, "failures").parse().unwrap(),
                        errors: attr(&e, "errors").parse().unwrap(),
                        skipped: attr(&e, "skipped").parse().unwrap(),
                        cases: vec![],
                    }),
                    b"testcase" => suites.last_mut().unwrap().cases.push((
                        attr(&e, "name"),
                        attr(&e, "classname"),
                        None,
                        String::new(),
                    )),
                    k @ (b"failure" | b"error" | b"skipped") => {
                        let case = suites.last_mut().unwrap().cases.last_mut().unwrap();
                        case.2 = Some(String::from_utf8_lossy(k).to_string());
                        case.3.push_str(&attr(&e, "message"));
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some(case) = suites.last_mut().and_then(|s| s.cases.last_mut()) {
                    case.3.push_str(&t.decode().unwrap());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(case) = suites.last_mut().and_then(|s| s.cases.last_mut()) {
                    let name = r.decode().unwrap();
                    let ch = match name.as_ref() {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" | "#39" => "'",
                        other => panic!("unexpected entity {other}"),
                    };
                    case.3.push_str(ch);
                }
            }
            _ => {}
        }
    }
    let skipped = suites.iter().map(|s| s.skipped).sum();
    (totals.0, totals.1, totals.2, skipped, suites)
}

#[test]
fn junit_parses_with_consistent_counts_and_escaping() {
    let report = failing_report();
    let xml = render(&report, Format::Junit, &opts()).unwrap();
    let (tests, failures, errors, skipped, suites) = parse_junit(&xml);
    let sum = |f: fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    assert_eq!(tests, sum(|s| s.tests));
    assert_eq!(failures, sum(|s| s.failures));
    assert_eq!(errors, sum(|s| s.errors));
    assert_eq!(skipped, sum(|s| s.skipped));
    for s in &suites {
        assert_eq!(s.tests, s.cases.len(), "suite {}", s.name);
        let count = |k: &str| s.cases.iter().filter(|c| c.2.as_deref() == Some(k)).count();
        assert_eq!(s.failures, count("failure"), "suite {}", s.name);
        assert_eq!(s.errors, count("error"), "suite {}", s.name);
        assert_eq!(s.skipped, count("skipped"), "suite {}", s.name);
        assert!(
            s.cases.iter().all(|c| c.1 == s.name),
            "classname = category"
        );
    }
    // One testcase per check result.
    assert_eq!(tests, report.results.len());
    let case = |id: &str| {
        suites
            .iter()
            .flat_map(|s| s.cases.iter())
            .find(|c| c.0.starts_with(&format!("{id}: ")))
            .unwrap_or_else(|| panic!("no testcase for {id}"))
            .clone()
    };
    let sec = case("secrets.hardcoded");
    assert_eq!(sec.2.as_deref(), Some("failure"));
    assert!(sec.3.contains(NASTY), "escaped text round-trips: {}", sec.3);
    assert!(sec.3.contains("src/config.py:3:5"));
    assert_eq!(case("config.env-example").2.as_deref(), Some("failure"));
    assert_eq!(
        case("observability.health-route").2.as_deref(),
        Some("error")
    );
    assert_eq!(case("ci.config").2.as_deref(), Some("skipped"));
    assert_eq!(case("db.migrations").2.as_deref(), Some("skipped"));
    assert_eq!(case("tests.suite").2, None);
    assert_eq!(case("docs.readme").2, None, "a warning passes");
    assert!(
        case("docs.readme").3.contains("<script>"),
        "text is escaped and round-trips"
    );
    assert!(!xml.contains("<script>"));
}

// ---------------------------------------------------------------- HTML

#[test]
fn html_is_self_contained_and_escaped() {
    let html = render(&failing_report(), Format::Html, &opts()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // exactly one script: golive's own inline filter script, with no source elsewhere
    assert_eq!(
        html.matches("<script").count(),
        1,
        "report text must be escaped"
    );
    assert!(html.contains("<script>\n(function(){"));
    assert!(!html.contains("<script src"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("AWS key &lt;&amp;&quot;&gt;&#39; found"));
    for external in ["<link", "src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(external), "external asset: {external}");
    }
    assert!(html.contains("<svg"), "category bars as inline SVG");
    assert!(html.contains("class=\"badge no-go\">NO-GO<"));
    assert!(html.contains("Action plan"));
    assert!(
        html.contains("fake keys used by the test suite"),
        "suppressed with reason"
    );
    assert!(html.contains("golive.toml:"), "where the suppression is");
    // every check links to its explanation in the same file
    for c in failing_report().checks.keys() {
        assert!(html.contains(&format!("id=\"check-{c}\"")), "{c} explained");
    }
    assert!(html.contains("href=\"#check-secrets.hardcoded\""));
    assert!(html.contains("<form id=\"filters\""));
    // the blockers are named in the verdict card
    assert!(html.contains("<table id=\"blockers\">"));
    let go = render(&passing_report(), Format::Html, &opts()).unwrap();
    assert!(go.contains("class=\"badge go\">GO<"));
    assert!(!go.contains("Action plan"));
}

// ---------------------------------------------------------------- Markdown

#[test]
fn markdown_has_every_section() {
    let report = failing_report();
    assert_eq!(report.verdict.decision, Decision::NoGo);
    let md = render(&report, Format::Markdown, &opts()).unwrap();
    assert!(md.contains("**NO-GO**"));
    assert!(md.contains(&format!("score **{:.0}/100**", report.score.unwrap())));
    assert!(md.contains("## Categories"));
    assert!(md.contains("| Secrets | 0 |"));
    assert!(md.contains("| Performance | 0 |"));
    assert!(md.contains("| Database | n/a |"), "inconclusive only → n/a");
    assert!(md.contains("### CRITICAL"));
    assert!(md.contains("`src/config.py:3:5`"));
    assert!(md.contains("**Fix.** Revoke"));
    assert!(md.contains("## Action plan"));
    assert!(md.contains("- [ ] **CRITICAL** `secrets.hardcoded`"));
    assert!(md.contains("## Suppressed (1)"));
    assert!(md.contains("fake keys used by the test suite"));
    assert!(md.contains("## Notices"));
    assert!(!md.contains("<script>"), "raw HTML is escaped in Markdown");
    let clean = render(&passing_report(), Format::Markdown, &opts()).unwrap();
    assert!(clean.contains("**GO**"));
    assert!(clean.contains("No failing, warning or undecided check."));
}

// ---------------------------------------------------------------- Terminal

#[test]
fn terminal_shows_header_verdict_findings_and_plan() {
    let report = failing_report();
    let verbose = render(
        &report,
        Format::Terminal,
        &RenderOptions {
            verbose: true,
            ..opts()
        },
    )
    .unwrap();
    assert!(!verbose.contains('\x1b'), "no colour unless asked");
    for needle in [
        "shop-api",
        "fixtures/shop-api",
        "python (django)",
        "scan",
        "2026-11-21 08:00:00 UTC",
        " NO-GO ",
        &report.readiness,
        "secrets.hardcoded",
        "src/config.py:3:5",
        "GET http://127.0.0.1:8080/health → 500",
        "p95 = 350ms (threshold <200ms)",
        "Action plan",
        "Phase 1 — critical blockers",
        "Suppressed",
        "fake keys used by the test suite",
        "golive.toml:",
        "inline suppression at src/x.py:4",
        "Skipped 1 file(s)",
        "assets/big.bin",
        "Passed over 1 binary file(s)",
        "pytest suite found",
    ] {
        assert!(verbose.contains(needle), "missing {needle:?} in\n{verbose}");
    }
    for reason in &report.verdict.reasons {
        let start: String = reason.chars().take(20).collect();
        assert!(verbose.contains(&start), "reason {reason}");
    }

    // The default view: verdict, reasons, named blockers with file:line, the category bars,
    // the plan's top, and nothing printed twice.
    let text = render(&report, Format::Terminal, &opts()).unwrap();
    for needle in [
        " NO-GO ",
        &report.readiness,
        "Blockers for",
        "src/config.py:3:5",
        "Categories",
        "Action plan",
        "1 finding(s) suppressed",
        "Skipped 1 file(s)",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    for reason in &report.verdict.reasons {
        let start: String = reason.chars().take(20).collect();
        assert!(text.contains(&start), "reason {reason}");
    }
    for b in &report.stages[1].blockers {
        assert!(
            text.lines().any(|l| l.contains(&format!(" {b} "))),
            "blocker {b} named on its own line:\n{text}"
        );
    }
    // every check id shows at most twice: once in the readiness/reasons, once on its line
    for r in &report.results {
        let lines = text
            .lines()
            .filter(|l| l.trim_start().starts_with(['✗', '?', '!', '☐', '⚠']) || l.contains(". "))
            .filter(|l| l.contains(&format!(" {} ", r.check)))
            .count();
        assert!(lines <= 1, "{} listed {lines} times:\n{text}", r.check);
    }
    // Passes, evidence snippets and skipped paths are verbose-only.
    assert!(!text.contains("pytest suite found"));
    assert!(!text.contains("assets/big.bin"));
    // binary files are routine: not even counted in the default view
    assert!(!text.contains("logo.png") && !text.contains("binary"));
    assert!(text.lines().count() < verbose.lines().count());

    // --quiet: the verdict line only.
    let quiet = render(
        &report,
        Format::Terminal,
        &RenderOptions {
            quiet: true,
            ..opts()
        },
    )
    .unwrap();
    assert_eq!(quiet.lines().count(), 1, "{quiet}");
    assert!(quiet.starts_with("NO-GO score ") && quiet.contains(&report.readiness));
}

#[test]
fn terminal_colour_and_width() {
    let report = failing_report();
    let coloured = render(
        &report,
        Format::Terminal,
        &RenderOptions {
            color: true,
            ..opts()
        },
    )
    .unwrap();
    assert!(
        coloured.contains("\x1b[1;97;41m NO-GO \x1b[0m"),
        "NO-GO in red"
    );
    let go = render(
        &passing_report(),
        Format::Terminal,
        &RenderOptions {
            color: true,
            ..opts()
        },
    )
    .unwrap();
    assert!(go.contains("\x1b[1;30;42m GO \x1b[0m"), "GO in green");
    for (width, verbose) in [60, 80, 120]
        .into_iter()
        .flat_map(|w| [(w, true), (w, false)])
    {
        let text = render(
            &report,
            Format::Terminal,
            &RenderOptions {
                width,
                color: true,
                verbose,
                ..opts()
            },
        )
        .unwrap();
        for line in strip_ansi(&text).lines() {
            let w = line.chars().count();
            assert!(w <= width, "line of {w} columns at width {width}: {line:?}");
        }
    }
}

#[test]
fn json_round_trips() {
    let report = failing_report();
    let text = render(&report, Format::Json, &opts()).unwrap();
    let back: golive_core::Report = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
    assert_eq!(back.schema, "golive.report/v1");
}

#[test]
fn html_turns_code_spans_into_code_and_still_escapes() {
    let html = render(&failing_report(), Format::Html, &opts()).unwrap();
    // The catalog's remediation for docker.non-root-user mentions `USER`.
    assert!(html.contains("<code>USER"), "code spans rendered");
    assert!(!html.contains("`USER"), "no raw backticks left around code");
}

#[test]
fn a_check_whose_findings_are_all_suppressed_is_skipped_in_junit_and_na_in_terminal() {
    let c = golive_core::Catalog::builtin();
    let findings = vec![
        golive_core::Finding::new(
            c.check("secrets.hardcoded"),
            golive_core::Outcome::Fail,
            "AWS key in a fixture",
        )
        .with_evidence(golive_core::Evidence::at("tests/keys.py", 2, 1)),
    ];
    let report = build(findings, &config(SUPPRESS));
    assert!(report.results.is_empty());
    assert_eq!(report.suppressed.len(), 1);
    let xml = render(&report, Format::Junit, &opts()).unwrap();
    let (tests, failures, _, skipped, suites) = parse_junit(&xml);
    assert_eq!((tests, failures, skipped), (1, 0, 1));
    let case = &suites[0].cases[0];
    assert_eq!(case.2.as_deref(), Some("skipped"));
    assert!(
        case.3
            .contains("suppressed: fake keys used by the test suite")
    );
    let text = render(&report, Format::Terminal, &opts()).unwrap();
    let secrets = text
        .lines()
        .find(|l| l.trim_start().starts_with("Secrets"))
        .expect("the category is shown");
    assert!(
        secrets.contains("n/a") && secrets.contains("1 suppressed"),
        "{secrets}"
    );
    // the default view counts the suppressed finding; --verbose shows where it is
    assert!(text.contains("1 finding(s) suppressed"), "{text}");
    let full = render(
        &report,
        Format::Terminal,
        &RenderOptions {
            verbose: true,
            ..opts()
        },
    )
    .unwrap();
    assert!(full.contains("tests/keys.py:2:1"), "{full}");
    assert!(
        text.contains("not assessed: Configuration, Security, Tests"),
        "{text}"
    );
}
