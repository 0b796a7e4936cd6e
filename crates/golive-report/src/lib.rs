//! # golive-report
//!
//! Renderers: they draw a [`Report`] and never inspect files or services. [`render`] turns a
//! report into one [`Format`] (terminal, JSON, SARIF 2.1.0, JUnit XML, Markdown, HTML);
//! [`render_diff`] draws the comparison of two reports; the CLI writes the result to stdout or
//! to files.
//!
//! ```
//! use golive_core::{Catalog, Config, Finding, Outcome, ReportBuilder, Target};
//! use golive_report::{render, Format, RenderOptions};
//! let catalog = Catalog::builtin();
//! let mut b = ReportBuilder::new(Target { name: "demo".into(), ..Default::default() });
//! b.collector("scan", vec![Finding::new(catalog.check("docs.readme"), Outcome::Fail, "no README")]);
//! let report = b.build(catalog, &Config::default());
//! let text = render(&report, Format::Markdown, &RenderOptions::default()).unwrap();
//! assert!(text.contains("docs.readme"));
//! ```

mod catalog;
mod diffview;
mod explain;
mod html;
mod junit;
mod markdown;
mod sarif;
mod terminal;
mod util;

/// golive's home page: SARIF's `tool.driver.informationUri`. The workspace's
/// `package.repository` is a placeholder (`example.invalid`), so the URL is set here, once.
pub const PROJECT_URL: &str = "https://github.com/golive-dev/golive";

pub use catalog::{catalog_markdown, catalog_text, explain_check, wrap};
pub use explain::explain_policy;

use golive_core::Report;
use golive_core::diff::ReportDiff;
use std::fmt;
use std::str::FromStr;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Terminal,
    Json,
    Sarif,
    Junit,
    Markdown,
    Html,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Terminal,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Markdown,
        Format::Html,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Terminal => "terminal",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "terminal" | "text" | "term" | "human" => Ok(Format::Terminal),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "junit" | "xml" => Ok(Format::Junit),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            other => Err(format!(
                "unknown format `{other}` (expected terminal, json, sarif, junit, markdown or html)"
            )),
        }
    }
}

/// How the terminal renderer draws.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// ANSI colours.
    pub color: bool,
    /// Terminal width in columns.
    pub width: usize,
    /// Show every finding, passing checks and every location.
    pub verbose: bool,
    /// The verdict line only (terminal).
    pub quiet: bool,
    /// The exit code the run ends with, recorded in SARIF's `invocation` (default: 2 for
    /// NO-GO, 0 otherwise).
    pub exit_code: Option<u8>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
            verbose: false,
            quiet: false,
            exit_code: None,
        }
    }
}

/// A renderer failure.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot render {format}: {message}")]
    Failed { format: Format, message: String },
}

/// Renders a report in one format.
pub fn render(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
) -> Result<String, RenderError> {
    let json = |v: &dyn Fn() -> serde_json::Result<String>| {
        v().map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| RenderError::Failed {
            format,
            message: e.to_string(),
        })
    };
    match format {
        Format::Terminal => Ok(terminal::render(report, opts)),
        Format::Json => json(&|| serde_json::to_string_pretty(report)),
        Format::Sarif => {
            let log = sarif::render(report, opts);
            json(&|| serde_json::to_string_pretty(&log))
        }
        Format::Junit => Ok(junit::render(report)),
        Format::Markdown => Ok(markdown::render(report)),
        Format::Html => Ok(html::render(report, opts.verbose)),
    }
}

/// Renders the comparison of two reports (`golive diff`): terminal, JSON or Markdown.
pub fn render_diff(
    diff: &ReportDiff,
    format: Format,
    opts: &RenderOptions,
) -> Result<String, RenderError> {
    match format {
        Format::Terminal => Ok(diffview::terminal(diff, opts)),
        Format::Markdown => Ok(diffview::markdown(diff)),
        Format::Json => serde_json::to_string_pretty(diff)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| RenderError::Failed {
                format,
                message: e.to_string(),
            }),
        other => Err(RenderError::Failed {
            format: other,
            message: "a diff is drawn as terminal, json or markdown".into(),
        }),
    }
}
