//! One module per subcommand.

pub mod audit;
pub mod check;
pub mod checklist;
pub mod checks;
pub mod diff;
pub mod explain;
pub mod init;
pub mod load;
pub mod probe;
pub mod schema;
pub mod smoke;

use crate::usage;
use anyhow::Result;
use golive_core::{Catalog, Config, ReportBuilder, Target};
use std::path::{Path, PathBuf};

/// Reads golive.toml: the explicit `--config` file, else `DIR/golive.toml` when present.
pub fn load_config(dir: &Path, explicit: Option<&PathBuf>) -> Result<Config> {
    let catalog = Catalog::builtin();
    let cfg = match explicit {
        Some(p) => Config::load(p, catalog),
        None => Config::discover(dir, catalog),
    };
    cfg.map_err(|e| usage(e.to_string()))
}

/// Runs the static audit of `root` into the builder.
pub fn run_scan(root: &Path, config: &Config, builder: &mut ReportBuilder) -> Result<()> {
    let mut opts = golive_scan::ScanOptions::new(root);
    opts.scan = config.scan.clone();
    opts.coverage_min = config.policy.coverage_min;
    let out = golive_scan::scan(&opts).map_err(|e| usage(e.to_string()))?;
    builder.stacks(out.stacks);
    builder.skipped(out.skipped);
    for n in out.notices {
        builder.notice(n);
    }
    builder.collector("scan", out.findings);
    Ok(())
}

/// A target for a repository path.
pub fn repo_target(root: &Path) -> Target {
    Target {
        name: golive_scan::project_name(root),
        path: Some(root.display().to_string()),
        repository: Some(golive_core::Repository::discover(root)),
        ..Default::default()
    }
}
