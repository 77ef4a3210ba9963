//! Probe stage against hostile HTTP servers on the IPv6 loopback: every misbehaviour must end
//! as an outcome with a reason, in bounded time, without a panic.

use std::net::{Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use probes::{Family, ProbeConfig, ProbeSpec, Prober, Reason};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

/// What a test server does with each connection, after reading the request head.
type Behaviour = fn(TcpStream) -> futures::future::BoxFuture<'static, ()>;

/// Serve `behaviour` on `[::1]:0`; returns the port.
async fn serve(behaviour: Behaviour) -> u16 {
    let listener = TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, 0)))
        .await
        .expect("bind [::1]:0");
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                behaviour(stream).await;
            });
        }
    });
    port
}

fn config() -> ProbeConfig {
    ProbeConfig {
        // Never used: every URL here is an address literal.
        nameservers: vec!["[::1]:9".parse().unwrap()],
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(1),
        body_cap: 64 * 1024,
        ..ProbeConfig::default()
    }
}

async fn probe_path(port: u16, path: &str) -> probes::Outcome {
    let prober = Prober::new(config()).expect("prober");
    let url = Url::parse(&format!("http://[::1]:{port}{path}")).unwrap();
    let started = Instant::now();
    let report = prober
        .run(&ProbeSpec::Http {
            url,
            expected_status: None,
        })
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(report.family(Family::V4).count(), 0, "{report:?}");
    let outcome = report.best(Family::V6).expect("an IPv6 outcome").clone();
    println!("{outcome:?}");
    outcome
}

async fn write(mut stream: TcpStream, bytes: &[u8]) {
    let _ = stream.write_all(bytes).await;
    let _ = stream.shutdown().await;
}

#[tokio::test]
async fn garbage_instead_of_http_is_http_error() {
    let port = serve(|s| Box::pin(write(s, b"SSH-2.0-OpenSSH_9.0\r\n\r\n"))).await;
    assert_eq!(probe_path(port, "/").await.reason, Reason::HttpError);
}

#[tokio::test]
async fn endless_headers_are_http_error() {
    let port = serve(|mut s| {
        Box::pin(async move {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\n").await;
            for i in 0..100_000 {
                let line = format!("X-Filler-{i}: {}\r\n", "a".repeat(100));
                if s.write_all(line.as_bytes()).await.is_err() {
                    return;
                }
            }
        })
    })
    .await;
    assert_eq!(probe_path(port, "/").await.reason, Reason::HttpError);
}

#[tokio::test]
async fn endless_body_is_read_up_to_the_cap_and_answers() {
    let port = serve(|mut s| {
        Box::pin(async move {
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                .await;
            let chunk = format!("4000\r\n{}\r\n", "x".repeat(0x4000));
            while s.write_all(chunk.as_bytes()).await.is_ok() {}
        })
    })
    .await;
    let outcome = probe_path(port, "/").await;
    assert_eq!(outcome.reason, Reason::Ok, "the service answered");
    assert_eq!(outcome.status, Some(200));
    assert!(
        outcome.detail.contains("65536-byte cap"),
        "{}",
        outcome.detail
    );
}

/// Streams a body that goes on for ever after announcing an absurd length.
async fn announced_huge(mut s: TcpStream) {
    let _ = s
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n")
        .await;
    let block = "y".repeat(0x4000);
    while s.write_all(block.as_bytes()).await.is_ok() {}
}

#[tokio::test]
async fn announced_huge_body_is_read_up_to_the_cap() {
    let port = serve(|s| Box::pin(announced_huge(s))).await;
    let prober = Prober::new(config()).unwrap();
    let url = Url::parse(&format!("http://[::1]:{port}/")).unwrap();
    let fetch = prober.fetch_v6(&url).await;
    assert_eq!(fetch.outcome.reason, Reason::Ok, "{:?}", fetch.outcome);
    assert_eq!(fetch.body.len(), 64 * 1024);
    assert!(fetch.truncated);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Sends `body` gzip-encoded although the request asked for no encoding.
async fn gzipped(mut s: TcpStream, body: Vec<u8>) {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes()).await;
    write(s, &body).await;
}

