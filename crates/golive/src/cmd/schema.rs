//! `golive schema`: prints the JSON Schema of the JSON report (`--format json`), generated from
//! golive's own types. docs/report-schema.json is this output, committed.

use anyhow::Result;
use std::io::Write;

#[derive(clap::Args, Debug)]
pub struct Args {}

pub fn run(_args: Args) -> Result<u8> {
    let mut text = serde_json::to_string_pretty(&golive_core::report::json_schema())?;
    text.push('\n');
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    Ok(crate::exit::OK)
}
