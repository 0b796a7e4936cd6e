//! `golive probe URL`: the live audit of a running service over HTTP and TLS (golive-probe).
//! Flags override golive.toml `[probe]`; `--env NAME` picks `[probe.environments.NAME]`.

use crate::output::OutputArgs;
use crate::usage;
use anyhow::Result;
use golive_core::{Catalog, Config, ReportBuilder, Target};
use golive_probe::{ProbeError, ProbeOptions};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug, Default)]
pub struct ProbeFlags {
    /// A path that must refuse anonymous access (repeatable): `--protected /admin`.
    #[arg(long, value_name = "PATH")]
    pub protected: Vec<String>,
    /// An extra health path to call (repeatable), on top of /health, /healthz, /readyz, ….
    #[arg(long, value_name = "PATH")]
    pub health: Vec<String>,
    /// A header sent with every request (repeatable): `--header 'X-Env: staging'`.
    #[arg(long = "header", short = 'H', value_name = "'K: V'")]
    pub headers: Vec<String>,
    /// Environment variable holding a valid bearer token: protected paths must accept it.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// Plain-HTTP service that a TLS proxy will front: transport checks are not applicable.
    #[arg(long)]
    pub behind_tls_proxy: bool,
    /// Send N requests (≤ 500) quickly to test rate limiting (loopback or [probe] rate_limit_hosts only).
    #[arg(long, value_name = "N")]
    pub rate_limit_burst: Option<u32>,
    /// Path the burst goes to (default: the base URL).
    #[arg(long, value_name = "PATH")]
    pub rate_limit_path: Option<String>,
    /// A host a redirect may lead to (repeatable). Without it, a redirect to another host, or
    /// from https to http, is reported and not followed.
    #[arg(long, value_name = "HOST")]
    pub follow_redirects_to: Vec<String>,
    /// Per-request timeout (default 5s).
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// PEM file of extra CA certificates to trust (a private or test CA).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Sequential requests per latency target (default 20).
    #[arg(long, value_name = "N")]
    pub latency_samples: Option<usize>,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Base URL of the service (default: golive.toml [probe] url, or the --env environment's).
    pub url: Option<String>,
    /// Probe the URL of `[probe.environments.NAME]` in golive.toml (staging, production, …).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// golive.toml to use (default: ./golive.toml when present).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub probe: ProbeFlags,
    #[command(flatten)]
    pub out: OutputArgs,
}

fn probe_err(e: ProbeError) -> anyhow::Error {
    match e {
        ProbeError::Runtime(_) => anyhow::Error::new(e),
        other => usage(other.to_string()),
    }
}

/// Options from golive.toml `[probe]` (when present), then the flags on top.
pub fn options(
    config: &Config,
    env: Option<&str>,
    url: Option<&str>,
    flags: &ProbeFlags,
) -> Result<ProbeOptions> {
    let mut o = match &config.probe {
        Some(pc) => {
            // A relative `ca_file` is relative to golive.toml, not to the working directory.
            let mut pc = pc.clone();
            if let (Some(ca), Some(dir)) = (
                pc.ca_file.clone(),
                config.source.as_deref().and_then(Path::parent),
            ) && Path::new(&ca).is_relative()
            {
                pc.ca_file = Some(dir.join(ca).display().to_string());
            }
            ProbeOptions::from_config(&pc, env, url).map_err(probe_err)?
        }
        None => {
            if let Some(e) = env {
                return Err(usage(format!(
                    "--env {e}: golive.toml has no [probe] section (add [probe.environments.{e}] url = \"…\")"
                )));
            }
            let u = url.ok_or_else(|| probe_err(ProbeError::NoUrl))?;
            ProbeOptions::new(u).map_err(probe_err)?
        }
    };
    o.protected.extend(flags.protected.iter().cloned());
    o.health.extend(flags.health.iter().cloned());
    for h in &flags.headers {
        o.headers
            .push(golive_probe::parse_header(h).map_err(probe_err)?);
    }
    if flags.token_env.is_some() {
        o.token_env = flags.token_env.clone();
    }
    o.behind_tls_proxy |= flags.behind_tls_proxy;
    o.follow_redirects_to
        .extend(flags.follow_redirects_to.iter().cloned());
    if let Some(n) = flags.rate_limit_burst {
        o.set_burst(n).map_err(probe_err)?;
    }
    if flags.rate_limit_path.is_some() {
        o.rate_limit_path = flags.rate_limit_path.clone();
    }
    if let Some(t) = &flags.timeout {
        o.timeout = golive_core::units::parse_duration_max(t, golive_core::units::TIMEOUT_MAX)
            .map_err(|m| usage(format!("--timeout {t}: {m}")))?;
        if o.timeout.is_zero() {
            return Err(usage(format!("--timeout {t}: must be more than zero")));
        }
    }
    if let Some(ca) = &flags.ca_file {
        o.extra_roots
            .extend(golive_probe::load_ca_file(ca).map_err(probe_err)?);
    }
    if let Some(n) = flags.latency_samples {
        if n == 0 || n > 1000 {
            return Err(usage(format!(
                "--latency-samples {n}: give a number between 1 and 1000"
            )));
        }
        o.latency_samples = n;
    }
    o.resolve_token();
    Ok(o)
}

/// Runs the probe and adds its findings (and the Observatory grade as a notice) to the report.
pub fn run_into(opts: &ProbeOptions, builder: &mut ReportBuilder) -> Result<()> {
    let out = golive_probe::probe(opts).map_err(probe_err)?;
    if let Some(g) = &out.observatory {
        builder.notice(format!(
            "MDN HTTP Observatory grade for {}: {} (score {})",
            out.url, g.grade, g.score
        ));
    }
    builder.collector("probe", out.findings);
    Ok(())
}

pub fn run(args: Args) -> Result<u8> {
    let mut config = super::load_config(Path::new("."), args.config.as_ref())?;
    args.out.apply_policy(&mut config);
    let opts = options(
        &config,
        args.env.as_deref(),
        args.url.as_deref(),
        &args.probe,
    )?;
    let name = config
        .project
        .name
        .clone()
        .unwrap_or_else(|| opts.url.host_str().unwrap_or("service").to_string());
    let mut builder = ReportBuilder::new(Target {
        name,
        url: Some(opts.url.to_string()),
        repository: Some(golive_core::Repository::discover(Path::new("."))),
        ..Default::default()
    });
    run_into(&opts, &mut builder)?;
    let report = builder.build(Catalog::builtin(), &config);
    args.out.emit(&report, &config)
}
