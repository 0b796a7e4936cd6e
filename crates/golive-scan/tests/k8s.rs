//! Kubernetes manifest checks (`k8s.*`) on the fixture repositories in `fixtures/deploy/`.

use golive_core::{Catalog, Evidence, Finding, Outcome};

mod support;
use support::deploy::*;

fn at<'a>(fs: &'a [Finding], check: &str, path: &str) -> Vec<&'a Finding> {
    of(fs, check)
        .into_iter()
        .filter(|f| f.primary_location().map(|(p, _)| p) == Some(path))
        .collect()
}

fn with<'a>(fs: &[&'a Finding], outcome: Outcome) -> Vec<&'a Finding> {
    fs.iter()
        .copied()
        .filter(|f| f.outcome == outcome)
        .collect()
}

const K8S_CHECKS: &[&str] = &[
    "k8s.parse",
    "k8s.readiness-probe",
    "k8s.liveness-probe",
    "k8s.probes-identical",
    "k8s.resources",
    "k8s.image-pinned",
    "k8s.run-as-non-root",
    "k8s.privilege-escalation",
    "k8s.read-only-root-fs",
    "k8s.replicas",
    "k8s.pdb",
    "k8s.hpa",
    "k8s.db-backup",
    "k8s.env-secrets",
];

#[test]
fn every_k8s_check_is_in_the_catalog() {
    for id in K8S_CHECKS {
        assert!(Catalog::builtin().get(id).is_some(), "{id} missing");
    }
}

#[test]
fn good_manifests_pass_every_check() {
    let fs = audit(&fixture("k8s-good"));
    for id in K8S_CHECKS {
        assert_eq!(worst(&fs, id), Outcome::Pass, "{id}: {:#?}", of(&fs, id));
    }
    // The Helm template is skipped with a note, not parsed and not failed.
    let parse = of(&fs, "k8s.parse");
    let notes: Vec<String> = parse[0].evidence.iter().map(Evidence::locator).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Helm") && n.contains("chart/templates/deployment.yaml")),
        "{notes:?}"
    );
    // The database StatefulSet is not expected to autoscale.
    let db_hpa = at(&fs, "k8s.hpa", "k8s/db.yaml");
    assert_eq!(db_hpa[0].outcome, Outcome::NotApplicable);
    // The backup CronJob is named as the evidence.
    let backup = of(&fs, "k8s.db-backup");
    assert!(
        backup[0].message.contains("CronJob db-backup"),
        "{backup:#?}"
    );
    // Two containers with the same image: each finding is on its own container's `image:`.
    let res = at(&fs, "k8s.resources", "k8s/app.yaml");
    let mut res_lines: Vec<(String, u32)> = res
        .iter()
        .map(|f| {
            let name = if f.message.contains("`migrate`") {
                "migrate"
            } else {
                "web"
            };
            (
                name.to_string(),
                f.primary_location().and_then(|(_, l)| l).unwrap_or(0),
            )
        })
        .collect();
    res_lines.sort();
    assert_eq!(
        res_lines,
        vec![("migrate".to_string(), 19), ("web".to_string(), 28)]
    );
    // Multi-document file: the Deployment is located on its own `kind:` line.
    let replicas = at(&fs, "k8s.replicas", "k8s/app.yaml");
    assert_eq!(
        replicas[0].primary_location(),
        Some(("k8s/app.yaml", Some(2)))
    );
}

