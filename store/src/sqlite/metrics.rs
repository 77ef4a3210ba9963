//! What `/metrics` reads: every check with its newest result per family, and the verdicts.

use super::Result;
use sqlx::SqlitePool;

/// One check and its newest result in one address family.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CheckSample {
    pub check_id: i64,
    pub kind: String,
    pub spec: String,
    pub subject_kind: String,
    pub subject_id: i64,
    /// The host's, container's or service's name.
    pub subject: String,
    pub enabled: bool,
    /// `v6` or `v4`.
    pub family: String,
    pub ok: bool,
    pub reason: String,
    pub latency_ms: Option<f64>,
    /// Unix time in milliseconds.
    pub at: i64,
}

/// Every check with a result, once per family it has results in. Each newest row is found
/// through the (check_id, at) index, so the cost grows with checks, not with stored results.
pub async fn check_samples(pool: &SqlitePool) -> Result<Vec<CheckSample>> {
    Ok(sqlx::query_as(
        "SELECT c.id AS check_id, c.kind, c.spec, c.subject_kind, c.subject_id,
                COALESCE(CASE c.subject_kind
                    WHEN 'host' THEN (SELECT name FROM hosts WHERE id = c.subject_id)
                    WHEN 'container' THEN (SELECT name FROM containers WHERE id = c.subject_id)
                    WHEN 'tunnel' THEN (SELECT name FROM tunnels WHERE id = c.subject_id)
                    ELSE (SELECT name FROM services WHERE id = c.subject_id) END, '') AS subject,
                c.enabled, f.family, r.ok, r.reason, r.latency_ms, r.at
         FROM checks c
         CROSS JOIN (SELECT 'v6' AS family UNION ALL SELECT 'v4') f
         JOIN results r ON r.id = (
             SELECT id FROM results WHERE check_id = c.id AND family = f.family
             ORDER BY at DESC, id DESC LIMIT 1)
         ORDER BY c.id, f.family DESC",
    )
    .fetch_all(pool)
    .await?)
}

/// A service's latest IPv6-only verdict.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct VerdictSample {
    pub service_id: i64,
    pub service: String,
    /// `ready`, `partial` or `broken`.
    pub verdict: String,
    pub reason: Option<String>,
}

pub async fn verdict_samples(pool: &SqlitePool) -> Result<Vec<VerdictSample>> {
    Ok(sqlx::query_as(
        "SELECT v.service_id, s.name AS service, v.verdict, v.reason
         FROM service_verdicts v JOIN services s ON s.id = v.service_id
         ORDER BY v.service_id",
    )
    .fetch_all(pool)
    .await?)
}
