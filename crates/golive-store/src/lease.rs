//! Job leases with fencing tokens: one holder at a time runs a named job (the nightly prune, a
//! scheduled probe) even with several server replicas on one database.
//!
//! A lease row is never deleted: releasing expires it, so the token of the next holder is always
//! higher than every token handed out before. A worker passes its token along with what it
//! writes; anything stamped with an older token comes from a holder that lost the lease.

use crate::db::{Store, col, from_ms, ms};
use crate::error::{Result, StoreError, invalid};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// A lease held on a named job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub name: String,
    pub holder: String,
    /// Grows by one at every acquisition.
    pub token: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

fn check_ttl(ttl: Duration) -> Result<i64> {
    let ms = ttl.whole_milliseconds();
    if ms <= 0 {
        return Err(invalid("lease duration", format!("{ttl} is not positive")));
    }
    Ok(ms as i64)
}

impl Store {
    /// Takes the lease `name` for `holder` until `now + ttl`, if nobody else holds it unexpired.
    /// Returns `None` while another holder's lease runs. The same holder may take it again
    /// (after a restart, say): that is a new acquisition with a new token.
    pub async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
        now: OffsetDateTime,
    ) -> Result<Option<Lease>> {
        if name.is_empty() || holder.is_empty() {
            return Err(invalid("lease", "name and holder are required"));
        }
        let expires = ms(now) + check_ttl(ttl)?;
        let row = sqlx::query(
            "INSERT INTO job_leases (name, holder, token, expires_at) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
             token = job_leases.token + 1, expires_at = excluded.expires_at \
             WHERE job_leases.expires_at <= $4 OR job_leases.holder = excluded.holder \
             RETURNING name, holder, token, expires_at",
        )
        .bind(name)
        .bind(holder)
        .bind(expires)
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(Lease {
                name: col(&r, "name")?,
                holder: col(&r, "holder")?,
                token: col(&r, "token")?,
                expires_at: from_ms(col(&r, "expires_at")?),
            })
        })
        .transpose()
    }

    /// Extends a lease still held (same holder, same token, not expired) to `now + ttl`.
    pub async fn renew_lease(
        &self,
        lease: &Lease,
        ttl: Duration,
        now: OffsetDateTime,
    ) -> Result<Lease> {
        let expires = ms(now) + check_ttl(ttl)?;
        let r = sqlx::query(
            "UPDATE job_leases SET expires_at = $1 \
             WHERE name = $2 AND holder = $3 AND token = $4 AND expires_at > $5",
        )
        .bind(expires)
        .bind(&lease.name)
        .bind(&lease.holder)
        .bind(lease.token)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        if r.rows_affected() == 0 {
            return Err(self.lost(lease));
        }
        Ok(Lease {
            expires_at: from_ms(expires),
            ..lease.clone()
        })
    }

    /// Gives a lease up so another holder can take it at once. The row (and its token) stays.
    pub async fn release_lease(&self, lease: &Lease) -> Result<()> {
        let r = sqlx::query(
            "UPDATE job_leases SET expires_at = 0 WHERE name = $1 AND holder = $2 AND token = $3",
        )
        .bind(&lease.name)
        .bind(&lease.holder)
        .bind(lease.token)
        .execute(&self.pool)
        .await?;
        if r.rows_affected() == 0 {
            return Err(self.lost(lease));
        }
        Ok(())
    }

    /// The lease on a job as stored (possibly expired), if it was ever taken.
    pub async fn lease(&self, name: &str) -> Result<Option<Lease>> {
        let row =
            sqlx::query("SELECT name, holder, token, expires_at FROM job_leases WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| {
            Ok(Lease {
                name: col(&r, "name")?,
                holder: col(&r, "holder")?,
                token: col(&r, "token")?,
                expires_at: from_ms(col(&r, "expires_at")?),
            })
        })
        .transpose()
    }

    fn lost(&self, lease: &Lease) -> StoreError {
        StoreError::LeaseLost {
            name: lease.name.clone(),
            holder: lease.holder.clone(),
            token: lease.token,
        }
    }
}
