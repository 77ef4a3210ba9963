//! The exposure diff across scans: which ports answer over IPv6 but not over IPv4, since when
//! (first seen, kept across scans) and until when (last seen). A port that closes again, or
//! opens over IPv4 too, leaves the diff; a port a cut-short scan could not settle stays as it was.

use super::ScanOutcome;

/// One port in the exposure diff. Times are Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExposedPort {
    pub port: u16,
    pub first_seen: i64,
    pub last_seen: i64,
}

/// The diff after one scan, with what changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffUpdate {
    /// The diff now, sorted by port.
    pub current: Vec<ExposedPort>,
    /// Ports new to the diff (each alerts once).
    pub opened: Vec<u16>,
    /// Ports that left the diff.
    pub closed: Vec<u16>,
}

/// The diff after `scan` at `now`, given the diff before it.
pub fn update_diff(previous: &[ExposedPort], scan: &ScanOutcome, now: i64) -> DiffUpdate {
    let exposed = scan.exposed();
    let mut update = DiffUpdate::default();
    for old in previous {
        if exposed.contains(&old.port) {
            update.current.push(ExposedPort {
                last_seen: now,
                ..*old
            });
        } else if scan.knows(old.port) {
            update.closed.push(old.port);
        } else {
            update.current.push(*old);
        }
    }
    for &port in &exposed {
        if !previous.iter().any(|p| p.port == port) {
            update.opened.push(port);
            update.current.push(ExposedPort {
                port,
                first_seen: now,
                last_seen: now,
            });
        }
    }
    update.current.sort_by_key(|p| p.port);
    update
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scan of ports over both families: (port, open6, open4); every port tested.
    fn scan(ports: &[(u16, bool, bool)]) -> ScanOutcome {
        let mut s = ScanOutcome {
            complete: true,
            ..ScanOutcome::default()
        };
        for &(port, v6, v4) in ports {
            s.tested6.insert(port);
            s.tested4.insert(port);
            if v6 {
                s.open6.insert(port);
            }
            if v4 {
                s.open4.insert(port);
            }
        }
        s
    }

    fn seen(port: u16, first: i64, last: i64) -> ExposedPort {
        ExposedPort {
            port,
            first_seen: first,
            last_seen: last,
        }
    }

    #[test]
    fn diff_follows_the_scans() {
        struct Case {
            name: &'static str,
            previous: Vec<ExposedPort>,
            scan: ScanOutcome,
            current: Vec<ExposedPort>,
            opened: Vec<u16>,
            closed: Vec<u16>,
        }
        let cases = vec![
            Case {
                name: "open over IPv6 only: new",
                previous: vec![],
                scan: scan(&[(22, true, false)]),
                current: vec![seen(22, 100, 100)],
                opened: vec![22],
                closed: vec![],
            },
            Case {
                name: "open over both: not in the diff",
                previous: vec![],
                scan: scan(&[(80, true, true)]),
                current: vec![],
                opened: vec![],
                closed: vec![],
            },
            Case {
                name: "open over IPv4 only or closed: not in the diff",
                previous: vec![],
                scan: scan(&[(8080, false, true), (23, false, false)]),
                current: vec![],
                opened: vec![],
                closed: vec![],
            },
            Case {
                name: "still exposed: first seen kept, last seen moves",
                previous: vec![seen(22, 10, 50)],
                scan: scan(&[(22, true, false)]),
                current: vec![seen(22, 10, 100)],
                opened: vec![],
                closed: vec![],
            },
            Case {
                name: "closed again: leaves",
                previous: vec![seen(22, 10, 50)],
                scan: scan(&[(22, false, false)]),
                current: vec![],
                opened: vec![],
                closed: vec![22],
            },
            Case {
                name: "now open over IPv4 too: leaves",
                previous: vec![seen(22, 10, 50)],
                scan: scan(&[(22, true, true)]),
                current: vec![],
                opened: vec![],
                closed: vec![22],
            },
            Case {
                name: "not settled by a cut-short scan: unchanged",
                previous: vec![seen(22, 10, 50)],
                scan: ScanOutcome::default(),
                current: vec![seen(22, 10, 50)],
                opened: vec![],
                closed: vec![],
            },
        ];
        for c in cases {
            let got = update_diff(&c.previous, &c.scan, 100);
            assert_eq!(got.current, c.current, "{}", c.name);
            assert_eq!(got.opened, c.opened, "{}", c.name);
            assert_eq!(got.closed, c.closed, "{}", c.name);
        }
    }
}
