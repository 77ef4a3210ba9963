//! Probe stage, DNS: the DNS probe (AAAA and A asked separately) and `Prober::resolve`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use super::lookup::{self, Lookup};
use crate::deadline::{Deadline, millis};
use crate::{Family, Outcome, ProbeKind, Prober, Reason, nat64};

/// Both lookups of a name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DnsAnswer {
    /// The name as asked, fully qualified.
    pub name: String,
    pub aaaa: Result<Vec<Ipv6Addr>, Reason>,
    pub a: Result<Vec<Ipv4Addr>, Reason>,
    /// The AAAA addresses that lie in a NAT64 prefix.
    pub synthesized: Vec<Ipv6Addr>,
    /// Why the AAAA lookup failed, or what it found.
    pub aaaa_detail: String,
    /// Why the A lookup failed, or what it found.
    pub a_detail: String,
    pub aaaa_ms: f64,
    pub a_ms: f64,
}

impl DnsAnswer {
    /// Every address found, IPv6 first.
    pub fn addresses(&self) -> Vec<IpAddr> {
        let v6 = self.aaaa.iter().flatten().map(|a| IpAddr::V6(*a));
        let v4 = self.a.iter().flatten().map(|a| IpAddr::V4(*a));
        v6.chain(v4).collect()
    }
}

fn detail_of<T: std::fmt::Display>(lookup: &Lookup<T>, what: &str, name: &str) -> String {
    match &lookup.result {
        Ok(list) => {
            let list: Vec<String> = list.iter().map(ToString::to_string).collect();
            format!("{name} {what} {}", list.join(", "))
        }
        Err(failure) => failure.detail.clone(),
    }
}

impl Prober {
    /// Ask the configured resolver for the AAAA and the A records of `name`, separately and
    /// at the same time. Never fails: each half carries its reason.
    pub async fn resolve(&self, name: &str) -> DnsAnswer {
        let deadline = Deadline::after(self.config.timeout);
        let (aaaa, a) = tokio::join!(
            lookup::aaaa(self, name, deadline),
            lookup::a(self, name, deadline)
        );
        let fq = lookup::fqdn(name)
            .map(|n| n.to_string())
            .unwrap_or_else(|_| name.to_string());
        let synthesized = aaaa
            .result
            .iter()
            .flatten()
            .copied()
            .filter(|v6| nat64::is_synthesized(v6, &self.nat64))
            .collect();
        DnsAnswer {
            aaaa_detail: detail_of(&aaaa, "AAAA", &fq),
            a_detail: detail_of(&a, "A", &fq),
            aaaa_ms: millis(aaaa.elapsed),
            a_ms: millis(a.elapsed),
            aaaa: aaaa.result.map_err(|f| f.reason),
            a: a.result.map_err(|f| f.reason),
            synthesized,
            name: fq,
        }
    }

    /// The NS names of a zone (empty when the zone has none). `Err` carries the DNS reason.
    pub async fn lookup_ns(&self, zone: &str) -> Result<Vec<String>, Reason> {
        let deadline = Deadline::after(self.config.timeout);
        lookup::ns(self, zone, deadline)
            .await
            .result
            .map_err(|failure| failure.reason)
    }
}

/// The DNS probe: one outcome per address found, or one failing outcome per family.
pub(crate) async fn probe(prober: &Prober, name: &str) -> Vec<Outcome> {
    let answer = prober.resolve(name).await;
    let mut outcomes = Vec::new();
    match &answer.aaaa {
        Ok(list) => {
            for v6 in list {
                let prefix = nat64::nat64_prefix_of(v6, &prober.nat64);
                let mut detail = format!("AAAA record of {}", answer.name);
                if let Some(prefix) = prefix {
                    detail.push_str(&format!(" in NAT64 prefix {prefix}"));
                    if let Some(v4) = nat64::embedded_ipv4(v6, prefix.prefix_len()) {
                        detail.push_str(&format!(", synthesized from {v4}"));
                    }
                }
                outcomes.push(
                    Outcome::new(
                        ProbeKind::Dns,
                        Family::V6,
                        Some(IpAddr::V6(*v6)),
                        Reason::Ok,
                        detail,
                    )
                    .with_latency_ms(answer.aaaa_ms)
                    .with_synthesized(prefix.is_some()),
                );
            }
        }
        Err(reason) => outcomes.push(Outcome::new(
            ProbeKind::Dns,
            Family::V6,
            None,
            *reason,
            answer.aaaa_detail.clone(),
        )),
    }
    match &answer.a {
        Ok(list) => {
            for v4 in list {
                outcomes.push(
                    Outcome::new(
                        ProbeKind::Dns,
                        Family::V4,
                        Some(IpAddr::V4(*v4)),
                        Reason::Ok,
                        format!("A record of {}", answer.name),
                    )
                    .with_latency_ms(answer.a_ms),
                );
            }
        }
        Err(reason) => outcomes.push(Outcome::new(
            ProbeKind::Dns,
            Family::V4,
            None,
            *reason,
            answer.a_detail.clone(),
        )),
    }
    outcomes
}
