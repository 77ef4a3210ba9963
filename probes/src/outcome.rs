//! Probe stage: one probe result for one address family (and usually one address).

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::{Family, Reason};

/// Which kind of probe produced an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProbeKind {
    Dns,
    Icmp,
    Tcp,
    Http,
    Pmtu,
}

impl ProbeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeKind::Dns => "dns",
            ProbeKind::Icmp => "icmp",
            ProbeKind::Tcp => "tcp",
            ProbeKind::Http => "http",
            ProbeKind::Pmtu => "pmtu",
        }
    }
}

impl fmt::Display for ProbeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One HTTP redirect that was followed: the URL asked, who answered, and where it pointed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedirectHop {
    /// The URL that was requested at this hop.
    pub url: String,
    /// The address that answered it.
    pub address: Option<IpAddr>,
    /// The 3xx status it answered with.
    pub status: u16,
    /// The `Location` it pointed to, resolved against `url`.
    pub location: String,
}

/// The result of probing one target over one address family.
///
/// A target being down is an `Outcome` with a failing [`Reason`], never an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The probe kind that produced this outcome.
    pub probe: ProbeKind,
    pub family: Family,
    /// The address probed; `None` when the probe never got as far as an address
    /// (e.g. the name has no AAAA record).
    pub address: Option<IpAddr>,
    pub reason: Reason,
    /// Time to the answer (DNS query, connect, echo average, HTTP exchange), when there was one.
    pub latency_ms: Option<f64>,
    /// Human-readable explanation, safe to show to users.
    pub detail: String,
    /// The IPv6 address lies in a NAT64 prefix: IPv6 reaches it only through a translator.
    #[serde(default)]
    pub synthesized: bool,
    /// TCP/HTTP: the destination port.
    #[serde(default)]
    pub port: Option<u16>,
    /// ICMP: fraction of echo requests without an echo reply (0.0 to 1.0).
    #[serde(default)]
    pub loss: Option<f64>,
    #[serde(default)]
    pub rtt_min_ms: Option<f64>,
    #[serde(default)]
    pub rtt_avg_ms: Option<f64>,
    #[serde(default)]
    pub rtt_max_ms: Option<f64>,
    /// HTTP: the final status code, when a response arrived.
    #[serde(default)]
    pub status: Option<u16>,
    /// HTTP: the redirects followed, in order.
    #[serde(default)]
    pub redirects: Vec<RedirectHop>,
    /// PMTU: the largest IPv6 packet (bytes, headers included) that reached the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_mtu: Option<u16>,
}

impl Outcome {
    /// A bare outcome; fill the other fields with the `with_*` methods or directly.
    pub fn new(
        probe: ProbeKind,
        family: Family,
        address: Option<IpAddr>,
        reason: Reason,
        detail: impl Into<String>,
    ) -> Outcome {
        Outcome {
            probe,
            family,
            address,
            reason,
            latency_ms: None,
            detail: detail.into(),
            synthesized: false,
            port: None,
            loss: None,
            rtt_min_ms: None,
            rtt_avg_ms: None,
            rtt_max_ms: None,
            status: None,
            redirects: Vec::new(),
            path_mtu: None,
        }
    }

    pub fn with_latency_ms(mut self, latency_ms: f64) -> Outcome {
        self.latency_ms = Some(latency_ms);
        self
    }

    pub fn with_port(mut self, port: u16) -> Outcome {
        self.port = Some(port);
        self
    }

    pub fn with_synthesized(mut self, synthesized: bool) -> Outcome {
        self.synthesized = synthesized;
        self
    }

    pub fn is_ok(&self) -> bool {
        self.reason.is_ok()
    }
}
