//! Projects (slug, name, policy, public flag) and their environments (base URL, probe schedule).

use crate::db::{Store, col, flag, from_ms, ms, new_id};
use crate::error::{Result, StoreError, invalid, is_unique_violation, not_found};
use golive_core::{Catalog, Config};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use time::OffsetDateTime;

/// A project: what golive judges, with the policy (golive.toml text) its runs are judged by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    /// URL-safe name: lowercase letters, digits and `-`.
    pub slug: String,
    pub name: String,
    /// golive.toml text (`[policy]`, `[checks]`, …) the server judges this project's runs by.
    pub policy: String,
    /// Whether the project's readiness page is readable without logging in.
    pub public: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl Project {
    /// Parses the project's policy as golive.toml (validated against the built-in catalog).
    pub fn policy_config(&self) -> Result<Config> {
        Config::parse(
            &self.policy,
            &format!("policy of project `{}`", self.slug),
            Catalog::builtin(),
        )
        .map_err(|source| StoreError::Policy {
            project: self.slug.clone(),
            source,
        })
    }
}

/// Where a project runs (staging, production, …) and when it is probed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub base_url: Option<String>,
    /// Probe schedule: a cron expression and the IANA time zone it is read in.
    pub probe_cron: Option<String>,
    pub probe_zone: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

pub(crate) fn check_slug(field: &'static str, s: &str) -> Result<()> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!(
                "`{s}`: use 1 to 64 lowercase letters, digits and `-` (not at either end), like `shop-api`"
            ),
        ))
    }
}

fn project_of(row: &AnyRow) -> Result<Project> {
    Ok(Project {
        id: col(row, "id")?,
        slug: col(row, "slug")?,
        name: col(row, "name")?,
        policy: col(row, "policy")?,
        public: flag(row, "public")?,
        created_at: from_ms(col(row, "created_at")?),
    })
}

fn environment_of(row: &AnyRow) -> Result<Environment> {
    Ok(Environment {
        id: col(row, "id")?,
        project_id: col(row, "project_id")?,
        name: col(row, "name")?,
        base_url: col(row, "base_url")?,
        probe_cron: col(row, "probe_cron")?,
        probe_zone: col(row, "probe_zone")?,
        created_at: from_ms(col(row, "created_at")?),
    })
}

impl Store {
    /// Creates a project. The policy must parse as golive.toml (empty = defaults).
    pub async fn create_project(
        &self,
        slug: &str,
        name: &str,
        policy: &str,
        public: bool,
    ) -> Result<Project> {
        check_slug("project slug", slug)?;
        if name.trim().is_empty() {
            return Err(invalid("project name", "empty"));
        }
        let project = Project {
            id: new_id(),
            slug: slug.to_string(),
            name: name.to_string(),
            policy: policy.to_string(),
            public,
            created_at: OffsetDateTime::now_utc(),
        };
        project.policy_config()?;
        let r = sqlx::query(
            "INSERT INTO projects (id, slug, name, policy, public, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&project.id)
        .bind(&project.slug)
        .bind(&project.name)
        .bind(&project.policy)
        .bind(i64::from(public))
        .bind(ms(project.created_at))
        .execute(&self.pool)
        .await;
        match r {
            Ok(_) => self.project(slug).await,
            Err(e) if is_unique_violation(&e) => Err(StoreError::AlreadyExists {
                what: "project",
                key: slug.to_string(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Replaces a project's policy (validated first).
    pub async fn set_project_policy(&self, slug: &str, policy: &str) -> Result<Project> {
        let mut p = self.project(slug).await?;
        p.policy = policy.to_string();
        p.policy_config()?;
        sqlx::query("UPDATE projects SET policy = $1 WHERE id = $2")
            .bind(policy)
            .bind(&p.id)
            .execute(&self.pool)
            .await?;
        Ok(p)
    }

    /// A project by slug.
    pub async fn project(&self, slug: &str) -> Result<Project> {
        let row = sqlx::query("SELECT * FROM projects WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| not_found("project", slug))?;
        project_of(&row)
    }

    /// Every project, by slug.
    pub async fn projects(&self) -> Result<Vec<Project>> {
        let rows = sqlx::query("SELECT * FROM projects ORDER BY slug")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(project_of).collect()
    }

    /// Creates an environment of a project. `probe_schedule` is (cron expression, IANA zone).
    pub async fn create_environment(
        &self,
        project: &str,
        name: &str,
        base_url: Option<&str>,
        probe_schedule: Option<(&str, &str)>,
    ) -> Result<Environment> {
        check_slug("environment name", name)?;
        let p = self.project(project).await?;
        if let Some(u) = base_url {
            let parsed = url::Url::parse(u)
                .map_err(|e| invalid("environment base URL", format!("`{u}`: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(invalid(
                    "environment base URL",
                    format!("`{u}`: use an http:// or https:// URL"),
                ));
            }
        }
        if let Some((cron, zone)) = probe_schedule {
            let fields = cron.split_whitespace().count();
            if !(5..=6).contains(&fields) {
                return Err(invalid(
                    "probe schedule",
                    format!(
                        "`{cron}` has {fields} field(s); a cron expression has 5 (minute hour day month weekday) or 6 (with seconds)"
                    ),
                ));
            }
            if zone.trim().is_empty() || zone.contains(char::is_whitespace) {
                return Err(invalid(
                    "probe time zone",
                    format!("`{zone}`: use an IANA zone name like `Europe/Paris` or `UTC`"),
                ));
            }
        }
        let id = new_id();
        let r = sqlx::query(
            "INSERT INTO environments (id, project_id, name, base_url, probe_cron, probe_zone, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(&p.id)
        .bind(name)
        .bind(base_url)
        .bind(probe_schedule.map(|s| s.0))
        .bind(probe_schedule.map(|s| s.1))
        .bind(ms(OffsetDateTime::now_utc()))
        .execute(&self.pool)
        .await;
        match r {
            Ok(_) => self.environment(project, name).await,
            Err(e) if is_unique_violation(&e) => Err(StoreError::AlreadyExists {
                what: "environment",
                key: format!("{project}/{name}"),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// An environment by project slug and name.
    pub async fn environment(&self, project: &str, name: &str) -> Result<Environment> {
        let row = sqlx::query(
            "SELECT e.* FROM environments e JOIN projects p ON p.id = e.project_id \
             WHERE p.slug = $1 AND e.name = $2",
        )
        .bind(project)
        .bind(name)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| not_found("environment", format!("{project}/{name}")))?;
        environment_of(&row)
    }

    /// A project's environments, by name.
    pub async fn environments(&self, project: &str) -> Result<Vec<Environment>> {
        let p = self.project(project).await?;
        let rows = sqlx::query("SELECT * FROM environments WHERE project_id = $1 ORDER BY name")
            .bind(&p.id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(environment_of).collect()
    }
}
