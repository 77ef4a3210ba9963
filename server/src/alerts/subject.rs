//! What incidents are about, and how subjects hang together for root-cause folding: the
//! links (a service on a host or in a container, a container on a host, a host or container
//! behind the tunnels whose routed prefixes hold one of its addresses) live in
//! `model::topology`, shared with the overview; here they gain the checks.

use super::rules::Thresholds;
pub use model::SubjectKind;
pub use model::topology::{LinkRows, Links, Subject, TunnelLink};
use std::collections::HashMap;
use std::net::IpAddr;

/// One check as the detector sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckInfo {
    /// Whose incident a failure is: the check's subject, or the tunnel whose far end it pings.
    pub subject: Subject,
    /// What is probed, readable.
    pub target: String,
    /// Latency is judged for echo checks (hosts, containers, tunnels).
    pub latency: bool,
    pub thresholds: Option<Thresholds>,
    /// A tunnel's path MTU probe: a black hole is degraded, and a machine without a raw
    /// ICMPv6 socket to measure with has no reading (not a failure).
    pub path_mtu: bool,
}

/// The inventory as the detector needs it: the links, and the checks.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    pub checks: HashMap<i64, CheckInfo>,
    pub links: Links,
}

impl std::ops::Deref for Topology {
    type Target = Links;

    fn deref(&self) -> &Links {
        &self.links
    }
}

/// The inventory rows the topology is built from.
#[derive(Clone, Debug, Default)]
pub struct InventoryRows {
    /// id, subject kind, subject id, target text, echo address (for ICMP checks).
    pub checks: Vec<(i64, String, i64, String, Option<IpAddr>)>,
    pub thresholds: Vec<(i64, Thresholds)>,
    pub links: LinkRows,
    /// The path MTU checks among `checks`.
    pub path_mtu_checks: std::collections::HashSet<i64>,
}

impl Topology {
    pub fn build(rows: &InventoryRows) -> Topology {
        let links = Links::build(&rows.links);
        let thresholds: HashMap<i64, Thresholds> = rows.thresholds.iter().copied().collect();
        let mut checks = HashMap::new();
        for (id, kind, subject_id, target, echo) in &rows.checks {
            let Some(kind) = SubjectKind::parse(kind) else {
                continue;
            };
            checks.insert(
                *id,
                CheckInfo {
                    subject: links.check_subject(kind, *subject_id, *echo),
                    target: target.clone(),
                    latency: echo.is_some(),
                    thresholds: thresholds.get(id).copied(),
                    path_mtu: rows.path_mtu_checks.contains(id),
                },
            );
        }
        Topology { checks, links }
    }
}
