//! The address plan: prefixes as a tree by containment, each inventory address placed in
//! the most specific prefix that holds it, and the addresses no prefix holds.

use ipnet::IpNet;
use leptos::prelude::*;
use model::domain::AddressKind;
use model::domain::listing::ListQuery;
use model::inventory::Prefix;
use model::plan_rules::Finding;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
pub use store::rows::PlacedAddress;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanNode {
    pub prefix: Prefix,
    /// 0 for top-level prefixes.
    pub depth: usize,
    pub parent: Option<String>,
    pub addresses: Vec<PlacedAddress>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Depth-first order, so indenting by depth draws the tree.
    pub nodes: Vec<PlanNode>,
    /// Routable addresses outside every declared prefix.
    pub outside: Vec<PlacedAddress>,
    /// The address-plan rules' findings (other than `outside_prefixes`, which is `outside`).
    #[serde(default)]
    pub findings: Vec<Finding>,
}

/// The most specific prefix among `nets` that contains `inner`, other than `skip`.
fn innermost(
    nets: &[(usize, IpNet)],
    contains: impl Fn(&IpNet) -> bool,
) -> Option<&(usize, IpNet)> {
    nets.iter()
        .filter(|(_, n)| contains(n))
        .max_by_key(|(_, n)| n.prefix_len())
}

pub fn build(prefixes: Vec<Prefix>, addresses: Vec<PlacedAddress>) -> Plan {
    let nets: Vec<(usize, IpNet)> = prefixes
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.net().map(|n| (i, n)))
        .collect();
    let parent_of: Vec<Option<usize>> = prefixes
        .iter()
        .map(|p| {
            let net = p.net()?;
            innermost(&nets, |n| *n != net && n.contains(&net)).map(|(i, _)| *i)
        })
        .collect();

    let mut placed: Vec<Vec<PlacedAddress>> = vec![Vec::new(); prefixes.len()];
    let mut outside = Vec::new();
    for placed_address in addresses {
        let Ok(ip) = placed_address.address.parse::<IpAddr>() else {
            continue;
        };
        match innermost(&nets, |n| n.contains(&ip)) {
            Some((i, _)) => placed[*i].push(placed_address),
            None if matches!(
                AddressKind::of(ip),
                AddressKind::LinkLocal
                    | AddressKind::Loopback
                    | AddressKind::Multicast
                    | AddressKind::Unspecified
            ) => {}
            None => outside.push(placed_address),
        }
    }

    // Depth-first walk from the roots; children in address order.
    let mut order: Vec<usize> = (0..prefixes.len()).collect();
    order.sort_by_key(|&i| {
        nets.iter()
            .find(|(j, _)| *j == i)
            .map(|(_, n)| (n.addr(), n.prefix_len()))
    });
    let mut nodes = Vec::with_capacity(prefixes.len());
    let mut stack: Vec<(usize, usize)> = order
        .iter()
        .rev()
        .filter(|&&i| parent_of[i].is_none())
        .map(|&i| (i, 0))
        .collect();
    while let Some((i, depth)) = stack.pop() {
        for &child in order.iter().rev().filter(|&&c| parent_of[c] == Some(i)) {
            stack.push((child, depth + 1));
        }
        nodes.push(PlanNode {
            prefix: prefixes[i].clone(),
            depth,
            parent: parent_of[i].map(|p| prefixes[p].cidr.clone()),
            addresses: std::mem::take(&mut placed[i]),
        });
    }
    Plan {
        nodes,
        outside,
        findings: Vec::new(),
    }
}

fn family(text: &str) -> &'static str {
    let ip = text.split('/').next().unwrap_or_default();
    if ip.contains(':') { "ipv6" } else { "ipv4" }
}

impl Plan {
    /// The prefixes (and outside addresses) the list query asks for, in tree order: search
    /// over prefix, purpose, addresses and their owners; `prefix` keeps what lies inside
    /// the asked prefix; `kind` is the family (`ipv6`, `ipv4`).
    pub fn filtered(mut self, q: &ListQuery) -> Plan {
        self.nodes.retain(|n| {
            let placed = n
                .addresses
                .iter()
                .flat_map(|a| [a.address.as_str(), a.owner.as_str()]);
            q.text_matches(
                [n.prefix.cidr.as_str(), n.prefix.purpose.as_str()]
                    .into_iter()
                    .chain(placed),
            ) && q.prefix_matches([n.prefix.cidr.as_str()])
                && q.kind_matches(family(&n.prefix.cidr))
        });
        self.outside.retain(|a| {
            q.text_matches([a.address.as_str(), a.owner.as_str()])
                && q.prefix_matches([a.address.as_str()])
                && q.kind_matches(family(&a.address))
        });
        self
    }
}

