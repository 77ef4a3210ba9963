//! The same thing declared twice: an address on two objects, a prefix declared twice.

use super::{Finding, Inventory, PlanObject, Severity, owned_addresses};
use ipnet::IpNet;
use std::collections::BTreeMap;
use std::net::IpAddr;

pub fn duplicate_addresses(inv: &Inventory) -> Vec<Finding> {
    let mut by_address: BTreeMap<IpAddr, Vec<PlanObject>> = BTreeMap::new();
    for (ip, object) in owned_addresses(inv) {
        let holders = by_address.entry(ip).or_default();
        if !holders.contains(&object) {
            holders.push(object);
        }
    }
    by_address
        .into_iter()
        .filter(|(ip, holders)| holders.len() > 1 && !ip_is_link_local(*ip))
        .map(|(ip, objects)| Finding {
            code: "duplicate_address".into(),
            severity: Severity::Problem,
            subject: ip.to_string(),
            explanation: format!(
                "{ip} is recorded on {} objects; only one of them answers, and duplicate address detection may disable it on both",
                objects.len()
            ),
            action: "keep the address on the object that really has it and give the others their own".into(),
            objects,
            field: "addresses".into(),
        })
        .collect()
}

/// Link-local addresses repeat on every link (fe80::1 on each router) and are no conflict.
fn ip_is_link_local(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80)
}

pub fn overlapping_prefixes(inv: &Inventory) -> Vec<Finding> {
    let mut by_net: BTreeMap<IpNet, Vec<PlanObject>> = BTreeMap::new();
    for p in inv.prefixes {
        if let Some(net) = p.net() {
            by_net
                .entry(net.trunc())
                .or_default()
                .push(PlanObject::prefix(p));
        }
    }
    by_net
        .into_iter()
        .filter(|(_, objects)| objects.len() > 1)
        .map(|(net, objects)| Finding {
            code: "overlapping_prefixes".into(),
            severity: Severity::Warning,
            subject: net.to_string(),
            explanation: format!(
                "{net} is declared {} times; addresses inside it are placed in only one of them",
                objects.len()
            ),
            action: "delete the extra declarations, or give each a distinct, nested prefix".into(),
            objects,
            field: "cidr".into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{container, host, prefix};
    use super::*;

    #[test]
    fn duplicate_addresses_fail_and_pass() {
        let cases: [(&str, Vec<crate::inventory::Host>, usize); 4] = [
            (
                "two hosts",
                vec![
                    host(1, None, &["2001:db8::1"]),
                    host(2, None, &["2001:db8::1"]),
                ],
                1,
            ),
            (
                "distinct",
                vec![
                    host(1, None, &["2001:db8::1"]),
                    host(2, None, &["2001:db8::2"]),
                ],
                0,
            ),
            (
                "link-local repeats",
                vec![host(1, None, &["fe80::1"]), host(2, None, &["fe80::1"])],
                0,
            ),
            (
                "written differently",
                vec![
                    host(1, None, &["2001:db8::1"]),
                    host(2, None, &["2001:DB8:0::1"]),
                ],
                1,
            ),
        ];
        for (name, hosts, want) in cases {
            let inv = Inventory {
                hosts: &hosts,
                ..Default::default()
            };
            let found = duplicate_addresses(&inv);
            assert_eq!(found.len(), want, "{name}");
        }
        let hosts = [host(1, None, &["2001:db8::5"])];
        let containers = [container(7, 1, &["2001:db8::5"])];
        let inv = Inventory {
            hosts: &hosts,
            containers: &containers,
            ..Default::default()
        };
        let found = duplicate_addresses(&inv);
        assert_eq!(found.len(), 1, "host and container");
        assert!(found[0].concerns("host", 1) && found[0].concerns("container", 7));
    }

    #[test]
    fn overlapping_prefixes_fail_and_pass() {
        let cases = [
            (
                "same twice",
                vec![prefix(1, "2001:db8:1::/48"), prefix(2, "2001:db8:1::/48")],
                1,
            ),
            (
                "nested",
                vec![
                    prefix(1, "2001:db8:1::/48"),
                    prefix(2, "2001:db8:1:10::/64"),
                ],
                0,
            ),
            (
                "disjoint",
                vec![prefix(1, "2001:db8:1::/48"), prefix(2, "2001:db8:2::/48")],
                0,
            ),
        ];
        for (name, prefixes, want) in cases {
            let inv = Inventory {
                prefixes: &prefixes,
                ..Default::default()
            };
            assert_eq!(overlapping_prefixes(&inv).len(), want, "{name}");
        }
    }
}
