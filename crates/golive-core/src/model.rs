//! The vocabulary every collector and renderer shares: severities, stages, categories, outcomes,
//! evidence and findings.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How bad a failing check is. Ordered from least to most severe.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    /// The published scoring weight (DESIGN.md): critical 10, high 7.5, medium 5, low 2.5.
    pub fn weight(self) -> f64 {
        match self {
            Severity::Critical => 10.0,
            Severity::High => 7.5,
            Severity::Medium => 5.0,
            Severity::Low => 2.5,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// One step less severe (used for findings in tests, fixtures and docs).
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Critical => Severity::Medium,
            Severity::High => Severity::Low,
            Severity::Medium | Severity::Low => Severity::Low,
        }
    }
}

/// The stage a check is required for. Ordered: staging < production < scale.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Staging,
    Production,
    Scale,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Staging, Stage::Production, Stage::Scale];
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Staging => "staging",
            Stage::Production => "production",
            Stage::Scale => "scale",
        }
    }
}

/// The scoring categories. Every check belongs to exactly one.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Configuration,
    Security,
    Secrets,
    Tests,
    Database,
    Deployment,
    Observability,
    Performance,
    Documentation,
    Ci,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Configuration,
        Category::Security,
        Category::Secrets,
        Category::Tests,
        Category::Database,
        Category::Deployment,
        Category::Observability,
        Category::Performance,
        Category::Documentation,
        Category::Ci,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Configuration => "configuration",
            Category::Security => "security",
            Category::Secrets => "secrets",
            Category::Tests => "tests",
            Category::Database => "database",
            Category::Deployment => "deployment",
            Category::Observability => "observability",
            Category::Performance => "performance",
            Category::Documentation => "documentation",
            Category::Ci => "ci",
        }
    }
    /// Human title ("CI", "Configuration").
    pub fn title(self) -> &'static str {
        match self {
            Category::Configuration => "Configuration",
            Category::Security => "Security",
            Category::Secrets => "Secrets",
            Category::Tests => "Tests",
            Category::Database => "Database",
            Category::Deployment => "Deployment",
            Category::Observability => "Observability",
            Category::Performance => "Performance",
            Category::Documentation => "Documentation",
            Category::Ci => "CI",
        }
    }
}

macro_rules! display_from_str {
    ($t:ty, $what:literal) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let lower = s.trim().to_ascii_lowercase();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == lower)
                    .ok_or_else(|| {
                        let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                        format!(
                            "unknown {} `{}` (expected one of: {})",
                            $what,
                            s,
                            names.join(", ")
                        )
                    })
            }
        }
    };
}
display_from_str!(Severity, "severity");
display_from_str!(Stage, "stage");
display_from_str!(Category, "category");
display_from_str!(Outcome, "outcome");

/// What a check concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Pass,
    Fail,
    Warn,
    /// The check does not apply to this target (a Python check in a Go repo).
    NotApplicable,
    /// The check could not decide. Never counted as a pass.
    Inconclusive,
    /// Needs a person's sign-off and has none (or an expired one). Counts as a fail.
    Manual,
    /// The check itself broke. Shown, never hidden.
    Error,
}

impl Outcome {
    pub const ALL: [Outcome; 7] = [
        Outcome::Pass,
        Outcome::Fail,
        Outcome::Warn,
        Outcome::NotApplicable,
        Outcome::Inconclusive,
        Outcome::Manual,
        Outcome::Error,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Warn => "warn",
            Outcome::NotApplicable => "not-applicable",
            Outcome::Inconclusive => "inconclusive",
            Outcome::Manual => "manual",
            Outcome::Error => "error",
        }
    }

    /// Scoring credit: pass 1, warn 0.5, fail and unsigned manual 0; `None` when the outcome is
    /// left out of both sums (not-applicable, inconclusive, error).
    pub fn credit(self) -> Option<f64> {
        match self {
            Outcome::Pass => Some(1.0),
            Outcome::Warn => Some(0.5),
            Outcome::Fail | Outcome::Manual => Some(0.0),
            Outcome::NotApplicable | Outcome::Inconclusive | Outcome::Error => None,
        }
    }

    /// True for outcomes that count as a failure (fail, unsigned manual).
    pub fn is_failure(self) -> bool {
        matches!(self, Outcome::Fail | Outcome::Manual)
    }

    /// Precedence when several findings of one check are combined: the highest wins.
    pub fn precedence(self) -> u8 {
        match self {
            Outcome::Fail => 7,
            Outcome::Manual => 6,
            Outcome::Error => 5,
            Outcome::Warn => 4,
            Outcome::Inconclusive => 3,
            Outcome::Pass => 2,
            Outcome::NotApplicable => 1,
        }
    }
}

