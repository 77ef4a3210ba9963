//! The api_tokens table: who may use `/api/v1/`. Only a hash of each token is stored; a token
//! is found by its hash and stops working the moment it is revoked.

use super::{Result, StoreError};
use crate::rows::ApiToken;
use sqlx::SqlitePool;

/// A token presented to the API, once recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bearer {
    pub id: i64,
    /// `read` or `write`.
    pub scope: String,
}

pub struct NewToken<'a> {
    pub name: &'a str,
    pub token_hash: &'a str,
    pub scope: &'a str,
    pub created_by: &'a str,
    /// Unix ms.
    pub created_at: i64,
}

pub async fn create(pool: &SqlitePool, token: &NewToken<'_>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO api_tokens (name, token_hash, scope, created_by, created_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(token.name)
    .bind(token.token_hash)
    .bind(token.scope)
    .bind(token.created_by)
    .bind(token.created_at)
    .fetch_one(pool)
    .await?)
}

/// Tokens that still work, newest first.
pub async fn active(pool: &SqlitePool) -> Result<Vec<ApiToken>> {
    Ok(sqlx::query_as(
        "SELECT id, name, scope, created_at, created_by, last_used_at FROM api_tokens
          WHERE revoked_at IS NULL ORDER BY id DESC",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<ApiToken> {
    sqlx::query_as(
        "SELECT id, name, scope, created_at, created_by, last_used_at FROM api_tokens
          WHERE id = ? AND revoked_at IS NULL",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn revoke(pool: &SqlitePool, id: i64, now: i64) -> Result<()> {
    let done =
        sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(pool)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The unrevoked token with this hash, recording that it was used now.
pub async fn authenticate(pool: &SqlitePool, token_hash: &str, now: i64) -> Result<Option<Bearer>> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ? AND revoked_at IS NULL
         RETURNING id, scope",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, scope)| Bearer { id, scope }))
}
