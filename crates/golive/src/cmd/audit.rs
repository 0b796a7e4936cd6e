//! `golive audit [PATH]`: the static audit of a repository.

use crate::output::OutputArgs;
use anyhow::Result;
use golive_core::{Catalog, ReportBuilder};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Repository to audit.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// golive.toml to use (default: PATH/golive.toml when present).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: Args) -> Result<u8> {
    super::require_dir(&args.path, "give the path of a repository to audit")?;
    let mut config = super::load_config(&args.path, args.config.as_ref())?;
    args.out.apply_policy(&mut config);
    let mut builder = ReportBuilder::new(super::repo_target(&args.path));
    super::run_scan(&args.path, &config, &mut builder)?;
    let report = builder.build(Catalog::builtin(), &config);
    args.out.emit(&report, &config)
}
