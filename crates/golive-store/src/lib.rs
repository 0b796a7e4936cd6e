//! # golive-store
//!
//! golive's readiness history: every run (audit, probe, load, smoke, check, deploy) with its
//! full report, findings and category scores; projects and environments; checklist sign-offs;
//! users and API keys (hashes only); uptime samples and daily rollups; notification channels and
//! deliveries; job leases with fencing tokens; and an audit log. `golive serve` keeps its state
//! here.
//!
//! Two backends, one code path: **SQLite** (a file, nothing to set up: the default) and
//! **PostgreSQL** (for teams and several server replicas). Every query is the same SQL text on
//! both (through sqlx's `Any` driver); only the first migration's column types differ. The
//! schema is migrated when the store is opened, and a database whose schema is newer than this
//! build knows is refused with both versions named, never written to.
//!
//! What it answers: runs by project, environment, kind, verdict and time (cursor-paginated), the
//! previous run, the **delta between two runs** (which checks explain the score change:
//! `65 → 85: +7.5 docker.non-root-user fixed, …`), category trends, **re-scoring** stored reports
//! under another policy with golive-core's own scoring ([`golive_core::score::evaluate`], the
//! code [`golive_core::ReportBuilder`] uses), availability (unknown samples are never counted as
//! up or down) and retention (raw uptime samples are rolled up into daily rows before they are
//! pruned).
//!
//! ```no_run
//! # async fn demo(report: golive_core::Report) -> Result<(), golive_store::StoreError> {
//! use golive_store::{RunKind, RunMeta, Store};
//! let store = Store::open("sqlite://golive.db?mode=rwc").await?;
//! store.create_project("shop", "Shop", "[policy]\nmin_score = 70\n", false).await?;
//! store.create_environment("shop", "production", Some("https://shop.example"), None).await?;
//! let meta = RunMeta {
//!     kind: RunKind::Audit,
//!     commit: Some("4f2a9c1".into()),
//!     idempotency_key: Some("ci-1234".into()),
//!     ..RunMeta::default()
//! };
//! let inserted = store.insert_run("shop", Some("production"), &meta, &report).await?;
//! if let Some(prev) = store.previous_run(&inserted.run.id, golive_store::KindScope::Same).await? {
//!     let delta = store.run_delta(&prev.id, &inserted.run.id).await?;
//!     println!("{}", delta.summary()); // 65 → 85: +7.5 docker.non-root-user fixed, …
//! }
//! # Ok(()) }
//! ```
//!
//! Times are stored as UTC milliseconds since the Unix epoch; ids are UUIDv7 text (time-ordered).
//! Reports are stored as zlib-compressed JSON (pure-Rust miniz_oxide).

mod audit;
mod checklist;
mod db;
mod error;
mod lease;
mod notify;
mod projects;
mod retention;
mod runs;
mod uptime;
mod users;

pub use audit::{AuditEntry, AuditPage};
pub use checklist::{ChecklistItem, NewSignOff, SignOff};
pub use db::{Backend, SCHEMA_VERSION, Store};
pub use error::{Result, StoreError};
pub use lease::Lease;
pub use notify::{Channel, Delivery, DeliveryStatus, NewChannel};
pub use projects::{Environment, Project};
pub use retention::{PruneReport, Retention};
pub use runs::{
    CheckChange, CheckDelta, Inserted, KindScope, Page, Rescored, RunDelta, RunFilter, RunKind,
    RunMeta, RunSummary, StoredFinding, StoredRun, TrendPoint, rescore_report,
};
pub use uptime::{Availability, DailyUptime, UptimeStatus};
pub use users::{ApiKey, NewApiKey, User};
