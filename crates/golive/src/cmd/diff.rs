//! `golive diff BEFORE.json AFTER.json`: score per category with deltas, the verdict before and
//! after, and the findings fixed, new and still failing. Exits 1 when AFTER is worse by one of
//! the `--fail-on` criteria (default: any), and warns on stderr when the two reports are of
//! different targets or in reverse time order.

use anyhow::Result;
use golive_core::Report;
use golive_core::diff::{Regression, diff, parse_report};
use golive_report::{Format, RenderOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The earlier JSON report (`golive audit --format json > before.json`).
    pub before: PathBuf,
    /// The later JSON report.
    pub after: PathBuf,
    /// Output: terminal, json or markdown.
    #[arg(long, short = 'f', value_name = "FORMAT", default_value = "terminal")]
    pub format: Format,
    /// No colour (also: the NO_COLOR environment variable).
    #[arg(long)]
    pub no_color: bool,
    /// List every still-failing finding (the terminal view shows the 15 most severe).
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// When AFTER counts as worse (exit 1): `new-failure` (a failing finding that was not in
    /// BEFORE), `score-drop` (a lower overall score), `verdict` (a worse verdict); comma-separated
    /// or repeated; `any` for all three (the default), `none` to always exit 0.
    #[arg(long, value_name = "WHAT", value_delimiter = ',', value_parser = parse_fail_on)]
    pub fail_on: Vec<FailOn>,
}

/// One `--fail-on` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    One(Regression),
    Any,
    None,
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "any" | "all" => Ok(FailOn::Any),
        "none" | "never" => Ok(FailOn::None),
        other => other.parse().map(FailOn::One),
    }
}

/// The exit code of a diff whose AFTER report is worse by a chosen criterion.
pub const WORSE: u8 = 1;

/// The criteria `--fail-on` selects (all of them by default).
fn criteria(values: &[FailOn]) -> Vec<Regression> {
    if values.is_empty() || values.contains(&FailOn::Any) {
        return Regression::ALL.to_vec();
    }
    let mut out = Vec::new();
    for v in values {
        if let FailOn::One(r) = v
            && !out.contains(r)
        {
            out.push(*r);
        }
    }
    out
}

/// Reads a JSON report written by golive (`--format json`), checking its schema.
pub(crate) fn read_report(path: &Path) -> Result<Report> {
    let text = std::fs::read(path).map_err(|e| {
        crate::usage(format!(
            "cannot read {}: {e} (give the path of a JSON report written by `golive audit --format json`)",
            path.display()
        ))
    })?;
    let text = String::from_utf8(text).map_err(|_| {
        crate::usage(format!(
            "{}: not UTF-8 text, so not a golive JSON report",
            path.display()
        ))
    })?;
    parse_report(&text, &path.display().to_string()).map_err(|e| crate::usage(e.to_string()))
}

pub fn run(args: Args) -> Result<u8> {
    if !matches!(
        args.format,
        Format::Terminal | Format::Json | Format::Markdown
    ) {
        return Err(crate::usage(format!(
            "`golive diff --format {}`: a diff is drawn as terminal, json or markdown",
            args.format
        )));
    }
    let before = read_report(&args.before)?;
    let after = read_report(&args.after)?;
    if args.fail_on.contains(&FailOn::None) && args.fail_on.len() > 1 {
        return Err(crate::usage(
            "`--fail-on none` cannot be combined with other criteria",
        ));
    }
    let d = diff(&before, &after);
    for w in d.warnings() {
        eprintln!("golive: warning: {w}");
    }
    let opts: RenderOptions = crate::output::terminal_options(args.no_color, args.verbose);
    let text = golive_report::render_diff(&d, args.format, &opts)?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    let worse = d.regressions(&criteria(&args.fail_on));
    if worse.is_empty() {
        return Ok(crate::exit::OK);
    }
    for (kind, why) in &worse {
        eprintln!("golive: AFTER is worse ({}): {why}", kind.as_str());
    }
    Ok(WORSE)
}
