//! `golive checklist import|status|sign|unsign|export`: imported Markdown checklists, their
//! mapping to checks, sign-offs of manual items, and the export with evidence. The logic lives in
//! `golive-checklist`; this module wires files, the scan and the output.

use crate::usage;
use anyhow::{Context, Result};
use golive_checklist::evaluate::{self, ItemStatus, SectionSummary};
use golive_checklist::mapping::Mapper;
use golive_checklist::signoff::{self, SignOffs};
use golive_checklist::text::printable;
use golive_checklist::{Checklist, ChecklistError};
use golive_core::{Catalog, Config, Finding, ReportBuilder};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(clap::Subcommand, Debug)]
pub enum Sub {
    /// Parse Markdown checklists (damaged encodings repaired), map items to checks, write
    /// .golive/checklist.toml and print a summary.
    Import(ImportArgs),
    /// Per section: automated pass/fail, manual signed/unsigned, % with evidence (runs the scan,
    /// or reads a `golive check` JSON report with --report).
    Status(StatusArgs),
    /// Sign off an item: who vouches for it, with an optional note, evidence link and expiry.
    Sign(SignArgs),
    /// Withdraw a sign-off (the reason is recorded).
    Unsign(UnsignArgs),
    /// The checklist back in its original structure, boxes ticked only from evidence.
    Export(ExportArgs),
}

#[derive(clap::Args, Debug)]
pub struct DirArg {
    /// Project directory (where golive.toml and .golive/ live).
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub dir: PathBuf,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    Text,
    Json,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFormat {
    Text,
    Json,
    Markdown,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Markdown,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// Markdown checklist files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ImportFormat,
    #[command(flatten)]
    pub dir: DirArg,
}

/// Where the evidence of automated items comes from.
#[derive(clap::Args, Debug)]
pub struct EvidenceArg {
    /// Judge automated items on the findings of a JSON report (`golive check --output
    /// json=report.json`), with everything that run collected (probe, smoke and load included),
    /// instead of running the static audit now.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    #[arg(long, value_enum, default_value = "text")]
    pub format: StatusFormat,
    #[command(flatten)]
    pub evidence: EvidenceArg,
    #[command(flatten)]
    pub dir: DirArg,
}

#[derive(clap::Args, Debug)]
pub struct SignArgs {
    /// The item id (`golive checklist status` lists them; `checklist.` prefix optional; any
    /// unique prefix of an id will do, as with git's short hashes).
    #[arg(value_name = "ITEM-ID")]
    pub id: String,
    /// Who signs off.
    #[arg(long, value_name = "NAME")]
    pub by: String,
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// A link to the proof (ticket, document, dashboard).
    #[arg(long, value_name = "URL")]
    pub evidence: Option<String>,
    /// When the sign-off stops counting: a duration (`90d`, `12w`) or a date (`2027-01-31`).
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
    #[command(flatten)]
    pub dir: DirArg,
}

#[derive(clap::Args, Debug)]
pub struct UnsignArgs {
    #[arg(value_name = "ITEM-ID")]
    pub id: String,
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// Why the sign-off is withdrawn (recorded in signoffs.toml).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    #[command(flatten)]
    pub dir: DirArg,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub evidence: EvidenceArg,
    #[command(flatten)]
    pub dir: DirArg,
}

pub fn run(args: Args) -> Result<u8> {
    match args.command {
        Sub::Import(a) => import(a),
        Sub::Status(a) => status(a),
        Sub::Sign(a) => sign(a),
        Sub::Unsign(a) => unsign(a),
        Sub::Export(a) => export(a),
    }
}

fn cl_err(e: ChecklistError) -> anyhow::Error {
    match e {
        ChecklistError::Write { .. } => anyhow::Error::new(e),
        other => usage(other.to_string()),
    }
}

/// Where the checklist and the sign-offs live for a project.
pub struct Paths {
    pub checklist: PathBuf,
    pub signoffs: PathBuf,
}

pub fn paths(dir: &Path, config: &Config) -> Paths {
    let c = config.checklist.as_ref();
    let join = |p: Option<&String>, d: &str| {
        let p = Path::new(p.map_or(d, |s| s.as_str()));
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            dir.join(p)
        }
    };
    Paths {
        checklist: join(
            c.and_then(|c| c.file.as_ref()),
            golive_checklist::DEFAULT_FILE,
        ),
        signoffs: join(
            c.and_then(|c| c.signoffs.as_ref()),
            golive_checklist::DEFAULT_SIGNOFFS,
        ),
    }
}

fn mapper(config: &Config) -> Result<Mapper> {
    let rules = config
        .checklist
        .as_ref()
        .map(|c| c.mapping.as_slice())
        .unwrap_or(&[]);
    Mapper::new(rules).map_err(cl_err)
}