#[test]
fn bad_manifests_fail_where_they_should() {
    let fs = audit(&fixture("k8s-bad"));
    // Malformed YAML: a finding naming the file and line, the rest still audited.
    let parse = at(&fs, "k8s.parse", "k8s/broken.yaml");
    assert_eq!(parse.len(), 1, "{parse:#?}");
    assert_eq!(parse[0].outcome, Outcome::Fail);
    let line = parse[0]
        .primary_location()
        .and_then(|(_, l)| l)
        .unwrap_or(0);
    assert!((6..=7).contains(&line), "line {line}: {parse:#?}");

    // web: selected by Service web without a readiness probe.
    let ready = at(&fs, "k8s.readiness-probe", "k8s/web.yaml");
    assert_eq!(ready[0].outcome, Outcome::Fail, "{ready:#?}");
    assert!(ready[0].message.contains("Service web"));
    assert_eq!(
        ready[0].primary_location(),
        Some(("k8s/web.yaml", Some(26)))
    );
    // api: no Service selects it, so readiness is not applicable there.
    let api_ready = at(&fs, "k8s.readiness-probe", "k8s/api.yaml");
    assert_eq!(api_ready[0].outcome, Outcome::NotApplicable);

    assert_eq!(
        with(&of(&fs, "k8s.liveness-probe"), Outcome::Fail).len(),
        2,
        "web and mysql"
    );
    let identical = at(&fs, "k8s.probes-identical", "k8s/api.yaml");
    assert_eq!(identical[0].outcome, Outcome::Fail);

    let res = with(&of(&fs, "k8s.resources"), Outcome::Fail);
    assert_eq!(res.len(), 3);
    let api_res = at(&fs, "k8s.resources", "k8s/api.yaml");
    assert!(
        api_res[0]
            .message
            .contains("requests.memory, limits.memory")
    );

    let pins = of(&fs, "k8s.image-pinned");
    assert_eq!(with(&pins, Outcome::Fail).len(), 2);
    assert_eq!(with(&pins, Outcome::Pass).len(), 1, "mysql:8.4 is pinned");

    let user = at(&fs, "k8s.run-as-non-root", "k8s/web.yaml");
    assert_eq!(user[0].outcome, Outcome::Fail);
    assert!(user[0].message.contains("uid 0"));

    let priv_web = at(&fs, "k8s.privilege-escalation", "k8s/web.yaml");
    assert_eq!(priv_web[0].outcome, Outcome::Fail);
    assert!(priv_web[0].message.contains("privileged"));
    let priv_api = at(&fs, "k8s.privilege-escalation", "k8s/api.yaml");
    assert_eq!(priv_api[0].outcome, Outcome::Warn);

    assert_eq!(worst(&fs, "k8s.read-only-root-fs"), Outcome::Fail);

    let replicas = of(&fs, "k8s.replicas");
    assert_eq!(
        with(&replicas, Outcome::Fail).len(),
        2,
        "web (default 1) and mysql"
    );
    assert_eq!(with(&replicas, Outcome::Pass).len(), 1, "api has 3");

    let pdb = at(&fs, "k8s.pdb", "k8s/api.yaml");
    assert_eq!(pdb[0].outcome, Outcome::Fail);
    assert_eq!(
        at(&fs, "k8s.pdb", "k8s/web.yaml")[0].outcome,
        Outcome::NotApplicable
    );

    let hpa = of(&fs, "k8s.hpa");
    assert_eq!(with(&hpa, Outcome::Fail).len(), 2);
    assert_eq!(
        at(&fs, "k8s.hpa", "k8s/mysql.yaml")[0].outcome,
        Outcome::NotApplicable
    );

    let backup = at(&fs, "k8s.db-backup", "k8s/mysql.yaml");
    assert_eq!(backup[0].outcome, Outcome::Fail);

    // broken.yaml may hold anything: every other check names it as undecided.
    for id in &K8S_CHECKS[1..] {
        let undecided = with(&of(&fs, id), Outcome::Inconclusive);
        assert_eq!(undecided.len(), 1, "{id}: {undecided:#?}");
        assert!(
            undecided[0]
                .message
                .starts_with("could not decide: k8s/broken.yaml at line 7 does not parse"),
            "{undecided:#?}"
        );
    }
    let secrets = with(&of(&fs, "k8s.env-secrets"), Outcome::Fail);
    assert_eq!(secrets.len(), 2, "{secrets:#?}");
    assert!(secrets[0].message.contains("DB_PASSWORD"));
    assert!(
        secrets[1]
            .message
            .contains("URL with a literal password in CACHE_URL")
    );
    let shown = format!("{:?}", secrets);
    assert!(!shown.contains("s3cr3t-Pa55w0rd-prod"), "{shown}");
    assert!(!shown.contains("r3dis-Pa55"), "{shown}");
}

