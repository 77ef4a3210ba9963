//! Scheduler throughput: N TCP checks against a local listener on [::1], run through the real
//! scheduler, prober and SQLite store, at 1,000 and 10,000 checks a minute. Prints probes/s,
//! p50/p99 scheduling lateness (after the first round), CPU time and peak RSS.
//!
//! `cargo bench -p v6watch --bench scheduler` (loopback only; sends nothing elsewhere).

use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use v6watch::scheduler::{self, Settings, sqlite::SqliteChecks};

fn proc_status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .map(|l| l[field.len()..].trim().to_string())
        .unwrap_or_default()
}

/// User plus system CPU seconds of this process.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 =
        fields[11].parse::<f64>().unwrap_or(0.0) + fields[12].parse::<f64>().unwrap_or(0.0);
    ticks / 100.0
}

async fn round(per_minute: u64, seconds: u64) {
    let interval = 5_u64;
    let checks = per_minute * interval / 60;
    let dir = tempfile::tempdir().unwrap();
    let pool = app::store::open(&dir.path().join("bench.db"))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("[::1]:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    let host: i64 = sqlx::query_scalar("INSERT INTO hosts (name) VALUES ('bench') RETURNING id")
        .fetch_one(&pool)
        .await
        .unwrap();
    for i in 0..checks {
        sqlx::query("INSERT INTO services (name, kind, target, port, host_id) VALUES (?, 'tcp', '::1', ?, ?)")
            .bind(format!("s{i}"))
            .bind(i64::from(port))
            .bind(host)
            .execute(&pool)
            .await
            .unwrap();
    }
    app::store::checks::sync_from_inventory(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE checks SET interval_secs = ?")
        .bind(interval as i64)
        .execute(&pool)
        .await
        .unwrap();

    let config = probes::ProbeConfig {
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        ..probes::ProbeConfig::default()
    };
    let prober = Arc::new(probes::Prober::new(config).unwrap());
    let store = Arc::new(SqliteChecks::new(pool.clone()));
    let cancel = CancellationToken::new();
    let cpu0 = cpu_secs();
    let t0 = Instant::now();
    let task = tokio::spawn(scheduler::run(
        prober,
        store,
        Settings {
            probe_timeout: Duration::from_secs(3),
            ..Settings::default()
        },
        Arc::new(Notify::new()),
        cancel.clone(),
    ));
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    cancel.cancel();
    let lateness = task.await.unwrap();
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu0;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM results")
        .fetch_one(&pool)
        .await
        .unwrap();
    let steady = lateness.after(checks as usize);
    println!(
        "{per_minute} checks/min ({checks} TCP checks every {interval} s, {seconds} s): {} probes ({:.1}/s), {stored} rows stored; \
         lateness p50 {:.2} ms, p99 {:.2} ms (first round: p99 {:.2} ms); CPU {:.2} s ({:.1} %); VmHWM {}",
        lateness.count(),
        lateness.count() as f64 / wall,
        steady.quantile(0.5).as_secs_f64() * 1000.0,
        steady.quantile(0.99).as_secs_f64() * 1000.0,
        lateness.quantile(0.99).as_secs_f64() * 1000.0,
        cpu,
        cpu / wall * 100.0,
        proc_status("VmHWM:"),
    );
    pool.close().await;
}

#[tokio::main]
async fn main() {
    let seconds = std::env::var("V6WATCH_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    for per_minute in [1_000, 10_000] {
        round(per_minute, seconds).await;
    }
}
