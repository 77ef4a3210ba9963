//! Accounts. v6watch has one admin account, created on first start.

use super::Result;
use sqlx::SqlitePool;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
}

pub async fn count(pool: &SqlitePool) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await?)
}

/// Creates the first account; returns None when one already exists (setup is a one-time step).
pub async fn create_first(
    pool: &SqlitePool,
    username: &str,
    password_hash: &str,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (username, password_hash)
         SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING id",
    )
    .bind(username)
    .bind(password_hash)
    .fetch_optional(pool)
    .await?)
}

pub async fn by_name(pool: &SqlitePool, username: &str) -> Result<Option<User>> {
    Ok(
        sqlx::query_as("SELECT id, username, password_hash FROM users WHERE username = ?")
            .bind(username)
            .fetch_optional(pool)
            .await?,
    )
}
