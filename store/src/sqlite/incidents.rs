//! The alert stage's tables as the pages use them: incidents (written by the detector; the
//! pages only acknowledge), maintenance windows, per-check thresholds and read markers.

use super::{Result, StoreError};
use crate::rows::{CheckStanding, IncidentRow, MuteRow, SentRow};
use model::domain::alerts::MuteInput;
use sqlx::SqlitePool;

const COLUMNS: &str = "id, rule, severity, subject_kind, subject_id, subject_name, check_id,
    opened_at, resolved_at, title, before, after, evidence, folded_into, muted,
    acknowledged_at, acknowledged_by";

/// Open incidents first (newest first), then resolved ones (newest first).
pub async fn list(pool: &SqlitePool, limit: i64) -> Result<Vec<IncidentRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM incidents
          ORDER BY resolved_at IS NOT NULL, COALESCE(resolved_at, opened_at) DESC, id DESC LIMIT ?"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Open incidents that are not folded into another, critical first, newest first.
pub async fn open(pool: &SqlitePool, limit: i64) -> Result<Vec<IncidentRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM incidents WHERE resolved_at IS NULL AND folded_into IS NULL
          ORDER BY severity = 'critical' DESC, opened_at DESC, id DESC LIMIT ?"
    ))
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<IncidentRow> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM incidents WHERE id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn folded_into(pool: &SqlitePool, id: i64) -> Result<Vec<IncidentRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM incidents WHERE folded_into = ? ORDER BY id"
    ))
    .bind(id)
    .fetch_all(pool)
    .await?)
}

/// The outbox messages of one incident.
pub async fn sent(pool: &SqlitePool, id: i64) -> Result<Vec<SentRow>> {
    Ok(
        sqlx::query_as(
            "SELECT kind, at FROM alert_notifications WHERE incident_id = ? ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await?,
    )
}

/// Marks an open incident acknowledged by `by` (the first acknowledgement stands).
pub async fn acknowledge(pool: &SqlitePool, id: i64, by: &str, at: i64) -> Result<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM incidents WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    found.ok_or(StoreError::NotFound)?;
    sqlx::query(
        "UPDATE incidents SET acknowledged_at = ?, acknowledged_by = ?
          WHERE id = ? AND acknowledged_at IS NULL",
    )
    .bind(at)
    .bind(by)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Incidents (not folded into another) newer than the last one `user` saw.
pub async fn unread(pool: &SqlitePool, user: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM incidents WHERE folded_into IS NULL AND id >
           COALESCE((SELECT seen_incident_id FROM alert_reads WHERE user_id = ?), 0)",
    )
    .bind(user)
    .fetch_one(pool)
    .await?)
}

pub async fn mark_seen(pool: &SqlitePool, user: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO alert_reads (user_id, seen_incident_id)
         VALUES (?, (SELECT COALESCE(MAX(id), 0) FROM incidents))
         ON CONFLICT (user_id) DO UPDATE SET seen_incident_id = excluded.seen_incident_id",
    )
    .bind(user)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn active_mutes(pool: &SqlitePool, now: i64) -> Result<Vec<MuteRow>> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.subject_kind, m.subject_id,
                CASE m.subject_kind WHEN 'host' THEN h.name ELSE s.name END AS subject_name,
                m.until, m.note, m.created_by
           FROM alert_mutes m
           LEFT JOIN hosts h ON m.subject_kind = 'host' AND h.id = m.subject_id
           LEFT JOIN services s ON m.subject_kind = 'service' AND s.id = m.subject_id
          WHERE m.until > ? ORDER BY m.until",
    )
    .bind(now)
    .fetch_all(pool)
    .await?)
}

/// Hosts and services, as mute form choices: (`host:3`, `Host nas`).
pub async fn mutable_subjects(pool: &SqlitePool) -> Result<Vec<(String, String)>> {
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT 'host', id, name FROM hosts
         UNION ALL SELECT 'service', id, name FROM services
         ORDER BY 1, 3 COLLATE NOCASE",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, id, name)| {
            let label = if kind == "host" { "Host" } else { "Service" };
            (format!("{kind}:{id}"), format!("{label} {name}"))
        })
        .collect())
}

pub async fn create_mute(pool: &SqlitePool, input: &MuteInput, by: &str, now: i64) -> Result<i64> {
    let table = if input.subject_kind == "host" {
        "hosts"
    } else {
        "services"
    };
    let exists: Option<i64> = sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE id = ?"))
        .bind(input.subject_id)
        .fetch_optional(pool)
        .await?;
    if exists.is_none() {
        return Err(StoreError::Conflict {
            field: "subject",
            message: "it no longer exists".into(),
        });
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO alert_mutes (subject_kind, subject_id, until, note, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&input.subject_kind)
    .bind(input.subject_id)
    .bind(input.until)
    .bind(&input.note)
    .bind(by)
    .bind(now)
    .fetch_one(pool)
    .await?)
}

pub async fn delete_mute(pool: &SqlitePool, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM alert_mutes WHERE id = ?")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// A check's (fail after, recover after), when it has its own.
pub async fn thresholds(pool: &SqlitePool, check_id: i64) -> Result<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT fail_after, recover_after FROM check_alert_thresholds WHERE check_id = ?",
    )
    .bind(check_id)
    .fetch_optional(pool)
    .await?)
}

pub async fn set_thresholds(
    pool: &SqlitePool,
    check_id: i64,
    fail: i64,
    recover: i64,
) -> Result<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM checks WHERE id = ?")
        .bind(check_id)
        .fetch_optional(pool)
        .await?;
    found.ok_or(StoreError::NotFound)?;
    sqlx::query(
        "INSERT INTO check_alert_thresholds (check_id, fail_after, recover_after) VALUES (?, ?, ?)
         ON CONFLICT (check_id) DO UPDATE SET fail_after = excluded.fail_after,
             recover_after = excluded.recover_after",
    )
    .bind(check_id)
    .bind(fail)
    .bind(recover)
    .execute(pool)
    .await?;
    Ok(())
}

