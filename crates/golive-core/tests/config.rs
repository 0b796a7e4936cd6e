//! golive.toml behaviour: validation errors name the key and line, overrides and suppressions
//! change the report exactly as docs/configuration.md says.

use golive_core::config::template;
use golive_core::{
    Catalog, Config, Decision, Evidence, Finding, Outcome, Report, ReportBuilder, Severity, Stack,
    Target,
};
use time::macros::datetime;

fn parse(text: &str) -> Result<Config, String> {
    Config::parse(text, "golive.toml", Catalog::builtin()).map_err(|e| e.to_string())
}

fn err(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

fn build(findings: Vec<Finding>, cfg: &Config) -> Report {
    let mut b = ReportBuilder::new(Target {
        name: "t".into(),
        ..Default::default()
    });
    b.at(datetime!(2026-06-15 12:00 UTC));
    b.collector("scan", findings);
    b.build(Catalog::builtin(), cfg)
}

fn f(id: &str, o: Outcome, path: &str, line: u32) -> Finding {
    Finding::new(Catalog::builtin().check(id), o, format!("{id} at {path}"))
        .with_evidence(Evidence::at(path, line, 1))
}

// ------------------------------------------------------------------ validation

#[test]
fn unknown_key_names_the_key_and_line() {
    let e = err("[project]\nname = \"x\"\n\n[scan]\nincldue = [\"src/**\"]\n");
    assert!(e.contains("incldue"), "{e}");
    assert!(e.contains("line 5"), "{e}");
    assert!(e.starts_with("golive.toml:"), "{e}");

    let e = err("[project]\nname = \"x\"\ncolour = true\n");
    assert!(e.contains("colour") && e.contains("line 3"), "{e}");

    let e = err("[polcy]\nno_go_below = 50\n");
    assert!(e.contains("polcy") && e.contains("line 1"), "{e}");
}

#[test]
fn bad_values_are_errors() {
    let e = err("[checks.\"docs.readme\"]\nseverity = \"urgent\"\n");
    assert!(e.contains("urgent"), "{e}");
    assert!(e.contains("line 2"), "{e}");

    let e = err("[policy]\nno_go_below = 150\n");
    assert!(e.contains("no_go_below") && e.contains("150"), "{e}");

    let e = err("[policy]\nno_go_below = 90\nattention_below = 80\n");
    assert!(
        e.contains("no_go_below") && e.contains("attention_below"),
        "{e}"
    );

    let e = err("[policy]\nfail_on = \"sometimes\"\n");
    assert!(e.contains("sometimes"), "{e}");

    let e = err("[scan]\nmax_file_size = \"lots\"\n");
    assert!(e.contains("lots") && e.contains("line 2"), "{e}");

    let e = err("[project\nname = 1\n");
    assert!(e.contains("line 1"), "malformed TOML names the line: {e}");
}

#[test]
fn unknown_check_ids_get_a_did_you_mean() {
    let e = err("[checks.\"docker.non-root\"]\nenabled = false\n");
    assert!(e.contains("docker.non-root"), "{e}");
    assert!(e.contains("did you mean"), "{e}");
    assert!(e.contains("docker.non-root-user"), "{e}");
    assert!(e.contains("line 1"), "{e}");

    let e = err("[[suppress]]\ncheck = \"secrets.hardcode\"\nreason = \"x\"\n");
    assert!(e.contains("did you mean"), "{e}");
    assert!(e.contains("secrets.hardcoded"), "{e}");
    assert!(e.contains("line 2"), "{e}");

    let e = err("[[suppress]]\ncheck = \"nosuch.*\"\nreason = \"x\"\n");
    assert!(e.contains("nosuch.*"), "{e}");
}

#[test]
fn suppression_needs_a_reason() {
    let e = err("[[suppress]]\ncheck = \"secrets.hardcoded\"\n");
    assert!(e.contains("reason"), "{e}");
    let e = err("[[suppress]]\ncheck = \"secrets.hardcoded\"\nreason = \"   \"\n");
    assert!(e.contains("reason") && e.contains("line 2"), "{e}");
    let e =
        err("[[suppress]]\ncheck = \"secrets.hardcoded\"\nreason = \"x\"\npaths = [\"src/[\"]\n");
    assert!(e.contains("bad glob"), "{e}");
}

#[test]
fn valid_config_parses() {
    let cfg = parse(
        r#"
[project]
name = "shop"
[scan]
exclude = ["vendor/**"]
max_file_size = "512KiB"
[policy]
no_go_below = 50
attention_below = 75
fail_on = "attention"
[checks."docs.readme"]
severity = "low"
[[suppress]]
check = "secrets.*"
paths = ["tests/**"]
reason = "fixtures"
expires = 2030-01-01
"#,
    )
    .unwrap();
    assert_eq!(cfg.project.name.as_deref(), Some("shop"));
    assert_eq!(cfg.scan.max_file_size, 512 * 1024);
    assert_eq!(cfg.policy.no_go_below, 50.0);
    assert_eq!(cfg.suppress.len(), 1);
}

// ------------------------------------------------------------------ effects on the report

#[test]
fn disabled_check_is_removed_and_listed() {
    let findings = || {
        vec![
            f("docs.readme", Outcome::Fail, "README.md", 1),
            f("tests.suite", Outcome::Pass, "package.json", 1),
        ]
    };
    let base = build(findings(), &Config::default());
    assert!(base.results.iter().any(|r| r.check == "docs.readme"));
    assert!(base.score.unwrap() < 100.0);

    let cfg = parse("[checks.\"docs.readme\"]\nenabled = false\n").unwrap();
    let r = build(findings(), &cfg);
    assert!(r.results.iter().all(|x| x.check != "docs.readme"));
    assert!(r.findings.iter().all(|x| x.check != "docs.readme"));
    assert_eq!(r.disabled, vec!["docs.readme".to_string()]);
    assert_eq!(r.score, Some(100.0));
}

#[test]
fn severity_override_changes_the_score_by_the_formula() {
    // docs.readme (medium, 5) fails; tests.suite (high, 7.5) passes.
    let findings = || {
        vec![
            f("docs.readme", Outcome::Fail, "README.md", 1),
            f("tests.suite", Outcome::Pass, "package.json", 1),
        ]
    };
    let base = build(findings(), &Config::default());
    let expect = 100.0 * 7.5 / (7.5 + 5.0);
    assert!(
        (base.score.unwrap() - expect).abs() < 1e-9,
        "{:?}",
        base.score
    );

    let cfg = parse("[checks.\"docs.readme\"]\nseverity = \"critical\"\n").unwrap();
    let r = build(findings(), &cfg);
    let expect = 100.0 * 7.5 / (7.5 + 10.0);
    assert!((r.score.unwrap() - expect).abs() < 1e-9, "{:?}", r.score);
    assert_eq!(r.findings[0].severity, Severity::Critical);
    assert_eq!(
        r.verdict.decision,
        Decision::NoGo,
        "a failing critical is NO-GO"
    );

    let cfg = parse("[checks.\"docs.readme\"]\nseverity = \"low\"\n").unwrap();
    let r = build(findings(), &cfg);
    let expect = 100.0 * 7.5 / (7.5 + 2.5);
    assert!((r.score.unwrap() - expect).abs() < 1e-9, "{:?}", r.score);
}

#[test]
fn path_glob_suppression_applies_only_there() {
    let cfg = parse(
        "[[suppress]]\ncheck = \"secrets.hardcoded\"\npaths = [\"tests/**\"]\nreason = \"fake keys for tests\"\n",
    )
    .unwrap();
    let r = build(
        vec![
            f(
                "secrets.hardcoded",
                Outcome::Fail,
                "tests/fixtures/keys.py",
                3,
            ),
            f("secrets.hardcoded", Outcome::Fail, "src/config.py", 7),
        ],
        &cfg,
    );
    assert_eq!(r.suppressed.len(), 1);
    assert_eq!(
        r.suppressed[0].primary_location(),
        Some(("tests/fixtures/keys.py", Some(3)))
    );
    let s = r.suppressed[0].suppressed.as_ref().unwrap();
    assert_eq!(s.reason, "fake keys for tests");
    assert_eq!(s.location.as_deref(), Some("golive.toml:2"));
    assert_eq!(r.findings.len(), 1);
    assert_eq!(
        r.findings[0].primary_location(),
        Some(("src/config.py", Some(7)))
    );
    assert_eq!(
        r.verdict.decision,
        Decision::NoGo,
        "the src/ secret still counts"
    );
}

#[test]
fn expired_suppression_stops_applying_and_says_so() {
    let text = |date: &str| {
        format!(
            "[[suppress]]\ncheck = \"docs.readme\"\nreason = \"docs sprint next month\"\nexpires = {date}\n"
        )
    };
    let findings = || vec![f("docs.readme", Outcome::Fail, "README.md", 1)];
    // The report is built on 2026-06-15.
    let live = build(findings(), &parse(&text("2026-07-01")).unwrap());
    assert_eq!(live.suppressed.len(), 1);
    assert!(live.notices.is_empty());
    assert_eq!(
        live.suppressed[0]
            .suppressed
            .as_ref()
            .unwrap()
            .expires
            .as_deref(),
        Some("2026-07-01")
    );

    let expired = build(findings(), &parse(&text("2026-06-01")).unwrap());
    assert!(expired.suppressed.is_empty());
    assert_eq!(expired.findings.len(), 1);
    assert_eq!(expired.notices.len(), 1);
    let n = &expired.notices[0];
    assert!(
        n.contains("docs.readme") && n.contains("expired") && n.contains("2026-06-01"),
        "{n}"
    );
    assert!(n.contains("golive.toml:2"), "the notice says where: {n}");
}

#[test]
fn suppressed_findings_never_raise_the_score() {
    let cfg = parse("[[suppress]]\ncheck = \"docs.readme\"\nreason = \"accepted for the beta\"\n")
        .unwrap();
    let with = vec![
        f("docs.readme", Outcome::Fail, "README.md", 1),
        f("tests.suite", Outcome::Fail, "package.json", 1),
        f("ci.config", Outcome::Pass, ".github/workflows/ci.yml", 1),
    ];
    let without: Vec<Finding> = with
        .iter()
        .filter(|x| x.check != "docs.readme")
        .cloned()
        .collect();
    let suppressed = build(with.clone(), &cfg);
    let absent = build(without, &Config::default());
    // Listed…
    assert_eq!(suppressed.suppressed.len(), 1);
    assert_eq!(suppressed.suppressed[0].check, "docs.readme");
    // …left out of the score, like an inconclusive check: exactly the score without the check.
    assert_eq!(suppressed.score, absent.score);
    assert_eq!(suppressed.categories, absent.categories);
    // And never above that: a suppressed failure does not count as a pass.
    let unsuppressed = build(with, &Config::default());
    assert!(suppressed.score.unwrap() <= absent.score.unwrap());
    assert!(unsuppressed.score.unwrap() <= suppressed.score.unwrap());
    // A category whose only finding is suppressed is n/a, not 100.
    let docs = suppressed
        .categories
        .iter()
        .find(|c| c.category == golive_core::Category::Documentation)
        .unwrap();
    assert_eq!(docs.score, None);
}

#[test]
fn prefix_suppression_covers_the_family_only() {
    let cfg = parse("[[suppress]]\ncheck = \"secrets.*\"\nreason = \"demo repo\"\n").unwrap();
    let r = build(
        vec![
            f("secrets.hardcoded", Outcome::Fail, "a.py", 1),
            f("secrets.private-key", Outcome::Fail, "id_rsa", 1),
            f("docs.readme", Outcome::Fail, "README.md", 1),
        ],
        &cfg,
    );
    assert_eq!(r.suppressed.len(), 2);
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].check, "docs.readme");
}

