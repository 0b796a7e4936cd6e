//! What can go wrong in the store, with enough said to act on it.

/// An error from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "unsupported database URL `{0}`: use `sqlite://PATH?mode=rwc` (a file, created when missing) or `postgres://USER@HOST:PORT/DATABASE`"
    )]
    UnsupportedUrl(String),
    #[error("cannot open the database at {url}: {source}")]
    Connect {
        /// The URL with its password masked.
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "the database schema is at version {found}, newer than this golive knows (version {known}): upgrade golive, or point it at another database"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("migrating the database schema failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{what} `{key}` not found")]
    NotFound { what: &'static str, key: String },
    #[error("{what} `{key}` already exists")]
    AlreadyExists { what: &'static str, key: String },
    #[error(
        "idempotency key `{key}` of project `{project}` was already used for run {run} with a different report"
    )]
    IdempotencyConflict {
        project: String,
        key: String,
        run: String,
    },
    #[error("the stored report of run {run} is unreadable: {message}")]
    CorruptReport { run: String, message: String },
    #[error("invalid {field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("the policy of project `{project}` is invalid: {source}")]
    Policy {
        project: String,
        #[source]
        source: golive_core::ConfigError,
    },
    #[error("lease `{name}` is no longer held by `{holder}` with token {token}")]
    LeaseLost {
        name: String,
        holder: String,
        token: i64,
    },
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field,
        message: message.into(),
    }
}

pub(crate) fn not_found(what: &'static str, key: impl Into<String>) -> StoreError {
    StoreError::NotFound {
        what,
        key: key.into(),
    }
}

/// True when a database error is a unique-constraint violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => d.is_unique_violation(),
        _ => false,
    }
}
