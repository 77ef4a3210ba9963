//! Address-plan rules: pure checks over the inventory that find addresses and prefixes
//! which will break or leak under IPv6-only. Each rule family lives in its own file; the
//! DNS rules take already-resolved records so the lookups stay in the server.
//!
//! "Overlapping prefixes": CIDR prefixes either nest or are disjoint, so the only overlap
//! the inventory can hold is the same network declared twice (`overlapping_prefixes`).

mod dns;
mod exposure;
mod placement;
mod same;

pub use dns::{DnsAnswer, dns_findings, dns_names};

use crate::inventory::{Container, Host, Prefix, Service};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Problem,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::Problem => "problem",
        }
    }
}

/// An inventory object a finding concerns, with the page that shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanObject {
    /// `host`, `container`, `prefix` or `service`.
    pub kind: String,
    pub id: i64,
    pub label: String,
    pub link: String,
}

impl PlanObject {
    pub fn host(h: &Host) -> Self {
        Self::new("host", h.id, &h.name, format!("/hosts/{}", h.id))
    }
    pub fn container(c: &Container) -> Self {
        Self::new("container", c.id, &c.name, format!("/containers/{}", c.id))
    }
    pub fn prefix(p: &Prefix) -> Self {
        Self::new("prefix", p.id, &p.cidr, format!("/prefixes/{}/edit", p.id))
    }
    pub fn service(s: &Service) -> Self {
        Self::new("service", s.id, &s.name, format!("/services/{}", s.id))
    }
    fn new(kind: &str, id: i64, label: &str, link: String) -> Self {
        Self {
            kind: kind.into(),
            id,
            label: label.into(),
            link,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub severity: Severity,
    /// The address, prefix or name the finding is about.
    pub subject: String,
    pub objects: Vec<PlanObject>,
    /// The form field that caused it (`addresses`, `cidr`, `dns_name`), for save warnings.
    pub field: String,
    pub explanation: String,
    pub action: String,
}

impl Finding {
    /// Stable identity across scans: one incident per key, not per scan.
    pub fn key(&self) -> String {
        let objects: Vec<String> = self
            .objects
            .iter()
            .map(|o| format!("{}:{}", o.kind, o.id))
            .collect();
        format!("{}|{}|{}", self.code, self.subject, objects.join(","))
    }

    /// Whether `kind`/`id` is among the objects concerned.
    pub fn concerns(&self, kind: &str, id: i64) -> bool {
        self.objects.iter().any(|o| o.kind == kind && o.id == id)
    }
}

/// Where a form's warnings for `field` travel among its field errors (the saved-form flash):
/// a separate key, so a warning never marks the field invalid.
pub fn warning_key(field: &str) -> String {
    format!("{WARNING_PREFIX}{field}")
}

/// Whether a form-message key is a warning (saved anyway) rather than an error.
pub fn is_warning_key(key: &str) -> bool {
    key.starts_with(WARNING_PREFIX)
}

const WARNING_PREFIX: &str = "warn:";

/// What the rules read: the whole inventory.
#[derive(Clone, Debug, Default)]
pub struct Inventory<'a> {
    pub hosts: &'a [Host],
    pub containers: &'a [Container],
    pub prefixes: &'a [Prefix],
    pub services: &'a [Service],
}

/// Every finding of the rules that need no network, in rule order.
pub fn check(inv: &Inventory) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(same::duplicate_addresses(inv));
    out.extend(same::overlapping_prefixes(inv));
    out.extend(placement::outside_parent(inv));
    out.extend(placement::outside_prefixes(inv));
    out.extend(placement::slaac_long_prefix(inv));
    out.extend(exposure::eui64_exposed(inv));
    out.extend(exposure::deprecated_range(inv));
    out.extend(exposure::not_global(inv));
    out
}

/// The addresses of hosts then containers, with the object that holds each.
pub(crate) fn owned_addresses<'a>(
    inv: &'a Inventory,
) -> impl Iterator<Item = (std::net::IpAddr, PlanObject)> + 'a {
    let hosts = inv
        .hosts
        .iter()
        .flat_map(|h| h.addresses.iter().map(move |a| (a, PlanObject::host(h))));
    let containers = inv.containers.iter().flat_map(|c| {
        c.addresses
            .iter()
            .map(move |a| (a, PlanObject::container(c)))
    });
    hosts
        .chain(containers)
        .filter_map(|(a, o)| a.address.parse().ok().map(|ip| (ip, o)))
}

#[cfg(test)]
pub(crate) mod fixtures;
