//! Opening the store: the URL, the pool, the migrations; and the small helpers every query uses.

use crate::error::{Result, StoreError};
use sqlx::any::{AnyArguments, AnyPoolOptions, AnyRow};
use sqlx::error::BoxDynError;
use sqlx::migrate::{Migrate, Migration, MigrationSource, MigrationType, Migrator};
use sqlx::query::Query;
use sqlx::{Any, AnyPool, Executor};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use time::OffsetDateTime;

/// One embedded migration: version, description, SQL.
type Step = (i64, &'static str, &'static str);

const SQLITE_MIGRATIONS: &[Step] = &[(
    1,
    "initial",
    include_str!("../migrations/sqlite/0001_initial.sql"),
)];
const POSTGRES_MIGRATIONS: &[Step] = &[(
    1,
    "initial",
    include_str!("../migrations/postgres/0001_initial.sql"),
)];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: i64 = 1;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a URL names, if it is one the store supports.
    pub fn of_url(url: &str) -> Option<Backend> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" | "postgresql" => Some(Backend::Postgres),
            _ => None,
        }
    }

    fn migrations(self) -> &'static [Step] {
        match self {
            Backend::Sqlite => SQLITE_MIGRATIONS,
            Backend::Postgres => POSTGRES_MIGRATIONS,
        }
    }
}

#[derive(Debug)]
struct Embedded(&'static [Step]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = std::result::Result<Vec<Migration>, BoxDynError>> + Send + 's>>
    {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|(version, description, sql)| {
                    Migration::new(
                        *version,
                        Cow::Borrowed(*description),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The readiness history. Cheap to clone (a pool handle); safe to share between tasks.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

/// Masks the password of a URL for messages.
fn masked(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("****"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

impl Store {
    /// Opens (and migrates) the store at `url`: `sqlite://PATH?mode=rwc` (the file is created
    /// when missing), `sqlite::memory:`, or `postgres://USER@HOST:PORT/DATABASE` (add
    /// `?options=-c%20search_path%3DSCHEMA` to keep golive's tables in their own schema).
    ///
    /// Refuses a database whose schema is newer than [`SCHEMA_VERSION`].
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with_timeout(url, std::time::Duration::from_secs(30)).await
    }

    /// [`Store::open`], giving up when no connection could be made within `timeout` (the same
    /// limit then applies to waiting for a free connection).
    pub async fn open_with_timeout(url: &str, timeout: std::time::Duration) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend =
            Backend::of_url(url).ok_or_else(|| StoreError::UnsupportedUrl(masked(url)))?;
        let memory = backend == Backend::Sqlite && url.contains(":memory:");
        let mut opts = AnyPoolOptions::new().acquire_timeout(timeout);
        opts = match backend {
            // One in-memory database per connection: keep a single one, for good.
            Backend::Sqlite if memory => opts
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None),
            Backend::Sqlite => opts.max_connections(4),
            Backend::Postgres => opts.max_connections(10),
        };
        if backend == Backend::Sqlite {
            opts = opts.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // Readers do not block the writer; sqlx already turns foreign keys on and
                    // waits up to 5 s for a lock held by another connection or process.
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    Ok(())
                })
            });
        }
        let pool = opts
            .connect(url)
            .await
            .map_err(|source| StoreError::Connect {
                url: masked(url),
                source,
            })?;
        let store = Store { pool, backend };
        let mut tries = 0;
        loop {
            match store.migrate().await {
                // SQLite has no lock to hold across the migrator's transactions: another process
                // opening the same new file may have created the schema first. Its work is
                // committed; trying again finds it applied.
                Err(StoreError::Migrate(_)) if backend == Backend::Sqlite && tries < 5 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100 * tries)).await;
                }
                other => break other.map(|()| store),
            }
        }
    }

    /// Which backend this store uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The schema version the database is at (the highest migration applied).
    pub async fn schema_version(&self) -> Result<i64> {
        let mut conn = self.pool.acquire().await?;
        let applied = conn.list_applied_migrations().await?;
        Ok(applied.iter().map(|m| m.version).max().unwrap_or(0))
    }

    /// Closes every connection (waits for the ones in use to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn migrate(&self) -> Result<()> {
        let steps = self.backend.migrations();
        let known = steps.last().map(|s| s.0).unwrap_or(0);
        {
            // Under the migration lock (PostgreSQL: an advisory lock; SQLite: none needed), so
            // that replicas starting together do not race to create the bookkeeping table.
            let mut conn = self.pool.acquire().await?;
            conn.lock().await?;
            let applied = match conn.ensure_migrations_table().await {
                Ok(()) => conn.list_applied_migrations().await,
                Err(e) => Err(e),
            };
            // The lock belongs to the session: give it back before the connection goes back to
            // the pool, whatever happened.
            conn.unlock().await?;
            if let Some(found) = applied?.iter().map(|m| m.version).max()
                && found > known
            {
                return Err(StoreError::SchemaTooNew { found, known });
            }
        }
        let migrator = Migrator::new(Embedded(steps)).await?;
        migrator.run(&self.pool).await?;
        Ok(())
    }
}

