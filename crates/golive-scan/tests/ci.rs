//! CI domain: pipeline present and parseable, tests/lint/type checks/security scan run, GitHub
//! Actions hygiene, deployment approval.

use golive_core::Outcome;

mod support;
use support::repo::*;

#[test]
fn github_pipeline_following_npm_scripts_passes() {
    let f = audit(&fixture("ci/github-good"));
    for id in [
        "ci.config",
        "ci.runs-tests",
        "ci.lint",
        "ci.typecheck",
        "ci.security-scan",
        "ci.actions-pinned",
        "ci.permissions",
        "ci.pull-request-target",
        "ci.deploy-approval",
    ] {
        assert_eq!(outcome(&f, id), Outcome::Pass, "{id}: {:#?}", of(&f, id));
    }
    // `npm run ci` is followed into package.json: the evidence is the workflow line
    let t = of(&f, "ci.runs-tests");
    assert!(
        t[0].evidence
            .iter()
            .any(|e| e.locator() == ".github/workflows/ci.yml:19:1"),
        "{t:#?}"
    );
}

#[test]
fn github_pipeline_with_gaps_fails_each_check() {
    let f = audit(&fixture("ci/github-bad"));
    assert_eq!(outcome(&f, "ci.config"), Outcome::Pass);
    // a commented-out `npm test`, an installed jest and an echo are not test runs
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Fail);
    assert_eq!(outcome(&f, "ci.lint"), Outcome::Fail);
    assert_eq!(outcome(&f, "ci.typecheck"), Outcome::Fail);
    assert_eq!(outcome(&f, "ci.security-scan"), Outcome::Fail);
    let pins = fail_locations(&f, "ci.actions-pinned");
    assert_eq!(
        pins,
        vec![
            (".github/workflows/build.yml".to_string(), 9),
            (".github/workflows/label.yml".to_string(), 12)
        ],
        "{pins:?}"
    );
    // build.yml has no permissions, label.yml has write-all
    let perms = of(&f, "ci.permissions");
    assert_eq!(
        perms.iter().filter(|x| x.outcome == Outcome::Fail).count(),
        2
    );
    assert!(perms.iter().any(|x| x.message.contains("write-all")));
    let prt = fail_locations(&f, "ci.pull-request-target");
    assert_eq!(prt, vec![(".github/workflows/label.yml".to_string(), 11)]);
    let dep = of(&f, "ci.deploy-approval");
    assert_eq!(outcome(&f, "ci.deploy-approval"), Outcome::Fail);
    assert!(dep.iter().any(|x| x.message.contains("deploy-production")));
}

#[test]
fn gitlab_pipeline_with_manual_production_deploy() {
    let f = audit(&fixture("ci/gitlab"));
    for id in [
        "ci.config",
        "ci.runs-tests",
        "ci.lint",
        "ci.typecheck",
        "ci.security-scan",
        "ci.deploy-approval",
    ] {
        assert_eq!(outcome(&f, id), Outcome::Pass, "{id}: {:#?}", of(&f, id));
    }
    assert!(
        of(&f, "ci.deploy-approval")[0]
            .message
            .contains("when: manual")
    );
    // GitHub-only checks
    for id in [
        "ci.actions-pinned",
        "ci.permissions",
        "ci.pull-request-target",
    ] {
        assert_eq!(outcome(&f, id), Outcome::NotApplicable, "{id}");
    }
}

#[test]
fn gitlab_automatic_production_deploy_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".gitlab-ci.yml"),
        "test:\n  script: [go test ./...]\ndeploy:\n  stage: deploy\n  environment: production\n  script:\n    - kubectl apply -f k8s/\n",
    )
    .unwrap();
    let f = audit(dir.path());
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Pass);
    assert_eq!(
        fail_locations(&f, "ci.deploy-approval"),
        vec![(".gitlab-ci.yml".to_string(), 3)]
    );
}

#[test]
fn malformed_workflow_is_a_finding_with_its_line() {
    let f = audit(&fixture("ci/malformed"));
    let c = of(&f, "ci.config");
    assert_eq!(outcome(&f, "ci.config"), Outcome::Fail);
    assert!(c[0].message.contains("not valid YAML"), "{c:#?}");
    let locs = fail_locations(&f, "ci.config");
    assert_eq!(locs.len(), 1);
    assert_eq!(locs[0].0, ".github/workflows/ci.yml");
    assert!(locs[0].1 >= 7, "{locs:?}");
    // what it runs cannot be read: never a pass
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Inconclusive);
}

