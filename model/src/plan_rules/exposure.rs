//! Addresses that leak or cannot work: EUI-64 MACs on public services, deprecated ranges,
//! and non-global addresses where a global one is needed.

use super::{Finding, Inventory, PlanObject, Severity, owned_addresses};
use crate::domain::AddressKind;
use crate::domain::address::eui64_mac;
use crate::inventory::Service;
use std::net::IpAddr;

/// The address a service targets, when its target is an address literal.
fn target_address(s: &Service) -> Option<IpAddr> {
    let t = s.target.trim();
    let host = t
        .split_once("://")
        .map_or(t, |(_, rest)| rest.split('/').next().unwrap_or(rest));
    let bare = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(rest),
        None => host,
    };
    bare.parse().ok()
}

/// Whether the object is public: it has a DNS name or runs a service.
fn is_public(inv: &Inventory, o: &PlanObject) -> bool {
    match o.kind.as_str() {
        "host" => {
            inv.hosts
                .iter()
                .any(|h| h.id == o.id && h.dns_name.is_some())
                || inv.services.iter().any(|s| s.host_id == Some(o.id))
        }
        "container" => inv.services.iter().any(|s| s.container_id == Some(o.id)),
        _ => false,
    }
}

pub fn eui64_exposed(inv: &Inventory) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for (ip, object) in owned_addresses(inv) {
        let (Some(mac), AddressKind::GlobalUnicast) = (eui64_mac(ip), AddressKind::of(ip)) else {
            continue;
        };
        let targeting: Vec<PlanObject> = inv
            .services
            .iter()
            .filter(|s| target_address(s) == Some(ip))
            .map(PlanObject::service)
            .collect();
        if targeting.is_empty() && !is_public(inv, &object) {
            continue;
        }
        let mut objects = vec![object];
        objects.extend(targeting);
        out.push(Finding {
            code: "eui64_exposed".into(),
            severity: Severity::Warning,
            subject: ip.to_string(),
            objects,
            field: "addresses".into(),
            explanation: format!(
                "{ip} is an EUI-64 address on a public service: it reveals the MAC {mac}, which identifies the hardware and follows it across networks"
            ),
            action: "publish a stable non-EUI-64 address instead (a static one, or stable-privacy addresses per RFC 7217)".into(),
        });
    }
    out
}

/// Why a range is deprecated, if it is.
fn deprecated(ip: IpAddr) -> Option<&'static str> {
    let IpAddr::V6(v6) = ip else { return None };
    let s = v6.segments();
    match AddressKind::of(ip) {
        AddressKind::SixToFour => {
            Some("6to4 (2002::/16) is deprecated (RFC 7526) and relays are gone")
        }
        AddressKind::Teredo => {
            Some("Teredo (2001::/32) is a NAT traversal stop-gap that most networks block")
        }
        _ if s[0] & 0xffc0 == 0xfec0 => Some("site-local (fec0::/10) was deprecated by RFC 3879"),
        _ if s[0] == 0x3ffe => Some("6bone (3ffe::/16) was returned in 2006"),
        _ if s[0..6] == [0; 6] && !v6.is_loopback() && !v6.is_unspecified() => {
            Some("IPv4-compatible addresses (::/96) were deprecated by RFC 4291")
        }
        _ => None,
    }
}

pub fn deprecated_range(inv: &Inventory) -> Vec<Finding> {
    let addresses =
        owned_addresses(inv).map(|(ip, o)| (ip.to_string(), deprecated(ip), o, "addresses"));
    let prefixes = inv.prefixes.iter().filter_map(|p| {
        let net = p.net()?;
        Some((
            net.to_string(),
            deprecated(net.network()),
            PlanObject::prefix(p),
            "cidr",
        ))
    });
    addresses
        .chain(prefixes)
        .filter_map(|(subject, why, object, field)| {
            let why = why?;
            Some(Finding {
                code: "deprecated_range".into(),
                severity: Severity::Warning,
                explanation: format!("{subject} is in a deprecated range: {why}"),
                action: "use an address from your ISP's or tunnel broker's global prefix (or a ULA for internal use)".into(),
                subject,
                objects: vec![object],
                field: field.into(),
            })
        })
        .collect()
}

fn local_only(ip: IpAddr) -> bool {
    matches!(
        AddressKind::of(ip),
        AddressKind::Loopback | AddressKind::LinkLocal
    )
}

