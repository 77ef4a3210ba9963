//! The results and result_rollups tables: what the scheduler's probes found.
//!
//! Raw results are kept [`RAW_RETENTION_MS`]; hourly rollups [`ROLLUP_RETENTION_SECS`].

use super::Result;
use crate::rows::StoredResult;
use crate::rows::{HourRollup, Sample};
use model::Family;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

/// Raw results older than this (7 days) are pruned.
pub const RAW_RETENTION_MS: i64 = 7 * 24 * 3600 * 1000;
/// Rollups older than this (400 days) are pruned.
pub const ROLLUP_RETENTION_SECS: i64 = 400 * 24 * 3600;
/// Rows per INSERT statement (10 parameters each, far below SQLite's limit).
const ROWS_PER_STATEMENT: usize = 200;

/// One result to store: one probe run, one address family.
#[derive(Clone, Debug, PartialEq)]
pub struct NewResult {
    pub check_id: i64,
    /// Unix time in milliseconds.
    pub at: i64,
    /// `v6` or `v4`.
    pub family: &'static str,
    pub address: Option<String>,
    pub reason: String,
    pub ok: bool,
    pub latency_ms: Option<f64>,
    pub lateness_ms: Option<f64>,
    /// Every outcome of this family, as JSON.
    pub detail: String,
}

/// Stores a batch in one transaction. Results of checks deleted meanwhile are dropped.
pub async fn insert_batch(pool: &SqlitePool, batch: &[NewResult]) -> Result<u64> {
    let mut tx = super::write_tx(pool).await?;
    let mut stored = 0;
    for chunk in batch.chunks(ROWS_PER_STATEMENT) {
        // A check deleted while its probe ran has no row to refer to: its results are dropped.
        let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO results (check_id, at, family, address, reason, ok, latency_ms, lateness_ms, detail)
             SELECT * FROM (",
        );
        query.push_values(chunk, |mut row, r| {
            row.push_bind(r.check_id)
                .push_bind(r.at)
                .push_bind(r.family)
                .push_bind(&r.address)
                .push_bind(&r.reason)
                .push_bind(r.ok)
                .push_bind(r.latency_ms)
                .push_bind(r.lateness_ms)
                .push_bind(&r.detail);
        });
        query.push(") AS v WHERE v.column1 IN (SELECT id FROM checks)");
        stored += query.build().execute(&mut *tx).await?.rows_affected();
    }
    tx.commit().await?;
    Ok(stored)
}

const COLUMNS: &str =
    "id, check_id, at, family, address, reason, ok, latency_ms, lateness_ms, detail";

/// Up to `limit` results after id `after`, in id order: how the alert stage follows them.
pub async fn after(pool: &SqlitePool, after: i64, limit: i64) -> Result<Vec<StoredResult>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM results WHERE id > ? ORDER BY id LIMIT ?"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// The newest results of a check, newest first.
pub async fn recent(pool: &SqlitePool, check_id: i64, limit: i64) -> Result<Vec<StoredResult>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM results WHERE check_id = ? ORDER BY at DESC, id DESC LIMIT ?"
    ))
    .bind(check_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// A check's results at or after `since` (Unix ms), newest first, at most `limit`.
pub async fn since(
    pool: &SqlitePool,
    check_id: i64,
    since: i64,
    limit: i64,
) -> Result<Vec<StoredResult>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM results WHERE check_id = ? AND at >= ?
         ORDER BY at DESC, id DESC LIMIT ?"
    ))
    .bind(check_id)
    .bind(since)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// The newest result of a check for one family (`v6` or `v4`).
pub async fn latest(
    pool: &SqlitePool,
    check_id: i64,
    family: &str,
) -> Result<Option<StoredResult>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM results WHERE check_id = ? AND family = ?
         ORDER BY at DESC, id DESC LIMIT 1"
    ))
    .bind(check_id)
    .bind(family)
    .fetch_optional(pool)
    .await?)
}