#[test]
fn kustomize_overlays_set_replicas_and_image_tags() {
    let fs = audit(&fixture("k8s-overlay"));
    // The base says 1 replica, the prod overlay's patch says 3.
    let replicas = of(&fs, "k8s.replicas");
    assert_eq!(replicas.len(), 1, "the patch is not judged as a Deployment");
    assert_eq!(replicas[0].outcome, Outcome::Pass, "{replicas:#?}");
    assert!(replicas[0].message.contains("3 replicas"));
    // Three replicas and no PodDisruptionBudget.
    assert_eq!(worst(&fs, "k8s.pdb"), Outcome::Fail);
    // The image has no tag in the base; the overlay's `images:` pins it.
    assert_eq!(worst(&fs, "k8s.image-pinned"), Outcome::Pass);
    // No Service: readiness is not applicable.
    assert_eq!(worst(&fs, "k8s.readiness-probe"), Outcome::NotApplicable);
    assert!(
        fs.iter()
            .all(|f| f.primary_location().map(|(p, _)| p) != Some("overlays/prod/replicas.yaml"))
    );
    // No database at all.
    assert_eq!(worst(&fs, "k8s.db-backup"), Outcome::NotApplicable);
}

#[test]
fn helm_only_charts_are_inconclusive_with_a_note() {
    let fs = audit(&fixture("helm-only"));
    let parse = of(&fs, "k8s.parse");
    assert_eq!(parse[0].outcome, Outcome::Inconclusive);
    assert!(format!("{:?}", parse[0].evidence).contains("chart/templates/deployment.yaml"));
    for id in &K8S_CHECKS[1..] {
        assert_eq!(worst(&fs, id), Outcome::Inconclusive, "{id}");
    }
}

#[test]
fn no_manifests_means_not_applicable() {
    let fs = audit(&fixture("docker-good"));
    for id in K8S_CHECKS {
        assert_eq!(worst(&fs, id), Outcome::NotApplicable, "{id}");
    }
}

#[test]
fn malformed_and_binary_yaml_never_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |p: &str, b: &[u8]| {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, b).expect("write");
    };
    write(
        "deploy/tabs.yaml",
        b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n\tname: x\n",
    );
    write(
        "deploy/multi.yml",
        b"apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nspec: {replicas: [\n---\napiVersion: v1\nkind: Service\nmetadata: {name: c}\n",
    );
    let mut bin = b"apiVersion: v1\nkind: \x00\x01\x02".to_vec();
    bin.extend([0xff; 64]);
    write("deploy/bin.yaml", &bin);
    write(
        "deploy/latin1.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n",
    );
    let fs = audit(dir.path());
    let parse = of(&fs, "k8s.parse");
    let failed: Vec<&str> = with(&parse, Outcome::Fail)
        .iter()
        .filter_map(|f| f.primary_location().map(|(p, _)| p))
        .collect();
    assert!(failed.contains(&"deploy/tabs.yaml"), "{parse:#?}");
    assert!(failed.contains(&"deploy/multi.yml"), "{parse:#?}");
    // The broken second document of multi.yml is reported on its own line (7), not line 3.
    let multi = at(&fs, "k8s.parse", "deploy/multi.yml");
    let line = multi[0]
        .primary_location()
        .and_then(|(_, l)| l)
        .unwrap_or(0);
    assert!(line >= 7, "{multi:#?}");
}

#[test]
fn a_bare_pod_is_judged_for_what_applies_to_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("debug-pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: shell\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n",
    )
    .expect("write");
    let fs = audit(dir.path());
    let p = of(&fs, "k8s.privilege-escalation");
    assert_eq!(p[0].outcome, Outcome::Fail);
    assert_eq!(p[0].primary_location(), Some(("debug-pod.yaml", Some(8))));
    assert_eq!(worst(&fs, "k8s.resources"), Outcome::Fail);
    assert_eq!(worst(&fs, "k8s.image-pinned"), Outcome::Pass);
    // Not a long-running controller: probes and replicas do not apply.
    assert_eq!(worst(&fs, "k8s.readiness-probe"), Outcome::NotApplicable);
    assert_eq!(worst(&fs, "k8s.replicas"), Outcome::NotApplicable);
}

