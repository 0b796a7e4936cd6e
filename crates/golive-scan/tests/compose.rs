//! Docker Compose checks (`compose.*`) on the fixture repositories in `fixtures/deploy/`.

use golive_core::{Catalog, Finding, Outcome};

mod support;
use support::deploy::*;

/// The finding of a check whose message names a service.
fn service<'a>(fs: &'a [Finding], check: &str, name: &str) -> &'a Finding {
    let needle = format!("service `{name}`");
    of(fs, check)
        .into_iter()
        .find(|f| f.message.contains(&needle))
        .unwrap_or_else(|| panic!("no {check} finding for service {name}"))
}

fn line(f: &Finding) -> u32 {
    f.primary_location().and_then(|(_, l)| l).unwrap_or(0)
}

const COMPOSE_CHECKS: &[&str] = &[
    "compose.parse",
    "compose.healthcheck",
    "compose.restart-policy",
    "compose.hardcoded-password",
];

#[test]
fn every_compose_check_is_in_the_catalog() {
    for id in COMPOSE_CHECKS {
        assert!(Catalog::builtin().get(id).is_some(), "{id} missing");
    }
}

#[test]
fn good_compose_passes() {
    let fs = audit(&fixture("compose-good"));
    for id in COMPOSE_CHECKS {
        assert_eq!(worst(&fs, id), Outcome::Pass, "{id}: {:#?}", of(&fs, id));
    }
    // `api` has no healthcheck in compose, but its Dockerfile declares one.
    let api = service(&fs, "compose.healthcheck", "api");
    assert_eq!(api.outcome, Outcome::Pass);
    assert!(api.message.contains("api/Dockerfile"), "{api:#?}");
    // `db` is located on its own definition, not on `api`'s `depends_on: db:`.
    assert_eq!(line(service(&fs, "compose.restart-policy", "db")), 13);
    // `migrate` is a one-shot task: neither healthcheck nor restart policy applies.
    assert_eq!(
        service(&fs, "compose.restart-policy", "migrate").outcome,
        Outcome::NotApplicable
    );
    let migrate = service(&fs, "compose.healthcheck", "migrate");
    assert_eq!(
        migrate.outcome,
        Outcome::Pass,
        "built from a Dockerfile with HEALTHCHECK"
    );
}

#[test]
fn compose_healthcheck_covers_the_dockerfile_it_builds() {
    let fs = audit(&fixture("compose-good"));
    let hc: Vec<&Finding> = of(&fs, "docker.healthcheck")
        .into_iter()
        .filter(|f| f.primary_location().map(|(p, _)| p) == Some("worker/Dockerfile"))
        .collect();
    assert_eq!(hc.len(), 1);
    assert_eq!(hc[0].outcome, Outcome::NotApplicable, "{hc:#?}");
    assert!(hc[0].message.contains("compose service `worker`"));
    assert_eq!(
        service(&fs, "compose.healthcheck", "worker").outcome,
        Outcome::Pass
    );
}

#[test]
fn bad_compose_fails_with_lines() {
    let fs = audit(&fixture("compose-bad"));
    // The override file is malformed YAML: a finding with its file and line.
    let broken: Vec<&Finding> = of(&fs, "compose.parse")
        .into_iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .collect();
    assert_eq!(broken.len(), 1, "{broken:#?}");
    assert_eq!(
        broken[0].primary_location().map(|(p, _)| p),
        Some("docker-compose.override.yml")
    );
    assert!((4..=6).contains(&line(broken[0])), "{broken:#?}");

    let web = service(&fs, "compose.healthcheck", "web");
    assert_eq!(web.outcome, Outcome::Fail);
    assert_eq!(line(web), 2);
    assert_eq!(
        service(&fs, "compose.healthcheck", "db").outcome,
        Outcome::Fail
    );
    let cache = service(&fs, "compose.healthcheck", "cache");
    assert_eq!(cache.outcome, Outcome::Fail);
    assert!(cache.message.contains("disables"));

    let restart = service(&fs, "compose.restart-policy", "web");
    assert_eq!(restart.outcome, Outcome::Fail);
    assert_eq!(
        service(&fs, "compose.restart-policy", "db").outcome,
        Outcome::Pass
    );

    let db = service(&fs, "compose.hardcoded-password", "db");
    assert_eq!(db.outcome, Outcome::Fail);
    assert_eq!(line(db), 13);
    let url = service(&fs, "compose.hardcoded-password", "web");
    assert_eq!(url.outcome, Outcome::Fail, "a password inside DATABASE_URL");
    assert_eq!(line(url), 7);
    assert!(!format!("{:?}", url.evidence).contains("supersecret123"));
    assert!(!format!("{:?}", db.evidence).contains("supersecret123"));
    let cache = service(&fs, "compose.hardcoded-password", "cache");
    assert_eq!(cache.outcome, Outcome::Warn, "a literal fallback");
    assert!(!format!("{:?}", cache.evidence).contains("devpass123"));
}

