//! The "Send a test alert" button: one `test` message to one channel, sent now, once,
//! logged like any delivery.

use super::courier::Courier;
use super::dispatcher::record;
use super::now_ms;
use model::channels::TestOutcome;
use sqlx::SqlitePool;
use store::deliveries::{self, TestAlert};
use store::{StoreError, channels};

pub async fn send(pool: &SqlitePool, courier: &Courier, channel_id: i64) -> TestOutcome {
    let outcome = |sent: bool, message: String| TestOutcome {
        channel_id,
        sent,
        message,
    };
    match try_send(pool, courier, channel_id).await {
        Ok(outcome) => outcome,
        Err(StoreError::NotFound) => outcome(false, "This channel no longer exists.".into()),
        Err(StoreError::Conflict { message, .. }) => {
            outcome(false, format!("Not sent: {message}."))
        }
        Err(err) => {
            tracing::error!(error = %format_args!("{err:#}"), channel_id, "test alert could not be stored");
            outcome(
                false,
                "Not sent: the database failed; see the server log.".into(),
            )
        }
    }
}

async fn try_send(
    pool: &SqlitePool,
    courier: &Courier,
    channel_id: i64,
) -> Result<TestOutcome, StoreError> {
    let destination = channels::destination(pool, channel_id).await?;
    let now = now_ms();
    let hold = i64::try_from(courier.settings.attempt_timeout.as_millis()).unwrap_or(i64::MAX);
    let body = format!(
        "This is a test from v6watch for the channel '{}'. If you can read it, alerts reach you here.",
        destination.name
    );
    let claimed = deliveries::queue_test(
        pool,
        &TestAlert {
            channel_id,
            title: "v6watch test alert",
            body: &body,
            now,
            hold_until: now.saturating_add(hold.saturating_mul(2)),
        },
    )
    .await?;
    let result = courier.send(&destination, &claimed.notification).await;
    record(pool, &claimed, result.clone(), true).await?;
    let name = destination.name;
    Ok(match result {
        Ok(answer) => TestOutcome {
            channel_id,
            sent: true,
            message: match answer.code {
                Some(code) => format!("Test alert sent to {name} (answer {code})."),
                None => format!("Test alert sent to {name}."),
            },
        },
        Err(failure) => TestOutcome {
            channel_id,
            sent: false,
            message: format!("Test alert to {name} failed: {}", failure.message),
        },
    })
}
