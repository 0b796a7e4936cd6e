//! The `golive` binary: clap commands that wire the collectors, the report builder and the
//! renderers together. No audit logic lives here.

mod cmd;
mod output;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit codes (DESIGN.md): 0 GO or success, 1 ATTENTION with `--fail-on attention`, 2 NO-GO,
/// 3 bad usage or bad config, 4 internal error.
pub mod exit {
    pub const OK: u8 = 0;
    pub const ATTENTION: u8 = 1;
    pub const NO_GO: u8 = 2;
    pub const USAGE: u8 = 3;
    pub const INTERNAL: u8 = 4;
}

/// An error caused by the user's input (flags, golive.toml, paths): exit code 3.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for UsageError {}

/// Shorthand for returning a usage error.
pub fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

#[derive(Parser)]
#[command(
    name = "golive",
    version,
    about = "Is this service ready for production? Evidence, score and a GO / ATTENTION / NO-GO verdict.",
    after_help = "Exit codes: 0 GO (or success), 1 ATTENTION with --fail-on attention, 2 NO-GO, 3 bad usage or config, 4 internal error."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Static audit of a repository.
    Audit(cmd::audit::Args),
    /// Accept today's findings (`baseline write`) so that `--baseline FILE` fails only on new ones.
    #[command(subcommand_required = true)]
    Baseline(cmd::baseline::Args),
    /// Run every collector golive.toml configures (scan, and probe/smoke/load/checklist when set).
    Check(cmd::check::Args),
    /// Import Markdown checklists, map items to checks, sign off manual items, export with evidence.
    #[command(subcommand_required = true)]
    Checklist(cmd::checklist::Args),
    /// List the check catalog.
    Checks(cmd::checks::Args),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(cmd::completions::Args),
    /// Compare two JSON reports: scores with deltas, fixed / new / still failing findings.
    Diff(cmd::diff::Args),
    /// Print the scoring formula and the policy in force, or one check in full.
    Explain(cmd::explain::Args),
    /// Write a commented golive.toml for the detected stack.
    Init(cmd::init::Args),
    /// Print the man page (roff), or write one page per subcommand with `--out-dir`.
    Man(cmd::completions::ManArgs),
    /// Load test a URL: percentiles, error rate, throughput, thresholds (`golive load merge` combines runs).
    Load(cmd::load::Args),
    /// Audit a running service over HTTP and TLS: health, HTTPS, TLS, security headers (Observatory grade), CORS, auth, errors, exposure, latency.
    Probe(cmd::probe::Args),
    /// Print the JSON Schema of the JSON report (docs/report-schema.json).
    Schema(cmd::schema::Args),
    /// Run the smoke tests of a smoke.yaml (critical paths, multi-step flows).
    Smoke(cmd::smoke::Args),
}

fn main() -> ExitCode {
    // Like other Unix filters, end quietly when the reader of stdout goes away
    // (`golive checks | head`) instead of panicking in `println!`.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is always valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Audit(a) => cmd::audit::run(a),
        Command::Baseline(a) => cmd::baseline::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Checklist(a) => cmd::checklist::run(a),
        Command::Checks(a) => cmd::checks::run(a),
        Command::Completions(a) => cmd::completions::run(a),
        Command::Diff(a) => cmd::diff::run(a),
        Command::Explain(a) => cmd::explain::run(a),
        Command::Init(a) => cmd::init::run(a),
        Command::Man(a) => cmd::completions::man(a),
        Command::Load(a) => cmd::load::run(a),
        Command::Probe(a) => cmd::probe::run(a),
        Command::Schema(a) => cmd::schema::run(a),
        Command::Smoke(a) => cmd::smoke::run(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if e.downcast_ref::<UsageError>().is_some() {
                eprintln!("golive: error: {e:#}");
                ExitCode::from(exit::USAGE)
            } else {
                eprintln!("golive: internal error: {e:#}");
                ExitCode::from(exit::INTERNAL)
            }
        }
    }
}
