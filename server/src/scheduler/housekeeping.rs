//! Scheduler stage: the hourly job that rolls results up by hour and prunes old rows.

use super::unix_ms;
use sqlx::SqlitePool;
use std::time::Duration;
use store::results::{self, Housekeeping};
use tokio_util::sync::CancellationToken;

/// One run: roll up the last hours, prune what is past retention.
pub async fn step(pool: &SqlitePool) -> anyhow::Result<Housekeeping> {
    Ok(results::roll_up_and_prune(pool, unix_ms()).await?)
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
            Ok(done) => tracing::info!(
                rolled_up = done.rolled_up,
                results_pruned = done.results_pruned,
                rollups_pruned = done.rollups_pruned,
                "hourly rollup and pruning done"
            ),
            Err(err) => tracing::error!(error = %err, "hourly rollup failed"),
        }
    }
}
