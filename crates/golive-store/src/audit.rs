//! The audit log: who did what to which thing, when, with details as JSON.

use crate::db::{Arg, Conditions, Store, bind_all, col, from_ms, ms, new_id};
use crate::error::{Result, invalid};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use time::OffsetDateTime;

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: serde_json::Value,
}

/// A page of audit entries, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page.
    pub next_cursor: Option<String>,
}

fn entry_of(row: &AnyRow) -> Result<AuditEntry> {
    let detail: String = col(row, "detail")?;
    Ok(AuditEntry {
        id: col(row, "id")?,
        at: from_ms(col(row, "at")?),
        actor: col(row, "actor")?,
        action: col(row, "action")?,
        target: col(row, "target")?,
        detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
    })
}

impl Store {
    /// Appends an entry.
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        target: &str,
        detail: &serde_json::Value,
        at: OffsetDateTime,
    ) -> Result<AuditEntry> {
        if actor.is_empty() || action.is_empty() {
            return Err(invalid("audit entry", "actor and action are required"));
        }
        let e = AuditEntry {
            id: new_id(),
            at,
            actor: actor.to_string(),
            action: action.to_string(),
            target: target.to_string(),
            detail: detail.clone(),
        };
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&e.id)
        .bind(ms(at))
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(detail.to_string())
        .execute(&self.pool)
        .await?;
        Ok(e)
    }

    /// Entries newest first, optionally of one actor or one target, one page at a time.
    pub async fn audit_log(
        &self,
        actor: Option<&str>,
        target: Option<&str>,
        limit: u32,
        before: Option<&str>,
    ) -> Result<AuditPage> {
        let limit = i64::from(limit.clamp(1, 500));
        let mut c = Conditions::default();
        if let Some(a) = actor {
            c.push("actor = {}", Arg::Text(a.into()));
        }
        if let Some(t) = target {
            c.push("target = {}", Arg::Text(t.into()));
        }
        if let Some(cur) = before {
            let bad = || {
                invalid(
                    "cursor",
                    format!("`{cur}` is not a cursor this store returned"),
                )
            };
            let (t, id) = cur.split_once('.').ok_or_else(bad)?;
            let t: i64 = t.parse().map_err(|_| bad())?;
            let pt = c.arg(Arg::Int(t));
            let pid = c.arg(Arg::Text(id.into()));
            c.push_raw(format!("(at < {pt} OR (at = {pt} AND id < {pid}))"));
        }
        let pl = c.arg(Arg::Int(limit + 1));
        let sql = format!(
            "SELECT * FROM audit_log {} ORDER BY at DESC, id DESC LIMIT {pl}",
            c.where_clause()
        );
        let rows = bind_all(sqlx::query(&sql), &c.args)
            .fetch_all(&self.pool)
            .await?;
        let mut items = rows.iter().map(entry_of).collect::<Result<Vec<_>>>()?;
        let next_cursor = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|e| format!("{}.{}", ms(e.at), e.id))
        } else {
            None
        };
        Ok(AuditPage { items, next_cursor })
    }
}
