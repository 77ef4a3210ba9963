//! Probe stage, DNS: single lookups with a time limit, and the addresses of a host for one
//! address family (what the TCP and HTTP probes connect to).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use hickory_resolver::Name;
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{RData, RecordType};
use tokio::time::Instant;

use super::failure::{DnsFailure, classify};
use super::resolver::attempt_timeout;
use super::{Rtype, dedup};
use crate::deadline::{Deadline, secs};
use crate::{Family, Prober, Reason, nat64};

/// What one lookup gave, and how long it took.
pub(crate) struct Lookup<T> {
    pub result: Result<Vec<T>, DnsFailure>,
    pub elapsed: Duration,
}

/// A name made fully qualified, so no search domain is ever appended.
pub(crate) fn fqdn(name: &str) -> Result<Name, DnsFailure> {
    let trimmed = name.trim();
    let invalid = |why: String| {
        DnsFailure::new(
            Reason::DnsError,
            format!("{trimmed:?} is not a valid DNS name: {why}"),
            false,
        )
    };
    if trimmed.is_empty() || trimmed.len() > 253 + 1 {
        return Err(invalid("empty or longer than 253 characters".into()));
    }
    let mut name = Name::from_utf8(trimmed).map_err(|e| invalid(e.to_string()))?;
    name.set_fqdn(true);
    Ok(name)
}

async fn query(
    prober: &Prober,
    name: &str,
    rtype: Rtype,
    deadline: Deadline,
) -> (Result<Vec<RData>, DnsFailure>, Duration) {
    let started = Instant::now();
    let resolver = match &prober.resolver {
        Ok(resolver) => resolver,
        Err(why) => {
            return (
                Err(DnsFailure::new(Reason::DnsError, why.clone(), false)),
                Duration::ZERO,
            );
        }
    };
    let fq = match fqdn(name) {
        Ok(fq) => fq,
        Err(failure) => return (Err(failure), Duration::ZERO),
    };
    let record_type = match rtype {
        Rtype::Aaaa => RecordType::AAAA,
        Rtype::A => RecordType::A,
        Rtype::Ns => RecordType::NS,
    };
    // Two attempts, and a little slack for the resolver's own bookkeeping.
    let limit = deadline.cap(attempt_timeout(&prober.config) * 2 + Duration::from_millis(200));
    let answer = tokio::time::timeout(limit, resolver.lookup(fq.clone(), record_type)).await;
    let elapsed = started.elapsed();
    let result = match answer {
        Err(_) => Err(DnsFailure::new(
            Reason::DnsTimeout,
            format!(
                "no nameserver answered the {} query for {fq} within {}",
                rtype.as_str(),
                secs(limit)
            ),
            false,
        )),
        Ok(Err(error)) => Err(classify(&error, &fq.to_string(), rtype)),
        Ok(Ok(lookup)) => Ok(lookup
            .record_iter()
            .filter(|record| record.record_type() == record_type)
            .map(|record| record.data().clone())
            .collect()),
    };
    (result, elapsed)
}

/// An answer without any record of the asked type is NODATA.
fn non_empty<T>(items: Vec<T>, name: &str, rtype: Rtype) -> Result<Vec<T>, DnsFailure> {
    if items.is_empty() {
        let fq = fqdn(name).map(|n| n.to_string()).unwrap_or_default();
        Err(super::failure::no_records(
            ResponseCode::NoError,
            &fq,
            rtype,
        ))
    } else {
        Ok(items)
    }
}

pub(crate) async fn aaaa(prober: &Prober, name: &str, deadline: Deadline) -> Lookup<Ipv6Addr> {
    let (result, elapsed) = query(prober, name, Rtype::Aaaa, deadline).await;
    let result = result.and_then(|records| {
        let addresses = dedup(records.iter().filter_map(|data| match data {
            RData::AAAA(aaaa) => Some(aaaa.0),
            _ => None,
        }));
        non_empty(addresses, name, Rtype::Aaaa)
    });
    Lookup { result, elapsed }
}

pub(crate) async fn a(prober: &Prober, name: &str, deadline: Deadline) -> Lookup<Ipv4Addr> {
    let (result, elapsed) = query(prober, name, Rtype::A, deadline).await;
    let result = result.and_then(|records| {
        let addresses = dedup(records.iter().filter_map(|data| match data {
            RData::A(a) => Some(a.0),
            _ => None,
        }));
        non_empty(addresses, name, Rtype::A)
    });
    Lookup { result, elapsed }
}

