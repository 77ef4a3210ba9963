//! Probe stage against the network-namespace lab: every reason code that the lab can
//! produce, asserted from the IPv6-only client and the dual-stack client.
//!
//! Every test here is `#[ignore]`d, so a plain `cargo test` lists it as ignored: run them with
//! the lab up (`bash tests/lab/lab.sh up`, as root) and `V6WATCH_LAB=1 cargo test ... --
//! --include-ignored`. Asked to run without the lab, they fail (`Lab::get` panics).

use std::net::SocketAddr;
use std::time::Duration;

use crate::lab::{Client, Lab, run_in};
use probes::{Family, Outcome, ProbeConfig, ProbeReport, ProbeSpec, Prober, Reason};
use url::Url;

/// Run one probe from `client` with `config`.
fn probe(lab: &Lab, client: Client, config: ProbeConfig, spec: ProbeSpec) -> ProbeReport {
    let namespace = client.namespace(lab);
    let report = run_in(&namespace, move || async move {
        let prober = Prober::new(config).expect("prober");
        prober.run(&spec).await
    });
    println!("{client:?} {:#?}", report.outcomes);
    report
}

fn v6(report: &ProbeReport) -> Vec<&Outcome> {
    report.family(Family::V6).collect()
}

fn v4(report: &ProbeReport) -> Vec<&Outcome> {
    report.family(Family::V4).collect()
}

fn reasons(outcomes: &[&Outcome]) -> Vec<Reason> {
    outcomes.iter().map(|o| o.reason).collect()
}

fn url(lab: &Lab, short: &str, path: &str) -> Url {
    Url::parse(&format!("http://{}{path}", lab.name(short))).unwrap()
}

