//! The delivery loop: retries with backoff, giving up, channels kept apart, restarts.

use super::helpers::{
    PATIENCE, Receiver, database, delivery, hanging_url, notify, settled, webhook_channel,
};
use sqlx::SqlitePool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use v6watch::delivery::dispatcher::{self, Attempt};
use v6watch::delivery::{Courier, DispatchSettings};

/// Backoffs of milliseconds instead of minutes.
fn quick() -> DispatchSettings {
    DispatchSettings {
        attempt_timeout: Duration::from_secs(10),
        backoff: vec![Duration::from_millis(30)],
        max_attempts: 4,
        poll: Duration::from_millis(20),
        ..DispatchSettings::default()
    }
}

struct Running {
    cancel: CancellationToken,
    task: JoinHandle<()>,
}

fn start(pool: &SqlitePool, settings: DispatchSettings) -> Running {
    let cancel = CancellationToken::new();
    let task = tokio::spawn(dispatcher::run(
        pool.clone(),
        Arc::new(Courier::new(settings)),
        Arc::new(Notify::new()),
        cancel.clone(),
    ));
    Running { cancel, task }
}

impl Running {
    async fn stop(self) {
        self.cancel.cancel();
        tokio::time::timeout(PATIENCE, self.task)
            .await
            .expect("the dispatcher stops on cancel")
            .unwrap();
    }
}

#[tokio::test]
async fn a_failing_receiver_is_retried_until_it_accepts_and_gets_the_alert_once() {
    let db = database().await;
    let receiver = Receiver::answering(&[500, 500]).await;
    let channel = webhook_channel(&db.pool, "flaky", &receiver.url).await;
    let running = start(&db.pool, quick());
    let alert = notify(&db.pool, "router lost its IPv6 default route").await;

    let (attempts, status, error) = settled(&db.pool, alert, channel).await;
    assert_eq!((attempts, status.as_str(), error), (3, "sent", None));
    let got = receiver.received();
    assert_eq!(got.len(), 3, "two refusals, then the one accepted");
    assert!(
        got.iter()
            .all(|r| r.json()["title"] == "router lost its IPv6 default route")
    );
    let code: Option<i64> = sqlx::query_scalar("SELECT response_code FROM deliveries")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(code, Some(200));
    running.stop().await;

    // Nothing is left to send: the same step finds the delivery done.
    let courier = Courier::new(quick());
    let id: i64 = sqlx::query_scalar("SELECT id FROM deliveries")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(
        dispatcher::attempt(&db.pool, &courier, id).await.unwrap(),
        Attempt::NotDue
    );
    assert_eq!(receiver.received().len(), 3);
}

