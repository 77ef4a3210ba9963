//! Probe stage, one-shot check: what `v6watch check TARGET` runs, from target to report.

mod report;
mod target;

use std::net::IpAddr;

use thiserror::Error;

pub use report::{CheckReport, Verdict};
pub use target::{Target, TargetError};

use crate::{Family, Outcome, ProbeConfig, ProbeKind, ProbeSpec, Prober, Reason, SetupError};

/// Why a check could not even start. A target that is down is a report, not an error.
#[derive(Debug, Error)]
pub enum CheckError {
    #[error("invalid target {target:?}: {why}")]
    InvalidTarget { target: String, why: String },
    #[error("cannot set up the probes: {0}")]
    Setup(#[from] SetupError),
}

/// Check one target with a fresh prober: a URL gets an HTTP GET, a host name DNS (AAAA and
/// A) then ICMP echo to each address, an IP address ICMP echo.
pub async fn run_check(target: &str, config: ProbeConfig) -> Result<CheckReport, CheckError> {
    let parsed = Target::parse(target).map_err(|e| CheckError::InvalidTarget {
        target: target.to_string(),
        why: e.0,
    })?;
    let prober = Prober::new(config)?;
    Ok(check_with(&prober, target, &parsed).await)
}

/// Check a parsed target with an existing prober.
pub async fn check_with(prober: &Prober, given: &str, target: &Target) -> CheckReport {
    match target {
        Target::Url(url) => {
            let spec = ProbeSpec::Http {
                url: url.clone(),
                expected_status: None,
            };
            let report = prober.run(&spec).await;
            CheckReport::from_results(given, ProbeKind::Http, report.outcomes)
        }
        Target::Host(name) => {
            let dns = prober.run(&ProbeSpec::Dns { name: name.clone() }).await;
            let addresses: Vec<IpAddr> = dns
                .outcomes
                .iter()
                .filter(|o| o.is_ok())
                .filter_map(|o| o.address)
                .collect();
            let specs: Vec<ProbeSpec> = addresses
                .iter()
                .map(|address| ProbeSpec::Icmp { address: *address })
                .collect();
            let pings = specs.iter().map(|spec| prober.run(spec));
            let mut results = dns.outcomes;
            for report in futures::future::join_all(pings).await {
                results.extend(report.outcomes);
            }
            CheckReport::from_results(given, ProbeKind::Icmp, results)
        }
        Target::Ip(address) => {
            let mut results = Vec::new();
            if address.is_ipv4() {
                results.push(Outcome::new(
                    ProbeKind::Icmp,
                    Family::V6,
                    None,
                    Reason::NoAaaa,
                    format!("{address} is an IPv4 address: there is no IPv6 address to check"),
                ));
            }
            let report = prober.run(&ProbeSpec::Icmp { address: *address }).await;
            results.extend(report.outcomes);
            CheckReport::from_results(given, ProbeKind::Icmp, results)
        }
    }
}
