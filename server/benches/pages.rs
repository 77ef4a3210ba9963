//! Page speed: the overview and a service page under concurrent load, served by the real
//! router from a database with 1,000 services and 30 days of history (hourly rollups for the
//! older hours, raw results every 5 minutes for the last 24 hours, both families). Prints
//! p50/p99 latency and requests/s per page.
//!
//! `cargo bench -p v6watch --bench pages` (loopback only). `V6WATCH_BENCH_REQUESTS` sets the
//! requests per page (default 400), `V6WATCH_BENCH_CLIENTS` the concurrent clients (default 8).
//! `V6WATCH_BENCH_QUERIES=1` instead times the overview's store calls one at a time.

use reqwest::redirect::Policy;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const SERVICES: i64 = 1_000;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Fills the database inside SQLite (recursive CTEs), so the fill takes seconds, not minutes.
async fn fill(pool: &sqlx::SqlitePool, now_ms: i64) {
    let host: i64 = sqlx::query_scalar("INSERT INTO hosts (name) VALUES ('bench') RETURNING id")
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO services (name, kind, target, port, host_id)
         SELECT 'service ' || i, 'tcp', 'svc' || i || '.lab.test', 443, ? FROM n",
    )
    .bind(SERVICES)
    .bind(host)
    .execute(pool)
    .await
    .unwrap();
    store::checks::sync_from_inventory(pool).await.unwrap();
    let this_hour = now_ms / 3_600_000 * 3_600;
    sqlx::query(
        "WITH RECURSIVE h(hour) AS (SELECT ?1 - 30 * 86400 UNION ALL SELECT hour + 3600 FROM h WHERE hour < ?1 - 86400 - 3600)
         INSERT INTO result_rollups (check_id, family, hour, count, ok_count, min_latency_ms, avg_latency_ms, max_latency_ms)
         SELECT c.id, f.family, h.hour, 12, 12 - (c.id + h.hour / 3600) % 2, 4.0, 6.0 + (h.hour / 3600) % 5, 15.0
           FROM checks c, (SELECT 'v6' AS family UNION ALL SELECT 'v4') f, h",
    )
    .bind(this_hour)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "WITH RECURSIVE t(at) AS (SELECT ?1 - 86400000 UNION ALL SELECT at + 300000 FROM t WHERE at < ?1 - 300000)
         INSERT INTO results (check_id, at, family, address, reason, ok, latency_ms, lateness_ms, detail)
         SELECT c.id, t.at + c.id, f.family, '2001:db8::1', 'ok', 1, 5.0 + (t.at / 300000) % 7, 1.0, '[]'
           FROM checks c, (SELECT 'v6' AS family UNION ALL SELECT 'v4') f, t",
    )
    .bind(now_ms)
    .execute(pool)
    .await
    .unwrap();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

/// `requests` GETs of `path` from `clients` concurrent clients sharing the session cookie.
async fn load(client: &reqwest::Client, base: &str, path: &str, requests: usize, clients: usize) {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, url) = (client.clone(), format!("{base}{path}"));
        let share = requests / clients + usize::from(c < requests % clients);
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(share);
            for _ in 0..share {
                let t = Instant::now();
                let r = client.get(&url).send().await.unwrap();
                assert_eq!(r.status(), reqwest::StatusCode::OK, "{url}");
                r.bytes().await.unwrap();
                times.push(t.elapsed());
            }
            times
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    times.sort();
    println!(
        "{path}: {} requests, {clients} clients: p50 {:.1} ms, p99 {:.1} ms, {:.1} requests/s",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0,
        times.len() as f64 / elapsed.as_secs_f64()
    );
}

/// Prints p50/p99 of `runs` sequential calls of `call`.
async fn time_call<T, F, Fut>(name: &str, runs: usize, call: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = store::Result<T>>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        call().await.unwrap();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{name}: {runs} calls: p50 {:.2} ms, p99 {:.2} ms",
        percentile(&times, 0.5).as_secs_f64() * 1000.0,
        percentile(&times, 0.99).as_secs_f64() * 1000.0
    );
}

/// The store calls the overview makes, and the history reads of a service page, timed one
/// at a time without the web stack: where a request spends its database time.
async fn store_calls(pool: &sqlx::SqlitePool, now: i64, check: i64) {
    use store;
    let runs = 50;
    time_call("inventory_counts", runs, || store::inventory_counts(pool)).await;
    time_call("changes::recent", runs, || store::changes::recent(pool, 15)).await;
    time_call("verdicts::judged_kind_badges", runs, || {
        store::verdicts::judged_kind_badges(pool)
    })
    .await;
    time_call("health::check_states", runs, || {
        store::health::check_states(pool)
    })
    .await;
    time_call("health::readiness_at", runs, || {
        store::health::readiness_at(pool, now - 86_400_000)
    })
    .await;
    time_call("incidents::open", runs, || store::incidents::open(pool, 20)).await;
    let day = 86_400_000;
    time_call("results::runs_between (24 h)", runs, || {
        store::results::runs_between(pool, check, now - day, now)
    })
    .await;
    time_call("results::rollups_between (30 d)", runs, || {
        store::results::rollups_between(pool, check, now - 30 * day, now - day)
    })
    .await;
}

#[tokio::main]
async fn main() {
    let requests = env_or("V6WATCH_BENCH_REQUESTS", 400);
    let clients = env_or("V6WATCH_BENCH_CLIENTS", 8).max(1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let pool = store::open(&path).await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let t = Instant::now();
    fill(&pool, now).await;
    let rows: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM result_rollups), (SELECT COUNT(*) FROM results)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await
        .unwrap();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "filled in {:.1} s: {SERVICES} services, {} rollups, {} raw results, {:.0} MiB",
        t.elapsed().as_secs_f64(),
        rows.0,
        rows.1,
        size as f64 / 1_048_576.0
    );

    if std::env::var("V6WATCH_BENCH_QUERIES").as_deref() == Ok("1") {
        let check: i64 = sqlx::query_scalar("SELECT id FROM checks ORDER BY id LIMIT 1 OFFSET 500")
            .fetch_one(&pool)
            .await
            .unwrap();
        store_calls(&pool, now, check).await;
        return;
    }
    let router = v6watch::web::router(pool.clone(), dir.path().to_str().unwrap(), false);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap();
    let r = client
        .post(format!("{base}/actions/setup"))
        .header("origin", &base)
        .form(&[
            ("username", "admin"),
            ("password", "correct horse battery"),
            ("confirm", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let service: i64 = sqlx::query_scalar("SELECT id FROM services ORDER BY id LIMIT 1 OFFSET 500")
        .fetch_one(&pool)
        .await
        .unwrap();
    // Warm up: the first requests open connections and fill caches.
    load(&client, &base, "/", clients, clients).await;
    load(&client, &base, "/", requests, clients).await;
    for range in ["", "?range=7d", "?range=30d"] {
        load(
            &client,
            &base,
            &format!("/services/{service}{range}"),
            requests,
            clients,
        )
        .await;
    }
}
