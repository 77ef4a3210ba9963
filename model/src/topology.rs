//! How subjects hang together, for root-cause folding: a service sits on a host or in a
//! container, a container on a host, a host or container behind the tunnels whose routed
//! prefixes hold one of its addresses. The alert stage folds incidents along these links and
//! the overview nests its problems along them: one logic for both.

use crate::SubjectKind;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;

/// One thing with a page of its own: a tunnel, host, container or service.
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

/// A tunnel as the links need it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TunnelLink {
    pub id: i64,
    pub name: String,
    /// The remote IPv6 tunnel address: the echo check of a host holding it watches the far end.
    pub remote_v6: Option<String>,
    /// One per line.
    pub routed_prefixes: String,
    /// The host it is terminated on.
    pub host_id: Option<i64>,
}

/// The inventory rows the links are built from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinkRows {
    /// id, name.
    pub hosts: Vec<(i64, String)>,
    /// id, name, host id.
    pub containers: Vec<(i64, String, i64)>,
    /// id, name, host id, container id.
    pub services: Vec<(i64, String, Option<i64>, Option<i64>)>,
    /// host id, address.
    pub host_addresses: Vec<(i64, String)>,
    /// container id, address.
    pub container_addresses: Vec<(i64, String)>,
    pub tunnels: Vec<TunnelLink>,
}

/// The subjects with their names and what each sits behind.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Links {
    pub names: HashMap<Subject, String>,
    /// Direct parents of each subject: its host or container, the tunnels routing its
    /// addresses.
    pub parents: HashMap<Subject, Vec<Subject>>,
    /// Each tunnel's remote IPv6 address: an echo check of it is the tunnel's own.
    pub far_ends: HashMap<IpAddr, Subject>,
    /// The hosts at a tunnel's ends: the one it is terminated on, the one holding its
    /// remote IPv6 address.
    pub endpoints: HashMap<Subject, Vec<Subject>>,
}

fn push_once(list: &mut Vec<Subject>, s: Subject) {
    if !list.contains(&s) {
        list.push(s);
    }
}

impl Links {
    pub fn build(rows: &LinkRows) -> Links {
        let mut t = Links::default();
        let host = |id| Subject::new(SubjectKind::Host, id);
        let container = |id| Subject::new(SubjectKind::Container, id);
        for (id, name) in &rows.hosts {
            t.names.insert(host(*id), name.clone());
        }
        for (id, name, host_id) in &rows.containers {
            t.names.insert(container(*id), name.clone());
            t.parents
                .entry(container(*id))
                .or_default()
                .push(host(*host_id));
        }
        for (id, name, host_id, container_id) in &rows.services {
            let s = Subject::new(SubjectKind::Service, *id);
            t.names.insert(s, name.clone());
            let parent = match (container_id, host_id) {
                (Some(c), _) => container(*c),
                (None, Some(h)) => host(*h),
                (None, None) => continue,
            };
            t.parents.entry(s).or_default().push(parent);
        }
        let addresses: Vec<(Subject, IpAddr)> = rows
            .host_addresses
            .iter()
            .map(|(id, a)| (host(*id), a))
            .chain(
                rows.container_addresses
                    .iter()
                    .map(|(id, a)| (container(*id), a)),
            )
            .filter_map(|(s, a)| a.trim().parse().ok().map(|a| (s, a)))
            .collect();
        for tunnel in &rows.tunnels {
            let s = Subject::new(SubjectKind::Tunnel, tunnel.id);
            t.names.insert(s, tunnel.name.clone());
            let ends = t.endpoints.entry(s).or_default();
            if let Some(h) = tunnel.host_id {
                push_once(ends, host(h));
            }
            let remote: Option<IpAddr> = tunnel
                .remote_v6
                .as_deref()
                .and_then(|r| r.trim().parse().ok());
            if let Some(remote) = remote {
                t.far_ends.insert(remote, s);
                for (holder, _) in addresses
                    .iter()
                    .filter(|(h, a)| *a == remote && h.kind == SubjectKind::Host)
                {
                    push_once(ends, *holder);
                }
            }
            let nets: Vec<IpNet> = tunnel
                .routed_prefixes
                .lines()
                .filter_map(|p| p.trim().parse().ok())
                .collect();
            for (subject, address) in &addresses {
                if nets.iter().any(|n| n.contains(address)) {
                    push_once(t.parents.entry(*subject).or_default(), s);
                }
            }
        }
        t
    }

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

