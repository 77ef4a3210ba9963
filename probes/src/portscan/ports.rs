//! The ports an exposure scan tries: the 100 most common TCP service ports (nmap's top 100,
//! fixed here so a scan is reproducible), plus every port the subject's services and published
//! container ports name.

/// The 100 most common TCP service ports (nmap's `--top-ports 100`), sorted.
pub const TOP_PORTS: [u16; 100] = [
    7, 9, 13, 21, 22, 23, 25, 26, 37, 53, 79, 80, 81, 88, 106, 110, 111, 113, 119, 135, 139, 143,
    144, 179, 199, 389, 427, 443, 444, 445, 465, 513, 514, 515, 543, 544, 548, 554, 587, 631, 646,
    873, 990, 993, 995, 1025, 1026, 1027, 1028, 1029, 1110, 1433, 1720, 1723, 1755, 1900, 2000,
    2001, 2049, 2121, 2717, 3000, 3128, 3306, 3389, 3986, 4899, 5000, 5009, 5051, 5060, 5101, 5190,
    5357, 5432, 5631, 5666, 5800, 5900, 6000, 6001, 6646, 7070, 8000, 8008, 8009, 8080, 8081, 8443,
    8888, 9100, 9999, 10000, 32768, 49152, 49153, 49154, 49155, 49156, 49157,
];

/// The most ports one subject is scanned on, so a long list of services cannot turn a scan
/// into a sweep of all 65535.
pub const MAX_PORTS: usize = 1024;

/// The ports to scan: `base` (the settings' list, [`TOP_PORTS`] by default) and the `named`
/// ports of the subject's services and published ports, sorted, without duplicates and without
/// port 0, at most [`MAX_PORTS`] (the base list first, then the named ports in order).
pub fn port_list(base: &[u16], named: &[u16]) -> Vec<u16> {
    let mut chosen = std::collections::BTreeSet::new();
    for &port in base.iter().chain(named) {
        if chosen.len() >= MAX_PORTS {
            break;
        }
        if port != 0 {
            chosen.insert(port);
        }
    }
    chosen.into_iter().collect()
}

/// The host-side TCP port of one published-port line (`8080:80`, `127.0.0.1:8080:80/tcp`,
/// `[::]:8443:443`, `80`); none for UDP, ranges or anything unreadable.
pub fn published_host_port(line: &str) -> Option<u16> {
    let line = line.trim();
    let (ports, proto) = line.split_once('/').unwrap_or((line, "tcp"));
    if !proto.eq_ignore_ascii_case("tcp") {
        return None;
    }
    let mut parts = ports.rsplit(':');
    let container = parts.next()?;
    let host = parts.next().unwrap_or(container);
    host.parse().ok().filter(|p| *p != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_ports_are_a_hundred_sorted_distinct_ports() {
        assert!(TOP_PORTS.windows(2).all(|w| w[0] < w[1]));
        assert!(!TOP_PORTS.contains(&0));
        assert!(TOP_PORTS.contains(&22) && TOP_PORTS.contains(&443));
    }

    #[test]
    fn published_lines_give_their_host_port() {
        let cases: &[(&str, Option<u16>)] = &[
            ("80", Some(80)),
            ("8080:80", Some(8080)),
            ("127.0.0.1:8081:80/tcp", Some(8081)),
            ("[::]:8443:443", Some(8443)),
            ("53:53/udp", None),
            ("8000-8010:8000-8010", None),
            ("", None),
            ("0:80", None),
            ("web", None),
        ];
        for (line, want) in cases {
            assert_eq!(published_host_port(line), *want, "{line}");
        }
    }

    #[test]
    fn port_list_merges_deduplicates_and_bounds() {
        let many: Vec<u16> = (1..=5000).collect();
        let cases: &[(&[u16], &[u16], Vec<u16>)] = &[
            (&[80, 22], &[], vec![22, 80]),
            (&[80, 22], &[8080, 80, 0], vec![22, 80, 8080]),
            (&[], &[9000, 9000], vec![9000]),
            (&[], &[], vec![]),
            (&[0], &[0], vec![]),
        ];
        for (base, named, want) in cases {
            assert_eq!(&port_list(base, named), want, "{base:?} + {named:?}");
        }
        let defaults = port_list(&TOP_PORTS, &[8086, 22]);
        assert_eq!(defaults.len(), 101);
        assert!(defaults.contains(&8086));
        let bounded = port_list(&TOP_PORTS, &many);
        assert_eq!(bounded.len(), MAX_PORTS);
        assert!(
            TOP_PORTS.iter().all(|p| bounded.contains(p)),
            "the base list comes first"
        );
    }
}