fn project(dir: &Path) -> Result<Config> {
    super::require_dir(dir, "give the project directory with --dir")?;
    super::load_config(dir, None)
}

fn load_checklist(p: &Paths) -> Result<Checklist> {
    if !p.checklist.exists() {
        return Err(usage(format!(
            "{}: no imported checklist; run `golive checklist import FILE.md` first",
            p.checklist.display()
        )));
    }
    Checklist::load(&p.checklist).map_err(cl_err)
}

fn import(a: ImportArgs) -> Result<u8> {
    let config = project(&a.dir.dir)?;
    let p = paths(&a.dir.dir, &config);
    let m = mapper(&config)?;
    let files: Vec<&Path> = a.files.iter().map(PathBuf::as_path).collect();
    let cl = golive_checklist::import_files(&files, &m).map_err(cl_err)?;
    cl.save(&p.checklist).map_err(cl_err)?;

    // Sign-offs of items that no longer exist are kept (history) but reported.
    let signoffs = SignOffs::load(&p.signoffs).map_err(cl_err)?;
    let mut orphans: Vec<&str> = signoffs
        .event
        .iter()
        .map(|e| e.item.as_str())
        .filter(|id| cl.item(id).is_none())
        .collect();
    orphans.sort();
    orphans.dedup();

    if a.format == ImportFormat::Json {
        let mut v = cl.to_json();
        if !orphans.is_empty() {
            v["orphan_signoffs"] = serde_json::json!(orphans);
        }
        write_stdout(&format!("{}\n", serde_json::to_string_pretty(&v)?));
        return Ok(crate::exit::OK);
    }
    let catalog = Catalog::builtin();
    let automated = cl.items.iter().filter(|i| !i.is_manual()).count();
    let manual = cl.items.len() - automated;
    let mut checks: Vec<&str> = cl
        .items
        .iter()
        .flat_map(|i| i.mapped.iter().map(String::as_str))
        .collect();
    checks.sort();
    checks.dedup();
    let missing: Vec<&str> = checks
        .iter()
        .copied()
        .filter(|c| catalog.get(c).is_none())
        .collect();
    println!(
        "Imported {} items from {} file{} into {}",
        cl.items.len(),
        cl.documents.len(),
        if cl.documents.len() == 1 { "" } else { "s" },
        p.checklist.display()
    );
    for (di, d) in cl.documents.iter().enumerate() {
        let of: Vec<_> = cl.items.iter().filter(|i| i.document == di).collect();
        let count =
            |s: golive_checklist::parse::ItemState| of.iter().filter(|i| i.state == s).count();
        use golive_checklist::parse::ItemState::*;
        println!(
            "  {}: {} items ({} unchecked, {} checked, {} done, {} gaps, {} warnings)",
            d.path,
            of.len(),
            count(Unchecked),
            count(Checked),
            count(Done),
            count(Gap),
            count(Warning)
        );
    }
    println!(
        "  {automated} automated (mapped to {} checks), {manual} manual (need a sign-off)",
        checks.len()
    );
    if !missing.is_empty() {
        println!(
            "  mapped to checks this golive does not have yet (stay inconclusive): {}",
            missing.join(", ")
        );
    }
    let rep = cl.repairs.describe();
    if rep.is_empty() {
        println!("  text repair: nothing to repair");
    } else {
        println!("  text repaired:");
        for r in rep {
            println!("    {r}");
        }
    }
    for w in &cl.warnings {
        println!("  note: {w}");
    }
    if !orphans.is_empty() {
        println!(
            "  note: sign-offs for items no longer in the checklist: {}",
            orphans.join(", ")
        );
    }
    println!("Next: `golive checklist status`, `golive checklist sign ITEM-ID --by NAME`.");
    Ok(crate::exit::OK)
}

/// Findings of a static audit of the project, for the evidence of mapped items.
fn scan_findings(dir: &Path, config: &Config) -> Result<Vec<Finding>> {
    let mut opts = golive_scan::ScanOptions::new(dir);
    opts.scan = config.scan.clone();
    opts.coverage_min = config.policy.coverage_min;
    let out = golive_scan::scan(&opts).map_err(|e| usage(e.to_string()))?;
    Ok(out.findings)
}

/// Where the findings came from, for the text status.
enum Source {
    /// The static audit, run now.
    Scan,
    /// A report: its file, time and collectors.
    Report {
        file: PathBuf,
        at: String,
        collectors: Vec<String>,
    },
}

