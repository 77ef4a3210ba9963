//! Probe stage: the address family a probe outcome belongs to.

use std::net::IpAddr;

pub use model::Family;

/// An IPv4-mapped IPv6 address (`::ffff:0:0/96`): on an IPv6 socket it is reached over IPv4,
/// so the probes never use it as an IPv6 address.
pub(crate) fn is_ipv4_mapped(address: IpAddr) -> bool {
    matches!(address, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some())
}
