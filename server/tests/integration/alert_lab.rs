//! End to end in the lab (`V6WATCH_LAB=1`): a service on the IPv6-only web host stops
//! answering and comes back; the real scheduler, alert loop and delivery stage put exactly
//! one "opened" and exactly one "resolved" message in the outbox, and deliver each exactly
//! once to a webhook receiver and an SMTP server started here.

use crate::delivery::helpers;
use crate::lab;

use helpers::{Receiver, SmtpServer};
use lab::Lab;
use model::channels::{ChannelInput, SecretChange, SmtpSecurity, Target};
use probes::Prober;
use sqlx::SqlitePool;
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use v6watch::alerts::worker::{self, WorkerSettings};
use v6watch::delivery::{self, Courier};
use v6watch::scheduler::{self, SchedulerSettings, sqlite::SqliteChecks};

/// In this test's port range: nothing else on the lab uses it.
const PORT: u16 = 9201;

/// A small web server inside the lab's IPv6-only web host, stopped when dropped (also when
/// the test fails).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(lab: &Lab, dir: &std::path::Path) -> Server {
    let child = Command::new("ip")
        .args([
            "netns",
            "exec",
            lab.var("LAB_NS_WEB6"),
            "busybox",
            "httpd",
            "-f",
        ])
        .arg("-p")
        .arg(format!("[::]:{PORT}"))
        .arg("-h")
        .arg(dir)
        .spawn()
        .expect("start busybox httpd in the lab");
    Server(child)
}

async fn outbox(pool: &SqlitePool) -> Vec<String> {
    sqlx::query_scalar("SELECT kind FROM alert_notifications ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// An e-mail channel to the test's SMTP server (plain, on this namespace's loopback).
async fn mail_channel(pool: &SqlitePool, port: u16) {
    let input = ChannelInput {
        name: "mail".into(),
        enabled: true,
        target: Target::Email {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::Plain,
            username: None,
            password: SecretChange::Keep,
            from: "v6watch@example.test".into(),
            to: vec!["me@example.test".into()],
        },
    };
    store::channels::create(pool, &input).await.unwrap();
}

/// Waits (up to `limit`) until `count` webhooks and mails have arrived; returns the
/// webhooks' kinds and the mails' subjects.
async fn delivered(
    hook: &Receiver,
    smtp: &SmtpServer,
    count: usize,
    limit: Duration,
) -> (Vec<String>, Vec<String>) {
    let start = Instant::now();
    loop {
        let kinds: Vec<String> = hook
            .received()
            .iter()
            .map(|r| r.json()["kind"].as_str().unwrap_or_default().to_string())
            .collect();
        let subjects: Vec<String> = smtp
            .mails()
            .iter()
            .map(|m| m.header("Subject").unwrap_or_default())
            .collect();
        if (kinds.len() >= count && subjects.len() >= count) || start.elapsed() > limit {
            return (kinds, subjects);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Waits (up to `limit`) until the outbox holds `kinds`.
async fn wait_for(pool: &SqlitePool, kinds: &[&str], limit: Duration) {
    let start = Instant::now();
    loop {
        let now = outbox(pool).await;
        if now == kinds {
            return;
        }
        assert!(
            start.elapsed() < limit,
            "outbox is {now:?}, waited for {kinds:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn newest_v6_ok(pool: &SqlitePool) -> Option<bool> {
    sqlx::query_scalar("SELECT ok FROM results WHERE family = 'v6' ORDER BY id DESC LIMIT 1")
        .fetch_optional(pool)
        .await
        .unwrap()
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn a_service_that_stops_answering_over_ipv6_gives_one_alert_and_one_recovery() {
    let lab = Lab::get();
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<h1>up</h1>").unwrap();
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("v6watch.db");
    let mut server = Some(serve(&lab, site.path()));
    let config = lab.config();
    let url = format!("http://{}:{PORT}/", lab.name("v6only"));
    let client = lab.var("LAB_NS_C6");
    let lab_for_restart = lab.clone();
    let site_path = site.path().to_path_buf();

    lab::run_in(client, move || async move {
        let pool = store::open(&db_path).await.unwrap();
        sqlx::query("INSERT INTO hosts (id, name) VALUES (1, 'web6')")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO services (name, kind, target, host_id) VALUES ('site', 'http', ?, 1)",
        )
        .bind(&url)
        .execute(&pool)
        .await
        .unwrap();
        store::checks::sync_from_inventory(&pool).await.unwrap();
        sqlx::query("UPDATE checks SET interval_secs = 5")
            .execute(&pool)
            .await
            .unwrap();

        let cancel = CancellationToken::new();
        let prober = Arc::new(Prober::new(config).unwrap());
        let settings = SchedulerSettings {
            probe_timeout: Duration::from_secs(6),
            resync: Duration::from_secs(2),
            ..SchedulerSettings::default()
        };
        let store = Arc::new(SqliteChecks::new(pool.clone()));
        let scheduler = tokio::spawn(scheduler::run(
            prober,
            store,
            settings,
            Arc::new(Notify::new()),
            cancel.clone(),
        ));
        let mut alert_settings = WorkerSettings {
            interval: Duration::from_millis(500),
            ..WorkerSettings::default()
        };
        alert_settings.rules.fold_grace_ms = 1_000;
        let alerts = tokio::spawn(worker::run(
            pool.clone(),
            alert_settings,
            v6watch::events::EventBus::default(),
            cancel.clone(),
        ));
        // Receivers on the client namespace's loopback, one channel each.
        let hook = Receiver::start().await;
        helpers::webhook_channel(&pool, "hook", &hook.url).await;
        let smtp = SmtpServer::start(false).await;
        mail_channel(&pool, smtp.port).await;
        let courier = Arc::new(Courier::new(delivery::DispatchSettings {
            poll: Duration::from_millis(250),
            ..delivery::DispatchSettings::default()
        }));
        let dispatcher = tokio::spawn(delivery::dispatcher::run(
            pool.clone(),
            courier,
            Arc::new(Notify::new()),
            cancel.clone(),
        ));

        // Working first: a regression needs a check that passed.
        let start = Instant::now();
        while newest_v6_ok(&pool).await != Some(true) {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the service never answered"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert!(outbox(&pool).await.is_empty());

        drop(server.take());
        wait_for(&pool, &["opened"], Duration::from_secs(60)).await;
        let (rule, subject): (String, String) =
            sqlx::query_as("SELECT rule, subject_kind FROM incidents")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!((rule.as_str(), subject.as_str()), ("down", "service"));
        let (kinds, subjects) = delivered(&hook, &smtp, 1, Duration::from_secs(20)).await;
        assert_eq!(kinds, ["opened"], "webhook");
        assert_eq!(subjects.len(), 1, "mails: {subjects:?}");
        assert!(subjects[0].contains("site"), "{subjects:?}");

        let _server = serve(&lab_for_restart, &site_path);
        wait_for(&pool, &["opened", "resolved"], Duration::from_secs(60)).await;
        // Another few runs: nothing more is sent.
        tokio::time::sleep(Duration::from_secs(12)).await;
        assert_eq!(outbox(&pool).await, ["opened", "resolved"]);
        let (kinds, subjects) = delivered(&hook, &smtp, 2, Duration::from_secs(20)).await;
        assert_eq!(
            kinds,
            ["opened", "resolved"],
            "webhook: exactly one of each"
        );
        assert_eq!(
            subjects.len(),
            2,
            "mails: exactly one of each: {subjects:?}"
        );

        cancel.cancel();
        let _ = scheduler.await;
        let _ = alerts.await;
        let _ = dispatcher.await;
    });
}
