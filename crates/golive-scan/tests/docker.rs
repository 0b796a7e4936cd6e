//! Dockerfile checks (`docker.*`) on the fixture repositories in `fixtures/deploy/` and on bad
//! input written to temporary directories.

use golive_core::{Catalog, Finding, Outcome};

mod support;
use support::deploy::*;

/// Findings of a check located in `path`.
fn at<'a>(fs: &'a [Finding], check: &str, path: &str) -> Vec<&'a Finding> {
    of(fs, check)
        .into_iter()
        .filter(|f| f.primary_location().map(|(p, _)| p) == Some(path))
        .collect()
}

fn lines(fs: &[&Finding], outcome: Outcome) -> Vec<u32> {
    fs.iter()
        .filter(|f| f.outcome == outcome)
        .filter_map(|f| f.primary_location().and_then(|(_, l)| l))
        .collect()
}

const DOCKER_CHECKS: &[&str] = &[
    "docker.dockerfile",
    "docker.parse",
    "docker.non-root-user",
    "docker.pinned-base-image",
    "docker.healthcheck",
    "docker.dockerignore",
    "docker.add-local",
    "docker.exec-form",
    "docker.package-hygiene",
    "docker.curl-pipe-shell",
    "docker.secrets-in-env",
    "docker.ssh-port",
];

#[test]
fn every_docker_check_is_in_the_catalog() {
    for id in DOCKER_CHECKS {
        assert!(Catalog::builtin().get(id).is_some(), "{id} missing");
    }
}

#[test]
fn good_dockerfile_passes_every_check() {
    let fs = audit(&fixture("docker-good"));
    for id in DOCKER_CHECKS {
        assert_eq!(worst(&fs, id), Outcome::Pass, "{id}: {:#?}", of(&fs, id));
    }
    // The ARG-substituted base image is judged with its pinned default.
    let pins = at(&fs, "docker.pinned-base-image", "Dockerfile");
    // Both stages, and the image `COPY --from=busybox:1.36-uclibc` pulls.
    assert_eq!(lines(&pins, Outcome::Pass), vec![4, 10, 22]);
    assert!(pins[0].message.contains("node:22.11-bookworm-slim"));
    assert!(pins[1].message.contains("digest"));
}

#[test]
fn bad_dockerfile_fails_with_lines() {
    let fs = audit(&fixture("docker-bad"));
    let df = "Dockerfile";
    let parse = at(&fs, "docker.parse", df);
    assert_eq!(lines(&parse, Outcome::Fail), vec![6], "{parse:#?}");
    assert!(
        parse[0]
            .message
            .contains("`//` is not a Dockerfile comment")
    );

    let user = at(&fs, "docker.non-root-user", df);
    assert_eq!(lines(&user, Outcome::Fail), vec![15]);

    let pins = at(&fs, "docker.pinned-base-image", df);
    // `FROM node`, `FROM python:latest`, `COPY --from=ghcr.io/acme/tools` (untagged).
    assert_eq!(lines(&pins, Outcome::Fail), vec![1, 7, 19]);
    assert!(pins[0].message.contains("no tag"));
    assert!(pins[1].message.contains("latest"));

    let hc = at(&fs, "docker.healthcheck", df);
    assert_eq!(lines(&hc, Outcome::Fail), vec![16]);
    assert!(hc[0].message.contains("HEALTHCHECK NONE"));

    assert_eq!(worst(&fs, "docker.dockerignore"), Outcome::Fail);
    assert_eq!(
        lines(&at(&fs, "docker.add-local", df), Outcome::Fail),
        vec![10]
    );
    assert_eq!(
        lines(&at(&fs, "docker.exec-form", df), Outcome::Fail),
        vec![17]
    );
    assert_eq!(
        lines(&at(&fs, "docker.package-hygiene", df), Outcome::Fail),
        vec![8]
    );
    let pkg = at(&fs, "docker.package-hygiene", df);
    assert!(pkg[0].message.contains("--no-install-recommends"));
    assert!(pkg[0].message.contains("/var/lib/apt/lists"));
    assert_eq!(
        lines(&at(&fs, "docker.curl-pipe-shell", df), Outcome::Fail),
        vec![9]
    );
    let secrets = at(&fs, "docker.secrets-in-env", df);
    // ENV DB_PASSWORD=… and a database URL with a password in it.
    assert_eq!(lines(&secrets, Outcome::Fail), vec![11, 18]);
    assert!(!format!("{:?}", secrets).contains("pgpass-123"));
    assert_eq!(lines(&secrets, Outcome::Warn), vec![12]);
    // The secret value is masked in the evidence.
    let shown = format!("{:?}", secrets[0].evidence);
    assert!(!shown.contains("hunter2-Zq8kLp2vR7"), "{shown}");
    assert_eq!(
        lines(&at(&fs, "docker.ssh-port", df), Outcome::Fail),
        vec![13]
    );
}

