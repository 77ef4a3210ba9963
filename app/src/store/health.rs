//! The newest IPv6 and IPv4 result of every enabled check with its subject's name, and the
//! readiness share at a past moment: what the overview ranks and counts.

use super::Result;
use crate::queries::overview::CheckState;
use sqlx::SqlitePool;

/// Every enabled check with its newest result per family (checks never run have none).
pub async fn check_states(pool: &SqlitePool) -> Result<Vec<CheckState>> {
    Ok(sqlx::query_as(
        "SELECT x.check_id, x.kind, x.subject_kind, x.subject_id, x.subject_name,
                r6.ok AS v6_ok, r6.reason AS v6_reason, r6.at AS v6_at, r4.ok AS v4_ok
           FROM (SELECT c.id AS check_id, c.kind, c.subject_kind, c.subject_id,
                        COALESCE(h.name, ct.name, s.name, '') AS subject_name,
                        (SELECT r.id FROM results r WHERE r.check_id = c.id AND r.family = 'v6'
                          ORDER BY r.at DESC, r.id DESC LIMIT 1) AS v6_id,
                        (SELECT r.id FROM results r WHERE r.check_id = c.id AND r.family = 'v4'
                          ORDER BY r.at DESC, r.id DESC LIMIT 1) AS v4_id
                   FROM checks c
                   LEFT JOIN hosts h ON c.subject_kind = 'host' AND h.id = c.subject_id
                   LEFT JOIN containers ct ON c.subject_kind = 'container' AND ct.id = c.subject_id
                   LEFT JOIN services s ON c.subject_kind = 'service' AND s.id = c.subject_id
                  WHERE c.enabled = 1) x
           LEFT JOIN results r6 ON r6.id = x.v6_id
           LEFT JOIN results r4 ON r4.id = x.v4_id
          ORDER BY x.check_id",
    )
    .fetch_all(pool)
    .await?)
}

/// (ready, judged) over the services' newest verdicts at or before `at` (Unix ms).
pub async fn readiness_at(pool: &SqlitePool, at: i64) -> Result<(i64, i64)> {
    let (ready, judged): (Option<i64>, i64) = sqlx::query_as(
        "SELECT SUM(e.verdict_after = 'ready'), COUNT(*) FROM verdict_events e
          WHERE e.id = (SELECT e2.id FROM verdict_events e2
                         WHERE e2.service_id = e.service_id AND e2.at <= ?1
                         ORDER BY e2.at DESC, e2.id DESC LIMIT 1)",
    )
    .bind(at)
    .fetch_one(pool)
    .await?;
    Ok((ready.unwrap_or(0), judged))
}
