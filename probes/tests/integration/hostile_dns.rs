//! Probe stage against odd nameservers on the IPv6 loopback: every answer (or non-answer)
//! becomes a reason code, in bounded time, without a panic.

use std::net::{Ipv6Addr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_resolver::proto::op::{Message, MessageType, ResponseCode};
use hickory_resolver::proto::rr::rdata::AAAA;
use hickory_resolver::proto::rr::{RData, Record};
use probes::{DnsAnswer, ProbeConfig, Prober, Reason};
use tokio::net::UdpSocket;

/// How the fake nameserver answers one query (raw bytes in, raw bytes out; `None` = silence).
type Answer = fn(&[u8]) -> Option<Vec<u8>>;

/// Serve `answer` on `[::1]:0` over UDP; returns the address.
async fn nameserver(answer: Answer) -> SocketAddr {
    let socket = UdpSocket::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, 0)))
        .await
        .unwrap();
    let address = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while let Ok((n, peer)) = socket.recv_from(&mut buf).await {
            if let Some(reply) = answer(&buf[..n]) {
                let _ = socket.send_to(&reply, peer).await;
            }
        }
    });
    address
}

/// A well-formed reply to `query` with `code` and these AAAA answers.
fn reply(query: &[u8], code: ResponseCode, answers: &[Ipv6Addr]) -> Option<Vec<u8>> {
    let query = Message::from_vec(query).ok()?;
    let mut message = Message::new();
    message
        .set_id(query.id())
        .set_message_type(MessageType::Response)
        .set_recursion_desired(query.recursion_desired())
        .set_recursion_available(true)
        .set_authoritative(true)
        .set_response_code(code);
    message.add_queries(query.queries().to_vec());
    let name = query.queries().first()?.name().clone();
    for address in answers {
        message.add_answer(Record::from_rdata(
            name.clone(),
            60,
            RData::AAAA(AAAA(*address)),
        ));
    }
    message.to_vec().ok()
}

async fn resolve(server: SocketAddr) -> DnsAnswer {
    let config = ProbeConfig {
        nameservers: vec![server],
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_millis(500),
        ..ProbeConfig::default()
    };
    let prober = Prober::new(config).unwrap();
    let started = Instant::now();
    let answer = prober.resolve("odd.example.test").await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    println!("{answer:?}");
    answer
}

#[tokio::test]
async fn response_codes_become_reasons() {
    let cases: Vec<(Answer, Reason, &str)> = vec![
        (
            |q| reply(q, ResponseCode::ServFail, &[]),
            Reason::DnsError,
            "SERVFAIL",
        ),
        (
            |q| reply(q, ResponseCode::Refused, &[]),
            Reason::DnsError,
            "REFUSED",
        ),
        (
            |q| reply(q, ResponseCode::NotImp, &[]),
            Reason::DnsError,
            "NOTIMP",
        ),
        (
            |q| reply(q, ResponseCode::NXDomain, &[]),
            Reason::Nxdomain,
            "NXDOMAIN",
        ),
        (
            |q| reply(q, ResponseCode::NoError, &[]),
            Reason::NoAaaa,
            "no AAAA",
        ),
    ];
    for (answer, want, text) in cases {
        let server = nameserver(answer).await;
        let answer = resolve(server).await;
        assert_eq!(answer.aaaa, Err(want), "{text}");
        assert!(answer.aaaa_detail.contains(text), "{}", answer.aaaa_detail);
    }
}

#[tokio::test]
async fn silence_and_replies_to_other_queries_are_dns_timeout() {
    let cases: Vec<(Answer, &str)> = vec![
        (|_| None, "silence"),
        (|_| Some(vec![0xde, 0xad, 0xbe]), "three bytes"),
        (|_| Some(vec![0u8; 600]), "zeros"),
        (
            |q| {
                let mut r = reply(q, ResponseCode::NoError, &["2001:db8::1".parse().unwrap()])?;
                r[0] ^= 0xff; // another query's ID
                Some(r)
            },
            "wrong id",
        ),
        (
            |q| {
                let r = reply(q, ResponseCode::NoError, &["2001:db8::1".parse().unwrap()])?;
                let mut r = r[..r.len() - 7].to_vec();
                r[1] ^= 0xff; // another query's ID, and broken too
                Some(r)
            },
            "truncated record with another id",
        ),
    ];
    for (answer, what) in cases {
        let server = nameserver(answer).await;
        let answer = resolve(server).await;
        assert_eq!(answer.aaaa, Err(Reason::DnsTimeout), "{what}");
    }
}

