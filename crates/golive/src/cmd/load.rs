//! `golive load URL`: a load test whose figures become findings (`load.p95-latency`,
//! `load.error-rate`, …); `golive load merge A.hdr B.hdr…` combines runs made on several
//! machines. The generator itself lives in `golive-load`.

use crate::output::OutputArgs;
use crate::usage;
use anyhow::Result;
use golive_core::config::{Config, LoadConfig};
use golive_core::units::{
    LOAD_DURATION_MAX, MAX_DURATION, TIMEOUT_MAX, fmt_duration, parse_duration, parse_duration_max,
    within,
};
use golive_core::{Catalog, ReportBuilder, Target};
use golive_load::plan::{DEFAULT_DURATION, DEFAULT_MAX_DURATION, host_of};
use golive_load::{LoadPlan, LoadResult, Model, RateSchedule, RunOptions, StatusSet, Threshold};
use golive_report::Format;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    pub sub: Option<Sub>,
    /// Target URL (loopback unless --allow-remote).
    #[arg(required = true)]
    pub url: Option<String>,
    /// Concurrent connections, each with one request in flight.
    #[arg(short = 'c', long, default_value_t = 10)]
    pub connections: u32,
    /// Run length (`10s`, `2m`). Default 10s; with -n alone, at most 10m.
    #[arg(short = 'd', long)]
    pub duration: Option<String>,
    /// Stop after this many requests.
    #[arg(short = 'n', long)]
    pub requests: Option<u64>,
    /// Open model: constant arrival rate in requests per second (latency from intended send times).
    #[arg(long, conflicts_with = "ramp")]
    pub rate: Option<f64>,
    /// Open model with stages: `0:100/30s,100:500/1m` (from:to req/s over a duration).
    #[arg(long)]
    pub ramp: Option<String>,
    /// HTTP method.
    #[arg(short = 'm', long, default_value = "GET")]
    pub method: String,
    /// Request header `Name: value` (repeatable).
    #[arg(short = 'H', long = "header")]
    pub headers: Vec<String>,
    /// Send this file as the request body.
    #[arg(long)]
    pub body: Option<PathBuf>,
    /// Use HTTP/2 (prior knowledge on http://, ALPN on https://).
    #[arg(long)]
    pub http2: bool,
    /// Per-request timeout.
    #[arg(long, default_value = "5s")]
    pub timeout: String,
    /// k6-style threshold (repeatable): `p95<200ms`, `p99<1s`, `mean<2s`, `error_rate<0.1%`, `rps>500`, `mem_growth<5MB/min`.
    #[arg(long = "threshold", short = 't')]
    pub thresholds: Vec<String>,
    /// Statuses counted as success (default 2xx): `2xx,404`.
    #[arg(long)]
    pub ok_status: Option<String>,
    /// Sample this process's memory and CPU during the run (leak check).
    #[arg(long)]
    pub watch_pid: Option<u32>,
    /// Write the latency histograms as an HdrHistogram log (for `golive load merge`).
    #[arg(long, value_name = "FILE")]
    pub hdr_out: Option<PathBuf>,
    /// Allow a target that is not a loopback address.
    #[arg(long)]
    pub allow_remote: bool,
    /// Allow a run (-d, --ramp) longer than 24 hours.
    #[arg(long)]
    pub allow_long_run: bool,
    /// PEM file of CA certificates to trust for https targets, beside the public roots (a
    /// private or staging CA).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// golive.toml to read (`[load] allow_remote`, probe environments); default ./golive.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(clap::Subcommand, Debug)]
pub enum Sub {
    /// Combine HdrHistogram logs written by `golive load --hdr-out` on several machines into one exact report.
    Merge(MergeArgs),
}

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// Logs to merge.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Thresholds to hold the merged figures to (repeatable).
    #[arg(long = "threshold", short = 't')]
    pub thresholds: Vec<String>,
    /// Write the merged histograms as one HdrHistogram log.
    #[arg(long, value_name = "FILE")]
    pub hdr_out: Option<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
}

fn err(e: golive_load::LoadError) -> anyhow::Error {
    usage(e.to_string())
}

pub fn thresholds(list: &[String]) -> Result<Vec<Threshold>> {
    list.iter()
        .map(|t| Threshold::parse(t).map_err(err))
        .collect()
}

/// golive.toml `[load] thresholds`, each error with the file and line of its entry.
pub fn configured_thresholds(lc: &LoadConfig, config: &Config) -> Result<Vec<Threshold>> {
    lc.thresholds
        .iter()
        .enumerate()
        .map(|(i, t)| {
            Threshold::parse(t).map_err(|e| {
                let at = config
                    .load_threshold_location(i)
                    .unwrap_or_else(|| golive_core::config::CONFIG_FILE.to_string());
                usage(format!("{at}: [load] thresholds: {e}"))
            })
        })
        .collect()
}

