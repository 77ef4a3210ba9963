//! Live sync on the store's side: a round's plan applied in one transaction with its changes
//! marked by their source (`sync docker`), and with the round's outbox message when it has
//! one; and each runtime's last round, for the Import page.

use super::Result;
use super::import::{Applied, apply_in};
use crate::rows::{InventoryNotice, SyncRun};
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

/// The newest messages told without an incident, newest first: sync rounds' inventory
/// news, ports open over IPv6 only, address-plan problems.
pub async fn notices(pool: &SqlitePool, limit: i64) -> Result<Vec<InventoryNotice>> {
    Ok(sqlx::query_as(
        "SELECT at, title, body, path FROM alert_notifications
         WHERE kind = 'inventory' OR (kind = 'opened' AND incident_id IS NULL)
         ORDER BY at DESC, id DESC LIMIT ?",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Each runtime's last round, by runtime.
pub async fn runs(pool: &SqlitePool) -> Result<Vec<SyncRun>> {
    Ok(sqlx::query_as(
        "SELECT runtime, socket, host, at, ok, message FROM sync_runs ORDER BY runtime",
    )
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod tests {

    /// The outbox is rebuilt to take `inventory` messages: on a database from before,
    /// every message, delivery and fan-out marker survives, and the foreign keys still hold.
    #[tokio::test]
    async fn the_live_sync_migration_keeps_the_outbox_and_its_deliveries() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::sqlite::migrated_before(&dir.path().join("old.db"), 12).await;
        for sql in [
            "INSERT INTO channels (id, name, kind, url) VALUES (1, 'hook', 'webhook', 'http://[::1]:9/')",
            "INSERT INTO alert_notifications (id, incident_id, at, kind, subject_kind, subject_id, title, body, path)
                 VALUES (7, 3, 1000, 'opened', 'host', 1, 'down', 'body', '/alerts/3')",
            "INSERT INTO deliveries (id, notification_id, channel_id, status, next_attempt_at, created_at, updated_at)
                 VALUES (5, 7, 1, 'sent', 1000, 1000, 1000)",
            "INSERT INTO notifications_fanned_out (notification_id) VALUES (7)",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        sqlx::migrate!("../migrations").run(&pool).await.unwrap();
        let kept: (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM alert_notifications WHERE id = 7 AND title = 'down'),
                    (SELECT COUNT(*) FROM deliveries WHERE id = 5 AND notification_id = 7),
                    (SELECT COUNT(*) FROM notifications_fanned_out WHERE notification_id = 7)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(kept, (1, 1, 1));
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert!(broken.is_empty(), "{broken:?}");
        sqlx::query(
            "INSERT INTO alert_notifications (at, kind, severity, subject_kind, subject_id, title, body, path)
                 VALUES (2000, 'inventory', 'info', 'host', 1, 'container web-1 appeared', '', '/hosts/1')",
        )
        .execute(&pool)
        .await
        .unwrap();
        // Deleting a message still cascades to its deliveries, as before.
        sqlx::query("DELETE FROM alert_notifications WHERE id = 7")
            .execute(&pool)
            .await
            .unwrap();
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(left, 0);
    }
}