#[tokio::test]
async fn malformed_replies_to_the_query_are_dns_error() {
    let cases: Vec<(Answer, &str)> = vec![
        (
            |q| {
                let r = reply(q, ResponseCode::NoError, &["2001:db8::1".parse().unwrap()])?;
                Some(r[..r.len() - 7].to_vec()) // cut inside the AAAA data
            },
            "truncated record",
        ),
        (
            |q| {
                let mut r = q.get(..2)?.to_vec(); // the query's id, then garbage
                r.extend_from_slice(&[0x81, 0x80, 0xff, 0xff, 0xff, 0xff]);
                Some(r)
            },
            "the id and a broken header",
        ),
    ];
    for (answer, what) in cases {
        let server = nameserver(answer).await;
        let answer = resolve(server).await;
        assert_eq!(answer.aaaa, Err(Reason::DnsError), "{what}");
        assert!(
            answer.aaaa_detail.contains("malformed reply"),
            "{what}: {}",
            answer.aaaa_detail
        );
    }
}

#[tokio::test]
async fn many_and_synthesized_answers() {
    let server = nameserver(|q| {
        let mut list: Vec<Ipv6Addr> = (1..=38u16)
            .map(|i| Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, i))
            .collect();
        list.push("64:ff9b::c000:221".parse().unwrap());
        list.push("2001:db8::1".parse().unwrap()); // a duplicate
        reply(q, ResponseCode::NoError, &list)
    })
    .await;
    let answer = resolve(server).await;
    let list = answer.aaaa.clone().unwrap();
    assert_eq!(list.len(), 39, "duplicates are dropped");
    assert_eq!(
        answer.synthesized,
        vec!["64:ff9b::c000:221".parse::<Ipv6Addr>().unwrap()]
    );
}

#[tokio::test]
async fn invalid_names_are_dns_error_without_a_query() {
    let server = nameserver(|_| panic!("no query may be sent")).await;
    let config = ProbeConfig {
        nameservers: vec![server],
        timeout: Duration::from_secs(1),
        ..ProbeConfig::default()
    };
    let prober = Prober::new(config).unwrap();
    for name in [
        "",
        "a..b",
        &"x".repeat(300),
        &format!("{}.test", "y".repeat(64)),
    ] {
        let answer = prober.resolve(name).await;
        assert_eq!(answer.aaaa, Err(Reason::DnsError), "{name:?}");
        assert_eq!(answer.a, Err(Reason::DnsError), "{name:?}");
    }
}

#[tokio::test]
async fn ns_lookup_lists_nameservers() {
    use hickory_resolver::Name;
    use hickory_resolver::proto::rr::rdata::NS;
    let server = nameserver(|q| {
        let query = Message::from_vec(q).ok()?;
        let mut message = Message::new();
        message
            .set_id(query.id())
            .set_message_type(MessageType::Response)
            .set_recursion_desired(query.recursion_desired())
            .set_response_code(ResponseCode::NoError);
        message.add_queries(query.queries().to_vec());
        let zone = query.queries().first()?.name().clone();
        for ns in ["ns1.example.test.", "ns2.example.test."] {
            let target = Name::from_ascii(ns).ok()?;
            message.add_answer(Record::from_rdata(zone.clone(), 60, RData::NS(NS(target))));
        }
        message.to_vec().ok()
    })
    .await;
    let config = ProbeConfig {
        nameservers: vec![server],
        timeout: Duration::from_secs(2),
        ..ProbeConfig::default()
    };
    let prober = Prober::new(config).unwrap();
    assert_eq!(
        prober.lookup_ns("example.test").await,
        Ok(vec![
            "ns1.example.test.".to_string(),
            "ns2.example.test.".to_string()
        ])
    );
    let empty = nameserver(|q| reply(q, ResponseCode::NoError, &[])).await;
    let config = ProbeConfig {
        nameservers: vec![empty],
        timeout: Duration::from_secs(2),
        ..ProbeConfig::default()
    };
    let prober = Prober::new(config).unwrap();
    assert_eq!(prober.lookup_ns("example.test").await, Ok(vec![]));
    let missing = nameserver(|q| reply(q, ResponseCode::NXDomain, &[])).await;
    let config = ProbeConfig {
        nameservers: vec![missing],
        timeout: Duration::from_secs(2),
        ..ProbeConfig::default()
    };
    let prober = Prober::new(config).unwrap();
    assert_eq!(
        prober.lookup_ns("example.test").await,
        Err(Reason::Nxdomain)
    );
}
