//! # golive-report
//!
//! Renderers: they draw a [`Report`] and never inspect files or services. [`render`] turns a
//! report into one [`Format`]; the CLI writes the result to stdout or to files.

mod catalog;
mod explain;

pub use catalog::{catalog_markdown, catalog_text, explain_check, wrap};
pub use explain::explain_policy;

use golive_core::Report;
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
    /// Show passing checks and every location.
    pub verbose: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
            verbose: false,
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
    let _ = opts;
    match format {
        Format::Json => serde_json::to_string_pretty(report)
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
            message: "this format is not available in this build".into(),
        }),
    }
}
