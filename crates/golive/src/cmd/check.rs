//! `golive check [PATH]`: the umbrella command. Reads golive.toml and runs every collector it
//! configures: the static audit always; the live probe, smoke tests, load test and imported
//! checklist when their sections are present.

use crate::output::OutputArgs;
use anyhow::Result;
use golive_core::{Catalog, ReportBuilder};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project directory (where golive.toml lives).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// golive.toml to use (default: PATH/golive.toml when present).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Probe the URL of `[probe.environments.NAME]` instead of `[probe] url`.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    #[command(flatten)]
    pub out: OutputArgs,
}

pub fn run(args: Args) -> Result<u8> {
    super::require_dir(
        &args.path,
        "give the project directory, where golive.toml lives (--config FILE names the file itself)",
    )?;
    let mut config = super::load_config(&args.path, args.config.as_ref())?;
    args.out.apply_policy(&mut config);
    // The thresholds are read by the load collector, which runs after the others: a bad one is
    // reported now, before anything runs.
    if let Some(lc) = &config.load {
        super::load::configured_thresholds(lc, &config)?;
    }
    let probe = match &config.probe {
        Some(pc) if pc.url.is_some() || args.env.is_some() => Some(super::probe::options(
            &config,
            args.env.as_deref(),
            None,
            &super::probe::ProbeFlags::default(),
        )?),
        _ => match &args.env {
            Some(e) => {
                return Err(crate::usage(format!(
                    "--env {e}: golive.toml has no [probe] section (add [probe.environments.{e}] url = \"…\")"
                )));
            }
            None => None,
        },
    };
    let mut target = super::repo_target(&args.path);
    target.url = probe.as_ref().map(|o| o.url.to_string());
    let mut builder = ReportBuilder::new(target);

    // 1. Static audit: always.
    super::run_scan(&args.path, &config, &mut builder)?;

    // The live probe, when [probe] names a URL (or --env picks one of its environments).
    if let Some(opts) = &probe {
        super::probe::run_into(opts, &mut builder)?;
    }

    // Smoke tests, then the load test, when golive.toml configures them.
    if let Some(sc) = &config.smoke {
        super::smoke::run_configured(&args.path, sc, &mut builder)?;
    }
    if let Some(lc) = config.load.clone() {
        super::load::run_configured(&args.path, &lc, &config, &mut builder)?;
    }

    // Imported checklist, last: its mapped items link to the findings of the collectors above.
    super::checklist::add_to_report(&args.path, &config, &mut builder)?;

    let report = builder.build(Catalog::builtin(), &config);
    args.out.emit(&report, &config)
}