#[test]
fn stage_inheritance_distroless_and_build_args() {
    let fs = audit(&fixture("docker-variants"));
    // `FROM base` inherits `USER 10001` from the earlier stage.
    let api = at(&fs, "docker.non-root-user", "api/Dockerfile");
    assert_eq!(api.len(), 1);
    assert_eq!(api[0].outcome, Outcome::Pass, "{api:#?}");
    // A distroless :nonroot base runs as non-root without USER.
    let worker = at(&fs, "docker.non-root-user", "worker/Dockerfile");
    assert_eq!(worker[0].outcome, Outcome::Pass, "{worker:#?}");
    // USER from an ARG without default: undecidable.
    let tools = at(&fs, "docker.non-root-user", "Dockerfile.tools");
    assert_eq!(tools[0].outcome, Outcome::Inconclusive);
    let pins = at(&fs, "docker.pinned-base-image", "Dockerfile.tools");
    assert_eq!(pins[0].outcome, Outcome::Inconclusive, "{pins:#?}");
    // `FROM base` is a stage reference: fine.
    let api_pins = at(&fs, "docker.pinned-base-image", "api/Dockerfile");
    assert!(api_pins.iter().all(|f| f.outcome == Outcome::Pass));
    // `CMD exec …` delivers signals.
    assert_eq!(
        at(&fs, "docker.exec-form", "api/Dockerfile")[0].outcome,
        Outcome::Pass
    );
    // apk add without --no-cache.
    assert_eq!(
        at(&fs, "docker.package-hygiene", "Dockerfile.tools")[0].outcome,
        Outcome::Fail
    );
    // .dockerignore next to the Dockerfile, or at the root of the context.
    assert_eq!(
        at(&fs, "docker.dockerignore", "api/.dockerignore")[0].outcome,
        Outcome::Pass
    );
}

#[test]
fn healthcheck_not_applicable_when_kubernetes_probes_the_image() {
    let fs = audit(&fixture("docker-variants"));
    // api/Dockerfile builds `api`, which k8s/api.yaml deploys with probes.
    let api = at(&fs, "docker.healthcheck", "api/Dockerfile");
    assert_eq!(api[0].outcome, Outcome::NotApplicable, "{api:#?}");
    assert!(api[0].message.contains("k8s/api.yaml"));
    // worker/Dockerfile has no HEALTHCHECK and no probed deployment.
    let worker = at(&fs, "docker.healthcheck", "worker/Dockerfile");
    assert_eq!(worker[0].outcome, Outcome::Fail, "{worker:#?}");
}

#[test]
fn no_dockerfile_in_a_service_fails_presence_and_the_rest_is_not_applicable() {
    let fs = audit(&fixture("no-docker-service"));
    assert_eq!(worst(&fs, "docker.dockerfile"), Outcome::Fail);
    // The dev container's Dockerfile is tooling, not a deployment image.
    assert!(of(&fs, "docker.dockerfile")[0].message.contains("fastify"));
    for id in &DOCKER_CHECKS[1..] {
        assert_eq!(worst(&fs, id), Outcome::NotApplicable, "{id}");
    }
}

#[test]
fn no_dockerfile_in_a_go_net_http_service_fails() {
    let fs = audit(&fixture("no-docker-go"));
    assert_eq!(worst(&fs, "docker.dockerfile"), Outcome::Fail);
    assert!(of(&fs, "docker.dockerfile")[0].message.contains("net/http"));
}