/// The findings of a `golive check` JSON report: the counted ones and the suppressed ones (as
/// `golive check` itself judges the checklist on every finding, before suppression). The
/// report's own `checklist.*` findings are left out: they are this command's output, not
/// evidence.
fn report_findings(path: &Path, dir: &Path) -> Result<(Vec<Finding>, Source)> {
    let r = super::diff::read_report(path)?;
    let project = golive_scan::project_name(dir);
    if r.target.name != project {
        eprintln!(
            "golive: warning: {} is a report on `{}`, and this project is `{project}`: its findings are used as they are",
            path.display(),
            r.target.name
        );
    }
    let findings = r
        .findings
        .into_iter()
        .chain(r.suppressed)
        .filter(|f| !f.check.starts_with("checklist."))
        .collect();
    Ok((
        findings,
        Source::Report {
            file: path.to_path_buf(),
            at: r.generated_at,
            collectors: r.collectors,
        },
    ))
}

fn statuses(dir: &Path, evidence: &EvidenceArg) -> Result<(Checklist, Vec<ItemStatus>, Source)> {
    let config = project(dir)?;
    let p = paths(dir, &config);
    let cl = load_checklist(&p)?;
    let signoffs = SignOffs::load(&p.signoffs).map_err(cl_err)?;
    let (findings, source) = match &evidence.report {
        Some(path) => report_findings(path, dir)?,
        None => (scan_findings(dir, &config)?, Source::Scan),
    };
    let st = evaluate::evaluate(
        &cl,
        &signoffs,
        &findings,
        Catalog::builtin(),
        OffsetDateTime::now_utc(),
    );
    Ok((cl, st, source))
}

/// `writeln!` into a String (cannot fail).
macro_rules! outln {
    ($o:expr, $($t:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($t)*);
    }};
}

