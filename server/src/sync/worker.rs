//! `serve --sync-docker/--sync-lxd`: a round for each runtime now and then every interval,
//! until cancelled. A round that fails is logged and kept as the runtime's last result;
//! it changes nothing and the next round tries again.

use super::{Target, round};
use crate::events::{Changed, EventBus};
use crate::scheduler::unix_ms;
use sqlx::SqlitePool;
use std::time::Duration;
use store::rows::SyncRun;
use tokio_util::sync::CancellationToken;

/// One round of `target`, logged and kept as its last result.
pub async fn step(pool: &SqlitePool, target: &Target) -> SyncRun {
    let now = unix_ms();
    let outcome = round(pool, target, now).await;
    let (ok, message) = match &outcome {
        Ok(message) => {
            tracing::info!(runtime = target.runtime.code(), host = %target.host, "sync: {message}");
            (true, message.clone())
        }
        Err(err) => {
            tracing::warn!(runtime = target.runtime.code(), error = %err, "sync round failed; nothing was changed");
            (false, err.to_string())
        }
    };
    let run = SyncRun {
        runtime: target.runtime.code().to_string(),
        socket: target.socket.display().to_string(),
        host: target.host.clone(),
        at: now,
        ok,
        message,
    };
    if let Err(err) = store::sync::record_run(pool, &run).await {
        tracing::error!(error = %err, "the sync's last result could not be stored");
    }
    run
}

/// Rounds of every target every `interval`, until `cancel`. A round that changed the
/// inventory tells open pages, so they show it without a reload.
pub async fn run(
    pool: SqlitePool,
    targets: Vec<Target>,
    interval: Duration,
    events: EventBus,
    cancel: CancellationToken,
) {
    loop {
        for target in &targets {
            tokio::select! {
                () = cancel.cancelled() => return,
                run = step(&pool, target) => {
                    if run.ok && !run.message.starts_with(super::NO_CHANGE) {
                        events.publish(Changed::Inventory);
                    }
                }
            }
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
    }
}
