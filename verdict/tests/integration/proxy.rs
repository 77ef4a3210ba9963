//! The browser judge's IPv6-only proxy on the loopback: what it relays, what it refuses (and
//! with which reason code), and its bounds. The lab cases (names without AAAA, black holes,
//! a dual-stack client that must never fall back to IPv4) are in `lab_proxy.rs`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use probes::{ProbeConfig, Prober, Reason};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use verdict::browser::{Proxy, ProxyLimits};

/// A web server on `ip:0` answering every request with `body`, counting connections.
async fn web(ip: IpAddr, body: &'static str) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind(SocketAddr::new(ip, 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let head = read_head(&mut stream).await;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nX-Seen-Request: {}\r\n\r\n{body}",
                    body.len(),
                    head.lines().next().unwrap_or("").replace(' ', "_"),
                );
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    (address, hits)
}

/// Echoes what it reads; or, with `flood`, sends that many bytes at once.
async fn echo(flood: usize) -> SocketAddr {
    let listener = TcpListener::bind((Ipv6Addr::LOCALHOST, 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                if flood > 0 {
                    let _ = stream.write_all(&vec![b'x'; flood]).await;
                    return;
                }
                let mut buf = [0u8; 1024];
                while let Ok(n) = stream.read(&mut buf).await {
                    if n == 0 || stream.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    address
}

/// Accepts and never answers.
async fn silent() -> SocketAddr {
    let listener = TcpListener::bind((Ipv6Addr::LOCALHOST, 0)).await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    address
}

async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(0) | Err(_) => break,
            Ok(_) => head.push(byte[0]),
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn prober(deny: Vec<ipnet::IpNet>) -> Arc<Prober> {
    Arc::new(
        Prober::new(ProbeConfig {
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            deny,
            ..ProbeConfig::default()
        })
        .unwrap(),
    )
}

async fn proxy(limits: ProxyLimits) -> Proxy {
    Proxy::start(prober(Vec::new()), limits).await.unwrap()
}

/// A plain-HTTP request through the proxy; the whole answer (the connection is closed).
async fn get(proxy: &Proxy, url: &str) -> String {
    let mut stream = TcpStream::connect(proxy.address()).await.unwrap();
    let request = format!("GET {url} HTTP/1.1\r\nHost: ignored\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

/// Opens a tunnel; the answer's head and, on success, the tunnel.
async fn connect(proxy: &Proxy, authority: &str) -> (String, TcpStream) {
    let mut stream = TcpStream::connect(proxy.address()).await.unwrap();
    let request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    (read_head(&mut stream).await, stream)
}

fn reason_of(answer: &str) -> Option<String> {
    answer.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("x-v6watch-reason: ")
            .map(str::to_string)
    })
}

#[tokio::test]
async fn plain_http_is_relayed_over_ipv6_in_origin_form() {
    let (address, _) = web(IpAddr::V6(Ipv6Addr::LOCALHOST), "hello over v6").await;
    let proxy = proxy(ProxyLimits::default()).await;
    let url = format!("http://[::1]:{}/a/b?c=d", address.port());
    let answer = get(&proxy, &url).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("hello over v6"), "{answer}");
    // The origin server gets the path, not the proxy form.
    assert!(
        answer.contains("X-Seen-Request: GET_/a/b?c=d_HTTP/1.1")
            || answer.contains("x-seen-request: GET_/a/b?c=d_HTTP/1.1"),
        "{answer}"
    );
    let ledger = proxy.ledger();
    let entry = ledger.get("[::1]", address.port()).expect("recorded");
    assert_eq!(entry.record.reason, Reason::Ok);
    assert_eq!(entry.record.attempts.len(), 1);
    assert_eq!(
        entry.record.attempts[0].address,
        IpAddr::V6(Ipv6Addr::LOCALHOST)
    );
}

#[tokio::test]
async fn an_ipv4_literal_is_refused_and_never_contacted() {
    let (address, hits) = web(IpAddr::V4(Ipv4Addr::LOCALHOST), "over v4").await;
    let proxy = proxy(ProxyLimits::default()).await;
    let answer = get(&proxy, &format!("http://127.0.0.1:{}/", address.port())).await;
    assert!(answer.starts_with("HTTP/1.1 502"), "{answer}");
    assert_eq!(reason_of(&answer).as_deref(), Some("ipv4_literal"));
    let (head, _) = connect(&proxy, &format!("127.0.0.1:{}", address.port())).await;
    assert!(head.starts_with("HTTP/1.1 502"), "{head}");
    assert_eq!(reason_of(&head).as_deref(), Some("ipv4_literal"));
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing may reach IPv4");
    let ledger = proxy.ledger();
    let entry = ledger.get("127.0.0.1", address.port()).unwrap();
    assert_eq!(entry.record.reason, Reason::Ipv4Literal);
    assert_eq!(
        entry.connections, 2,
        "the second request is refused from the record"
    );
}

#[tokio::test]
async fn connect_tunnels_carry_bytes_both_ways() {
    let address = echo(0).await;
    let proxy = proxy(ProxyLimits::default()).await;
    let (head, mut tunnel) = connect(&proxy, &format!("[::1]:{}", address.port())).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    tunnel.write_all(b"ping through the tunnel").await.unwrap();
    let mut back = [0u8; 23];
    tunnel.read_exact(&mut back).await.unwrap();
    assert_eq!(&back, b"ping through the tunnel");
    drop(tunnel);
    // The byte count lands when the tunnel ends.
    for _ in 0..100 {
        if proxy.ledger().get("[::1]", address.port()).unwrap().bytes == 46 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("bytes: {:?}", proxy.ledger().get("[::1]", address.port()));
}

#[tokio::test]
async fn a_closed_port_is_refused_with_the_probes_reason() {
    let closed = {
        let listener = std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, 0)).unwrap();
        listener.local_addr().unwrap().port()
    };
    let proxy = proxy(ProxyLimits::default()).await;
    let (head, _) = connect(&proxy, &format!("[::1]:{closed}")).await;
    assert!(head.starts_with("HTTP/1.1 502"), "{head}");
    assert_eq!(reason_of(&head).as_deref(), Some("refused"));
    let answer = get(&proxy, &format!("http://[::1]:{closed}/")).await;
    assert_eq!(reason_of(&answer).as_deref(), Some("refused"));
    assert!(answer.contains("cannot be reached over IPv6"), "{answer}");
}

#[tokio::test]
async fn denied_ranges_are_never_contacted() {
    let (address, hits) = web(IpAddr::V6(Ipv6Addr::LOCALHOST), "secret").await;
    let proxy = Proxy::start(
        prober(vec!["::1/128".parse().unwrap()]),
        ProxyLimits::default(),
    )
    .await
    .unwrap();
    let answer = get(&proxy, &format!("http://[::1]:{}/", address.port())).await;
    assert_eq!(reason_of(&answer).as_deref(), Some("denied"));
    assert!(!answer.contains("secret"));
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_silent_upstream_does_not_hold_up_other_requests() {
    let stuck = silent().await;
    let (good, _) = web(IpAddr::V6(Ipv6Addr::LOCALHOST), "still served").await;
    let proxy = Arc::new(proxy(ProxyLimits::default()).await);
    let waiting = {
        let proxy = proxy.clone();
        tokio::spawn(async move { get(&proxy, &format!("http://[::1]:{}/", stuck.port())).await })
    };
    // A bound so that a stall fails the test instead of hanging it; not a speed figure.
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        get(&proxy, &format!("http://[::1]:{}/", good.port())),
    )
    .await
    .expect("the second request was held up");
    assert!(answer.ends_with("still served"), "{answer}");
    assert!(!waiting.is_finished(), "the silent upstream answered?");
    waiting.abort();
}

#[tokio::test]
async fn a_tunnel_stops_at_the_page_byte_budget() {
    let flood = echo(1_000_000).await;
    let proxy = proxy(ProxyLimits {
        max_bytes: 100_000,
        ..ProxyLimits::default()
    })
    .await;
    let (head, mut tunnel) = connect(&proxy, &format!("[::1]:{}", flood.port())).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let mut got = Vec::new();
    tunnel.read_to_end(&mut got).await.unwrap_or_default();
    assert!(!got.is_empty());
    assert!(
        got.len() <= 100_000,
        "{} bytes passed a budget of 100000",
        got.len()
    );
}

#[tokio::test]
async fn connections_beyond_the_limit_are_refused_but_not_judged() {
    let (one, _) = web(IpAddr::V6(Ipv6Addr::LOCALHOST), "one").await;
    let (two, hits) = web(IpAddr::V6(Ipv6Addr::LOCALHOST), "two").await;
    let proxy = proxy(ProxyLimits {
        max_connections: 1,
        ..ProxyLimits::default()
    })
    .await;
    assert!(
        get(&proxy, &format!("http://[::1]:{}/", one.port()))
            .await
            .ends_with("one")
    );
    let answer = get(&proxy, &format!("http://[::1]:{}/", two.port())).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert_eq!(
        reason_of(&answer),
        None,
        "a limit of v6watch's is no reason of the host's"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0);
    let ledger = proxy.ledger();
    assert_eq!(ledger.capped, 1);
    assert!(ledger.get("[::1]", two.port()).is_none());
}

#[tokio::test]
async fn requests_that_are_not_for_a_proxy_get_a_clear_answer() {
    let proxy = proxy(ProxyLimits::default()).await;
    let mut stream = TcpStream::connect(proxy.address()).await.unwrap();
    stream
        .write_all(b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        answer.contains("CONNECT and absolute http:// URLs only"),
        "{answer}"
    );
}

#[tokio::test]
async fn dropping_the_proxy_closes_its_port() {
    let proxy = proxy(ProxyLimits::default()).await;
    let address = proxy.address();
    drop(proxy);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(TcpStream::connect(address).await.is_err());
}