/// The enabled checks whose newest IPv6 result failed, with what the alerts make of them;
/// of one subject (`host`, `container`, `service` and its id), or of all.
pub async fn failing_checks(
    pool: &SqlitePool,
    subject: Option<(&str, i64)>,
    now: i64,
) -> Result<Vec<CheckStanding>> {
    let (kind, id) = subject.map_or((None, 0), |(k, i)| (Some(k), i));
    let mut rows: Vec<CheckStanding> = sqlx::query_as(
        "WITH failing AS (
             SELECT c.id, c.subject_kind, c.subject_id, c.spec,
                    (SELECT MAX(r.at) FROM results r
                      WHERE r.check_id = c.id AND r.family = 'v6' AND r.ok = 1) AS last_ok_at
               FROM checks c
               JOIN latest_results l ON l.check_id = c.id AND l.family = 'v6' AND l.ok = 0
              WHERE c.enabled = 1 AND (?1 IS NULL OR (c.subject_kind = ?1 AND c.subject_id = ?2)))
         SELECT f.id AS check_id, f.subject_kind, f.subject_id,
                COALESCE(CASE f.subject_kind WHEN 'host' THEN h.name
                                             WHEN 'container' THEN ct.name
                                             ELSE s.name END, '') AS subject_name,
                f.spec,
                (SELECT MIN(r.at) FROM results r
                  WHERE r.check_id = f.id AND r.family = 'v6') AS first_result_at,
                (SELECT MIN(r.at) FROM results r
                  WHERE r.check_id = f.id AND r.family = 'v6'
                    AND r.at > COALESCE(f.last_ok_at, -1)) AS failing_since,
                (SELECT COUNT(*) FROM results r
                  WHERE r.check_id = f.id AND r.family = 'v6'
                    AND r.at > COALESCE(f.last_ok_at, -1)) AS fails_in_row,
                (f.last_ok_at IS NOT NULL OR EXISTS (
                    SELECT 1 FROM result_rollups u
                     WHERE u.check_id = f.id AND u.family = 'v6' AND u.ok_count > 0)) AS ever_passed,
                COALESCE(t.fail_after, 2) AS fail_after,
                i.id AS incident_id, i.rule AS incident_rule,
                (SELECT MAX(m.until) FROM alert_mutes m
                  WHERE m.until > ?3 AND m.subject_kind = f.subject_kind
                    AND m.subject_id = f.subject_id) AS muted_until
           FROM failing f
           LEFT JOIN hosts h ON f.subject_kind = 'host' AND h.id = f.subject_id
           LEFT JOIN containers ct ON f.subject_kind = 'container' AND ct.id = f.subject_id
           LEFT JOIN services s ON f.subject_kind = 'service' AND s.id = f.subject_id
           LEFT JOIN check_alert_thresholds t ON t.check_id = f.id
           LEFT JOIN incidents i ON i.id = (
                SELECT o.id FROM incidents o
                 WHERE o.resolved_at IS NULL
                   AND (o.check_id = f.id
                        OR (o.rule = 'never_worked' AND o.subject_kind = f.subject_kind
                            AND o.subject_id = f.subject_id))
                 ORDER BY o.id DESC LIMIT 1)
          ORDER BY subject_name COLLATE NOCASE, f.id",
    )
    .bind(kind)
    .bind(id)
    .bind(now)
    .fetch_all(pool)
    .await?;
    for row in &mut rows {
        row.target = super::checks::target_text(&row.target);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {

    /// Incidents are rebuilt to take the `never_worked` rule: on a database from before,
    /// every incident survives with its fold, and the self-reference still holds.
    #[tokio::test]
    async fn the_never_worked_migration_keeps_incidents_and_their_folds() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::sqlite::migrated_before(&dir.path().join("old.db"), 14).await;
        for sql in [
            "INSERT INTO incidents (id, rule, subject_kind, subject_id, subject_name, opened_at, title)
                 VALUES (1, 'down', 'host', 1, 'nas', 1000, 'nas down')",
            "INSERT INTO incidents (id, rule, subject_kind, subject_id, subject_name, opened_at, title, folded_into, acknowledged_by)
                 VALUES (2, 'down', 'service', 3, 'wiki', 1000, 'wiki down', 1, 'admin')",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        let refused = sqlx::query(
            "INSERT INTO incidents (rule, subject_kind, subject_id, subject_name, opened_at, title)
                 VALUES ('never_worked', 'host', 1, 'nas', 2000, 'x')",
        )
        .execute(&pool)
        .await;
        assert!(refused.is_err(), "the old table refuses the new rule");
        sqlx::migrate!("../migrations").run(&pool).await.unwrap();
        let kept: Vec<(i64, Option<i64>, Option<String>)> =
            sqlx::query_as("SELECT id, folded_into, acknowledged_by FROM incidents ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(kept, [(1, None, None), (2, Some(1), Some("admin".into()))]);
        sqlx::query(
            "INSERT INTO incidents (rule, subject_kind, subject_id, subject_name, opened_at, title)
                 VALUES ('never_worked', 'host', 1, 'nas', 2000, 'nas: never worked over IPv6')",
        )
        .execute(&pool)
        .await
        .unwrap();
        let broken: Vec<(String,)> =
            sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert!(broken.is_empty(), "{broken:?}");
        let dangling = sqlx::query("UPDATE incidents SET folded_into = 99 WHERE id = 2")
            .execute(&pool)
            .await;
        assert!(dangling.is_err(), "folded_into still refers to incidents");
    }
}
