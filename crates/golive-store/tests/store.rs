//! The store against real databases: every test runs on SQLite (a file in a temp dir) and on
//! PostgreSQL (a schema of its own on 127.0.0.1:5432).

mod common;

use common::{TestDb, after_findings, at, before_findings, report, t};
use golive_core::score::Decision;
use golive_core::{Catalog, Config, Outcome, Severity};
use golive_store::{
    CheckChange, DeliveryStatus, KindScope, NewApiKey, NewChannel, NewSignOff, Retention,
    RunFilter, RunKind, RunMeta, SCHEMA_VERSION, Store, StoreError, UptimeStatus,
};
use sqlx::Connection;
use time::Duration;

both_backends!(
    migrations_apply_once_and_a_newer_schema_is_refused,
    insert_run_is_idempotent_and_all_or_nothing,
    list_runs_filters_and_pages,
    previous_run_and_delta_explain_the_score_change,
    delta_accounts_for_reweighting_exactly,
    category_trend_follows_runs,
    rescoring_recomputes_the_stored_score_and_applies_a_new_policy,
    signoffs_add_revoke_and_list,
    uptime_availability_excludes_unknown_and_survives_pruning,
    leases_fence_between_two_handles,
    audit_log_appends_and_pages,
    users_and_api_keys,
    notification_channels_and_deliveries,
    retention_prunes_runs_with_their_findings,
    runs_with_and_without_a_score_alternate,
    replicas_opening_a_fresh_database_together_both_succeed,
);

fn meta(kind: RunKind, started: &str, key: Option<&str>) -> RunMeta {
    RunMeta {
        kind,
        commit: Some(format!("c{}", &started[11..13])),
        branch: Some("main".into()),
        pushed_by: Some("ci".into()),
        started_at: Some(t(started)),
        idempotency_key: key.map(str::to_string),
        ..RunMeta::default()
    }
}

async fn shop(store: &Store) {
    store
        .create_project("shop", "Shop", "", false)
        .await
        .unwrap();
    store
        .create_environment(
            "shop",
            "production",
            Some("https://shop.example"),
            Some(("*/5 * * * *", "Europe/Paris")),
        )
        .await
        .unwrap();
    store
        .create_environment("shop", "staging", None, None)
        .await
        .unwrap();
}

async fn migrations_apply_once_and_a_newer_schema_is_refused(db: &TestDb) {
    let store = db.open().await;
    assert_eq!(store.schema_version().await.unwrap(), SCHEMA_VERSION);
    shop(&store).await;
    store.close().await;
    // Opening again applies nothing and keeps the data.
    let store = db.open().await;
    assert_eq!(store.schema_version().await.unwrap(), SCHEMA_VERSION);
    assert_eq!(store.project("shop").await.unwrap().name, "Shop");
    store.close().await;

    // A newer golive migrated this database further.
    let mut conn = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99, 'from the future', TRUE, $1, 0)",
    )
    .bind(vec![0u8; 48])
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let err = Store::open(&db.url).await.unwrap_err();
    assert!(
        matches!(err, StoreError::SchemaTooNew { found: 99, known } if known == SCHEMA_VERSION),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("version 99") && msg.contains(&format!("version {SCHEMA_VERSION}")),
        "{msg}"
    );
}

async fn insert_run_is_idempotent_and_all_or_nothing(db: &TestDb) {
    let store = db.open().await;
    shop(&store).await;
    let cfg = Config::default();
    let r1 = report(before_findings(), &cfg, t("2026-11-01T10:00:00Z"));
    let m = meta(RunKind::Audit, "2026-11-01T10:00:00Z", Some("ci-41"));

    let first = store
        .insert_run("shop", Some("production"), &m, &r1)
        .await
        .unwrap();
    assert!(!first.existed);
    assert_eq!(first.run.project, "shop");
    assert_eq!(first.run.environment.as_deref(), Some("production"));
    assert_eq!(first.run.score, r1.score);
    assert_eq!(first.run.decision, r1.verdict.decision);
    assert_eq!(first.run.started_at, t("2026-11-01T10:00:00Z"));

    // A retried upload: same key, same report → the same run, nothing written.
    let again = store
        .insert_run("shop", Some("production"), &m, &r1)
        .await
        .unwrap();
    assert!(again.existed);
    assert_eq!(again.run.id, first.run.id);

    // The same key with another report is refused, naming the run.
    let r2 = report(after_findings(), &cfg, t("2026-11-01T11:00:00Z"));
    let err = store
        .insert_run("shop", Some("production"), &m, &r2)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::IdempotencyConflict { run, .. } if *run == first.run.id),
        "{err:?}"
    );

    // The stored report comes back whole; findings and category scores are queryable.
    let stored = store.get_run(&first.run.id).await.unwrap();
    assert_eq!(stored.report, r1);
    let rows = store.run_findings(&first.run.id).await.unwrap();
    assert_eq!(rows.len(), r1.findings.len() + r1.suppressed.len());
    let root = rows
        .iter()
        .find(|f| f.check == "docker.non-root-user")
        .unwrap();
    assert_eq!(
        (root.outcome, root.severity, root.location.as_deref()),
        (Outcome::Fail, Severity::High, Some("Dockerfile:1:1"))
    );
    assert_eq!(root.category, Some(golive_core::Category::Deployment));
    let trend = store.category_trend("shop", None, None, 10).await.unwrap();
    assert_eq!(trend.len(), 1);
    assert_eq!(trend[0].categories.len(), 10);

    // All or nothing: a report whose category scores collide fails after the run row and the
    // findings were written; none of it stays.
    let mut broken = report(after_findings(), &cfg, t("2026-11-02T10:00:00Z"));
    let dup = broken.categories[0].clone();
    broken.categories.push(dup);
    let m2 = meta(RunKind::Audit, "2026-11-02T10:00:00Z", Some("ci-42"));
    let err = store
        .insert_run("shop", Some("production"), &m2, &broken)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Db(_)), "{err:?}");
    let all = store
        .list_runs(&RunFilter {
            project: Some("shop".into()),
            ..RunFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(all.items.len(), 1, "the failed run left nothing behind");
    let failing = store
        .runs_with_check("shop", "docs.readme", &[Outcome::Pass], 10)
        .await
        .unwrap();
    assert!(failing.is_empty(), "no finding of the failed run stayed");
    // The key is free again for a good report.
    let ok = store
        .insert_run("shop", Some("production"), &m2, &r2)
        .await
        .unwrap();
    assert!(!ok.existed);

    // Unknown project or environment: a clear error.
    let err = store
        .insert_run("nope", None, &RunMeta::default(), &r1)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "project `nope` not found");
    let err = store
        .insert_run("shop", Some("qa"), &RunMeta::default(), &r1)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "environment `shop/qa` not found");
}

