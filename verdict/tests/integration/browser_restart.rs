//! The shared Chromium on the loopback: killed in the middle of a visit, the visit ends with
//! an error (soon, not at its wall clock), and the next visit through the same `Chromium`
//! starts a new browser and succeeds. Pages are served on `[::1]`, the only loopback the
//! IPv6-only proxy reaches. Skipped, saying so, when Chromium is not installed.

use std::net::{Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use probes::{ProbeConfig, Prober};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use url::Url;
use verdict::browser::{Chromium, VisitLimits, find_chromium};

/// `/slow` sends its head and the start of a body it never finishes (and notifies `asked`);
/// anything else is a small complete page.
async fn web(asked: Arc<Notify>) -> SocketAddr {
    let listener = TcpListener::bind((Ipv6Addr::LOCALHOST, 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let asked = asked.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => head.push(byte[0]),
                    }
                }
                let line = String::from_utf8_lossy(&head)
                    .lines()
                    .next()
                    .map(str::to_owned);
                if line.is_some_and(|l| l.contains("/slow")) {
                    let _ = stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\
                              Content-Length: 1000000\r\n\r\n<!doctype html><title>slow</title>",
                        )
                        .await;
                    asked.notify_one();
                    // Never finishes: the page stays busy for as long as anyone waits.
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                }
                let body = "<!doctype html><title>good</title><p>good";
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    address
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_killed_mid_visit_fails_that_visit_and_is_started_again() {
    let Some(executable) = find_chromium() else {
        eprintln!("skipped: Chromium is not installed (scripts/install-deps.sh installs it)");
        return;
    };
    let asked = Arc::new(Notify::new());
    let address = web(asked.clone()).await;
    let slow = Url::parse(&format!("http://[::1]:{}/slow", address.port())).unwrap();
    let good = Url::parse(&format!("http://[::1]:{}/good", address.port())).unwrap();
    let prober = Arc::new(Prober::new(ProbeConfig::default()).expect("prober"));
    let chromium = Chromium::new(executable, 1);
    // Left alone, the busy page would hold the visit up to its wall clock.
    let limits = VisitLimits {
        wall_clock: Duration::from_secs(40),
        ..VisitLimits::default()
    };

    let visit = chromium.visit(prober.clone(), &slow, limits);
    tokio::pin!(visit);
    tokio::select! {
        () = asked.notified() => {}
        ended = &mut visit => panic!("the visit ended before the page was asked for: {ended:?}"),
        () = tokio::time::sleep(Duration::from_secs(60)) => panic!("the page was never asked for"),
    }
    let first = chromium.pid().await.expect("a running browser has a pid");
    kill(Pid::from_raw(first as i32), Signal::SIGKILL).expect("kill Chromium");
    let killed = Instant::now();
    let ended = tokio::time::timeout(Duration::from_secs(10), visit)
        .await
        .expect("the visit went on for 10 s after its browser was killed");
    assert!(ended.is_err(), "a visit whose browser died: {ended:?}");
    eprintln!(
        "visit ended {:?} after the kill: {}",
        killed.elapsed(),
        ended.unwrap_err()
    );

    let next = tokio::time::timeout(
        Duration::from_secs(60),
        chromium.visit(prober, &good, VisitLimits::default()),
    )
    .await
    .expect("the next visit hung")
    .expect("the next visit, in a new browser");
    assert_eq!(next.navigation_error, None, "{next:?}");
    assert!(
        next.requests
            .iter()
            .any(|r| r.url == good.as_str() && r.outcome == "ok" && r.status == Some(200)),
        "{next:?}"
    );
    let second = chromium.pid().await.expect("started again");
    assert_ne!(second, first, "the same browser process after the kill");
}
