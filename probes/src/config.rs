//! Probe stage: probe settings, with defaults in one place.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use ipnet::Ipv6Net;

use crate::nat64::WELL_KNOWN_PREFIX;

/// Settings shared by every probe a [`crate::Prober`] runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeConfig {
    /// Nameservers to ask; empty means the system's `/etc/resolv.conf`.
    pub nameservers: Vec<SocketAddr>,
    /// Total time one probe may take (both families run at once). It always ends the probe.
    /// Above zero, at most one hour.
    pub timeout: Duration,
    /// Time one TCP connect or DNS query attempt may take (an ICMP echo waits at least 4 s, so
    /// that a failed neighbour discovery shows as `unreachable`). At most one hour.
    pub connect_timeout: Duration,
    /// NAT64 prefixes; an AAAA inside one is marked `synthesized`. `64:ff9b::/96` is always
    /// included, whatever this holds.
    pub nat64_prefixes: Vec<Ipv6Net>,
    /// Extra PEM file of CA certificates to trust for HTTPS, besides the system and
    /// webpki roots.
    pub extra_ca_file: Option<PathBuf>,
    /// Largest HTTP body read (after decoding); a larger one is read up to it and marked
    /// truncated, which is no failure.
    pub body_cap: usize,
    /// Most HTTP redirects followed.
    pub max_redirects: usize,
    /// ICMP echo requests sent per probe, 1 to 100.
    pub ping_count: u16,
    /// Address ranges never probed (`--deny-target`): a target, redirect or dependency
    /// there ends with `denied` before any packet is sent to it.
    pub deny: Vec<ipnet::IpNet>,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            nameservers: Vec::new(),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            nat64_prefixes: vec![WELL_KNOWN_PREFIX],
            extra_ca_file: None,
            body_cap: 2 * 1024 * 1024,
            max_redirects: 5,
            ping_count: 3,
            deny: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_has_documented_values() {
        let config = ProbeConfig::default();
        assert_eq!(config.body_cap, 2 * 1024 * 1024);
        assert_eq!(config.max_redirects, 5);
        assert_eq!(config.ping_count, 3);
        assert!(config.nat64_prefixes.contains(&WELL_KNOWN_PREFIX));
        assert!(config.nameservers.is_empty());
    }
}
