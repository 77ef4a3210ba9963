//! The detector's persisted state: streaks per check, verdict baselines per service, and the
//! open incidents. Stored as JSON in `alert_state` with the read cursors.

use super::incident::{Rule, Severity};
use super::subject::Subject;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// The id the next incident gets.
    pub next_incident: i64,
    pub checks: BTreeMap<i64, CheckStreak>,
    pub services: BTreeMap<i64, ServiceState>,
    pub open: BTreeMap<i64, OpenIncident>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckStreak {
    pub fails: u32,
    pub passes: u32,
    /// Only a check that has passed can regress; one that never has gets one "never worked"
    /// incident instead.
    pub seen_ok: bool,
    /// The store was asked whether the check passed over IPv6 before the detector saw it
    /// (results older than the detector's first read, or from before an upgrade).
    pub history_read: bool,
    /// The open "never worked" incident this check is part of (one per subject: the other
    /// checks of the subject that never worked join it).
    pub never_worked: Option<i64>,
    /// Past the failure threshold and not yet recovered.
    pub failing: bool,
    /// Whether IPv4 worked on the newest run.
    pub v4_ok: Option<bool>,
    /// The open down/degraded incident.
    pub incident: Option<i64>,
    /// Times of the opens and resolves within the flapping window.
    pub transitions: Vec<i64>,
    pub flapping: Option<i64>,
    pub latency: LatencyState,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LatencyState {
    pub recent: Vec<f64>,
    pub baseline: Vec<f64>,
    pub incident: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceState {
    pub incident: Option<i64>,
    /// The verdict before the open incident's first worsening (as `ready`...).
    pub baseline: Option<verdict::Verdict>,
    /// Dependency hosts that broke during the open incident and have not recovered.
    pub broken_hosts: Vec<String>,
    /// The open "never worked" incident of a service whose first verdict was broken (shared
    /// with its checks that never passed).
    pub never_worked: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenIncident {
    pub subject: Subject,
    pub rule: Rule,
    pub severity: Severity,
    pub check_id: Option<i64>,
    pub opened_at: i64,
    pub title: String,
    pub folded_into: Option<i64>,
    pub muted: bool,
    /// Its "opened" notice went out.
    pub notified: bool,
    /// Not sent before this time (Unix ms), to let a root cause fold it in first.
    pub notify_after: i64,
    pub body: String,
    pub details: serde_json::Value,
}