/// Enabled checks whose newest IPv6 result failed.
pub async fn failing_v6_count(pool: &SqlitePool) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM checks c
           JOIN latest_results l ON l.check_id = c.id AND l.family = 'v6'
          WHERE c.enabled = 1 AND l.ok = 0",
    )
    .fetch_one(pool)
    .await?)
}

/// One hour of one check and family.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Rollup {
    pub check_id: i64,
    pub family: String,
    pub hour: i64,
    pub count: i64,
    pub ok_count: i64,
    pub min_latency_ms: Option<f64>,
    pub avg_latency_ms: Option<f64>,
    pub max_latency_ms: Option<f64>,
}

pub async fn rollups(pool: &SqlitePool, check_id: i64) -> Result<Vec<Rollup>> {
    Ok(sqlx::query_as(
        "SELECT check_id, family, hour, count, ok_count, min_latency_ms, avg_latency_ms, max_latency_ms
           FROM result_rollups WHERE check_id = ? ORDER BY hour, family",
    )
    .bind(check_id)
    .fetch_all(pool)
    .await?)
}

/// At most this many runs are read for one chart: a check probed every 5 s has 34,560 in a
/// day (both families). Beyond it the oldest are left out.
pub const CHART_RUNS_LIMIT: i64 = 100_000;

/// The runs of a check from `from` up to `to` (Unix ms, half-open), newest first: what a chart
/// needs of each, through the `results_check_at` index.
pub async fn runs_between(
    pool: &SqlitePool,
    check_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<Sample>> {
    let rows: Vec<(i64, String, bool, Option<f64>)> = sqlx::query_as(
        "SELECT at, family, ok, latency_ms FROM results
          WHERE check_id = ? AND at >= ? AND at < ? ORDER BY at DESC LIMIT ?",
    )
    .bind(check_id)
    .bind(from)
    .bind(to)
    .bind(CHART_RUNS_LIMIT)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(at, family, ok, latency_ms)| {
            Some(Sample {
                at,
                family: Family::parse(&family)?,
                ok,
                latency_ms,
            })
        })
        .collect())
}

/// The hourly rollups of a check for the hours starting from `from` up to `to` (Unix ms,
/// half-open), through the table's primary key.
pub async fn rollups_between(
    pool: &SqlitePool,
    check_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<HourRollup>> {
    let rows: Vec<Rollup> = sqlx::query_as(
        "SELECT check_id, family, hour, count, ok_count, min_latency_ms, avg_latency_ms, max_latency_ms
           FROM result_rollups
          WHERE check_id = ? AND family IN ('v6', 'v4') AND hour >= ? AND hour < ?",
    )
    .bind(check_id)
    .bind(from.div_euclid(1000))
    .bind(to.div_euclid(1000))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(HourRollup {
                hour_ms: r.hour * 1000,
                family: Family::parse(&r.family)?,
                count: r.count,
                ok_count: r.ok_count,
                min_ms: r.min_latency_ms,
                avg_ms: r.avg_latency_ms,
                max_ms: r.max_latency_ms,
            })
        })
        .collect())
}

/// What the hourly job did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Housekeeping {
    pub rolled_up: u64,
    pub results_pruned: u64,
    pub rollups_pruned: u64,
}

