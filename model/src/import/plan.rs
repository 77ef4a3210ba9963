//! A plan: what applying a set of records would create, update, delete or leave alone,
//! worked out against the current inventory (both as [`InventoryFile`]s, so this is pure).
//! Imports merge into what exists (matched by name, then by address) and delete nothing;
//! `apply` of an inventory file replaces the records it lists and, with `prune`, deletes
//! the ones it does not.

use super::ImportError;
use super::file::{
    ChannelEntry, CheckEntry, ContainerEntry, HostEntry, InventoryFile, PrefixEntry, ServiceEntry,
    TunnelEntry,
};
use crate::domain::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};

/// One record of any kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Entry {
    Prefix(PrefixEntry),
    Host(HostEntry),
    Container(ContainerEntry),
    Tunnel(TunnelEntry),
    Service(ServiceEntry),
    Check(CheckEntry),
    Channel(ChannelEntry),
}

impl Entry {
    pub fn entity(&self) -> &'static str {
        match self {
            Entry::Prefix(_) => "prefix",
            Entry::Host(_) => "host",
            Entry::Container(_) => "container",
            Entry::Tunnel(_) => "tunnel",
            Entry::Service(_) => "service",
            Entry::Check(_) => "check",
            Entry::Channel(_) => "channel",
        }
    }

    pub fn key(&self) -> String {
        match self {
            Entry::Prefix(e) => e.key(),
            Entry::Host(e) => e.key(),
            Entry::Container(e) => e.key(),
            Entry::Tunnel(e) => e.key(),
            Entry::Service(e) => e.key(),
            Entry::Check(e) => e.key(),
            Entry::Channel(e) => e.key(),
        }
    }

    fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        let value = match self {
            Entry::Prefix(e) => serde_json::to_value(e),
            Entry::Host(e) => serde_json::to_value(e),
            Entry::Container(e) => serde_json::to_value(e),
            Entry::Tunnel(e) => serde_json::to_value(e),
            Entry::Service(e) => serde_json::to_value(e),
            Entry::Check(e) => serde_json::to_value(e),
            Entry::Channel(e) => serde_json::to_value(e),
        };
        match value {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Delete,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Delete => "delete",
        }
    }

    /// The diff mark a row is printed with.
    pub fn mark(self) -> char {
        match self {
            Action::Create => '+',
            Action::Update => '~',
            Action::Unchanged => '=',
            Action::Delete => '-',
        }
    }
}

/// One record's fate: `before` is what is stored now, `after` what will be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    pub action: Action,
    pub before: Option<Entry>,
    pub after: Option<Entry>,
    /// How an update found its record when the name did not match (`address 2001:db8::5`).
    pub matched_by: Option<String>,
}

impl PlanRow {
    fn entry(&self) -> Option<&Entry> {
        self.after.as_ref().or(self.before.as_ref())
    }

    pub fn entity(&self) -> &'static str {
        self.entry().map_or("", Entry::entity)
    }

    /// The record's key after the change (before it, for a delete).
    pub fn key(&self) -> String {
        self.entry().map(Entry::key).unwrap_or_default()
    }

    /// Stable across two plans of the same input: what the preview's checkboxes carry.
    pub fn id(&self) -> String {
        format!("{} {}", self.entity(), self.key())
    }

    /// `field: old → new` for each field an update changes.
    pub fn changes(&self) -> Vec<String> {
        let (Some(before), Some(after)) = (&self.before, &self.after) else {
            return Vec::new();
        };
        let (old, new) = (before.fields(), after.fields());
        let mut changes: Vec<String> = new
            .iter()
            .filter(|(field, value)| old.get(*field) != Some(value))
            .map(|(field, value)| {
                let was = old.get(field).cloned().unwrap_or(serde_json::Value::Null);
                format!("{field}: {was} → {value}")
            })
            .collect();
        // Secrets are never shown, not even in a diff: only that they change.
        if let Entry::Channel(c) = after {
            for (field, given) in [
                ("url", c.url.is_some()),
                ("secret", c.secret.is_some()),
                ("password", c.password.is_some()),
            ] {
                if given {
                    changes.push(format!("{field}: replaced (secret)"));
                }
            }
        }
        changes
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub rows: Vec<PlanRow>,
}

impl Plan {
    pub fn count(&self, action: Action) -> usize {
        self.rows.iter().filter(|r| r.action == action).count()
    }

