//! The audit domains. Each is one module; [`all`] lists them. Adding a domain: write the module
//! (a type implementing [`Domain`]), add its catalog entries in
//! `crates/golive-core/catalog/scan-*.toml`, and add it to [`all`].

use crate::repo::{FileMeta, Repo, SourceFile};
use golive_core::{Check, Evidence, Finding, Outcome};

pub mod ci;
pub mod code;
pub mod config;
pub mod db;
pub mod deploy;
pub mod deps;
pub mod docs;
pub mod frontend;
pub mod observability;
pub mod ops;
pub mod perf;
pub mod secrets;
pub mod security;
pub mod tests;

/// One audit domain.
///
/// `visit` is called from several threads at once, for every file `wants` accepted; keep what is
/// learnt behind a `Mutex` (it is only taken for files of interest). `finish` runs once, after the
/// walk, with the whole [`Repo`], and returns every finding of the domain's checks — a pass, fail,
/// warn or not-applicable for each check it owns, so that no check silently disappears.
pub trait Domain: Send + Sync {
    /// Short name (`docker`, `secrets`).
    fn name(&self) -> &'static str;
    /// Cheap, path-based interest test.
    fn wants(&self, file: &FileMeta) -> bool;
    /// Reads one file.
    fn visit(&self, file: &SourceFile<'_>);
    /// Secrets this domain found, as (raw text, masked form): every finding of every domain
    /// is redacted with them before the scan returns, so a line another check quotes as
    /// evidence (`SECRET_KEY = os.environ.get("K", "…")` for an environment read) never shows
    /// a secret in clear. Called once, after the walk, before `finish`.
    fn redactions(&self) -> Vec<(String, String)> {
        Vec::new()
    }
    /// Concludes.
    fn finish(self: Box<Self>, repo: &Repo) -> Vec<Finding>;
}

/// A fresh set of every domain, for one scan.
pub fn all() -> Vec<Box<dyn Domain>> {
    vec![
        Box::new(docs::Docs::default()),
        Box::new(config::Config::default()),
        Box::new(db::Db::default()),
        Box::new(ci::Ci::default()),
        Box::new(deps::Deps::default()),
        Box::new(ops::Ops::default()),
        Box::new(deploy::Deploy::default()),
        Box::new(code::CodeChecks::default()),
        Box::new(secrets::Secrets::default()),
    ]
}

/// Where and why a manifest or configuration file did not parse.
///
/// A file that does not parse is a failing `*.parse` finding of its domain ([`Self::failure`]),
/// and every check that needed what the file says becomes inconclusive ([`Self::undecided`]):
/// never not-applicable (the file exists, so the check may well apply) and never a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub path: String,
    /// 1-based line and column of the error.
    pub line: u32,
    pub col: u32,
    /// The parser's reason, without its position.
    pub msg: String,
}

impl ParseError {
    pub fn new(path: &str, line: u32, col: u32, msg: impl Into<String>) -> ParseError {
        ParseError {
            path: path.to_string(),
            line: line.max(1),
            col: col.max(1),
            msg: msg.into(),
        }
    }

    /// A JSON error (serde_json positions are 1-based; column 0 means "before the first").
    pub fn json(path: &str, e: &serde_json::Error) -> ParseError {
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        ParseError::new(path, e.line() as u32, e.column() as u32, msg)
    }

    /// A TOML error, located by its byte span in `text`.
    pub fn toml(path: &str, text: &str, e: &toml::de::Error) -> ParseError {
        let (line, col) = e
            .span()
            .map(|s| crate::repo::line_col(text, s.start))
            .unwrap_or((1, 1));
        ParseError::new(path, line, col, e.message().trim().to_string())
    }

    /// A YAML error; `first_line` is the line of the text's first line in the file (documents
    /// of a multi-document file are parsed one by one).
    pub fn yaml(path: &str, first_line: u32, e: &serde_yaml::Error) -> ParseError {
        let (line, col) = e
            .location()
            .map(|l| (l.line() as u32, l.column() as u32))
            .unwrap_or((1, 1));
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        ParseError::new(path, first_line + line.max(1) - 1, col, msg)
    }

    /// `path:line:col`.
    pub fn locator(&self) -> String {
        format!("{}:{}:{}", self.path, self.line, self.col)
    }

    pub fn evidence(&self) -> Evidence {
        Evidence::at(&self.path, self.line, self.col)
    }

    /// The failing `*.parse` finding: `path:line:col: what does not parse: reason`.
    pub fn failure(&self, check: &Check, what: &str) -> Finding {
        Finding::new(
            check,
            Outcome::Fail,
            format!("{}: {what} does not parse: {}", self.locator(), self.msg),
        )
        .with_evidence(self.evidence())
    }

    /// The inconclusive finding of a check that needed the file.
    pub fn undecided(&self, check: &Check) -> Finding {
        Finding::new(
            check,
            Outcome::Inconclusive,
            format!(
                "could not decide: {} at line {} does not parse ({})",
                self.path, self.line, self.msg
            ),
        )
        .with_evidence(self.evidence())
    }
}
