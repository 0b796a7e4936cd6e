//! Notification channels of a project (webhook, Slack, e-mail, …) and the record of each
//! delivery: status, response code, attempts, last error.

use crate::db::{Store, col, flag, from_ms, ms, new_id};
use crate::error::{Result, StoreError, invalid, is_unique_violation, not_found};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use std::fmt;
use std::str::FromStr;
use time::OffsetDateTime;

/// A channel to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewChannel {
    /// `webhook`, `slack`, `email`, … (the server decides what it can send).
    pub kind: String,
    pub name: String,
    /// URL or address.
    pub target: String,
    /// Channel-specific settings (JSON object).
    pub config: serde_json::Value,
}

/// A channel as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    pub id: String,
    pub project_id: String,
    pub kind: String,
    pub name: String,
    pub target: String,
    pub config: serde_json::Value,
    pub enabled: bool,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Sent,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }
}

impl fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeliveryStatus {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "pending" => Ok(DeliveryStatus::Pending),
            "sent" => Ok(DeliveryStatus::Sent),
            "failed" => Ok(DeliveryStatus::Failed),
            o => Err(invalid("delivery status", format!("`{o}`"))),
        }
    }
}

/// One notification sent (or being sent) through a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: String,
    pub channel_id: String,
    pub run_id: Option<String>,
    pub event: String,
    pub status: DeliveryStatus,
    pub response_code: Option<i64>,
    pub attempts: i64,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

fn channel_of(row: &AnyRow) -> Result<Channel> {
    let config: String = col(row, "config")?;
    Ok(Channel {
        id: col(row, "id")?,
        project_id: col(row, "project_id")?,
        kind: col(row, "kind")?,
        name: col(row, "name")?,
        target: col(row, "target")?,
        config: serde_json::from_str(&config).unwrap_or(serde_json::Value::Null),
        enabled: flag(row, "enabled")?,
    })
}

fn delivery_of(row: &AnyRow) -> Result<Delivery> {
    Ok(Delivery {
        id: col(row, "id")?,
        channel_id: col(row, "channel_id")?,
        run_id: col(row, "run_id")?,
        event: col(row, "event")?,
        status: col::<String>(row, "status")?.parse()?,
        response_code: col(row, "response_code")?,
        attempts: col(row, "attempts")?,
        last_error: col(row, "last_error")?,
        created_at: from_ms(col(row, "created_at")?),
        updated_at: from_ms(col(row, "updated_at")?),
    })
}

impl Store {
    /// Adds a notification channel to a project.
    pub async fn create_channel(&self, project: &str, c: &NewChannel) -> Result<Channel> {
        if c.kind.is_empty() || c.name.is_empty() || c.target.is_empty() {
            return Err(invalid(
                "notification channel",
                "kind, name and target are required",
            ));
        }
        if !c.config.is_object() {
            return Err(invalid(
                "notification channel config",
                "must be a JSON object",
            ));
        }
        let p = self.project(project).await?;
        let id = new_id();
        let r = sqlx::query(
            "INSERT INTO notification_channels (id, project_id, kind, name, target, config, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(&p.id)
        .bind(&c.kind)
        .bind(&c.name)
        .bind(&c.target)
        .bind(c.config.to_string())
        .bind(ms(OffsetDateTime::now_utc()))
        .execute(&self.pool)
        .await;
        match r {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::AlreadyExists {
                    what: "notification channel",
                    key: format!("{project}/{}", c.name),
                });
            }
            Err(e) => return Err(e.into()),
        }
        let row = sqlx::query("SELECT * FROM notification_channels WHERE id = $1")
            .bind(&id)
            .fetch_one(&self.pool)
            .await?;
        channel_of(&row)
    }

    /// A project's channels, by name.
    pub async fn channels(&self, project: &str) -> Result<Vec<Channel>> {
        let p = self.project(project).await?;
        let rows =
            sqlx::query("SELECT * FROM notification_channels WHERE project_id = $1 ORDER BY name")
                .bind(&p.id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(channel_of).collect()
    }

    /// Turns a channel on or off.
    pub async fn set_channel_enabled(&self, channel_id: &str, enabled: bool) -> Result<()> {
        let r = sqlx::query("UPDATE notification_channels SET enabled = $1 WHERE id = $2")
            .bind(i64::from(enabled))
            .bind(channel_id)
            .execute(&self.pool)
            .await?;
        if r.rows_affected() == 0 {
            return Err(not_found("notification channel", channel_id));
        }
        Ok(())
    }

    /// Records a delivery to make (pending, no attempt yet).
    pub async fn create_delivery(
        &self,
        channel_id: &str,
        run_id: Option<&str>,
        event: &str,
        now: OffsetDateTime,
    ) -> Result<Delivery> {
        let id = new_id();
        sqlx::query(
            "INSERT INTO deliveries (id, channel_id, run_id, event, status, attempts, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5)",
        )
        .bind(&id)
        .bind(channel_id)
        .bind(run_id)
        .bind(event)
        .bind(ms(now))
        .execute(&self.pool)
        .await?;
        self.delivery(&id).await
    }

    /// Records one attempt: its outcome, the response code if any, the error if any.
    pub async fn record_delivery_attempt(
        &self,
        id: &str,
        status: DeliveryStatus,
        response_code: Option<u16>,
        error: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Delivery> {
        let r = sqlx::query(
            "UPDATE deliveries SET status = $1, response_code = $2, last_error = $3, \
             attempts = attempts + 1, updated_at = $4 WHERE id = $5",
        )
        .bind(status.as_str())
        .bind(response_code.map(i64::from))
        .bind(error)
        .bind(ms(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        if r.rows_affected() == 0 {
            return Err(not_found("delivery", id));
        }
        self.delivery(id).await
    }

    /// A delivery by id.
    pub async fn delivery(&self, id: &str) -> Result<Delivery> {
        let row = sqlx::query("SELECT * FROM deliveries WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| not_found("delivery", id))?;
        delivery_of(&row)
    }

    /// A channel's deliveries, newest first.
    pub async fn deliveries(&self, channel_id: &str, limit: u32) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(
            "SELECT * FROM deliveries WHERE channel_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(channel_id)
        .bind(i64::from(limit.clamp(1, 500)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delivery_of).collect()
    }
}
