//! The change log behind "recent changes" on the overview.

use super::Result;
use model::inventory::InventoryChange;
use sqlx::{SqliteConnection, SqlitePool};

pub async fn record(
    conn: &mut SqliteConnection,
    entity: &str,
    entity_id: i64,
    action: &str,
    summary: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO changes (entity, entity_id, action, summary) VALUES (?, ?, ?, ?)")
        .bind(entity)
        .bind(entity_id)
        .bind(action)
        .bind(summary)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn recent(pool: &SqlitePool, limit: i64) -> Result<Vec<InventoryChange>> {
    Ok(sqlx::query_as(
        "SELECT at, entity, entity_id, action, summary, source FROM changes ORDER BY id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
