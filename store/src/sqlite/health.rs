//! The newest IPv6 and IPv4 result of every enabled check with its subject's name, and the
//! readiness share at a past moment: what the overview ranks and counts.

use super::{Result, StoreError};
use crate::rows::CheckState;
use sqlx::SqlitePool;

/// Every enabled check with its newest result per family (checks never run have none), by
/// check id.
pub async fn check_states(pool: &SqlitePool) -> Result<Vec<CheckState>> {
    // `latest_results` holds each check's newest result per family (kept by triggers). The
    // states come back as one JSON array in one row: with a thousand checks, handing rows one
    // at a time from SQLite's thread to the async side cost more than the query itself.
    let json: String = sqlx::query_scalar(
        "SELECT json_group_array(json_object(
                    'check_id', c.id, 'kind', c.kind, 'subject_kind', c.subject_kind,
                    'subject_id', c.subject_id,
                    'subject_name', COALESCE(h.name, ct.name, s.name, t.name, ''),
                    'v6_ok', json(CASE WHEN l6.ok IS NULL THEN NULL WHEN l6.ok THEN 'true' ELSE 'false' END),
                    'v6_reason', l6.reason, 'v6_at', l6.at, 'v6_latency_ms', r6.latency_ms,
                    'v4_ok', json(CASE WHEN l4.ok IS NULL THEN NULL WHEN l4.ok THEN 'true' ELSE 'false' END),
                    'target', COALESCE(CASE c.kind
                        WHEN 'icmp' THEN json_extract(c.spec, '$.address')
                        WHEN 'pmtu' THEN json_extract(c.spec, '$.address') || ' path MTU'
                        WHEN 'dns' THEN json_extract(c.spec, '$.name')
                        WHEN 'tcp' THEN json_extract(c.spec, '$.host') || ' port ' || json_extract(c.spec, '$.port')
                        WHEN 'http' THEN json_extract(c.spec, '$.url') END, '')))
           FROM checks c
           LEFT JOIN hosts h ON c.subject_kind = 'host' AND h.id = c.subject_id
           LEFT JOIN containers ct ON c.subject_kind = 'container' AND ct.id = c.subject_id
           LEFT JOIN services s ON c.subject_kind = 'service' AND s.id = c.subject_id
           LEFT JOIN tunnels t ON c.subject_kind = 'tunnel' AND t.id = c.subject_id
           LEFT JOIN latest_results l6 ON l6.check_id = c.id AND l6.family = 'v6'
           LEFT JOIN results r6 ON r6.id = l6.result_id
           LEFT JOIN latest_results l4 ON l4.check_id = c.id AND l4.family = 'v4'
          WHERE c.enabled = 1",
    )
    .fetch_one(pool)
    .await?;
    let mut states: Vec<CheckState> = serde_json::from_str(&json).map_err(|e| {
        StoreError::Database(sqlx::Error::ColumnDecode {
            index: "check states".into(),
            source: Box::new(e),
        })
    })?;
    // An aggregate's order is not guaranteed.
    states.sort_by_key(|s| s.check_id);
    Ok(states)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks;
    use crate::results::insert_batch;
    use crate::results::tests::{check, result};
    use crate::test_pool;

    /// (v6_ok, v6_reason, v6_at, v4_ok) of `check_id`'s state.
    async fn state(
        pool: &SqlitePool,
        check_id: i64,
    ) -> (Option<bool>, Option<String>, Option<i64>, Option<bool>) {
        let states = check_states(pool).await.unwrap();
        let s = states.iter().find(|s| s.check_id == check_id).unwrap();
        (s.v6_ok, s.v6_reason.clone(), s.v6_at, s.v4_ok)
    }

    #[tokio::test]
    async fn states_follow_the_newest_result_of_each_family_as_results_come_and_go() {
        let (pool, _dir) = test_pool().await;
        let a = check(&pool, 1).await;
        let b = check(&pool, 2).await;
        assert_eq!(state(&pool, a).await, (None, None, None, None));
        // Stored out of order: the newest by time counts, not the last stored.
        let batch = [
            result(a, 100, "v6", true, 1.0),
            result(a, 300, "v6", false, 1.0),
            result(a, 200, "v6", true, 1.0),
            result(a, 250, "v4", true, 1.0),
            result(b, 50, "v6", true, 1.0),
        ];
        insert_batch(&pool, &batch).await.unwrap();
        assert_eq!(
            state(&pool, a).await,
            (Some(false), Some("timeout".into()), Some(300), Some(true))
        );
        // Two results at the same moment: the one stored last is the newest.
        insert_batch(&pool, &[result(a, 300, "v6", true, 1.0)])
            .await
            .unwrap();
        assert_eq!(state(&pool, a).await.0, Some(true));

        // Pruning the newest rows brings back the newest left.
        sqlx::query("DELETE FROM results WHERE check_id = ? AND at = 300")
            .bind(a)
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(
            state(&pool, a).await,
            (Some(true), Some("ok".into()), Some(200), Some(true))
        );
        sqlx::query("DELETE FROM results WHERE check_id = ? AND family = 'v6'")
            .bind(a)
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(state(&pool, a).await, (None, None, None, Some(true)));

        // Disabled checks are left out; another check's state is its own.
        checks::set_enabled(&pool, a, false).await.unwrap();
        let states = check_states(&pool).await.unwrap();
        assert_eq!(states.len(), 1);
        assert_eq!((states[0].check_id, states[0].v6_at), (b, Some(50)));
        // An echo check names the address it pings.
        assert_eq!(states[0].target, "2001:db8::2");
    }
}