#[test]
fn project_name_from_config() {
    let cfg = parse("[project]\nname = \"storefront\"\n").unwrap();
    let r = build(vec![], &cfg);
    assert_eq!(r.target.name, "storefront");
}

// ------------------------------------------------------------------ golive init template

fn stack(lang: &str, fw: &[&str]) -> Stack {
    Stack {
        language: lang.into(),
        frameworks: fw.iter().map(|s| s.to_string()).collect(),
        manifests: vec![],
    }
}

#[test]
fn init_template_parses_for_every_stack() {
    let cases = vec![
        vec![],
        vec![stack("node", &["express"])],
        vec![stack("python", &["django"])],
        vec![stack("python", &["fastapi"]), stack("node", &[])],
        vec![stack("rust", &["axum"])],
        vec![stack("go", &["gin"])],
    ];
    for stacks in cases {
        let text = template::golive_toml("my \"quoted\" app", &stacks);
        let cfg = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(cfg.project.name.as_deref(), Some("my \"quoted\" app"));
        // Defaults stay defaults.
        assert_eq!(cfg.policy.no_go_below, 60.0);
        assert!(cfg.suppress.is_empty() && cfg.checks.is_empty());
        for section in [
            "[scan]",
            "[policy]",
            "[[suppress]]",
            "[probe]",
            "[load]",
            "[smoke]",
            "[checklist]",
        ] {
            assert!(text.contains(section), "{section} documented");
        }
    }
    let node = template::golive_toml("x", &[stack("node", &["express"])]);
    assert!(node.contains("node_modules/**"));
    assert!(node.contains("coverageThreshold"));
    let django = template::golive_toml("x", &[stack("python", &["django"])]);
    assert!(django.contains("config.django-allowed-hosts"));
    assert!(django.contains(".venv/**"));
}

