//! `golive checks`: the catalog.

use anyhow::Result;
use golive_core::{Catalog, Category, Collector};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output: terminal, json or markdown (markdown is docs/checks.md).
    #[arg(long, short = 'f', default_value = "terminal")]
    pub format: String,
    /// Only this category.
    #[arg(long)]
    pub category: Option<Category>,
    /// Only this collector (scan, probe, load, smoke, checklist).
    #[arg(long)]
    pub collector: Option<String>,
}

pub fn run(args: Args) -> Result<u8> {
    let catalog = Catalog::builtin();
    let collector: Option<Collector> = match &args.collector {
        Some(c) => Some(
            serde_json::from_value(serde_json::Value::String(c.to_ascii_lowercase())).map_err(
                |_| {
                    crate::usage(format!(
                        "unknown collector `{c}` (scan, probe, load, smoke, checklist)"
                    ))
                },
            )?,
        ),
        None => None,
    };
    let checks: Vec<_> = catalog
        .iter()
        .filter(|c| args.category.is_none_or(|cat| c.category == cat))
        .filter(|c| collector.is_none_or(|col| c.collector == col))
        .collect();
    let text = match args.format.to_ascii_lowercase().as_str() {
        "json" => {
            let mut s = serde_json::to_string_pretty(&checks)?;
            s.push('\n');
            s
        }
        "markdown" | "md" => golive_report::catalog_markdown(catalog),
        "terminal" | "text" => golive_report::catalog_text(&checks),
        other => {
            return Err(crate::usage(format!(
                "unknown format `{other}` for `golive checks` (terminal, json, markdown)"
            )));
        }
    };
    print!("{text}");
    Ok(crate::exit::OK)
}