#[test]
fn no_ci_fails_and_github_checks_do_not_apply() {
    let f = audit(&fixture("ci/none"));
    assert_eq!(outcome(&f, "ci.config"), Outcome::Fail);
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Fail);
    assert_eq!(outcome(&f, "ci.lint"), Outcome::Fail);
    assert_eq!(outcome(&f, "ci.deploy-approval"), Outcome::Fail);
    assert_eq!(outcome(&f, "ci.actions-pinned"), Outcome::NotApplicable);
    assert_eq!(outcome(&f, "ci.permissions"), Outcome::NotApplicable);
}

#[test]
fn jenkins_pipeline_is_read() {
    let f = audit(&fixture("ci/jenkins"));
    assert_eq!(outcome(&f, "ci.config"), Outcome::Pass);
    assert!(of(&f, "ci.config")[0].message.contains("Jenkins"));
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Pass);
    // `go vet` is only in a comment
    assert_eq!(outcome(&f, "ci.lint"), Outcome::Fail);
    assert_eq!(outcome(&f, "ci.typecheck"), Outcome::Pass);
    assert_eq!(outcome(&f, "ci.security-scan"), Outcome::Pass);
    assert_eq!(outcome(&f, "ci.deploy-approval"), Outcome::Pass);
}

#[test]
fn typecheck_not_applicable_for_plain_javascript() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".circleci")).unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"scripts":{"test":"node --test"}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join(".circleci/config.yml"),
        "version: 2.1\njobs:\n  test:\n    docker: [{image: cimg/node:20.0}]\n    steps:\n      - checkout\n      - run: npm test\n      - run:\n          name: lint\n          command: npx eslint .\n",
    )
    .unwrap();
    let f = audit(dir.path());
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Pass);
    assert_eq!(outcome(&f, "ci.lint"), Outcome::Pass);
    assert_eq!(outcome(&f, "ci.typecheck"), Outcome::NotApplicable);
}

#[test]
fn azure_and_bitbucket_pipelines_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("go.mod"), "module x\n\ngo 1.22\n").unwrap();
    std::fs::write(
        root.join("azure-pipelines.yml"),
        "trigger: [main]\nstages:\n  - stage: test\n    jobs:\n      - job: test\n        steps:\n          - script: go test ./...\n          - script: golangci-lint run\n  - stage: release\n    jobs:\n      - deployment: deploy_prod\n        environment: production\n        strategy:\n          runOnce:\n            deploy:\n              steps:\n                - script: kubectl apply -f k8s/\n",
    )
    .unwrap();
    let f = audit(root);
    assert!(of(&f, "ci.config")[0].message.contains("Azure Pipelines"));
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Pass);
    assert_eq!(outcome(&f, "ci.lint"), Outcome::Pass);
    assert_eq!(outcome(&f, "ci.security-scan"), Outcome::Fail);
    assert_eq!(outcome(&f, "ci.deploy-approval"), Outcome::Pass);

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("bitbucket-pipelines.yml"),
        "pipelines:\n  default:\n    - step:\n        script:\n          - pip-audit\n          - python -m pytest\n    - step:\n        name: deploy\n        script:\n          - helm upgrade app chart/\n",
    )
    .unwrap();
    let f = audit(root);
    assert!(of(&f, "ci.config")[0].message.contains("Bitbucket"));
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Pass);
    assert_eq!(outcome(&f, "ci.security-scan"), Outcome::Pass);
    // automatic production deploy with no manual trigger
    assert_eq!(outcome(&f, "ci.deploy-approval"), Outcome::Fail);
}

#[test]
fn chained_commands_are_split_and_docs_deploys_are_not_production() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    std::fs::write(
        root.join(".github/workflows/ci.yml"),
        "on: [push]\npermissions: {contents: read}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pip install -r requirements.txt && python -m pytest\n  deploy-docs:\n    runs-on: ubuntu-latest\n    steps:\n      - run: mkdocs gh-deploy --force\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Pass);
    // a documentation site deploy is not a production deployment
    assert_eq!(outcome(&f, "ci.deploy-approval"), Outcome::Warn);
}

