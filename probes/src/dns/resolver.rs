//! Probe stage, DNS: building the one resolver a prober uses.

use std::time::Duration;

use hickory_resolver::Resolver;
use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig};
use hickory_resolver::name_server::GenericConnector;
use hickory_resolver::proto::xfer::Protocol;

use super::strict_udp::StrictUdpRuntime;

use crate::ProbeConfig;

/// The resolver, or why there is none (the system configuration could not be read). A
/// missing resolver makes every lookup a `dns_error` outcome instead of failing the prober,
/// so probes of literal addresses still run.
pub(crate) type DnsResolver = Result<Resolver<Connector>, String>;

/// How the resolver reaches nameservers: Tokio, with UDP sockets that report malformed replies.
pub(crate) type Connector = GenericConnector<StrictUdpRuntime>;

/// Time one query attempt may take: the connect timeout, but at most half the probe budget
/// so that two attempts fit.
pub(crate) fn attempt_timeout(config: &ProbeConfig) -> Duration {
    config
        .connect_timeout
        .min(config.timeout / 2)
        .max(Duration::from_millis(50))
}

pub(crate) fn build(config: &ProbeConfig) -> DnsResolver {
    let mut builder = if config.nameservers.is_empty() {
        Resolver::builder(Connector::new(StrictUdpRuntime::default())).map_err(|e| {
            format!("cannot read the system resolver configuration (/etc/resolv.conf): {e}")
        })?
    } else {
        let mut resolver_config = ResolverConfig::new();
        for address in &config.nameservers {
            resolver_config.add_name_server(NameServerConfig::new(*address, Protocol::Udp));
            resolver_config.add_name_server(NameServerConfig::new(*address, Protocol::Tcp));
        }
        Resolver::builder_with_config(resolver_config, Connector::new(StrictUdpRuntime::default()))
    };
    let options = builder.options_mut();
    options.timeout = attempt_timeout(config);
    options.attempts = 2;
    // Every probe asks the nameserver afresh: a monitor must see changes, not a cache.
    options.cache_size = 0;
    options.use_hosts_file = ResolveHosts::Never;
    options.preserve_intermediates = false;
    // EDNS0 lets answers up to ~1.2 kB (many AAAA records) come over UDP.
    options.edns0 = true;
    Ok(builder.build())
}
