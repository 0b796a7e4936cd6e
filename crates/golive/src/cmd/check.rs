//! `golive check [PATH]`: the umbrella command. Reads golive.toml and runs every collector it
//! configures: the static audit always; the live probe, smoke tests, load test and imported
//! checklist when their sections are present.

use crate::output::OutputArgs;
use anyhow::Result;
use golive_core::{Catalog, Config, ReportBuilder};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Project directory (default: the project root found from the current directory: the
    /// nearest golive.toml, else the git root).
    pub path: Option<PathBuf>,
    /// golive.toml to use (default: PATH/golive.toml when present).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Probe the URL of `[probe.environments.NAME]` instead of `[probe] url`.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
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
    // The thresholds are read by the load collector, which runs after the others: a bad one is
    // reported now, before anything runs.
    if let Some(lc) = &config.load {
        super::load::configured_thresholds(lc, &config)?;
    }
    let mut builder = collect(&path, &config, args.env.as_deref())?;
    if let Some(b) = &args.baseline {
        super::baseline::attach(&mut builder, b)?;
    }
    let report = builder.build(Catalog::builtin(), &config);
    args.out.emit(&report, &config)
}

/// Runs every collector golive.toml configures on the project at `path` (shared with
/// `golive baseline write`).
pub fn collect(path: &Path, config: &Config, env: Option<&str>) -> Result<ReportBuilder> {
    let probe = match &config.probe {
        Some(pc) if pc.url.is_some() || env.is_some() => Some(super::probe::options(
            config,
            env,
            None,
            &super::probe::ProbeFlags::default(),
        )?),
        _ => match env {
            Some(e) => {
                return Err(crate::usage(format!(
                    "--env {e}: golive.toml has no [probe] section (add [probe.environments.{e}] url = \"…\")"
                )));
            }
            None => None,
        },
    };
    let mut target = super::repo_target(path);
    target.url = probe.as_ref().map(|o| o.url.to_string());
    let mut builder = ReportBuilder::new(target);

    // 1. Static audit: always.
    super::run_scan(path, config, &mut builder)?;

    // The live probe, when [probe] names a URL (or --env picks one of its environments).
    if let Some(opts) = &probe {
        super::probe::run_into(opts, &mut builder)?;
    }

    // Smoke tests, then the load test, when golive.toml configures them.
    if let Some(sc) = &config.smoke {
        super::smoke::run_configured(path, sc, &mut builder)?;
    }
    if let Some(lc) = config.load.clone() {
        super::load::run_configured(path, &lc, config, &mut builder)?;
    }

    // Imported checklist, last: its mapped items link to the findings of the collectors above.
    super::checklist::add_to_report(path, config, &mut builder)?;
    Ok(builder)
}
