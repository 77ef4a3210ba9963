//! What incidents are about, and how subjects hang together for root-cause folding: a
//! service sits on a host or in a container, a container on a host, a host behind the
//! tunnels whose routed prefixes hold one of its addresses.

use super::rules::Thresholds;
use ipnet::IpNet;
pub use model::SubjectKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: i64,
}

impl Subject {
    pub fn new(kind: SubjectKind, id: i64) -> Subject {
        Subject { kind, id }
    }

    /// The dashboard page of the subject.
    pub fn path(self) -> String {
        format!("/{}s/{}", self.kind.as_str(), self.id)
    }
}

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
}

/// The inventory as the detector needs it.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    pub checks: HashMap<i64, CheckInfo>,
    pub names: HashMap<Subject, String>,
    /// Direct parents of each subject.
    pub parents: HashMap<Subject, Vec<Subject>>,
}

impl Topology {
    /// "Host web1", or "Host 3" for one no longer in the inventory.
    pub fn label(&self, subject: Subject) -> String {
        format!("{} {}", subject.kind.label(), self.name(subject))
    }

    pub fn name(&self, subject: Subject) -> String {
        self.names
            .get(&subject)
            .cloned()
            .unwrap_or_else(|| subject.id.to_string())
    }

    /// Every subject `subject` sits behind, nearest first, each once.
    pub fn ancestors(&self, subject: Subject) -> Vec<Subject> {
        let mut found: Vec<Subject> = Vec::new();
        let mut next = vec![subject];
        while let Some(current) = next.pop() {
            for parent in self.parents.get(&current).into_iter().flatten() {
                if *parent != subject && !found.contains(parent) {
                    found.push(*parent);
                    next.insert(0, *parent);
                }
            }
        }
        found
    }
}

/// The inventory rows the topology is built from.
#[derive(Clone, Debug, Default)]
pub struct InventoryRows {
    /// id, subject kind, subject id, target text, echo address (for ICMP checks).
    pub checks: Vec<(i64, String, i64, String, Option<IpAddr>)>,
    pub thresholds: Vec<(i64, Thresholds)>,
    pub hosts: Vec<(i64, String)>,
    /// id, name, host id.
    pub containers: Vec<(i64, String, i64)>,
    /// id, name, host id, container id.
    pub services: Vec<(i64, String, Option<i64>, Option<i64>)>,
    /// host id, address.
    pub host_addresses: Vec<(i64, String)>,
    /// id, name, remote IPv6 address, routed prefixes (one per line).
    pub tunnels: Vec<(i64, String, Option<String>, String)>,
}

impl Topology {
    pub fn build(rows: &InventoryRows) -> Topology {
        let mut t = Topology::default();
        let host = |id| Subject::new(SubjectKind::Host, id);
        for (id, name) in &rows.hosts {
            t.names.insert(host(*id), name.clone());
        }
        for (id, name, host_id) in &rows.containers {
            let s = Subject::new(SubjectKind::Container, *id);
            t.names.insert(s, name.clone());
            t.parents.entry(s).or_default().push(host(*host_id));
        }
        for (id, name, host_id, container_id) in &rows.services {
            let s = Subject::new(SubjectKind::Service, *id);
            t.names.insert(s, name.clone());
            let parent = match (container_id, host_id) {
                (Some(c), _) => Subject::new(SubjectKind::Container, *c),
                (None, Some(h)) => host(*h),
                (None, None) => continue,
            };
            t.parents.entry(s).or_default().push(parent);
        }
        let mut far_ends: HashMap<IpAddr, Subject> = HashMap::new();
        for (id, name, remote, prefixes) in &rows.tunnels {
            let s = Subject::new(SubjectKind::Tunnel, *id);
            t.names.insert(s, name.clone());
            if let Some(remote) = remote.as_deref().and_then(|r| r.trim().parse().ok()) {
                far_ends.insert(remote, s);
            }
            let nets: Vec<IpNet> = prefixes
                .lines()
                .filter_map(|p| p.trim().parse().ok())
                .collect();
            for (host_id, address) in &rows.host_addresses {
                let Ok(address) = address.parse::<IpAddr>() else {
                    continue;
                };
                if nets.iter().any(|n| n.contains(&address)) {
                    let parents = t.parents.entry(host(*host_id)).or_default();
                    if !parents.contains(&s) {
                        parents.push(s);
                    }
                }
            }
        }
        let thresholds: HashMap<i64, Thresholds> = rows.thresholds.iter().copied().collect();
        for (id, kind, subject_id, target, echo) in &rows.checks {
            let Some(kind) = SubjectKind::parse(kind) else {
                continue;
            };
            let subject = echo
                .and_then(|a| far_ends.get(&a).copied())
                .unwrap_or(Subject::new(kind, *subject_id));
            t.checks.insert(
                *id,
                CheckInfo {
                    subject,
                    target: target.clone(),
                    latency: echo.is_some(),
                    thresholds: thresholds.get(id).copied(),
                },
            );
        }
        t
    }
}
