//! Retention: prune old runs, audit entries and deliveries; roll raw uptime samples up into
//! daily rows before deleting them, so availability over old days stays answerable.

use crate::db::{Store, col, ms};
use crate::error::{Result, invalid};
use crate::uptime::{DAY_MS, DayCounts};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// How long to keep things, in days (`None` = for ever).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Retention {
    /// Runs (with their findings and category scores) started earlier are deleted.
    pub runs_days: Option<u32>,
    /// Raw uptime samples of UTC days that ended earlier are rolled up, then deleted.
    pub samples_days: Option<u32>,
    /// Audit log entries.
    pub audit_days: Option<u32>,
    /// Notification deliveries.
    pub deliveries_days: Option<u32>,
}

/// What a prune did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PruneReport {
    pub runs_deleted: u64,
    /// Raw samples rolled up into daily rows and deleted.
    pub samples_rolled_up: u64,
    /// (environment, day) rollup rows written or added to.
    pub days_rolled_up: u64,
    pub audit_deleted: u64,
    pub deliveries_deleted: u64,
}

fn cutoff(now: OffsetDateTime, days: u32, what: &'static str) -> Result<i64> {
    if days == 0 {
        return Err(invalid(
            what,
            "0 days would delete everything; give at least 1 (or no limit)",
        ));
    }
    Ok(ms(now) - i64::from(days) * DAY_MS)
}

impl Store {
    /// Applies a retention policy as of `now`. Uptime samples are pruned by whole UTC days: the
    /// samples deleted are exactly the ones added to the daily rollups, in one transaction.
    pub async fn prune(&self, r: &Retention, now: OffsetDateTime) -> Result<PruneReport> {
        let mut out = PruneReport::default();
        if let Some(days) = r.runs_days {
            let c = cutoff(now, days, "run retention")?;
            out.runs_deleted = sqlx::query("DELETE FROM runs WHERE started_at < $1")
                .bind(c)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        if let Some(days) = r.samples_days {
            let c = cutoff(now, days, "uptime sample retention")?;
            // Whole days only: the day that holds the cutoff keeps all its raw samples.
            let boundary = c.div_euclid(DAY_MS) * DAY_MS;
            let mut tx = self.pool.begin().await?;
            let rows = sqlx::query(
                "DELETE FROM uptime_samples WHERE at < $1 RETURNING environment_id, at, status, latency_ms",
            )
            .bind(boundary)
            .fetch_all(&mut *tx)
            .await?;
            let mut days: BTreeMap<(String, i64), DayCounts> = BTreeMap::new();
            for row in &rows {
                let env: String = col(row, "environment_id")?;
                let at: i64 = col(row, "at")?;
                let status: String = col(row, "status")?;
                days.entry((env, at.div_euclid(DAY_MS)))
                    .or_default()
                    .add_sample(&status, col(row, "latency_ms")?);
            }
            for ((env, day), c) in &days {
                sqlx::query(
                    "INSERT INTO uptime_daily (environment_id, day, up, down, unknown, latency_sum_ms, latency_count, latency_max_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (environment_id, day) DO UPDATE SET \
                     up = uptime_daily.up + excluded.up, \
                     down = uptime_daily.down + excluded.down, \
                     unknown = uptime_daily.unknown + excluded.unknown, \
                     latency_sum_ms = uptime_daily.latency_sum_ms + excluded.latency_sum_ms, \
                     latency_count = uptime_daily.latency_count + excluded.latency_count, \
                     latency_max_ms = CASE WHEN uptime_daily.latency_max_ms IS NULL \
                       OR excluded.latency_max_ms > uptime_daily.latency_max_ms \
                       THEN excluded.latency_max_ms ELSE uptime_daily.latency_max_ms END",
                )
                .bind(env)
                .bind(*day)
                .bind(c.up)
                .bind(c.down)
                .bind(c.unknown)
                .bind(c.latency_sum)
                .bind(c.latency_count)
                .bind(c.latency_max)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            out.samples_rolled_up = rows.len() as u64;
            out.days_rolled_up = days.len() as u64;
        }
        if let Some(days) = r.audit_days {
            let c = cutoff(now, days, "audit log retention")?;
            out.audit_deleted = sqlx::query("DELETE FROM audit_log WHERE at < $1")
                .bind(c)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        if let Some(days) = r.deliveries_days {
            let c = cutoff(now, days, "delivery retention")?;
            out.deliveries_deleted = sqlx::query("DELETE FROM deliveries WHERE created_at < $1")
                .bind(c)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        Ok(out)
    }
}
