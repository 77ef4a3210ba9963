//! The delivery loop: queue new outbox rows for every enabled channel, then run each due
//! delivery as its own task, one at a time per channel, so a hanging channel holds up only
//! itself. [`attempt`] is the one step; [`run`] is the thin loop around it.

use super::backoff;
use super::courier::{Answer, Courier, Failure};
use super::now_ms;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use store::deliveries::{self, Claimed};
use store::{StoreError, channels};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use url::Url;

#[derive(Clone, Debug)]
pub struct DispatchSettings {
    /// The dashboard's address as users open it, for absolute links in messages.
    pub public_url: Option<Url>,
    /// CA certificates trusted besides the standard roots (`--ca-file`).
    pub extra_roots: Option<super::ExtraRoots>,
    /// One attempt's limit (connect, send, answer).
    pub attempt_timeout: Duration,
    /// Waits after failed attempts 1, 2, …; the last repeats.
    pub backoff: Vec<Duration>,
    /// After this many failed attempts the delivery is marked failed.
    pub max_attempts: i64,
    /// How often the outbox is read for new rows.
    pub poll: Duration,
    /// Address ranges no webhook may reach (`--deny-target`).
    pub deny: Vec<ipnet::IpNet>,
}

impl Default for DispatchSettings {
    fn default() -> Self {
        Self {
            public_url: None,
            extra_roots: None,
            attempt_timeout: Duration::from_secs(15),
            backoff: backoff::DEFAULT.to_vec(),
            max_attempts: 5,
            poll: Duration::from_secs(2),
            deny: Vec::new(),
        }
    }
}

/// How one step went.
#[derive(Clone, Debug, PartialEq)]
pub enum Attempt {
    /// Someone else has it, or it is no longer due.
    NotDue,
    Sent(Answer),
    WillRetry(Failure),
    GaveUp(Failure),
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Claims one delivery, sends it, and records the outcome.
pub async fn attempt(
    pool: &SqlitePool,
    courier: &Courier,
    delivery_id: i64,
) -> Result<Attempt, StoreError> {
    let settings = &courier.settings;
    let now = now_ms();
    // Set before sending: a crash mid-attempt retries after the backoff, not at once. The
    // loop never runs two attempts of one channel at a time, so a long attempt is safe.
    let retry_at =
        |attempt: i64| now.saturating_add(millis(backoff::delay(&settings.backoff, attempt)));
    let Some(claimed) = deliveries::claim(pool, delivery_id, now, retry_at).await? else {
        return Ok(Attempt::NotDue);
    };
    if claimed.attempt > settings.max_attempts {
        // A crash interrupted the last attempt.
        let failure = Failure {
            message: "gave up: the last attempt was interrupted".into(),
            code: None,
        };
        record(pool, &claimed, Err(failure.clone()), true).await?;
        return Ok(Attempt::GaveUp(failure));
    }
    let result = match channels::destination(pool, claimed.channel_id).await {
        Ok(destination) => courier.send(&destination, &claimed.notification).await,
        Err(StoreError::Conflict { message, .. }) => Err(Failure {
            message,
            code: None,
        }),
        Err(err) => return Err(err),
    };
    let give_up = claimed.attempt >= settings.max_attempts;
    record(pool, &claimed, result.clone(), give_up).await?;
    Ok(match result {
        Ok(answer) => Attempt::Sent(answer),
        Err(failure) if give_up => Attempt::GaveUp(failure),
        Err(failure) => Attempt::WillRetry(failure),
    })
}

/// Writes an attempt's outcome to the delivery log.
pub async fn record(
    pool: &SqlitePool,
    claimed: &Claimed,
    result: Result<Answer, Failure>,
    give_up: bool,
) -> Result<(), StoreError> {
    let now = now_ms();
    match result {
        Ok(answer) => deliveries::mark_sent(pool, claimed.id, now, answer.code).await,
        Err(failure) => {
            tracing::warn!(
                delivery = claimed.id,
                channel = claimed.channel_id,
                attempt = claimed.attempt,
                give_up,
                error = %failure.message,
                "alert delivery failed"
            );
            deliveries::mark_attempt_failed(
                pool,
                claimed.id,
                now,
                &failure.message,
                failure.code,
                give_up,
            )
            .await
        }
    }
}

/// Runs until cancelled. Attempts in flight at the stop are abandoned; their claims make
/// them retry after the backoff on the next start.
pub async fn run(
    pool: SqlitePool,
    courier: Arc<Courier>,
    wake: Arc<Notify>,
    cancel: CancellationToken,
) {
    let mut tasks: JoinSet<()> = JoinSet::new();
    // Channel of each running task: one attempt at a time per channel.
    let mut busy: HashMap<tokio::task::Id, i64> = HashMap::new();
    loop {
        match deliveries::fan_out(&pool, now_ms()).await {
            Ok(0) => {}
            Ok(queued) => tracing::debug!(queued, "alert deliveries queued"),
            Err(err) => {
                tracing::error!(error = %format_args!("{err:#}"), "could not read the alert outbox")
            }
        }
        match deliveries::due(&pool, now_ms()).await {
            Ok(due) => {
                for item in due {
                    if busy.values().any(|&c| c == item.channel_id) {
                        continue;
                    }
                    let (pool, courier) = (pool.clone(), courier.clone());
                    let handle = tasks.spawn(async move {
                        if let Err(err) = attempt(&pool, &courier, item.id).await {
                            tracing::error!(error = %format_args!("{err:#}"), delivery = item.id, "could not record a delivery");
                        }
                    });
                    busy.insert(handle.id(), item.channel_id);
                }
            }
            Err(err) => {
                tracing::error!(error = %format_args!("{err:#}"), "could not read the delivery queue")
            }
        }
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(courier.settings.poll) => {}
            () = wake.notified() => {}
            Some(done) = tasks.join_next_with_id() => {
                let id = match done {
                    Ok((id, ())) => id,
                    Err(err) => err.id(),
                };
                busy.remove(&id);
            }
        }
    }
    tasks.shutdown().await;
}