/// Writes to standard output; a closed pipe (`| head`) is not an error.
fn write_stdout(s: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

fn pct(s: &SectionSummary) -> String {
    format!("{:.0}%", s.percent)
}

fn status(a: StatusArgs) -> Result<u8> {
    let mut o = String::new();
    let (cl, st, source) = statuses(&a.dir.dir, &a.evidence)?;
    let sums = evaluate::summarize(&cl, &st);
    match a.format {
        StatusFormat::Json => {
            let items: Vec<serde_json::Value> = cl
                .items
                .iter()
                .zip(&st)
                .map(|(i, s)| {
                    serde_json::json!({
                        "id": i.id, "section": i.section, "text": i.text, "line": i.line,
                        "mapped": i.mapped, "outcome": s.outcome.as_str(), "automated": s.automated,
                        "note": s.note,
                    })
                })
                .collect();
            let v = serde_json::json!({"sections": sums, "items": items});
            outln!(o, "{}", serde_json::to_string_pretty(&v)?);
        }
        StatusFormat::Markdown => {
            outln!(
                o,
                "| file | section | automated pass | automated fail | inconclusive | signed | unsigned | % |"
            );
            outln!(o, "|---|---|---:|---:|---:|---:|---:|---:|");
            for s in &sums {
                outln!(
                    o,
                    "| {} | {} | {} | {} | {} | {} | {}{} | {} |",
                    s.file,
                    s.section.join(" › ").replace('|', "\\|"),
                    s.automated_pass,
                    s.automated_fail,
                    s.automated_inconclusive,
                    s.manual_signed,
                    s.manual_unsigned,
                    if s.expired > 0 {
                        format!(" ({} expired)", s.expired)
                    } else {
                        String::new()
                    },
                    pct(s)
                );
            }
        }
        StatusFormat::Text => {
            match &source {
                Source::Scan => outln!(
                    o,
                    "evidence: the static audit, run now (probe, smoke and load evidence: `golive check`, or --report FILE)"
                ),
                Source::Report {
                    file,
                    at,
                    collectors,
                } => outln!(
                    o,
                    "evidence: {} (run of {at}: {})",
                    file.display(),
                    collectors.join(", ")
                ),
            }
            // The items of each (file, section), gathered once (not a scan per section).
            let mut of_section: std::collections::HashMap<(&str, &[String]), Vec<usize>> =
                std::collections::HashMap::new();
            for (n, i) in cl.items.iter().enumerate() {
                let f = cl.documents.get(i.document).map_or("", |d| d.path.as_str());
                of_section
                    .entry((f, i.section.as_slice()))
                    .or_default()
                    .push(n);
            }
            let mut file = "";
            for s in &sums {
                if s.file != file {
                    outln!(o, "{}", s.file);
                    file = &s.file;
                }
                outln!(
                    o,
                    "  {:<60} {:>4}  automated {} pass / {} fail / {} inconclusive or n/a · manual {} signed / {} unsigned{}",
                    s.section.last().map(String::as_str).unwrap_or("(top)"),
                    pct(s),
                    s.automated_pass,
                    s.automated_fail,
                    s.automated_inconclusive + s.not_applicable,
                    s.manual_signed,
                    s.manual_unsigned,
                    if s.expired > 0 {
                        format!(
                            " ({} sign-off{} expired)",
                            s.expired,
                            if s.expired > 1 { "s" } else { "" }
                        )
                    } else {
                        String::new()
                    }
                );
                let key = (s.file.as_str(), s.section.as_slice());
                for &n in of_section.get(&key).map_or(&[][..], Vec::as_slice) {
                    let (i, t) = (&cl.items[n], &st[n]);
                    let bx = if t.ticked() { "[x]" } else { "[ ]" };
                    outln!(
                        o,
                        "      {bx} {}  {}  — {}",
                        i.id,
                        printable(&i.text),
                        t.note
                    );
                }
            }
            let total: usize = sums.iter().map(|s| s.total).sum();
            let ticked = st.iter().filter(|s| s.ticked()).count();
            outln!(o, "{ticked}/{total} items have evidence");
        }
    }
    write_stdout(&o);
    Ok(crate::exit::OK)
}

fn sign(a: SignArgs) -> Result<u8> {
    let config = project(&a.dir.dir)?;
    let p = paths(&a.dir.dir, &config);
    let cl = load_checklist(&p)?;
    let item = cl.resolve(&a.id).map_err(cl_err)?;
    let now = OffsetDateTime::now_utc();
    let expires = match &a.expires {
        Some(s) => Some(signoff::expiry_from(s, now).map_err(cl_err)?),
        None => None,
    };
    // Read, append and write under the lock of the file: concurrent signers all keep their event.
    SignOffs::update(&p.signoffs, |s| {
        s.sign(
            &item.id,
            &a.by,
            now,
            a.note.clone(),
            a.evidence.clone(),
            expires,
        )
        .map(|_| ())
    })
    .map_err(cl_err)?;
    println!(
        "Signed off `{}` ({}) by {}{} in {}",
        item.id,
        item.text,
        a.by.trim(),
        expires
            .map(|d| format!(", expires {d}"))
            .unwrap_or_default(),
        p.signoffs.display()
    );
    if !item.is_manual() {
        println!(
            "note: this item maps to {}; their findings decide it whenever they run, the sign-off stands in only until then",
            item.mapped.join(", ")
        );
    }
    Ok(crate::exit::OK)
}

fn unsign(a: UnsignArgs) -> Result<u8> {
    let config = project(&a.dir.dir)?;
    let p = paths(&a.dir.dir, &config);
    let cl = load_checklist(&p)?;
    let item = cl.resolve(&a.id).map_err(cl_err)?;
    SignOffs::update(&p.signoffs, |s| {
        s.unsign(&item.id, &a.by, &a.reason, OffsetDateTime::now_utc())
    })
    .map_err(cl_err)?;
    println!(
        "Withdrew the sign-off of `{}` ({}); recorded with the reason in {}",
        item.id,
        item.text,
        p.signoffs.display()
    );
    Ok(crate::exit::OK)
}

fn export(a: ExportArgs) -> Result<u8> {
    let (cl, st, _) = statuses(&a.dir.dir, &a.evidence)?;
    let text = match a.format {
        ExportFormat::Markdown => golive_checklist::export::markdown(&cl, &st),
        ExportFormat::Json => {
            let mut s = serde_json::to_string_pretty(&golive_checklist::export::json(&cl, &st))?;
            s.push('\n');
            s
        }
    };
    match &a.output {
        Some(path) => golive_core::fsio::write_atomic(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => write_stdout(&text),
    }
    Ok(crate::exit::OK)
}

/// `golive check`: adds the imported checklist, when there is one, to the report. Mapped items
/// link to the findings the collectors of this run produced (checks no collector ran get an
/// inconclusive finding naming the items); manual items become `checklist.<id>` findings: pass
/// with a valid sign-off, manual otherwise.
pub fn add_to_report(dir: &Path, config: &Config, builder: &mut ReportBuilder) -> Result<()> {
    let p = paths(dir, config);
    if !p.checklist.exists() {
        if config.checklist.as_ref().is_some_and(|c| c.file.is_some()) {
            return Err(usage(format!(
                "golive.toml [checklist] file: {} does not exist; run `golive checklist import FILE.md`",
                p.checklist.display()
            )));
        }
        return Ok(());
    }
    let cl = load_checklist(&p)?;
    let signoffs = SignOffs::load(&p.signoffs).map_err(cl_err)?;
    let m = mapper(config)?;
    // Cite the repository's copy (`.golive/checklist.d/N.md`), relative to the audited
    // directory, not the file it was imported from.
    let store = p
        .checklist
        .strip_prefix(dir)
        .ok()
        .filter(|r| r.is_relative());
    let add = evaluate::report_additions(
        &cl,
        store,
        &signoffs,
        builder.findings(),
        Catalog::builtin(),
        &m,
        OffsetDateTime::now_utc(),
    );
    for c in add.dynamic {
        builder.dynamic_check(c);
    }
    for n in add.notices {
        builder.notice(n);
    }
    builder.collector("checklist", add.findings);
    Ok(())
}