    /// Whose a check's results are: its subject's, or the tunnel's whose far end it pings.
    pub fn check_subject(&self, kind: SubjectKind, id: i64, echo: Option<IpAddr>) -> Subject {
        echo.and_then(|a| self.far_ends.get(&a).copied())
            .unwrap_or(Subject::new(kind, id))
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

    /// What sits directly behind `subject`, in order.
    pub fn behind(&self, subject: Subject) -> Vec<Subject> {
        let mut out: Vec<Subject> = self
            .parents
            .iter()
            .filter(|(_, parents)| parents.contains(&subject))
            .map(|(s, _)| *s)
            .collect();
        out.sort();
        out
    }

    /// The hosts and containers a tunnel carries: those with an address in its routed
    /// prefixes, and the hosts at its ends.
    pub fn carried_by(&self, tunnel: Subject) -> Vec<Subject> {
        let mut out: Vec<Subject> = self
            .behind(tunnel)
            .into_iter()
            .filter(|s| matches!(s.kind, SubjectKind::Host | SubjectKind::Container))
            .collect();
        for end in self.endpoints.get(&tunnel).into_iter().flatten() {
            push_once(&mut out, *end);
        }
        out.sort();
        out
    }

    /// The tunnels in the inventory, by id.
    pub fn tunnels(&self) -> Vec<Subject> {
        let mut out: Vec<Subject> = self
            .names
            .keys()
            .filter(|s| s.kind == SubjectKind::Tunnel)
            .copied()
            .collect();
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> LinkRows {
        LinkRows {
            hosts: vec![(1, "web1".into()), (6, "lone".into()), (9, "router".into())],
            containers: vec![(2, "app".into(), 6)],
            services: vec![
                (3, "blog".into(), None, Some(2)),
                (4, "wiki".into(), Some(1), None),
            ],
            host_addresses: vec![
                (1, "2001:db8:10::1".into()),
                (6, "2001:db8:99::1".into()),
                (9, "2001:db8:ff::1".into()),
            ],
            container_addresses: vec![(2, "2001:db8:10::2".into())],
            tunnels: vec![TunnelLink {
                id: 5,
                name: "he".into(),
                remote_v6: Some("2001:db8:ff::1".into()),
                routed_prefixes: "2001:db8:10::/48\n".into(),
                host_id: Some(6),
            }],
        }
    }

    #[test]
    fn subjects_sit_behind_their_host_container_and_the_tunnels_routing_their_addresses() {
        let links = Links::build(&rows());
        let s = Subject::new;
        let tunnel = s(SubjectKind::Tunnel, 5);
        assert_eq!(links.ancestors(s(SubjectKind::Host, 1)), [tunnel]);
        // The container is on host 6 and its own address is routed through the tunnel.
        assert_eq!(
            links.ancestors(s(SubjectKind::Service, 3)),
            [
                s(SubjectKind::Container, 2),
                s(SubjectKind::Host, 6),
                tunnel
            ]
        );
        assert!(links.ancestors(s(SubjectKind::Host, 6)).is_empty());
        assert_eq!(
            links.behind(tunnel),
            [s(SubjectKind::Host, 1), s(SubjectKind::Container, 2)]
        );
        // Carried: what it routes, the host it ends on and the host holding its far end.
        assert_eq!(
            links.carried_by(tunnel),
            [
                s(SubjectKind::Host, 1),
                s(SubjectKind::Host, 6),
                s(SubjectKind::Host, 9),
                s(SubjectKind::Container, 2)
            ]
        );
        assert_eq!(
            links.check_subject(SubjectKind::Host, 9, "2001:db8:ff::1".parse().ok()),
            tunnel
        );
        assert_eq!(
            links.check_subject(SubjectKind::Host, 1, "2001:db8:10::1".parse().ok()),
            s(SubjectKind::Host, 1)
        );
        assert_eq!(links.label(s(SubjectKind::Host, 1)), "Host web1");
        assert_eq!(links.label(s(SubjectKind::Host, 42)), "Host 42");
        assert_eq!(links.tunnels(), [tunnel]);
    }
}
