//! Uptime samples of an environment (up / down / unknown, latency), daily figures and
//! availability. Unknown samples (the prober could not tell) are never counted as up or down:
//! availability is `up / (up + down)` and the sample counts are reported beside it.

use crate::db::{Store, col, ms};
use crate::error::{Result, invalid};
use crate::projects::Environment;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use time::{Date, OffsetDateTime};

pub(crate) const DAY_MS: i64 = 86_400_000;

/// What one probe of an environment found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UptimeStatus {
    Up,
    Down,
    /// The prober could not tell (its own network failed, it timed out before deciding, …).
    Unknown,
}

impl UptimeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UptimeStatus::Up => "up",
            UptimeStatus::Down => "down",
            UptimeStatus::Unknown => "unknown",
        }
    }
}

impl fmt::Display for UptimeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UptimeStatus {
    type Err = crate::StoreError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "up" => Ok(UptimeStatus::Up),
            "down" => Ok(UptimeStatus::Down),
            "unknown" => Ok(UptimeStatus::Unknown),
            other => Err(invalid(
                "uptime status",
                format!("`{other}`: use up, down or unknown"),
            )),
        }
    }
}

/// Availability over a time range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    pub up: u64,
    pub down: u64,
    /// Samples that said nothing either way: left out of `availability`.
    pub unknown: u64,
    /// All samples, unknown ones included.
    pub samples: u64,
    /// `up / (up + down)`; `None` when no sample was up or down.
    pub availability: Option<f64>,
}

impl Availability {
    fn new(up: u64, down: u64, unknown: u64) -> Availability {
        Availability {
            up,
            down,
            unknown,
            samples: up + down + unknown,
            availability: (up + down > 0).then(|| up as f64 / (up + down) as f64),
        }
    }
}

/// One UTC day of an environment: raw samples still kept plus those already rolled up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyUptime {
    pub day: Date,
    pub availability: Availability,
    /// Mean latency of the samples that have one.
    pub latency_avg_ms: Option<f64>,
    pub latency_max_ms: Option<i64>,
}

/// Counts of one (environment, day), from raw samples or a rollup row.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DayCounts {
    pub(crate) up: i64,
    pub(crate) down: i64,
    pub(crate) unknown: i64,
    pub(crate) latency_sum: i64,
    pub(crate) latency_count: i64,
    pub(crate) latency_max: Option<i64>,
}