#[test]
fn alias_bombs_and_deep_nesting_are_parse_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for n in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{n}: &{n} [{refs}]\n"));
        prev = n;
    }
    std::fs::write(dir.path().join("bomb.yaml"), bomb).expect("write");
    // 100k nested flow sequences: refused before libyaml spends minutes on it.
    let deep = format!(
        "apiVersion: v1\nkind: ConfigMap\ndata: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(dir.path().join("deep.yaml"), deep).expect("write");
    std::fs::write(
        dir.path().join("compose.yaml"),
        format!(
            "services: {}{}\n",
            "{a: ".repeat(50_000),
            "}".repeat(50_000)
        ),
    )
    .expect("write");
    let fs = audit(dir.path());
    let parse = of(&fs, "k8s.parse");
    let failed: Vec<(&str, String)> = with(&parse, Outcome::Fail)
        .iter()
        .filter_map(|f| f.primary_location().map(|(p, _)| (p, f.message.clone())))
        .collect();
    assert_eq!(failed.len(), 2, "{failed:#?}");
    assert!(
        failed
            .iter()
            .any(|(p, m)| *p == "deep.yaml" && m.contains("nested"))
    );
    assert!(failed.iter().any(|(p, _)| *p == "bomb.yaml"));
    assert_eq!(worst(&fs, "compose.parse"), Outcome::Fail);
}

#[test]
fn many_containers_with_one_image_are_each_located() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: fan-out\nspec:\n  template:\n    spec:\n      containers:\n",
    );
    let n = 2000;
    for i in 0..n {
        text.push_str(&format!("        - name: c{i}\n          image: img:1\n"));
    }
    std::fs::write(dir.path().join("job.yaml"), text).expect("write");
    let fs = audit(dir.path());
    let res = of(&fs, "k8s.resources");
    assert_eq!(res.len(), n);
    for (i, f) in res.iter().enumerate() {
        // Container i's `image:` is on line 10 + 2i.
        let expect = 10 + 2 * i as u32;
        assert_eq!(
            f.primary_location(),
            Some(("job.yaml", Some(expect))),
            "{}",
            f.message
        );
    }
}

#[test]
fn a_deployment_that_does_not_parse_leaves_every_check_undecided() {
    // A tab in the indentation: the only workload does not parse. Not "no Kubernetes
    // workloads".
    let good = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.4.2\n";
    let bad = good.replace("  replicas: 2", "\treplicas: 2");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("k8s")).expect("mkdir");
    std::fs::write(dir.path().join("k8s/web.yaml"), &bad).expect("write");
    let fs = audit(dir.path());
    let parse = of(&fs, "k8s.parse");
    assert_eq!(parse.len(), 1, "{parse:#?}");
    assert_eq!(parse[0].outcome, Outcome::Fail);
    assert!(
        parse[0]
            .message
            .starts_with("k8s/web.yaml:6:1: invalid YAML"),
        "{parse:#?}"
    );
    for id in &K8S_CHECKS[1..] {
        let f = of(&fs, id);
        assert_eq!(f.len(), 1, "{id}: {f:#?}");
        assert_eq!(f[0].outcome, Outcome::Inconclusive, "{id}: {f:#?}");
        assert_eq!(
            f[0].message,
            "could not decide: k8s/web.yaml at line 6 does not parse (found character that cannot start any token)"
        );
        assert_eq!(f[0].primary_location(), Some(("k8s/web.yaml", Some(6))));
    }
    // The correct side: the same Deployment with spaces is audited.
    std::fs::write(dir.path().join("k8s/web.yaml"), good).expect("write");
    let fs = audit(dir.path());
    assert_eq!(worst(&fs, "k8s.parse"), Outcome::Pass);
    assert_eq!(worst(&fs, "k8s.replicas"), Outcome::Pass);
    assert_eq!(worst(&fs, "k8s.resources"), Outcome::Fail);
    for id in &K8S_CHECKS[1..] {
        assert!(
            with(&of(&fs, id), Outcome::Inconclusive).is_empty(),
            "{id}: {:#?}",
            of(&fs, id)
        );
    }
}
