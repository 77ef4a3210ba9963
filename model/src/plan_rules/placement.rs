//! Where addresses sit in the plan: inside their host's prefixes, inside any prefix, and
//! prefixes too long for SLAAC.

use super::{Finding, Inventory, PlanObject, Severity, owned_addresses};
use crate::domain::AddressKind;
use crate::domain::address::eui64_mac;
use ipnet::IpNet;
use std::net::IpAddr;

fn nets(inv: &Inventory) -> Vec<IpNet> {
    inv.prefixes.iter().filter_map(|p| p.net()).collect()
}

/// Loopback, link-local, multicast and unspecified addresses belong in no prefix.
fn placeable(ip: IpAddr) -> bool {
    !matches!(
        AddressKind::of(ip),
        AddressKind::LinkLocal
            | AddressKind::Loopback
            | AddressKind::Multicast
            | AddressKind::Unspecified
    )
}

fn innermost(nets: &[IpNet], ip: IpAddr) -> Option<IpNet> {
    nets.iter()
        .filter(|n| n.contains(&ip))
        .max_by_key(|n| n.prefix_len())
        .copied()
}

/// A container address outside every prefix its host's addresses are in. A host with no
/// address inside a declared prefix gives nothing to compare with, so is skipped.
pub fn outside_parent(inv: &Inventory) -> Vec<Finding> {
    let nets = nets(inv);
    let mut out = Vec::new();
    for c in inv.containers {
        let Some(host) = inv.hosts.iter().find(|h| h.id == c.host_id) else {
            continue;
        };
        let host_nets: Vec<IpNet> = host
            .addresses
            .iter()
            .filter_map(|a| a.address.parse().ok())
            .filter_map(|ip| innermost(&nets, ip))
            .collect();
        if host_nets.is_empty() {
            continue;
        }
        for ip in c
            .addresses
            .iter()
            .filter_map(|a| a.address.parse::<IpAddr>().ok())
        {
            if !placeable(ip) || host_nets.iter().any(|n| n.contains(&ip)) {
                continue;
            }
            let shown: Vec<String> = host_nets.iter().map(|n| n.to_string()).collect();
            out.push(Finding {
                code: "outside_parent".into(),
                severity: Severity::Warning,
                subject: ip.to_string(),
                objects: vec![PlanObject::container(c), PlanObject::host(host)],
                field: "addresses".into(),
                explanation: format!(
                    "{ip} is outside the prefixes of host {} ({}); it is only reachable if that host routes it",
                    host.name,
                    shown.join(", ")
                ),
                action: "give the container an address from its host's prefix, or route the prefix it uses to the host".into(),
            });
        }
    }
    out
}

/// Routable addresses no declared prefix holds (the plan page's "outside" list).
pub fn outside_prefixes(inv: &Inventory) -> Vec<Finding> {
    let nets = nets(inv);
    owned_addresses(inv)
        .filter(|(ip, _)| placeable(*ip) && innermost(&nets, *ip).is_none())
        .map(|(ip, object)| Finding {
            code: "outside_prefixes".into(),
            severity: Severity::Warning,
            subject: ip.to_string(),
            objects: vec![object],
            field: "addresses".into(),
            explanation: format!("{ip} is outside every declared prefix"),
            action: "declare the prefix it comes from, or correct the address".into(),
        })
        .collect()
}

