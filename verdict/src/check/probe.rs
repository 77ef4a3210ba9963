//! Verdict stage, one-shot check: the probes behind it, both families. A URL gets an HTTP
//! GET; a host name DNS (AAAA and A), then ICMP echo to each address; an IP address ICMP echo.
//! For a host name or an address these outcomes are the whole check: ready or broken.

use std::net::IpAddr;

use chrono::Utc;
use probes::{Family, Outcome, ProbeKind, ProbeSpec, Prober, Reason};

use super::{CheckReport, Target};
use crate::Verdict;

/// Every outcome of the probes for `target`, both families.
pub(super) async fn probe(prober: &Prober, target: &Target) -> Vec<Outcome> {
    match target {
        Target::Url(url) => {
            let spec = ProbeSpec::Http {
                url: url.clone(),
                expected_status: None,
            };
            prober.run(&spec).await.outcomes
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
            results.extend(path_mtu(prober, &results).await);
            results
        }
        Target::Ip(address) => {
            let mut results = Vec::new();
            if address.is_ipv4() {
                results.push(Outcome::new(
                    ProbeKind::Icmp,
                    Family::V6,
                    None,
                    Reason::Ipv4Literal,
                    format!("{address} is an IPv4 address: there is no IPv6 address to check"),
                ));
            }
            let report = prober.run(&ProbeSpec::Icmp { address: *address }).await;
            results.extend(report.outcomes);
            results.extend(path_mtu(prober, &results).await);
            results
        }
    }
}

/// The path MTU probe to the first IPv6 address that answered echo: a black hole needs small
/// packets to pass, so an address that does not answer at all is not measured.
async fn path_mtu(prober: &Prober, results: &[Outcome]) -> Option<Outcome> {
    let address = results
        .iter()
        .filter(|o| o.probe == ProbeKind::Icmp && o.is_ok())
        .find_map(|o| match o.address {
            Some(IpAddr::V6(v6)) => Some(v6),
            _ => None,
        })?;
    Some(prober.path_mtu(address).await)
}

/// Every address found or probed, IPv6 first, each once.
pub(super) fn addresses(results: &[Outcome]) -> Vec<IpAddr> {
    let mut addresses: Vec<IpAddr> = Vec::new();
    for family in [Family::V6, Family::V4] {
        for address in results
            .iter()
            .filter(|o| o.family == family)
            .filter_map(|o| o.address)
        {
            if !addresses.contains(&address) {
                addresses.push(address);
            }
        }
    }
    addresses
}

