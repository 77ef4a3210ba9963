//! Probe stage: the address family a probe outcome belongs to.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// IPv6 or IPv4. Serialized as `"v6"` / `"v4"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    V6,
    V4,
}

impl Family {
    /// The family of an address. An IPv4-mapped IPv6 address is still reported as V6: the
    /// probes refuse to use it, so it cannot make the IPv6 side look good.
    pub fn of(address: IpAddr) -> Family {
        match address {
            IpAddr::V6(_) => Family::V6,
            IpAddr::V4(_) => Family::V4,
        }
    }

    /// `"v6"` or `"v4"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::V6 => "v6",
            Family::V4 => "v4",
        }
    }

    /// `'6'` or `'4'`, for the text report's markers.
    pub fn digit(self) -> char {
        match self {
            Family::V6 => '6',
            Family::V4 => '4',
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:0:0/96`): on an IPv6 socket it is reached over IPv4,
/// so the probes never use it as an IPv6 address.
pub(crate) fn is_ipv4_mapped(address: IpAddr) -> bool {
    matches!(address, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some())
}