#[tokio::test]
async fn gzip_bodies_are_decoded_and_bombs_stop_at_the_cap() {
    let page = serve(|s| {
        Box::pin(gzipped(
            s,
            gzip(b"<script src=\"//cdn.example.test/app.js\"></script>"),
        ))
    })
    .await;
    let bomb = serve(|s| Box::pin(gzipped(s, gzip(&vec![b' '; 20 * 1024 * 1024])))).await;
    let prober = Prober::new(config()).unwrap();
    let fetch = |port: u16| {
        let url = Url::parse(&format!("http://[::1]:{port}/")).unwrap();
        let prober = &prober;
        async move { prober.fetch_v6(&url).await }
    };
    let read = fetch(page).await;
    assert_eq!(read.outcome.reason, Reason::Ok);
    assert_eq!(
        String::from_utf8_lossy(&read.body),
        "<script src=\"//cdn.example.test/app.js\"></script>"
    );
    assert!(!read.truncated);
    let read = fetch(bomb).await;
    assert_eq!(read.outcome.reason, Reason::Ok, "{:?}", read.outcome);
    assert_eq!(read.body.len(), 64 * 1024, "decoded up to the cap only");
    assert!(read.truncated);
}

#[tokio::test]
async fn reset_mid_body_is_reset() {
    let port = serve(|s| {
        Box::pin(async move {
            let mut s = s;
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial")
                .await;
            let _ = s.flush().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            // Linger 0: closing sends a RST.
            let _ = s.set_zero_linger();
            drop(s);
        })
    })
    .await;
    assert_eq!(probe_path(port, "/").await.reason, Reason::Reset);
}

#[tokio::test]
async fn closed_mid_body_is_reset() {
    let port = serve(|s| {
        Box::pin(write(
            s,
            b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial",
        ))
    })
    .await;
    assert_eq!(probe_path(port, "/").await.reason, Reason::Reset);
}

#[tokio::test]
async fn silent_server_times_out() {
    let port = serve(|s| {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(s);
        })
    })
    .await;
    assert_eq!(probe_path(port, "/").await.reason, Reason::Timeout);
}

#[tokio::test]
async fn dripping_body_times_out() {
    let port = serve(|mut s| {
        Box::pin(async move {
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
                .await;
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if s.write_all(b"x").await.is_err() {
                    return;
                }
            }
        })
    })
    .await;
    assert_eq!(probe_path(port, "/").await.reason, Reason::Timeout);
}

#[tokio::test]
async fn odd_statuses_are_http_status() {
    let port =
        serve(|s| Box::pin(write(s, b"HTTP/1.1 599 Weird\r\nContent-Length: 0\r\n\r\n"))).await;
    let outcome = probe_path(port, "/").await;
    assert_eq!(outcome.reason, Reason::HttpStatus);
    assert_eq!(outcome.status, Some(599));
}

/// A server that answers every request with `302` to the given location.
macro_rules! redirect_to {
    ($location:expr) => {
        |s| {
            Box::pin(write(
                s,
                concat!(
                    "HTTP/1.1 302 Found\r\nLocation: ",
                    $location,
                    "\r\nContent-Length: 0\r\n\r\n"
                )
                .as_bytes(),
            ))
        }
    };
}

#[tokio::test]
async fn bad_redirects_have_reasons() {
    let cases: Vec<(Behaviour, Reason)> = vec![
        (redirect_to!("http://[::1"), Reason::HttpError),
        (redirect_to!("ftp://[::1]/file"), Reason::HttpError),
        (redirect_to!("javascript:alert(1)"), Reason::HttpError),
        // An IPv4 literal has no IPv6 address: nothing is sent to it.
        (
            redirect_to!("http://192.0.2.1/"),
            Reason::RedirectToIpv4Only,
        ),
        (redirect_to!("/again"), Reason::TooManyRedirects),
    ];
    for (behaviour, want) in cases {
        let port = serve(behaviour).await;
        let outcome = probe_path(port, "/").await;
        assert_eq!(outcome.reason, want, "{outcome:?}");
    }
}