/// Rolls up the last three hours (again: rolling up is idempotent) and prunes raw results
/// older than 7 days and rollups older than 400 days. `now_ms` is Unix time in milliseconds.
pub async fn roll_up_and_prune(pool: &SqlitePool, now_ms: i64) -> Result<Housekeeping> {
    let hour_ms = 3_600_000;
    let from = (now_ms / hour_ms - 3) * hour_ms;
    let mut tx = super::write_tx(pool).await?;
    let rolled_up = sqlx::query(
        "INSERT INTO result_rollups
             (check_id, family, hour, count, ok_count, min_latency_ms, avg_latency_ms, max_latency_ms)
         SELECT check_id, family, (at / 3600000) * 3600, COUNT(*), SUM(ok),
                MIN(latency_ms), AVG(latency_ms), MAX(latency_ms)
           FROM results WHERE at >= ? AND at <= ?
          GROUP BY check_id, family, at / 3600000
         ON CONFLICT (check_id, family, hour) DO UPDATE SET
             count = excluded.count, ok_count = excluded.ok_count,
             min_latency_ms = excluded.min_latency_ms, avg_latency_ms = excluded.avg_latency_ms,
             max_latency_ms = excluded.max_latency_ms",
    )
    .bind(from)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let results_pruned = sqlx::query("DELETE FROM results WHERE at < ?")
        .bind(now_ms - RAW_RETENTION_MS)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let rollups_pruned = sqlx::query("DELETE FROM result_rollups WHERE hour < ?")
        .bind(now_ms / 1000 - ROLLUP_RETENTION_SECS)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    Ok(Housekeeping {
        rolled_up,
        results_pruned,
        rollups_pruned,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::checks;
    use crate::test_pool;
    use probes::ProbeSpec;

    /// A result of `check_id`; `ms` is its latency when it passed.
    pub(crate) fn result(
        check_id: i64,
        at: i64,
        family: &'static str,
        ok: bool,
        ms: f64,
    ) -> NewResult {
        NewResult {
            check_id,
            at,
            family,
            address: Some("2001:db8::1".into()),
            reason: if ok { "ok" } else { "timeout" }.into(),
            ok,
            latency_ms: ok.then_some(ms),
            lateness_ms: Some(1.0),
            detail: "[]".into(),
        }
    }

    /// An echo check of `2001:db8::n`.
    pub(crate) async fn check(pool: &SqlitePool, n: i64) -> i64 {
        let address = format!("2001:db8::{n}").parse().unwrap();
        checks::insert(pool, "host", n, &ProbeSpec::Icmp { address }, 60)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn batches_are_stored_and_read_newest_first() {
        let (pool, _dir) = test_pool().await;
        let a = check(&pool, 1).await;
        let b = check(&pool, 2).await;
        let mut batch: Vec<NewResult> = (0..450)
            .map(|i| result(a, 1_000 + i, "v6", i % 2 == 0, i as f64))
            .collect();
        batch.push(result(b, 5_000, "v6", false, 0.0));
        batch.push(result(a, 5_000, "v4", true, 3.0));
        // Results of a check deleted meanwhile are dropped, not an error.
        batch.push(result(9_999, 5_000, "v6", true, 1.0));
        assert_eq!(insert_batch(&pool, &batch).await.unwrap(), 452);

        let newest = recent(&pool, a, 50).await.unwrap();
        assert_eq!(newest.len(), 50);
        assert_eq!(newest[0].at, 5_000);
        assert_eq!(newest[1].at, 1_449);
        let v6 = latest(&pool, a, "v6").await.unwrap().unwrap();
        assert_eq!((v6.at, v6.ok), (1_449, false));
        let v4 = latest(&pool, a, "v4").await.unwrap().unwrap();
        assert_eq!(v4.latency_ms, Some(3.0));
        assert!(latest(&pool, b, "v4").await.unwrap().is_none());
        // a: newest v6 failed; b: newest v6 failed.
        assert_eq!(failing_v6_count(&pool).await.unwrap(), 2);
        checks::set_enabled(&pool, b, false).await.unwrap();
        assert_eq!(failing_v6_count(&pool).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn rollups_summarise_hours_and_old_rows_are_pruned() {
        let (pool, _dir) = test_pool().await;
        let a = check(&pool, 1).await;
        let hour = 3_600_000;
        let now = 1_000 * hour + 10 * 60_000;
        let batch = vec![
            result(a, now - hour, "v6", true, 2.0),
            result(a, now - hour + 1, "v6", true, 4.0),
            result(a, now - hour + 2, "v6", false, 0.0),
            result(a, now - 1, "v6", true, 10.0),
            result(a, now - RAW_RETENTION_MS - 1, "v6", true, 1.0),
        ];
        insert_batch(&pool, &batch).await.unwrap();
        sqlx::query(
            "INSERT INTO result_rollups (check_id, family, hour, count, ok_count) VALUES (?, 'v6', ?, 1, 1)",
        )
        .bind(a)
        .bind(now / 1000 - ROLLUP_RETENTION_SECS - 3600)
        .execute(&pool)
        .await
        .unwrap();

        let done = roll_up_and_prune(&pool, now).await.unwrap();
        assert_eq!(done.results_pruned, 1);
        assert_eq!(done.rollups_pruned, 1);
        let hours = rollups(&pool, a).await.unwrap();
        assert_eq!(hours.len(), 2);
        let first = &hours[0];
        assert_eq!(first.hour, (now - hour) / hour * 3600);
        assert_eq!((first.count, first.ok_count), (3, 2));
        assert_eq!(first.min_latency_ms, Some(2.0));
        assert_eq!(first.avg_latency_ms, Some(3.0));
        assert_eq!(first.max_latency_ms, Some(4.0));
        // Idempotent: a second run rewrites the same rows.
        roll_up_and_prune(&pool, now).await.unwrap();
        assert_eq!(rollups(&pool, a).await.unwrap(), hours);
    }

    #[tokio::test]
    async fn chart_reads_take_their_span_through_the_indexes() {
        let (pool, _dir) = test_pool().await;
        let a = check(&pool, 1).await;
        let b = check(&pool, 2).await;
        let batch = vec![
            result(a, 999, "v6", true, 1.0),
            result(a, 1_000, "v6", true, 2.0),
            result(a, 1_500, "v4", false, 0.0),
            result(a, 2_000, "v6", true, 3.0),
            result(b, 1_200, "v6", true, 4.0),
        ];
        insert_batch(&pool, &batch).await.unwrap();
        let runs = runs_between(&pool, a, 1_000, 2_000).await.unwrap();
        let seen: Vec<(i64, Family, bool)> = runs.iter().map(|r| (r.at, r.family, r.ok)).collect();
        assert_eq!(
            seen,
            vec![(1_500, Family::V4, false), (1_000, Family::V6, true)]
        );

        for (hour, family) in [(3_600, "v6"), (7_200, "v6"), (7_200, "v4"), (10_800, "v6")] {
            sqlx::query(
                "INSERT INTO result_rollups (check_id, family, hour, count, ok_count, avg_latency_ms)
                 VALUES (?, ?, ?, 60, 59, 5.0)",
            )
            .bind(a)
            .bind(family)
            .bind(hour)
            .execute(&pool)
            .await
            .unwrap();
        }
        let hours = rollups_between(&pool, a, 7_200_000, 10_800_000)
            .await
            .unwrap();
        assert_eq!(hours.len(), 2);
        assert!(
            hours
                .iter()
                .all(|h| h.hour_ms == 7_200_000 && h.count == 60 && h.ok_count == 59)
        );

        // Both reads are bounded by an index on (check, time), never a scan of the table.
        let plan = |sql: &'static str| {
            let pool = pool.clone();
            async move {
                let rows: Vec<(i64, i64, i64, String)> =
                    sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                        .fetch_all(&pool)
                        .await
                        .unwrap();
                rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("; ")
            }
        };
        let raw = plan(
            "SELECT at FROM results WHERE check_id = 1 AND at >= 0 AND at < 9 ORDER BY at DESC",
        )
        .await;
        assert!(
            raw.contains("results_check_at (check_id=? AND at>? AND at<?)"),
            "{raw}"
        );
        let rolled = plan(
            "SELECT hour FROM result_rollups WHERE check_id = 1 AND family IN ('v6', 'v4') AND hour >= 0 AND hour < 9",
        )
        .await;
        assert!(
            rolled.contains("(check_id=? AND family=? AND hour>? AND hour<?)"),
            "{rolled}"
        );
    }
}
