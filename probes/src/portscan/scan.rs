//! The exposure scan itself: TCP connects to every (address, port) of one subject, bounded in
//! concurrency, per connection and for the whole subject.

use std::collections::BTreeSet;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::StreamExt;
use ipnet::IpNet;

/// How hard one scan may push: connections in flight, how long one connect may take, and how
/// long the whole subject may take (what is unfinished then is left unknown, not closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanLimits {
    pub concurrency: usize,
    pub connect_timeout: Duration,
    pub deadline: Duration,
}

impl Default for ScanLimits {
    fn default() -> Self {
        ScanLimits {
            concurrency: 32,
            connect_timeout: Duration::from_millis(800),
            deadline: Duration::from_secs(120),
        }
    }
}

/// One subject to scan: addresses read from its inventory rows, and the ports to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanTarget {
    pub addresses: Vec<IpAddr>,
    pub ports: Vec<u16>,
}

/// Why a subject was not scanned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    #[error(
        "needs at least one IPv6 and one IPv4 address that may be probed (has {v6} IPv6, {v4} IPv4)"
    )]
    NotDualStack { v6: usize, v4: usize },
    #[error("no ports to scan")]
    NoPorts,
}

/// What one scan found. A port counts as tested over a family only when every address of that
/// family answered or refused (or timed out) before the deadline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanOutcome {
    pub open6: BTreeSet<u16>,
    pub open4: BTreeSet<u16>,
    pub tested6: BTreeSet<u16>,
    pub tested4: BTreeSet<u16>,
    /// Connection attempts started.
    pub attempts: u64,
    /// False when the deadline cut the scan short.
    pub complete: bool,
    /// Inventory addresses left out because `--deny-target` holds them.
    pub denied: Vec<String>,
    /// The IPv6 addresses that answered, by port (for the alert's message).
    pub answered6: std::collections::BTreeMap<u16, Vec<IpAddr>>,
}

impl ScanOutcome {
    /// Ports that answer over IPv6 and were tested closed over IPv4: the exposure diff.
    pub fn exposed(&self) -> Vec<u16> {
        self.open6
            .iter()
            .filter(|p| self.tested4.contains(p) && !self.open4.contains(p))
            .copied()
            .collect()
    }

    /// Whether this scan settles if `port` is exposed: open over IPv4, tested closed over
    /// IPv6, or open over IPv6 and tested over IPv4. An unsettled port keeps its previous state.
    pub fn knows(&self, port: u16) -> bool {
        let p = &port;
        self.open4.contains(p)
            || (self.tested6.contains(p) && !self.open6.contains(p))
            || (self.open6.contains(p) && self.tested4.contains(p))
    }
}

/// Scan `target` with real TCP connects (IPv6 sockets are IPv6-only). Boxed, so the future is
/// plainly `Send` for the scheduler's `spawn` (the connect closure's borrows otherwise trip
/// the compiler's higher-ranked `Send` check).
pub fn scan<'a>(
    target: &'a ScanTarget,
    limits: ScanLimits,
    deny: &'a [IpNet],
) -> futures::future::BoxFuture<'a, Result<ScanOutcome, ScanError>> {
    Box::pin(scan_with(target, limits, deny, connect_tcp))
}

/// The connect step [`scan`] uses: whether `address` accepted a TCP connection within
/// `timeout` (an IPv6 socket is IPv6-only). Public so that a caller of [`scan_with`] can wrap
/// it, as the exposure scan's benchmark does to count connections in flight.
pub fn connect_tcp(
    address: SocketAddr,
    timeout: Duration,
) -> futures::future::BoxFuture<'static, bool> {
    Box::pin(async move {
        match crate::tcp::connect(address, timeout, &[]).await {
            // Scanning this machine's own address, the kernel may pick the scanned port as
            // the source port and connect the socket to itself: nothing listens there.
            Ok((stream, _)) => stream.local_addr().ok() != Some(address),
            Err(_) => false,
        }
    })
}