/// A value bound to a query built at run time.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptReal(Option<f64>),
}

/// Binds dynamic arguments in order.
pub(crate) fn bind_all<'q>(
    mut q: Query<'q, Any, AnyArguments<'q>>,
    args: &'q [Arg],
) -> Query<'q, Any, AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::Text(s) => q.bind(s.as_str()),
            Arg::OptText(s) => q.bind(s.as_deref()),
            Arg::Int(i) => q.bind(*i),
            Arg::OptReal(r) => bind_opt_f64(q, *r),
        };
    }
    q
}

/// Binds an optional double. sqlx 0.8's Any driver declares a NULL `f64` to PostgreSQL as
/// `float4` (and a NULL `f32` as `float8`); a cached statement first run with a NULL would then
/// reject a real value ("incorrect binary data format"). Binding the NULL as `f32` declares
/// `float8` on PostgreSQL, and is a plain NULL on SQLite.
pub(crate) fn bind_opt_f64<'q>(
    q: Query<'q, Any, AnyArguments<'q>>,
    v: Option<f64>,
) -> Query<'q, Any, AnyArguments<'q>> {
    match v {
        Some(v) => q.bind(v),
        None => q.bind(None::<f32>),
    }
}

/// Builds `WHERE` conditions with `$N` placeholders (the same text on both backends).
#[derive(Debug, Default)]
pub(crate) struct Conditions {
    pub(crate) parts: Vec<String>,
    pub(crate) args: Vec<Arg>,
}

impl Conditions {
    /// Adds an argument and returns its placeholder.
    pub(crate) fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }
    /// Adds a condition; `{}` in `sql` is replaced by the argument's placeholder.
    pub(crate) fn push(&mut self, sql: &str, a: Arg) {
        let p = self.arg(a);
        self.parts.push(sql.replace("{}", &p));
    }
    pub(crate) fn push_raw(&mut self, sql: impl Into<String>) {
        self.parts.push(sql.into());
    }
    pub(crate) fn where_clause(&self) -> String {
        if self.parts.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.parts.join(" AND "))
        }
    }
}

/// UTC milliseconds since the epoch.
pub(crate) fn ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// The time of a stored millisecond count (clamped to the range `time` can hold).
pub(crate) fn from_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

pub(crate) fn opt_from_ms(ms: Option<i64>) -> Option<OffsetDateTime> {
    ms.map(from_ms)
}

/// A new time-ordered id.
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Reads a column, naming it in the error.
pub(crate) fn col<'r, T>(row: &'r AnyRow, name: &str) -> Result<T>
where
    T: sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    use sqlx::Row;
    Ok(row.try_get::<T, _>(name)?)
}

/// A 0/1 flag column.
pub(crate) fn flag(row: &AnyRow, name: &str) -> Result<bool> {
    Ok(col::<i64>(row, name)? != 0)
}

/// Lowercase hex SHA-256 of some bytes.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two dialects' migrations describe the same schema: same versions, and the same text
    /// once comments and the one type that differs are set aside.
    #[test]
    fn both_dialects_have_the_same_migrations() {
        assert_eq!(SQLITE_MIGRATIONS.len(), POSTGRES_MIGRATIONS.len());
        let strip = |sql: &str| -> String {
            sql.lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
                .replace("BYTEA", "BLOB")
        };
        for (s, p) in SQLITE_MIGRATIONS.iter().zip(POSTGRES_MIGRATIONS) {
            assert_eq!((s.0, s.1), (p.0, p.1));
            assert_eq!(strip(s.2), strip(p.2), "migration {} differs", s.0);
        }
        assert_eq!(SQLITE_MIGRATIONS.last().map(|s| s.0), Some(SCHEMA_VERSION));
    }

    #[test]
    fn urls_name_their_backend_and_passwords_are_masked() {
        assert_eq!(Backend::of_url("sqlite://x.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("postgresql://h/d"), Some(Backend::Postgres));
        assert_eq!(Backend::of_url("mysql://h/d"), None);
        assert_eq!(
            masked("postgres://u:pw@h:5432/d"),
            "postgres://u:****@h:5432/d"
        );
        assert_eq!(masked("postgres://u@h/d"), "postgres://u@h/d");
    }

    #[test]
    fn milliseconds_round_trip() {
        let t = OffsetDateTime::from_unix_timestamp_nanos(1_793_000_000_123_000_000).unwrap();
        assert_eq!(from_ms(ms(t)), t);
    }
}
