//! The deliveries table (the delivery queue and its log) and the delivery stage's reads of
//! the alert outbox (`alert_notifications`). Times are Unix milliseconds.

use super::{Result, StoreError};
use model::channels::DeliveryEntry;
use sqlx::SqlitePool;

/// One row of the alert outbox: a message to send.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Notification {
    pub id: i64,
    pub incident_id: Option<i64>,
    pub at: i64,
    /// opened, resolved, flapping or test.
    pub kind: String,
    /// info, warning or critical.
    pub severity: String,
    pub subject_kind: String,
    pub subject_id: i64,
    pub title: String,
    pub body: String,
    /// Dashboard path, e.g. /alerts/12.
    pub path: String,
    /// A JSON object.
    pub details: String,
}

/// Queues one delivery per enabled channel for every notification not yet fanned out,
/// each notification in one transaction with its marker. Returns the deliveries queued.
pub async fn fan_out(pool: &SqlitePool, now: i64) -> Result<u64> {
    let fresh: Vec<i64> = sqlx::query_scalar(
        "SELECT n.id FROM alert_notifications n
         WHERE NOT EXISTS (SELECT 1 FROM notifications_fanned_out f WHERE f.notification_id = n.id)
         ORDER BY n.id LIMIT 500",
    )
    .fetch_all(pool)
    .await?;
    let mut queued = 0;
    for id in fresh {
        let mut tx = super::write_tx(pool).await?;
        let marked = sqlx::query(
            "INSERT OR IGNORE INTO notifications_fanned_out (notification_id) VALUES (?)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if marked.rows_affected() == 1 {
            queued += sqlx::query(
                "INSERT OR IGNORE INTO deliveries
                     (notification_id, channel_id, next_attempt_at, created_at, updated_at)
                 SELECT ?1, id, ?2, ?2, ?2 FROM channels WHERE enabled = 1",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
    }
    Ok(queued)
}

/// A delivery whose next attempt is due, on an enabled channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Due {
    pub id: i64,
    pub channel_id: i64,
}

/// The oldest due delivery of each enabled channel: one per channel, so a channel with a
/// long backlog never hides the others' work.
pub async fn due(pool: &SqlitePool, now: i64) -> Result<Vec<Due>> {
    Ok(sqlx::query_as(
        "SELECT id, channel_id FROM (
             SELECT c.id AS channel_id,
                    (SELECT d.id FROM deliveries d
                     WHERE d.channel_id = c.id AND d.status = 'pending' AND d.next_attempt_at <= ?
                     ORDER BY d.next_attempt_at, d.id LIMIT 1) AS id
             FROM channels c WHERE c.enabled = 1)
         WHERE id IS NOT NULL ORDER BY id",
    )
    .bind(now)
    .fetch_all(pool)
    .await?)
}

/// A delivery claimed for one attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct Claimed {
    pub id: i64,
    pub channel_id: i64,
    /// This attempt's number, from 1.
    pub attempt: i64,
    pub notification: Notification,
}

/// Counts an attempt and moves the next one to `retry_at` before anything is sent, so a
/// crash mid-send retries after the backoff. None when it is not (or no longer) due:
/// another worker claimed it, it was sent, or deleted.
pub async fn claim(
    pool: &SqlitePool,
    id: i64,
    now: i64,
    retry_at: impl Fn(i64) -> i64,
) -> Result<Option<Claimed>> {
    let mut tx = super::write_tx(pool).await?;
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT channel_id, notification_id, attempts + 1 FROM deliveries
         WHERE id = ? AND status = 'pending' AND next_attempt_at <= ?",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((channel_id, notification_id, attempt)) = row else {
        return Ok(None);
    };
    sqlx::query(
        "UPDATE deliveries SET attempts = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?",
    )
    .bind(attempt)
    .bind(retry_at(attempt))
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let notification = notification(&mut *tx, notification_id).await?;
    tx.commit().await?;
    Ok(Some(Claimed {
        id,
        channel_id,
        attempt,
        notification,
    }))
}

