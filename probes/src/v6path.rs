//! Probe stage: one TCP connection to a host over IPv6 and nothing else, with the record of
//! how it was found (AAAA only, from the configured resolvers) and which addresses were
//! tried. The browser judge's proxy connects through this, so a host without working IPv6
//! fails there with the same reason codes the probes give.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;

use crate::deadline::{Deadline, millis};
use crate::dns::{Host, addresses_for};
use crate::{Family, Prober, Reason, tcp};

/// Most addresses of one name tried before giving up (a hostile zone may list hundreds).
const MAX_ATTEMPTS: usize = 8;

/// One address tried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectAttempt {
    pub address: IpAddr,
    /// Inside a NAT64 prefix: reached through a translator.
    pub synthesized: bool,
    pub reason: Reason,
    pub detail: String,
    pub latency_ms: Option<f64>,
}

/// How a connection to `host:port` over IPv6 went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathRecord {
    pub host: String,
    pub port: u16,
    /// `ok` when a connection was made; otherwise why not (`no_aaaa`, `nxdomain`,
    /// `ipv4_literal`, `timeout`, `refused`, `unreachable`, `denied`, ...).
    pub reason: Reason,
    pub detail: String,
    /// Every address tried, in order; empty when the name gave none.
    pub attempts: Vec<ConnectAttempt>,
}

impl PathRecord {
    fn failed(host: &str, port: u16, reason: Reason, detail: String) -> PathRecord {
        PathRecord {
            host: host.to_string(),
            port,
            reason,
            detail,
            attempts: Vec::new(),
        }
    }

    /// The connection went through a NAT64 translator.
    pub fn synthesized(&self) -> bool {
        self.attempts
            .iter()
            .any(|a| a.reason == Reason::Ok && a.synthesized)
    }
}

impl Prober {
    /// Connects to `host` (a name, an IPv6 literal with or without brackets, or an IPv4
    /// literal, which fails as `ipv4_literal`) on `port` over IPv6 only, trying its AAAA
    /// addresses in turn within `budget`. Never uses IPv4: the socket is IPv6-only and an
    /// IPv4-mapped address is refused.
    pub async fn connect_v6(
        &self,
        host: &str,
        port: u16,
        budget: Duration,
    ) -> (Option<TcpStream>, PathRecord) {
        let deadline = Deadline::after(budget);
        let addresses = match addresses_for(self, &Host::parse(host), Family::V6, deadline).await {
            Ok(addresses) if addresses.is_empty() => {
                let detail = format!("{host} has no IPv6 address");
                return (None, PathRecord::failed(host, port, Reason::NoAaaa, detail));
            }
            Ok(addresses) => addresses,
            Err(failure) => {
                return (
                    None,
                    PathRecord::failed(host, port, failure.reason, failure.detail),
                );
            }
        };
        let mut record = PathRecord::failed(host, port, Reason::Timeout, String::new());
        for address in addresses.into_iter().take(MAX_ATTEMPTS) {
            if deadline.remaining().is_zero() {
                break;
            }
            let target = SocketAddr::new(address.ip, port);
            let limit = deadline.cap(self.config.connect_timeout);
            let (reason, detail, latency_ms, stream) =
                match tcp::connect(target, limit, &self.config.deny).await {
                    Ok((stream, elapsed)) => (
                        Reason::Ok,
                        format!("connected to {target}"),
                        Some(millis(elapsed)),
                        Some(stream),
                    ),
                    Err(failure) => (failure.reason, failure.detail, None, None),
                };
            record.reason = reason;
            record.detail = detail.clone();
            record.attempts.push(ConnectAttempt {
                address: address.ip,
                synthesized: address.synthesized,
                reason,
                detail,
                latency_ms,
            });
            if stream.is_some() {
                return (stream, record);
            }
        }
        if record.attempts.is_empty() {
            record.detail = format!("no time left to connect to {host}");
        }
        (None, record)
    }
}