#[test]
fn no_compose_file_is_not_applicable() {
    let fs = audit(&fixture("docker-good"));
    for id in COMPOSE_CHECKS {
        assert_eq!(worst(&fs, id), Outcome::NotApplicable, "{id}");
    }
}

#[test]
fn compose_that_is_not_a_mapping_is_a_parse_failure() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  - web\n  - db\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("docker-compose.ci.yml"),
        [0xff, 0xfe, b':', b'\n'],
    )
    .expect("write");
    let fs = audit(dir.path());
    let parse = of(&fs, "compose.parse");
    let fail = parse
        .iter()
        .find(|f| f.primary_location().map(|(p, _)| p) == Some("compose.yaml"))
        .expect("compose.yaml finding");
    assert_eq!(fail.outcome, Outcome::Fail);
    assert!(fail.message.contains("`services` must be a mapping"));
    // Nothing could be read: the service checks cannot decide.
    assert_eq!(worst(&fs, "compose.healthcheck"), Outcome::Inconclusive);
}

#[test]
fn many_services_are_each_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("services:\n");
    let n = 3000;
    for i in 0..n {
        text.push_str(&format!(
            "  s{i}:\n    image: nginx:1.27\n    environment:\n      DB_PASSWORD: s3cret-{i}-value\n"
        ));
    }
    std::fs::write(dir.path().join("compose.yaml"), text).expect("write");
    let fs = audit(dir.path());
    let pw = of(&fs, "compose.hardcoded-password");
    assert_eq!(pw.len(), n);
    for i in [0, 1, n / 2, n - 1] {
        let f = service(&fs, "compose.hardcoded-password", &format!("s{i}"));
        // Service i starts on line 2 + 4i; its password is 3 lines below.
        assert_eq!(line(f), 2 + 4 * i as u32 + 3, "{}", f.message);
        assert_eq!(
            line(service(&fs, "compose.restart-policy", &format!("s{i}"))),
            2 + 4 * i as u32
        );
    }
}

#[test]
fn a_compose_file_that_does_not_parse_leaves_the_service_checks_undecided() {
    // An unclosed flow sequence on line 5 (the parser stops at the next token, line 6): the
    // services of the file are unknown, so "no
    // password written in 0 compose service(s)" would be a guess.
    let good = "services:\n  db:\n    image: postgres:16\n    restart: always\n    ports: [\"5432:5432\"]\n    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready\"]\n";
    let bad = good.replace("[\"5432:5432\"]", "[\"5432:5432\"");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("compose.yaml"), &bad).expect("write");
    let fs = audit(dir.path());
    let parse = of(&fs, "compose.parse");
    assert_eq!(parse.len(), 1, "{parse:#?}");
    assert_eq!(parse[0].outcome, Outcome::Fail);
    assert!(
        parse[0]
            .message
            .starts_with("compose.yaml:6:5: invalid YAML"),
        "{parse:#?}"
    );
    for id in &COMPOSE_CHECKS[1..] {
        let f = of(&fs, id);
        assert_eq!(f.len(), 1, "{id}: {f:#?}");
        assert_eq!(f[0].outcome, Outcome::Inconclusive, "{id}: {f:#?}");
        assert!(
            f[0].message
                .starts_with("could not decide: compose.yaml at line 6 does not parse"),
            "{f:#?}"
        );
    }
    // Next to a compose file that parses, the broken one still keeps them from passing.
    std::fs::write(dir.path().join("compose.override.yaml"), good).expect("write");
    let fs = audit(dir.path());
    for id in &COMPOSE_CHECKS[1..] {
        assert_eq!(worst(&fs, id), Outcome::Inconclusive, "{id}");
    }
    // The correct side: both parse, every service check is decided.
    std::fs::write(dir.path().join("compose.yaml"), good).expect("write");
    let fs = audit(dir.path());
    for id in COMPOSE_CHECKS {
        assert_eq!(worst(&fs, id), Outcome::Pass, "{id}: {:#?}", of(&fs, id));
    }
}