#[test]
fn no_dockerfile_in_a_library_is_not_applicable() {
    let fs = audit(&fixture("no-docker-library"));
    for id in DOCKER_CHECKS {
        assert_eq!(worst(&fs, id), Outcome::NotApplicable, "{id}");
    }
}

fn temp_repo(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, bytes) in files {
        let p = dir.path().join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, bytes).expect("write");
    }
    dir
}

#[test]
fn binary_dockerfile_is_a_parse_failure_not_a_crash() {
    let mut bytes = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    bytes.extend((0..=255u8).cycle().take(4096));
    let dir = temp_repo(&[("Dockerfile", &bytes), (".dockerignore", b".git\n")]);
    let fs = audit(dir.path());
    assert_eq!(worst(&fs, "docker.dockerfile"), Outcome::Pass);
    let parse = of(&fs, "docker.parse");
    assert_eq!(parse[0].outcome, Outcome::Fail);
    assert!(parse[0].message.contains("binary"), "{parse:#?}");
    assert_eq!(worst(&fs, "docker.non-root-user"), Outcome::Inconclusive);
}

#[test]
fn empty_dockerfile_is_a_parse_failure() {
    let dir = temp_repo(&[("Dockerfile", b""), (".dockerignore", b".git\n")]);
    let fs = audit(dir.path());
    let parse = of(&fs, "docker.parse");
    assert_eq!(parse[0].outcome, Outcome::Fail);
    assert!(parse[0].message.contains("empty"), "{parse:#?}");
    assert_eq!(
        worst(&fs, "docker.pinned-base-image"),
        Outcome::Inconclusive
    );
}

#[test]
fn garbage_text_and_non_utf8_never_panic() {
    let garbage: Vec<u8> = (1..=255u8)
        .filter(|b| *b != b'\n')
        .cycle()
        .take(3000)
        .enumerate()
        .flat_map(|(i, b)| if i % 50 == 0 { vec![b'\n', b] } else { vec![b] })
        .collect();
    let dir = temp_repo(&[("Containerfile", &garbage)]);
    let fs = audit(dir.path());
    assert_eq!(worst(&fs, "docker.parse"), Outcome::Fail);
    // Errors are capped, with a summary of the rest.
    assert!(of(&fs, "docker.parse").len() <= 21);
}

#[test]
fn heredoc_dockerfile_parses_and_is_judged() {
    let text = "FROM debian:12-slim\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends curl\nrm -rf /var/lib/apt/lists/*\nEOF\nRUN <<-SCRIPT bash\n\tcurl -fsSL https://example.com/x.sh | sh\n\tSCRIPT\nUSER 1000:1000\nCMD [\"curl\", \"--version\"]\n";
    let dir = temp_repo(&[
        ("Dockerfile", text.as_bytes()),
        (".dockerignore", b".git\n"),
    ]);
    let fs = audit(dir.path());
    assert_eq!(
        worst(&fs, "docker.parse"),
        Outcome::Pass,
        "{:#?}",
        of(&fs, "docker.parse")
    );
    assert_eq!(worst(&fs, "docker.package-hygiene"), Outcome::Pass);
    // The pipe inside the second heredoc body is seen, reported at its RUN.
    let pipe = of(&fs, "docker.curl-pipe-shell");
    assert_eq!(lines(&pipe, Outcome::Fail), vec![7]);
    assert_eq!(worst(&fs, "docker.non-root-user"), Outcome::Pass);
}

#[test]
fn invalid_json_exec_form_is_run_by_a_shell() {
    let dir = temp_repo(&[
        (
            "Dockerfile",
            b"FROM alpine:3.20\nUSER 1000\nCMD ['sh', '-c', 'serve']\n",
        ),
        (".dockerignore", b".git\n"),
    ]);
    let fs = audit(dir.path());
    let f = of(&fs, "docker.exec-form");
    assert_eq!(f[0].outcome, Outcome::Fail);
    assert!(f[0].message.contains("not a valid JSON array"), "{f:#?}");
    assert_eq!(lines(&f, Outcome::Fail), vec![3]);
}

