//! `golive baseline write [PATH]`: accept today's findings so that CI fails only on new ones
//! (`golive audit --baseline FILE`, `golive check --baseline FILE`).

use anyhow::Result;
use golive_core::baseline::Baseline;
use golive_core::{Catalog, ReportBuilder};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(clap::Subcommand, Debug)]
pub enum Action {
    /// Write a baseline of every failing and warning finding of the project (what `golive
    /// check` finds), or of a JSON report with `--from`.
    Write(WriteArgs),
}

#[derive(clap::Args, Debug)]
pub struct WriteArgs {
    /// Project directory (default: the project root found from the current directory).
    pub path: Option<PathBuf>,
    /// golive.toml to use (default: PATH/golive.toml when present).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Take the findings from a JSON report (`golive check --format json`) instead of running
    /// the collectors.
    #[arg(long, value_name = "REPORT")]
    pub from: Option<PathBuf>,
    /// Where to write it (default: PATH/.golive/baseline.json).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<u8> {
    match args.action {
        Action::Write(w) => write(w),
    }
}

fn write(a: WriteArgs) -> Result<u8> {
    let path = super::project_root(a.path.as_deref())?;
    let report = match &a.from {
        Some(file) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| crate::usage(format!("{}: {e}", file.display())))?;
            golive_core::diff::parse_report(&text, &file.display().to_string())
                .map_err(|e| crate::usage(e.to_string()))?
        }
        None => {
            let config = super::load_config(&path, a.config.as_ref())?;
            super::check::collect(&path, &config, None)?.build(Catalog::builtin(), &config)
        }
    };
    let baseline = Baseline::from_report(&report);
    let out = a
        .output
        .clone()
        .unwrap_or_else(|| path.join(".golive").join("baseline.json"));
    golive_core::fsio::write_atomic(&out, baseline.to_json())
        .map_err(|e| crate::usage(format!("cannot write {}: {e}", out.display())))?;
    let checks: std::collections::BTreeSet<&str> =
        baseline.entries.iter().map(|e| e.check.as_str()).collect();
    println!(
        "Wrote {} accepted place(s) of {} check(s) to {}",
        baseline.entries.len(),
        checks.len(),
        out.display()
    );
    println!(
        "Commit it, then run `golive check --baseline {}`: these stay listed as accepted, and only new findings count.",
        out.display()
    );
    Ok(crate::exit::OK)
}

/// Reads `file` and makes the builder apply it.
pub fn attach(builder: &mut ReportBuilder, file: &Path) -> Result<()> {
    let b = Baseline::load(file).map_err(|e| crate::usage(e.to_string()))?;
    builder.baseline(b, file.display().to_string());
    Ok(())
}
