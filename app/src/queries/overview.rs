//! What the overview page shows: problems first, the readiness figure and its trend, tiles
//! with IPvFoo-style badges, open alerts, recent changes.

use super::alerts::IncidentRow;
use super::verdicts::{Readiness, ServiceBadge};
use leptos::prelude::*;
pub use model::Health;
use model::SubjectKind;
use model::inventory::InventoryChange;
use serde::{Deserialize, Serialize};
pub use store::rows::CheckState;

/// Counts of one kind of thing by its worst health.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    pub label: String,
    pub href: String,
    pub total: i64,
    /// False for tunnels: they have no checks of their own (a far end is a host's address).
    pub checked: bool,
    pub failing: i64,
    /// Degraded or partial.
    pub amber: i64,
    pub fine: i64,
}

impl Tile {
    /// Not yet checked (or nothing to check).
    pub fn unknown(&self) -> i64 {
        (self.total - self.failing - self.amber - self.fine).max(0)
    }

    /// The tile's badge: red "4", amber "6", green "6", or grey "?".
    pub fn health(&self) -> Health {
        if self.failing > 0 {
            Health::Failing
        } else if self.amber > 0 {
            Health::Degraded
        } else if self.fine > 0 {
            Health::Fine
        } else {
            Health::Unknown
        }
    }
}

/// Something to look at, linking to its page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub health: Health,
    pub subject_kind: SubjectKind,
    pub name: String,
    pub href: String,
    /// A probes reason code (or verdict word).
    pub reason: String,
    /// What failed, in words.
    pub what: String,
}

/// The readiness share now and at two earlier moments.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    pub day_ago: Readiness,
    pub week_ago: Readiness,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub hosts: i64,
    pub prefixes: i64,
    pub tunnels: i64,
    pub containers: i64,
    pub services: i64,
    /// Enabled checks whose newest IPv6 result failed.
    pub failing_v6: i64,
    /// Hosts, tunnels, containers, services.
    pub tiles: Vec<Tile>,
    /// Worst first.
    pub problems: Vec<Problem>,
    /// Open incidents not folded into another.
    pub open_alerts: Vec<IncidentRow>,
    pub recent: Vec<InventoryChange>,
    /// HTTP(S) services with their verdict, broken first, then partial, ready, not judged.
    pub services_by_verdict: Vec<ServiceBadge>,
    pub readiness: Readiness,
    pub trend: Trend,
    /// The self-test failed: this machine's own IPv6 may explain the problems.
    pub monitor_suspect: bool,
}

/// Problems from failing checks and from services that are not ready, worst first, then by
/// kind and name.
pub fn problems(states: &[CheckState], badges: &[ServiceBadge]) -> Vec<Problem> {
    let mut list: Vec<Problem> = states
        .iter()
        .filter(|s| matches!(s.health(), Health::Failing | Health::Degraded))
        .map(|s| Problem {
            health: s.health(),
            subject_kind: s.subject_kind,
            name: s.subject_name.clone(),
            href: format!("/{}s/{}", s.subject_kind, s.subject_id),
            reason: s.v6_reason.clone().unwrap_or_default(),
            what: if s.health() == Health::Degraded {
                format!("{} check fails over IPv6; IPv4 works", check_word(&s.kind))
            } else {
                format!("{} check fails over IPv6", check_word(&s.kind))
            },
        })
        .collect();
    list.extend(badges.iter().filter_map(|b| {
        let (health, what) = match b.verdict.as_deref() {
            Some("broken") => (Health::Failing, "IPv6-only verdict: broken"),
            Some("partial") => (
                Health::Partial,
                "IPv6-only verdict: partial (some hosts it loads from lack IPv6)",
            ),
            _ => return None,
        };
        Some(Problem {
            health,
            subject_kind: SubjectKind::Service,
            name: b.name.clone(),
            href: format!("/services/{}", b.service_id),
            reason: b
                .reason
                .clone()
                .unwrap_or_else(|| b.verdict.clone().unwrap_or_default()),
            what: what.into(),
        })
    }));
    list.sort_by(|a, b| {
        (a.health, kind_rank(a.subject_kind), a.name.to_lowercase()).cmp(&(
            b.health,
            kind_rank(b.subject_kind),
            b.name.to_lowercase(),
        ))
    });
    list
}

