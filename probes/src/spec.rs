//! Probe stage: what to probe. One variant per probe kind, dispatched by `Prober::run`.

use std::net::{IpAddr, Ipv6Addr};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::ProbeKind;

/// A probe to run. The scheduler builds these from the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ProbeSpec {
    /// ICMP/ICMPv6 echo to one address.
    Icmp { address: IpAddr },
    /// Path MTU to one IPv6 address (echoes of decreasing size, see [`Prober::path_mtu`]).
    ///
    /// [`Prober::path_mtu`]: crate::Prober::path_mtu
    Pmtu { address: Ipv6Addr },
    /// AAAA and A lookups of a name.
    Dns { name: String },
    /// TCP connect to every address of a host name (or to a literal address).
    Tcp { host: String, port: u16 },
    /// HTTP(S) GET, following redirects hop by hop. `expected_status: None` means the final
    /// status must be 2xx; an expected 3xx is compared without following the redirect.
    Http {
        url: Url,
        expected_status: Option<u16>,
    },
}

impl ProbeSpec {
    pub fn kind(&self) -> ProbeKind {
        match self {
            ProbeSpec::Icmp { .. } => ProbeKind::Icmp,
            ProbeSpec::Pmtu { .. } => ProbeKind::Pmtu,
            ProbeSpec::Dns { .. } => ProbeKind::Dns,
            ProbeSpec::Tcp { .. } => ProbeKind::Tcp,
            ProbeSpec::Http { .. } => ProbeKind::Http,
        }
    }
}
