//! How long the logs are kept. Results and their rollups have their own retention
//! (`results`); this prunes the rest so a database stops growing: the verdict history,
//! incidents, the outbox and its deliveries, and the inventory's change log.

use super::Result;
use sqlx::SqlitePool;

const DAY_MS: i64 = 24 * 3600 * 1000;
/// Verdict events and resolved incidents: as long as the hourly rollups, so the long
/// charts keep their verdict timeline and incidents.
pub const HISTORY_RETENTION_MS: i64 = 400 * DAY_MS;
/// Verdict events older than this keep their verdicts and changes but drop the full
/// report from before the change (the large part; the report after stays for drill-down).
pub const REPORT_RETENTION_MS: i64 = 30 * DAY_MS;
/// Sent outbox messages and finished deliveries.
pub const OUTBOX_RETENTION_MS: i64 = 90 * DAY_MS;
/// The inventory's change log.
pub const CHANGES_RETENTION_DAYS: i64 = 400;

/// Rows removed (or compacted) by one [`prune`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub verdict_events: u64,
    pub verdict_reports_compacted: u64,
    pub incidents: u64,
    pub notifications: u64,
    pub deliveries: u64,
    pub changes: u64,
}

/// Prunes every log past its retention at `now_ms`, in one transaction.
pub async fn prune(pool: &SqlitePool, now_ms: i64) -> Result<Pruned> {
    let history_cutoff = now_ms - HISTORY_RETENTION_MS;
    let outbox_cutoff = now_ms - OUTBOX_RETENTION_MS;
    let mut tx = super::write_tx(pool).await?;

    // The newest event of a service before the cutoff stays: it says which verdict was in
    // force when the kept history starts.
    let verdict_events = sqlx::query(
        "DELETE FROM verdict_events WHERE at < ?1 AND id NOT IN (
             SELECT MAX(id) FROM verdict_events WHERE at < ?1 GROUP BY service_id)",
    )
    .bind(history_cutoff)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let verdict_reports_compacted = sqlx::query(
        "UPDATE verdict_events SET report_before = NULL
          WHERE at < ? AND report_before IS NOT NULL",
    )
    .bind(now_ms - REPORT_RETENTION_MS)
    .execute(&mut *tx)
    .await?
    .rows_affected();

    // Only resolved incidents go; one folded into a doomed one is let go with it or, if it
    // is still kept, unfolded first (the foreign key).
    const DOOMED: &str =
        "SELECT id FROM incidents WHERE resolved_at IS NOT NULL AND resolved_at < ?1";
    sqlx::query(&format!(
        "UPDATE incidents SET folded_into = NULL WHERE folded_into IN ({DOOMED})"
    ))
    .bind(history_cutoff)
    .execute(&mut *tx)
    .await?;
    let incidents = sqlx::query(&format!("DELETE FROM incidents WHERE id IN ({DOOMED})"))
        .bind(history_cutoff)
        .execute(&mut *tx)
        .await?
        .rows_affected();

    let deliveries =
        sqlx::query("DELETE FROM deliveries WHERE status IN ('sent', 'failed') AND updated_at < ?")
            .bind(outbox_cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    // A message still being delivered stays, however old.
    let notifications = sqlx::query(
        "DELETE FROM alert_notifications WHERE at < ?
            AND id NOT IN (SELECT notification_id FROM deliveries WHERE status = 'pending')",
    )
    .bind(outbox_cutoff)
    .execute(&mut *tx)
    .await?
    .rows_affected();

    let changes = sqlx::query(
        "DELETE FROM changes WHERE at < strftime('%Y-%m-%dT%H:%M:%SZ', ?1 / 1000, 'unixepoch', ?2)",
    )
    .bind(now_ms)
    .bind(format!("-{CHANGES_RETENTION_DAYS} days"))
    .execute(&mut *tx)
    .await?
    .rows_affected();

    tx.commit().await?;
    Ok(Pruned {
        verdict_events,
        verdict_reports_compacted,
        incidents,
        notifications,
        deliveries,
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pool;

    const NOW: i64 = 1_000 * DAY_MS;
    const OLD: i64 = NOW - HISTORY_RETENTION_MS - DAY_MS;
    const OLD_OUTBOX: i64 = NOW - OUTBOX_RETENTION_MS - DAY_MS;
    const RECENT: i64 = NOW - DAY_MS;

    async fn exec(pool: &SqlitePool, sql: &str) {
        sqlx::query(sql).execute(pool).await.unwrap();
    }

    async fn ids(pool: &SqlitePool, sql: &str) -> Vec<i64> {
        sqlx::query_scalar(sql).fetch_all(pool).await.unwrap()
    }

    #[tokio::test]
    async fn old_logs_go_and_what_history_still_needs_stays() {
        let (pool, _dir) = test_pool().await;
        exec(&pool, "INSERT INTO hosts (id, name) VALUES (1, 'nas')").await;
        exec(&pool, "INSERT INTO services (id, name, kind, target, host_id) VALUES (1, 'web', 'http', 'http://nas.test/', 1)").await;
        // Three old events (the newest of them says what was in force), one recent.
        for (id, at) in [(1, OLD - 2), (2, OLD - 1), (3, OLD), (4, RECENT)] {
            sqlx::query("INSERT INTO verdict_events (id, service_id, at, verdict_after, report_before, report_after) VALUES (?, 1, ?, 'ready', '{}', '{}')")
                .bind(id).bind(at).execute(&pool).await.unwrap();
        }
        // Incident 2 folds into 1; both resolved long ago. 3 resolved recently, 4 still open.
        for (id, resolved, folded) in [
            (1, Some(OLD), None),
            (2, Some(OLD), Some(1)),
            (3, Some(RECENT), None),
            (4, None, None),
        ] {
            sqlx::query("INSERT INTO incidents (id, rule, subject_kind, subject_id, subject_name, opened_at, resolved_at, title, folded_into) VALUES (?, 'down', 'host', 1, 'nas', ?, ?, 't', ?)")
                .bind(id).bind(OLD - 10).bind(resolved).bind(folded).execute(&pool).await.unwrap();
        }
        exec(&pool, "INSERT INTO channels (id, name, kind, url) VALUES (1, 'hook', 'webhook', 'http://[::1]:9/')").await;
        // Messages: 1 old and sent, 2 old and still pending, 3 recent.
        for (id, at, status) in [
            (1, OLD_OUTBOX, "sent"),
            (2, OLD_OUTBOX, "pending"),
            (3, RECENT, "sent"),
        ] {
            sqlx::query("INSERT INTO alert_notifications (id, incident_id, at, kind, subject_kind, subject_id, title, body, path) VALUES (?, 1, ?, 'opened', 'host', 1, 't', 'b', '/alerts/1')")
                .bind(id).bind(at).execute(&pool).await.unwrap();
            sqlx::query("INSERT INTO deliveries (notification_id, channel_id, status, next_attempt_at, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?)")
                .bind(id).bind(status).bind(at).bind(at).bind(at).execute(&pool).await.unwrap();
        }
        exec(&pool, "DELETE FROM changes").await;
        sqlx::query("INSERT INTO changes (id, at, entity, entity_id, action, summary) VALUES (1, strftime('%Y-%m-%dT%H:%M:%SZ', ? / 1000, 'unixepoch'), 'host', 1, 'created', 'nas'), (2, strftime('%Y-%m-%dT%H:%M:%SZ', ? / 1000, 'unixepoch'), 'host', 1, 'updated', 'nas')")
            .bind(OLD).bind(RECENT).execute(&pool).await.unwrap();

        let pruned = prune(&pool, NOW).await.unwrap();

        assert_eq!(
            ids(&pool, "SELECT id FROM verdict_events ORDER BY id").await,
            [3, 4]
        );
        assert_eq!(
            ids(
                &pool,
                "SELECT id FROM verdict_events WHERE report_before IS NULL ORDER BY id"
            )
            .await,
            [3],
            "old reports are compacted, recent ones kept"
        );
        assert_eq!(
            ids(&pool, "SELECT id FROM incidents ORDER BY id").await,
            [3, 4]
        );
        assert_eq!(
            ids(&pool, "SELECT id FROM alert_notifications ORDER BY id").await,
            [2, 3]
        );
        assert_eq!(
            ids(
                &pool,
                "SELECT notification_id FROM deliveries ORDER BY notification_id"
            )
            .await,
            [2, 3]
        );
        assert_eq!(ids(&pool, "SELECT id FROM changes").await, [2]);
        assert_eq!(
            pruned,
            Pruned {
                verdict_events: 2,
                verdict_reports_compacted: 1,
                incidents: 2,
                notifications: 1,
                deliveries: 1,
                changes: 1,
            }
        );
        assert_eq!(
            prune(&pool, NOW).await.unwrap(),
            Pruned::default(),
            "a second run finds nothing"
        );
    }
}
