//! `golive diff BEFORE.json AFTER.json`: score per category with deltas, the verdict before and
//! after, and the findings fixed, new and still failing.

use anyhow::Result;
use golive_core::Report;
use golive_core::diff::{diff, parse_report};
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
    let d = diff(&before, &after);
    let opts: RenderOptions = crate::output::terminal_options(args.no_color, args.verbose);
    let text = golive_report::render_diff(&d, args.format, &opts)?;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(crate::exit::OK)
}
