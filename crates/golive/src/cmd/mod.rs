//! One module per subcommand.

pub mod audit;
pub mod baseline;
pub mod check;
pub mod checklist;
pub mod checks;
pub mod completions;
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

/// The project a command works on. An explicit path must be a directory. Without one, golive
/// looks upward from the current directory as cargo and git do: the nearest folder holding a
/// `golive.toml`, else the root of the git work tree, else the current directory; it never
/// climbs above the git root. When the root is not the current directory it says which it chose
/// (on stderr, so machine formats on stdout stay clean) and returns it as a relative path
/// (`../..`) so that reports keep repository-relative paths.
pub fn project_root(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = given {
        if p.is_file() {
            return Err(usage(format!(
                "{}: is a file; give the project's directory (the folder that holds its code and golive.toml)",
                p.display()
            )));
        }
        if !p.is_dir() {
            return Err(usage(format!(
                "{}: no such directory (give the project's directory)",
                p.display()
            )));
        }
        return Ok(p.to_path_buf());
    }
    let cwd = std::env::current_dir()
        .map_err(|e| usage(format!("cannot read the current directory: {e}")))?;
    let (root, why) = match discover_root(&cwd) {
        Some(found) => found,
        None => return Ok(PathBuf::from(".")),
    };
    if root == cwd {
        return Ok(PathBuf::from("."));
    }
    let up = cwd
        .strip_prefix(&root)
        .map(|rest| rest.components().count())
        .unwrap_or(0);
    let rel: PathBuf = if up == 0 {
        root.clone()
    } else {
        std::iter::repeat_n("..", up).collect()
    };
    eprintln!(
        "golive: project root {} ({why}; pass a path to choose another)",
        root.display()
    );
    Ok(rel)
}

/// The nearest ancestor of `start` (itself included) with a golive.toml, not above the git
/// work tree's root; else that root. `None` when neither exists.
pub fn discover_root(start: &Path) -> Option<(PathBuf, &'static str)> {
    let mut git_root = None;
    for dir in start.ancestors() {
        if dir.join("golive.toml").is_file() {
            return Some((dir.to_path_buf(), "nearest golive.toml"));
        }
        // `.git` is a directory in a clone and a file in a worktree or submodule.
        if dir.join(".git").exists() {
            git_root = Some(dir.to_path_buf());
            break;
        }
    }
    git_root.map(|r| (r, "root of the git work tree"))
}