/// NS names of a zone; NODATA gives an empty list.
pub(crate) async fn ns(prober: &Prober, zone: &str, deadline: Deadline) -> Lookup<String> {
    let (result, elapsed) = query(prober, zone, Rtype::Ns, deadline).await;
    let result = match result {
        Ok(records) => Ok(records
            .iter()
            .filter_map(|data| match data {
                RData::NS(ns) => Some(ns.0.to_string()),
                _ => None,
            })
            .collect()),
        Err(failure) if failure.rcode == Some(ResponseCode::NoError) => Ok(Vec::new()),
        Err(failure) => Err(failure),
    };
    Lookup { result, elapsed }
}

/// A probe target's host: a literal address or a name to resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Host {
    Ip(IpAddr),
    Name(String),
}

impl Host {
    /// Parse a host as written in a probe spec or URL (`[2001:db8::1]` brackets allowed).
    pub(crate) fn parse(text: &str) -> Host {
        let trimmed = text.trim();
        let unbracketed = trimmed
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .unwrap_or(trimmed);
        match unbracketed.parse::<IpAddr>() {
            Ok(ip) => Host::Ip(ip),
            Err(_) => Host::Name(trimmed.to_string()),
        }
    }
}

/// One address to probe, with its NAT64 mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HostAddress {
    pub ip: IpAddr,
    pub synthesized: bool,
}

/// The addresses of `host` in `family`: the literal itself, or the AAAA (A) records asked of
/// the configured resolver. Only AAAA records are used for IPv6, whatever else exists.
pub(crate) async fn addresses_for(
    prober: &Prober,
    host: &Host,
    family: Family,
    deadline: Deadline,
) -> Result<Vec<HostAddress>, DnsFailure> {
    match (host, family) {
        (Host::Ip(ip), _) if Family::of(*ip) == family => Ok(vec![HostAddress {
            ip: *ip,
            synthesized: match ip {
                IpAddr::V6(v6) => nat64::is_synthesized(v6, &prober.nat64),
                IpAddr::V4(_) => false,
            },
        }]),
        (Host::Ip(ip), Family::V6) => Err(DnsFailure::new(
            Reason::Ipv4Literal,
            format!("{ip} is an IPv4 address: there is no IPv6 address to use"),
            false,
        )),
        (Host::Ip(ip), Family::V4) => Err(DnsFailure::new(
            Reason::NoA,
            format!("{ip} is an IPv6 address: there is no IPv4 address to use"),
            false,
        )),
        (Host::Name(name), Family::V6) => aaaa(prober, name, deadline).await.result.map(|list| {
            list.into_iter()
                .map(|v6| HostAddress {
                    ip: IpAddr::V6(v6),
                    synthesized: nat64::is_synthesized(&v6, &prober.nat64),
                })
                .collect()
        }),
        (Host::Name(name), Family::V4) => a(prober, name, deadline).await.result.map(|list| {
            list.into_iter()
                .map(|v4| HostAddress {
                    ip: IpAddr::V4(v4),
                    synthesized: false,
                })
                .collect()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_parse_as_literal_or_name() {
        let cases: &[(&str, Host)] = &[
            ("2001:db8::1", Host::Ip("2001:db8::1".parse().unwrap())),
            ("[2001:db8::1]", Host::Ip("2001:db8::1".parse().unwrap())),
            ("192.0.2.1", Host::Ip("192.0.2.1".parse().unwrap())),
            ("dual.lab.test", Host::Name("dual.lab.test".into())),
            ("[nonsense]", Host::Name("[nonsense]".into())),
        ];
        for (text, want) in cases {
            assert_eq!(&Host::parse(text), want, "{text}");
        }
    }

    #[test]
    fn names_become_fully_qualified_or_fail_cleanly() {
        assert_eq!(fqdn("dual.lab.test").unwrap().to_string(), "dual.lab.test.");
        assert_eq!(
            fqdn("dual.lab.test.").unwrap().to_string(),
            "dual.lab.test."
        );
        for bad in [
            "",
            "   ",
            "a..b",
            &"x".repeat(300),
            &format!("{}.test", "y".repeat(64)),
        ] {
            let failure = fqdn(bad).expect_err(bad);
            assert_eq!(failure.reason, Reason::DnsError);
        }
    }
}
