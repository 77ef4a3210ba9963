//! The browser judge's proxy in the network-namespace lab, from the IPv6-only and the
//! dual-stack client: every lab host gets the reason code the probes give it, and a host
//! whose IPv4 works but whose IPv6 does not is refused from the dual-stack client too.
//!
//! `#[ignore]`d like every lab test: run with the lab up and `V6WATCH_LAB=1 ... --
//! --include-ignored` (as root).

use std::sync::Arc;
use std::time::Duration;

use probes::{ProbeConfig, Prober};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use verdict::browser::{Proxy, ProxyLimits};

use crate::lab::{Client, Lab, run_in};

fn config(lab: &Lab) -> ProbeConfig {
    ProbeConfig {
        nat64_prefixes: vec![lab.var("LAB_NAT64_LAB_NET6").parse().expect("prefix")],
        ..lab.config()
    }
}

/// The first line of the proxy's answer and its reason header, for `request` (a whole
/// request head) sent from `client`.
fn through_proxy(
    lab: &Lab,
    client: Client,
    requests: Vec<String>,
) -> Vec<(String, Option<String>)> {
    let config = config(lab);
    run_in(&client.namespace(lab), move || async move {
        let prober = Arc::new(Prober::new(config).expect("prober"));
        let limits = ProxyLimits {
            connect_budget: Duration::from_secs(5),
            ..ProxyLimits::default()
        };
        let proxy = Proxy::start(prober, limits).await.expect("proxy");
        let mut answers = Vec::new();
        for request in requests {
            let mut stream = TcpStream::connect(proxy.address())
                .await
                .expect("proxy port");
            stream.write_all(request.as_bytes()).await.expect("send");
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                match stream.read(&mut byte).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => head.push(byte[0]),
                }
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let status = head.lines().next().unwrap_or("").to_string();
            let reason = head.lines().find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("x-v6watch-reason: ")
                    .map(str::to_string)
            });
            answers.push((status, reason));
        }
        answers
    })
}

fn get(name: &str, port: u16) -> String {
    format!(
        "GET http://{name}:{port}/index.html HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n"
    )
}

fn connect(name: &str, port: u16) -> String {
    format!("CONNECT {name}:{port} HTTP/1.1\r\nHost: {name}:{port}\r\n\r\n")
}

#[test]
#[ignore = "needs the network-namespace lab (V6WATCH_LAB=1, root)"]
fn every_lab_host_gets_the_probes_reason_from_both_clients() {
    let lab = Lab::get();
    let domain = lab.var("LAB_DOMAIN").to_string();
    let name = |short: &str| format!("{short}.{domain}");
    // (request, status code, reason)
    let cases: Vec<(String, &str, Option<&str>)> = vec![
        (get(&name("dual"), 80), "200", None),
        (get(&name("v6only"), 80), "200", None),
        (get(&name("v4only"), 80), "502", Some("no_aaaa")),
        (get(&name("no-such-host"), 80), "502", Some("nxdomain")),
        (get(&name("blackhole"), 80), "502", Some("timeout")),
        (get(&name("unused"), 80), "502", Some("unreachable")),
        (
            get(&name("v4port"), lab.var("LAB_V4ONLY_PORT").parse().unwrap()),
            "502",
            Some("refused"),
        ),
        (get(&name("nat64web"), 80), "200", None),
        // IPv4 answers, IPv6 is black-holed: refused, even from the dual-stack client.
        (get(&name("v6dead"), 80), "502", Some("timeout")),
        (get(lab.var("LAB_WEB46_4"), 80), "502", Some("ipv4_literal")),
        (connect(&name("v6only"), 443), "200", None),
        (connect(&name("v4only"), 443), "502", Some("no_aaaa")),
        (connect(&name("v6dead"), 80), "502", Some("timeout")),
    ];
    for client in Client::BOTH {
        let requests = cases.iter().map(|c| c.0.clone()).collect();
        let answers = through_proxy(&lab, client, requests);
        for ((request, status, reason), (line, got_reason)) in cases.iter().zip(answers) {
            let first = request.lines().next().unwrap_or("");
            assert!(
                line.split(' ').nth(1) == Some(status),
                "{client:?} {first}: {line}"
            );
            assert_eq!(got_reason.as_deref(), *reason, "{client:?} {first}");
        }
    }
}
