//! `golive init [PATH]`: detects the project's stacks and writes a commented golive.toml.

use anyhow::Result;
use golive_core::config::{CONFIG_FILE, ScanConfig, template};
use golive_core::{Catalog, Config};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Overwrite an existing golive.toml.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> Result<u8> {
    super::require_dir(&args.path, "give the project directory")?;
    let target = args.path.join(CONFIG_FILE);
    if target.exists() && !args.force {
        return Err(crate::usage(format!(
            "{} already exists: not overwriting it (use --force to replace it)",
            target.display()
        )));
    }
    let mut opts = golive_scan::ScanOptions::new(&args.path);
    opts.scan = ScanConfig::default();
    let out = golive_scan::scan(&opts).map_err(|e| crate::usage(e.to_string()))?;
    let name = golive_scan::project_name(&args.path);
    let text = template::golive_toml(&name, &out.stacks);
    // The template must always be valid; refuse to write one that is not.
    Config::parse(&text, &target.display().to_string(), Catalog::builtin())
        .map_err(|e| anyhow::anyhow!("the generated golive.toml does not parse: {e}"))?;
    // Atomic, and without --force never over a golive.toml that appeared meanwhile.
    let written = if args.force {
        golive_core::fsio::write_atomic(&target, &text)
    } else {
        golive_core::fsio::write_new(&target, &text)
    };
    written.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            crate::usage(format!(
                "{} already exists: not overwriting it (use --force to replace it)",
                target.display()
            ))
        } else {
            crate::usage(format!(
                "cannot write {}: {e} (check the directory is writable)",
                target.display()
            ))
        }
    })?;
    let stacks = if out.stacks.is_empty() {
        "no known stack".to_string()
    } else {
        out.stacks
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "wrote {} for {name} ({stacks}). Edit it, then run `golive check {}`.",
        target.display(),
        args.path.display()
    );
    Ok(crate::exit::OK)
}