/// A URL or a TCP target written as an IPv4 address asks no DNS: its IPv6 side says so with
/// its own code rather than "no AAAA record", and its IPv4 side is probed as usual.
#[tokio::test]
async fn an_ipv4_literal_target_has_its_own_reason_on_the_ipv6_side() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            write(
                stream,
                b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n",
            )
            .await;
        }
    });
    let prober = Prober::new(config()).expect("prober");
    for spec in [
        ProbeSpec::Http {
            url: Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap(),
            expected_status: None,
        },
        ProbeSpec::Tcp {
            host: "127.0.0.1".into(),
            port,
        },
    ] {
        let report = prober.run(&spec).await;
        let v6 = report.best(Family::V6).expect("an IPv6 outcome");
        assert_eq!(v6.reason, Reason::Ipv4Literal, "{report:?}");
        assert!(v6.detail.contains("IPv4 address"), "{v6:?}");
        let v4 = report.best(Family::V4).expect("an IPv4 outcome");
        assert_eq!(v4.reason, Reason::Ok, "{report:?}");
    }
}

#[tokio::test]
async fn redirect_to_a_closed_ipv6_port_is_ipv4_only() {
    // Bind then drop a listener: that port on [::1] is closed.
    let closed = {
        let l = std::net::TcpListener::bind("[::1]:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let listener = TcpListener::bind("[::1]:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 2048];
            let _ = s.read(&mut buf).await;
            let reply = format!(
                "HTTP/1.1 302 Found\r\nLocation: http://[::1]:{closed}/\r\nContent-Length: 0\r\n\r\n"
            );
            let _ = s.write_all(reply.as_bytes()).await;
        }
    });
    let outcome = probe_path(port, "/").await;
    assert_eq!(outcome.reason, Reason::RedirectToIpv4Only, "{outcome:?}");
    assert!(outcome.detail.contains("refused"), "{}", outcome.detail);
}

#[tokio::test]
async fn tcp_to_a_closed_port_is_refused() {
    let closed = {
        let l = std::net::TcpListener::bind("[::1]:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let prober = Prober::new(config()).unwrap();
    let report = prober
        .run(&ProbeSpec::Tcp {
            host: "::1".into(),
            port: closed,
        })
        .await;
    assert_eq!(report.best(Family::V6).unwrap().reason, Reason::Refused);
    assert_eq!(report.family(Family::V4).count(), 0);
}

#[tokio::test]
async fn ipv4_mapped_addresses_never_count_as_ipv6() {
    let prober = Prober::new(config()).unwrap();
    let report = prober
        .run(&ProbeSpec::Tcp {
            host: "::ffff:127.0.0.1".into(),
            port: 9,
        })
        .await;
    let outcome = report.best(Family::V6).unwrap();
    assert_eq!(outcome.reason, Reason::Unreachable);
    assert!(outcome.detail.contains("IPv4-mapped"), "{}", outcome.detail);
}

#[tokio::test]
async fn unsupported_url_schemes_are_http_error() {
    let prober = Prober::new(config()).unwrap();
    let report = prober
        .run(&ProbeSpec::Http {
            url: Url::parse("ftp://[::1]/").unwrap(),
            expected_status: None,
        })
        .await;
    assert_eq!(report.best(Family::V6).unwrap().reason, Reason::HttpError);
}

#[tokio::test]
async fn denied_addresses_are_never_contacted() {
    let listener = TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, 0)))
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let prober = Prober::new(ProbeConfig {
        deny: vec!["::1/128".parse().unwrap()],
        ..config()
    })
    .unwrap();
    let url = Url::parse(&format!("http://[::1]:{port}/")).unwrap();
    let specs = [
        ProbeSpec::Http {
            url: url.clone(),
            expected_status: None,
        },
        ProbeSpec::Tcp {
            host: "::1".into(),
            port,
        },
        ProbeSpec::Icmp {
            address: Ipv6Addr::LOCALHOST.into(),
        },
    ];
    for spec in &specs {
        let report = prober.run(spec).await;
        let outcome = report.best(Family::V6).expect("an IPv6 outcome");
        assert_eq!(outcome.reason, Reason::Denied, "{spec:?}: {outcome:?}");
        assert!(outcome.detail.contains("--deny-target"), "{outcome:?}");
    }
    assert_eq!(prober.fetch_v6(&url).await.outcome.reason, Reason::Denied);
    let accepted = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
    assert!(
        accepted.is_err(),
        "no connection reached the denied address"
    );
}
