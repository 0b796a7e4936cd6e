//! The audit domains. Each is one module; [`all`] lists them. Adding a domain: write the module
//! (a type implementing [`Domain`]), add its catalog entries in
//! `crates/golive-core/catalog/scan-*.toml`, and add it to [`all`].

use crate::repo::{FileMeta, Repo, SourceFile};
use golive_core::Finding;

pub mod ci;
pub mod code;
pub mod config;
pub mod db;
pub mod deploy;
pub mod deps;
pub mod docs;
pub mod frontend;
pub mod observability;
pub mod ops;
pub mod perf;
pub mod secrets;
pub mod security;
pub mod tests;

/// One audit domain.
///
/// `visit` is called from several threads at once, for every file `wants` accepted; keep what is
/// learnt behind a `Mutex` (it is only taken for files of interest). `finish` runs once, after the
/// walk, with the whole [`Repo`], and returns every finding of the domain's checks — a pass, fail,
/// warn or not-applicable for each check it owns, so that no check silently disappears.
pub trait Domain: Send + Sync {
    /// Short name (`docker`, `secrets`).
    fn name(&self) -> &'static str;
    /// Cheap, path-based interest test.
    fn wants(&self, file: &FileMeta) -> bool;
    /// Reads one file.
    fn visit(&self, file: &SourceFile<'_>);
    /// Secrets this domain found, as (raw text, masked form): every finding of every domain
    /// is redacted with them before the scan returns, so a line another check quotes as
    /// evidence (`SECRET_KEY = os.environ.get("K", "…")` for an environment read) never shows
    /// a secret in clear. Called once, after the walk, before `finish`.
    fn redactions(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// Concludes.
    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding>;
}

/// A fresh set of every domain, for one scan.
pub fn all() -> Vec<Box<dyn Domain>> {
    vec![
        Box::new(docs::Docs::default()),
        Box::new(config::Config::default()),
        Box::new(db::Db::default()),
        Box::new(ci::Ci::default()),
        Box::new(deps::Deps::default()),
        Box::new(ops::Ops::default()),
        Box::new(deploy::Deploy::default()),
        Box::new(code::CodeChecks::default()),
        Box::new(secrets::Secrets::default()),
    ]
}
