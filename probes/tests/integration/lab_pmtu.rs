//! Lab: the path MTU probe behind the lab's narrower links (tests/lab/README.md, "Path MTU").

use std::net::IpAddr;

use probes::{Outcome, ProbeKind, Prober, Reason};

use crate::lab::{Client, Lab, run_in};

fn path_mtu(lab: &Lab, key: &str) -> Outcome {
    let IpAddr::V6(address) = lab.ip(key) else {
        panic!("{key} is not an IPv6 address");
    };
    let config = lab.config();
    run_in(&Client::V6Only.namespace(lab), move || async move {
        let prober = Prober::new(config).expect("prober");
        prober.path_mtu(address).await
    })
}

#[test]
#[ignore = "needs the network-namespace lab (V6WATCH_LAB=1), as root"]
fn a_link_with_working_packet_too_big_gives_its_mtu() {
    let lab = Lab::get();
    let outcome = path_mtu(&lab, "LAB_MTU_PTB6");
    assert_eq!(outcome.probe, ProbeKind::Pmtu);
    assert_eq!(outcome.reason, Reason::Ok, "{outcome:?}");
    assert_eq!(outcome.path_mtu, Some(1480), "{outcome:?}");
    assert!(
        outcome.detail.contains("Packet Too Big announced 1480"),
        "{outcome:?}"
    );
}

#[test]
#[ignore = "needs the network-namespace lab (V6WATCH_LAB=1), as root"]
fn a_link_whose_packet_too_big_is_dropped_is_a_black_hole() {
    let lab = Lab::get();
    let outcome = path_mtu(&lab, "LAB_MTU_HOLE6");
    assert_eq!(outcome.reason, Reason::PmtuBlackhole, "{outcome:?}");
    assert_eq!(outcome.path_mtu, Some(1420), "{outcome:?}");
}

#[test]
#[ignore = "needs the network-namespace lab (V6WATCH_LAB=1), as root"]
fn a_plain_lan_host_has_the_ethernet_mtu() {
    let lab = Lab::get();
    let outcome = path_mtu(&lab, "LAB_WEB6");
    assert_eq!(
        (outcome.reason, outcome.path_mtu),
        (Reason::Ok, Some(1500)),
        "{outcome:?}"
    );
}

/// The TCP variant, for HTTP services: behind a router whose narrow link drops what does not
/// fit and whose Packet Too Big never comes back, a page larger than one packet stalls over
/// IPv6 while a small one loads. The HTTP probe says `pmtu_blackhole`, not `timeout`, because
/// the same request with 1220-byte segments gets its answer; ping-sized checks stay green.
#[test]
#[ignore = "needs the network-namespace lab (V6WATCH_LAB=1), as root"]
fn a_large_page_that_stalls_behind_a_narrow_link_is_a_tcp_black_hole() {
    use probes::{Family, ProbeSpec};
    let lab = Lab::get();
    let page = |path: &str| {
        url::Url::parse(&format!("http://[{}]{path}", lab.var("LAB_TCPH_WEB6"))).unwrap()
    };
    for client in Client::BOTH {
        let config = lab.config();
        let (small, large) = (page("/small.html"), page("/large.html"));
        let (small, large) = run_in(&client.namespace(&lab), move || async move {
            let prober = Prober::new(config).expect("prober");
            let http = |url| ProbeSpec::Http {
                url,
                expected_status: None,
            };
            (
                prober.run(&http(small)).await,
                prober.run(&http(large)).await,
            )
        });
        let small = small.best(Family::V6).unwrap();
        assert_eq!(small.reason, Reason::Ok, "{client:?} {small:?}");
        let large = large.best(Family::V6).unwrap();
        assert_eq!(large.reason, Reason::PmtuBlackhole, "{client:?} {large:?}");
        assert!(
            large.detail.contains("1220-byte TCP segments")
                && large.detail.contains("path MTU black hole"),
            "{large:?}"
        );
    }
}