/// An IPv6 prefix longer than /64 on a segment that uses SLAAC. v6watch has no SLAAC flag:
/// an EUI-64 interface id in the prefix's /64 (its segment) is the sign it autoconfigures.
pub fn slaac_long_prefix(inv: &Inventory) -> Vec<Finding> {
    let addresses: Vec<(IpAddr, PlanObject)> = owned_addresses(inv).collect();
    let mut out = Vec::new();
    for p in inv.prefixes {
        let Some(IpNet::V6(net)) = p.net() else {
            continue;
        };
        if net.prefix_len() <= 64 {
            continue;
        }
        let Ok(segment) = ipnet::Ipv6Net::new(net.addr(), 64).map(|n| IpNet::V6(n.trunc())) else {
            continue;
        };
        let slaac: Vec<&(IpAddr, PlanObject)> = addresses
            .iter()
            .filter(|(ip, _)| segment.contains(ip) && eui64_mac(*ip).is_some())
            .collect();
        if slaac.is_empty() {
            continue;
        }
        let mut objects = vec![PlanObject::prefix(p)];
        for (_, o) in &slaac {
            if !objects.contains(o) {
                objects.push(o.clone());
            }
        }
        out.push(Finding {
            code: "slaac_long_prefix".into(),
            severity: Severity::Problem,
            subject: net.to_string(),
            objects,
            field: "cidr".into(),
            explanation: format!(
                "{net} is longer than /64 on the segment {segment}, which uses SLAAC (EUI-64 addresses); SLAAC needs a /64, so addresses in {net} are not autoconfigured"
            ),
            action: "use a /64 for the segment, or give its hosts static addresses (or DHCPv6) and proxy neighbour discovery to the upstream link with an NDP proxy such as ndppd".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{container, host, prefix};
    use super::*;

    #[test]
    fn outside_parent_fails_and_passes() {
        let prefixes = [prefix(1, "2001:db8:1::/64"), prefix(2, "2001:db8:2::/64")];
        let hosts = [
            host(1, None, &["2001:db8:1::1"]),
            host(2, None, &["2001:db8:9::1"]),
        ];
        let cases = [
            (
                "outside the host's /64",
                container(5, 1, &["2001:db8:2::5"]),
                1,
            ),
            (
                "inside the host's /64",
                container(5, 1, &["2001:db8:1::5"]),
                0,
            ),
            ("link-local", container(5, 1, &["fe80::5"]), 0),
            ("host in no prefix", container(5, 2, &["2001:db8:2::5"]), 0),
        ];
        for (name, c, want) in cases {
            let containers = [c];
            let inv = Inventory {
                hosts: &hosts,
                containers: &containers,
                prefixes: &prefixes,
                ..Default::default()
            };
            assert_eq!(outside_parent(&inv).len(), want, "{name}");
        }
    }

    #[test]
    fn outside_prefixes_fails_and_passes() {
        let prefixes = [prefix(1, "2001:db8:1::/48")];
        let cases = [
            ("outside", "2001:db8:9::1", 1),
            ("inside", "2001:db8:1::1", 0),
            ("loopback", "::1", 0),
            ("ipv4 outside", "192.0.2.1", 1),
        ];
        for (name, a, want) in cases {
            let hosts = [host(1, None, &[a])];
            let inv = Inventory {
                hosts: &hosts,
                prefixes: &prefixes,
                ..Default::default()
            };
            assert_eq!(outside_prefixes(&inv).len(), want, "{name}");
        }
    }

    #[test]
    fn slaac_long_prefix_fails_and_passes() {
        let cases = [
            (
                "/112 on a SLAAC segment",
                "2001:db8:1::/112",
                "2001:db8:1::211:22ff:fe33:4455",
                1,
            ),
            (
                "/112 on a static segment",
                "2001:db8:1::/112",
                "2001:db8:1::5",
                0,
            ),
            (
                "EUI-64 on another segment",
                "2001:db8:1::/112",
                "2001:db8:2::211:22ff:fe33:4455",
                0,
            ),
            (
                "/64 with EUI-64",
                "2001:db8:1::/64",
                "2001:db8:1::211:22ff:fe33:4455",
                0,
            ),
        ];
        for (name, cidr, a, want) in cases {
            let prefixes = [prefix(1, cidr)];
            let hosts = [host(1, None, &[a])];
            let inv = Inventory {
                hosts: &hosts,
                prefixes: &prefixes,
                ..Default::default()
            };
            let found = slaac_long_prefix(&inv);
            assert_eq!(found.len(), want, "{name}");
            if want == 1 {
                assert!(found[0].action.contains("ndppd"), "{name}");
            }
        }
    }
}