async fn list_runs_filters_and_pages(db: &TestDb) {
    let store = db.open().await;
    shop(&store).await;
    let cfg = Config::default();
    let good = report(after_findings(), &cfg, t("2026-11-01T00:00:00Z"));
    let bad = report(
        vec![
            at("secrets.hardcoded", Outcome::Fail, "src/app.py", 3),
            at("docs.readme", Outcome::Pass, "README.md", 1),
        ],
        &cfg,
        t("2026-11-01T00:00:00Z"),
    );
    assert_eq!(bad.verdict.decision, Decision::NoGo);
    let plan = [
        ("2026-11-01T01:00:00Z", "production", RunKind::Audit, &good),
        ("2026-11-01T02:00:00Z", "staging", RunKind::Audit, &bad),
        ("2026-11-01T03:00:00Z", "production", RunKind::Probe, &good),
        ("2026-11-01T04:00:00Z", "production", RunKind::Audit, &bad),
        ("2026-11-01T05:00:00Z", "staging", RunKind::Load, &good),
        ("2026-11-01T06:00:00Z", "production", RunKind::Audit, &good),
        ("2026-11-01T07:00:00Z", "production", RunKind::Deploy, &good),
    ];
    for (when, env, kind, r) in plan {
        store
            .insert_run("shop", Some(env), &meta(kind, when, None), r)
            .await
            .unwrap();
    }
    // Three pages of 3, 3 and 1, newest first, without repeats.
    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = Vec::new();
    loop {
        let page = store
            .list_runs(&RunFilter {
                project: Some("shop".into()),
                limit: Some(3),
                cursor: cursor.clone(),
                ..RunFilter::default()
            })
            .await
            .unwrap();
        pages.push(page.items.len());
        seen.extend(page.items.iter().map(|r| r.started_at));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(pages, vec![3, 3, 1]);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "newest first, no repeats");

    let count = |f: RunFilter| {
        let store = store.clone();
        async move { store.list_runs(&f).await.unwrap().items.len() }
    };
    let base = || RunFilter {
        project: Some("shop".into()),
        ..RunFilter::default()
    };
    assert_eq!(
        count(RunFilter {
            environment: Some("staging".into()),
            ..base()
        })
        .await,
        2
    );
    assert_eq!(
        count(RunFilter {
            kind: Some(RunKind::Audit),
            ..base()
        })
        .await,
        4
    );
    assert_eq!(
        count(RunFilter {
            decision: Some(Decision::NoGo),
            ..base()
        })
        .await,
        2
    );
    assert_eq!(
        count(RunFilter {
            from: Some(t("2026-11-01T03:00:00Z")),
            to: Some(t("2026-11-01T06:00:00Z")),
            ..base()
        })
        .await,
        3,
        "from inclusive, to exclusive"
    );
    assert_eq!(
        count(RunFilter {
            environment: Some("production".into()),
            kind: Some(RunKind::Audit),
            decision: Some(Decision::NoGo),
            ..base()
        })
        .await,
        1
    );
    let err = store
        .list_runs(&RunFilter {
            cursor: Some("garbage".into()),
            ..base()
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cursor"), "{err}");
}

async fn previous_run_and_delta_explain_the_score_change(db: &TestDb) {
    let store = db.open().await;
    shop(&store).await;
    let cfg = Config::default();
    let before = report(before_findings(), &cfg, t("2026-11-01T10:00:00Z"));
    let after = report(after_findings(), &cfg, t("2026-11-02T10:00:00Z"));
    let b = store
        .insert_run(
            "shop",
            Some("production"),
            &meta(RunKind::Audit, "2026-11-01T10:00:00Z", None),
            &before,
        )
        .await
        .unwrap()
        .run;
    // A probe in between, and an audit of another environment.
    let probe = store
        .insert_run(
            "shop",
            Some("production"),
            &meta(RunKind::Probe, "2026-11-01T12:00:00Z", None),
            &after,
        )
        .await
        .unwrap()
        .run;
    store
        .insert_run(
            "shop",
            Some("staging"),
            &meta(RunKind::Audit, "2026-11-01T13:00:00Z", None),
            &after,
        )
        .await
        .unwrap();
    let a = store
        .insert_run(
            "shop",
            Some("production"),
            &meta(RunKind::Audit, "2026-11-02T10:00:00Z", None),
            &after,
        )
        .await
        .unwrap()
        .run;

    let prev = store.previous_run(&a.id, KindScope::Same).await.unwrap();
    assert_eq!(prev.map(|r| r.id), Some(b.id.clone()));
    let prev = store.previous_run(&a.id, KindScope::Any).await.unwrap();
    assert_eq!(prev.map(|r| r.id), Some(probe.id.clone()));
    assert_eq!(
        store.previous_run(&b.id, KindScope::Same).await.unwrap(),
        None
    );
    assert!(matches!(
        store.previous_run("no-such-run", KindScope::Same).await,
        Err(StoreError::NotFound { .. })
    ));

    let d = store.run_delta(&b.id, &a.id).await.unwrap();
    // 46.7 → 80: the root container (high, 7.5 of 37.5 weight) and the readme (medium, 5).
    let (sb, sa) = (before.score.unwrap(), after.score.unwrap());
    assert!((sb - 100.0 * 17.5 / 37.5).abs() < 1e-9, "{sb}");
    assert!((sa - 80.0).abs() < 1e-9, "{sa}");
    assert_eq!(d.checks.len(), 2, "{:?}", d.checks);
    assert_eq!(d.checks[0].check, "docker.non-root-user");
    assert_eq!(d.checks[0].change, CheckChange::Fixed);
    assert!((d.checks[0].points - 20.0).abs() < 1e-9);
    assert_eq!(d.checks[1].check, "docs.readme");
    assert!((d.checks[1].points - 100.0 * 5.0 / 37.5).abs() < 1e-9);
    assert!(d.rebalanced.abs() < 1e-9);
    assert_eq!(
        d.summary(),
        "47 → 80: +20.0 docker.non-root-user fixed, +13.3 docs.readme fixed"
    );
    let fixed: Vec<&str> = d.diff.fixed.iter().map(|i| i.check.as_str()).collect();
    assert_eq!(fixed, vec!["docker.non-root-user", "docs.readme"]);
    assert_eq!(d.diff.still_failing.len(), 2, "the secret and the warning");

    // Backwards: the same points, negative, as regressions.
    let back = store.run_delta(&a.id, &b.id).await.unwrap();
    assert_eq!(back.checks[0].change, CheckChange::Regressed);
    assert!((back.checks[0].points + 20.0).abs() < 1e-9);
}

async fn delta_accounts_for_reweighting_exactly(db: &TestDb) {
    let store = db.open().await;
    shop(&store).await;
    let cfg = Config::default();
    let before = report(before_findings(), &cfg, t("2026-11-01T10:00:00Z"));
    // After: the readme is fixed, a critical check newly fails, the health check is no longer
    // assessed (inconclusive), and the CI check is gone.
    let mut f = after_findings();
    f.retain(|x| x.check != "ci.config" && x.check != "docker.non-root-user");
    f.push(at("docker.non-root-user", Outcome::Fail, "Dockerfile", 1));
    f.retain(|x| x.check != "docker.healthcheck");
    f.push(at(
        "docker.healthcheck",
        Outcome::Inconclusive,
        "Dockerfile",
        1,
    ));
    f.push(at("secrets.private-key", Outcome::Fail, "deploy/id_rsa", 1));
    let after = report(f, &cfg, t("2026-11-02T10:00:00Z"));
    let mut ids = Vec::new();
    for (when, r) in [
        ("2026-11-01T10:00:00Z", &before),
        ("2026-11-02T10:00:00Z", &after),
    ] {
        ids.push(
            store
                .insert_run("shop", None, &meta(RunKind::Audit, when, None), r)
                .await
                .unwrap()
                .run
                .id,
        );
    }
    let d = store.run_delta(&ids[0], &ids[1]).await.unwrap();
    let total: f64 = d.checks.iter().map(|c| c.points).sum::<f64>() + d.rebalanced;
    assert!(
        (total - d.score_delta.unwrap()).abs() < 1e-9,
        "{total} vs {:?}",
        d.score_delta
    );
    let change = |id: &str| d.checks.iter().find(|c| c.check == id).map(|c| c.change);
    assert_eq!(change("docs.readme"), Some(CheckChange::Fixed));
    assert_eq!(change("secrets.private-key"), Some(CheckChange::Added));
    assert_eq!(change("ci.config"), Some(CheckChange::Removed));
    assert_eq!(change("docker.healthcheck"), Some(CheckChange::Removed));
    assert_eq!(change("docker.non-root-user"), None, "fail both times");
    assert!(d.rebalanced.abs() > 0.1, "unchanged checks moved: {d:?}");
    assert!(d.summary().contains("unchanged checks re-weighted"));
}

async fn category_trend_follows_runs(db: &TestDb) {
    let store = db.open().await;
    shop(&store).await;
    let cfg = Config::default();
    for (i, (when, f)) in [
        ("2026-11-01T10:00:00Z", before_findings()),
        ("2026-11-02T10:00:00Z", after_findings()),
        ("2026-11-03T10:00:00Z", after_findings()),
    ]
    .into_iter()
    .enumerate()
    {
        let r = report(f, &cfg, t(when));
        store
            .insert_run(
                "shop",
                Some("production"),
                &meta(RunKind::Audit, when, Some(&format!("k{i}"))),
                &r,
            )
            .await
            .unwrap();
    }
    let trend = store
        .category_trend("shop", Some("production"), Some(RunKind::Audit), 2)
        .await
        .unwrap();
    assert_eq!(trend.len(), 2, "the last two runs");
    assert!(trend[0].started_at < trend[1].started_at, "oldest first");
    let all = store
        .category_trend("shop", Some("production"), None, 10)
        .await
        .unwrap();
    let docs: Vec<Option<f64>> = all
        .iter()
        .map(|p| p.categories[&golive_core::Category::Documentation])
        .collect();
    assert_eq!(docs, vec![Some(0.0), Some(100.0), Some(100.0)]);
    let db_cat: Vec<Option<f64>> = all
        .iter()
        .map(|p| p.categories[&golive_core::Category::Database])
        .collect();
    assert_eq!(db_cat, vec![None, None, None], "n/a stays n/a, not 0");
    assert!(
        store
            .category_trend("shop", Some("staging"), None, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn rescoring_recomputes_the_stored_score_and_applies_a_new_policy(db: &TestDb) {
    let store = db.open().await;
    // The project's policy re-grades a check, suppresses the test-fixture secret and sets
    // thresholds: the stored score is computed under all of it.
    let policy = r#"
[policy]
attention_below = 85
no_go_below = 50

[checks."docs.readme"]
severity = "low"

[[suppress]]
check = "secrets.hardcoded"
paths = ["tests/fixtures/**"]
reason = "fake keys for tests"
"#;
    store
        .create_project("shop", "Shop", policy, true)
        .await
        .unwrap();
    let project = store.project("shop").await.unwrap();
    assert!(project.public);
    let cfg = project.policy_config().unwrap();
    let r = report(before_findings(), &cfg, t("2026-11-01T10:00:00Z"));
    assert_eq!(r.suppressed.len(), 1, "the fixture secret is suppressed");
    let run = store
        .insert_run(
            "shop",
            None,
            &meta(RunKind::Audit, "2026-11-01T10:00:00Z", None),
            &r,
        )
        .await
        .unwrap()
        .run;

    // Same policy: exactly the stored numbers, from the stored report alone.
    let same = store.rescore_run(&run.id, &cfg).await.unwrap();
    assert_eq!(same.score, r.score);
    assert_eq!(same.original_score, r.score);
    assert_eq!(same.verdict, r.verdict);
    assert_eq!(same.categories, r.categories);
    assert!(!same.changed);
    let ev = golive_store::rescore_report(&store.get_run(&run.id).await.unwrap().report, &cfg);
    assert_eq!(ev.results, r.results);
    assert_eq!(ev.stages, r.stages);
    assert_eq!(ev.readiness, r.readiness);

    // A stricter policy: a minimum score turns the run NO-GO; the score itself is unchanged.
    let strict = Config::parse(
        "[policy]\nmin_score = 90\n",
        "strict.toml",
        Catalog::builtin(),
    )
    .unwrap();
    let s = store.rescore_run(&run.id, &strict).await.unwrap();
    assert_eq!(s.score, r.score);
    assert_eq!(s.verdict.decision, Decision::NoGo);
    assert!(s.changed);
    assert!(
        s.verdict.reasons.iter().any(|x| x.contains("minimum 90")),
        "{:?}",
        s.verdict.reasons
    );

    // Turning a failing check off raises the score.
    let off = Config::parse(
        "[checks.\"docker.non-root-user\"]\nenabled = false\n",
        "off.toml",
        Catalog::builtin(),
    )
    .unwrap();
    let o = store.rescore_run(&run.id, &off).await.unwrap();
    assert!(o.score.unwrap() > r.score.unwrap());
    assert!(o.changed);

    // A page of runs under the project's stored policy (now changed).
    store
        .set_project_policy("shop", "[policy]\nattention_below = 99\n")
        .await
        .unwrap();
    let page = store
        .rescore_runs(
            &RunFilter {
                project: Some("shop".into()),
                ..RunFilter::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].score, r.score);
    assert_ne!(page.items[0].verdict.decision, Decision::Go);

    // A bad policy is refused with its line.
    let err = store
        .set_project_policy("shop", "[policy]\nno_go_below = \"x\"\n")
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("policy of project `shop`") && msg.contains("line 2"),
        "{msg}"
    );
}

async fn signoffs_add_revoke_and_list(db: &TestDb) {
    let store = db.open().await;
    shop(&store).await;
    store
        .upsert_checklist_item("shop", "ops.runbook", "A runbook exists")
        .await
        .unwrap();
    let item = store
        .upsert_checklist_item("shop", "ops.runbook", "A runbook exists and was rehearsed")
        .await
        .unwrap();
    assert_eq!(item.title, "A runbook exists and was rehearsed");
    store
        .upsert_checklist_item("shop", "ops.oncall", "On-call rota")
        .await
        .unwrap();
    assert_eq!(store.checklist_items("shop").await.unwrap().len(), 2);

    let now = t("2026-11-01T10:00:00Z");
    let s1 = store
        .add_signoff(
            "shop",
            "ops.runbook",
            &NewSignOff {
                by: "alice".into(),
                note: "rehearsed on 2026-10-30".into(),
                expires_at: Some(t("2026-12-01T00:00:00Z")),
                evidence_url: Some("https://wiki.example/runbook".into()),
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(s1.by, "alice");
    assert_eq!(s1.item, "ops.runbook");
    let s2 = store
        .add_signoff(
            "shop",
            "ops.oncall",
            &NewSignOff {
                by: "bob".into(),
                ..NewSignOff::default()
            },
            now + Duration::hours(1),
        )
        .await
        .unwrap();

    let active = |at: &str| {
        let store = store.clone();
        let at = t(at);
        async move {
            store
                .signoffs("shop", None, Some(at))
                .await
                .unwrap()
                .into_iter()
                .map(|s| s.by)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(active("2026-11-02T00:00:00Z").await, vec!["bob", "alice"]);
    assert_eq!(
        active("2026-12-02T00:00:00Z").await,
        vec!["bob"],
        "alice's sign-off expired"
    );

    let revoked = store
        .revoke_signoff(&s2.id, "carol", now + Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(revoked.revoked_by.as_deref(), Some("carol"));
    assert!(!revoked.active_at(now + Duration::hours(3)));
    assert_eq!(active("2026-11-02T00:00:00Z").await, vec!["alice"]);
    let err = store
        .revoke_signoff(&s2.id, "dave", now + Duration::hours(3))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("already revoked by carol"),
        "{err}"
    );
    // Everything is still listed without a time; one item's only with its key.
    assert_eq!(store.signoffs("shop", None, None).await.unwrap().len(), 2);
    assert_eq!(
        store
            .signoffs("shop", Some("ops.runbook"), None)
            .await
            .unwrap()
            .len(),
        1
    );
    // Bad input.
    let err = store
        .add_signoff(
            "shop",
            "ops.nothing",
            &NewSignOff {
                by: "x".into(),
                ..NewSignOff::default()
            },
            now,
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "checklist item `shop/ops.nothing` not found"
    );
    let err = store
        .add_signoff(
            "shop",
            "ops.runbook",
            &NewSignOff {
                by: "x".into(),
                expires_at: Some(now - Duration::days(1)),
                ..NewSignOff::default()
            },
            now,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not in the future"), "{err}");
}

async fn uptime_availability_excludes_unknown_and_survives_pruning(db: &TestDb) {
    let store = db.open().await;
    shop(&store).await;
    let env = store.environment("shop", "production").await.unwrap();
    let other = store.environment("shop", "staging").await.unwrap();
    // Day 1 (Nov 1): 6 up, 2 down, 2 unknown. Day 2 (Nov 2): 3 up, 1 unknown.
    let day1 = t("2026-11-01T00:00:00Z");
    let statuses1 = [
        UptimeStatus::Up,
        UptimeStatus::Up,
        UptimeStatus::Down,
        UptimeStatus::Unknown,
        UptimeStatus::Up,
        UptimeStatus::Up,
        UptimeStatus::Down,
        UptimeStatus::Unknown,
        UptimeStatus::Up,
        UptimeStatus::Up,
    ];
    for (i, s) in statuses1.iter().enumerate() {
        let latency = (*s == UptimeStatus::Up).then_some(100 + 10 * i as u32);
        store
            .insert_uptime_sample(&env, day1 + Duration::minutes(5 * i as i64), *s, latency)
            .await
            .unwrap();
    }
    let day2 = t("2026-11-02T00:00:00Z");
    for (i, s) in [
        UptimeStatus::Up,
        UptimeStatus::Unknown,
        UptimeStatus::Up,
        UptimeStatus::Up,
    ]
    .iter()
    .enumerate()
    {
        store
            .insert_uptime_sample(&env, day2 + Duration::hours(i as i64), *s, Some(50))
            .await
            .unwrap();
    }
    // Another environment's samples never mix in.
    store
        .insert_uptime_sample(&other, day1, UptimeStatus::Down, None)
        .await
        .unwrap();

    let from = t("2026-11-01T00:00:00Z");
    let to = t("2026-11-03T00:00:00Z");
    let a = store.availability(&env, from, to).await.unwrap();
    assert_eq!((a.up, a.down, a.unknown, a.samples), (9, 2, 3, 14));
    assert!((a.availability.unwrap() - 9.0 / 11.0).abs() < 1e-12);
    let only_unknown_window = store
        .availability(
            &env,
            day2 + Duration::minutes(59),
            day2 + Duration::minutes(61),
        )
        .await
        .unwrap();
    assert_eq!(only_unknown_window.samples, 1);
    assert_eq!(
        only_unknown_window.availability, None,
        "unknown is neither up nor down"
    );

    let daily_before = store
        .daily_uptime(&env, from.date(), to.date())
        .await
        .unwrap();
    assert_eq!(daily_before.len(), 2);
    assert_eq!(
        (
            daily_before[0].availability.up,
            daily_before[0].availability.down,
            daily_before[0].availability.unknown
        ),
        (6, 2, 2)
    );
    assert_eq!(daily_before[0].latency_max_ms, Some(190));

    // Keep one day of raw samples as of Nov 3 06:00 (cutoff Nov 2 06:00): day 1 ended before it
    // and is rolled up, then pruned; day 2 holds the cutoff and keeps its raw samples.
    let report = store
        .prune(
            &Retention {
                samples_days: Some(1),
                ..Retention::default()
            },
            t("2026-11-03T06:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(report.samples_rolled_up, 11, "day 1 of both environments");
    assert_eq!(report.days_rolled_up, 2);
    // Nothing changes for the reader: availability and daily figures are the same.
    assert_eq!(store.availability(&env, from, to).await.unwrap(), a);
    assert_eq!(
        store
            .daily_uptime(&env, from.date(), to.date())
            .await
            .unwrap(),
        daily_before
    );
    // Pruning again is a no-op; a late sample for the pruned day adds to its rollup.
    let again = store
        .prune(
            &Retention {
                samples_days: Some(1),
                ..Retention::default()
            },
            t("2026-11-03T06:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(again.samples_rolled_up, 0);
    store
        .insert_uptime_sample(&env, day1 + Duration::hours(20), UptimeStatus::Down, None)
        .await
        .unwrap();
    store
        .prune(
            &Retention {
                samples_days: Some(1),
                ..Retention::default()
            },
            t("2026-11-03T06:00:00Z"),
        )
        .await
        .unwrap();
    let d1 = &store
        .daily_uptime(&env, from.date(), day2.date())
        .await
        .unwrap()[0];
    assert_eq!(
        (
            d1.availability.up,
            d1.availability.down,
            d1.availability.unknown
        ),
        (6, 3, 2)
    );
    let err = store
        .prune(
            &Retention {
                samples_days: Some(0),
                ..Retention::default()
            },
            day2,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("0 days"), "{err}");
}

async fn leases_fence_between_two_handles(db: &TestDb) {
    let a = db.open().await;
    let b = db.open().await;
    let now = t("2026-11-01T10:00:00Z");
    let ttl = Duration::seconds(30);
    let la = a
        .acquire_lease("nightly-prune", "replica-a", ttl, now)
        .await
        .unwrap()
        .expect("free lease is taken");
    assert_eq!(la.token, 1);
    // B cannot take it while it runs.
    assert_eq!(
        b.acquire_lease(
            "nightly-prune",
            "replica-b",
            ttl,
            now + Duration::seconds(10)
        )
        .await
        .unwrap(),
        None
    );
    // A renews; B still cannot take it at the old expiry.
    let la = a
        .renew_lease(&la, ttl, now + Duration::seconds(20))
        .await
        .unwrap();
    assert_eq!(
        b.acquire_lease(
            "nightly-prune",
            "replica-b",
            ttl,
            now + Duration::seconds(35)
        )
        .await
        .unwrap(),
        None
    );
    // Once expired, B takes it with a higher token, and A has lost it.
    let lb = b
        .acquire_lease(
            "nightly-prune",
            "replica-b",
            ttl,
            now + Duration::seconds(51),
        )
        .await
        .unwrap()
        .expect("expired lease is taken");
    assert!(lb.token > la.token);
    let err = a
        .renew_lease(&la, ttl, now + Duration::seconds(52))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::LeaseLost { .. }), "{err:?}");
    assert!(
        a.release_lease(&la).await.is_err(),
        "A cannot release B's lease"
    );
    // B releases: A takes it at once, and the token still grows.
    b.release_lease(&lb).await.unwrap();
    let la2 = a
        .acquire_lease(
            "nightly-prune",
            "replica-a",
            ttl,
            now + Duration::seconds(53),
        )
        .await
        .unwrap()
        .expect("released lease is free");
    assert!(la2.token > lb.token);
    assert_eq!(a.lease("nightly-prune").await.unwrap(), Some(la2.clone()));
    // Other job names are independent.
    assert!(
        b.acquire_lease("probe-shop", "replica-b", ttl, now)
            .await
            .unwrap()
            .is_some()
    );

    // Both handles race for a fresh lease many times: exactly one wins each round.
    for round in 0..10 {
        let name = format!("race-{round}");
        let (x, y) = tokio::join!(
            a.acquire_lease(&name, "replica-a", ttl, now),
            b.acquire_lease(&name, "replica-b", ttl, now)
        );
        let winners = [x.unwrap(), y.unwrap()].into_iter().flatten().count();
        assert_eq!(winners, 1, "round {round}");
    }
}

async fn audit_log_appends_and_pages(db: &TestDb) {
    let store = db.open().await;
    let t0 = t("2026-11-01T10:00:00Z");
    for i in 0..5 {
        store
            .audit(
                if i % 2 == 0 { "alice" } else { "bob" },
                "project.update",
                "shop",
                &serde_json::json!({"field": "policy", "n": i}),
                t0 + Duration::minutes(i),
            )
            .await
            .unwrap();
    }
    let p1 = store.audit_log(None, None, 2, None).await.unwrap();
    assert_eq!(p1.items.len(), 2);
    assert_eq!(p1.items[0].detail["n"], 4, "newest first");
    let p2 = store
        .audit_log(None, None, 2, p1.next_cursor.as_deref())
        .await
        .unwrap();
    let p3 = store
        .audit_log(None, None, 2, p2.next_cursor.as_deref())
        .await
        .unwrap();
    assert_eq!(p3.items.len(), 1);
    assert_eq!(p3.next_cursor, None);
    assert_eq!(p3.items[0].detail["n"], 0);
    let alice = store
        .audit_log(Some("alice"), None, 10, None)
        .await
        .unwrap();
    assert_eq!(alice.items.len(), 3);
    let pruned = store
        .prune(
            &Retention {
                audit_days: Some(1),
                ..Retention::default()
            },
            t0 + Duration::hours(24) + Duration::seconds(90),
        )
        .await
        .unwrap();
    assert_eq!(pruned.audit_deleted, 2, "entries older than a day");
}

async fn users_and_api_keys(db: &TestDb) {
    let store = db.open().await;
    shop(&store).await;
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    let u = store.create_user("alice", hash).await.unwrap();
    assert_eq!(u.password_hash, hash);
    assert!(matches!(
        store.create_user("alice", hash).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    let err = store.create_user("bob", "hunter2").await.unwrap_err();
    assert!(err.to_string().contains("never takes a password"), "{err}");
    // The hash never shows in serialized output.
    assert!(!serde_json::to_string(&u).unwrap().contains("argon2"));

    let now = t("2026-11-01T10:00:00Z");
    let k = store
        .create_api_key(&NewApiKey {
            prefix: "glk_4f2a".into(),
            hash: "sha256:abcd".into(),
            scopes: vec!["runs:write".into(), "runs:read".into()],
            project: Some("shop".into()),
            user: Some("alice".into()),
            expires_at: Some(now + Duration::days(30)),
        })
        .await
        .unwrap();
    assert_eq!(k.scopes, vec!["runs:write", "runs:read"]);
    assert!(k.valid_at(now));
    assert!(!k.valid_at(now + Duration::days(31)));
    store.touch_api_key("glk_4f2a", now).await.unwrap();
    assert_eq!(
        store.api_key("glk_4f2a").await.unwrap().last_used_at,
        Some(now)
    );
    let r = store
        .revoke_api_key("glk_4f2a", now + Duration::hours(1))
        .await
        .unwrap();
    assert!(!r.valid_at(now + Duration::hours(2)));
    assert!(matches!(
        store.touch_api_key("glk_none", now).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn notification_channels_and_deliveries(db: &TestDb) {
    let store = db.open().await;
    shop(&store).await;
    let ch = store
        .create_channel(
            "shop",
            &NewChannel {
                kind: "webhook".into(),
                name: "ops".into(),
                target: "https://hooks.example/golive".into(),
                config: serde_json::json!({"on": ["nogo"]}),
            },
        )
        .await
        .unwrap();
    assert!(ch.enabled);
    assert_eq!(ch.config["on"][0], "nogo");
    store.set_channel_enabled(&ch.id, false).await.unwrap();
    assert!(!store.channels("shop").await.unwrap()[0].enabled);
    let now = t("2026-11-01T10:00:00Z");
    let d = store
        .create_delivery(&ch.id, None, "verdict.nogo", now)
        .await
        .unwrap();
    assert_eq!((d.status, d.attempts), (DeliveryStatus::Pending, 0));
    store
        .record_delivery_attempt(
            &d.id,
            DeliveryStatus::Failed,
            Some(502),
            Some("bad gateway"),
            now,
        )
        .await
        .unwrap();
    let d = store
        .record_delivery_attempt(
            &d.id,
            DeliveryStatus::Sent,
            Some(200),
            None,
            now + Duration::minutes(1),
        )
        .await
        .unwrap();
    assert_eq!(
        (d.status, d.response_code, d.attempts, d.last_error),
        (DeliveryStatus::Sent, Some(200), 2, None)
    );
    assert_eq!(store.deliveries(&ch.id, 10).await.unwrap().len(), 1);
}

async fn retention_prunes_runs_with_their_findings(db: &TestDb) {
    let store = db.open().await;
    shop(&store).await;
    let cfg = Config::default();
    let old = report(before_findings(), &cfg, t("2026-09-01T10:00:00Z"));
    let new = report(after_findings(), &cfg, t("2026-11-01T10:00:00Z"));
    let o = store
        .insert_run(
            "shop",
            None,
            &meta(RunKind::Audit, "2026-09-01T10:00:00Z", None),
            &old,
        )
        .await
        .unwrap()
        .run;
    let n = store
        .insert_run(
            "shop",
            None,
            &meta(RunKind::Audit, "2026-11-01T10:00:00Z", None),
            &new,
        )
        .await
        .unwrap()
        .run;
    let ch = store
        .create_channel(
            "shop",
            &NewChannel {
                kind: "webhook".into(),
                name: "ops".into(),
                target: "https://hooks.example/x".into(),
                config: serde_json::json!({}),
            },
        )
        .await
        .unwrap();
    let d = store
        .create_delivery(&ch.id, Some(&o.id), "verdict", t("2026-11-01T10:00:00Z"))
        .await
        .unwrap();
    let r = store
        .prune(
            &Retention {
                runs_days: Some(30),
                ..Retention::default()
            },
            t("2026-11-10T00:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(r.runs_deleted, 1);
    assert!(matches!(
        store.get_run(&o.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.run_findings(&o.id).await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(
        store
            .runs_with_check("shop", "docs.readme", &[Outcome::Fail], 10)
            .await
            .unwrap()
            .is_empty(),
        "the old run's findings went with it"
    );
    assert_eq!(store.get_run(&n.id).await.unwrap().report, new);
    // The delivery stays, detached from the deleted run.
    assert_eq!(store.delivery(&d.id).await.unwrap().run_id, None);
}

/// A report where nothing applied has no score (n/a): stored as NULL, and a scored report after
/// it (same SQL, reused statement) still stores its number.
async fn runs_with_and_without_a_score_alternate(db: &TestDb) {
    let store = db.open().await;
    shop(&store).await;
    let cfg = Config::default();
    let empty = report(Vec::new(), &cfg, t("2026-11-01T00:00:00Z"));
    assert_eq!(empty.score, None);
    let scored = report(after_findings(), &cfg, t("2026-11-01T00:00:00Z"));
    let times = [
        "2026-11-01T01:00:00Z",
        "2026-11-01T02:00:00Z",
        "2026-11-01T03:00:00Z",
        "2026-11-01T04:00:00Z",
    ];
    for (i, when) in times.iter().enumerate() {
        let r = if i % 2 == 0 { &empty } else { &scored };
        store
            .insert_run("shop", None, &meta(RunKind::Audit, when, None), r)
            .await
            .unwrap();
    }
    let runs = store
        .list_runs(&RunFilter {
            project: Some("shop".into()),
            ..RunFilter::default()
        })
        .await
        .unwrap();
    let scores: Vec<Option<f64>> = runs.items.iter().rev().map(|r| r.score).collect();
    assert_eq!(scores, vec![None, scored.score, None, scored.score]);
    assert_eq!(runs.items[0].decision, scored.verdict.decision);
    assert_eq!(
        runs.items[1].decision,
        Decision::Attention,
        "nothing assessed"
    );
}

async fn replicas_opening_a_fresh_database_together_both_succeed(db: &TestDb) {
    let (a, b, c) = tokio::join!(
        Store::open(&db.url),
        Store::open(&db.url),
        Store::open(&db.url)
    );
    for s in [a, b, c] {
        let s = s.expect("every replica opens the store");
        assert_eq!(s.schema_version().await.unwrap(), SCHEMA_VERSION);
    }
}

#[tokio::test]
async fn bad_urls_are_refused_clearly_and_passwords_masked() {
    let err = Store::open("mysql://root@127.0.0.1/test")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnsupportedUrl(_)), "{err:?}");
    assert!(err.to_string().contains("sqlite://PATH?mode=rwc"), "{err}");
    // Port 1 on loopback: refused at once.
    let err = Store::open_with_timeout(
        "postgres://golive:s3cret-pass@127.0.0.1:1/golive",
        std::time::Duration::from_secs(1),
    )
    .await
    .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Connect { .. }), "{err:?}");
    assert!(
        !msg.contains("s3cret-pass") && msg.contains("****"),
        "{msg}"
    );
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("sqlite://{}/no/such/dir/x.db", dir.path().display());
    let err = Store::open(&missing).await.unwrap_err();
    assert!(err.to_string().contains("no/such/dir"), "{err}");
}

#[tokio::test]
async fn in_memory_sqlite_works() {
    let store = Store::open("sqlite::memory:").await.unwrap();
    store.create_project("p", "P", "", false).await.unwrap();
    assert_eq!(store.projects().await.unwrap().len(), 1);
    let err = store
        .create_project("Bad Slug", "x", "", false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("lowercase"), "{err}");
    let err = store
        .create_environment("p", "prod", Some("ftp://x"), None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("http"), "{err}");
    let err = store
        .create_environment("p", "prod", None, Some(("* *", "UTC")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("2 field"), "{err}");
}