/// A header as seen in an HTTP exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// Where the proof of a finding is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Evidence {
    /// A place in a file. `line` and `column` are 1-based; `snippet` is already masked.
    File {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        column: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        snippet: Option<String>,
    },
    /// An HTTP exchange: the request and the relevant part of the response.
    Http {
        method: String,
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        request_headers: Vec<Header>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        response_headers: Vec<Header>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body_excerpt: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        elapsed_ms: Option<f64>,
    },
    /// A measured value and the threshold it was held to.
    Metric {
        name: String,
        value: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        threshold: Option<String>,
    },
    /// A command that was run.
    Command {
        command: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        output_excerpt: Option<String>,
    },
    /// A person's sign-off on a manual item.
    SignOff {
        by: String,
        at: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        evidence_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires: Option<String>,
    },
    /// Free text (what was looked for and not found, for instance).
    Note { text: String },
}

impl Evidence {
    pub fn file(path: impl Into<String>) -> Self {
        Evidence::File {
            path: path.into(),
            line: None,
            column: None,
            snippet: None,
        }
    }
    pub fn at(path: impl Into<String>, line: u32, column: u32) -> Self {
        Evidence::File {
            path: path.into(),
            line: Some(line),
            column: Some(column),
            snippet: None,
        }
    }
    pub fn at_with_snippet(
        path: impl Into<String>,
        line: u32,
        column: u32,
        snippet: impl Into<String>,
    ) -> Self {
        Evidence::File {
            path: path.into(),
            line: Some(line),
            column: Some(column),
            snippet: Some(snippet.into()),
        }
    }
    pub fn note(text: impl Into<String>) -> Self {
        Evidence::Note { text: text.into() }
    }
    pub fn metric(
        name: impl Into<String>,
        value: f64,
        unit: Option<&str>,
        threshold: Option<String>,
    ) -> Self {
        Evidence::Metric {
            name: name.into(),
            value,
            unit: unit.map(str::to_string),
            threshold,
        }
    }

    /// `path:line:col` for file evidence, the URL for HTTP evidence; a short locator otherwise.
    pub fn locator(&self) -> String {
        match self {
            Evidence::File {
                path, line, column, ..
            } => match (line, column) {
                (Some(l), Some(c)) => format!("{path}:{l}:{c}"),
                (Some(l), None) => format!("{path}:{l}"),
                _ => path.clone(),
            },
            Evidence::Http {
                method,
                url,
                status,
                ..
            } => match status {
                Some(s) => format!("{method} {url} → {s}"),
                None => format!("{method} {url}"),
            },
            Evidence::Metric {
                name,
                value,
                unit,
                threshold,
            } => {
                let unit = unit.as_deref().unwrap_or("");
                match threshold {
                    Some(t) => format!("{name} = {value}{unit} (threshold {t})"),
                    None => format!("{name} = {value}{unit}"),
                }
            }
            Evidence::Command {
                command, exit_code, ..
            } => match exit_code {
                Some(c) => format!("`{command}` exited {c}"),
                None => format!("`{command}`"),
            },
            Evidence::SignOff { by, at, .. } => format!("signed by {by} {at}"),
            Evidence::Note { text } => text.clone(),
        }
    }

    /// The file path, when this is file evidence.
    pub fn path(&self) -> Option<&str> {
        match self {
            Evidence::File { path, .. } => Some(path),
            _ => None,
        }
    }
    /// The line, when this is file evidence with a line.
    pub fn line(&self) -> Option<u32> {
        match self {
            Evidence::File { line, .. } => *line,
            _ => None,
        }
    }
}

/// Why a finding is not counted: a suppression from golive.toml or an inline comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Suppression {
    /// `config` (golive.toml `[[suppress]]`) or `inline` (a `golive-ignore:` comment).
    pub source: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where the suppression itself is written (`golive.toml:12`, `src/app.py:3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// One conclusion about one check: check + outcome + evidence + message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    pub check: String,
    pub outcome: Outcome,
    /// Severity of this finding. Usually the check's; lowered for test/fixture/doc files, and
    /// replaced by a golive.toml override when the report is built.
    pub severity: Severity,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Set when the finding is suppressed; suppressed findings are listed apart and not scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

impl Finding {
    pub fn new(check: &crate::Check, outcome: Outcome, message: impl Into<String>) -> Self {
        Finding {
            check: check.id.clone(),
            outcome,
            severity: check.severity,
            message: message.into(),
            evidence: Vec::new(),
            suppressed: None,
        }
    }
    pub fn with_evidence(mut self, e: Evidence) -> Self {
        self.evidence.push(e);
        self
    }
    pub fn with_severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
    /// The first file location of this finding, if any (`path`, `line`).
    pub fn primary_location(&self) -> Option<(&str, Option<u32>)> {
        self.evidence.iter().find_map(|e| match e {
            Evidence::File { path, line, .. } => Some((path.as_str(), *line)),
            _ => None,
        })
    }
}

/// A detected technology stack ("python" with frameworks ["django"]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Stack {
    /// `node`, `python`, `rust`, `go`.
    pub language: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frameworks: Vec<String>,
    /// The manifest that revealed it (`package.json`, `pyproject.toml`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manifests: Vec<String>,
}

impl fmt::Display for Stack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.frameworks.is_empty() {
            write!(f, "{}", self.language)
        } else {
            write!(f, "{} ({})", self.language, self.frameworks.join(", "))
        }
    }
}

/// A file or directory the collector passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}