#[test]
fn init_template_documented_settings_are_valid_when_uncommented() {
    // Uncomment the `key = value` lines of the sections that have no required field, and the
    // example override and suppression: what the template shows must be accepted.
    let text = template::golive_toml("x", &[stack("node", &["express"])]);
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        let uncomment = t.starts_with("# ")
            && (t[2..].starts_with("include =")
                || t[2..].starts_with("exclude =")
                || t[2..].starts_with("max_file_size =")
                || t[2..].starts_with("no_ignore =")
                || t[2..].starts_with("no_go_below =")
                || t[2..].starts_with("attention_below =")
                || t[2..].starts_with("min_score =")
                || t[2..].starts_with("fail_on =")
                || t[2..].starts_with("coverage_min =")
                || t[2..].starts_with("[checks.")
                || t[2..].starts_with("enabled =")
                || t[2..].starts_with("severity ="));
        if uncomment {
            let body = &t[2..];
            let body = match body.find(" (") {
                Some(i) if body.starts_with("coverage_min") => &body[..i],
                _ => body,
            };
            out.push_str(body);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    let cfg = parse(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert_eq!(cfg.scan.max_file_size, 2 * 1024 * 1024);
    assert_eq!(cfg.policy.min_score, Some(70.0));
    assert!(!cfg.enabled("docker.healthcheck"));
    assert_eq!(
        cfg.check_override("docs.readme").and_then(|o| o.severity),
        Some(Severity::Low)
    );
}

#[test]
fn every_example_in_docs_configuration_md_parses() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/configuration.md");
    let doc = std::fs::read_to_string(&path).expect("docs/configuration.md");
    let mut blocks = 0;
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("```toml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("closed code block");
        let text = &body[..end];
        parse(text).unwrap_or_else(|e| panic!("example does not parse: {e}\n{text}"));
        blocks += 1;
        rest = &body[end + 3..];
    }
    assert!(blocks >= 3, "found {blocks} examples");
}

#[test]
fn collector_section_values_are_checked_when_the_file_is_read() {
    let cat = golive_core::Catalog::builtin();
    let err = golive_core::Config::parse(
        "[project]\nname = \"x\"\n\n[probe]\nurl = \"http://127.0.0.1:8080\"\nrate_limit_burst = 900\n",
        "golive.toml",
        cat,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("line 6") && err.contains("rate_limit_burst") && err.contains("500"),
        "{err}"
    );
    let err = golive_core::Config::parse(
        "[load]\nurl = \"http://127.0.0.1:1/\"\nduration = \"ten seconds\"\n",
        "golive.toml",
        cat,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("line 3") && err.contains("[load] duration"),
        "{err}"
    );
    assert!(
        golive_core::Config::parse(
            "[probe]\ntimeout = \"5s\"\nrate_limit_burst = 50\n",
            "golive.toml",
            cat
        )
        .is_ok()
    );
}

// ------------------------------------------------------------- issue 12: nothing silently passed

#[test]
fn overlong_and_overflowing_durations_name_the_key_and_line() {
    // Used to panic (Duration::from_secs_f64 overflow) before the file was even validated.
    let e = err("[load]\nurl = \"http://127.0.0.1:1/\"\nduration = \"99999999999999999999h\"\n");
    assert!(e.contains("line 3") && e.contains("[load] duration"), "{e}");
    assert!(e.contains("100 years"), "{e}");
    // Accepted before, and a run of a year: refused, the limit and the way out named.
    let e = err("[load]\nurl = \"http://127.0.0.1:1/\"\nduration = \"365d\"\n");
    assert!(e.contains("line 3") && e.contains("limit of 24h"), "{e}");
    assert!(e.contains("allow_long_run"), "{e}");
    parse("[load]\nurl = \"http://127.0.0.1:1/\"\nduration = \"365d\"\nallow_long_run = true\n")
        .unwrap();
    parse("[load]\nurl = \"http://127.0.0.1:1/\"\nduration = \"24h\"\n").unwrap();
    let e = err("[load]\nurl = \"http://127.0.0.1:1/\"\nramp = \"0:10/20h,10:10/5h\"\n");
    assert!(
        e.contains("line 3") && e.contains("[load] ramp") && e.contains("25h"),
        "{e}"
    );
    let e = err("[load]\nurl = \"http://127.0.0.1:1/\"\ntimeout = \"11m\"\n");
    assert!(e.contains("line 3") && e.contains("limit of 10m"), "{e}");
    let e = err("[load]\nurl = \"http://127.0.0.1:1/\"\ntimeout = \"0s\"\n");
    assert!(e.contains("more than zero"), "{e}");
    let e = err("[probe]\nurl = \"http://127.0.0.1:1/\"\n\ntimeout = \"1e30\"\n");
    assert!(e.contains("line 4") && e.contains("[probe] timeout"), "{e}");
    let e = err("[probe]\ntimeout = \"1h\"\n");
    assert!(e.contains("line 2") && e.contains("limit of 10m"), "{e}");
}

#[test]
fn bad_urls_name_the_key_and_line() {
    let e = err("[project]\nname = \"x\"\n\n[probe]\nurl = \"localhost:8080\"\n");
    assert!(e.contains("line 5") && e.contains("[probe] url"), "{e}");
    let e = err("[probe]\nurl = \"http//nohost\"\n");
    assert!(e.contains("line 2") && e.contains("not a URL"), "{e}");
    let e = err("[probe.environments.staging]\nurl = \"ftp://example.com/\"\n");
    assert!(
        e.contains("line 2") && e.contains("[probe.environments.staging] url") && e.contains("ftp"),
        "{e}"
    );
    let e = err("[load]\n\nurl = \"not a url\"\n");
    assert!(e.contains("line 3") && e.contains("[load] url"), "{e}");
    let e = err("[smoke]\nbase_url = \"127.0.0.1\"\n");
    assert!(
        e.contains("line 2") && e.contains("[smoke] base_url"),
        "{e}"
    );
    parse("[probe]\nurl = \"https://api.example.com/\"\n[smoke]\nbase_url = \"http://[::1]:80\"\n")
        .unwrap();
}

#[test]
fn wrong_types_say_what_is_expected() {
    let e = err("[scan]\nmax_file_size = true\n");
    assert!(e.contains("line 2"), "{e}");
    assert!(
        e.contains("a size like \"1MiB\"") && e.contains("number of bytes"),
        "{e}"
    );
    assert!(!e.contains("untagged"), "{e}");
    let e = err("[scan]\nmax_file_size = \"99999999999999GiB\"\n");
    assert!(e.contains("line 2") && e.contains("too large"), "{e}");
}

#[test]
fn zero_latency_samples_is_refused_not_rounded_up() {
    let e = err("[probe]\nurl = \"http://127.0.0.1:1/\"\nlatency_samples = 0\n");
    assert!(e.contains("line 3") && e.contains("latency_samples"), "{e}");
    let e = err("[probe]\nlatency_samples = 5000\n");
    assert!(e.contains("between 1 and 1000"), "{e}");
    parse("[probe]\nlatency_samples = 1\n").unwrap();
}

#[test]
fn checklist_mapping_ids_are_checked_like_checks_sections() {
    let e = err(
        "[[checklist.mapping]]\nchecks = [\"probe.health\"]\nany = [\"ping\"]\n\n[[checklist.mapping]]\nchecks = [\"probe.healthz\"]\nany = [\"x\"]\n",
    );
    assert!(e.contains("line 6") && e.contains("#2"), "{e}");
    assert!(
        e.contains("probe.healthz") && e.contains("did you mean"),
        "{e}"
    );
    assert!(e.contains("`probe.health`"), "{e}");
    // Run-time ids (a checklist item, a smoke test) and known ids pass.
    parse("[[checklist.mapping]]\nchecks = [\"probe.health\", \"smoke.login\"]\nany = [\"x\"]\n")
        .unwrap();
    parse("[[checklist.mapping]]\nchecks = []\nany = [\"x\"]\n").unwrap();
}

#[test]
fn threshold_locations_point_at_the_entry() {
    let c = parse(
        "[load]\nurl = \"http://127.0.0.1:1/\"\nthresholds = [\n  \"p95<200ms\",\n  \"p95<abc\",\n]\n",
    )
    .unwrap();
    assert_eq!(
        c.load_threshold_location(1).as_deref(),
        Some("golive.toml:5")
    );
    assert_eq!(
        c.load_threshold_location(0).as_deref(),
        Some("golive.toml:4")
    );
    assert_eq!(c.load_threshold_location(2), None);
}
