//! # golive-load
//!
//! golive's load generator and smoke runner. Both turn what they measured into
//! [`golive_core::Finding`]s, so a load or smoke run is scored and rendered like any audit.
//!
//! - **Load** ([`LoadPlan`] → [`run_blocking`] → [`LoadResult`] → [`findings`]): one task per
//!   connection over hyper (HTTP/1.1 keep-alive or HTTP/2), closed model (`-c`) or open model
//!   (`--rate`, `--ramp`) with latency measured from each request's intended send time
//!   (coordinated-omission correction, uncorrected figures kept beside). Latencies go into HDR
//!   histograms, so memory is bounded whatever the run length. [`Threshold`]s are k6-style
//!   strings (`p95<200ms`, `error_rate<0.1%`, `rps>500`). [`hdrlog`] writes and merges
//!   standard HdrHistogram logs for distributed runs.
//! - **Smoke** ([`smoke::Spec`] → [`smoke::run`]): critical paths from a `smoke.yaml`, each test
//!   a `smoke.<name>` finding with the HTTP exchange as evidence; multi-step flows capture values
//!   (`${token}`) from one response for the next request.
//!
//! ```no_run
//! use golive_load::{LoadPlan, RunOptions, Threshold, findings, run_blocking};
//! let mut plan = LoadPlan::new("http://127.0.0.1:8080/").unwrap();
//! plan.connections = 50;
//! plan.validate(false).unwrap();
//! let result = run_blocking(plan, RunOptions::default()).unwrap();
//! let t = [Threshold::parse("p95<200ms").unwrap()];
//! let fs = findings(&result, &t, golive_core::Catalog::builtin());
//! ```

pub mod client;
pub mod engine;
mod error;
pub mod findings;
pub mod h1;
pub mod hdrlog;
pub mod plan;
pub mod smoke;
pub mod stats;
pub mod threshold;
pub mod watch;

pub use engine::{RunOptions, drain_limit, run, run_blocking};
pub use error::LoadError;
pub use findings::{LOAD_CHECKS, findings, summary_text};
pub use plan::{LoadPlan, Model, RateSchedule, StatusSet};
pub use stats::{ErrorKind, LoadResult};
pub use threshold::Threshold;
