//! `golive smoke [-f smoke.yaml] [--base-url URL]`: runs the critical-path smoke tests of a
//! spec; each test is a `smoke.<name>` finding with the HTTP exchanges as evidence.

use crate::output::{OutputArgs, parse_fail_on, parse_output};
use crate::usage;
use anyhow::Result;
use golive_core::config::{Config, FailOn, SmokeConfig};
use golive_core::{Catalog, ReportBuilder, Target};
use golive_load::smoke::Spec;
use golive_report::Format;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The smoke spec (default: golive.toml [smoke] file, else ./smoke.yaml).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Base URL the spec's paths are relative to (overrides the spec and golive.toml).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// golive.toml to read (default ./golive.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub out: SmokeOutput,
}

/// The report flags of every command, with `--format` long-only (`-f` is the spec file here).
#[derive(clap::Args, Debug, Clone)]
pub struct SmokeOutput {
    /// Format written to stdout: terminal, json, sarif, junit, markdown, html.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Also write FORMAT to PATH (repeatable): `--output junit=smoke.xml`.
    #[arg(long, short = 'o', value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub output: Vec<(Format, PathBuf)>,
    /// Exit non-zero on ATTENTION (1) as well as NO-GO (2).
    #[arg(long, value_name = "LEVEL", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,
    /// A lower overall score is NO-GO.
    #[arg(long, value_name = "N")]
    pub min_score: Option<f64>,
    /// Full detail: every finding with its evidence, the whole action plan.
    #[arg(long, short = 'v', conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print the verdict line only.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// No colour (also: the NO_COLOR environment variable).
    #[arg(long)]
    pub no_color: bool,
}

impl SmokeOutput {
    fn into_output(self) -> Result<OutputArgs> {
        if let Some(m) = self.min_score
            && !(0.0..=100.0).contains(&m)
        {
            return Err(usage(format!(
                "--min-score {m}: give a number between 0 and 100"
            )));
        }
        Ok(OutputArgs {
            format: self.format,
            output: self.output,
            fail_on: self.fail_on,
            min_score: self.min_score,
            verbose: self.verbose,
            quiet: self.quiet,
            no_color: self.no_color,
        })
    }
}

/// Finds the spec: the flag, else golive.toml `[smoke] file` (relative to `root`), else smoke.yaml.
fn spec_path(root: &Path, flag: Option<&PathBuf>, sc: Option<&SmokeConfig>) -> PathBuf {
    match (flag, sc.and_then(|s| s.file.as_ref())) {
        (Some(f), _) => f.clone(),
        (None, Some(f)) => root.join(f),
        (None, None) => root.join("smoke.yaml"),
    }
}

/// Runs a spec into the builder (shared with `golive check`).
pub fn run_into(
    spec_file: &Path,
    base_url: Option<&str>,
    builder: &mut ReportBuilder,
) -> Result<()> {
    let spec = Spec::load(spec_file).map_err(|e| usage(e.to_string()))?;
    let out =
        golive_load::smoke::run_blocking(&spec, base_url).map_err(|e| usage(e.to_string()))?;
    for c in out.checks {
        builder.dynamic_check(c);
    }
    for n in out.notices {
        builder.notice(n);
    }
    builder.collector("smoke", out.findings);
    Ok(())
}

pub fn run(args: Args) -> Result<u8> {
    let out = args.out.into_output()?;
    let mut config: Config = super::load_config(Path::new("."), args.config.as_ref())?;
    out.apply_policy(&mut config);
    let file = spec_path(Path::new("."), args.file.as_ref(), config.smoke.as_ref());
    let base = args
        .base_url
        .clone()
        .or_else(|| config.smoke.as_ref().and_then(|s| s.base_url.clone()));
    let mut builder = ReportBuilder::new(Target {
        name: base
            .as_deref()
            .and_then(golive_load::plan::host_of)
            .unwrap_or_else(|| file.display().to_string()),
        url: base.as_deref().map(golive_core::secrets::strip_userinfo),
        repository: Some(golive_core::Repository::discover(Path::new("."))),
        ..Default::default()
    });
    run_into(&file, base.as_deref(), &mut builder)?;
    let report = builder.build(Catalog::builtin(), &config);
    out.emit(&report, &config)
}

/// `golive check`: runs the `[smoke]` section.
pub fn run_configured(root: &Path, sc: &SmokeConfig, builder: &mut ReportBuilder) -> Result<()> {
    let file = spec_path(root, None, Some(sc));
    run_into(&file, sc.base_url.as_deref(), builder).map_err(|e| usage(format!("[smoke]: {e}")))
}