async fn notification<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    id: i64,
) -> Result<Notification> {
    sqlx::query_as(
        "SELECT id, incident_id, at, kind, severity, subject_kind, subject_id, title, body, path,
                details
         FROM alert_notifications WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(executor)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn mark_sent(pool: &SqlitePool, id: i64, now: i64, code: Option<i64>) -> Result<()> {
    sqlx::query(
        "UPDATE deliveries SET status = 'sent', sent_at = ?1, updated_at = ?1, response_code = ?2,
                last_error = NULL
         WHERE id = ?3",
    )
    .bind(now)
    .bind(code)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a failed attempt; `give_up` marks the delivery failed for good, else it waits
/// for the retry time its claim set.
pub async fn mark_attempt_failed(
    pool: &SqlitePool,
    id: i64,
    now: i64,
    error: &str,
    code: Option<i64>,
    give_up: bool,
) -> Result<()> {
    sqlx::query(
        "UPDATE deliveries SET status = CASE WHEN ?1 THEN 'failed' ELSE 'pending' END,
                last_error = ?2, response_code = ?3, updated_at = ?4
         WHERE id = ?5",
    )
    .bind(give_up)
    .bind(error)
    .bind(code)
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// A test message for one channel: the notification, its fan-out marker (so no other
/// channel gets it) and its delivery, already claimed for its one attempt.
pub struct TestAlert<'a> {
    pub channel_id: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub now: i64,
    /// Until when the claim holds (after the attempt's timeout).
    pub hold_until: i64,
}

pub async fn queue_test(pool: &SqlitePool, test: &TestAlert<'_>) -> Result<Claimed> {
    let mut tx = super::write_tx(pool).await?;
    let notification_id: i64 = sqlx::query_scalar(
        "INSERT INTO alert_notifications
             (at, kind, severity, subject_kind, subject_id, title, body, path, details)
         VALUES (?1, 'test', 'info', 'channel', ?2, ?3, ?4, '/channels/' || ?2, '{}')
         RETURNING id",
    )
    .bind(test.now)
    .bind(test.channel_id)
    .bind(test.title)
    .bind(test.body)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO notifications_fanned_out (notification_id) VALUES (?)")
        .bind(notification_id)
        .execute(&mut *tx)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO deliveries
             (notification_id, channel_id, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?1, ?2, 1, ?3, ?4, ?4) RETURNING id",
    )
    .bind(notification_id)
    .bind(test.channel_id)
    .bind(test.hold_until)
    .bind(test.now)
    .fetch_one(&mut *tx)
    .await?;
    let notification = notification(&mut *tx, notification_id).await?;
    tx.commit().await?;
    Ok(Claimed {
        id,
        channel_id: test.channel_id,
        attempt: 1,
        notification,
    })
}

/// The newest deliveries to one channel, for its log.
pub async fn log(pool: &SqlitePool, channel_id: i64, limit: i64) -> Result<Vec<DeliveryEntry>> {
    Ok(sqlx::query_as(
        "SELECT d.id, d.notification_id, n.kind AS alert_kind, n.title, d.attempts, d.status,
                d.last_error, d.response_code, d.created_at, d.updated_at, d.next_attempt_at,
                d.sent_at
         FROM deliveries d JOIN alert_notifications n ON n.id = d.notification_id
         WHERE d.channel_id = ? ORDER BY d.id DESC LIMIT ?",
    )
    .bind(channel_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pool;
    use model::channels::{ChannelInput, SecretChange, Target, WebhookPreset};

    async fn channel(pool: &SqlitePool, name: &str) -> i64 {
        let input = ChannelInput {
            name: name.into(),
            enabled: true,
            target: Target::Webhook {
                preset: WebhookPreset::Generic,
                url: Some("https://hook.example.test/".into()),
                secret_header: None,
                secret: SecretChange::Keep,
            },
        };
        crate::channels::create(pool, &input).await.unwrap()
    }

    async fn notify(pool: &SqlitePool) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO alert_notifications (at, kind, subject_kind, subject_id, title, body, path)
             VALUES (5, 'opened', 'host', 1, 't', 'b', '/alerts/1') RETURNING id",
        )
        .fetch_one(pool)
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn each_notification_is_queued_once_and_each_attempt_claimed_once() {
        let (pool, _dir) = test_pool().await;
        let (a, b) = (channel(&pool, "a").await, channel(&pool, "b").await);
        notify(&pool).await;
        assert_eq!(fan_out(&pool, 10).await.unwrap(), 2);
        assert_eq!(fan_out(&pool, 10).await.unwrap(), 0, "already fanned out");
        let due_now = due(&pool, 10).await.unwrap();
        assert_eq!(
            due_now.iter().map(|d| d.channel_id).collect::<Vec<_>>(),
            [a, b]
        );
        assert!(due(&pool, 9).await.unwrap().is_empty(), "not due before");

        let first = due_now[0].id;
        let claimed = claim(&pool, first, 10, |_| 1_000).await.unwrap().unwrap();
        assert_eq!(
            (claimed.attempt, claimed.notification.title.as_str()),
            (1, "t")
        );
        assert_eq!(
            claim(&pool, first, 10, |_| 1_000).await.unwrap(),
            None,
            "held"
        );
        mark_attempt_failed(&pool, first, 11, "answered 500", Some(500), false)
            .await
            .unwrap();
        let again = claim(&pool, first, 1_000, |_| 2_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.attempt, 2);
        mark_sent(&pool, first, 1_001, Some(200)).await.unwrap();
        assert_eq!(
            claim(&pool, first, 5_000, |_| 6_000).await.unwrap(),
            None,
            "sent"
        );
        let entry = &log(&pool, a, 10).await.unwrap()[0];
        assert_eq!(
            (
                entry.status.as_str(),
                entry.attempts,
                entry.last_error.as_deref()
            ),
            ("sent", 2, None)
        );
    }
}
