//! Tunnel health from its own checks: the broker's IPv4 endpoint, the far IPv6 tunnel address
//! and the path MTU through it. Also the broker-style `address/length` the tunnel form takes.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::domain::parse_address;

/// Loss above this fraction through the tunnel makes it degraded.
pub const HIGH_LOSS: f64 = 0.2;
/// Every IPv6 link must carry 1280 bytes; a tunnel without a configured MTU is judged by it.
const IPV6_MIN_MTU: u16 = 1280;

/// How a tunnel is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TunnelHealth {
    Up,
    /// The far end answers, but the path MTU is below the tunnel's, large packets vanish, or
    /// loss is high.
    Degraded,
    /// The IPv4 endpoint answers (or there is none to ask) but IPv6 through the tunnel does not.
    Down,
    /// The broker's IPv4 endpoint does not answer.
    EndpointDown,
    /// Not checked yet.
    Unknown,
}

impl TunnelHealth {
    pub fn as_str(self) -> &'static str {
        match self {
            TunnelHealth::Up => "up",
            TunnelHealth::Degraded => "degraded",
            TunnelHealth::Down => "down",
            TunnelHealth::EndpointDown => "endpoint_down",
            TunnelHealth::Unknown => "unknown",
        }
    }

    /// In words, for the badge.
    pub fn label(self) -> &'static str {
        match self {
            TunnelHealth::Up => "up",
            TunnelHealth::Degraded => "degraded",
            TunnelHealth::Down => "down",
            TunnelHealth::EndpointDown => "endpoint down",
            TunnelHealth::Unknown => "not checked yet",
        }
    }

    /// What it means, for the badge's title and the tunnel page.
    pub fn meaning(self) -> &'static str {
        match self {
            TunnelHealth::Up => "the far end answers over IPv6 through the tunnel",
            TunnelHealth::Degraded => {
                "the far end answers, but the path MTU is below the tunnel's, large packets vanish, or loss is high"
            }
            TunnelHealth::Down => {
                "the outer endpoint answers (or there is none to ask) but IPv6 through the tunnel does not"
            }
            TunnelHealth::EndpointDown => "the remote outer endpoint does not answer",
            TunnelHealth::Unknown => "its checks have not run yet",
        }
    }

    /// Sort order: worst first.
    pub fn rank(self) -> u8 {
        match self {
            TunnelHealth::EndpointDown => 0,
            TunnelHealth::Down => 1,
            TunnelHealth::Degraded => 2,
            TunnelHealth::Up => 3,
            TunnelHealth::Unknown => 4,
        }
    }

    /// The health codes, in `/metrics` order.
    pub const ALL: [TunnelHealth; 5] = [
        TunnelHealth::Up,
        TunnelHealth::Degraded,
        TunnelHealth::Down,
        TunnelHealth::EndpointDown,
        TunnelHealth::Unknown,
    ];
}

/// The latest readings of a tunnel's checks; `None` where a check has no result (or, for the
/// endpoint, the tunnel has no IPv4 endpoint).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TunnelReadings {
    pub endpoint_answers: Option<bool>,
    pub v6_answers: Option<bool>,
    pub v6_loss: Option<f64>,
    pub path_mtu: Option<u16>,
    pub pmtu_blackhole: bool,
}

/// A tunnel's health with the readings it was judged from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TunnelState {
    pub health: TunnelHealth,
    pub readings: TunnelReadings,
}

/// Judge a tunnel whose configured MTU is `tunnel_mtu` (if set).
pub fn judge(readings: &TunnelReadings, tunnel_mtu: Option<u16>) -> TunnelHealth {
    match (readings.endpoint_answers, readings.v6_answers) {
        (Some(false), Some(false) | None) => TunnelHealth::EndpointDown,
        (_, None) => TunnelHealth::Unknown,
        (_, Some(false)) => TunnelHealth::Down,
        (_, Some(true)) => {
            let wanted = tunnel_mtu.unwrap_or(IPV6_MIN_MTU);
            let small = readings.path_mtu.is_some_and(|mtu| mtu < wanted);
            let lossy = readings.v6_loss.is_some_and(|loss| loss > HIGH_LOSS);
            if small || lossy || readings.pmtu_blackhole {
                TunnelHealth::Degraded
            } else {
                TunnelHealth::Up
            }
        }
    }
}