#[tokio::test]
async fn a_receiver_that_keeps_failing_is_given_up_with_its_error_logged() {
    let db = database().await;
    let receiver = Receiver::answering(&[500; 10]).await;
    let channel = webhook_channel(&db.pool, "broken", &receiver.url).await;
    let running = start(
        &db.pool,
        DispatchSettings {
            max_attempts: 2,
            ..quick()
        },
    );
    let alert = notify(&db.pool, "dns64 stopped answering").await;

    let (attempts, status, error) = settled(&db.pool, alert, channel).await;
    assert_eq!((attempts, status.as_str()), (2, "failed"));
    assert!(error.unwrap().contains("500"));
    running.stop().await;
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn a_hanging_channel_does_not_delay_another() {
    let db = database().await;
    let stuck = webhook_channel(&db.pool, "stuck", &hanging_url().await).await;
    let receiver = Receiver::start().await;
    let fine = webhook_channel(&db.pool, "fine", &receiver.url).await;
    let settings = DispatchSettings {
        attempt_timeout: Duration::from_secs(600),
        ..quick()
    };
    let running = start(&db.pool, settings);
    let alert = notify(&db.pool, "tunnel down").await;

    receiver.wait_for(1).await;
    assert_eq!(settled(&db.pool, alert, fine).await.1, "sent");
    let stuck_row = tokio::time::timeout(PATIENCE, async {
        loop {
            let row = delivery(&db.pool, alert, stuck).await;
            if row.0 > 0 {
                return row;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the stuck channel's attempt starts");
    assert_eq!(
        stuck_row,
        (1, "pending".to_string(), None),
        "the stuck channel is still in its first attempt"
    );
    // A clean stop even with an attempt hanging.
    running.stop().await;
}

#[tokio::test]
async fn a_restarted_dispatcher_sends_nothing_twice_and_skips_nothing() {
    let db = database().await;
    let receiver = Receiver::start().await;
    let channel = webhook_channel(&db.pool, "phone", &receiver.url).await;
    let first = start(&db.pool, quick());
    let before = notify(&db.pool, "before the restart").await;
    settled(&db.pool, before, channel).await;
    first.stop().await;

    // Written while nothing runs, then picked up by a new dispatcher on a new pool.
    let during = notify(&db.pool, "while stopped").await;
    db.pool.close().await;
    let pool = store::open(&db.path).await.unwrap();
    let second = start(&pool, quick());
    let after = notify(&pool, "after the restart").await;
    settled(&pool, during, channel).await;
    settled(&pool, after, channel).await;
    second.stop().await;

    let mut titles: Vec<String> = receiver
        .received()
        .iter()
        .map(|r| r.json()["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        ["after the restart", "before the restart", "while stopped"]
    );
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 3);
}

#[tokio::test]
async fn only_enabled_channels_get_alerts_and_older_alerts_are_not_replayed() {
    let db = database().await;
    let receiver = Receiver::start().await;
    let early = notify(&db.pool, "before any channel").await;
    let queued = store::deliveries::fan_out(&db.pool, 0).await.unwrap();
    assert_eq!(queued, 0, "no channel yet");
    let on = webhook_channel(&db.pool, "on", &receiver.url).await;
    let off = webhook_channel(&db.pool, "off", &receiver.url).await;
    sqlx::query("UPDATE channels SET enabled = 0 WHERE id = ?")
        .bind(off)
        .execute(&db.pool)
        .await
        .unwrap();
    let running = start(&db.pool, quick());
    let alert = notify(&db.pool, "prefix changed").await;
    settled(&db.pool, alert, on).await;
    running.stop().await;

    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].json()["title"], "prefix changed");
    let queued: Vec<(i64, i64)> =
        sqlx::query_as("SELECT notification_id, channel_id FROM deliveries")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    assert_eq!(
        queued,
        [(alert, on)],
        "nothing for {early} or the disabled channel"
    );
}

/// A host added that fails over IPv6 from the start reaches the channel as one message,
/// however many rounds fail.
#[tokio::test]
async fn a_host_that_never_worked_is_delivered_once() {
    use store::results::{NewResult, insert_batch};
    use v6watch::alerts::worker::{WorkerSettings, step};
    let db = database().await;
    let receiver = Receiver::start().await;
    let channel = webhook_channel(&db.pool, "hook", &receiver.url).await;
    sqlx::query("INSERT INTO hosts (id, name) VALUES (1, 'printer')")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO addresses (host_id, address, kind) VALUES (1, '2001:db8:5::9', 'global')",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    store::checks::sync_from_inventory(&db.pool).await.unwrap();
    let check: i64 = sqlx::query_scalar("SELECT id FROM checks")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let running = start(&db.pool, quick());
    let mut at = 1_000_000;
    for _ in 0..6 {
        at += 60_000;
        let failed = NewResult {
            check_id: check,
            at,
            family: "v6",
            address: Some("2001:db8:5::9".into()),
            reason: "timeout".into(),
            ok: false,
            latency_ms: None,
            lateness_ms: None,
            detail: "[]".into(),
        };
        insert_batch(&db.pool, &[failed]).await.unwrap();
        step(&db.pool, &WorkerSettings::default(), at)
            .await
            .unwrap();
    }
    let alert: i64 = sqlx::query_scalar("SELECT id FROM alert_notifications")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    settled(&db.pool, alert, channel).await;
    running.stop().await;
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].json()["title"],
        "Host printer: never worked over IPv6 (2001:db8:5::9)"
    );
    assert_eq!(got[0].json()["kind"], "opened");
    assert_eq!(got[0].json()["details"]["rule"], "never_worked");
}