#[server]
pub async fn address_plan() -> Result<Plan, ServerFnError> {
    use super::context::{pool, store_error};
    let pool = pool()?;
    let prefixes = store::prefixes::list(&pool).await.map_err(store_error)?;
    let addresses = store::addresses::all_placed(&pool)
        .await
        .map_err(store_error)?;
    let findings = store::plan_findings::current(&pool)
        .await
        .map_err(store_error)?;
    let mut plan = build(prefixes, addresses);
    plan.findings = findings
        .into_iter()
        .filter(|f| f.code != "outside_prefixes")
        .collect();
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(id: i64, cidr: &str) -> Prefix {
        Prefix {
            id,
            cidr: cidr.into(),
            purpose: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn addr(a: &str) -> PlacedAddress {
        PlacedAddress {
            address: a.into(),
            owner: "h".into(),
            owner_link: "/hosts/1".into(),
        }
    }

    #[test]
    fn prefixes_nest_and_addresses_land_in_the_innermost() {
        let plan = build(
            vec![
                prefix(1, "2001:db8:1:10::/64"),
                prefix(2, "2001:db8:1::/48"),
                prefix(3, "fd00:1::/56"),
                prefix(4, "2001:db8:1:10::100/120"),
            ],
            vec![
                addr("2001:db8:1:10::1"),
                addr("2001:db8:1:10::105"),
                addr("2001:db8:9::1"),
                addr("fe80::1"),
                addr("2001:db8:1:20::1"),
            ],
        );
        let shape: Vec<(&str, usize, usize)> = plan
            .nodes
            .iter()
            .map(|n| (n.prefix.cidr.as_str(), n.depth, n.addresses.len()))
            .collect();
        assert_eq!(
            shape,
            [
                ("2001:db8:1::/48", 0, 1),
                ("2001:db8:1:10::/64", 1, 1),
                ("2001:db8:1:10::100/120", 2, 1),
                ("fd00:1::/56", 0, 0),
            ]
        );
        assert_eq!(plan.nodes[1].parent.as_deref(), Some("2001:db8:1::/48"));
        let outside: Vec<&str> = plan.outside.iter().map(|a| a.address.as_str()).collect();
        assert_eq!(outside, ["2001:db8:9::1"], "link-local is never flagged");
    }

    #[test]
    fn the_plan_filters_by_text_prefix_and_family_in_tree_order() {
        let mut lan = prefix(3, "2001:db8:1:10::/64");
        lan.purpose = "LAN".into();
        let plan = build(
            vec![
                prefix(1, "2001:db8:1::/48"),
                lan,
                prefix(4, "2001:db8:2::/48"),
                prefix(5, "192.0.2.0/24"),
            ],
            vec![addr("2001:db8:1:10::5"), addr("2001:db8:ff::1")],
        );
        let shown = |pairs: &[(&str, &str)]| {
            let q = ListQuery::parse(|k| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == k)
                    .map(|(_, v)| v.to_string())
            });
            let p = plan.clone().filtered(&q);
            let nodes: Vec<String> = p.nodes.into_iter().map(|n| n.prefix.cidr).collect();
            let outside: Vec<String> = p.outside.into_iter().map(|a| a.address).collect();
            (nodes, outside)
        };
        assert_eq!(shown(&[]).0.len(), 4);
        assert_eq!(shown(&[("q", "lan")]).0, ["2001:db8:1:10::/64"]);
        assert_eq!(
            shown(&[("q", "2001:db8:1:10::5")]).0,
            ["2001:db8:1:10::/64"],
            "an address placed in it finds the prefix"
        );
        assert_eq!(
            shown(&[("prefix", "2001:db8:1::/48")]).0,
            ["2001:db8:1::/48", "2001:db8:1:10::/64"]
        );
        assert_eq!(shown(&[("kind", "ipv4")]).0, ["192.0.2.0/24"]);
        assert!(shown(&[("kind", "ipv4")]).1.is_empty());
        assert_eq!(shown(&[("q", "ff::")]).1, ["2001:db8:ff::1"]);
    }
}
