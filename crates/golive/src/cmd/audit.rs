//! `golive audit [PATH]`: the static audit of a repository.

use crate::output::OutputArgs;
use anyhow::Result;
use golive_core::{Catalog, ReportBuilder};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Repository to audit (default: the project root found from the current directory:
    /// the nearest golive.toml, else the git root).
    pub path: Option<PathBuf>,
    /// golive.toml to use (default: PATH/golive.toml when present).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Accept the findings a baseline file holds (`golive baseline write`): they are listed as
    /// accepted, and only new ones count.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: Args) -> Result<u8> {
    let path = super::project_root(args.path.as_deref())?;
    let mut config = super::load_config(&path, args.config.as_ref())?;
    args.out.apply_policy(&mut config);
    let mut builder = ReportBuilder::new(super::repo_target(&path));
    super::run_scan(&path, &config, &mut builder)?;
    if let Some(b) = &args.baseline {
        super::baseline::attach(&mut builder, b)?;
    }
    let report = builder.build(Catalog::builtin(), &config);
    args.out.emit(&report, &config)
}
