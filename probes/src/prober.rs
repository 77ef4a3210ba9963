//! Probe stage: the prober, built once, and the dispatch of a `ProbeSpec` to its probe kind.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ipnet::Ipv6Net;

use crate::deadline::secs;
use crate::dns::{self, DnsFailure, DnsResolver};
use crate::icmp::{self, IcmpClients};
use crate::{
    Family, Outcome, ProbeConfig, ProbeKind, ProbeReport, ProbeSpec, Reason, SetupError, http,
    nat64, tcp,
};

/// Longest timeout accepted (keeps every deadline computation far from overflow).
const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
/// Most echo requests per ICMP probe.
const MAX_PING_COUNT: u16 = 100;

/// Runs probes. Build it once (inside a tokio runtime) and share it: it holds one ICMP socket
/// per family, one resolver and one TLS configuration.
pub struct Prober {
    pub(crate) config: ProbeConfig,
    pub(crate) nat64: Vec<Ipv6Net>,
    pub(crate) resolver: DnsResolver,
    pub(crate) icmp: IcmpClients,
    pub(crate) tls: Arc<rustls::ClientConfig>,
}

impl std::fmt::Debug for Prober {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prober")
            .field("config", &self.config)
            .field("resolver", &self.resolver.as_ref().map(|_| "ready"))
            .field("icmpv6", &self.icmp.v6.as_ref().map(|_| "open"))
            .field("icmpv4", &self.icmp.v4.as_ref().map(|_| "open"))
            .finish()
    }
}

impl Prober {
    /// Build a prober. Fails only on bad settings (e.g. an unreadable extra CA file) or when
    /// called outside a tokio runtime; a missing ICMP permission or resolver configuration
    /// shows up later as `socket_error` / `dns_error` outcomes.
    pub fn new(config: ProbeConfig) -> Result<Prober, SetupError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(SetupError::NoRuntime);
        }
        if config.timeout.is_zero() || config.timeout > MAX_TIMEOUT {
            return Err(SetupError::InvalidConfig(
                "timeout must be above zero and at most one hour",
            ));
        }
        if config.connect_timeout.is_zero() || config.connect_timeout > MAX_TIMEOUT {
            return Err(SetupError::InvalidConfig(
                "connect timeout must be above zero and at most one hour",
            ));
        }
        if config.ping_count == 0 || config.ping_count > MAX_PING_COUNT {
            return Err(SetupError::InvalidConfig("ping count must be 1 to 100"));
        }
        let tls = http::tls_config(config.extra_ca_file.as_deref())?;
        Ok(Prober {
            nat64: nat64::with_well_known(&config.nat64_prefixes),
            resolver: dns::build(&config),
            icmp: IcmpClients::open(),
            tls,
            config,
        })
    }

    /// The settings this prober was built with.
    pub fn config(&self) -> &ProbeConfig {
        &self.config
    }

    /// Whether an ICMPv6 socket could be opened (else ICMPv6 outcomes are `socket_error`).
    pub fn icmpv6_available(&self) -> bool {
        self.icmp.v6.is_ok()
    }

    /// Run one probe. Never fails and always ends within the configured timeout (plus a
    /// little): every problem is an [`Outcome`] with a reason.
    pub async fn run(&self, spec: &ProbeSpec) -> ProbeReport {
        let outcomes = match spec {
            ProbeSpec::Icmp { address } => {
                let family = Family::of(*address);
                bounded(self, ProbeKind::Icmp, family, async {
                    vec![icmp::probe(self, *address).await]
                })
                .await
            }
            // The search ends by itself (at most 5 sizes x 2 echoes x 0.8 s), so it is not cut
            // at the probe timeout: a short timeout would otherwise read as a lost tunnel.
            ProbeSpec::Pmtu { address } => vec![self.path_mtu(*address).await],
            ProbeSpec::Dns { name } => {
                bounded(self, ProbeKind::Dns, Family::V6, dns::probe(self, name)).await
            }
            ProbeSpec::Tcp { host, port } => tcp::probe(self, host, *port).await,
            ProbeSpec::Http {
                url,
                expected_status,
            } => http::probe(self, url, *expected_status).await,
        };
        ProbeReport::new(outcomes)
    }
}

/// The outcome for a family whose addresses could not be found.
pub(crate) fn dns_outcome(kind: ProbeKind, family: Family, failure: DnsFailure) -> Outcome {
    Outcome::new(kind, family, None, failure.reason, failure.detail)
}

/// Whether a family's lookup failure should be reported. IPv6 is always reported; IPv4 only
/// when the target has IPv4 at all (so a v6-only target is not shown as broken on IPv4).
pub(crate) fn report_failure(family: Family, failure: &DnsFailure) -> bool {
    family == Family::V6 || !matches!(failure.reason, Reason::NoA | Reason::Nxdomain)
}

/// Run one family's part of a probe under the probe timeout. The steps inside keep their own,
/// shorter limits; this is the guarantee that a probe always ends.
pub(crate) async fn bounded(
    prober: &Prober,
    kind: ProbeKind,
    family: Family,
    work: impl Future<Output = Vec<Outcome>>,
) -> Vec<Outcome> {
    let limit = prober.config.timeout + Duration::from_millis(250);
    match tokio::time::timeout(limit, work).await {
        Ok(outcomes) => outcomes,
        Err(_) => vec![Outcome::new(
            kind,
            family,
            None,
            Reason::Timeout,
            format!(
                "the probe did not finish within {}",
                secs(prober.config.timeout)
            ),
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn building_outside_a_runtime_is_an_error_not_a_panic() {
        assert!(matches!(
            Prober::new(ProbeConfig::default()),
            Err(SetupError::NoRuntime)
        ));
    }

    #[tokio::test]
    async fn bad_settings_are_refused() {
        let cases = [
            ProbeConfig {
                ping_count: 0,
                ..ProbeConfig::default()
            },
            ProbeConfig {
                timeout: Duration::ZERO,
                ..ProbeConfig::default()
            },
            ProbeConfig {
                connect_timeout: Duration::ZERO,
                ..ProbeConfig::default()
            },
            ProbeConfig {
                timeout: Duration::MAX,
                ..ProbeConfig::default()
            },
            ProbeConfig {
                connect_timeout: Duration::from_secs(86_400),
                ..ProbeConfig::default()
            },
            ProbeConfig {
                ping_count: u16::MAX,
                ..ProbeConfig::default()
            },
        ];
        for config in cases {
            assert!(matches!(
                Prober::new(config),
                Err(SetupError::InvalidConfig(_))
            ));
        }
    }
}
