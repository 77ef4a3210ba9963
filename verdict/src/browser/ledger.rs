//! What the proxy saw, per host and port: how the host was reached over IPv6 (or why not),
//! how many connections the page opened to it and how many bytes went through them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use probes::PathRecord;
use serde::{Deserialize, Serialize};

/// One host and port as the proxy saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostEntry {
    /// The first connection's record: how the name was resolved (AAAA only), which addresses
    /// were tried and how each went. A failure is kept, and later requests for the same host
    /// and port are refused with it at once, so one page gets one answer per host.
    pub record: PathRecord,
    pub connections: u32,
    /// Bytes relayed through its `CONNECT` tunnels, both ways.
    pub bytes: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    hosts: BTreeMap<(String, u16), HostEntry>,
    /// Connections refused because the page reached the proxy's connection limit.
    pub capped: u32,
}

/// What a new connection to a host should do.
pub(super) enum Opened {
    /// Connect (first time, or the host worked before).
    Go,
    /// Refused before: refuse again with the same record.
    Failed(PathRecord),
    /// Over the connection limit.
    Capped,
}

impl Ledger {
    /// Every host and port seen, sorted by host.
    pub fn hosts(&self) -> impl Iterator<Item = &HostEntry> {
        self.hosts.values()
    }

    pub fn get(&self, host: &str, port: u16) -> Option<&HostEntry> {
        self.hosts.get(&(host.to_string(), port))
    }

    fn connections(&self) -> u32 {
        self.hosts.values().map(|h| h.connections).sum()
    }

    pub(super) fn opening(&mut self, host: &str, port: u16, max_connections: u32) -> Opened {
        if let Some(entry) = self.hosts.get_mut(&(host.to_string(), port))
            && !entry.record.reason.is_ok()
        {
            entry.connections = entry.connections.saturating_add(1);
            return Opened::Failed(entry.record.clone());
        }
        if self.connections() >= max_connections {
            self.capped = self.capped.saturating_add(1);
            return Opened::Capped;
        }
        Opened::Go
    }

    pub(super) fn record(&mut self, record: PathRecord) {
        let key = (record.host.clone(), record.port);
        let entry = self.hosts.entry(key).or_insert_with(|| HostEntry {
            record: record.clone(),
            connections: 0,
            bytes: 0,
        });
        entry.connections = entry.connections.saturating_add(1);
        // A host that worked once and fails later keeps the failure: the page saw it.
        if entry.record.reason.is_ok() && !record.reason.is_ok() {
            entry.record = record;
        }
    }

    pub(super) fn add_bytes(&mut self, host: &str, port: u16, bytes: u64) {
        if let Some(entry) = self.hosts.get_mut(&(host.to_string(), port)) {
            entry.bytes = entry.bytes.saturating_add(bytes);
        }
    }
}

/// Bytes a page may still move through the proxy, shared by all its tunnels.
#[derive(Debug)]
pub(super) struct Budget(AtomicU64);

impl Budget {
    pub(super) fn new(bytes: u64) -> Budget {
        Budget(AtomicU64::new(bytes))
    }

    pub(super) fn left(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Takes `n` bytes; false (and nothing taken) when fewer are left.
    pub(super) fn take(&self, n: u64) -> bool {
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(n)
            })
            .is_ok()
    }
}
