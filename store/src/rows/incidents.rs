//! Incidents, maintenance windows and sent messages as the store reads them.

use model::SubjectKind;
use serde::{Deserialize, Serialize};

/// One stored incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlite", derive(sqlx::FromRow))]
pub struct IncidentRow {
    pub id: i64,
    /// `down`, `degraded`, `flapping`, `verdict` or `latency`.
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
