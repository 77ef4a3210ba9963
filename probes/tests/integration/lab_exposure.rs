//! Exposure scan in the lab: web46 answers on port 8086 over IPv6 only and on port 80 over
//! both families; scanned from the dual-stack client, 8086 is in the exposure diff, 80 is not,
//! and a second scan finds nothing new.

use std::time::Duration;

use probes::portscan::{ScanLimits, ScanTarget, scan, update_diff};

use crate::lab::{Lab, run_in};

#[test]
#[ignore = "needs the network-namespace lab (tests/lab/lab.sh up) and V6WATCH_LAB=1"]
fn a_port_open_over_ipv6_only_is_in_the_exposure_diff_once() {
    let lab = Lab::get();
    let v6only = lab.port("LAB_V6ONLY_PORT");
    let target = ScanTarget {
        addresses: vec![lab.ip("LAB_WEB46_6"), lab.ip("LAB_WEB46_4")],
        ports: vec![80, v6only, lab.port("LAB_V4ONLY_PORT"), 22],
    };
    let limits = ScanLimits {
        concurrency: 4,
        connect_timeout: Duration::from_secs(2),
        deadline: Duration::from_secs(30),
    };
    let namespace = lab.var("LAB_NS_C46").to_string();
    let (first, second) = run_in(&namespace, move || async move {
        let first = scan(&target, limits, &[])
            .await
            .expect("web46 is dual stack");
        let second = scan(&target, limits, &[])
            .await
            .expect("web46 is dual stack");
        (first, second)
    });
    assert!(first.complete, "{first:?}");
    assert_eq!(first.exposed(), vec![v6only], "{first:?}");
    assert!(
        first.open4.contains(&80) && first.open6.contains(&80),
        "{first:?}"
    );
    let diff = update_diff(&[], &first, 1_000);
    assert_eq!(diff.opened, vec![v6only]);
    let again = update_diff(&diff.current, &second, 2_000);
    assert!(
        again.opened.is_empty(),
        "a second scan opens nothing new: {again:?}"
    );
    assert_eq!(again.current.len(), 1);
    assert_eq!(again.current[0].first_seen, 1_000);
    assert_eq!(again.current[0].last_seen, 2_000);
}
