//! What the detector hands back: incident changes to store and notices for the outbox.

use super::subject::Subject;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rule {
    /// Fails over IPv6, and over IPv4 too or IPv4 is not checked.
    Down,
    /// IPv6 fails while IPv4 still works.
    Degraded,
    /// Opened and resolved too often: one incident instead of a stream.
    Flapping,
    /// The IPv6-only verdict got worse or a dependency host broke.
    Verdict,
    /// The recent median latency is well above its baseline.
    Latency,
    /// Failed over IPv6 from its first result on: nothing to regress from, but a problem
    /// all the same. Opened once per subject; resolves on the first IPv6 success.
    #[serde(rename = "never_worked")]
    NeverWorked,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Down => "down",
            Rule::Degraded => "degraded",
            Rule::Flapping => "flapping",
            Rule::Verdict => "verdict",
            Rule::Latency => "latency",
            Rule::NeverWorked => "never_worked",
        }
    }

    /// Whether it says the subject is unreachable, so what sits behind it folds into it.
    pub fn is_root_cause(self) -> bool {
        matches!(
            self,
            Rule::Down | Rule::Degraded | Rule::Flapping | Rule::NeverWorked
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// A new incident, as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub id: i64,
    pub rule: Rule,
    pub severity: Severity,
    pub subject: Subject,
    pub subject_name: String,
    pub check_id: Option<i64>,
    pub opened_at: i64,
    pub title: String,
    pub before: String,
    pub after: String,
    pub evidence: Vec<String>,
    pub folded_into: Option<i64>,
    pub muted: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum IncidentChange {
    Opened(Incident),
    Resolved {
        id: i64,
        at: i64,
    },
    /// Folded into another incident, or (`into: None`) unfolded when that one resolved first.
    Folded {
        id: i64,
        into: Option<i64>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Opened,
    Resolved,
    Flapping,
}

impl NoticeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::Opened => "opened",
            NoticeKind::Resolved => "resolved",
            NoticeKind::Flapping => "flapping",
        }
    }
}

/// One outbox message.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub incident_id: i64,
    pub at: i64,
    pub kind: NoticeKind,
    pub severity: Severity,
    pub subject: Subject,
    pub title: String,
    pub body: String,
    pub details: serde_json::Value,
}

impl Notice {
    /// The incident's page on the dashboard.
    pub fn path(&self) -> String {
        format!("/alerts/{}", self.incident_id)
    }
}
