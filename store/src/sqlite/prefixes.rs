//! The prefixes table (the address plan).

use super::{Result, StoreError, changes, unique_to_conflict};
use model::inventory::{Prefix, PrefixInput};
use sqlx::{SqliteConnection, SqlitePool};

const COLUMNS: &str = "id, cidr, purpose, created_at, updated_at";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    cidr: String,
    purpose: String,
    created_at: String,
    updated_at: String,
}

impl From<Row> for Prefix {
    fn from(r: Row) -> Self {
        Prefix {
            id: r.id,
            cidr: r.cidr,
            purpose: r.purpose,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<Prefix>> {
    let rows: Vec<Row> = sqlx::query_as(&format!("SELECT {COLUMNS} FROM prefixes ORDER BY cidr"))
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(Prefix::from).collect())
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Prefix> {
    let row: Row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM prefixes WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.into())
}

fn taken(err: sqlx::Error, input: &PrefixInput) -> StoreError {
    unique_to_conflict(
        err,
        "cidr",
        format!("{} is already in the address plan", input.cidr),
    )
}

pub async fn create(pool: &SqlitePool, input: &PrefixInput) -> Result<i64> {
    let mut tx = super::write_tx(pool).await?;
    let id = create_in(&mut tx, input).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`create`] inside the caller's transaction.
pub async fn create_in(tx: &mut SqliteConnection, input: &PrefixInput) -> Result<i64> {
    let id: i64 =
        sqlx::query_scalar("INSERT INTO prefixes (cidr, purpose) VALUES (?, ?) RETURNING id")
            .bind(input.cidr.to_string())
            .bind(&input.purpose)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| taken(e, input))?;
    changes::record(tx, "prefix", id, "created", &input.cidr.to_string()).await?;
    Ok(id)
}

pub async fn update(pool: &SqlitePool, id: i64, input: &PrefixInput) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    update_in(&mut tx, id, input).await?;
    tx.commit().await?;
    Ok(())
}

/// [`update`] inside the caller's transaction.
pub async fn update_in(tx: &mut SqliteConnection, id: i64, input: &PrefixInput) -> Result<()> {
    let done = sqlx::query(
        "UPDATE prefixes SET cidr = ?, purpose = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
    )
    .bind(input.cidr.to_string())
    .bind(&input.purpose)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(|e| taken(e, input))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    changes::record(tx, "prefix", id, "updated", &input.cidr.to_string()).await?;
    Ok(())
}

pub async fn delete(pool: &SqlitePool, id: i64) -> Result<()> {
    super::delete_row(pool, "prefixes", "cidr", "prefix", id).await
}
