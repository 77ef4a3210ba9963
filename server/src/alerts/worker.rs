//! The alert loop: [`step`] reads what is new since the persisted cursors, runs the detector
//! and stores the outcome in one transaction; [`run`] repeats it on an interval until
//! cancelled.

use super::detector::{Input, detect};
use super::observation::group_runs;
use super::persist;
use super::rules::Rules;
use crate::events::{Changed, EventBus};
use crate::scheduler::unix_ms;
use sqlx::SqlitePool;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Debug)]
pub struct WorkerSettings {
    /// How often new results are looked at.
    pub interval: Duration,
    /// Most rows read per step (the loop steps again at once while more are waiting).
    pub batch: i64,
    pub rules: Rules,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            interval: Duration::from_secs(5),
            batch: 5000,
            rules: Rules::default(),
        }
    }
}

/// What one step did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StepOutcome {
    pub results: usize,
    pub verdicts: usize,
    pub changes: usize,
    pub notices: usize,
    /// The batch was full: more rows may be waiting.
    pub more: bool,
}

/// One unit of work at time `now` (Unix ms).
pub async fn step(
    pool: &SqlitePool,
    settings: &WorkerSettings,
    now: i64,
) -> anyhow::Result<StepOutcome> {
    let mut persisted = persist::load_state(pool).await?;
    if persisted.first_run {
        let (results, verdicts) =
            persist::ids_before(pool, now - persist::FIRST_RUN_LOOKBACK_MS).await?;
        persisted.results_after = persisted.results_after.max(results);
        persisted.verdicts_after = persisted.verdicts_after.max(verdicts);
    }
    let (rows, last_result) =
        persist::new_results(pool, persisted.results_after, settings.batch).await?;
    let (events, last_event) =
        persist::new_verdicts(pool, persisted.verdicts_after, settings.batch).await?;
    let more = rows.len() as i64 >= settings.batch
        || last_event.is_some_and(|_| events.len() as i64 >= settings.batch);
    let results = rows.len();
    let runs = group_runs(rows);
    // Whether a check passed before the detector saw it is asked once per check.
    let unread: Vec<i64> = runs
        .iter()
        .map(|r| r.check_id)
        .filter(|id| {
            persisted
                .state
                .checks
                .get(id)
                .is_none_or(|c| !c.history_read && !c.seen_ok)
        })
        .collect();
    let passed_before = persist::passed_before(pool, &unread, persisted.results_after).await?;
    let topology = persist::topology(pool).await?;
    let mutes = persist::mutes(pool, now).await?;
    let output = detect(
        &persisted.state,
        &Input {
            now,
            runs: &runs,
            verdicts: &events,
            topology: &topology,
            rules: &settings.rules,
            mutes: &mutes,
            passed_before: &passed_before,
        },
    );
    let changed = !output.changes.is_empty()
        || !output.notices.is_empty()
        || last_result.is_some()
        || last_event.is_some()
        || output.state != persisted.state
        || persisted.first_run;
    if changed {
        persist::save(
            pool,
            &output,
            last_result.unwrap_or(persisted.results_after),
            last_event.unwrap_or(persisted.verdicts_after),
            now,
        )
        .await?;
    }
    Ok(StepOutcome {
        results,
        verdicts: events.len(),
        changes: output.changes.len(),
        notices: output.notices.len(),
        more,
    })
}

/// Steps every `interval` until `cancel`; tells `events` when incidents changed.
pub async fn run(
    pool: SqlitePool,
    settings: WorkerSettings,
    events: EventBus,
    cancel: CancellationToken,
) {
    loop {
        let more = match step(&pool, &settings, unix_ms()).await {
            Ok(outcome) => {
                if outcome.changes > 0 {
                    events.publish(Changed::Incidents);
                }
                if outcome.notices > 0 {
                    tracing::info!(notices = outcome.notices, "alert notices queued");
                }
                outcome.more
            }
            Err(err) => {
                tracing::error!(error = %format_args!("{err:#}"), "alert step failed");
                false
            }
        };
        if more {
            if cancel.is_cancelled() {
                break;
            }
            continue;
        }
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(settings.interval) => {}
        }
    }
}