fn http(url: Url, expected_status: Option<u16>) -> ProbeSpec {
    ProbeSpec::Http {
        url,
        expected_status,
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn icmp_echo_reaches_ipv6_hosts_from_both_clients() {
    let lab = Lab::get();
    for client in Client::BOTH {
        for host in ["LAB_WEB6", "LAB_WEB46_6", "LAB_DNS6"] {
            let spec = ProbeSpec::Icmp {
                address: lab.ip(host),
            };
            let report = probe(&lab, client, lab.config(), spec);
            let outcome = report.best(Family::V6).unwrap();
            assert_eq!(outcome.reason, Reason::Ok, "{client:?} {host}");
            assert_eq!(outcome.loss, Some(0.0));
            // RTTs on veth may be 0: only their order is certain.
            assert!(outcome.rtt_min_ms.unwrap() <= outcome.rtt_max_ms.unwrap());
            assert!(report.v6_ok() && !report.degraded());
        }
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn icmp_to_ipv4_is_unreachable_from_the_ipv6_only_client() {
    let lab = Lab::get();
    let spec = ProbeSpec::Icmp {
        address: lab.ip("LAB_WEB4"),
    };
    let report = probe(&lab, Client::V6Only, lab.config(), spec.clone());
    assert_eq!(reasons(&v4(&report)), [Reason::Unreachable]);
    let report = probe(&lab, Client::DualStack, lab.config(), spec);
    assert_eq!(reasons(&v4(&report)), [Reason::Ok]);
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn icmp_to_unused_on_link_address_is_unreachable() {
    let lab = Lab::get();
    let spec = ProbeSpec::Icmp {
        address: lab.ip("LAB_UNUSED6"),
    };
    // The client LAN is where the unused address would live: neighbour discovery fails after
    // ~3 s and the kernel answers with ICMPv6 destination unreachable (address unreachable).
    let report = probe(&lab, Client::V6Only, lab.config(), spec);
    let outcome = report.best(Family::V6).unwrap();
    assert_eq!(outcome.reason, Reason::Unreachable, "{outcome:?}");
    assert!(outcome.detail.contains("unreachable"), "{}", outcome.detail);
    assert_eq!(outcome.loss, Some(1.0));
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn icmp_to_blackhole_times_out() {
    let lab = Lab::get();
    let spec = ProbeSpec::Icmp {
        address: lab.ip("LAB_BLACKHOLE6"),
    };
    let config = ProbeConfig {
        timeout: Duration::from_secs(2),
        ..lab.config()
    };
    let report = probe(&lab, Client::DualStack, config, spec);
    assert_eq!(reasons(&v6(&report)), [Reason::Timeout]);
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn dns_tells_records_apart() {
    let lab = Lab::get();
    // name, IPv6 reasons, IPv4 reasons
    let cases: &[(&str, Reason, Reason)] = &[
        ("dual", Reason::Ok, Reason::Ok),
        ("v6only", Reason::Ok, Reason::NoA),
        ("v4only", Reason::NoAaaa, Reason::Ok),
        ("missing", Reason::Nxdomain, Reason::Nxdomain),
        ("blackhole", Reason::Ok, Reason::NoA),
    ];
    for client in Client::BOTH {
        for (short, want6, want4) in cases {
            let spec = ProbeSpec::Dns {
                name: lab.name(short),
            };
            let report = probe(&lab, client, lab.config(), spec);
            assert_eq!(reasons(&v6(&report)), [*want6], "{client:?} {short} AAAA");
            assert_eq!(reasons(&v4(&report)), [*want4], "{client:?} {short} A");
        }
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn dns_lists_every_aaaa() {
    let lab = Lab::get();
    let spec = ProbeSpec::Dns {
        name: lab.name("multi"),
    };
    let report = probe(&lab, Client::V6Only, lab.config(), spec);
    let mut found: Vec<_> = v6(&report).iter().filter_map(|o| o.address).collect();
    found.sort();
    assert_eq!(
        found,
        vec![lab.ip("LAB_WEB6"), "2001:db8:dead::2".parse().unwrap()]
    );
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn dns_refused_for_names_outside_the_lab_zone_is_dns_error() {
    let lab = Lab::get();
    // The lab nameserver has no upstream: it answers REFUSED outside lab.test.
    let spec = ProbeSpec::Dns {
        name: "elsewhere.test".into(),
    };
    let report = probe(&lab, Client::V6Only, lab.config(), spec);
    assert_eq!(reasons(&v6(&report)), [Reason::DnsError]);
    assert!(v6(&report)[0].detail.contains("REFUSED"), "{report:?}");
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn dns_to_a_closed_port_is_dns_timeout() {
    let lab = Lab::get();
    // The resolver's UDP socket is unconnected, so the ICMPv6 port-unreachable never reaches
    // it: a closed port looks exactly like a silent nameserver.
    let config = ProbeConfig {
        nameservers: vec![SocketAddr::new(
            lab.ip("LAB_DNS6"),
            lab.port("LAB_DNS_CLOSED_PORT"),
        )],
        timeout: Duration::from_secs(2),
        ..lab.config()
    };
    let spec = ProbeSpec::Dns {
        name: lab.name("dual"),
    };
    let report = probe(&lab, Client::V6Only, config, spec);
    assert_eq!(reasons(&v6(&report)), [Reason::DnsTimeout]);
    assert_eq!(reasons(&v4(&report)), [Reason::DnsTimeout]);
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn dns_to_a_blackholed_nameserver_is_dns_timeout() {
    let lab = Lab::get();
    let config = ProbeConfig {
        nameservers: vec!["[2001:db8:dead::53]:53".parse().unwrap()],
        timeout: Duration::from_secs(2),
        ..lab.config()
    };
    let spec = ProbeSpec::Dns {
        name: lab.name("dual"),
    };
    let report = probe(&lab, Client::DualStack, config, spec);
    assert_eq!(reasons(&v6(&report)), [Reason::DnsTimeout]);
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn nat64_answers_are_marked_synthesized() {
    let lab = Lab::get();
    let spec = ProbeSpec::Dns {
        name: lab.name("nat64"),
    };
    let report = probe(&lab, Client::V6Only, lab.config(), spec);
    let outcome = report.best(Family::V6).unwrap();
    assert_eq!(outcome.reason, Reason::Ok);
    assert!(outcome.synthesized, "{outcome:?}");
    assert!(
        outcome.detail.contains(lab.var("LAB_WEB4")),
        "{}",
        outcome.detail
    );
    let real = probe(
        &lab,
        Client::V6Only,
        lab.config(),
        ProbeSpec::Dns {
            name: lab.name("v6only"),
        },
    );
    assert!(!real.best(Family::V6).unwrap().synthesized);
    // The prober's own resolve() says the same.
    let name = lab.name("nat64");
    let config = lab.config();
    let answer = run_in(&Client::V6Only.namespace(&lab), move || async move {
        Prober::new(config).unwrap().resolve(&name).await
    });
    assert_eq!(
        answer.synthesized,
        vec![
            lab.var("LAB_NAT64_V4ONLY")
                .parse::<std::net::Ipv6Addr>()
                .unwrap()
        ]
    );
    assert_eq!(answer.a, Err(Reason::NoA));
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn tcp_connects_over_both_families_where_they_exist() {
    let lab = Lab::get();
    let spec = ProbeSpec::Tcp {
        host: lab.name("dual"),
        port: 80,
    };
    let report = probe(&lab, Client::DualStack, lab.config(), spec.clone());
    assert_eq!(reasons(&v6(&report)), [Reason::Ok]);
    assert_eq!(reasons(&v4(&report)), [Reason::Ok]);
    assert!(!report.degraded());
    // From the IPv6-only client the A record exists but IPv4 has no route.
    let report = probe(&lab, Client::V6Only, lab.config(), spec);
    assert_eq!(reasons(&v6(&report)), [Reason::Ok]);
    assert_eq!(reasons(&v4(&report)), [Reason::Unreachable]);
    // An IPv6-only host has no IPv4 outcome at all.
    let spec = ProbeSpec::Tcp {
        host: lab.name("v6only"),
        port: 80,
    };
    for client in Client::BOTH {
        let report = probe(&lab, client, lab.config(), spec.clone());
        assert_eq!(reasons(&v6(&report)), [Reason::Ok], "{client:?}");
        assert!(v4(&report).is_empty(), "{client:?}");
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn tcp_to_an_ipv4_only_listener_is_refused_over_ipv6_and_degraded() {
    let lab = Lab::get();
    let spec = ProbeSpec::Tcp {
        host: lab.name("v4port"),
        port: lab.port("LAB_V4ONLY_PORT"),
    };
    let report = probe(&lab, Client::DualStack, lab.config(), spec.clone());
    assert_eq!(reasons(&v6(&report)), [Reason::Refused]);
    assert_eq!(reasons(&v4(&report)), [Reason::Ok]);
    assert!(report.degraded());
    let report = probe(&lab, Client::V6Only, lab.config(), spec);
    assert_eq!(reasons(&v6(&report)), [Reason::Refused]);
    assert!(!report.degraded());
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn tcp_to_a_v4_only_name_has_no_aaaa() {
    let lab = Lab::get();
    let spec = ProbeSpec::Tcp {
        host: lab.name("v4only"),
        port: 80,
    };
    let report = probe(&lab, Client::DualStack, lab.config(), spec);
    assert_eq!(reasons(&v6(&report)), [Reason::NoAaaa]);
    assert_eq!(reasons(&v4(&report)), [Reason::Ok]);
    assert!(report.degraded());
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn tcp_failures_have_their_reasons() {
    let lab = Lab::get();
    let cases: &[(&str, Reason)] = &[
        ("blackhole", Reason::Timeout),
        ("unused", Reason::Unreachable),
        ("missing", Reason::Nxdomain),
    ];
    for (short, want) in cases {
        let spec = ProbeSpec::Tcp {
            host: lab.name(short),
            port: 80,
        };
        let report = probe(&lab, Client::V6Only, lab.config(), spec);
        assert_eq!(reasons(&v6(&report)), [*want], "{short}");
        assert!(v4(&report).is_empty(), "{short}");
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn tcp_tries_every_aaaa_and_keeps_each_result() {
    let lab = Lab::get();
    let spec = ProbeSpec::Tcp {
        host: lab.name("multi"),
        port: 80,
    };
    let config = ProbeConfig {
        connect_timeout: Duration::from_secs(1),
        ..lab.config()
    };
    let report = probe(&lab, Client::V6Only, config, spec);
    let mut got: Vec<(String, Reason)> = v6(&report)
        .iter()
        .map(|o| (o.address.unwrap().to_string(), o.reason))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("2001:db8:2::6".to_string(), Reason::Ok),
            ("2001:db8:dead::2".to_string(), Reason::Timeout),
        ]
    );
    assert!(report.v6_ok());
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn tcp_to_synthesized_address_is_marked() {
    let lab = Lab::get();
    // No NAT64 translator in the lab yet: the well-known prefix has no route in the core.
    let spec = ProbeSpec::Tcp {
        host: lab.name("nat64"),
        port: 80,
    };
    let config = ProbeConfig {
        connect_timeout: Duration::from_secs(1),
        ..lab.config()
    };
    let report = probe(&lab, Client::V6Only, config, spec);
    let outcome = report.best(Family::V6).unwrap();
    assert!(outcome.synthesized, "{outcome:?}");
    assert_ne!(outcome.reason, Reason::Ok);
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn http_ok_to_v6only_and_dual_hosts() {
    let lab = Lab::get();
    for client in Client::BOTH {
        for short in ["v6only", "dual"] {
            let report = probe(
                &lab,
                client,
                lab.config(),
                http(url(&lab, short, "/"), None),
            );
            let outcome = report.best(Family::V6).unwrap();
            assert_eq!(outcome.reason, Reason::Ok, "{client:?} {short}");
            assert_eq!(outcome.status, Some(200));
            assert!(outcome.redirects.is_empty());
        }
    }
    let report = probe(
        &lab,
        Client::DualStack,
        lab.config(),
        http(url(&lab, "dual", "/"), None),
    );
    assert_eq!(reasons(&v4(&report)), [Reason::Ok]);
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn http_by_ipv6_literal_works() {
    let lab = Lab::get();
    let url = Url::parse(&format!("http://[{}]/", lab.var("LAB_WEB46_6"))).unwrap();
    let report = probe(&lab, Client::V6Only, lab.config(), http(url, Some(200)));
    assert_eq!(reasons(&v6(&report)), [Reason::Ok]);
    assert!(v4(&report).is_empty());
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn http_to_v4only_host_has_no_aaaa_and_is_degraded() {
    let lab = Lab::get();
    let spec = http(url(&lab, "v4only", "/"), None);
    let report = probe(&lab, Client::DualStack, lab.config(), spec.clone());
    assert_eq!(reasons(&v6(&report)), [Reason::NoAaaa]);
    assert_eq!(reasons(&v4(&report)), [Reason::Ok]);
    assert!(report.degraded());
    let report = probe(&lab, Client::V6Only, lab.config(), spec);
    assert_eq!(reasons(&v6(&report)), [Reason::NoAaaa]);
    assert_eq!(reasons(&v4(&report)), [Reason::Unreachable]);
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn http_unexpected_status() {
    let lab = Lab::get();
    for client in Client::BOTH {
        let spec = http(url(&lab, "dual", "/missing.html"), Some(200));
        let report = probe(&lab, client, lab.config(), spec);
        let outcome = report.best(Family::V6).unwrap();
        assert_eq!(outcome.reason, Reason::HttpStatus, "{client:?}");
        assert_eq!(outcome.status, Some(404));
        // And without an expected status, 404 is not 2xx either.
        let spec = http(url(&lab, "dual", "/missing.html"), None);
        let report = probe(&lab, client, lab.config(), spec);
        assert_eq!(report.best(Family::V6).unwrap().reason, Reason::HttpStatus);
        // An expected 404 is ok.
        let spec = http(url(&lab, "dual", "/missing.html"), Some(404));
        let report = probe(&lab, client, lab.config(), spec);
        assert_eq!(report.best(Family::V6).unwrap().reason, Reason::Ok);
    }
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn http_body_over_the_cap_still_answers() {
    let lab = Lab::get();
    let config = ProbeConfig {
        body_cap: 64 * 1024,
        ..lab.config()
    };
    let report = probe(
        &lab,
        Client::V6Only,
        config,
        http(url(&lab, "dual", "/big.bin"), None),
    );
    // The 4 MiB file is read up to the cap: the server answered, so the probe succeeds and
    // says how much it read.
    assert_eq!(reasons(&v6(&report)), [Reason::Ok]);
    let outcome = report.best(Family::V6).unwrap();
    assert!(outcome.detail.contains("65536-byte cap"), "{outcome:?}");
    let config = ProbeConfig {
        body_cap: 8 * 1024 * 1024,
        ..lab.config()
    };
    let report = probe(
        &lab,
        Client::V6Only,
        config,
        http(url(&lab, "dual", "/big.bin"), None),
    );
    assert_eq!(reasons(&v6(&report)), [Reason::Ok]);
    let outcome = report.best(Family::V6).unwrap();
    assert!(!outcome.detail.contains("cap"), "{outcome:?}");
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn http_redirect_to_ipv4_only_host() {
    let lab = Lab::get();
    let spec = http(url(&lab, "dual", "/cgi-bin/to-v4only"), None);
    let report = probe(&lab, Client::DualStack, lab.config(), spec.clone());
    let outcome = report.best(Family::V6).unwrap();
    assert_eq!(outcome.reason, Reason::RedirectToIpv4Only, "{outcome:?}");
    assert_eq!(outcome.redirects.len(), 1);
    assert_eq!(outcome.redirects[0].status, 302);
    assert_eq!(
        outcome.redirects[0].location,
        format!("http://{}/", lab.name("v4only"))
    );
    // Over IPv4 the same chain works: degraded.
    assert_eq!(reasons(&v4(&report)), [Reason::Ok]);
    assert!(report.degraded());
    let report = probe(&lab, Client::V6Only, lab.config(), spec);
    assert_eq!(reasons(&v6(&report)), [Reason::RedirectToIpv4Only]);
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn http_redirect_to_ipv6_host_is_followed() {
    let lab = Lab::get();
    let spec = http(url(&lab, "dual", "/cgi-bin/to-v6only"), None);
    let report = probe(&lab, Client::V6Only, lab.config(), spec);
    let outcome = report.best(Family::V6).unwrap();
    assert_eq!(outcome.reason, Reason::Ok, "{outcome:?}");
    assert_eq!(outcome.status, Some(200));
    assert_eq!(outcome.redirects.len(), 1);
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn http_redirect_problems() {
    let lab = Lab::get();
    let cases: &[(&str, Reason, usize)] = &[
        ("/cgi-bin/loop", Reason::TooManyRedirects, 6),
        ("/cgi-bin/no-location", Reason::HttpError, 0),
    ];
    for (path, want, hops) in cases {
        let report = probe(
            &lab,
            Client::V6Only,
            lab.config(),
            http(url(&lab, "dual", path), None),
        );
        let outcome = report.best(Family::V6).unwrap();
        assert_eq!(outcome.reason, *want, "{path}");
        assert_eq!(outcome.redirects.len(), *hops, "{path}");
    }
    // An expected 3xx is compared without following.
    let spec = http(url(&lab, "dual", "/cgi-bin/to-v4only"), Some(302));
    let report = probe(&lab, Client::V6Only, lab.config(), spec);
    assert_eq!(report.best(Family::V6).unwrap().reason, Reason::Ok);
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn http_slow_server_times_out() {
    let lab = Lab::get();
    let config = ProbeConfig {
        timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(1),
        ..lab.config()
    };
    let started = std::time::Instant::now();
    let report = probe(
        &lab,
        Client::V6Only,
        config,
        http(url(&lab, "dual", "/cgi-bin/slow"), None),
    );
    assert_eq!(reasons(&v6(&report)), [Reason::Timeout]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn http_failures_before_http() {
    let lab = Lab::get();
    let cases: &[(&str, Reason)] = &[
        ("blackhole", Reason::Timeout),
        ("unused", Reason::Unreachable),
        ("missing", Reason::Nxdomain),
    ];
    for (short, want) in cases {
        let report = probe(
            &lab,
            Client::V6Only,
            lab.config(),
            http(url(&lab, short, "/"), None),
        );
        assert_eq!(reasons(&v6(&report)), [*want], "{short}");
    }
    let v4port = Url::parse(&format!(
        "http://{}:{}/",
        lab.name("v4port"),
        lab.var("LAB_V4ONLY_PORT")
    ))
    .unwrap();
    let report = probe(&lab, Client::DualStack, lab.config(), http(v4port, None));
    assert_eq!(reasons(&v6(&report)), [Reason::Refused]);
    assert_eq!(reasons(&v4(&report)), [Reason::Ok]);
    assert!(report.degraded());
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn fetch_v6_keeps_body_and_content_type() {
    let lab = Lab::get();
    let config = lab.config();
    let target = url(&lab, "dual", "/cgi-bin/to-v6only");
    let result = run_in(&Client::DualStack.namespace(&lab), move || async move {
        Prober::new(config).unwrap().fetch_v6(&target).await
    });
    assert_eq!(result.outcome.reason, Reason::Ok, "{result:?}");
    assert_eq!(result.status, Some(200));
    assert_eq!(
        result.final_url.as_str(),
        format!("http://{}/", lab.name("v6only"))
    );
    assert_eq!(result.content_type.as_deref(), Some("text/html"));
    let body = String::from_utf8(result.body).unwrap();
    assert!(body.contains("v6watch lab: web6"), "{body}");
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn selftest_inside_the_lab() {
    let lab = Lab::get();
    let config = lab.config();
    let test = run_in(&Client::V6Only.namespace(&lab), move || async move {
        let prober = Prober::new(config).unwrap();
        probes::selftest::run(&prober).await
    });
    assert!(test.global_ipv6, "{test:?}");
    assert!(test.default_route_v6, "{test:?}");
    assert!(test.icmp_socket, "{test:?}");
    assert!(test.resolver_answers, "{test:?}");
    assert!(test.problems.is_empty(), "{test:?}");
    // The IPv4-only web host has no IPv6 but loopback, and no nameserver behind this address.
    let config = ProbeConfig {
        timeout: Duration::from_secs(2),
        ..lab.config()
    };
    let test = run_in(lab.var("LAB_NS_WEB4"), move || async move {
        let prober = Prober::new(config).unwrap();
        probes::selftest::run(&prober).await
    });
    assert!(!test.global_ipv6, "{test:?}");
    assert!(!test.default_route_v6, "{test:?}");
    assert!(!test.resolver_answers, "{test:?}");
    assert_eq!(test.problems.len(), 3, "{test:?}");
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn https_checks_certificates() {
    let lab = Lab::get();
    let https = |host: &str| Url::parse(&format!("https://{host}/index.html")).unwrap();
    let with_ca = ProbeConfig {
        extra_ca_file: Some(lab.var("LAB_TLS_CA").into()),
        ..lab.config()
    };
    let web6_literal = format!("[{}]", lab.var("LAB_WEB6"));
    // url host, trust the lab CA, IPv6 reason
    let cases: Vec<(String, bool, Reason)> = vec![
        (lab.name("v6only"), true, Reason::Ok),
        (web6_literal, true, Reason::Ok),
        (lab.name("v6only"), false, Reason::TlsError),
        (lab.name("tls-wrong"), true, Reason::TlsError),
        (lab.name("dual"), true, Reason::Refused),
    ];
    for (host, trust, want) in cases {
        let config = if trust { with_ca.clone() } else { lab.config() };
        let report = probe(&lab, Client::V6Only, config, http(https(&host), Some(200)));
        let outcome = report.best(Family::V6).unwrap();
        assert_eq!(outcome.reason, want, "{host} trust={trust}: {outcome:?}");
        assert_eq!(outcome.port, Some(443));
    }
}
