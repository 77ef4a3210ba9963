//! `v6watch serve` as a process: it serves, and SIGTERM stops it cleanly (the background jobs
//! end, the database is closed, the exit status is 0) within a few seconds.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{ChildStderr, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn healthz(address: SocketAddr) -> Option<String> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    Some(answer)
}

/// Reads the server's log on a thread: the address from its "v6watch is serving" line is
/// sent as soon as it appears, the whole log when the process closes it.
fn follow_log(
    stderr: ChildStderr,
) -> (mpsc::Receiver<SocketAddr>, std::thread::JoinHandle<String>) {
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut log = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("v6watch is serving") {
                let address = line
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("address="))
                    .and_then(|a| a.parse().ok());
                if let Some(address) = address {
                    let _ = tx.send(address);
                }
            }
            log.push_str(&line);
            log.push('\n');
        }
        log
    });
    (rx, reader)
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    // Port 0: the server binds a free port itself and logs it, so no port is handed over
    // from a listener that might be taken meanwhile.
    let mut server = Command::new(env!("CARGO_BIN_EXE_v6watch"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("NO_COLOR", "1")
        .arg("--database")
        .arg(dir.path().join("v6watch.db"))
        .arg("--site-root")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (serving, log) = follow_log(server.stderr.take().unwrap());
    let address = serving
        .recv_timeout(Duration::from_secs(30))
        .expect("the server never logged the address it serves on");
    assert_ne!(address.port(), 0);
    let started = Instant::now();
    let answer = loop {
        if let Some(answer) = healthz(address) {
            break answer;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "never served");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(answer.starts_with("HTTP/1.0 200"), "{answer}");

    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let stopping = Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        if stopping.elapsed() > Duration::from_secs(20) {
            let _ = server.kill();
            panic!("still running 20 s after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let log = log.join().unwrap();
    assert!(status.success(), "{status}: {log}");
    assert!(log.contains("v6watch stopped"), "{log}");
    assert!(
        healthz(address).is_none(),
        "still answering after it stopped"
    );
}

/// `serve` on `database` with its log followed.
fn start_serve(
    database: &std::path::Path,
    site_root: &std::path::Path,
) -> (
    std::process::Child,
    mpsc::Receiver<SocketAddr>,
    std::thread::JoinHandle<String>,
) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_v6watch"))
        .args(["serve", "--listen", "127.0.0.1:0", "--no-scheduler"])
        .env("NO_COLOR", "1")
        .arg("--database")
        .arg(database)
        .arg("--site-root")
        .arg(site_root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (serving, log) = follow_log(server.stderr.take().unwrap());
    (server, serving, log)
}

#[test]
fn a_second_serve_on_the_same_database_stops_with_a_message_and_the_first_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("v6watch.db");
    let (mut first, serving, first_log) = start_serve(&database, dir.path());
    let address = serving
        .recv_timeout(Duration::from_secs(30))
        .expect("the first server never logged its address");

    let (mut second, _serving, second_log) = start_serve(&database, dir.path());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = second.kill();
            let _ = first.kill();
            panic!("the second server is still running");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let log = second_log.join().unwrap();
    assert!(!status.success(), "{status}: {log}");
    assert!(log.contains("already in use"), "{log}");
    assert!(log.contains(&database.display().to_string()), "{log}");
    assert!(
        log.contains(&format!("process {}", first.id())),
        "the holder is named: {log}"
    );
    assert!(!log.contains("v6watch is serving"), "{log}");

    let answer = healthz(address).expect("the first server stopped answering");
    assert!(answer.starts_with("HTTP/1.0 200"), "{answer}");
    let _ = first.kill();
    let _ = first.wait();
    let _ = first_log.join();
}