impl DayCounts {
    pub(crate) fn add_sample(&mut self, status: &str, latency: Option<i64>) {
        match status {
            "up" => self.up += 1,
            "down" => self.down += 1,
            _ => self.unknown += 1,
        }
        if let Some(l) = latency {
            self.latency_sum += l;
            self.latency_count += 1;
            self.latency_max = Some(self.latency_max.map_or(l, |m| m.max(l)));
        }
    }
    fn merge(&mut self, o: &DayCounts) {
        self.up += o.up;
        self.down += o.down;
        self.unknown += o.unknown;
        self.latency_sum += o.latency_sum;
        self.latency_count += o.latency_count;
        self.latency_max = match (self.latency_max, o.latency_max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

fn day_of(day_number: i64) -> Date {
    OffsetDateTime::from_unix_timestamp(day_number * 86_400)
        .map(|t| t.date())
        .unwrap_or(Date::MIN)
}

fn day_number(d: Date) -> i64 {
    (d.midnight().assume_utc().unix_timestamp()).div_euclid(86_400)
}

const COUNTS: &str = "CAST(SUM(CASE WHEN status = 'up' THEN 1 ELSE 0 END) AS BIGINT) AS up, \
     CAST(SUM(CASE WHEN status = 'down' THEN 1 ELSE 0 END) AS BIGINT) AS down, \
     CAST(SUM(CASE WHEN status = 'unknown' THEN 1 ELSE 0 END) AS BIGINT) AS unknown, \
     CAST(COALESCE(SUM(latency_ms), 0) AS BIGINT) AS latency_sum_ms, \
     CAST(COUNT(latency_ms) AS BIGINT) AS latency_count, \
     CAST(MAX(latency_ms) AS BIGINT) AS latency_max_ms";

fn counts_of(row: &sqlx::any::AnyRow) -> Result<DayCounts> {
    Ok(DayCounts {
        up: col::<Option<i64>>(row, "up")?.unwrap_or(0),
        down: col::<Option<i64>>(row, "down")?.unwrap_or(0),
        unknown: col::<Option<i64>>(row, "unknown")?.unwrap_or(0),
        latency_sum: col::<Option<i64>>(row, "latency_sum_ms")?.unwrap_or(0),
        latency_count: col::<Option<i64>>(row, "latency_count")?.unwrap_or(0),
        latency_max: col(row, "latency_max_ms")?,
    })
}

impl Store {
    /// Records one probe result. A second sample at the same millisecond replaces the first.
    pub async fn insert_uptime_sample(
        &self,
        env: &Environment,
        at: OffsetDateTime,
        status: UptimeStatus,
        latency_ms: Option<u32>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO uptime_samples (environment_id, at, status, latency_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (environment_id, at) DO UPDATE SET status = excluded.status, latency_ms = excluded.latency_ms",
        )
        .bind(&env.id)
        .bind(ms(at))
        .bind(status.as_str())
        .bind(latency_ms.map(i64::from))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Availability over `[from, to)`: the raw samples in the range, plus the rolled-up days
    /// (samples already pruned) whose UTC day starts in the range.
    pub async fn availability(
        &self,
        env: &Environment,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Availability> {
        let (f, t) = (ms(from), ms(to));
        let raw = sqlx::query(&format!(
            "SELECT {COUNTS} FROM uptime_samples WHERE environment_id = $1 AND at >= $2 AND at < $3"
        ))
        .bind(&env.id)
        .bind(f)
        .bind(t)
        .fetch_one(&self.pool)
        .await?;
        let mut c = counts_of(&raw)?;
        // Days whose start (day × DAY_MS) lies in [f, t).
        let first_day = (f + DAY_MS - 1).div_euclid(DAY_MS);
        let end_day = (t + DAY_MS - 1).div_euclid(DAY_MS);
        let rolled = sqlx::query(
            "SELECT CAST(COALESCE(SUM(up), 0) AS BIGINT) AS up, CAST(COALESCE(SUM(down), 0) AS BIGINT) AS down, \
             CAST(COALESCE(SUM(unknown), 0) AS BIGINT) AS unknown, \
             CAST(COALESCE(SUM(latency_sum_ms), 0) AS BIGINT) AS latency_sum_ms, \
             CAST(COALESCE(SUM(latency_count), 0) AS BIGINT) AS latency_count, \
             CAST(MAX(latency_max_ms) AS BIGINT) AS latency_max_ms \
             FROM uptime_daily WHERE environment_id = $1 AND day >= $2 AND day < $3",
        )
        .bind(&env.id)
        .bind(first_day)
        .bind(end_day)
        .fetch_one(&self.pool)
        .await?;
        c.merge(&counts_of(&rolled)?);
        Ok(Availability::new(
            c.up as u64,
            c.down as u64,
            c.unknown as u64,
        ))
    }

    /// Per UTC day in `[from, to)`: raw samples and rolled-up ones together. Days without any
    /// sample are left out.
    pub async fn daily_uptime(
        &self,
        env: &Environment,
        from: Date,
        to: Date,
    ) -> Result<Vec<DailyUptime>> {
        let (fd, td) = (day_number(from), day_number(to));
        let mut days: BTreeMap<i64, DayCounts> = BTreeMap::new();
        let raw = sqlx::query(&format!(
            "SELECT at / {DAY_MS} AS day, {COUNTS} FROM uptime_samples \
             WHERE environment_id = $1 AND at >= $2 AND at < $3 GROUP BY at / {DAY_MS}"
        ))
        .bind(&env.id)
        .bind(fd * DAY_MS)
        .bind(td * DAY_MS)
        .fetch_all(&self.pool)
        .await?;
        for row in &raw {
            days.entry(col(row, "day")?)
                .or_default()
                .merge(&counts_of(row)?);
        }
        let rolled = sqlx::query(
            "SELECT day, up, down, unknown, latency_sum_ms, latency_count, latency_max_ms \
             FROM uptime_daily WHERE environment_id = $1 AND day >= $2 AND day < $3",
        )
        .bind(&env.id)
        .bind(fd)
        .bind(td)
        .fetch_all(&self.pool)
        .await?;
        for row in &rolled {
            days.entry(col(row, "day")?)
                .or_default()
                .merge(&counts_of(row)?);
        }
        Ok(days
            .into_iter()
            .map(|(d, c)| DailyUptime {
                day: day_of(d),
                availability: Availability::new(c.up as u64, c.down as u64, c.unknown as u64),
                latency_avg_ms: (c.latency_count > 0)
                    .then(|| c.latency_sum as f64 / c.latency_count as f64),
                latency_max_ms: c.latency_max,
            })
            .collect())
    }
}
