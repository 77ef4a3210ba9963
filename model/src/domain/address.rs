//! IP addresses and the kind v6watch derives from them when they are saved.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Parses one IPv6 or IPv4 address, with a message a user can act on.
pub fn parse_address(input: &str) -> Result<IpAddr, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("enter an IPv6 or IPv4 address".into());
    }
    if text.contains('/') {
        return Err(format!(
            "'{text}' is a prefix; enter a single address without /length"
        ));
    }
    if text.contains('%') {
        return Err(format!(
            "'{text}' has a zone index (%); enter the address without it"
        ));
    }
    let bare = text.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>()
        .map_err(|_| format!("'{text}' is not an IPv6 or IPv4 address"))
}

/// What an address is, as far as IPv6-only reachability is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    GlobalUnicast,
    Ula,
    LinkLocal,
    SixToFour,
    Teredo,
    Nat64,
    Loopback,
    Multicast,
    Unspecified,
    Ipv4MappedV6,
    Ipv4Public,
    Ipv4Private,
    Ipv4Other,
    Ipv6Other,
}

impl AddressKind {
    pub fn of(address: IpAddr) -> Self {
        match address {
            IpAddr::V6(v6) => Self::of_v6(v6),
            IpAddr::V4(v4) => Self::of_v4(v4),
        }
    }

    fn of_v6(a: Ipv6Addr) -> Self {
        let s = a.segments();
        if a.is_unspecified() {
            Self::Unspecified
        } else if a.is_loopback() {
            Self::Loopback
        } else if s[0] & 0xff00 == 0xff00 {
            Self::Multicast
        } else if s[0] & 0xffc0 == 0xfe80 {
            Self::LinkLocal
        } else if s[0] & 0xfe00 == 0xfc00 {
            Self::Ula
        } else if s[0] == 0x0064 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
            Self::Nat64
        } else if s[0] == 0x2002 {
            Self::SixToFour
        } else if s[0] == 0x2001 && s[1] == 0x0000 {
            Self::Teredo
        } else if s[0..5] == [0, 0, 0, 0, 0] && s[5] == 0xffff {
            Self::Ipv4MappedV6
        } else if s[0] & 0xe000 == 0x2000 {
            Self::GlobalUnicast
        } else {
            Self::Ipv6Other
        }
    }

    fn of_v4(a: Ipv4Addr) -> Self {
        if a.is_private()
            || a.is_link_local()
            || a.is_loopback()
            || a.octets()[0] == 100 && (a.octets()[1] & 0xc0) == 64
        {
            Self::Ipv4Private
        } else if a.is_unspecified() || a.is_broadcast() || a.is_multicast() {
            Self::Ipv4Other
        } else {
            Self::Ipv4Public
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::GlobalUnicast => "global unicast",
            Self::Ula => "ULA",
            Self::LinkLocal => "link-local",
            Self::SixToFour => "6to4",
            Self::Teredo => "Teredo",
            Self::Nat64 => "NAT64",
            Self::Loopback => "loopback",
            Self::Multicast => "multicast",
            Self::Unspecified => "unspecified",
            Self::Ipv4MappedV6 => "IPv4-mapped",
            Self::Ipv4Public => "IPv4 public",
            Self::Ipv4Private => "IPv4 private",
            Self::Ipv4Other => "IPv4 special",
            Self::Ipv6Other => "IPv6 reserved",
        }
    }

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::GlobalUnicast => "global_unicast",
            Self::Ula => "ula",
            Self::LinkLocal => "link_local",
            Self::SixToFour => "6to4",
            Self::Teredo => "teredo",
            Self::Nat64 => "nat64",
            Self::Loopback => "loopback",
            Self::Multicast => "multicast",
            Self::Unspecified => "unspecified",
            Self::Ipv4MappedV6 => "ipv4_mapped",
            Self::Ipv4Public => "ipv4_public",
            Self::Ipv4Private => "ipv4_private",
            Self::Ipv4Other => "ipv4_other",
            Self::Ipv6Other => "ipv6_other",
        }
    }
}

/// The MAC address an EUI-64 interface identifier encodes (ff:fe in the middle,
/// universal/local bit flipped), if the address has one.
pub fn eui64_mac(address: IpAddr) -> Option<String> {
    let IpAddr::V6(v6) = address else { return None };
    let o = v6.octets();
    if o[11] != 0xff || o[12] != 0xfe {
        return None;
    }
    let mac = [o[8] ^ 0x02, o[9], o[10], o[13], o[14], o[15]];
    Some(
        mac.iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_good_and_rejects_bad_addresses() {
        let good = [
            ("2001:db8::1", "2001:db8::1"),
            ("  2001:DB8::1 ", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("192.0.2.1", "192.0.2.1"),
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ];
        for (input, want) in good {
            assert_eq!(parse_address(input).unwrap().to_string(), want, "{input}");
        }
        let bad = [
            ("", "enter an"),
            ("2001:db8::g", "not an IPv6"),
            ("2001:db8:::1", "not an IPv6"),
            ("2001:db8::/64", "is a prefix"),
            ("fe80::1%eth0", "zone index"),
            ("192.0.2.256", "not an IPv6"),
            ("host.example.test", "not an IPv6"),
        ];
        for (input, message) in bad {
            let err = parse_address(input).unwrap_err();
            assert!(err.contains(message), "{input}: {err}");
        }
    }

    #[test]
    fn derives_the_kind_of_each_address() {
        let cases = [
            ("2001:db8::1", AddressKind::GlobalUnicast),
            ("2a01:4f8::1", AddressKind::GlobalUnicast),
            ("fd12:3456::1", AddressKind::Ula),
            ("fe80::1", AddressKind::LinkLocal),
            ("2002:c000:0201::1", AddressKind::SixToFour),
            ("2001:0:4136:e378::1", AddressKind::Teredo),
            ("64:ff9b::c000:201", AddressKind::Nat64),
            ("::1", AddressKind::Loopback),
            ("ff02::1", AddressKind::Multicast),
            ("::", AddressKind::Unspecified),
            ("::ffff:192.0.2.1", AddressKind::Ipv4MappedV6),
            ("192.168.1.1", AddressKind::Ipv4Private),
            ("100.64.0.1", AddressKind::Ipv4Private),
            ("198.51.100.7", AddressKind::Ipv4Public),
            ("255.255.255.255", AddressKind::Ipv4Other),
        ];
        for (input, kind) in cases {
            assert_eq!(AddressKind::of(input.parse().unwrap()), kind, "{input}");
        }
    }

    #[test]
    fn finds_the_mac_inside_an_eui64_interface_id() {
        let cases = [
            ("2001:db8::211:22ff:fe33:4455", Some("00:11:22:33:44:55")),
            ("fe80::0211:22ff:fe33:4455", Some("00:11:22:33:44:55")),
            ("2001:db8::1", None),
            ("192.0.2.1", None),
        ];
        for (input, mac) in cases {
            assert_eq!(eui64_mac(input.parse().unwrap()).as_deref(), mac, "{input}");
        }
    }
}