fn kind_rank(kind: SubjectKind) -> u8 {
    match kind {
        SubjectKind::Host => 0,
        SubjectKind::Container => 1,
        _ => 2,
    }
}

fn check_word(kind: &str) -> &'static str {
    match kind {
        "icmp" => "echo",
        "dns" => "DNS",
        "tcp" => "TCP",
        "http" => "HTTP",
        _ => "a",
    }
}

/// A tile for `subject_kind` with `total` things: each counted once, by its worst check
/// (and, for services, its verdict).
pub fn tile(
    label: &str,
    href: &str,
    subject_kind: SubjectKind,
    total: i64,
    states: &[CheckState],
    badges: &[ServiceBadge],
) -> Tile {
    use std::collections::BTreeMap;
    let mut worst: BTreeMap<i64, Health> = BTreeMap::new();
    for s in states.iter().filter(|s| s.subject_kind == subject_kind) {
        let h = s.health();
        worst
            .entry(s.subject_id)
            .and_modify(|w| *w = (*w).min(h))
            .or_insert(h);
    }
    if subject_kind == SubjectKind::Service {
        for b in badges {
            let h = match b.verdict.as_deref() {
                Some("broken") => Health::Failing,
                Some("partial") => Health::Partial,
                Some("ready") => Health::Fine,
                _ => continue,
            };
            worst
                .entry(b.service_id)
                .and_modify(|w| *w = (*w).min(h))
                .or_insert(h);
        }
    }
    let count = |f: fn(Health) -> bool| worst.values().filter(|h| f(**h)).count() as i64;
    Tile {
        label: label.into(),
        href: href.into(),
        total,
        checked: subject_kind != SubjectKind::Tunnel,
        failing: count(|h| h == Health::Failing),
        amber: count(|h| matches!(h, Health::Degraded | Health::Partial)),
        fine: count(|h| h == Health::Fine),
    }
}

/// Enabled checks whose newest IPv6 result failed (`states` holds only enabled checks).
pub fn count_failing_v6(states: &[CheckState]) -> i64 {
    states.iter().filter(|s| s.v6_ok == Some(false)).count() as i64
}

