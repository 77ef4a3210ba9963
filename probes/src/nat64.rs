//! Probe stage: recognising AAAA answers synthesized by DNS64 inside a NAT64 prefix.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::Ipv6Net;

/// The well-known NAT64 prefix `64:ff9b::/96` (RFC 6052).
/// (Checked at compile time.)
pub const WELL_KNOWN_PREFIX: Ipv6Net =
    Ipv6Net::new_assert(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96);

/// The NAT64 prefix `address` lies in, if any.
pub fn nat64_prefix_of(address: &Ipv6Addr, prefixes: &[Ipv6Net]) -> Option<Ipv6Net> {
    prefixes.iter().copied().find(|net| net.contains(address))
}

/// True when `address` lies in one of the NAT64 `prefixes`.
pub fn is_synthesized(address: &Ipv6Addr, prefixes: &[Ipv6Net]) -> bool {
    nat64_prefix_of(address, prefixes).is_some()
}

/// The IPv4 address embedded in a NAT64 address (RFC 6052 section 2.2 layouts for prefix
/// lengths 32, 40, 48, 56, 64 and 96). `None` for other prefix lengths.
pub fn embedded_ipv4(address: &Ipv6Addr, prefix_len: u8) -> Option<Ipv4Addr> {
    let o = address.octets();
    // Octet 8 (bits 64..71) is the reserved "u" octet and never carries IPv4 bits.
    let v4 = match prefix_len {
        32 => [o[4], o[5], o[6], o[7]],
        40 => [o[5], o[6], o[7], o[9]],
        48 => [o[6], o[7], o[9], o[10]],
        56 => [o[7], o[9], o[10], o[11]],
        64 => [o[9], o[10], o[11], o[12]],
        96 => [o[12], o[13], o[14], o[15]],
        _ => return None,
    };
    Some(Ipv4Addr::from(v4))
}

/// Ensure the well-known prefix is in the list, keeping the caller's order.
pub(crate) fn with_well_known(prefixes: &[Ipv6Net]) -> Vec<Ipv6Net> {
    let mut all = prefixes.to_vec();
    if !all.contains(&WELL_KNOWN_PREFIX) {
        all.push(WELL_KNOWN_PREFIX);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv6Net {
        s.parse().unwrap()
    }

    #[test]
    fn detects_synthesized_addresses() {
        let prefixes = with_well_known(&[net("2001:db8:64::/96")]);
        let cases: &[(&str, bool)] = &[
            ("64:ff9b::c633:6404", true),
            ("64:ff9b::198.51.100.4", true),
            ("64:ff9b::", true),
            ("64:ff9b:1::c633:6404", false),
            ("2001:db8:64::c000:201", true),
            ("2001:db8:64:1::c000:201", false),
            ("2001:db8:2::46", false),
            ("::ffff:198.51.100.4", false),
            ("::1", false),
        ];
        for (addr, want) in cases {
            let addr: Ipv6Addr = addr.parse().unwrap();
            assert_eq!(is_synthesized(&addr, &prefixes), *want, "{addr}");
        }
    }

    #[test]
    fn well_known_prefix_is_always_present_once() {
        assert_eq!(with_well_known(&[]), vec![WELL_KNOWN_PREFIX]);
        assert_eq!(
            with_well_known(&[WELL_KNOWN_PREFIX]),
            vec![WELL_KNOWN_PREFIX]
        );
        assert_eq!(with_well_known(&[net("2001:db8:64::/96")]).len(), 2);
    }

    #[test]
    fn extracts_embedded_ipv4_per_rfc6052() {
        // RFC 6052 section 2.4 examples, for 192.0.2.33.
        let cases: &[(&str, u8)] = &[
            ("2001:db8:c000:221::", 32),
            ("2001:db8:1c0:2:21::", 40),
            ("2001:db8:122:c000:2:2100::", 48),
            ("2001:db8:122:3c0:0:221::", 56),
            ("2001:db8:122:344:c0:2:2100:0", 64),
            ("2001:db8:122:344::192.0.2.33", 96),
            ("64:ff9b::192.0.2.33", 96),
        ];
        for (addr, len) in cases {
            let addr: Ipv6Addr = addr.parse().unwrap();
            assert_eq!(
                embedded_ipv4(&addr, *len),
                Some(Ipv4Addr::new(192, 0, 2, 33)),
                "{addr}/{len}"
            );
        }
        assert_eq!(embedded_ipv4(&"64:ff9b::1".parse().unwrap(), 80), None);
    }
}
