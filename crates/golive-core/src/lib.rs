//! # golive-core
//!
//! The model every part of golive speaks: a [`Check`] from the [`Catalog`], a [`Finding`] about
//! it (an [`Outcome`] with [`Evidence`]), and the [`Report`] that scores findings per
//! [`Category`] and gives a [`Verdict`] (GO / ATTENTION / NO-GO).
//!
//! Collectors (`golive-scan`, `golive-probe`, `golive-load`, `golive-checklist`) produce
//! findings; [`ReportBuilder`] applies `golive.toml` ([`Config`]: disabled checks, severity
//! overrides, suppressions) and scores; renderers (`golive-report`) draw the [`Report`].
//!
//! ```
//! use golive_core::{Catalog, Config, Finding, Outcome, ReportBuilder, Target};
//! let catalog = Catalog::builtin();
//! let check = catalog.check("docs.readme");
//! let mut b = ReportBuilder::new(Target { name: "demo".into(), ..Default::default() });
//! b.collector("scan", vec![Finding::new(check, Outcome::Pass, "README.md explains install, run and test")]);
//! let report = b.build(catalog, &Config::default());
//! assert_eq!(report.score, Some(100.0));
//! ```

pub mod baseline;
pub mod catalog;
pub mod config;
pub mod diff;
pub mod fsio;
pub mod model;
pub mod report;
pub mod score;
pub mod secrets;
pub mod units;
pub mod yaml;

pub use catalog::{Catalog, Check, Collector};
pub use config::{Config, ConfigError};
pub use model::{
    Category, Evidence, Finding, Header, Outcome, Severity, Skipped, Stack, Stage, Suppression,
};
pub use report::{ActionItem, Phase, Report, ReportBuilder, Repository, Target};
pub use score::{CategoryScore, CheckResult, Decision, StageReadiness, Verdict};

/// Masks a secret for display: keeps a short prefix and suffix (`AKIA************MPLE`).
/// Short values are masked entirely.
pub fn mask_secret(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let n = chars.len();
    if n <= 8 {
        return "*".repeat(n.max(4));
    }
    let keep = if n >= 16 { 4 } else { 2 };
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[n - keep..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(n - 2 * keep))
}

#[cfg(test)]
mod tests {
    #[test]
    fn masking() {
        assert_eq!(
            super::mask_secret("AKIAIOSFODNN7EXAMPLE"),
            "AKIA************MPLE"
        );
        assert_eq!(super::mask_secret("short"), "*****");
        assert_eq!(super::mask_secret("abcdefghij"), "ab******ij");
    }
}
