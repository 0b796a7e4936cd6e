//! Users (name and password hash; the server hashes with argon2id, the store keeps the string)
//! and API keys (prefix to find them, hash to check them, scopes, project, expiry, revocation,
//! last use).

use crate::db::{Store, col, flag, from_ms, ms, new_id, opt_from_ms};
use crate::error::{Result, StoreError, invalid, is_unique_violation, not_found};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use time::OffsetDateTime;

/// A user. `password_hash` is a PHC string (`$argon2id$…`), never a password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing)]
    pub password_hash: String,
    pub disabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// An API key to create: the caller made the secret and keeps only its hash here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewApiKey {
    /// The key's public prefix (shown in lists, used to find the key).
    pub prefix: String,
    /// Hash of the whole key.
    pub hash: String,
    pub scopes: Vec<String>,
    /// Project slug the key is limited to.
    pub project: Option<String>,
    /// User name the key belongs to.
    pub user: Option<String>,
    pub expires_at: Option<OffsetDateTime>,
}

/// An API key as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub prefix: String,
    #[serde(skip_serializing)]
    pub hash: String,
    pub scopes: Vec<String>,
    pub project_id: Option<String>,
    pub user_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}

impl ApiKey {
    /// Usable at `now`: not revoked, not expired.
    pub fn valid_at(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

fn user_of(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: col(row, "id")?,
        name: col(row, "name")?,
        password_hash: col(row, "password_hash")?,
        disabled: flag(row, "disabled")?,
        created_at: from_ms(col(row, "created_at")?),
    })
}

fn key_of(row: &AnyRow) -> Result<ApiKey> {
    let scopes: String = col(row, "scopes")?;
    Ok(ApiKey {
        id: col(row, "id")?,
        prefix: col(row, "prefix")?,
        hash: col(row, "hash")?,
        scopes: scopes.split_whitespace().map(str::to_string).collect(),
        project_id: col(row, "project_id")?,
        user_id: col(row, "user_id")?,
        created_at: from_ms(col(row, "created_at")?),
        expires_at: opt_from_ms(col(row, "expires_at")?),
        revoked_at: opt_from_ms(col(row, "revoked_at")?),
        last_used_at: opt_from_ms(col(row, "last_used_at")?),
    })
}

impl Store {
    /// Creates a user with an already-hashed password.
    pub async fn create_user(&self, name: &str, password_hash: &str) -> Result<User> {
        if name.trim().is_empty() {
            return Err(invalid("user name", "empty"));
        }
        if !password_hash.starts_with('$') {
            return Err(invalid(
                "password hash",
                "expected a PHC string such as `$argon2id$v=19$…` (the store never takes a password)",
            ));
        }
        let r = sqlx::query(
            "INSERT INTO users (id, name, password_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(new_id())
        .bind(name)
        .bind(password_hash)
        .bind(ms(OffsetDateTime::now_utc()))
        .execute(&self.pool)
        .await;
        match r {
            Ok(_) => self.user(name).await,
            Err(e) if is_unique_violation(&e) => Err(StoreError::AlreadyExists {
                what: "user",
                key: name.to_string(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// A user by name.
    pub async fn user(&self, name: &str) -> Result<User> {
        let row = sqlx::query("SELECT * FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| not_found("user", name))?;
        user_of(&row)
    }

    /// Replaces a user's password hash.
    pub async fn set_password_hash(&self, name: &str, password_hash: &str) -> Result<()> {
        let r = sqlx::query("UPDATE users SET password_hash = $1 WHERE name = $2")
            .bind(password_hash)
            .bind(name)
            .execute(&self.pool)
            .await?;
        if r.rows_affected() == 0 {
            return Err(not_found("user", name));
        }
        Ok(())
    }

    /// Stores a new API key.
    pub async fn create_api_key(&self, k: &NewApiKey) -> Result<ApiKey> {
        if k.prefix.len() < 4 || k.prefix.contains(char::is_whitespace) {
            return Err(invalid(
                "API key prefix",
                format!("`{}`: give at least 4 characters, no spaces", k.prefix),
            ));
        }
        if k.hash.is_empty() {
            return Err(invalid("API key hash", "empty"));
        }
        if let Some(s) = k
            .scopes
            .iter()
            .find(|s| s.is_empty() || s.contains(char::is_whitespace))
        {
            return Err(invalid(
                "API key scope",
                format!("`{s}`: one word per scope"),
            ));
        }
        let project_id = match &k.project {
            Some(p) => Some(self.project(p).await?.id),
            None => None,
        };
        let user_id = match &k.user {
            Some(u) => Some(self.user(u).await?.id),
            None => None,
        };
        let r = sqlx::query(
            "INSERT INTO api_keys (id, prefix, hash, scopes, project_id, user_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(&k.prefix)
        .bind(&k.hash)
        .bind(k.scopes.join(" "))
        .bind(project_id.as_deref())
        .bind(user_id.as_deref())
        .bind(ms(OffsetDateTime::now_utc()))
        .bind(k.expires_at.map(ms))
        .execute(&self.pool)
        .await;
        match r {
            Ok(_) => self.api_key(&k.prefix).await,
            Err(e) if is_unique_violation(&e) => Err(StoreError::AlreadyExists {
                what: "API key prefix",
                key: k.prefix.clone(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// An API key by prefix (revoked and expired ones included: check [`ApiKey::valid_at`]).
    pub async fn api_key(&self, prefix: &str) -> Result<ApiKey> {
        let row = sqlx::query("SELECT * FROM api_keys WHERE prefix = $1")
            .bind(prefix)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| not_found("API key", prefix))?;
        key_of(&row)
    }

    /// Notes that a key was used.
    pub async fn touch_api_key(&self, prefix: &str, now: OffsetDateTime) -> Result<()> {
        let r = sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE prefix = $2")
            .bind(ms(now))
            .bind(prefix)
            .execute(&self.pool)
            .await?;
        if r.rows_affected() == 0 {
            return Err(not_found("API key", prefix));
        }
        Ok(())
    }

    /// Revokes a key (the first revocation time stands).
    pub async fn revoke_api_key(&self, prefix: &str, now: OffsetDateTime) -> Result<ApiKey> {
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE prefix = $2 AND revoked_at IS NULL")
            .bind(ms(now))
            .bind(prefix)
            .execute(&self.pool)
            .await?;
        self.api_key(prefix).await
    }
}
