//! What the detector observes: probe runs (a check's IPv6 and IPv4 results of one run) and
//! verdict changes of services.

use model::Family;
use verdict::{Verdict, VerdictChange};

/// One family's result of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub ok: bool,
    /// The probe stage's reason code.
    pub reason: String,
    pub address: Option<String>,
    pub latency_ms: Option<f64>,
}

/// One probe run of a check.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub check_id: i64,
    /// Unix ms.
    pub at: i64,
    pub v6: Option<Sample>,
    pub v4: Option<Sample>,
}

/// One stored result row, as read in id order.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRow {
    pub check_id: i64,
    pub at: i64,
    pub family: Family,
    pub sample: Sample,
}

/// Pairs the IPv6 and IPv4 rows of each run (stored together, with the same time).
pub fn group_runs(rows: Vec<ResultRow>) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for row in rows {
        let same = runs.last_mut().filter(|r| {
            r.check_id == row.check_id && r.at == row.at && {
                let slot = match row.family {
                    Family::V6 => &r.v6,
                    Family::V4 => &r.v4,
                };
                slot.is_none()
            }
        });
        let run = match same {
            Some(run) => run,
            None => {
                runs.push(Run {
                    check_id: row.check_id,
                    at: row.at,
                    v6: None,
                    v4: None,
                });
                let last = runs.len() - 1;
                &mut runs[last]
            }
        };
        match row.family {
            Family::V6 => run.v6 = Some(row.sample),
            Family::V4 => run.v4 = Some(row.sample),
        }
    }
    runs
}

/// One row of `verdict_events`.
#[derive(Clone, Debug, PartialEq)]
pub struct VerdictObservation {
    pub service_id: i64,
    pub at: i64,
    /// `None` for the service's first verdict.
    pub before: Option<Verdict>,
    pub after: Verdict,
    pub changes: Vec<VerdictChange>,
    /// The service's addresses after the change (from the report), for the evidence.
    pub addresses: Vec<String>,
}

/// A maintenance window: incidents of the subject (and what sits behind it) are recorded
/// but not sent until `until` (Unix ms).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mute {
    pub subject: super::subject::Subject,
    pub until: i64,
}

/// Worse is larger: ready < partial < broken.
pub fn rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Ready => 0,
        Verdict::Partial => 1,
        Verdict::Broken => 2,
    }
}