/// The options shared by the flags and golive.toml `[load]`.
pub struct Options<'a> {
    pub url: &'a str,
    pub connections: u32,
    pub duration: Option<&'a str>,
    pub requests: Option<u64>,
    pub rate: Option<f64>,
    pub ramp: Option<&'a str>,
    pub method: &'a str,
    pub headers: &'a [String],
    pub body: Option<PathBuf>,
    pub http2: bool,
    pub timeout: &'a str,
    pub ok_status: Option<&'a str>,
    pub allow_remote: bool,
    pub allow_long_run: bool,
    pub ca_file: Option<PathBuf>,
}

/// Builds and validates a plan; the notices say what was decided for the user.
pub fn build_plan(o: &Options, config: &Config) -> Result<(LoadPlan, Vec<String>)> {
    let mut notices = Vec::new();
    let mut plan = LoadPlan::new(o.url).map_err(err)?;
    plan.connections = o.connections;
    plan.method = o
        .method
        .to_ascii_uppercase()
        .parse()
        .map_err(|_| usage(format!("-m {}: not an HTTP method", o.method)))?;
    for h in o.headers {
        plan.header(h).map_err(err)?;
    }
    if let Some(path) = &o.body {
        let bytes = std::fs::read(path)
            .map_err(|e| usage(format!("--body {}: cannot read it: {e}", path.display())))?;
        plan.body = bytes.into();
    }
    plan.http2 = o.http2;
    if let Some(ca) = &o.ca_file {
        plan.extra_roots = golive_probe::load_ca_file(ca).map_err(|e| usage(e.to_string()))?;
    }
    plan.timeout =
        parse_duration_max(o.timeout, TIMEOUT_MAX).map_err(|e| usage(format!("--timeout: {e}")))?;
    if let Some(s) = o.ok_status {
        plan.ok_status = StatusSet::parse(s).map_err(err)?;
    }
    // A run longer than a day is a typo (`-d 10000000h`) unless asked for.
    let (max_run, how) = if o.allow_long_run {
        (MAX_DURATION, "")
    } else {
        (LOAD_DURATION_MAX, " (--allow-long-run for a longer run)")
    };
    let duration = o
        .duration
        .map(|d| {
            let v = parse_duration(d).map_err(|e| usage(format!("--duration: {e}")))?;
            within(v, max_run).map_err(|_| {
                usage(format!(
                    "--duration: `{d}` is longer than the limit of {}{how}",
                    fmt_duration(max_run)
                ))
            })
        })
        .transpose()?;
    plan.requests = o.requests;
    plan.duration = match (duration, o.requests) {
        (Some(d), _) => d,
        (None, Some(_)) => {
            notices.push(format!(
                "-n without -d: the run stops after {} at most",
                humantime(DEFAULT_MAX_DURATION)
            ));
            DEFAULT_MAX_DURATION
        }
        (None, None) => DEFAULT_DURATION,
    };
    if let Some(r) = o.ramp {
        let s = RateSchedule::parse_ramp(r).map_err(err)?;
        if s.duration() > max_run {
            return Err(usage(format!(
                "--ramp `{r}`: the stages last {} in all, longer than the limit of {}{how}",
                fmt_duration(s.duration()),
                fmt_duration(max_run)
            )));
        }
        match duration {
            // The stages past -d would never run: the schedule and the run length disagree.
            Some(d) if s.duration() > d => {
                return Err(usage(format!(
                    "--ramp `{r}` lasts {} but --duration is {}: the last stages would never run (drop -d, or shorten the ramp)",
                    fmt_duration(s.duration()),
                    fmt_duration(d)
                )));
            }
            None if o.requests.is_none() => plan.duration = s.duration(),
            _ => {}
        }
        plan.model = Model::Open(s);
    } else if let Some(rate) = o.rate {
        if !(rate.is_finite() && rate > 0.0) {
            return Err(usage(format!(
                "--rate {rate}: give a positive number of requests per second"
            )));
        }
        plan.model = Model::Open(RateSchedule::constant(rate, plan.duration).map_err(err)?);
    }
    let allowed = o.allow_remote
        || config.load.as_ref().is_some_and(|l| l.allow_remote)
        || environment_names_host(config, plan.url.as_str());
    plan.validate(allowed).map_err(err)?;
    Ok((plan, notices))
}

/// True when golive.toml names the target's host as one of its environments.
fn environment_names_host(config: &Config, url: &str) -> bool {
    let Some(host) = host_of(url) else {
        return false;
    };
    let Some(probe) = &config.probe else {
        return false;
    };
    probe
        .url
        .iter()
        .chain(probe.environments.values().map(|e| &e.url))
        .any(|u| host_of(u).as_deref() == Some(host.as_str()))
}