/// Loopback or link-local where a global address is needed: as every IPv6 address of a
/// host, or as a service's target.
pub fn not_global(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    for h in inv.hosts {
        let v6: Vec<IpAddr> = h
            .addresses
            .iter()
            .filter_map(|a| a.address.parse().ok())
            .filter(IpAddr::is_ipv6)
            .collect();
        if !v6.is_empty() && v6.iter().all(|ip| local_only(*ip)) {
            let shown: Vec<String> = v6.iter().map(|ip| ip.to_string()).collect();
            out.push(Finding {
                code: "not_global".into(),
                severity: Severity::Problem,
                subject: shown.join(", "),
                objects: vec![PlanObject::host(h)],
                field: "addresses".into(),
                explanation: format!(
                    "host {} has only loopback or link-local IPv6 addresses ({}); nothing beyond its link can reach it over IPv6",
                    h.name,
                    shown.join(", ")
                ),
                action: "record the host's global (or ULA) address".into(),
            });
        }
    }
    for s in inv.services {
        let Some(ip) = target_address(s).filter(|ip| local_only(*ip)) else {
            continue;
        };
        out.push(Finding {
            code: "not_global".into(),
            severity: Severity::Problem,
            subject: ip.to_string(),
            objects: vec![PlanObject::service(s)],
            field: "target".into(),
            explanation: format!(
                "service {} targets {ip}, a {} address that only works on the probing machine's own link",
                s.name,
                AddressKind::of(ip).as_str()
            ),
            action: "target the service's global address or DNS name".into(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{host, prefix, service};
    use super::*;

    const EUI: &str = "2001:db8::211:22ff:fe33:4455";

    #[test]
    fn eui64_exposed_fails_and_passes() {
        let cases = [
            (
                "named host",
                host(1, Some("nas.example.test"), &[EUI]),
                vec![],
                1,
            ),
            (
                "host running a service",
                host(1, None, &[EUI]),
                vec![service(9, Some(1), "nas.example.test")],
                1,
            ),
            (
                "service targets it",
                host(2, None, &[EUI]),
                vec![service(9, None, EUI)],
                1,
            ),
            ("private host", host(1, None, &[EUI]), vec![], 0),
            (
                "named, not EUI-64",
                host(1, Some("nas.example.test"), &["2001:db8::1"]),
                vec![],
                0,
            ),
            (
                "named, link-local EUI-64",
                host(1, Some("nas.example.test"), &["fe80::211:22ff:fe33:4455"]),
                vec![],
                0,
            ),
        ];
        for (name, h, services, want) in cases {
            let hosts = [h];
            let inv = Inventory {
                hosts: &hosts,
                services: &services,
                ..Default::default()
            };
            let found = eui64_exposed(&inv);
            assert_eq!(found.len(), want, "{name}");
            if want == 1 {
                assert!(
                    found[0].explanation.contains("00:11:22:33:44:55"),
                    "{name}: shows the MAC"
                );
            }
        }
    }

    #[test]
    fn deprecated_range_fails_and_passes() {
        let cases = [
            ("6to4", "2002:c000:201::1", 1),
            ("Teredo", "2001:0:4136:e378::1", 1),
            ("site-local", "fec0::1", 1),
            ("6bone", "3ffe:b00::1", 1),
            ("IPv4-compatible", "::192.0.2.1", 1),
            ("global", "2001:db8::1", 0),
            ("ULA", "fd00::1", 0),
            ("loopback", "::1", 0),
        ];
        for (name, a, want) in cases {
            let hosts = [host(1, None, &[a])];
            let inv = Inventory {
                hosts: &hosts,
                ..Default::default()
            };
            assert_eq!(deprecated_range(&inv).len(), want, "{name}");
        }
        let prefixes = [prefix(1, "2002:c000:201::/48"), prefix(2, "2001:db8::/32")];
        let inv = Inventory {
            prefixes: &prefixes,
            ..Default::default()
        };
        let found = deprecated_range(&inv);
        assert_eq!(found.len(), 1, "a 6to4 prefix");
        assert_eq!(found[0].field, "cidr");
    }

    #[test]
    fn not_global_fails_and_passes() {
        let cases = [
            ("only link-local", host(1, None, &["fe80::1"]), vec![], 1),
            ("only loopback", host(1, None, &["::1"]), vec![], 1),
            (
                "link-local and global",
                host(1, None, &["fe80::1", "2001:db8::1"]),
                vec![],
                0,
            ),
            ("IPv4 only", host(1, None, &["192.0.2.1"]), vec![], 0),
            (
                "service on link-local",
                host(1, None, &["2001:db8::1"]),
                vec![service(9, Some(1), "http://[fe80::1]:8080/")],
                1,
            ),
            (
                "service on global",
                host(1, None, &["2001:db8::1"]),
                vec![service(9, Some(1), "2001:db8::1")],
                0,
            ),
        ];
        for (name, h, services, want) in cases {
            let hosts = [h];
            let inv = Inventory {
                hosts: &hosts,
                services: &services,
                ..Default::default()
            };
            assert_eq!(not_global(&inv).len(), want, "{name}");
        }
    }
}
