//! Each host's, container's or service's state for the lists' status column: how its
//! checks did over IPv6 and IPv4 in their newest runs, the IPv6 latency, when it was last
//! checked, and (for a service) its IPv6-only verdict.

use leptos::prelude::*;
use model::{Health, SubjectKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use store::rows::CheckState;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SubjectStatus {
    /// The worst of its checks (and of its verdict).
    pub health: Option<Health>,
    /// Every newest IPv6 result passed (`None`: none yet).
    pub v6: Option<bool>,
    /// Every newest IPv4 result passed (`None`: none, or not probed over IPv4).
    pub v4: Option<bool>,
    /// The slowest newest IPv6 answer, in ms.
    pub latency_ms: Option<f64>,
    /// The newest IPv6 run, Unix ms.
    pub checked_at: Option<i64>,
}

/// Statuses by subject id.
pub type StatusMap = BTreeMap<i64, SubjectStatus>;

/// The status column's order: worst first, then the healthy, then those without checks.
pub fn by_status(a: &Option<SubjectStatus>, b: &Option<SubjectStatus>) -> std::cmp::Ordering {
    let rank = |s: &Option<SubjectStatus>| s.as_ref().map_or(5, SubjectStatus::rank);
    rank(a).cmp(&rank(b))
}

impl SubjectStatus {
    /// Sort order for the status column: worst first, subjects never checked last.
    pub fn rank(&self) -> u8 {
        match self.health {
            Some(Health::Failing) => 0,
            Some(Health::Degraded) => 1,
            Some(Health::Partial) => 2,
            Some(Health::Fine) => 3,
            Some(Health::Unknown) | None => 4,
        }
    }
}

fn all_ok(into: &mut Option<bool>, ok: Option<bool>) {
    if let Some(ok) = ok {
        *into = Some(into.unwrap_or(true) && ok);
    }
}

/// The status of every subject of `kind` that has checks, by id; a service's verdict
/// (`verdicts`: id and verdict word) counts in its health.
pub fn statuses(states: &[CheckState], kind: SubjectKind, verdicts: &[(i64, String)]) -> StatusMap {
    let mut out = StatusMap::new();
    for s in states.iter().filter(|s| s.subject_kind == kind) {
        let status = out.entry(s.subject_id).or_default();
        let health = s.health();
        status.health = Some(status.health.map_or(health, |h| h.min(health)));
        all_ok(&mut status.v6, s.v6_ok);
        all_ok(&mut status.v4, s.v4_ok);
        if let Some(ms) = s.v6_latency_ms {
            status.latency_ms = Some(status.latency_ms.map_or(ms, |m| m.max(ms)));
        }
        status.checked_at = status.checked_at.max(s.v6_at);
    }
    for (id, verdict) in verdicts {
        let health = match verdict.as_str() {
            "broken" => Health::Failing,
            "partial" => Health::Partial,
            "ready" => Health::Fine,
            _ => continue,
        };
        let status = out.entry(*id).or_default();
        status.health = Some(status.health.map_or(health, |h| h.min(health)));
    }
    out
}

/// The statuses of one kind of subject (`host`, `container`, `service`).
#[server]
pub async fn list_statuses(kind: String) -> Result<StatusMap, ServerFnError> {
    use super::context::{pool, store_error};
    let pool = pool()?;
    let kind = SubjectKind::parse(&kind).ok_or_else(|| ServerFnError::new("not found"))?;
    let states = store::health::check_states(&pool)
        .await
        .map_err(store_error)?;
    let verdicts: Vec<(i64, String)> = if kind == SubjectKind::Service {
        store::verdicts::judged_kind_badges(&pool)
            .await
            .map_err(store_error)?
            .into_iter()
            .filter_map(|b| {
                let badge = super::verdicts::ServiceBadge::from(b);
                badge.verdict.map(|v| (badge.service_id, v))
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(statuses(&states, kind, &verdicts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(id: i64, v6: Option<bool>, v4: Option<bool>, ms: Option<f64>, at: i64) -> CheckState {
        CheckState {
            check_id: id * 10 + at,
            kind: "icmp".into(),
            subject_kind: SubjectKind::Host,
            subject_id: id,
            subject_name: format!("h{id}"),
            v6_ok: v6,
            v6_reason: None,
            v6_at: v6.map(|_| at),
            v6_latency_ms: ms,
            v4_ok: v4,
            target: format!("2001:db8::{id}"),
        }
    }

    #[test]
    fn a_subject_takes_its_worst_check_and_slowest_newest_answer() {
        let states = [
            state(1, Some(true), None, Some(3.0), 5),
            state(1, Some(false), Some(true), None, 9),
            state(2, Some(true), Some(true), Some(12.5), 7),
            state(3, None, None, None, 0),
        ];
        let by_id = statuses(&states, SubjectKind::Host, &[]);
        let one = &by_id[&1];
        assert_eq!(one.health, Some(Health::Degraded));
        assert_eq!((one.v6, one.v4), (Some(false), Some(true)));
        assert_eq!((one.latency_ms, one.checked_at), (Some(3.0), Some(9)));
        assert_eq!(by_id[&2].health, Some(Health::Fine));
        assert_eq!(by_id[&3].health, Some(Health::Unknown));
        assert!(by_id[&1].rank() < by_id[&2].rank() && by_id[&2].rank() < by_id[&3].rank());
        assert!(statuses(&states, SubjectKind::Container, &[]).is_empty());
    }

    #[test]
    fn a_services_verdict_counts_in_its_health() {
        let mut broken = state(4, Some(true), Some(true), None, 1);
        broken.subject_kind = SubjectKind::Service;
        let by_id = statuses(
            &[broken],
            SubjectKind::Service,
            &[(4, "broken".into()), (5, "partial".into())],
        );
        assert_eq!(by_id[&4].health, Some(Health::Failing));
        assert_eq!(by_id[&5].health, Some(Health::Partial));
    }
}