fn humantime(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

pub fn run(args: Args) -> Result<u8> {
    if let Some(Sub::Merge(m)) = args.sub {
        return merge(m);
    }
    let Some(url) = args.url.as_deref() else {
        return Err(usage(
            "give the URL to load, e.g. golive load http://127.0.0.1:8080/",
        ));
    };
    let mut config = super::load_config(Path::new("."), args.config.as_ref())?;
    args.out.apply_policy(&mut config);
    let ts = thresholds(&args.thresholds)?;
    let o = Options {
        url,
        connections: args.connections,
        duration: args.duration.as_deref(),
        requests: args.requests,
        rate: args.rate,
        ramp: args.ramp.as_deref(),
        method: &args.method,
        headers: &args.headers,
        body: args.body.clone(),
        http2: args.http2,
        timeout: &args.timeout,
        ok_status: args.ok_status.as_deref(),
        allow_remote: args.allow_remote,
        allow_long_run: args.allow_long_run,
        ca_file: args.ca_file.clone(),
    };
    let (plan, notices) = build_plan(&o, &config)?;
    let opts = RunOptions {
        handle_ctrl_c: true,
        progress: std::io::stderr().is_terminal(),
        watch_pid: args.watch_pid,
    };
    let result = golive_load::run_blocking(plan, opts).map_err(err)?;
    if let Some(p) = &args.hdr_out {
        golive_load::hdrlog::write(&result, p).map_err(err)?;
    }
    report(&result, &ts, notices, &config, &args.out)
}

fn merge(m: MergeArgs) -> Result<u8> {
    let ts = thresholds(&m.thresholds)?;
    let result = golive_load::hdrlog::merge(&m.files).map_err(err)?;
    if let Some(p) = &m.hdr_out {
        golive_load::hdrlog::write(&result, p).map_err(err)?;
    }
    let mut config = super::load_config(Path::new("."), None)?;
    m.out.apply_policy(&mut config);
    let notices = vec![format!(
        "{} run(s) merged from {} file(s): histograms and counters added exactly; rate = all requests / longest run",
        result.runs,
        m.files.len()
    )];
    report(&result, &ts, notices, &config, &m.out)
}

/// Findings into the builder (shared with `golive check`).
pub fn add_to(builder: &mut ReportBuilder, result: &LoadResult, ts: &[Threshold]) {
    let fs = golive_load::findings(result, ts, Catalog::builtin());
    if result.interrupted {
        builder.notice(format!(
            "the load run was interrupted (Ctrl-C) after {:.1} s: the figures cover the part that ran",
            result.elapsed.as_secs_f64()
        ));
    }
    builder.collector("load", fs);
}

fn report(
    result: &LoadResult,
    ts: &[Threshold],
    notices: Vec<String>,
    config: &Config,
    out: &OutputArgs,
) -> Result<u8> {
    let host = host_of(&result.url).unwrap_or_else(|| result.url.clone());
    let mut builder = ReportBuilder::new(Target {
        name: host,
        url: Some(result.url.clone()),
        repository: Some(golive_core::Repository::discover(Path::new("."))),
        ..Default::default()
    });
    for n in notices {
        builder.notice(n);
    }
    add_to(&mut builder, result, ts);
    let report = builder.build(Catalog::builtin(), config);
    if matches!(out.format, None | Some(Format::Terminal)) && !out.quiet {
        print!("{}", golive_load::summary_text(result));
        println!();
    }
    out.emit(&report, config)
}

/// `golive check`: runs the `[load]` section.
pub fn run_configured(
    root: &Path,
    lc: &LoadConfig,
    config: &Config,
    builder: &mut ReportBuilder,
) -> Result<()> {
    let ts = configured_thresholds(lc, config)?;
    let o = Options {
        url: &lc.url,
        connections: lc.connections.unwrap_or(10),
        duration: lc.duration.as_deref(),
        requests: lc.requests,
        rate: lc.rate,
        ramp: lc.ramp.as_deref(),
        method: lc.method.as_deref().unwrap_or("GET"),
        headers: &lc.headers,
        body: lc.body_file.as_ref().map(|b| root.join(b)),
        http2: lc.http2,
        timeout: lc.timeout.as_deref().unwrap_or("5s"),
        ok_status: lc.ok_status.as_deref(),
        allow_remote: lc.allow_remote,
        allow_long_run: lc.allow_long_run,
        ca_file: lc.ca_file.as_ref().map(|c| root.join(c)),
    };
    let (plan, notices) = build_plan(&o, config).map_err(|e| usage(format!("[load]: {e}")))?;
    for n in notices {
        builder.notice(format!("[load] {n}"));
    }
    let result = golive_load::run_blocking(
        plan,
        RunOptions {
            handle_ctrl_c: true,
            progress: std::io::stderr().is_terminal(),
            watch_pid: None,
        },
    )
    .map_err(err)?;
    add_to(builder, &result, &ts);
    Ok(())
}
