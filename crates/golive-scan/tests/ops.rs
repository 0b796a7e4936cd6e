//! Operations domain: backups automated, runbook, deployment and rollback procedures.

use golive_core::Outcome;

mod support;
use support::repo::*;

#[test]
fn documented_operations_pass() {
    let f = audit(&fixture("ops/documented"));
    for id in [
        "ops.backup",
        "ops.runbook",
        "ops.deploy-doc",
        "ops.rollback-doc",
    ] {
        assert_eq!(outcome(&f, id), Outcome::Pass, "{id}: {:#?}", of(&f, id));
    }
    let b = of(&f, "ops.backup");
    assert!(
        b[0].evidence
            .iter()
            .any(|e| e.locator().starts_with("k8s/backup-cronjob.yaml:15")),
        "{b:#?}"
    );
    // the rollback is in the body of the deployment document
    let r = of(&f, "ops.rollback-doc");
    assert!(
        r[0].evidence
            .iter()
            .any(|e| e.locator().starts_with("docs/deployment.md:7")),
        "{r:#?}"
    );
}

#[test]
fn undocumented_operations_fail() {
    let f = audit(&fixture("ops/undocumented"));
    assert_eq!(outcome(&f, "ops.backup"), Outcome::Fail);
    assert!(
        of(&f, "ops.backup")[0]
            .evidence
            .iter()
            .any(|e| e.path().is_some())
    );
    assert_eq!(outcome(&f, "ops.runbook"), Outcome::Fail);
    // docs/deploy.md describes the deployment, but not how to undo it
    assert_eq!(outcome(&f, "ops.deploy-doc"), Outcome::Pass);
    assert_eq!(outcome(&f, "ops.rollback-doc"), Outcome::Fail);
    assert!(
        of(&f, "ops.rollback-doc")[0]
            .evidence
            .iter()
            .any(|e| e.locator().contains("docs/deploy.md"))
    );
}

#[test]
fn managed_backups_turned_off_fail() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_db_instance\" \"db\" {\n  engine = \"postgres\"\n  backup_retention_period = 0\n}\n",
    )
    .unwrap();
    let f = audit(dir.path());
    let b = of(&f, "ops.backup");
    assert_eq!(outcome(&f, "ops.backup"), Outcome::Fail);
    assert!(b[0].message.contains("turned off"));
    assert!(
        b[0].evidence
            .iter()
            .any(|e| e.locator().starts_with("main.tf:3"))
    );

    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_db_instance\" \"db\" {\n  engine = \"postgres\"\n  backup_retention_period = 14\n}\n",
    )
    .unwrap();
    let f = audit(dir.path());
    assert_eq!(outcome(&f, "ops.backup"), Outcome::Pass);
}

#[test]
fn readme_headings_count_and_docs_mentions_of_pg_dump_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("requirements.txt"), "django==5.0.6\n").unwrap();
    std::fs::write(
        root.join("README.md"),
        "# app\n\n## Troubleshooting\n\nRestart it.\n\nBackups: run `pg_dump` by hand.\n\nRollback\n--------\n\nRedeploy the previous tag.\n",
    )
    .unwrap();
    let f = audit(root);
    assert_eq!(outcome(&f, "ops.runbook"), Outcome::Pass);
    assert_eq!(outcome(&f, "ops.rollback-doc"), Outcome::Pass);
    assert_eq!(outcome(&f, "ops.deploy-doc"), Outcome::Fail);
    // a README that mentions pg_dump is not an automated backup
    assert_eq!(outcome(&f, "ops.backup"), Outcome::Fail);
}

#[test]
fn not_applicable_without_database_or_stack() {
    let f = audit(&fixture("db/none"));
    assert_eq!(outcome(&f, "ops.backup"), Outcome::NotApplicable);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.md"), "# notes\n").unwrap();
    let f = audit(dir.path());
    for id in [
        "ops.backup",
        "ops.runbook",
        "ops.deploy-doc",
        "ops.rollback-doc",
    ] {
        assert_eq!(outcome(&f, id), Outcome::NotApplicable, "{id}");
    }
}

#[test]
fn database_named_only_by_requirements_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "psycopg[binary]==3.1.19\n",
    )
    .unwrap();
    let f = audit(dir.path());
    let b = of(&f, "ops.backup");
    assert_eq!(outcome(&f, "ops.backup"), Outcome::Fail);
    assert!(
        b[0].evidence
            .iter()
            .any(|e| e.locator().starts_with("requirements.txt:1"))
    );
}

#[test]
fn golive_own_files_are_never_evidence() {
    // The deployment, rollback and runbook text exists only in the checklist golive imported
    // into `.golive/`: that is golive's copy, not the project's documentation.
    let root = fixture("ops/golive-own-files");
    assert!(root.join(".golive/checklist.d/0.md").is_file());
    let f = audit(&root);
    for id in ["ops.deploy-doc", "ops.rollback-doc", "ops.runbook"] {
        assert_eq!(outcome(&f, id), Outcome::Fail, "{id}: {:#?}", of(&f, id));
    }
    assert!(
        f.iter()
            .flat_map(|x| x.evidence.iter())
            .all(|e| !e.locator().contains(".golive")),
        "a finding cites golive's own files: {f:#?}"
    );
    // The same text in the project's docs/ does count (the other side of the pattern).
    let dir = tempfile::tempdir().unwrap();
    for name in ["requirements.txt", "README.md", "docker-compose.yml"] {
        std::fs::copy(root.join(name), dir.path().join(name)).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::copy(
        root.join(".golive/checklist.d/0.md"),
        dir.path().join("docs/checklist.md"),
    )
    .unwrap();
    let f = audit(dir.path());
    assert_eq!(
        outcome(&f, "ops.deploy-doc"),
        Outcome::Pass,
        "{:#?}",
        of(&f, "ops.deploy-doc")
    );
}