    /// Whether applying it would change nothing.
    pub fn is_noop(&self) -> bool {
        self.rows.iter().all(|r| r.action == Action::Unchanged)
    }

    /// Only the rows whose [`PlanRow::id`] was chosen (unchosen changes are left out).
    pub fn select(self, ids: &HashSet<String>) -> Plan {
        Plan {
            rows: self
                .rows
                .into_iter()
                .filter(|r| r.action == Action::Unchanged || ids.contains(&r.id()))
                .collect(),
        }
    }

    /// The diff as printed by the command line: one line per record, changes indented.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            out.push_str(&format!(
                "{} {} {}",
                row.action.mark(),
                row.entity(),
                row.key()
            ));
            if let Some(by) = &row.matched_by {
                out.push_str(&format!(" (matched by {by})"));
            }
            out.push('\n');
            for change in row.changes() {
                out.push_str(&format!("    {change}\n"));
            }
        }
        out.push_str(&format!(
            "{} to create, {} to update, {} to delete, {} unchanged\n",
            self.count(Action::Create),
            self.count(Action::Update),
            self.count(Action::Delete),
            self.count(Action::Unchanged)
        ));
        out
    }
}

/// How desired records meet the stored ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// An import: records merge into those they match (a host's addresses and tags are
    /// added, never removed; a container's addresses and ports are the runtime's, see
    /// [`plan`]); nothing is deleted.
    Merge,
    /// An inventory file: the records it lists are replaced whole; with `prune`, stored
    /// records it does not list are deleted.
    Replace { prune: bool },
}

fn place(section: &str, index: usize, key: &str, errors: &FieldErrors) -> ImportError {
    let detail = errors
        .0
        .iter()
        .map(|(field, message)| format!("{field}: {message}"))
        .collect::<Vec<_>>()
        .join("; ");
    ImportError::new(format!("{section}[{index}] ({key})"), detail)
}

fn union(into: &mut Vec<String>, more: &[String]) {
    for item in more {
        if !into.contains(item) {
            into.push(item.clone());
        }
    }
}

fn row(before: Option<Entry>, after: Entry, matched_by: Option<String>) -> PlanRow {
    let action = match &before {
        None => Action::Create,
        Some(b) if *b == after => Action::Unchanged,
        Some(_) => Action::Update,
    };
    PlanRow {
        action,
        before,
        after: Some(after),
        matched_by,
    }
}

/// Canonicalises every desired entry with the forms' validation; the first error names
/// its section, index and key.
fn canonical(desired: &InventoryFile) -> Result<InventoryFile, ImportError> {
    fn each<T>(
        section: &str,
        items: &[T],
        key: impl Fn(&T) -> String,
        canon: impl Fn(&T) -> Result<T, FieldErrors>,
    ) -> Result<Vec<T>, ImportError> {
        let mut out = Vec::with_capacity(items.len());
        let mut keys = HashSet::new();
        for (index, item) in items.iter().enumerate() {
            let item = canon(item).map_err(|e| place(section, index, &key(item), &e))?;
            if !keys.insert(key(&item)) {
                return Err(ImportError::new(
                    format!("{section}[{index}] ({})", key(&item)),
                    "listed twice",
                ));
            }
            out.push(item);
        }
        Ok(out)
    }
    let checks = each(
        "checks",
        &desired.checks,
        CheckEntry::key,
        |c: &CheckEntry| c.validate().map(|()| c.clone()),
    )?;
    Ok(InventoryFile {
        v6watch: desired.v6watch,
        prefixes: each(
            "prefixes",
            &desired.prefixes,
            PrefixEntry::key,
            PrefixEntry::canonical,
        )?,
        hosts: each(
            "hosts",
            &desired.hosts,
            HostEntry::key,
            HostEntry::canonical,
        )?,
        containers: each(
            "containers",
            &desired.containers,
            ContainerEntry::key,
            ContainerEntry::canonical,
        )?,
        tunnels: each(
            "tunnels",
            &desired.tunnels,
            TunnelEntry::key,
            TunnelEntry::canonical,
        )?,
        services: each(
            "services",
            &desired.services,
            ServiceEntry::key,
            ServiceEntry::canonical,
        )?,
        checks,
        channels: each(
            "channels",
            &desired.channels,
            ChannelEntry::key,
            ChannelEntry::canonical,
        )?,
    })
}