/// [`scan`], with the connect step given: `connect(address, timeout)` says whether the port
/// answered. Only `target`'s addresses outside `deny` are ever handed to it.
pub async fn scan_with<C, Fut>(
    target: &ScanTarget,
    limits: ScanLimits,
    deny: &[IpNet],
    connect: C,
) -> Result<ScanOutcome, ScanError>
where
    C: Fn(SocketAddr, Duration) -> Fut,
    Fut: Future<Output = bool>,
{
    let mut denied = Vec::new();
    let mut addresses: Vec<IpAddr> = Vec::new();
    for address in target.addresses.iter().map(|a| a.to_canonical()) {
        if let Some(why) = crate::deny::denied(deny, address) {
            denied.push(why);
        } else if !addresses.contains(&address) {
            addresses.push(address);
        }
    }
    let v6 = addresses.iter().filter(|a| a.is_ipv6()).count();
    let v4 = addresses.len() - v6;
    if v6 == 0 || v4 == 0 {
        return Err(ScanError::NotDualStack { v6, v4 });
    }
    let ports = super::port_list(&target.ports, &[]);
    if ports.is_empty() {
        return Err(ScanError::NoPorts);
    }
    let attempts = AtomicU64::new(0);
    let mut finished: Vec<(SocketAddr, bool)> = Vec::new();
    let (counter, connect) = (&attempts, &connect);
    let timeout = limits.connect_timeout;
    // buffer_unordered creates each attempt only when a slot is free, so the counter counts
    // attempts started and at most `concurrency` are in flight.
    let mut every = Vec::with_capacity(ports.len() * addresses.len());
    for &port in &ports {
        every.extend(addresses.iter().map(|&ip| SocketAddr::new(ip, port)));
    }
    let mut results = futures::stream::iter(every)
        .map(move |address| {
            counter.fetch_add(1, Ordering::Relaxed);
            let attempt = connect(address, timeout);
            async move { (address, attempt.await) }
        })
        .buffer_unordered(limits.concurrency.max(1));
    let collect = async {
        while let Some(result) = results.next().await {
            finished.push(result);
        }
    };
    let complete = tokio::time::timeout(limits.deadline, collect).await.is_ok();
    let mut outcome = ScanOutcome {
        attempts: attempts.load(Ordering::Relaxed),
        complete,
        denied,
        ..ScanOutcome::default()
    };
    for &port in &ports {
        for ipv6 in [true, false] {
            let family: Vec<&(SocketAddr, bool)> = finished
                .iter()
                .filter(|(a, _)| a.port() == port && a.is_ipv6() == ipv6)
                .collect();
            let expected = addresses.iter().filter(|a| a.is_ipv6() == ipv6).count();
            let (open, tested) = if ipv6 {
                (&mut outcome.open6, &mut outcome.tested6)
            } else {
                (&mut outcome.open4, &mut outcome.tested4)
            };
            if family.iter().any(|(_, up)| *up) {
                open.insert(port);
            }
            if ipv6 {
                let answered: Vec<IpAddr> = family
                    .iter()
                    .filter(|(_, up)| *up)
                    .map(|(a, _)| a.ip())
                    .collect();
                if !answered.is_empty() {
                    outcome.answered6.insert(port, answered);
                }
            }
            if family.len() == expected {
                tested.insert(port);
            }
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;

    fn target(addresses: &[&str], ports: &[u16]) -> ScanTarget {
        ScanTarget {
            addresses: addresses.iter().map(|a| a.parse().unwrap()).collect(),
            ports: ports.to_vec(),
        }
    }

    #[tokio::test]
    async fn exposed_ports_are_open_over_ipv6_and_closed_over_ipv4() {
        let t = target(&["2001:db8::1", "192.0.2.1"], &[22, 80, 8080, 8086]);
        let open = |a: SocketAddr, _| async move {
            matches!(
                (a.port(), a.is_ipv6()),
                (80, _) | (8086, true) | (8080, false)
            )
        };
        let got = scan_with(&t, ScanLimits::default(), &[], open)
            .await
            .unwrap();
        assert_eq!(got.exposed(), vec![8086]);
        assert_eq!(
            got.answered6[&8086],
            vec!["2001:db8::1".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(got.attempts, 8);
        assert!(got.complete);
    }

    #[tokio::test]
    async fn only_inventory_addresses_outside_deny_are_connected() {
        let t = target(
            &[
                "2001:db8::1",
                "192.0.2.1",
                "198.51.100.9",
                "::ffff:192.0.2.1",
            ],
            &[80],
        );
        let deny: Vec<IpNet> = vec!["198.51.100.0/24".parse().unwrap()];
        let seen = Arc::new(Mutex::new(BTreeSet::new()));
        let record = seen.clone();
        let got = scan_with(&t, ScanLimits::default(), &deny, move |a: SocketAddr, _| {
            record.lock().unwrap().insert(a.ip());
            async { false }
        })
        .await
        .unwrap();
        let want: BTreeSet<IpAddr> = ["2001:db8::1", "192.0.2.1"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        assert_eq!(*seen.lock().unwrap(), want);
        assert_eq!(got.denied.len(), 1);
    }

    #[tokio::test]
    async fn a_subject_without_both_families_is_not_scanned() {
        let calls = AtomicUsize::new(0);
        let connect = |_, _| {
            calls.fetch_add(1, Ordering::Relaxed);
            async { true }
        };
        let cases: &[(&[&str], &[&str])] = &[
            (&["2001:db8::1"], &[]),
            (&["192.0.2.1"], &[]),
            (&["2001:db8::1", "192.0.2.1"], &["192.0.2.0/24"]),
        ];
        for (addresses, deny) in cases {
            let deny: Vec<IpNet> = deny.iter().map(|d| d.parse().unwrap()).collect();
            let got = scan_with(
                &target(addresses, &[80]),
                ScanLimits::default(),
                &deny,
                connect,
            )
            .await;
            assert!(
                matches!(got, Err(ScanError::NotDualStack { .. })),
                "{addresses:?}"
            );
        }
        let none = scan_with(
            &target(&["2001:db8::1", "192.0.2.1"], &[]),
            ScanLimits::default(),
            &[],
            connect,
        )
        .await;
        assert_eq!(none, Err(ScanError::NoPorts));
        assert_eq!(calls.load(Ordering::Relaxed), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn connections_in_flight_never_exceed_the_cap() {
        let (now, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let limits = ScanLimits {
            concurrency: 4,
            ..ScanLimits::default()
        };
        let ports: Vec<u16> = (1..=50).collect();
        let got = scan_with(
            &target(&["2001:db8::1", "192.0.2.1"], &ports),
            limits,
            &[],
            |_, _| {
                let (now, most) = (&now, &most);
                async move {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(n, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    now.fetch_sub(1, Ordering::SeqCst);
                    false
                }
            },
        )
        .await
        .unwrap();
        assert_eq!(most.load(Ordering::SeqCst), 4);
        assert_eq!(got.attempts, 100);
        assert!(got.complete);
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_stops_the_scan_and_leaves_the_rest_unknown() {
        let limits = ScanLimits {
            concurrency: 2,
            connect_timeout: Duration::from_secs(1),
            deadline: Duration::from_millis(4500),
        };
        let ports: Vec<u16> = (1..=50).collect();
        let got = scan_with(
            &target(&["2001:db8::1", "192.0.2.1"], &ports),
            limits,
            &[],
            |a: SocketAddr, timeout| async move {
                tokio::time::sleep(timeout).await;
                a.is_ipv6()
            },
        )
        .await
        .unwrap();
        assert!(!got.complete);
        // Two at a time, one second each: four rounds finished, the fifth was cut.
        assert_eq!(got.attempts, 10);
        assert_eq!(got.tested4.len() + got.tested6.len(), 8);
        assert!(got.exposed().iter().all(|p| got.tested4.contains(p)));
        assert!(!got.knows(50));
    }
}
