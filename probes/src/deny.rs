//! Probe stage: address ranges the operator never wants probed (`--deny-target`). Probing
//! is the product, so nothing is denied by default; a range here is refused at the last
//! step before a packet leaves, so no name, redirect or dependency can lead around it.

use std::net::IpAddr;

use ipnet::IpNet;

/// Why `address` must not be probed, when a range of `deny` holds it. An IPv4-mapped IPv6
/// address counts as the IPv4 address it maps.
pub fn denied(deny: &[IpNet], address: IpAddr) -> Option<String> {
    let canonical = address.to_canonical();
    deny.iter()
        .find(|net| net.contains(&address) || net.contains(&canonical))
        .map(|net| {
            format!("{address} is inside {net}, which --deny-target keeps v6watch from reaching")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_deny_their_addresses_only() {
        let deny: Vec<IpNet> = vec![
            "fd00:bad::/32".parse().unwrap(),
            "192.0.2.0/24".parse().unwrap(),
        ];
        let cases: &[(&str, bool)] = &[
            ("fd00:bad::1", true),
            ("fd00:bad:ffff::9", true),
            ("fd00:bae::1", false),
            ("192.0.2.7", true),
            ("::ffff:192.0.2.7", true),
            ("198.51.100.1", false),
            ("2001:db8::1", false),
        ];
        for (address, want) in cases {
            let got = denied(&deny, address.parse().unwrap());
            assert_eq!(got.is_some(), *want, "{address}");
        }
        assert!(denied(&[], "192.0.2.1".parse().unwrap()).is_none());
        let detail = denied(&deny, "192.0.2.7".parse().unwrap()).unwrap();
        assert!(detail.contains("192.0.2.0/24"), "{detail}");
    }
}
