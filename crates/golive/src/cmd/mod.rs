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

/// Refuses a path that is not a directory where one is expected, saying what it is instead (a
/// file, most often golive.toml itself) and what to give. `expected` ends the sentence:
/// "give the project directory".
pub fn require_dir(path: &Path, expected: &str) -> Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    let shown = path.display();
    Err(usage(if path.exists() {
        let hint = if path
            .file_name()
            .is_some_and(|n| n == golive_core::config::CONFIG_FILE)
        {
            format!(
                "; for this golive.toml, give its directory `{}`",
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .display()
            )
        } else {
            String::new()
        };
        format!("{shown} is a file, not a directory: {expected}{hint}")
    } else {
        format!("{shown}: no such directory ({expected})")
    }))
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
        ..Default::default()
    }
}
