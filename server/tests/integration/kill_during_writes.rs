//! kill -9 during writes: the real `serve` is killed at random moments while clients create
//! and update hosts through the API, then restarted on the same database. Each time the
//! database passes `PRAGMA integrity_check`, every write that was answered with success is
//! there, and the killed process's lock file does not stop the restart.

use crate::support::process::{Serve, api, host_body, hosts_keeping, open_intact, write_token};
use rand::Rng;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROUNDS: usize = 8;
const WRITERS: usize = 3;

/// What the clients were told was stored.
#[derive(Default)]
struct Acknowledged {
    /// Hosts whose creation was answered 201.
    created: Vec<String>,
    /// The highest counter an update of the updated host's notes was answered 200 for.
    updated_to: u64,
}

/// Writes until the server stops answering: `WRITERS` threads create hosts, one replaces the
/// notes of host `updated` with a growing counter. Returns once each has seen the server
/// gone; `acked` counts answers with success in this round.
fn write_until_gone(
    address: SocketAddr,
    token: &str,
    round: usize,
    updated: i64,
    acknowledged: &Arc<Mutex<Acknowledged>>,
    acked: &Arc<AtomicUsize>,
    stop: &Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<()>> {
    let mut writers = Vec::new();
    for writer in 0..WRITERS {
        let (token, acknowledged, acked, stop) = (
            token.to_string(),
            Arc::clone(acknowledged),
            Arc::clone(acked),
            Arc::clone(stop),
        );
        writers.push(std::thread::spawn(move || {
            for i in 0.. {
                let name = format!("r{round}-w{writer}-{i}");
                let body = host_body(&name, "created before a kill");
                match api(address, &token, "POST", "/api/v1/hosts", &body) {
                    Some(a) if a.status == 201 => {
                        acknowledged.lock().unwrap().created.push(name);
                        acked.fetch_add(1, Ordering::SeqCst);
                    }
                    Some(a) if !stop.load(Ordering::SeqCst) => {
                        panic!("a create was refused while serving: {a:?}")
                    }
                    _ => return,
                }
            }
        }));
    }
    let (token, acknowledged, acked, stop) = (
        token.to_string(),
        Arc::clone(acknowledged),
        Arc::clone(acked),
        Arc::clone(stop),
    );
    writers.push(std::thread::spawn(move || {
        let mut counter = acknowledged.lock().unwrap().updated_to;
        loop {
            counter += 1;
            let body = host_body("updated", &format!("n={counter}"));
            let path = format!("/api/v1/hosts/{updated}");
            match api(address, &token, "PUT", &path, &body) {
                Some(a) if a.status == 200 => {
                    acknowledged.lock().unwrap().updated_to = counter;
                    acked.fetch_add(1, Ordering::SeqCst);
                }
                Some(a) if !stop.load(Ordering::SeqCst) => {
                    panic!("an update was refused while serving: {a:?}")
                }
                _ => return,
            }
        }
    }));
    writers
}

/// Opens the database as it was left (no migrations) and checks it against what the clients
/// were told.
async fn check_database(database: &Path, acknowledged: &Acknowledged, updated: i64) -> usize {
    let pool = open_intact(database).await;
    let stored = hosts_keeping(&pool, &acknowledged.created).await;
    let notes: String = sqlx::query_scalar("SELECT notes FROM hosts WHERE id = ?")
        .bind(updated)
        .fetch_one(&pool)
        .await
        .unwrap();
    let stored_counter: u64 = notes.trim_start_matches("n=").parse().unwrap_or(0);
    // The update in flight at the kill may or may not have been committed; none acknowledged
    // may be missing.
    assert!(
        stored_counter == acknowledged.updated_to || stored_counter == acknowledged.updated_to + 1,
        "answered 200 up to n={}, stored {notes:?}",
        acknowledged.updated_to
    );
    pool.close().await;
    stored.len()
}

#[test]
fn kill_9_during_writes_loses_nothing_committed_and_leaves_an_intact_database() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("v6watch.db");
    let lock_file = dir.path().join("v6watch.db.lock");
    let args = ["--no-scheduler"];

    let (mut server, mut address) = Serve::start(&database, dir.path(), &args);
    let token = write_token(address);
    let first = api(
        address,
        &token,
        "POST",
        "/api/v1/hosts",
        &host_body("updated", "n=0"),
    )
    .expect("the first host");
    assert_eq!(first.status, 201, "{first:?}");
    let updated: i64 = serde_json::from_str::<serde_json::Value>(&first.body).unwrap()["id"]
        .as_i64()
        .unwrap();

    let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
    let mut rng = rand::thread_rng();
    for round in 0..ROUNDS {
        let acked = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let writers = write_until_gone(
            address,
            &token,
            round,
            updated,
            &acknowledged,
            &acked,
            &stop,
        );
        // A random moment once writes are going through.
        let waiting = Instant::now();
        while acked.load(Ordering::SeqCst) == 0 {
            assert!(
                waiting.elapsed() < Duration::from_secs(30),
                "round {round}: no write went through: {}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(rng.gen_range(0..400)));
        stop.store(true, Ordering::SeqCst);
        let killed_pid = server.pid();
        let log = server.kill9();
        assert!(!log.contains("panicked"), "{log}");
        for writer in writers {
            writer.join().expect("a writer saw a wrong answer");
        }

        // The killed process's lock file stays behind, naming it...
        let holder = std::fs::read_to_string(&lock_file).unwrap();
        assert_eq!(holder.trim(), killed_pid.to_string());
        let total = {
            let acknowledged = acknowledged.lock().unwrap();
            runtime.block_on(check_database(&database, &acknowledged, updated))
        };
        assert!(total > round, "round {round}: {total} hosts");

        // ...and does not stop the restart.
        let restarted = Serve::start(&database, dir.path(), &args);
        server = restarted.0;
        address = restarted.1;
        let log = server.log();
        assert!(!log.contains("already in use"), "{log}");
        assert!(!log.contains("ERROR") && !log.contains("panicked"), "{log}");
    }

    let (status, log) = server.terminate(Duration::from_secs(20));
    assert!(status.is_some_and(|s| s.success()), "{status:?}: {log}");
    assert!(!log.contains("ERROR"), "{log}");
    let acknowledged = acknowledged.lock().unwrap();
    let total = runtime.block_on(check_database(&database, &acknowledged, updated));
    // Besides those acknowledged, at most the creates in flight at each kill.
    let acked = acknowledged.created.len() + 1;
    assert!(
        (acked..=acked + ROUNDS * WRITERS).contains(&total),
        "{total} hosts stored, {acked} acknowledged"
    );
}
