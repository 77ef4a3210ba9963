//! `v6watch serve` as a process: it serves, and SIGTERM stops it cleanly (the background jobs
//! end, the database is closed, the exit status is 0) within a few seconds.

use crate::support::process::{Serve, healthz};
use std::time::Duration;

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    // Port 0: the server binds a free port itself and logs it, so no port is handed over
    // from a listener that might be taken meanwhile.
    let (server, address) = Serve::start(&dir.path().join("v6watch.db"), dir.path(), &[]);
    assert_ne!(address.port(), 0);
    let answer = healthz(address).expect("serving");
    assert_eq!(answer.status, 200, "{answer:?}");

    let (status, log) = server.terminate(Duration::from_secs(20));
    let status = status.unwrap_or_else(|| panic!("still running 20 s after SIGTERM: {log}"));
    assert!(status.success(), "{status}: {log}");
    assert!(log.contains("v6watch stopped"), "{log}");
    assert!(
        healthz(address).is_none(),
        "still answering after it stopped"
    );
}

#[test]
fn a_second_serve_on_the_same_database_stops_with_a_message_and_the_first_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("v6watch.db");
    let (first, address) = Serve::start(&database, dir.path(), &["--no-scheduler"]);

    let mut second = Serve::spawn(&database, dir.path(), &["--no-scheduler"]);
    let status = second
        .wait_for_exit(Duration::from_secs(30))
        .expect("the second server is still running");
    let log = second.kill9();
    assert!(!status.success(), "{status}: {log}");
    assert!(log.contains("already in use"), "{log}");
    assert!(log.contains(&database.display().to_string()), "{log}");
    assert!(
        log.contains(&format!("process {}", first.pid())),
        "the holder is named: {log}"
    );
    assert!(!log.contains("v6watch is serving"), "{log}");

    let answer = healthz(address).expect("the first server stopped answering");
    assert_eq!(answer.status, 200, "{answer:?}");
}

/// A binary built without its site (plain `cargo build`, as the tests' own) cannot serve
/// pages that work: it says how to get one instead of serving pages without scripts.
#[test]
fn a_binary_without_its_site_asks_for_a_site_root() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_v6watch"))
        .args([
            "serve",
            "--no-scheduler",
            "--listen",
            "127.0.0.1:0",
            "--database",
        ])
        .arg(dir.path().join("v6watch.db"))
        .env_remove("V6WATCH_SITE_ROOT")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("built without its site") && stderr.contains("--site-root"),
        "{stderr}"
    );
}