/// Parse an address the way brokers show it: `2001:db8:1f0a::2/64` is the address and, as the
/// second value, the length of the tunnel's on-link prefix; a bare address has no length.
pub fn parse_address_with_length(text: &str) -> Result<(IpAddr, Option<u8>), String> {
    let text = text.trim();
    let Some((address, length)) = text.split_once('/') else {
        return Ok((parse_address(text)?, None));
    };
    let address = parse_address(address)?;
    let max = if address.is_ipv4() { 32 } else { 128 };
    match length.trim().parse::<u8>() {
        Ok(len) if len <= max => Ok((address, Some(len))),
        _ => Err(format!(
            "'{text}': the prefix length after '/' must be a number from 0 to {max}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_rules() {
        let r = |endpoint, v6, loss, mtu, hole| TunnelReadings {
            endpoint_answers: endpoint,
            v6_answers: v6,
            v6_loss: loss,
            path_mtu: mtu,
            pmtu_blackhole: hole,
        };
        use TunnelHealth::*;
        // endpoint × IPv6 × loss × path MTU × black hole, tunnel MTU 1480 → health
        let table = [
            (r(Some(true), Some(true), Some(0.0), Some(1480), false), Up),
            (r(None, Some(true), None, None, false), Up),
            (
                r(Some(true), Some(true), Some(0.0), Some(1280), false),
                Degraded,
            ),
            (
                r(Some(true), Some(true), Some(0.5), Some(1480), false),
                Degraded,
            ),
            (r(Some(true), Some(true), Some(0.2), Some(1480), false), Up),
            (
                r(Some(true), Some(true), Some(0.0), Some(1480), true),
                Degraded,
            ),
            (r(Some(true), Some(false), Some(1.0), None, false), Down),
            (r(None, Some(false), Some(1.0), None, false), Down),
            (
                r(Some(false), Some(false), Some(1.0), None, false),
                EndpointDown,
            ),
            (r(Some(false), None, None, None, false), EndpointDown),
            // IPv6 through the tunnel answers: the far end is alive whatever IPv4 says.
            (r(Some(false), Some(true), Some(0.0), Some(1480), false), Up),
            (r(Some(true), None, None, None, false), Unknown),
            (r(None, None, None, None, false), Unknown),
        ];
        for (readings, want) in table {
            assert_eq!(judge(&readings, Some(1480)), want, "{readings:?}");
        }
        // Without a configured MTU only the IPv6 minimum counts.
        let at_min = r(Some(true), Some(true), Some(0.0), Some(1280), false);
        assert_eq!(judge(&at_min, None), Up);
        assert_eq!(EndpointDown.as_str(), "endpoint_down");
    }

    #[test]
    fn addresses_as_brokers_show_them() {
        type Want = Result<(&'static str, Option<u8>), &'static str>;
        let table: [(&str, Want); 8] = [
            ("2001:db8:1f0a::2/64", Ok(("2001:db8:1f0a::2", Some(64)))),
            (" 2001:db8:1f0a::1 ", Ok(("2001:db8:1f0a::1", None))),
            ("2001:db8::2/128", Ok(("2001:db8::2", Some(128)))),
            ("192.0.2.1/30", Ok(("192.0.2.1", Some(30)))),
            ("2001:db8::2/129", Err("0 to 128")),
            ("192.0.2.1/33", Err("0 to 32")),
            ("2001:db8::2/", Err("0 to 128")),
            ("nope/64", Err("")),
        ];
        for (text, want) in table {
            match (parse_address_with_length(text), want) {
                (Ok((addr, len)), Ok((want_addr, want_len))) => {
                    assert_eq!(
                        (addr.to_string().as_str(), len),
                        (want_addr, want_len),
                        "{text}"
                    );
                }
                (Err(why), Err(part)) => assert!(why.contains(part), "{text}: {why}"),
                (got, _) => panic!("{text}: {got:?}"),
            }
        }
    }
}
