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
        require_dir(
            p,
            "give the project's directory, the folder that holds its code and golive.toml (--config FILE names the file itself)",
        )?;
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
