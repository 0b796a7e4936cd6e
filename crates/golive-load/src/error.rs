//! Errors of the load generator and the smoke runner.

/// What went wrong, where, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A bad flag or golive.toml value.
    #[error("{0}")]
    Plan(String),
    #[error(
        "`{0}` is not a loopback address: load tests against other hosts need --allow-remote (or `allow_remote = true` in golive.toml [load])"
    )]
    Remote(String),
    #[error("threshold `{text}`: {why}")]
    Threshold { text: String, why: String },
    #[error("{path}: {why}")]
    HdrLog { path: String, why: String },
    #[error("{path}: {why}")]
    Spec { path: String, why: String },
    #[error("{0}")]
    Io(String),
}
