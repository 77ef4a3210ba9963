//! Probe stage, path MTU: ICMPv6 echoes of decreasing size, never fragmented locally, to find
//! the largest packet that reaches an IPv6 address, and whether larger ones vanish without a
//! Packet Too Big (a PMTU black hole: "IPv6 pages hang but ping works").

mod search;
mod socket;

use std::net::{IpAddr, Ipv6Addr};

pub use search::{Attempt, EchoSender, SIZES, Search, search};

use crate::{Family, Outcome, ProbeKind, Prober, Reason};

impl Prober {
    /// Find the path MTU to `address` (root only: it needs a raw ICMPv6 socket to see Packet
    /// Too Big messages). The outcome's `path_mtu` is the largest size answered; its reason is
    /// `pmtu_blackhole` when a larger size vanished without a Packet Too Big.
    pub async fn path_mtu(&self, address: Ipv6Addr) -> Outcome {
        let ip = IpAddr::V6(address);
        let base = |reason, detail: String| {
            Outcome::new(ProbeKind::Pmtu, Family::V6, Some(ip), reason, detail)
        };
        if let Some(detail) = crate::deny::denied(&self.config.deny, ip) {
            return base(Reason::Denied, detail);
        }
        let mut sender = match socket::RawEcho::open(address) {
            Ok(sender) => sender,
            Err(err) => {
                return base(
                    Reason::SocketError,
                    format!("cannot open a raw ICMPv6 socket for the path MTU probe: {err}"),
                );
            }
        };
        search(&mut sender).await.into_outcome(ip)
    }
}

impl Search {
    /// The probe outcome of a finished search.
    pub fn into_outcome(self, address: IpAddr) -> Outcome {
        let mut outcome = Outcome::new(
            ProbeKind::Pmtu,
            Family::V6,
            Some(address),
            self.reason,
            self.detail,
        );
        outcome.path_mtu = self.mtu;
        outcome.latency_ms = self.rtt.map(|rtt| rtt.as_secs_f64() * 1000.0);
        outcome
    }
}
