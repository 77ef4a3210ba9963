//! Probe stage, one-shot check: the report `v6watch check` prints as JSON or text.

use std::fmt::Write as _;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::{Family, Outcome, ProbeKind, Reason};

/// Ready: the target works over IPv6. Broken: it does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ready,
    Broken,
}

/// The result of one check. Its JSON form is a contract:
/// `{"target", "verdict", "reason", "addresses", "dependencies", "results", "degraded"}`;
/// later stages add fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The target as given (trimmed).
    pub target: String,
    pub verdict: Verdict,
    /// Why the target is broken over IPv6; `null` when ready.
    pub reason: Option<Reason>,
    /// Every address found or probed, IPv6 first.
    pub addresses: Vec<IpAddr>,
    /// Resources the target depends on; filled by the verdict stage.
    pub dependencies: Vec<serde_json::Value>,
    /// One entry per probe outcome, both families.
    pub results: Vec<Outcome>,
    /// Works over IPv4 but not over IPv6.
    pub degraded: bool,
}

impl CheckReport {
    /// Build the report from the outcomes; `decisive` is the probe kind whose IPv6 success
    /// makes the target ready (HTTP for URLs, ICMP for hosts and addresses).
    pub(crate) fn from_results(target: &str, decisive: ProbeKind, results: Vec<Outcome>) -> Self {
        let v6_decisive: Vec<&Outcome> = results
            .iter()
            .filter(|o| o.family == Family::V6 && o.probe == decisive)
            .collect();
        let ready = v6_decisive.iter().any(|o| o.is_ok());
        let v4_ok = results
            .iter()
            .any(|o| o.family == Family::V4 && o.probe == decisive && o.is_ok());
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
        CheckReport {
            target: target.trim().to_string(),
            verdict: if ready {
                Verdict::Ready
            } else {
                Verdict::Broken
            },
            reason,
            addresses,
            dependencies: Vec::new(),
            degraded: v4_ok && !ready,
            results,
        }
    }

    /// The target works over IPv6 (`v6watch check` exits 0 exactly then).
    pub fn reachable_v6(&self) -> bool {
        self.verdict == Verdict::Ready
    }

    /// A readable report: a headline, then one line per result with a `6 ✓` / `4 ✗` marker,
    /// the probe kind, the address, the reason code, the latency and the detail.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let headline = match (self.verdict, self.reason) {
            (Verdict::Ready, _) => "ready: works over IPv6".to_string(),
            (Verdict::Broken, Some(reason)) => format!("broken over IPv6: {reason}"),
            (Verdict::Broken, None) => "broken over IPv6".to_string(),
        };
        let _ = writeln!(out, "{}: {headline}", self.target);
        if self.degraded {
            let _ = writeln!(out, "degraded: works over IPv4 but not over IPv6");
        }
        for result in &self.results {
            let mark = if result.is_ok() { '✓' } else { '✗' };
            let address = result
                .address
                .map(|a| a.to_string())
                .unwrap_or_else(|| "-".into());
            let latency = result
                .latency_ms
                .map(|ms| format!("{ms:.1} ms"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {mark} {:<4} {:<24} {:<22} {:>9}  {}",
                result.family.digit(),
                result.probe.as_str(),
                address,
                result.reason.as_str(),
                latency,
                one_line(&result.detail),
            );
            for hop in &result.redirects {
                let _ = writeln!(
                    out,
                    "        redirect {} {} -> {}",
                    hop.status,
                    one_line(&hop.url),
                    one_line(&hop.location)
                );
            }
        }
        out
    }
}

/// Control characters from the network never reach the terminal.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
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
        let report = CheckReport::from_results(
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
        assert!(!report.reachable_v6());
        assert_eq!(
            report.addresses,
            vec![
                "2001:db8:2::46".parse::<IpAddr>().unwrap(),
                "198.51.100.46".parse().unwrap()
            ]
        );

        let no_aaaa = CheckReport::from_results(
            "v4only.lab.test",
            ProbeKind::Icmp,
            vec![outcome(ProbeKind::Dns, Family::V6, "-", Reason::NoAaaa)],
        );
        assert_eq!(no_aaaa.reason, Some(Reason::NoAaaa));
        assert!(!no_aaaa.degraded);

        let ready = CheckReport::from_results(
            "v6only.lab.test",
            ProbeKind::Icmp,
            vec![outcome(
                ProbeKind::Icmp,
                Family::V6,
                "2001:db8:2::6",
                Reason::Ok,
            )],
        );
        assert!(ready.reachable_v6());
        assert_eq!(ready.reason, None);
    }

    #[test]
    fn json_has_the_contract_fields() {
        let report = CheckReport::from_results(
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
        let report = CheckReport::from_results(
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
        let text = report.render_text();
        assert!(text.contains("broken over IPv6: refused"), "{text}");
        assert!(text.contains("6 ✗ icmp"), "{text}");
        assert!(text.contains("4 ✓ icmp"), "{text}");
        assert!(text.contains("degraded"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}
