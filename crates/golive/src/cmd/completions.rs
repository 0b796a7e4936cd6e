//! `golive completions SHELL` and `golive man`: shell completion scripts and a man page, generated
//! from the same clap definition as the command line itself, so they never drift from it.

use anyhow::{Context, Result};
use clap::CommandFactory;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shell to write a completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Prints the completion script on stdout.
pub fn run(args: Args) -> Result<u8> {
    let mut cmd = crate::Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "golive", &mut out);
    out.flush().ok();
    Ok(crate::exit::OK)
}

#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// Write `golive.1` and one page per subcommand (`golive-audit.1`, …) into this directory
    /// instead of printing `golive.1` on stdout.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

/// Prints the man page (roff) on stdout, or writes every page into `--out-dir`.
pub fn man(args: ManArgs) -> Result<u8> {
    let cmd = crate::Cli::command();
    match args.out_dir {
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd).render(&mut buf)?;
            std::io::stdout().lock().write_all(&buf).ok();
        }
        Some(dir) => {
            if dir.exists() && !dir.is_dir() {
                return Err(crate::usage(format!(
                    "--out-dir {}: is a file, not a directory",
                    dir.display()
                )));
            }
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let mut written = Vec::new();
            write_pages(&cmd.clone(), "golive", &dir, &mut written)?;
            for p in written {
                println!("{}", p.display());
            }
        }
    }
    Ok(crate::exit::OK)
}

fn write_pages(
    cmd: &clap::Command,
    name: &str,
    dir: &std::path::Path,
    written: &mut Vec<PathBuf>,
) -> Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone().name(name.to_string())).render(&mut buf)?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, buf).with_context(|| format!("writing {}", path.display()))?;
    written.push(path);
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() {
            continue;
        }
        write_pages(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}
