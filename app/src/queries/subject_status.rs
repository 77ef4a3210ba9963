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

/// A tunnel's state for the tunnels list: its health from its own checks (outer endpoint,
/// far IPv6 address, path MTU), and how the hosts and containers it carries (those with an
/// address in its routed prefixes, the hosts at its ends) are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TunnelStatus {
    /// From its own checks; `None` only for a tunnel the health query did not see.
    pub own: Option<model::inventory::tunnel_health::TunnelState>,
    /// How many hosts and containers it carries.
    pub carried: usize,
    /// Their checks together: the worst state, every newest IPv6 (IPv4) result passed, the
    /// median of their newest IPv6 answers as the latency, the newest run. `None`: none of
    /// them has checks.
    pub status: Option<SubjectStatus>,
    /// The quickest newest IPv6 answer among them, in ms.
    pub best_ms: Option<f64>,
}

/// Tunnel statuses by tunnel id.
pub type TunnelStatusMap = BTreeMap<i64, TunnelStatus>;

impl TunnelStatus {
    /// Sort order for the status column: worst first, then tunnels whose hosts have no
    /// checks, then those with no hosts behind them.
    pub fn rank(&self) -> u8 {
        let carried = match (&self.status, self.carried) {
            (Some(s), _) => s.rank(),
            (None, 0) => 6,
            (None, _) => 5,
        };
        // Its own health first (0-4, unknown last), then what it carries.
        let own = self.own.map_or(4, |s| s.health.rank());
        own * 10 + carried
    }
}

/// The median of `values` (sorted in place); `None` for none.
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// Every tunnel's status from the checks of what it carries, as `links` tell.
pub fn tunnel_statuses(states: &[CheckState], links: &model::Links) -> TunnelStatusMap {
    let mut out = TunnelStatusMap::new();
    for tunnel in links.tunnels() {
        let carried = links.carried_by(tunnel);
        let mut status: Option<SubjectStatus> = None;
        let mut latencies = Vec::new();
        for s in states
            .iter()
            .filter(|s| carried.contains(&model::Subject::new(s.subject_kind, s.subject_id)))
        {
            let st = status.get_or_insert_with(SubjectStatus::default);
            let health = s.health();
            st.health = Some(st.health.map_or(health, |h| h.min(health)));
            all_ok(&mut st.v6, s.v6_ok);
            all_ok(&mut st.v4, s.v4_ok);
            st.checked_at = st.checked_at.max(s.v6_at);
            latencies.extend(s.v6_latency_ms);
        }
        let best_ms = latencies.iter().copied().reduce(f64::min);
        if let Some(st) = status.as_mut() {
            st.latency_ms = median(&mut latencies);
        }
        out.insert(
            tunnel.id,
            TunnelStatus {
                own: None,
                carried: carried.len(),
                status,
                best_ms,
            },
        );
    }
    out
}

/// The status of every tunnel.
#[server]
pub async fn list_tunnel_statuses() -> Result<TunnelStatusMap, ServerFnError> {
    use super::context::{pool, store_error};
    let pool = pool()?;
    let states = store::health::check_states(&pool)
        .await
        .map_err(store_error)?;
    let links = model::Links::build(
        &store::alert_state::link_rows(&pool)
            .await
            .map_err(store_error)?,
    );
    let mut statuses = tunnel_statuses(&states, &links);
    for (id, own) in store::tunnel_health::states(&pool)
        .await
        .map_err(store_error)?
    {
        statuses.entry(id).or_default().own = Some(own);
    }
    Ok(statuses)
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
    fn a_tunnel_is_as_well_as_what_it_carries() {
        use model::topology::{LinkRows, TunnelLink};
        let links = model::Links::build(&LinkRows {
            hosts: vec![
                (1, "a".into()),
                (2, "b".into()),
                (3, "end".into()),
                (4, "away".into()),
            ],
            containers: vec![(5, "web".into(), 4)],
            host_addresses: vec![
                (1, "2001:db8:10::1".into()),
                (2, "2001:db8:10::2".into()),
                (4, "2001:db8:99::4".into()),
            ],
            container_addresses: vec![(5, "2001:db8:10::5".into())],
            tunnels: vec![
                TunnelLink {
                    id: 7,
                    name: "he".into(),
                    routed_prefixes: "2001:db8:10::/64".into(),
                    host_id: Some(3),
                    ..TunnelLink::default()
                },
                TunnelLink {
                    id: 8,
                    name: "idle".into(),
                    routed_prefixes: "2001:db8:77::/64".into(),
                    ..TunnelLink::default()
                },
            ],
            ..LinkRows::default()
        });
        let mut web = state(5, Some(true), None, Some(9.0), 4);
        web.subject_kind = SubjectKind::Container;
        let states = [
            state(1, Some(true), Some(true), Some(2.0), 5),
            state(2, Some(false), Some(true), Some(4.0), 8),
            web,
            // Host 4 is not behind the tunnel: its answer does not count.
            state(4, Some(false), None, Some(100.0), 9),
        ];
        let by_id = tunnel_statuses(&states, &links);
        let he = &by_id[&7];
        // Hosts 1 and 2 and container 5 by their addresses, host 3 it ends on.
        assert_eq!(he.carried, 4);
        let status = he.status.as_ref().unwrap();
        assert_eq!(status.health, Some(Health::Degraded));
        assert_eq!((status.v6, status.v4), (Some(false), Some(true)));
        assert_eq!((he.best_ms, status.latency_ms), (Some(2.0), Some(4.0)));
        assert_eq!(status.checked_at, Some(8));
        let idle = &by_id[&8];
        assert_eq!((idle.carried, idle.status.is_none()), (0, true));
        assert!(he.rank() < idle.rank());
        assert_eq!(median(&mut [3.0, 1.0, 4.0, 2.0]), Some(2.5));
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
