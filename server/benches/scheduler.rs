//! Scheduler throughput: checks run through the real scheduler, prober and SQLite store at
//! 1,000 and 10,000 checks a minute. Prints probes/s, p50/p99 scheduling lateness (after the
//! first round), CPU time and peak RSS of each round.
//!
//! Rounds:
//! - `tcp`: TCP checks against a local listener on [::1].
//! - `icmp`: ICMPv6 echo checks of host addresses (`::1`), over the prober's shared
//!   surge-ping socket; plus one burst (every check due at once) timed against `fping -6`
//!   sending the same echo requests to the same target list.
//! - `lab`: the same ICMPv6 rounds from the lab's IPv6-only client to the lab's addresses,
//!   when `V6WATCH_LAB=1` and `tests/lab/lab.env` exist (after `bash tests/lab/lab.sh up`).
//!
//! `cargo bench -p v6watch --bench scheduler` (as root: raw ICMP sockets; loopback and lab
//! only). `V6WATCH_BENCH_SECS` sets the length of each steady round (default 60 s),
//! `V6WATCH_BENCH_ROUNDS` which rounds run (default `tcp,icmp,lab`).

#[path = "scheduler_bench/counting.rs"]
mod counting;
#[path = "scheduler_bench/fping.rs"]
mod fping;
#[path = "../../probes/tests/integration/lab.rs"]
mod lab;
#[path = "scheduler_bench/process.rs"]
mod process;

use counting::Counting;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use v6watch::scheduler::lateness::Lateness;
use v6watch::scheduler::{self, SchedulerSettings, sqlite::SqliteChecks};

/// Every check runs every 5 s, the shortest interval a check may have: 1,000 checks/min is
/// 83 checks, 10,000 checks/min is 833.
const INTERVAL_SECS: u64 = 5;
/// Echo requests per ICMP probe (the default), 200 ms apart.
const PING_COUNT: u16 = 3;
const PING_SPACING_MS: u64 = 200;

#[derive(Clone)]
enum Targets {
    /// TCP checks of this port on ::1.
    Tcp(u16),
    /// ICMP echo checks, one host per check, addresses taken in turn from this list.
    Icmp(Vec<IpAddr>),
}