#[test]
fn gitlab_local_includes_and_composite_actions_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("ci")).unwrap();
    std::fs::write(
        root.join(".gitlab-ci.yml"),
        "include:\n  - local: /ci/test.yml\n  - local: ci/missing.yml\n  - template: Security/SAST.gitlab-ci.yml\n",
    )
    .unwrap();
    std::fs::write(
        root.join("ci/test.yml"),
        "unit:\n  script:\n    - go test ./...\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Pass);
    assert!(
        of(&f, "ci.runs-tests")[0]
            .evidence
            .iter()
            .any(|e| e.locator() == "ci/test.yml:3:1")
    );
    // the missing include is a broken pipeline
    assert!(fail_locations(&f, "ci.config").is_empty());
    assert!(
        of(&f, "ci.config")
            .iter()
            .any(|x| x.outcome == Outcome::Fail && x.message.contains("ci/missing.yml"))
    );

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    std::fs::create_dir_all(root.join(".github/actions/test")).unwrap();
    std::fs::write(
        root.join(".github/workflows/ci.yml"),
        "on: [push]\npermissions: read-all\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/test\n",
    )
    .unwrap();
    std::fs::write(
        root.join(".github/actions/test/action.yml"),
        "name: test\nruns:\n  using: composite\n  steps:\n    - uses: some/setup@v1\n    - run: cargo test\n      shell: bash\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Pass);
    // the composite action's own third-party action is judged too
    assert_eq!(
        fail_locations(&f, "ci.actions-pinned"),
        vec![(".github/actions/test/action.yml".to_string(), 5)]
    );
    // the composite action is not a pipeline and has no permissions of its own
    assert_eq!(of(&f, "ci.config").len(), 1);
    assert_eq!(outcome(&f, "ci.permissions"), Outcome::Pass);
}

#[test]
fn pre_commit_hooks_and_circleci_orb_jobs_count() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    std::fs::write(root.join("requirements.txt"), "fastapi==0.111.0\n").unwrap();
    std::fs::write(
        root.join(".pre-commit-config.yaml"),
        "repos:\n  - repo: https://github.com/pre-commit/mirrors-mypy\n    rev: v1.10.0\n    hooks:\n      - id: mypy\n  - repo: https://github.com/psf/black\n    rev: 24.4.2\n    hooks:\n      - id: black\n",
    )
    .unwrap();
    std::fs::write(
        root.join(".github/workflows/ci.yml"),
        "on: [push]\npermissions: {contents: read}\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: pre-commit/action@2c7b3805fd2a0fd8c1884dcaebf91fc102a13ecd # v3.0.1\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(
        outcome(&f, "ci.typecheck"),
        Outcome::Pass,
        "{:#?}",
        of(&f, "ci.typecheck")
    );
    assert_eq!(outcome(&f, "ci.lint"), Outcome::Pass);
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Fail);

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join(".circleci")).unwrap();
    std::fs::write(
        root.join(".circleci/config.yml"),
        "version: 2.1\norbs:\n  node: circleci/node@5.2.0\nworkflows:\n  ci:\n    jobs:\n      - node/test:\n          version: '20.11'\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Pass);
    assert!(
        of(&f, "ci.runs-tests")[0]
            .evidence
            .iter()
            .any(|e| e.locator() == ".circleci/config.yml:7:1")
    );
}

#[test]
fn absurdly_nested_workflow_is_a_parse_finding_not_a_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).expect("mkdir");
    let deep = format!(
        "on: push\njobs: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(wf.join("ci.yml"), deep).expect("write");
    let fs = audit(dir.path());
    let f = of(&fs, "ci.config")
        .into_iter()
        .find(|f| f.outcome == Outcome::Fail)
        .expect("a failing ci.config finding");
    assert!(
        f.message.contains("nest") || f.message.contains("deep"),
        "{}",
        f.message
    );
    assert_eq!(
        f.primary_location().map(|(p, _)| p),
        Some(".github/workflows/ci.yml")
    );
}

#[test]
fn a_workflow_the_walk_did_not_read_is_neither_absent_nor_passed_over() {
    let src = fixture("ci/github-good");
    let dir = tempfile::tempdir().unwrap();
    for rel in [".github/workflows/ci.yml", "package.json", "tsconfig.json"] {
        let to = dir.path().join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(src.join(rel), &to).unwrap();
    }
    let size = std::fs::metadata(src.join(".github/workflows/ci.yml"))
        .unwrap()
        .len();
    // The only workflow is over the size limit.
    let mut opts = golive_scan::ScanOptions::new(dir.path());
    opts.scan.max_file_size = size - 1;
    let f = golive_scan::scan(&opts).unwrap().findings;
    for id in [
        "ci.config",
        "ci.runs-tests",
        "ci.lint",
        "ci.typecheck",
        "ci.security-scan",
        "ci.actions-pinned",
        "ci.permissions",
        "ci.pull-request-target",
        "ci.deploy-approval",
    ] {
        assert_eq!(
            outcome(&f, id),
            Outcome::Inconclusive,
            "{id}: {:#?}",
            of(&f, id)
        );
    }
    assert!(
        of(&f, "ci.config").iter().any(|x| x.message.starts_with(
            "could not decide: .github/workflows/ci.yml (GitHub Actions) was not read (larger than"
        )),
        "{:#?}",
        of(&f, "ci.config")
    );
    // The correct side: read, the same workflow passes every check.
    let f = audit(dir.path());
    assert_eq!(outcome(&f, "ci.runs-tests"), Outcome::Pass);
    assert_eq!(outcome(&f, "ci.config"), Outcome::Pass);
}
