//! End to end in the lab (`V6WATCH_LAB=1`): a service on the IPv6-only web host stops
//! answering and comes back; the real scheduler and alert loop put exactly one "opened" and
//! exactly one "resolved" message in the outbox.

#[path = "../../probes/tests/lab/mod.rs"]
mod lab;

use lab::Lab;
use probes::Prober;
use sqlx::SqlitePool;
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use v6watch::alerts::worker::{self, WorkerSettings};
use v6watch::scheduler::{self, Settings, sqlite::SqliteChecks};

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
            &lab.var("LAB_NS_WEB6"),
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
fn a_service_that_stops_answering_over_ipv6_gives_one_alert_and_one_recovery() {
    let Some(lab) = Lab::get() else { return };
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

    lab::run_in(&client, move || async move {
        let pool = app::store::open(&db_path).await.unwrap();
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
        app::store::checks::sync_from_inventory(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE checks SET interval_secs = 5")
            .execute(&pool)
            .await
            .unwrap();

        let cancel = CancellationToken::new();
        let prober = Arc::new(Prober::new(config).unwrap());
        let settings = Settings {
            probe_timeout: Duration::from_secs(6),
            resync: Duration::from_secs(2),
            ..Settings::default()
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

        let _server = serve(&lab_for_restart, &site_path);
        wait_for(&pool, &["opened", "resolved"], Duration::from_secs(60)).await;
        // Another few runs: nothing more is sent.
        tokio::time::sleep(Duration::from_secs(12)).await;
        assert_eq!(outbox(&pool).await, ["opened", "resolved"]);

        cancel.cancel();
        let _ = scheduler.await;
        let _ = alerts.await;
    });
}
