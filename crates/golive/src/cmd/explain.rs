//! `golive explain [CHECK-ID]`: the scoring formula and the policy in force, or one check's page.

use anyhow::Result;
use golive_core::Catalog;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A check id (`docker.non-root-user`); without it, the scoring formula and policy.
    pub check: Option<String>,
    /// Project directory whose golive.toml policy to show.
    #[arg(long, default_value = ".")]
    pub path: PathBuf,
    /// golive.toml to use.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<u8> {
    let catalog = Catalog::builtin();
    match &args.check {
        Some(id) => {
            let Some(check) = catalog.get(id) else {
                let s = catalog.suggest(id);
                let hint = if s.is_empty() {
                    "`golive checks` lists every check".to_string()
                } else {
                    format!("did you mean {}?", s.join(", "))
                };
                return Err(crate::usage(format!("no check `{id}`: {hint}")));
            };
            print!("{}", golive_report::explain_check(check));
        }
        None => {
            let config = super::load_config(&args.path, args.config.as_ref())?;
            print!("{}", golive_report::explain_policy(&config));
        }
    }
    Ok(crate::exit::OK)
}
