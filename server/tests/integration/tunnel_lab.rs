//! A tunnel watched from its own record in the lab (`V6WATCH_LAB=1`): the lab's userspace
//! 6in4 tunnel (MTU 1480) seen from the dual-stack client, with the real scheduler and alert
//! loop. Up with path MTU 1480 while it carries IPv6; its far end stopped (the broker's IPv4
//! end still answers) → `down`, one alert for the tunnel, the host behind it folded into it;
//! restarted → up and resolved.

use crate::lab::{self, Lab};

use model::inventory::tunnel_health::{TunnelHealth, TunnelState};
use probes::Prober;
use sqlx::SqlitePool;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use v6watch::alerts::worker::{self, WorkerSettings};
use v6watch::scheduler::{self, SchedulerSettings, sqlite::SqliteChecks};

/// `lab.sh tunnel-stop` or `tunnel-start`.
fn tunnel(action: &str) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/lab/lab.sh");
    let status = Command::new("bash")
        .arg(script)
        .arg(action)
        .status()
        .unwrap();
    assert!(status.success(), "lab.sh {action}");
}

/// Restarts the tunnel when dropped, so a failing test leaves the lab whole.
struct Restart;

impl Drop for Restart {
    fn drop(&mut self) {
        tunnel("tunnel-start");
    }
}

async fn state(pool: &SqlitePool, id: i64) -> TunnelState {
    store::tunnel_health::states(pool).await.unwrap()[&id]
}

/// Waits (up to `limit`) until the tunnel's health is `want`.
async fn wait_health(
    pool: &SqlitePool,
    id: i64,
    want: TunnelHealth,
    limit: Duration,
) -> TunnelState {
    let start = Instant::now();
    loop {
        let now = state(pool, id).await;
        if now.health == want {
            return now;
        }
        assert!(
            start.elapsed() < limit,
            "health is {now:?}, waited for {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// (rule, subject kind, folded) of every incident, and the outbox's kinds.
async fn alerts(pool: &SqlitePool) -> (Vec<(String, String, bool)>, Vec<String>) {
    let incidents = sqlx::query_as(
        "SELECT rule, subject_kind, folded_into IS NOT NULL FROM incidents ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let outbox = sqlx::query_scalar(
        "SELECT kind || ' ' || subject_kind FROM alert_notifications ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    (incidents, outbox)
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn a_stopped_tunnel_is_down_with_one_alert_and_the_host_behind_it_folded() {
    let lab = Lab::get();
    let config = lab.config();
    let home4 = lab.var("LAB_TUN_HOME4").to_string();
    let home6 = lab.var("LAB_TUN_HOME_V6").to_string();
    let routed = lab.var("LAB_TUN_ROUTED6").to_string();
    let behind = lab.var("LAB_TUN_BEHIND6").to_string();
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("v6watch.db");
    lab::run_in(lab.var("LAB_NS_C46"), move || async move {
        let pool = store::open(&db_path).await.unwrap();
        let host: i64 = sqlx::query_scalar("INSERT INTO hosts (name) VALUES ('home') RETURNING id")
            .fetch_one(&pool)
            .await
            .unwrap();
        let mut conn = pool.acquire().await.unwrap();
        store::addresses::replace(
            &mut conn,
            store::addresses::Owner::Host(host),
            &[behind.parse().unwrap()],
        )
        .await
        .unwrap();
        drop(conn);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tunnels (name, kind, remote_endpoint, remote_v6, mtu, routed_prefixes)
             VALUES ('he', '6in4', ?, ?, 1480, ?) RETURNING id",
        )
        .bind(&home4)
        .bind(&home6)
        .bind(&routed)
        .fetch_one(&pool)
        .await
        .unwrap();
        store::checks::sync_from_inventory(&pool).await.unwrap();
        sqlx::query("UPDATE checks SET interval_secs = 5")
            .execute(&pool)
            .await
            .unwrap();

        let cancel = CancellationToken::new();
        let settings = SchedulerSettings {
            probe_timeout: Duration::from_secs(10),
            resync: Duration::from_secs(2),
            ..SchedulerSettings::default()
        };
        let scheduler = tokio::spawn(scheduler::run(
            Arc::new(Prober::new(config).unwrap()),
            Arc::new(SqliteChecks::new(pool.clone())),
            settings,
            Arc::new(Notify::new()),
            cancel.clone(),
        ));
        let mut alert_settings = WorkerSettings {
            interval: Duration::from_millis(500),
            ..WorkerSettings::default()
        };
        // Long enough for the host's and the tunnel's checks to fail in either order.
        alert_settings.rules.fold_grace_ms = 8_000;
        let worker = tokio::spawn(worker::run(
            pool.clone(),
            alert_settings,
            v6watch::events::EventBus::default(),
            cancel.clone(),
        ));

        // Up: the far end answers through the tunnel, whose path MTU is its 1480.
        let up = wait_health(&pool, id, TunnelHealth::Up, Duration::from_secs(40)).await;
        assert_eq!(up.readings.endpoint_answers, Some(true), "{up:?}");
        let start = Instant::now();
        while state(&pool, id).await.readings.path_mtu.is_none() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no path MTU measured"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let up = state(&pool, id).await;
        assert_eq!(up.readings.path_mtu, Some(1480), "{up:?}");
        assert!(!up.readings.pmtu_blackhole);
        // The host behind it answered too (a regression needs a pass first).
        tokio::time::sleep(Duration::from_secs(6)).await;
        assert!(alerts(&pool).await.1.is_empty());

        // The far end stops; the broker's IPv4 end still answers.
        let restart = Restart;
        tunnel("tunnel-stop");
        let down = wait_health(&pool, id, TunnelHealth::Down, Duration::from_secs(40)).await;
        assert_eq!(down.readings.endpoint_answers, Some(true), "{down:?}");
        assert_eq!(down.readings.v6_answers, Some(false), "{down:?}");
        let start = Instant::now();
        loop {
            let (incidents, outbox) = alerts(&pool).await;
            let host_folded = incidents
                .iter()
                .any(|(_, kind, folded)| kind == "host" && *folded);
            if outbox == ["opened tunnel"] && host_folded {
                assert!(
                    incidents
                        .iter()
                        .any(|(rule, kind, folded)| rule == "down" && kind == "tunnel" && !folded),
                    "{incidents:?}"
                );
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "incidents {incidents:?}, outbox {outbox:?}"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }

        // Back: up again, and the one alert resolves.
        drop(restart);
        wait_health(&pool, id, TunnelHealth::Up, Duration::from_secs(40)).await;
        let start = Instant::now();
        while !alerts(&pool)
            .await
            .1
            .contains(&"resolved tunnel".to_string())
        {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{:?}",
                alerts(&pool).await
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let outbox = alerts(&pool).await.1;
        assert_eq!(
            outbox,
            ["opened tunnel", "resolved tunnel"],
            "nothing for the host behind it"
        );

        cancel.cancel();
        let _ = scheduler.await;
        let _ = worker.await;
    });
}