#[test]
fn inline_suppression_applies_to_the_reported_line() {
    let dir = temp_repo(&[
        (
            "Dockerfile",
            b"FROM nginx:1.27\n# golive-ignore: docker.non-root-user -- binds port 80 as root, drops privileges itself\nUSER root\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
        ),
        (".dockerignore", b".git\n"),
    ]);
    let fs = audit(dir.path());
    let user = of(&fs, "docker.non-root-user");
    assert_eq!(user[0].outcome, Outcome::Fail);
    let s = user[0].suppressed.as_ref().expect("suppressed");
    assert!(s.reason.contains("binds port 80"));
}

#[test]
fn non_utf8_dockerfile_parses_with_a_warning() {
    let dir = temp_repo(&[
        (
            "Dockerfile",
            b"# caf\xe9 cr\xe8me\nFROM alpine:3.20\nUSER 1000\nCMD [\"sh\"]\n",
        ),
        (".dockerignore", b".git\n"),
    ]);
    let fs = audit(dir.path());
    let parse = of(&fs, "docker.parse");
    assert_eq!(parse[0].outcome, Outcome::Warn, "{parse:#?}");
    assert!(parse[0].message.contains("UTF-8"));
    assert_eq!(worst(&fs, "docker.non-root-user"), Outcome::Pass);
}

#[test]
fn dockerignore_that_lets_env_files_in_is_a_warning() {
    let fs = audit(&fixture("docker-variants"));
    // The root context holds a .env the root .dockerignore (`.git` only) does not exclude.
    let root = at(&fs, "docker.dockerignore", ".dockerignore");
    assert!(
        root.iter()
            .any(|f| f.outcome == Outcome::Warn && f.message.contains(".env")),
        "{root:#?}"
    );
    // api/ is its own context, without a .env: fine.
    assert_eq!(
        at(&fs, "docker.dockerignore", "api/.dockerignore")[0].outcome,
        Outcome::Pass
    );
    // docker-good has a .env too, excluded by `.env*`.
    let good = audit(&fixture("docker-good"));
    assert_eq!(worst(&good, "docker.dockerignore"), Outcome::Pass);

    // An empty .dockerignore excludes nothing.
    let dir = temp_repo(&[
        ("Dockerfile", b"FROM alpine:3.20\nUSER 1000\nCMD [\"sh\"]\n"),
        (".dockerignore", b"# nothing yet\n\n"),
    ]);
    let fs = audit(dir.path());
    let f = of(&fs, "docker.dockerignore");
    assert_eq!(f[0].outcome, Outcome::Warn);
    assert!(f[0].message.contains("empty"));
    // `!` re-includes: `*` then `!.env` lets .env in.
    let dir = temp_repo(&[
        ("Dockerfile", b"FROM alpine:3.20\nUSER 1000\nCMD [\"sh\"]\n"),
        (".dockerignore", b"*\n!.env\n!src/\n"),
        (".env", b"A=1\n"),
        ("config/.env.production", b"B=2\n"),
        ("config/.env.example", b"B=\n"),
    ]);
    let fs = audit(dir.path());
    let f = of(&fs, "docker.dockerignore");
    assert_eq!(f[0].outcome, Outcome::Warn, "{f:#?}");
    assert!(f[0].message.contains(".env"));
    assert!(
        !f[0].message.contains("config/.env.production"),
        "excluded by `*`"
    );
    assert!(!f[0].message.contains("example"));
}

#[test]
fn a_long_chain_of_stages_inherits_the_first_user() {
    let mut text = String::from("FROM alpine:3.20 AS s0\nUSER 10001\n");
    for i in 0..5000 {
        text.push_str(&format!("FROM s{i} AS s{}\n", i + 1));
    }
    text.push_str("CMD [\"app\"]\n");
    let dir = temp_repo(&[
        ("Dockerfile", text.as_bytes()),
        (".dockerignore", b".git\n"),
    ]);
    let fs = audit(dir.path());
    let user = of(&fs, "docker.non-root-user");
    assert_eq!(user.len(), 1);
    assert_eq!(user[0].outcome, Outcome::Pass, "{user:#?}");
    assert_eq!(lines(&user, Outcome::Pass), vec![2]);
    let pins = of(&fs, "docker.pinned-base-image");
    assert_eq!(pins.len(), 5001);
    assert!(pins.iter().all(|f| f.outcome == Outcome::Pass));
}
