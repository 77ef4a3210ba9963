//! Scheduler stage: the hourly job that rolls results up by hour and prunes what is past
//! its retention (results, rollups, and the logs: verdict events, incidents, the outbox,
//! deliveries, the change log).

use super::unix_ms;
use sqlx::SqlitePool;
use std::time::Duration;
use store::results::{self, Housekeeping};
use store::retention::{self, Pruned};
use tokio_util::sync::CancellationToken;

/// One run: roll up the last hours, prune what is past retention.
pub async fn step(pool: &SqlitePool) -> anyhow::Result<(Housekeeping, Pruned)> {
    let now = unix_ms();
    let results = results::roll_up_and_prune(pool, now).await?;
    let logs = retention::prune(pool, now).await?;
    Ok((results, logs))
}

/// Runs [`step`] every hour (and once at start) until `cancel`.
pub async fn run(pool: SqlitePool, cancel: CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = tick.tick() => {}
        }
        match step(&pool).await {
            Ok((done, logs)) => tracing::info!(
                rolled_up = done.rolled_up,
                results_pruned = done.results_pruned,
                rollups_pruned = done.rollups_pruned,
                verdict_events_pruned = logs.verdict_events,
                verdict_reports_compacted = logs.verdict_reports_compacted,
                incidents_pruned = logs.incidents,
                notifications_pruned = logs.notifications,
                deliveries_pruned = logs.deliveries,
                changes_pruned = logs.changes,
                "hourly rollup and pruning done"
            ),
            Err(err) => tracing::error!(error = %format_args!("{err:#}"), "hourly rollup failed"),
        }
    }
}
