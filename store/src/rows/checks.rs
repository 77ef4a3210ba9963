//! The newest state of each enabled check, as the overview and the lists read it.

use model::{Health, SubjectKind};
use serde::{Deserialize, Serialize};

/// An enabled check with its newest result per family (`None`: not run yet).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlite", derive(sqlx::FromRow))]
pub struct CheckState {
    pub check_id: i64,
    pub kind: String,
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    pub subject_name: String,
    pub v6_ok: Option<bool>,
    pub v6_reason: Option<String>,
    pub v6_at: Option<i64>,
    /// Of the newest IPv6 result, when it measured one.
    #[serde(default)]
    pub v6_latency_ms: Option<f64>,
    pub v4_ok: Option<bool>,
    /// What is probed, readable: the address of an echo check, a URL, a name.
    #[serde(default)]
    pub target: String,
}

impl CheckState {
    pub fn health(&self) -> Health {
        // A tunnel's path MTU probe speaks of black holes only (echoes still pass: degraded);
        // a far end that answers nothing is its echo check's failure, not a second one.
        if self.kind == "pmtu" && self.v6_ok == Some(false) {
            return match self.v6_reason.as_deref() {
                Some("pmtu_blackhole") => Health::Degraded,
                _ => Health::Unknown,
            };
        }
        match (self.v6_ok, self.v4_ok) {
            (Some(false), Some(true)) => Health::Degraded,
            (Some(false), _) => Health::Failing,
            (Some(true), _) => Health::Fine,
            (None, _) => Health::Unknown,
        }
    }
}
