//! Live sync on the store's side: a round's plan applied in one transaction with its changes
//! marked by their source (`sync docker`), and with the round's outbox message when it has
//! one; and each runtime's last round, for the Import page.

use super::Result;
use super::import::{Applied, apply_in};
use crate::rows::SyncRun;
use model::import::plan::Plan;
use sqlx::SqlitePool;

/// The outbox message of a round in which containers appeared or gained an address:
/// kind `inventory`, severity `info`, about the host they run on.
#[derive(Clone, Debug)]
pub struct SyncNotice {
    pub host: String,
    pub at: i64,
    pub title: String,
    pub body: String,
    /// A JSON object.
    pub details: String,
}

/// Applies `plan` in one transaction; every change it records carries `source`, and
/// `notice` (if any) is queued for the channels in the same transaction.
pub async fn apply(
    pool: &SqlitePool,
    plan: &Plan,
    source: &str,
    notice: Option<&SyncNotice>,
) -> Result<Applied> {
    let mut tx = super::write_tx(pool).await?;
    let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM changes")
        .fetch_one(&mut *tx)
        .await?;
    let applied = apply_in(&mut tx, plan).await?;
    sqlx::query("UPDATE changes SET source = ? WHERE id > ?")
        .bind(source)
        .bind(last)
        .execute(&mut *tx)
        .await?;
    if let Some(n) = notice {
        let host_id: i64 = sqlx::query_scalar("SELECT id FROM hosts WHERE name = ?")
            .bind(&n.host)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO alert_notifications (incident_id, at, kind, severity, subject_kind,
                subject_id, title, body, path, details)
             VALUES (NULL, ?, 'inventory', 'info', 'host', ?, ?, ?, ?, ?)",
        )
        .bind(n.at)
        .bind(host_id)
        .bind(&n.title)
        .bind(&n.body)
        .bind(format!("/hosts/{host_id}"))
        .bind(&n.details)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(applied)
}

/// Keeps `run` as its runtime's last round.
pub async fn record_run(pool: &SqlitePool, run: &SyncRun) -> Result<()> {
    sqlx::query(
        "INSERT INTO sync_runs (runtime, socket, host, at, ok, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (runtime) DO UPDATE SET socket = ?2, host = ?3, at = ?4, ok = ?5, message = ?6",
    )
    .bind(&run.runtime)
    .bind(&run.socket)
    .bind(&run.host)
    .bind(run.at)
    .bind(run.ok)
    .bind(&run.message)
    .execute(pool)
    .await?;
    Ok(())
}

/// Each runtime's last round, by runtime.
pub async fn runs(pool: &SqlitePool) -> Result<Vec<SyncRun>> {
    Ok(sqlx::query_as(
        "SELECT runtime, socket, host, at, ok, message FROM sync_runs ORDER BY runtime",
    )
    .fetch_all(pool)
    .await?)
}
