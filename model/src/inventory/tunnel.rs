//! Tunnels that carry IPv6 over IPv4 (or over another IPv6 path).

use crate::domain::form::{Choice, FormValues, free_text, lines, optional, optional_id, value};
use crate::domain::{FieldErrors, parse_address, parse_mtu, parse_name, parse_prefix};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TunnelKind {
    SixInFour,
    SixToFour,
    SixRd,
    WireGuard,
    Gre,
    Other,
}

impl Choice for TunnelKind {
    const ALL: &'static [Self] = &[
        Self::SixInFour,
        Self::SixToFour,
        Self::SixRd,
        Self::WireGuard,
        Self::Gre,
        Self::Other,
    ];
    fn code(self) -> &'static str {
        match self {
            Self::SixInFour => "6in4",
            Self::SixToFour => "6to4",
            Self::SixRd => "6rd",
            Self::WireGuard => "wireguard",
            Self::Gre => "gre",
            Self::Other => "other",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Self::SixInFour => "6in4 / sit",
            Self::SixToFour => "6to4",
            Self::SixRd => "6rd",
            Self::WireGuard => "WireGuard",
            Self::Gre => "GRE",
            Self::Other => "other",
        }
    }
}

impl TunnelKind {
    /// 6in4, 6rd and GRE carry IPv6 inside IPv4: their outer endpoints must be IPv4.
    fn needs_ipv4_endpoints(self) -> bool {
        matches!(self, Self::SixInFour | Self::SixToFour | Self::SixRd)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tunnel {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub broker: String,
    pub local_endpoint: Option<String>,
    pub remote_endpoint: Option<String>,
    pub local_v6: Option<String>,
    pub remote_v6: Option<String>,
    pub mtu: Option<i64>,
    /// The length of the on-link prefix of the inner addresses (`2001:db8:1f0a::2/64`: 64).
    #[serde(default)]
    pub onlink_len: Option<i64>,
    pub routed_prefixes: Vec<String>,
    pub host_id: Option<i64>,
    pub host_name: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl Tunnel {
    /// The routed prefix holding `address`, if any: a host with that address sits behind
    /// this tunnel. Unreadable addresses and prefixes hold nothing.
    pub fn prefix_holding(&self, address: &str) -> Option<&str> {
        let address: IpAddr = address.parse().ok()?;
        self.routed_prefixes
            .iter()
            .find(|p| p.parse::<IpNet>().is_ok_and(|net| net.contains(&address)))
            .map(String::as_str)
    }

    /// An inner address the way brokers show it: with the on-link length when one is known.
    pub fn with_length(&self, address: &Option<String>) -> Option<String> {
        let address = address.as_ref()?;
        Some(match self.onlink_len {
            Some(len) => format!("{address}/{len}"),
            None => address.clone(),
        })
    }

    /// The tunnel's on-link prefix (`2001:db8:1f0a::/64`), from an inner address and the length.
    pub fn onlink_prefix(&self) -> Option<IpNet> {
        let len = u8::try_from(self.onlink_len?).ok()?;
        let address: IpAddr = self
            .local_v6
            .as_deref()
            .or(self.remote_v6.as_deref())?
            .parse()
            .ok()?;
        IpNet::new(address, len).ok().map(|net| net.trunc())
    }

    pub fn form_values(&self) -> FormValues {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        FormValues::from([
            ("name".into(), self.name.clone()),
            ("kind".into(), self.kind.clone()),
            ("broker".into(), self.broker.clone()),
            ("local_endpoint".into(), opt(&self.local_endpoint)),
            ("remote_endpoint".into(), opt(&self.remote_endpoint)),
            ("local_v6".into(), opt(&self.with_length(&self.local_v6))),
            ("remote_v6".into(), opt(&self.with_length(&self.remote_v6))),
            (
                "mtu".into(),
                self.mtu.map(|m| m.to_string()).unwrap_or_default(),
            ),
            ("routed_prefixes".into(), self.routed_prefixes.join("\n")),
            (
                "host_id".into(),
                self.host_id.map(|h| h.to_string()).unwrap_or_default(),
            ),
        ])
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TunnelInput {
    pub name: String,
    pub kind: TunnelKind,
    pub broker: String,
    pub local_endpoint: Option<IpAddr>,
    pub remote_endpoint: Option<IpAddr>,
    pub local_v6: Option<IpAddr>,
    pub remote_v6: Option<IpAddr>,
    pub mtu: Option<u16>,
    /// The on-link length given with an inner address.
    pub onlink_len: Option<u8>,
    pub routed_prefixes: Vec<IpNet>,
    pub host_id: Option<i64>,
}

/// The inner addresses, as brokers show them (`2001:db8:1f0a::2/64`): the address, and the
/// length of the tunnel's on-link prefix when one is given.
fn parse_v6(text: &str) -> Result<(IpAddr, Option<u8>), String> {
    match super::tunnel_health::parse_address_with_length(text)? {
        (a @ IpAddr::V6(_), len) => Ok((a, len)),
        (IpAddr::V4(_), _) => Err(format!(
            "'{text}' is IPv4; the tunnel's inner address is IPv6"
        )),
    }
}

impl TunnelInput {
    pub fn validate(values: &FormValues) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", parse_name(value(values, "name")));
        let kind = errors.check("kind", TunnelKind::parse(value(values, "kind")));
        let broker = free_text(&mut errors, values, "broker", 200);
        let local_endpoint = optional(&mut errors, values, "local_endpoint", parse_address);
        let remote_endpoint = optional(&mut errors, values, "remote_endpoint", parse_address);
        if let Some(kind) = kind {
            for (field, endpoint) in [
                ("local_endpoint", local_endpoint),
                ("remote_endpoint", remote_endpoint),
            ] {
                if kind.needs_ipv4_endpoints() && matches!(endpoint, Some(IpAddr::V6(_))) {
                    errors.add(
                        field,
                        format!(
                            "a {} tunnel runs over IPv4: enter an IPv4 endpoint",
                            kind.label()
                        ),
                    );
                }
            }
            if kind != TunnelKind::SixToFour
                && remote_endpoint.is_none()
                && errors.get("remote_endpoint").is_none()
            {
                errors.add(
                    "remote_endpoint",
                    "enter the far end's address (the broker's server)",
                );
            }
        }
        let local = optional(&mut errors, values, "local_v6", parse_v6);
        let remote = optional(&mut errors, values, "remote_v6", parse_v6);
        let onlink_len = match (local.and_then(|l| l.1), remote.and_then(|r| r.1)) {
            (Some(a), Some(b)) if a != b => {
                errors.add(
                    "remote_v6",
                    format!(
                        "both ends sit on one on-link prefix: /{b} here, /{a} on the local address"
                    ),
                );
                None
            }
            (a, b) => a.or(b),
        };
        if onlink_len == Some(0) {
            errors.add(
                "local_v6",
                "an on-link prefix of length 0 is the whole Internet",
            );
        }
        let (local_v6, remote_v6) = (local.map(|l| l.0), remote.map(|r| r.0));
        let mtu = optional(&mut errors, values, "mtu", parse_mtu);
        let routed_prefixes = lines(&mut errors, values, "routed_prefixes", parse_prefix);
        let host_id = optional_id(&mut errors, values, "host_id");
        match (name, kind) {
            (Some(name), Some(kind)) if errors.is_empty() => Ok(Self {
                name,
                kind,
                broker,
                local_endpoint,
                remote_endpoint,
                local_v6,
                remote_v6,
                mtu,
                onlink_len,
                routed_prefixes,
                host_id,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::test_form as form;

    #[test]
    fn a_6in4_tunnel_validates() {
        let t = TunnelInput::validate(&form(&[
            ("name", "he-tunnel"),
            ("kind", "6in4"),
            ("remote_endpoint", "198.51.100.1"),
            ("local_v6", "2001:db8:1::2"),
            ("mtu", "1480"),
            ("routed_prefixes", "2001:db8:2::/48\n"),
        ]))
        .unwrap();
        assert_eq!(t.kind, TunnelKind::SixInFour);
        assert_eq!(t.routed_prefixes.len(), 1);
    }

    #[test]
    fn inner_addresses_as_brokers_show_them_keep_the_on_link_length() {
        let t = TunnelInput::validate(&form(&[
            ("name", "he"),
            ("kind", "6in4"),
            ("remote_endpoint", "198.51.100.1"),
            ("local_v6", "2001:db8:1f0a::2/64"),
            ("remote_v6", "2001:db8:1f0a::1"),
        ]))
        .unwrap();
        assert_eq!(t.local_v6, Some("2001:db8:1f0a::2".parse().unwrap()));
        assert_eq!(t.onlink_len, Some(64));
        let clash = TunnelInput::validate(&form(&[
            ("name", "he"),
            ("kind", "6in4"),
            ("remote_endpoint", "198.51.100.1"),
            ("local_v6", "2001:db8:1f0a::2/64"),
            ("remote_v6", "2001:db8:1f0a::1/127"),
        ]))
        .unwrap_err();
        assert!(
            clash.get("remote_v6").unwrap().contains("/127 here, /64"),
            "{clash:?}"
        );
        let stored = Tunnel {
            id: 1,
            name: "he".into(),
            kind: "6in4".into(),
            broker: String::new(),
            local_endpoint: None,
            remote_endpoint: Some("198.51.100.1".into()),
            local_v6: Some("2001:db8:1f0a::2".into()),
            remote_v6: Some("2001:db8:1f0a::1".into()),
            mtu: None,
            onlink_len: Some(64),
            routed_prefixes: vec![],
            host_id: None,
            host_name: None,
            created_at: String::new(),
            updated_at: String::new(),
        };
        assert_eq!(
            stored.onlink_prefix().unwrap().to_string(),
            "2001:db8:1f0a::/64"
        );
        // The edit form shows what was typed, so saving it again changes nothing.
        assert_eq!(stored.form_values()["local_v6"], "2001:db8:1f0a::2/64");
        let again = TunnelInput::validate(&stored.form_values()).unwrap();
        assert_eq!(again.onlink_len, Some(64));
    }

    #[test]
    fn tunnel_errors_name_their_fields() {
        #[allow(clippy::type_complexity)]
        let cases: &[(&[(&str, &str)], &str, &str)] = &[
            (
                &[("name", "t"), ("kind", "6in4")],
                "remote_endpoint",
                "far end",
            ),
            (
                &[
                    ("name", "t"),
                    ("kind", "6in4"),
                    ("remote_endpoint", "2001:db8::1"),
                ],
                "remote_endpoint",
                "over IPv4",
            ),
            (
                &[
                    ("name", "t"),
                    ("kind", "wireguard"),
                    ("remote_endpoint", "2001:db8::1"),
                    ("local_v6", "192.0.2.1"),
                ],
                "local_v6",
                "is IPv4",
            ),
            (&[("name", "t"), ("kind", "teleport")], "kind", "choose one"),
            (
                &[
                    ("name", "t"),
                    ("kind", "gre"),
                    ("remote_endpoint", "192.0.2.1"),
                    ("mtu", "1000"),
                ],
                "mtu",
                "1280",
            ),
            (
                &[
                    ("name", "t"),
                    ("kind", "6to4"),
                    ("routed_prefixes", "2002::/16\nnope"),
                ],
                "routed_prefixes",
                "line 2",
            ),
        ];
        for (pairs, field, message) in cases {
            let errors = TunnelInput::validate(&form(pairs)).unwrap_err();
            let got = errors.get(field).unwrap_or_default();
            assert!(got.contains(message), "{field}: {got:?} in {errors:?}");
        }
    }

    #[test]
    fn a_routed_prefix_holds_the_addresses_inside_it() {
        let tunnel = Tunnel {
            id: 1,
            name: "he".into(),
            kind: "6in4".into(),
            broker: String::new(),
            local_endpoint: None,
            remote_endpoint: None,
            local_v6: None,
            remote_v6: None,
            mtu: None,
            onlink_len: None,
            routed_prefixes: vec![
                "2001:db8:2::/48".into(),
                "bogus".into(),
                "2001:db8:9::/64".into(),
            ],
            host_id: None,
            host_name: None,
            created_at: String::new(),
            updated_at: String::new(),
        };
        let cases = [
            ("2001:db8:2:5::10", Some("2001:db8:2::/48")),
            ("2001:db8:9::1", Some("2001:db8:9::/64")),
            ("2001:db8:9:1::1", None),
            ("2001:db8:3::1", None),
            ("192.0.2.1", None),
            ("not an address", None),
        ];
        for (address, want) in cases {
            assert_eq!(tunnel.prefix_holding(address), want, "{address}");
        }
    }
}
