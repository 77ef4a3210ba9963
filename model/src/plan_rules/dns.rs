//! DNS drift: a host's DNS name against its inventory addresses. The records come from the
//! server's resolver; this file only compares. Containers have no DNS name field, so only
//! hosts are checked.

use super::{Finding, Inventory, PlanObject, Severity};
use crate::domain::AddressKind;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What the resolver answered for one name (empty lists for no records or NXDOMAIN).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsAnswer {
    pub aaaa: Vec<Ipv6Addr>,
    pub a: Vec<Ipv4Addr>,
}

/// The names to look up: every host's DNS name.
pub fn dns_names(inv: &Inventory) -> Vec<String> {
    let mut names: Vec<String> = inv
        .hosts
        .iter()
        .filter_map(|h| h.dns_name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Findings for each host whose name has an answer in `answers`; a name the resolver could
/// not be asked about (None) gives nothing, so an outage is no drift.
pub fn dns_findings(inv: &Inventory, answers: impl Fn(&str) -> Option<DnsAnswer>) -> Vec<Finding> {
    let mut out = Vec::new();
    for h in inv.hosts {
        let Some(name) = h.dns_name.as_deref() else {
            continue;
        };
        let Some(answer) = answers(name) else {
            continue;
        };
        let owned: Vec<IpAddr> = h
            .addresses
            .iter()
            .filter_map(|a| a.address.parse().ok())
            .collect();
        let object = || vec![PlanObject::host(h)];
        let strays: Vec<String> = answer
            .aaaa
            .iter()
            .filter(|r| !owned.contains(&IpAddr::V6(**r)))
            .map(|r| r.to_string())
            .collect();
        if !strays.is_empty() {
            out.push(Finding {
                code: "dns_drift".into(),
                severity: Severity::Problem,
                subject: name.into(),
                objects: object(),
                field: "dns_name".into(),
                explanation: format!(
                    "{name} has AAAA {} which host {} does not have in the inventory; clients may connect to the wrong machine",
                    strays.join(", "),
                    h.name
                ),
                action: "update the AAAA record, or add the address to the host if it is really its".into(),
            });
        }
        if answer.aaaa.is_empty() && !answer.a.is_empty() {
            out.push(Finding {
                code: "a_without_aaaa".into(),
                severity: Severity::Problem,
                subject: name.into(),
                objects: object(),
                field: "dns_name".into(),
                explanation: format!(
                    "{name} has an A record but no AAAA: IPv6-only clients cannot reach it by name"
                ),
                action: "publish an AAAA record with the host's global address".into(),
            });
            continue;
        }
        for ip in owned
            .iter()
            .filter(|ip| AddressKind::of(**ip) == AddressKind::GlobalUnicast)
        {
            let IpAddr::V6(v6) = ip else { continue };
            if answer.aaaa.contains(v6) {
                continue;
            }
            out.push(Finding {
                code: "missing_aaaa".into(),
                severity: Severity::Warning,
                subject: ip.to_string(),
                objects: object(),
                field: "dns_name".into(),
                explanation: format!("{ip} of host {} has no AAAA record under {name}", h.name),
                action: format!("publish an AAAA record for {name} with {ip}, or remove the address if it is gone"),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::host;
    use super::*;

    fn answer(aaaa: &[&str], a: &[&str]) -> DnsAnswer {
        DnsAnswer {
            aaaa: aaaa.iter().map(|x| x.parse().unwrap()).collect(),
            a: a.iter().map(|x| x.parse().unwrap()).collect(),
        }
    }

    #[test]
    fn dns_rules_fail_and_pass() {
        type Case<'a> = (&'a str, &'a [&'a str], Option<DnsAnswer>, &'a [&'a str]);
        let cases: [Case; 7] = [
            (
                "matching",
                &["2001:db8::1"],
                Some(answer(&["2001:db8::1"], &[])),
                &[],
            ),
            (
                "stray AAAA",
                &["2001:db8::1"],
                Some(answer(&["2001:db8::1", "2001:db8::99"], &[])),
                &["dns_drift"],
            ),
            (
                "moved",
                &["2001:db8::1"],
                Some(answer(&["2001:db8::99"], &[])),
                &["dns_drift", "missing_aaaa"],
            ),
            (
                "A only",
                &["2001:db8::1"],
                Some(answer(&[], &["192.0.2.1"])),
                &["a_without_aaaa"],
            ),
            (
                "no records",
                &["2001:db8::1"],
                Some(answer(&[], &[])),
                &["missing_aaaa"],
            ),
            (
                "ULA needs no AAAA",
                &["fd00::1"],
                Some(answer(&[], &[])),
                &[],
            ),
            ("resolver unreachable", &["2001:db8::1"], None, &[]),
        ];
        for (name, addresses, reply, want) in cases {
            let hosts = [host(1, Some("nas.lab.test"), addresses)];
            let inv = Inventory {
                hosts: &hosts,
                ..Default::default()
            };
            let found = dns_findings(&inv, |n| {
                assert_eq!(n, "nas.lab.test");
                reply.clone()
            });
            let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
            assert_eq!(codes, want, "{name}");
        }
    }

    #[test]
    fn a_host_without_a_name_is_not_looked_up() {
        let hosts = [host(1, None, &["2001:db8::1"])];
        let inv = Inventory {
            hosts: &hosts,
            ..Default::default()
        };
        assert!(dns_findings(&inv, |_| panic!("no lookup")).is_empty());
        assert!(dns_names(&inv).is_empty());
    }
}
