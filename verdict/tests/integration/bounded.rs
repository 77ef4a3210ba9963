//! Verdict stage against pages on the IPv6 loopback that push the judge's bounds: a page over
//! the body cap, and a page whose hundred dependency hosts have dead DNS.

use std::net::{Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use probes::{ProbeConfig, Prober, Reason};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use url::Url;
use verdict::extract::Limits;
use verdict::{DepVerdict, Verdict, judge_url};

/// Serve `page` (as text/html, then close) on `[::1]:0`; returns the page's URL.
async fn serve(page: Vec<u8>) -> Url {
    let listener = TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, 0)))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let page = page.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n",
                    page.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.write_all(&page).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Url::parse(&format!("http://[::1]:{port}/")).unwrap()
}

/// A nameserver on `[::1]` that reads every query and never answers.
async fn dead_nameserver() -> SocketAddr {
    let socket = UdpSocket::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, 0)))
        .await
        .unwrap();
    let address = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while socket.recv_from(&mut buf).await.is_ok() {}
    });
    address
}

fn prober(nameserver: SocketAddr, timeout: Duration, body_cap: usize) -> Prober {
    Prober::new(ProbeConfig {
        nameservers: vec![nameserver],
        timeout,
        connect_timeout: timeout.min(Duration::from_secs(1)),
        body_cap,
        ..ProbeConfig::default()
    })
    .unwrap()
}

#[tokio::test]
async fn a_page_over_the_cap_is_judged_on_what_was_read() {
    let asset = serve(b"body{}".to_vec()).await;
    let mut page =
        format!("<html><head><script src=\"{asset}app.js\"></script></head><body>").into_bytes();
    page.resize(3 * 1024 * 1024, b' ');
    page.extend_from_slice(b"<img src=\"http://never-read.example.test/x.png\"></body></html>");
    let url = serve(page).await;
    let prober = prober(
        dead_nameserver().await,
        Duration::from_secs(3),
        2 * 1024 * 1024,
    );
    let verdict = judge_url(&prober, &url, &[], &Limits::default()).await;
    assert_eq!(verdict.verdict, Verdict::Ready, "{verdict:?}");
    assert!(verdict.truncated, "the verdict says it read only a part");
    let hosts: Vec<&str> = verdict
        .dependencies
        .iter()
        .map(|d| d.host.as_str())
        .collect();
    assert_eq!(
        hosts,
        ["::1"],
        "the script before the cap is found, the image after is not"
    );
}

#[tokio::test]
async fn a_judgement_ends_by_its_deadline_whatever_its_dependencies_do() {
    let timeout = Duration::from_millis(600);
    let page: String = (0..100)
        .map(|i| format!("<script src=\"http://dep{i}.dead.example.test/x.js\"></script>"))
        .collect();
    let url = serve(page.into_bytes()).await;
    let prober = prober(dead_nameserver().await, timeout, 1024 * 1024);
    let started = Instant::now();
    let verdict = judge_url(&prober, &url, &[], &Limits::default()).await;
    let took = started.elapsed();
    // Three probe timeouts (1.8 s) and scheduling slack; checked one round of eight hosts at a
    // time, the hundred hosts would take thirteen rounds (over 7 s).
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert_eq!(verdict.verdict, Verdict::Partial);
    assert_eq!(verdict.dependencies.len(), 100, "every host is listed");
    assert!(verdict.truncated);
    for dep in &verdict.dependencies {
        assert_eq!(dep.verdict, DepVerdict::Broken, "{dep:?}");
        assert!(
            matches!(dep.reason, Some(Reason::Timeout | Reason::DnsTimeout)),
            "{dep:?}"
        );
    }
    let late = verdict
        .dependencies
        .iter()
        .filter(|d| d.detail.contains("ran out"))
        .count();
    assert!(late > 50, "most hosts were never reached: {late}");
}
