//! Test databases: a SQLite file in a temp dir, and a PostgreSQL schema of its own on the local
//! server (127.0.0.1:5432, user postgres, database test), dropped when the test ends — even when
//! it fails. Without a reachable server the PostgreSQL variant is skipped loudly, or fails when
//! GOLIVE_REQUIRE_SERVICES=1.

#![allow(dead_code)]

use golive_core::{
    Catalog, Config, Evidence, Finding, Outcome, Report, ReportBuilder, Severity, Target,
};
use golive_store::Store;
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};
use time::OffsetDateTime;

pub const PG_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The server to test against: `GOLIVE_TEST_POSTGRES_URL`, else the local one.
pub fn pg_base() -> String {
    std::env::var("GOLIVE_TEST_POSTGRES_URL").unwrap_or_else(|_| PG_DEFAULT.to_string())
}

pub struct TestDb {
    pub url: String,
    pub label: &'static str,
    _dir: Option<tempfile::TempDir>,
    /// (server URL, schema) to drop at the end.
    schema: Option<(String, String)>,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("golive.db").display()
        );
        TestDb {
            url,
            label: "sqlite",
            _dir: Some(dir),
            schema: None,
        }
    }

    /// A fresh schema on the local PostgreSQL, or `None` (after saying so) when it is down.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        sqlx::any::install_default_drivers();
        let base = pg_base();
        let mut conn = match sqlx::AnyConnection::connect(&base).await {
            Ok(c) => c,
            Err(e) => {
                if std::env::var("GOLIVE_REQUIRE_SERVICES").as_deref() == Ok("1") {
                    panic!("PostgreSQL at {base} is required (GOLIVE_REQUIRE_SERVICES=1): {e}");
                }
                // Straight to stderr: libtest captures eprintln! of passing tests, and a skip
                // must show.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED: {test} on PostgreSQL: {base} is unreachable: {e} (set GOLIVE_REQUIRE_SERVICES=1 to make this a failure)"
                );
                return None;
            }
        };
        static N: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "golive_store_test_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst),
            OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_007
        );
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&mut conn)
            .await
            .expect("create schema");
        let _ = conn.close().await;
        Some(TestDb {
            url: format!(
                "{base}{}options=-c%20search_path%3D{schema}",
                if base.contains('?') { '&' } else { '?' }
            ),
            label: "postgres",
            _dir: None,
            schema: Some((base, schema)),
        })
    }

    pub async fn open(&self) -> Store {
        Store::open(&self.url)
            .await
            .unwrap_or_else(|e| panic!("open {}: {e}", self.url))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((base, schema)) = self.schema.take() else {
            return;
        };
        // Drop may run inside the test's runtime (or while it unwinds): use a runtime of our own
        // on another thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(mut c) = sqlx::AnyConnection::connect(&base).await {
                    let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                        .execute(&mut c)
                        .await;
                    let _ = c.close().await;
                }
            });
        })
        .join();
    }
}

/// Generates a `sqlite` and a `postgres` test for each `async fn NAME(db: &TestDb)`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::common::TestDb::sqlite();
                    super::$name(&db).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::common::TestDb::postgres(stringify!($name)).await else {
                        return;
                    };
                    super::$name(&db).await;
                }
            )*
        }
    };
}

/// A finding of a built-in check at a file place.
pub fn at(id: &str, outcome: Outcome, path: &str, line: u32) -> Finding {
    Finding::new(
        Catalog::builtin().check(id),
        outcome,
        format!("{id}: {} at {path}:{line}", outcome.as_str()),
    )
    .with_evidence(Evidence::at(path, line, 1))
}

/// A finding with another severity than the check's.
pub fn at_sev(id: &str, outcome: Outcome, sev: Severity, path: &str, line: u32) -> Finding {
    at(id, outcome, path, line).with_severity(sev)
}

/// Builds a report like `golive audit` does, at a fixed time.
pub fn report(findings: Vec<Finding>, cfg: &Config, at: OffsetDateTime) -> Report {
    let mut b = ReportBuilder::new(Target {
        name: "shop".into(),
        path: Some(".".into()),
        ..Default::default()
    });
    b.collector("scan", findings);
    b.at(at);
    b.build(Catalog::builtin(), cfg)
}

/// A realistic "before" audit: a service with a root container, a hard-coded secret in a test
/// file (lowered), no readme, CI present.
pub fn before_findings() -> Vec<Finding> {
    vec![
        at("docker.non-root-user", Outcome::Fail, "Dockerfile", 1),
        at("docs.readme", Outcome::Fail, "README.md", 1),
        at("tests.suite", Outcome::Pass, "tests/test_app.py", 1),
        at("ci.config", Outcome::Pass, ".github/workflows/ci.yml", 1),
        at_sev(
            "secrets.hardcoded",
            Outcome::Fail,
            Severity::Medium,
            "tests/fixtures/keys.py",
            4,
        ),
        at("docker.healthcheck", Outcome::Warn, "Dockerfile", 1),
    ]
}

/// The "after" audit: the container runs as a user now and the readme exists.
pub fn after_findings() -> Vec<Finding> {
    vec![
        at("docker.non-root-user", Outcome::Pass, "Dockerfile", 12),
        at("docs.readme", Outcome::Pass, "README.md", 1),
        at("tests.suite", Outcome::Pass, "tests/test_app.py", 1),
        at("ci.config", Outcome::Pass, ".github/workflows/ci.yml", 1),
        at_sev(
            "secrets.hardcoded",
            Outcome::Fail,
            Severity::Medium,
            "tests/fixtures/keys.py",
            4,
        ),
        at("docker.healthcheck", Outcome::Warn, "Dockerfile", 1),
    ]
}

pub fn t(s: &str) -> OffsetDateTime {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).expect("time")
}
