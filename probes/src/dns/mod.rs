//! Probe stage, DNS: AAAA and A lookups with the configured resolver, told apart by reason.

mod failure;
mod lookup;
mod probe;
mod resolver;
mod strict_udp;

use std::net::Ipv6Addr;

pub use probe::DnsAnswer;

pub(crate) use failure::DnsFailure;
pub(crate) use lookup::{Host, HostAddress, addresses_for};

/// The AAAA addresses of `name`, or why there are none.
pub(crate) async fn lookup_aaaa(
    prober: &crate::Prober,
    name: &str,
    deadline: crate::deadline::Deadline,
) -> Result<V6List, DnsFailure> {
    lookup::aaaa(prober, name, deadline).await.result
}
pub(crate) use probe::probe;
pub(crate) use resolver::{DnsResolver, build};

/// Deduplicate while keeping the order the nameserver gave.
fn dedup<T: PartialEq + Copy>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Either record type, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rtype {
    Aaaa,
    A,
    Ns,
}

impl Rtype {
    fn as_str(self) -> &'static str {
        match self {
            Rtype::Aaaa => "AAAA",
            Rtype::A => "A",
            Rtype::Ns => "NS",
        }
    }
}

/// Addresses of one AAAA lookup.
pub(crate) type V6List = Vec<Ipv6Addr>;
