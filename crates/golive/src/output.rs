//! Output plumbing shared by every command that produces a report: `--format`, `--output
//! F=PATH` (repeatable), colour and width detection, `--fail-on` and `--min-score`.

use crate::{exit, usage};
use anyhow::{Context, Result};
use golive_core::config::{Config, FailOn};
use golive_core::{Decision, Report};
use golive_report::{Format, RenderOptions};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Flags every report-producing command takes.
#[derive(clap::Args, Debug, Clone)]
pub struct OutputArgs {
    /// Format written to stdout: terminal, json, sarif, junit, markdown, html.
    #[arg(long, short = 'f', value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Also write FORMAT to PATH (repeatable): `--output sarif=golive.sarif --output html=report.html`.
    #[arg(long, short = 'o', value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub output: Vec<(Format, PathBuf)>,
    /// Exit non-zero on ATTENTION (1) as well as NO-GO (2). Default: golive.toml `[policy] fail_on`, else no-go.
    #[arg(long, value_name = "LEVEL", value_parser = parse_fail_on)]
    pub fail_on: Option<FailOn>,
    /// A lower overall score is NO-GO.
    #[arg(long, value_name = "N", value_parser = parse_score)]
    pub min_score: Option<f64>,
    /// Full detail: every finding with its evidence, passing checks, every location, the whole
    /// action plan with remediation, suppressed findings and skipped files.
    #[arg(long, short = 'v', conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print the verdict line only (the exit code says the same).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// No colour (also: the NO_COLOR environment variable).
    #[arg(long)]
    pub no_color: bool,
}

pub(crate) fn parse_output(s: &str) -> Result<(Format, PathBuf), String> {
    let (f, p) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: expected FORMAT=PATH, e.g. sarif=golive.sarif"))?;
    if p.is_empty() {
        return Err(format!("`{s}`: empty path"));
    }
    Ok((f.parse()?, PathBuf::from(p)))
}

pub(crate) fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    match s.to_ascii_lowercase().as_str() {
        "attention" => Ok(FailOn::Attention),
        "no-go" | "nogo" | "no_go" => Ok(FailOn::NoGo),
        _ => Err(format!("`{s}`: expected `attention` or `no-go`")),
    }
}

pub(crate) fn parse_score(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number between 0 and 100"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 100"))
    }
}

impl OutputArgs {
    /// Applies `--min-score` to the policy before the report is built.
    pub fn apply_policy(&self, config: &mut Config) {
        if let Some(m) = self.min_score {
            config.policy.min_score = Some(m);
        }
    }

    pub fn render_options(&self) -> RenderOptions {
        RenderOptions {
            quiet: self.quiet,
            ..terminal_options(self.no_color, self.verbose)
        }
    }

    /// Writes every requested output and returns the exit code for the verdict.
    pub fn emit(&self, report: &Report, config: &Config) -> Result<u8> {
        let code = self.exit_code(report, config);
        let opts = RenderOptions {
            exit_code: Some(code),
            ..self.render_options()
        };
        for (format, path) in &self.output {
            let file_opts = golive_report::RenderOptions {
                color: false,
                quiet: false,
                ..opts.clone()
            };
            let text = golive_report::render(report, *format, &file_opts)?;
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            // Atomic: a reader (CI uploading the SARIF) never sees half a report.
            golive_core::fsio::write_atomic(path, text).map_err(|e| {
                usage(format!(
                    "cannot write {} output to {}: {e}",
                    format,
                    path.display()
                ))
            })?;
        }
        let format = self.format.unwrap_or(Format::Terminal);
        let text = golive_report::render(report, format, &opts)?;
        let mut out = std::io::stdout().lock();
        // A closed pipe (`golive audit | head`) is not an error worth a stack of messages.
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
        Ok(code)
    }

    pub fn exit_code(&self, report: &Report, config: &Config) -> u8 {
        let fail_on = self.fail_on.unwrap_or(config.policy.fail_on);
        match report.verdict.decision {
            Decision::NoGo => exit::NO_GO,
            Decision::Attention if fail_on == FailOn::Attention => exit::ATTENTION,
            _ => exit::OK,
        }
    }
}

/// Options for drawing on stdout: colour when stdout is a terminal and neither `NO_COLOR` nor
/// `--no-color` says otherwise; width from `COLUMNS`, else the terminal, else 100.
pub fn terminal_options(no_color: bool, verbose: bool) -> RenderOptions {
    let stdout_tty = std::io::stdout().is_terminal();
    let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| terminal_width().filter(|_| stdout_tty))
        .unwrap_or(100)
        .clamp(40, 200);
    RenderOptions {
        color: stdout_tty && !no_color_env && !no_color,
        width,
        verbose,
        quiet: false,
        exit_code: None,
    }
}

fn terminal_width() -> Option<usize> {
    terminal_size::terminal_size().map(|(w, _)| w.0 as usize)
}
