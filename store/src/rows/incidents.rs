//! Incidents, maintenance windows and sent messages as the store reads them.

use model::SubjectKind;
use serde::{Deserialize, Serialize};

/// One stored incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlite", derive(sqlx::FromRow))]
pub struct IncidentRow {
    pub id: i64,
    /// `down`, `degraded`, `flapping`, `verdict`, `latency` or `never_worked`.
    pub rule: String,
    pub severity: String,
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    pub subject_name: String,
    pub check_id: Option<i64>,
    /// Unix ms.
    pub opened_at: i64,
    pub resolved_at: Option<i64>,
    pub title: String,
    pub before: String,
    pub after: String,
    /// JSON array of evidence lines.
    pub evidence: String,
    pub folded_into: Option<i64>,
    pub muted: bool,
    pub acknowledged_at: Option<i64>,
    pub acknowledged_by: Option<String>,
}

impl IncidentRow {
    pub fn evidence_lines(&self) -> Vec<String> {
        serde_json::from_str(&self.evidence).unwrap_or_default()
    }

    /// The subject's page on the dashboard (where its checks and results are).
    pub fn subject_path(&self) -> String {
        format!("/{}s/{}", self.subject_kind, self.subject_id)
    }
}

/// A maintenance window in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlite", derive(sqlx::FromRow))]
pub struct MuteRow {
    pub id: i64,
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    pub subject_name: Option<String>,
    pub until: i64,
    pub note: String,
    pub created_by: String,
}

/// A message the incident put in the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlite", derive(sqlx::FromRow))]
pub struct SentRow {
    pub kind: String,
    pub at: i64,
}

/// Where a check whose newest IPv6 result failed stands with the alerts: why an incident is
/// open or not (yet).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlite", derive(sqlx::FromRow))]
pub struct CheckStanding {
    pub check_id: i64,
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    pub subject_name: String,
    /// What is probed, readable (filled in from the stored spec).
    #[cfg_attr(feature = "sqlite", sqlx(rename = "spec"))]
    pub target: String,
    /// Unix ms of the check's oldest kept IPv6 result.
    pub first_result_at: Option<i64>,
    /// Unix ms of the first failure since the newest IPv6 success (or since the first result).
    pub failing_since: Option<i64>,
    /// Failed IPv6 runs since the newest success.
    pub fails_in_row: i64,
    /// An IPv6 success is on record (kept results or hourly rollups).
    pub ever_passed: bool,
    /// Failed runs in a row before an incident opens.
    pub fail_after: i64,
    /// The open incident that covers it: its own, or its subject's "never worked" one.
    pub incident_id: Option<i64>,
    pub incident_rule: Option<String>,
    /// A maintenance window on its subject in force until then (Unix ms).
    pub muted_until: Option<i64>,
}

impl CheckStanding {
    /// The subject's page on the dashboard.
    pub fn subject_path(&self) -> String {
        format!("/{}s/{}", self.subject_kind, self.subject_id)
    }
}
