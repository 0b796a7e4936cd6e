//! Checklist items of a project and people's sign-offs on them (who, when, note, expiry,
//! evidence URL, revocation).

use crate::db::{Arg, Conditions, Store, bind_all, col, from_ms, ms, new_id, opt_from_ms};
use crate::error::{Result, StoreError, invalid, not_found};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use time::OffsetDateTime;

/// A manual checklist item of a project (`ops.runbook`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub id: String,
    pub project_id: String,
    /// The item's id in the checklist.
    pub key: String,
    pub title: String,
}

/// What a person signs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewSignOff {
    pub by: String,
    pub note: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    pub evidence_url: Option<String>,
}

/// A sign-off as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignOff {
    pub id: String,
    /// The checklist item's key.
    pub item: String,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub note: String,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    pub evidence_url: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    pub revoked_by: Option<String>,
}

impl SignOff {
    /// Whether it counts at `now`: not revoked, not expired.
    pub fn active_at(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

const SIGNOFF_SELECT: &str = "SELECT s.id, i.item_key, s.signed_by, s.signed_at, s.note, \
     s.expires_at, s.evidence_url, s.revoked_at, s.revoked_by \
     FROM signoffs s JOIN checklist_items i ON i.id = s.item_id";

fn signoff_of(row: &AnyRow) -> Result<SignOff> {
    Ok(SignOff {
        id: col(row, "id")?,
        item: col(row, "item_key")?,
        by: col(row, "signed_by")?,
        at: from_ms(col(row, "signed_at")?),
        note: col(row, "note")?,
        expires_at: opt_from_ms(col(row, "expires_at")?),
        evidence_url: col(row, "evidence_url")?,
        revoked_at: opt_from_ms(col(row, "revoked_at")?),
        revoked_by: col(row, "revoked_by")?,
    })
}

fn item_of(row: &AnyRow) -> Result<ChecklistItem> {
    Ok(ChecklistItem {
        id: col(row, "id")?,
        project_id: col(row, "project_id")?,
        key: col(row, "item_key")?,
        title: col(row, "title")?,
    })
}

impl Store {
    /// Creates a checklist item, or updates its title.
    pub async fn upsert_checklist_item(
        &self,
        project: &str,
        key: &str,
        title: &str,
    ) -> Result<ChecklistItem> {
        if key.trim().is_empty() {
            return Err(invalid("checklist item key", "empty"));
        }
        let p = self.project(project).await?;
        sqlx::query(
            "INSERT INTO checklist_items (id, project_id, item_key, title, created_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (project_id, item_key) DO UPDATE SET title = excluded.title",
        )
        .bind(new_id())
        .bind(&p.id)
        .bind(key)
        .bind(title)
        .bind(ms(OffsetDateTime::now_utc()))
        .execute(&self.pool)
        .await?;
        self.checklist_item(project, key).await
    }

    /// A checklist item by project slug and key.
    pub async fn checklist_item(&self, project: &str, key: &str) -> Result<ChecklistItem> {
        let row = sqlx::query(
            "SELECT i.* FROM checklist_items i JOIN projects p ON p.id = i.project_id \
             WHERE p.slug = $1 AND i.item_key = $2",
        )
        .bind(project)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| not_found("checklist item", format!("{project}/{key}")))?;
        item_of(&row)
    }

    /// A project's checklist items, by key.
    pub async fn checklist_items(&self, project: &str) -> Result<Vec<ChecklistItem>> {
        let p = self.project(project).await?;
        let rows =
            sqlx::query("SELECT * FROM checklist_items WHERE project_id = $1 ORDER BY item_key")
                .bind(&p.id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(item_of).collect()
    }

    /// Records a sign-off on an existing checklist item.
    pub async fn add_signoff(
        &self,
        project: &str,
        item: &str,
        s: &NewSignOff,
        now: OffsetDateTime,
    ) -> Result<SignOff> {
        if s.by.trim().is_empty() {
            return Err(invalid("sign-off", "who signs is required"));
        }
        if let Some(e) = s.expires_at
            && e <= now
        {
            return Err(invalid(
                "sign-off expiry",
                format!("{e} is not in the future"),
            ));
        }
        if let Some(u) = &s.evidence_url {
            url::Url::parse(u).map_err(|e| invalid("evidence URL", format!("`{u}`: {e}")))?;
        }
        let it = self.checklist_item(project, item).await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO signoffs (id, item_id, signed_by, signed_at, note, expires_at, evidence_url) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(&it.id)
        .bind(&s.by)
        .bind(ms(now))
        .bind(&s.note)
        .bind(s.expires_at.map(ms))
        .bind(s.evidence_url.as_deref())
        .execute(&self.pool)
        .await?;
        self.signoff(&id).await
    }

    /// A sign-off by id.
    pub async fn signoff(&self, id: &str) -> Result<SignOff> {
        let row = sqlx::query(&format!("{SIGNOFF_SELECT} WHERE s.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| not_found("sign-off", id))?;
        signoff_of(&row)
    }

    /// Revokes a sign-off. Revoking twice is an error (the first revocation stands).
    pub async fn revoke_signoff(&self, id: &str, by: &str, now: OffsetDateTime) -> Result<SignOff> {
        let done = sqlx::query(
            "UPDATE signoffs SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL",
        )
        .bind(ms(now))
        .bind(by)
        .bind(id)
        .execute(&self.pool)
        .await?;
        let s = self.signoff(id).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Invalid {
                field: "sign-off",
                message: format!(
                    "{id} was already revoked by {} at {}",
                    s.revoked_by.as_deref().unwrap_or("?"),
                    s.revoked_at.map(|t| t.to_string()).unwrap_or_default()
                ),
            });
        }
        Ok(s)
    }

    /// A project's sign-offs, newest first; of one item when `item` is given; only the ones in
    /// force at that time when `active_at` is given.
    pub async fn signoffs(
        &self,
        project: &str,
        item: Option<&str>,
        active_at: Option<OffsetDateTime>,
    ) -> Result<Vec<SignOff>> {
        let p = self.project(project).await?;
        let mut c = Conditions::default();
        c.push("i.project_id = {}", Arg::Text(p.id));
        if let Some(k) = item {
            c.push("i.item_key = {}", Arg::Text(k.to_string()));
        }
        if let Some(t) = active_at {
            c.push_raw("s.revoked_at IS NULL");
            c.push(
                "(s.expires_at IS NULL OR s.expires_at > {})",
                Arg::Int(ms(t)),
            );
        }
        let sql = format!(
            "{SIGNOFF_SELECT} {} ORDER BY s.signed_at DESC, s.id DESC",
            c.where_clause()
        );
        let rows = bind_all(sqlx::query(&sql), &c.args)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(signoff_of).collect()
    }
}
