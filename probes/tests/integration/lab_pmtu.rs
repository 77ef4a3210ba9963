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