impl CheckReport {
    /// The report of a host name or address check, built from the probe outcomes: ready or
    /// broken, no dependencies. `decisive` is the probe kind whose IPv6 success makes the
    /// target ready (ICMP for hosts and addresses).
    pub(super) fn from_probes(target: &str, decisive: ProbeKind, results: Vec<Outcome>) -> Self {
        let v6_decisive: Vec<&Outcome> = results
            .iter()
            .filter(|o| o.family == Family::V6 && o.probe == decisive)
            .collect();
        let ready = v6_decisive.iter().any(|o| o.is_ok());
        let v4_ok = results
            .iter()
            .any(|o| o.family == Family::V4 && o.probe == decisive && o.is_ok());
        let pmtu = results.iter().find(|o| o.probe == ProbeKind::Pmtu);
        let reason = if ready {
            None
        } else {
            let first_v6_failure = results
                .iter()
                .find(|o| o.family == Family::V6 && !o.is_ok())
                .map(|o| o.reason);
            Some(
                v6_decisive
                    .iter()
                    .find(|o| !o.is_ok())
                    .map(|o| o.reason)
                    .or(first_v6_failure)
                    .unwrap_or(Reason::NoAaaa),
            )
        };
        CheckReport {
            target: target.trim().to_string(),
            verdict: if ready {
                Verdict::Ready
            } else {
                Verdict::Broken
            },
            reason,
            addresses: addresses(&results).iter().map(IpAddr::to_string).collect(),
            dependencies: Vec::new(),
            truncated: false,
            final_url: None,
            nat64: false,
            checked_at: Utc::now(),
            degraded: v4_ok && !ready,
            path_mtu: pmtu.and_then(|o| o.path_mtu),
            pmtu_blackhole: pmtu.is_some_and(|o| o.reason == Reason::PmtuBlackhole),
            results,
            judged_by: Vec::new(),
            browser_note: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(probe: ProbeKind, family: Family, address: &str, reason: Reason) -> Outcome {
        Outcome::new(
            probe,
            family,
            address.parse().ok(),
            reason,
            "detail\u{1b}[31m",
        )
    }

    #[test]
    fn verdicts_reasons_and_addresses() {
        let report = CheckReport::from_probes(
            " dual.lab.test ",
            ProbeKind::Icmp,
            vec![
                outcome(ProbeKind::Dns, Family::V4, "198.51.100.46", Reason::Ok),
                outcome(ProbeKind::Dns, Family::V6, "2001:db8:2::46", Reason::Ok),
                outcome(
                    ProbeKind::Icmp,
                    Family::V6,
                    "2001:db8:2::46",
                    Reason::Timeout,
                ),
                outcome(ProbeKind::Icmp, Family::V4, "198.51.100.46", Reason::Ok),
            ],
        );
        assert_eq!(report.target, "dual.lab.test");
        assert_eq!(report.verdict, Verdict::Broken);
        assert_eq!(report.reason, Some(Reason::Timeout));
        assert!(report.degraded);
        assert!(!report.is_ready());
        assert_eq!(report.addresses, ["2001:db8:2::46", "198.51.100.46"]);

        let no_aaaa = CheckReport::from_probes(
            "v4only.lab.test",
            ProbeKind::Icmp,
            vec![outcome(ProbeKind::Dns, Family::V6, "-", Reason::NoAaaa)],
        );
        assert_eq!(no_aaaa.reason, Some(Reason::NoAaaa));
        assert!(!no_aaaa.degraded);

        let ready = CheckReport::from_probes(
            "v6only.lab.test",
            ProbeKind::Icmp,
            vec![outcome(
                ProbeKind::Icmp,
                Family::V6,
                "2001:db8:2::6",
                Reason::Ok,
            )],
        );
        assert!(ready.is_ready());
        assert_eq!(ready.reason, None);
    }

    #[test]
    fn path_mtu_and_black_hole_come_from_the_pmtu_outcome() {
        let echo = outcome(ProbeKind::Icmp, Family::V6, "2001:db8:77::10", Reason::Ok);
        // (pmtu outcome, path_mtu, pmtu_blackhole)
        let table = [
            (None, None, false),
            (Some((Reason::Ok, Some(1480))), Some(1480), false),
            (Some((Reason::PmtuBlackhole, Some(1280))), Some(1280), true),
            (Some((Reason::SocketError, None)), None, false),
        ];
        for (pmtu, want_mtu, want_hole) in table {
            let mut results = vec![echo.clone()];
            if let Some((reason, mtu)) = pmtu {
                let mut o = outcome(ProbeKind::Pmtu, Family::V6, "2001:db8:77::10", reason);
                o.path_mtu = mtu;
                results.push(o);
            }
            let report = CheckReport::from_probes("h.lab.test", ProbeKind::Icmp, results);
            assert_eq!(report.path_mtu, want_mtu, "{pmtu:?}");
            assert_eq!(report.pmtu_blackhole, want_hole, "{pmtu:?}");
            assert!(
                report.is_ready(),
                "a black hole is reported, not a broken host"
            );
            let json = serde_json::to_value(&report).unwrap();
            assert_eq!(json["pmtu_blackhole"], want_hole);
            assert_eq!(json["path_mtu"], serde_json::json!(want_mtu));
        }
    }

    #[test]
    fn json_has_the_contract_fields() {
        let report = CheckReport::from_probes(
            "v6only.lab.test",
            ProbeKind::Icmp,
            vec![outcome(
                ProbeKind::Icmp,
                Family::V6,
                "2001:db8:2::6",
                Reason::Ok,
            )],
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["target"], "v6only.lab.test");
        assert_eq!(json["verdict"], "ready");
        assert!(json["reason"].is_null());
        assert_eq!(json["addresses"][0], "2001:db8:2::6");
        assert_eq!(json["dependencies"], serde_json::json!([]));
        assert_eq!(json["degraded"], false);
        let result = &json["results"][0];
        for field in [
            "family",
            "address",
            "reason",
            "latency_ms",
            "detail",
            "synthesized",
        ] {
            assert!(result.get(field).is_some(), "missing {field}");
        }
        assert_eq!(result["family"], "v6");
        assert_eq!(result["reason"], "ok");
        let back: CheckReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn text_has_markers_and_no_control_characters() {
        let report = CheckReport::from_probes(
            "dual.lab.test",
            ProbeKind::Icmp,
            vec![
                outcome(
                    ProbeKind::Icmp,
                    Family::V6,
                    "2001:db8:2::46",
                    Reason::Refused,
                ),
                outcome(ProbeKind::Icmp, Family::V4, "198.51.100.46", Reason::Ok),
            ],
        );
        let text = report.render_text(false);
        assert!(text.contains("broken over IPv6: refused"), "{text}");
        assert!(text.contains("6 ✗ icmp"), "{text}");
        assert!(text.contains("4 ✓ icmp"), "{text}");
        assert!(text.contains("degraded"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}