#[test]
fn a_compose_file_the_walk_did_not_read_is_not_no_compose_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from(
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: Zq8kLp2vR7wX\n",
    );
    text.push_str(&"# padding\n".repeat(400));
    std::fs::write(dir.path().join("docker-compose.yml"), &text).expect("write");
    let mut opts = golive_scan::ScanOptions::new(dir.path());
    opts.scan.max_file_size = 1024;
    let fs = golive_scan::scan(&opts).expect("scan").findings;
    let parse = of(&fs, "compose.parse");
    assert_eq!(parse[0].outcome, Outcome::Fail, "{parse:#?}");
    assert!(
        parse[0]
            .message
            .starts_with("docker-compose.yml: not read: larger than the 1024-byte limit"),
        "{parse:#?}"
    );
    for id in &COMPOSE_CHECKS[1..] {
        assert_eq!(
            worst(&fs, id),
            Outcome::Inconclusive,
            "{id}: {:#?}",
            of(&fs, id)
        );
    }
    // Read in full, the file is judged: its literal password fails.
    let fs = audit(dir.path());
    assert_eq!(worst(&fs, "compose.parse"), Outcome::Pass);
    assert_eq!(worst(&fs, "compose.hardcoded-password"), Outcome::Fail);
}

#[test]
fn interpolations_and_placeholders_are_not_passwords() {
    // `${VAR:?message}` is an interpolation that refuses to start without VAR; an ALL_CAPS name
    // is a value to fill in (kustomize and envsubst replace it). Neither is a written password.
    let quiet = "services:\n  db:\n    image: postgres:16\n    restart: always\n    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready\"]\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?Variable not set}\n      SECRET_KEY: ${SECRET_KEY?set it in .env}\n      GOOGLE_API_KEY: GOOGLE_API_KEY_VAL\n      STRIPE_KEY: REPLACE_ME\n";
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("compose.yaml"), quiet).expect("write");
    let fs = audit(dir.path());
    assert_eq!(
        worst(&fs, "compose.hardcoded-password"),
        Outcome::Pass,
        "{:#?}",
        of(&fs, "compose.hardcoded-password")
    );
    assert!(
        of(&fs, "secrets.hardcoded")
            .iter()
            .all(|f| f.outcome != Outcome::Fail),
        "{:#?}",
        of(&fs, "secrets.hardcoded")
    );
    // The other side: a literal password and a literal fallback are still found.
    let loud = quiet
        .replace(
            "GOOGLE_API_KEY_VAL",
            "AIzaSyD9kq3Xw7Lm2Np8Rt5Vb1Hc6Jf0Gs4Ye2U",
        )
        .replace(
            "${POSTGRES_PASSWORD:?Variable not set}",
            "${POSTGRES_PASSWORD:-q8Vn3Lz7Tr1Wm5Kp}",
        );
    std::fs::write(dir.path().join("compose.yaml"), loud).expect("write");
    let fs = audit(dir.path());
    assert_eq!(worst(&fs, "compose.hardcoded-password"), Outcome::Fail);
    assert!(
        of(&fs, "secrets.hardcoded")
            .iter()
            .any(|f| f.outcome == Outcome::Fail),
        "{:#?}",
        of(&fs, "secrets.hardcoded")
    );
}