/// Unix ms now.
#[cfg(feature = "ssr")]
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[server]
pub async fn load_overview() -> Result<Overview, ServerFnError> {
    use super::context::{pool, store_error};
    use store;
    let pool = pool()?;
    let [hosts, prefixes, tunnels, containers, services] =
        store::inventory_counts(&pool).await.map_err(store_error)?;
    let recent = store::changes::recent(&pool, 15)
        .await
        .map_err(store_error)?;
    // Only HTTP(S) services are judged; the others would only ever say "not judged".
    let mut services_by_verdict: Vec<ServiceBadge> = store::verdicts::judged_kind_badges(&pool)
        .await
        .map_err(store_error)?
        .into_iter()
        .map(ServiceBadge::from)
        .collect();
    super::verdicts::worst_first(&mut services_by_verdict);
    let readiness = Readiness::of(&services_by_verdict);
    let states = store::health::check_states(&pool)
        .await
        .map_err(store_error)?;
    let failing_v6 = count_failing_v6(&states);
    let at = |ago_hours: i64| {
        let pool = pool.clone();
        async move {
            let (ready, judged) =
                store::health::readiness_at(&pool, now_ms() - ago_hours * 3_600_000)
                    .await
                    .map_err(store_error)?;
            Ok::<_, ServerFnError>(Readiness {
                ready: ready.max(0) as usize,
                judged: judged.max(0) as usize,
            })
        }
    };
    let trend = Trend {
        day_ago: at(24).await?,
        week_ago: at(24 * 7).await?,
    };
    let tiles = vec![
        tile(
            "Hosts",
            "/hosts",
            SubjectKind::Host,
            hosts,
            &states,
            &services_by_verdict,
        ),
        // A tunnel has no checks of its own: its far end is a host's echo check.
        tile(
            "Tunnels",
            "/tunnels",
            SubjectKind::Tunnel,
            tunnels,
            &states,
            &services_by_verdict,
        ),
        tile(
            "Containers",
            "/containers",
            SubjectKind::Container,
            containers,
            &states,
            &services_by_verdict,
        ),
        tile(
            "Services",
            "/services",
            SubjectKind::Service,
            services,
            &states,
            &services_by_verdict,
        ),
    ];
    let open_alerts = store::incidents::open(&pool, 20)
        .await
        .map_err(store_error)?;
    Ok(Overview {
        hosts,
        prefixes,
        tunnels,
        containers,
        services,
        failing_v6,
        tiles,
        problems: problems(&states, &services_by_verdict),
        open_alerts,
        recent,
        services_by_verdict,
        readiness,
        trend,
        monitor_suspect: super::status::monitor_suspect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(kind: &str, id: i64, name: &str, v6: Option<bool>, v4: Option<bool>) -> CheckState {
        CheckState {
            check_id: id * 10,
            kind: "icmp".into(),
            subject_kind: SubjectKind::parse(kind).unwrap(),
            subject_id: id,
            subject_name: name.into(),
            v6_ok: v6,
            v6_reason: v6.map(|ok| if ok { "ok" } else { "no_route" }.into()),
            v6_at: v6.map(|_| 1),
            v6_latency_ms: None,
            v4_ok: v4,
        }
    }

    fn badge(id: i64, name: &str, verdict: Option<&str>) -> ServiceBadge {
        ServiceBadge {
            service_id: id,
            name: name.into(),
            kind: "http".into(),
            target: "http://x.lab.test/".into(),
            verdict: verdict.map(Into::into),
            reason: (verdict == Some("broken")).then(|| "timeout".into()),
            at: Some(1),
        }
    }

    #[test]
    fn problems_come_worst_first_and_fine_things_are_left_out() {
        let states = [
            state("container", 1, "web", Some(false), Some(true)),
            state("host", 2, "pi", Some(false), None),
            state("host", 3, "nas", Some(true), Some(true)),
            state("host", 4, "new", None, None),
        ];
        let badges = [
            badge(5, "blog", Some("partial")),
            badge(6, "cloud", Some("broken")),
            badge(7, "wiki", Some("ready")),
        ];
        let list = problems(&states, &badges);
        let names: Vec<_> = list.iter().map(|p| (p.name.as_str(), p.health)).collect();
        assert_eq!(
            names,
            [
                ("pi", Health::Failing),
                ("cloud", Health::Failing),
                ("web", Health::Degraded),
                ("blog", Health::Partial),
            ]
        );
        assert_eq!(list[0].href, "/hosts/2");
        assert_eq!(list[0].reason, "no_route");
        assert_eq!(list[1].reason, "timeout");
        assert!(list[2].what.contains("IPv4 works"));
    }

    #[test]
    fn failing_over_ipv6_counts_checks_whose_newest_ipv6_result_failed() {
        let states = [
            state("host", 1, "a", Some(false), Some(true)),
            state("host", 1, "a", Some(false), None),
            state("host", 2, "b", Some(true), Some(false)),
            state("host", 3, "c", None, Some(false)),
        ];
        assert_eq!(count_failing_v6(&states), 2);
        assert_eq!(count_failing_v6(&[]), 0);
    }

    #[test]
    fn a_tile_counts_each_thing_once_by_its_worst_check_or_verdict() {
        let states = [
            state("host", 1, "a", Some(true), None),
            state("host", 1, "a", Some(false), Some(true)),
            state("host", 2, "b", Some(true), None),
            state("service", 9, "cloud", Some(true), None),
        ];
        let hosts = tile("Hosts", "/hosts", SubjectKind::Host, 3, &states, &[]);
        assert_eq!(
            (hosts.failing, hosts.amber, hosts.fine, hosts.unknown()),
            (0, 1, 1, 1)
        );
        assert_eq!(hosts.health(), Health::Degraded);
        let services = tile(
            "Services",
            "/services",
            SubjectKind::Service,
            1,
            &states,
            &[badge(9, "cloud", Some("broken"))],
        );
        assert_eq!((services.failing, services.fine), (1, 0));
        assert_eq!(services.health(), Health::Failing);
        let tunnels = tile("Tunnels", "/tunnels", SubjectKind::Tunnel, 2, &states, &[]);
        assert!(!tunnels.checked);
        assert_eq!(tunnels.health(), Health::Unknown);
    }
}