/// Works out the plan of making `current` hold `desired`.
pub fn plan(
    current: &InventoryFile,
    desired: &InventoryFile,
    mode: Mode,
) -> Result<Plan, ImportError> {
    if desired.v6watch != super::file::FORMAT_VERSION {
        return Err(ImportError::new(
            "v6watch",
            format!(
                "this is format version {}; this v6watch reads version {}",
                desired.v6watch,
                super::file::FORMAT_VERSION
            ),
        ));
    }
    let desired = canonical(desired)?;
    let merge = mode == Mode::Merge;
    let mut rows = Vec::new();

    for p in &desired.prefixes {
        let before = current.prefixes.iter().find(|c| c.cidr == p.cidr);
        let mut after = p.clone();
        if let (true, Some(b)) = (merge, before)
            && after.purpose.is_empty()
        {
            after.purpose = b.purpose.clone();
        }
        rows.push(row(
            before.cloned().map(Entry::Prefix),
            Entry::Prefix(after),
            None,
        ));
    }

    // Hosts: by name, then (imports) by any shared address. A renamed match keeps its name.
    let mut host_names = Vec::new(); // (desired name, stored name)
    for h in &desired.hosts {
        let by_name = current.hosts.iter().find(|c| c.name == h.name);
        let by_address = (merge && by_name.is_none())
            .then(|| {
                current.hosts.iter().find_map(|c| {
                    h.addresses
                        .iter()
                        .find(|a| c.addresses.contains(a))
                        .map(|a| (c, a.clone()))
                })
            })
            .flatten();
        let before = by_name.or(by_address.as_ref().map(|(c, _)| *c));
        let after = match (merge, before) {
            (true, Some(b)) => {
                let mut m = b.clone();
                union(&mut m.addresses, &h.addresses);
                union(&mut m.tags, &h.tags);
                if h.dns_name.is_some() {
                    m.dns_name = h.dns_name.clone();
                }
                if !h.notes.is_empty() {
                    m.notes = h.notes.clone();
                }
                m
            }
            _ => h.clone(),
        };
        host_names.push((h.name.clone(), after.name.clone()));
        rows.push(row(
            before.cloned().map(Entry::Host),
            Entry::Host(after),
            by_address.map(|(_, a)| format!("address {a}")),
        ));
    }
    let stored_host = |name: &str| {
        host_names
            .iter()
            .find(|(d, _)| d == name)
            .map_or(name.to_string(), |(_, s)| s.clone())
    };
    // What records may refer to: the stored ones stay unless pruned.
    let pruning = mode == Mode::Replace { prune: true };
    let known_hosts: BTreeSet<String> = current
        .hosts
        .iter()
        .filter(|_| !pruning)
        .map(|h| h.name.clone())
        .chain(host_names.iter().map(|(_, s)| s.clone()))
        .collect();

    let mut container_keys: BTreeSet<String> = current
        .containers
        .iter()
        .filter(|_| !pruning)
        .map(ContainerEntry::key)
        .collect();
    for (index, c) in desired.containers.iter().enumerate() {
        let mut c = c.clone();
        c.host = stored_host(&c.host);
        if !known_hosts.contains(&c.host) {
            return Err(ImportError::new(
                format!("containers[{index}] ({})", c.key()),
                format!("host: there is no host named '{}'", c.host),
            ));
        }
        let on_host = || current.containers.iter().filter(|s| s.host == c.host);
        let by_name = on_host().find(|s| s.name == c.name);
        let by_address = (merge && by_name.is_none())
            .then(|| {
                on_host().find_map(|s| {
                    c.addresses
                        .iter()
                        .find(|a| s.addresses.contains(a))
                        .map(|a| (s, a.clone()))
                })
            })
            .flatten();
        let before = by_name.or(by_address.as_ref().map(|(s, _)| *s));
        let after = match (merge, before) {
            (true, Some(b)) => {
                let mut m = b.clone();
                m.runtime = c.runtime.clone();
                m.network_mode = c.network_mode.clone();
                // The runtime knows a running container's addresses and ports: they replace
                // the stored ones, so an address it gave up is not probed (and alerted on)
                // forever. A stopped container reports none: what is stored stays.
                if !c.addresses.is_empty() {
                    m.addresses = c.addresses.clone();
                    m.published_ports = c.published_ports.clone();
                }
                if !c.notes.is_empty() {
                    m.notes = c.notes.clone();
                }
                m
            }
            _ => c.clone(),
        };
        container_keys.insert(after.key());
        rows.push(row(
            before.cloned().map(Entry::Container),
            Entry::Container(after),
            by_address.map(|(_, a)| format!("address {a}")),
        ));
    }

    for (index, t) in desired.tunnels.iter().enumerate() {
        if let Some(host) = &t.host
            && !known_hosts.contains(host)
        {
            return Err(ImportError::new(
                format!("tunnels[{index}] ({})", t.key()),
                format!("host: there is no host named '{host}'"),
            ));
        }
        let before = current.tunnels.iter().find(|c| c.name == t.name);
        rows.push(row(
            before.cloned().map(Entry::Tunnel),
            Entry::Tunnel(t.clone()),
            None,
        ));
    }

    for (index, s) in desired.services.iter().enumerate() {
        let owner_known = match &s.container {
            Some(c) => container_keys.contains(&format!("{}/{c}", s.host)),
            None => known_hosts.contains(&s.host),
        };
        if !owner_known {
            return Err(ImportError::new(
                format!("services[{index}] ({})", s.key()),
                "owner: there is no such host or container",
            ));
        }
        let before = current.services.iter().find(|c| c.key() == s.key());
        rows.push(row(
            before.cloned().map(Entry::Service),
            Entry::Service(s.clone()),
            None,
        ));
    }

    for c in &desired.checks {
        let before = current.checks.iter().find(|s| s.key() == c.key());
        rows.push(row(
            before.cloned().map(Entry::Check),
            Entry::Check(c.clone()),
            None,
        ));
    }

    for (index, c) in desired.channels.iter().enumerate() {
        let before = current.channels.iter().find(|s| s.name == c.name);
        let at = || format!("channels[{index}] ({})", c.key());
        if c.kind == "webhook" && c.url.is_none() {
            match before {
                None => {
                    return Err(ImportError::new(
                        at(),
                        "url: a new webhook channel needs its URL (exports leave it out: it is \
                         a secret); give url, or url_env with v6watch apply",
                    ));
                }
                Some(b) if b.kind != "webhook" => {
                    return Err(ImportError::new(
                        at(),
                        "url: a channel turned into a webhook needs its URL",
                    ));
                }
                Some(b) if !c.destination.is_empty() && b.destination != c.destination => {
                    return Err(ImportError::new(
                        at(),
                        format!(
                            "destination: the stored webhook posts to {}; to change where it \
                             posts, give its url (the destination is only shown)",
                            b.destination
                        ),
                    ));
                }
                _ => {}
            }
        }
        let mut after = c.clone();
        if let Some(b) = before
            && after.url.is_none()
        {
            // The stored URL stays, so does the origin an export shows of it.
            after.destination = b.destination.clone();
        }
        rows.push(row(
            before.cloned().map(Entry::Channel),
            Entry::Channel(after),
            None,
        ));
    }

    if let Mode::Replace { prune: true } = mode {
        let keys: HashSet<(String, &str)> = rows.iter().map(|r| (r.key(), r.entity())).collect();
        let gone = |entry: Entry| {
            (!keys.contains(&(entry.key(), entry.entity()))).then_some(PlanRow {
                action: Action::Delete,
                before: Some(entry),
                after: None,
                matched_by: None,
            })
        };
        // Dependents first: services, tunnels, containers, hosts, prefixes.
        let mut deletes: Vec<PlanRow> = Vec::new();
        deletes.extend(
            current
                .channels
                .iter()
                .cloned()
                .map(Entry::Channel)
                .filter_map(&gone),
        );
        deletes.extend(
            current
                .services
                .iter()
                .cloned()
                .map(Entry::Service)
                .filter_map(&gone),
        );
        deletes.extend(
            current
                .tunnels
                .iter()
                .cloned()
                .map(Entry::Tunnel)
                .filter_map(&gone),
        );
        deletes.extend(
            current
                .containers
                .iter()
                .cloned()
                .map(Entry::Container)
                .filter_map(&gone),
        );
        deletes.extend(
            current
                .hosts
                .iter()
                .cloned()
                .map(Entry::Host)
                .filter_map(&gone),
        );
        deletes.extend(
            current
                .prefixes
                .iter()
                .cloned()
                .map(Entry::Prefix)
                .filter_map(&gone),
        );
        rows.extend(deletes);
    }
    Ok(Plan { rows })
}