/// A fresh database with `checks` checks of `targets`, every one at `interval_secs`.
async fn database(
    targets: &Targets,
    checks: u64,
    interval_secs: u64,
) -> (tempfile::TempDir, sqlx::SqlitePool) {
    let dir = tempfile::tempdir().unwrap();
    let pool = store::open(&dir.path().join("bench.db")).await.unwrap();
    let host: i64 = sqlx::query_scalar("INSERT INTO hosts (name) VALUES ('bench') RETURNING id")
        .fetch_one(&pool)
        .await
        .unwrap();
    for i in 0..checks {
        match targets {
            Targets::Tcp(port) => {
                sqlx::query("INSERT INTO services (name, kind, target, port, host_id) VALUES (?, 'tcp', '::1', ?, ?)")
                    .bind(format!("s{i}"))
                    .bind(i64::from(*port))
                    .bind(host)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            Targets::Icmp(addresses) => {
                let id: i64 =
                    sqlx::query_scalar("INSERT INTO hosts (name) VALUES (?) RETURNING id")
                        .bind(format!("h{i}"))
                        .fetch_one(&pool)
                        .await
                        .unwrap();
                let address = addresses[i as usize % addresses.len()];
                sqlx::query(
                    "INSERT INTO addresses (host_id, address, kind) VALUES (?, ?, 'global')",
                )
                .bind(id)
                .bind(address.to_string())
                .execute(&pool)
                .await
                .unwrap();
            }
        }
    }
    store::checks::sync_from_inventory(&pool).await.unwrap();
    sqlx::query("UPDATE checks SET interval_secs = ?")
        .bind(interval_secs as i64)
        .execute(&pool)
        .await
        .unwrap();
    let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checks")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(made as u64, checks, "checks derived from the inventory");
    (dir, pool)
}

fn prober() -> Counting {
    let config = probes::ProbeConfig {
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        ping_count: PING_COUNT,
        ..probes::ProbeConfig::default()
    };
    let prober = probes::Prober::new(config).unwrap();
    assert!(
        prober.icmpv6_available(),
        "no ICMPv6 socket: run as root (or allow unprivileged ping)"
    );
    Counting::new(prober, PING_COUNT)
}

/// The real scheduler over `pool`'s checks with a counting prober, until `cancel`.
fn start_scheduler(
    runner: &Arc<Counting>,
    pool: &sqlx::SqlitePool,
    cancel: &CancellationToken,
) -> tokio::task::JoinHandle<Lateness> {
    let settings = SchedulerSettings {
        probe_timeout: Duration::from_secs(3),
        ..SchedulerSettings::default()
    };
    tokio::spawn(scheduler::run(
        runner.clone(),
        Arc::new(SqliteChecks::new(pool.clone())),
        settings,
        Arc::new(Notify::new()),
        cancel.clone(),
    ))
}

/// `checks` checks every 5 s for `seconds`: probes/s, lateness, CPU and peak RSS.
async fn steady(name: &str, targets: &Targets, per_minute: u64, seconds: u64) {
    let checks = per_minute * INTERVAL_SECS / 60;
    let (_dir, pool) = database(targets, checks, INTERVAL_SECS).await;
    let runner = Arc::new(prober());
    let cancel = CancellationToken::new();
    process::reset_peak();
    let cpu0 = process::cpu_secs();
    let t0 = Instant::now();
    let task = start_scheduler(&runner, &pool, &cancel);
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    cancel.cancel();
    let lateness = task.await.unwrap();
    let wall = t0.elapsed().as_secs_f64();
    let cpu = process::cpu_secs() - cpu0;
    let peak = process::peak_rss();
    let counts = runner.counts();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM results")
        .fetch_one(&pool)
        .await
        .unwrap();
    let steady = lateness.after(checks as usize);
    let echoes = if counts.sent > 0 {
        format!(
            "; {} echo requests ({:.1}/s), loss {:.2} %",
            counts.sent,
            counts.sent as f64 / wall,
            counts.loss_percent()
        )
    } else {
        String::new()
    };
    println!(
        "{name} {per_minute} checks/min ({checks} checks every {INTERVAL_SECS} s, {seconds} s): \
         {} probes started, {} finished ({:.1}/s), {stored} rows stored{echoes}; \
         lateness p50 {:.2} ms, p99 {:.2} ms (first round: p99 {:.2} ms); \
         CPU {cpu:.2} s ({:.1} %); peak RSS {peak}",
        lateness.count(),
        counts.probes,
        counts.probes as f64 / wall,
        steady.quantile(0.5).as_secs_f64() * 1000.0,
        steady.quantile(0.99).as_secs_f64() * 1000.0,
        lateness.quantile(0.99).as_secs_f64() * 1000.0,
        cpu / wall * 100.0,
    );
    pool.close().await;
}

/// `checks` ICMP checks all due at once (one round), timed until the last probe ends, then
/// fping sending the same echo requests (count and spacing per target) to the same list.
async fn burst(name: &str, addresses: &[IpAddr], checks: u64, namespace: Option<&str>) {
    let targets = Targets::Icmp(addresses.to_vec());
    // A long interval: only the first round, which starts every check at once, runs.
    let (_dir, pool) = database(&targets, checks, 3_600).await;
    let runner = Arc::new(prober());
    let cancel = CancellationToken::new();
    let t0 = Instant::now();
    let task = start_scheduler(&runner, &pool, &cancel);
    let give_up = t0 + Duration::from_secs(60);
    while runner.counts().probes < checks && Instant::now() < give_up {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    cancel.cancel();
    task.await.unwrap();
    pool.close().await;
    let counts = runner.counts();
    let wall = counts
        .last_done
        .map_or(Duration::ZERO, |done| done.duration_since(t0))
        .as_secs_f64();
    println!(
        "{name} burst, v6watch: {checks} checks × {PING_COUNT} echo requests {PING_SPACING_MS} ms apart \
         over {} addresses: {} probes, {} echo requests in {wall:.3} s ({:.0}/s), loss {:.2} %",
        addresses.len(),
        counts.probes,
        counts.sent,
        counts.sent as f64 / wall.max(1e-9),
        counts.loss_percent(),
    );
    let list: Vec<IpAddr> = (0..checks as usize)
        .map(|i| addresses[i % addresses.len()])
        .collect();
    match fping::run(namespace, &list, PING_COUNT, PING_SPACING_MS) {
        Ok(run) => {
            let wall = run.wall.as_secs_f64();
            println!(
                "{name} burst, fping: `{}`: {} echo requests in {wall:.3} s ({:.0}/s), loss {:.2} %",
                run.command,
                run.sent,
                run.sent as f64 / wall.max(1e-9),
                100.0 * (run.sent - run.received.min(run.sent)) as f64 / run.sent.max(1) as f64,
            );
        }
        Err(why) => println!("{name} burst, fping: {why}"),
    }
}

async fn icmp_rounds(name: &str, addresses: Vec<IpAddr>, namespace: Option<&str>, seconds: u64) {
    burst(name, &addresses, 10_000 * INTERVAL_SECS / 60, namespace).await;
    let targets = Targets::Icmp(addresses);
    for per_minute in [1_000, 10_000] {
        steady(name, &targets, per_minute, seconds).await;
    }
}

/// Runs `work` on a multi-threaded runtime whose threads all live in network namespace
/// `namespace` (setns affects the calling thread and the threads it then starts).
fn in_namespace<F, Fut>(namespace: &str, work: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let path = format!("/run/netns/{namespace}");
    std::thread::spawn(move || {
        let file = std::fs::File::open(&path).unwrap();
        nix::sched::setns(&file, nix::sched::CloneFlags::CLONE_NEWNET).unwrap();
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(work());
    })
    .join()
    .unwrap();
}

fn lab_rounds(seconds: u64) {
    let env = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/lab/lab.env");
    if std::env::var("V6WATCH_LAB").as_deref() != Ok("1") || !env.exists() {
        println!(
            "lab: skipped (set V6WATCH_LAB=1 after `bash tests/lab/lab.sh up` to ping the lab)"
        );
        return;
    }
    let lab = lab::Lab::get();
    let namespace = lab.var("LAB_NS_C6").to_string();
    if !std::path::Path::new("/run/netns").join(&namespace).exists() {
        println!("lab: skipped (namespace {namespace} missing: is the lab up?)");
        return;
    }
    // Every lab address that answers from the IPv6-only client: gateways, hosts, nameserver.
    let addresses: Vec<IpAddr> = [
        "LAB_GW_CLIENTS6",
        "LAB_C46_6",
        "LAB_GW_SERVERS6",
        "LAB_WEB46_6",
        "LAB_WEB6",
        "LAB_DNS6",
    ]
    .iter()
    .map(|key| lab.ip(key))
    .collect();
    let ns = namespace.clone();
    in_namespace(&namespace, move || async move {
        icmp_rounds(&format!("ICMPv6 lab ({ns})"), addresses, Some(&ns), seconds).await;
    });
}

fn main() {
    let seconds = std::env::var("V6WATCH_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let rounds = std::env::var("V6WATCH_BENCH_ROUNDS").unwrap_or("tcp,icmp,lab".into());
    let wanted = |round: &str| rounds.split(',').any(|r| r.trim() == round);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    if wanted("tcp") {
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("[::1]:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            tokio::spawn(async move {
                while let Ok((socket, _)) = listener.accept().await {
                    drop(socket);
                }
            });
            for per_minute in [1_000, 10_000] {
                steady("TCP [::1]", &Targets::Tcp(port), per_minute, seconds).await;
            }
        });
    }
    if wanted("icmp") {
        let loopback = vec![IpAddr::from(std::net::Ipv6Addr::LOCALHOST)];
        runtime.block_on(icmp_rounds("ICMPv6 ::1", loopback, None, seconds));
    }
    if wanted("lab") {
        lab_rounds(seconds);
    }
}
