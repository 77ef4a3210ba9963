//! What the overview page shows: problems first, the readiness figure and its trend, tiles
//! with IPvFoo-style badges, open alerts, recent changes.

use super::alerts::IncidentRow;
use super::verdicts::{Readiness, ServiceBadge};
use leptos::prelude::*;
pub use model::Health;
use model::SubjectKind;
use model::inventory::InventoryChange;
use model::topology::{Links, Subject};
use serde::{Deserialize, Serialize};
pub use store::rows::CheckState;

/// Each tunnel's health from its own checks, by id.
pub type TunnelStates =
    std::collections::BTreeMap<i64, model::inventory::tunnel_health::TunnelState>;

/// Counts of one kind of thing by its worst health.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    pub label: String,
    pub href: String,
    pub total: i64,
    /// False when the kind has nothing to check.
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

/// Something to look at, linking to its page: one subject per row, with what sits behind
/// it and fails because it does nested in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Its worst state.
    pub health: Health,
    pub subject_kind: SubjectKind,
    pub name: String,
    pub href: String,
    /// What failed, in words: a host's failing addresses with their reason
    /// ("2001:db8::10, 2001:db8::11 — timeout"), a service's check outcome.
    pub what: String,
    /// A service's IPv6-only verdict with its reason, in words.
    pub verdict: Option<String>,
    /// Failing things its failure explains, worst first.
    pub nested: Vec<Problem>,
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

/// Problems from failing checks and from services that are not ready, grouped by subject
/// and root cause: one row per host or container naming its failing addresses, a service's
/// check and verdict in one row, each nested under the nearest failing thing it sits behind
/// (its container, its host, a tunnel routing its addresses) as `links` tell, the links the
/// alert stage folds incidents by. A tunnel fails when the echo check of its far end does,
/// or when at least two checked hosts or containers behind it all fail (with one, its own
/// failure explains it as well). Worst first, then by kind (root causes first) and name.
pub fn problems(
    states: &[CheckState],
    badges: &[ServiceBadge],
    links: &Links,
    tunnels: &TunnelStates,
) -> Vec<Problem> {
    use std::collections::{BTreeMap, BTreeSet};
    // Each check's states go to their subject: a far-end echo check is its tunnel's.
    let mut checks: BTreeMap<Subject, Vec<&CheckState>> = BTreeMap::new();
    for s in states {
        let echo = (s.kind == "icmp").then(|| s.target.parse().ok()).flatten();
        let subject = links.check_subject(s.subject_kind, s.subject_id, echo);
        checks.entry(subject).or_default().push(s);
    }
    let verdicts: BTreeMap<i64, &ServiceBadge> = badges.iter().map(|b| (b.service_id, b)).collect();
    let failing = |s: &&CheckState| matches!(s.health(), Health::Failing | Health::Degraded);

    let mut rows: BTreeMap<Subject, Problem> = BTreeMap::new();
    let row = |subject: Subject, health: Health, what: String, verdict: Option<String>| Problem {
        health,
        subject_kind: subject.kind,
        name: checks
            .get(&subject)
            .and_then(|c| c.first())
            .map(|c| c.subject_name.clone())
            .filter(|n| !n.is_empty() && subject.kind != SubjectKind::Tunnel)
            .unwrap_or_else(|| links.name(subject)),
        href: subject.path(),
        what,
        verdict,
        nested: Vec::new(),
    };
    for (subject, list) in &checks {
        let bad: Vec<&CheckState> = list.iter().copied().filter(failing).collect();
        let verdict = (subject.kind == SubjectKind::Service)
            .then(|| verdicts.get(&subject.id))
            .flatten()
            .and_then(|b| verdict_problem(b));
        if bad.is_empty() && verdict.is_none() {
            continue;
        }
        let mut health = bad.iter().map(|s| s.health()).min().unwrap_or(Health::Fine);
        if let Some((h, _)) = &verdict {
            health = health.min(*h);
        }
        let what = match subject.kind {
            SubjectKind::Service => service_outcome(list),
            SubjectKind::Tunnel => format!("far end {}", failing_targets(&bad)),
            _ => failing_targets(&bad),
        };
        rows.insert(
            *subject,
            row(*subject, health, what, verdict.map(|(_, v)| v)),
        );
    }
    // Services judged but without checks of their own.
    for b in badges {
        let subject = Subject::new(SubjectKind::Service, b.service_id);
        if rows.contains_key(&subject) || checks.contains_key(&subject) {
            continue;
        }
        if let Some((health, verdict)) = verdict_problem(b) {
            let mut p = row(subject, health, "no check of its own".into(), Some(verdict));
            p.name = b.name.clone();
            rows.insert(subject, p);
        }
    }
    // A tunnel whose own checks say it is down or degraded: what it carries nests under it.
    for (id, state) in tunnels {
        use model::inventory::tunnel_health::TunnelHealth;
        let health = match state.health {
            TunnelHealth::Down | TunnelHealth::EndpointDown => Health::Failing,
            TunnelHealth::Degraded => Health::Degraded,
            TunnelHealth::Up | TunnelHealth::Unknown => continue,
        };
        let tunnel = Subject::new(SubjectKind::Tunnel, *id);
        let what = format!("{}: {}", state.health.label(), state.health.meaning());
        match rows.get_mut(&tunnel) {
            Some(p) => {
                p.health = p.health.min(health);
                p.what = format!("{what}; {}", p.what);
            }
            None => {
                rows.insert(tunnel, row(tunnel, health, what, None));
            }
        }
    }
    // A tunnel whose hosts behind it all fail.
    for tunnel in links.tunnels() {
        if rows.contains_key(&tunnel) {
            continue;
        }
        let checked: Vec<Subject> = links
            .behind(tunnel)
            .into_iter()
            .filter(|s| matches!(s.kind, SubjectKind::Host | SubjectKind::Container))
            .filter(|s| {
                checks
                    .get(s)
                    .is_some_and(|c| c.iter().any(|c| c.v6_ok.is_some()))
            })
            .collect();
        if checked.len() >= 2 && checked.iter().all(|s| rows.contains_key(s)) {
            let health = checked
                .iter()
                .map(|s| rows[s].health)
                .max()
                .unwrap_or(Health::Failing);
            let what = format!(
                "all {} hosts and containers behind it fail over IPv6",
                checked.len()
            );
            rows.insert(tunnel, row(tunnel, health, what, None));
        }
    }
    // Nest each row under the nearest failing thing it sits behind.
    let parent: BTreeMap<Subject, Subject> = rows
        .keys()
        .filter_map(|s| {
            links
                .ancestors(*s)
                .into_iter()
                .find(|a| rows.contains_key(a))
                .map(|a| (*s, a))
        })
        .collect();
    fn assemble(
        subject: Subject,
        rows: &mut BTreeMap<Subject, Problem>,
        children: &BTreeMap<Subject, BTreeSet<Subject>>,
    ) -> Option<Problem> {
        let mut p = rows.remove(&subject)?;
        for child in children.get(&subject).into_iter().flatten() {
            if let Some(c) = assemble(*child, rows, children) {
                p.nested.push(c);
            }
        }
        sort_problems(&mut p.nested);
        Some(p)
    }
    let mut children: BTreeMap<Subject, BTreeSet<Subject>> = BTreeMap::new();
    for (child, parent) in &parent {
        children.entry(*parent).or_default().insert(*child);
    }
    let roots: Vec<Subject> = rows
        .keys()
        .filter(|s| !parent.contains_key(s))
        .copied()
        .collect();
    let mut list: Vec<Problem> = roots
        .into_iter()
        .filter_map(|s| assemble(s, &mut rows, &children))
        .collect();
    sort_problems(&mut list);
    list
}

fn sort_problems(list: &mut [Problem]) {
    list.sort_by(|a, b| {
        (a.health, a.subject_kind, a.name.to_lowercase()).cmp(&(
            b.health,
            b.subject_kind,
            b.name.to_lowercase(),
        ))
    });
}

/// A verdict that is a problem: its health and its words with the reason.
fn verdict_problem(b: &ServiceBadge) -> Option<(Health, String)> {
    match b.verdict.as_deref() {
        Some("broken") => Some((
            Health::Failing,
            match &b.reason {
                Some(reason) => format!("IPv6-only verdict: broken — {reason}"),
                None => "IPv6-only verdict: broken".into(),
            },
        )),
        Some("partial") => Some((
            Health::Partial,
            "IPv6-only verdict: partial (some hosts it loads from lack IPv6)".into(),
        )),
        _ => None,
    }
}

/// The failing checks' targets grouped by reason: "2001:db8::10, 2001:db8::11 — timeout",
/// with "(IPv4 works)" after those that still answer over IPv4.
fn failing_targets(bad: &[&CheckState]) -> String {
    let mut groups: Vec<((String, bool), Vec<String>)> = Vec::new();
    for s in bad {
        let key = (
            s.v6_reason.clone().unwrap_or_default(),
            s.health() == Health::Degraded,
        );
        let target = if s.target.is_empty() {
            format!("{} check", check_word(&s.kind))
        } else {
            s.target.clone()
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, targets)) => targets.push(target),
            None => groups.push((key, vec![target])),
        }
    }
    groups
        .into_iter()
        .map(|((reason, v4_works), targets)| {
            let mut text = targets.join(", ");
            if !reason.is_empty() {
                text.push_str(&format!(" — {reason}"));
            }
            if v4_works {
                text.push_str(" (IPv4 works)");
            }
            text
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A service's checks in words: "HTTP check fails over IPv6 — timeout", "HTTP check passes
/// over IPv6".
fn service_outcome(checks: &[&CheckState]) -> String {
    checks
        .iter()
        .map(|s| {
            let word = check_word(&s.kind);
            match (s.health(), s.v6_reason.as_deref()) {
                (Health::Failing | Health::Degraded, reason) => {
                    let mut text = format!("{word} check fails over IPv6");
                    if let Some(reason) = reason.filter(|r| !r.is_empty()) {
                        text.push_str(&format!(" — {reason}"));
                    }
                    if s.health() == Health::Degraded {
                        text.push_str(" (IPv4 works)");
                    }
                    text
                }
                (Health::Unknown, _) => format!("{word} check not run yet"),
                _ => format!("{word} check passes over IPv6"),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
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
        checked: true,
        failing: count(|h| h == Health::Failing),
        amber: count(|h| matches!(h, Health::Degraded | Health::Partial)),
        fine: count(|h| h == Health::Fine),
    }
}

/// The tunnels tile, from each tunnel's health (its own checks): down and endpoint down
/// are failing, degraded is amber, up is fine.
pub fn tunnel_tile(total: i64, states: &TunnelStates) -> Tile {
    use model::inventory::tunnel_health::TunnelHealth;
    let count =
        |f: fn(TunnelHealth) -> bool| states.values().filter(|s| f(s.health)).count() as i64;
    Tile {
        label: "Tunnels".into(),
        href: "/tunnels".into(),
        total,
        checked: true,
        failing: count(|h| matches!(h, TunnelHealth::Down | TunnelHealth::EndpointDown)),
        amber: count(|h| h == TunnelHealth::Degraded),
        fine: count(|h| h == TunnelHealth::Up),
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
    let links = Links::build(
        &store::alert_state::link_rows(&pool)
            .await
            .map_err(store_error)?,
    );
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
    let tunnel_states = store::tunnel_health::states(&pool)
        .await
        .map_err(store_error)?;
    let tiles = vec![
        tile(
            "Hosts",
            "/hosts",
            SubjectKind::Host,
            hosts,
            &states,
            &services_by_verdict,
        ),
        tunnel_tile(tunnels, &tunnel_states),
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
        problems: problems(&states, &services_by_verdict, &links, &tunnel_states),
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
            target: format!("2001:db8::{id}"),
        }
    }

    /// An echo check of `address` on a host or container.
    fn echo(kind: &str, id: i64, name: &str, address: &str, reason: &str) -> CheckState {
        CheckState {
            v6_reason: Some(reason.into()),
            target: address.into(),
            ..state(kind, id, name, Some(false), None)
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
        let list = problems(&states, &badges, &Links::default(), &TunnelStates::new());
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
        assert_eq!(list[0].what, "2001:db8::2 — no_route");
        assert_eq!(
            list[1].verdict.as_deref(),
            Some("IPv6-only verdict: broken — timeout")
        );
        assert!(list[2].what.contains("IPv4 works"));
        assert!(list.iter().all(|p| p.nested.is_empty()));
    }

    /// Host 1 "pi" (2001:db8:10::/64, behind tunnel 9 whose far end is host 8's
    /// 2001:db8:ff::1) with container 2 and service 3 on it; host 4 also behind the tunnel.
    fn links() -> Links {
        use model::topology::{LinkRows, TunnelLink};
        Links::build(&LinkRows {
            hosts: vec![(1, "pi".into()), (4, "nas".into()), (8, "far".into())],
            containers: vec![(2, "web".into(), 1)],
            services: vec![(3, "cloud".into(), Some(1), None)],
            host_addresses: vec![
                (1, "2001:db8:10::10".into()),
                (1, "2001:db8:10::11".into()),
                (4, "2001:db8:10::40".into()),
                (8, "2001:db8:ff::1".into()),
            ],
            container_addresses: vec![(2, "2001:db8:20::2".into())],
            tunnels: vec![TunnelLink {
                id: 9,
                name: "he".into(),
                remote_v6: Some("2001:db8:ff::1".into()),
                routed_prefixes: "2001:db8:10::/64".into(),
                host_id: None,
            }],
        })
    }

    fn service_check(id: i64, name: &str, ok: bool) -> CheckState {
        CheckState {
            kind: "http".into(),
            v6_reason: Some(if ok { "ok" } else { "timeout" }.into()),
            target: "http://cloud.lab.test/".into(),
            ..state("service", id, name, Some(ok), None)
        }
    }

    #[test]
    fn a_host_is_one_row_naming_its_failing_addresses_with_what_it_explains_nested() {
        let states = [
            echo("host", 1, "pi", "2001:db8:10::10", "timeout"),
            CheckState {
                check_id: 11,
                ..echo("host", 1, "pi", "2001:db8:10::11", "timeout")
            },
            echo("container", 2, "web", "2001:db8:20::2", "no_route"),
            service_check(3, "cloud", false),
            state("host", 4, "nas", Some(true), None),
        ];
        let list = problems(
            &states,
            &[badge(3, "cloud", Some("broken"))],
            &links(),
            &TunnelStates::new(),
        );
        assert_eq!(list.len(), 1, "{list:#?}");
        let host = &list[0];
        assert_eq!((host.name.as_str(), host.href.as_str()), ("pi", "/hosts/1"));
        assert_eq!(host.what, "2001:db8:10::10, 2001:db8:10::11 — timeout");
        assert_eq!(host.health, Health::Failing);
        let nested: Vec<_> = host.nested.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(nested, ["web", "cloud"]);
        assert_eq!(host.nested[0].what, "2001:db8:20::2 — no_route");
        let service = &host.nested[1];
        assert_eq!(service.what, "HTTP check fails over IPv6 — timeout");
        assert_eq!(
            service.verdict.as_deref(),
            Some("IPv6-only verdict: broken — timeout")
        );
    }

    #[test]
    fn a_failing_tunnel_holds_the_hosts_behind_it() {
        // Its far end fails: the tunnel is a row, what it routes nests under it.
        let far = echo("host", 8, "far", "2001:db8:ff::1", "timeout");
        let pi = echo("host", 1, "pi", "2001:db8:10::10", "timeout");
        let list = problems(
            &[far.clone(), pi.clone()],
            &[],
            &links(),
            &TunnelStates::new(),
        );
        assert_eq!(list.len(), 1, "{list:#?}");
        assert_eq!(
            (list[0].subject_kind, list[0].href.as_str()),
            (SubjectKind::Tunnel, "/tunnels/9")
        );
        assert_eq!(list[0].name, "he");
        assert_eq!(list[0].what, "far end 2001:db8:ff::1 — timeout");
        assert_eq!(list[0].nested[0].name, "pi");

        // Its far end is not watched, but both hosts behind it fail.
        let nas = echo("host", 4, "nas", "2001:db8:10::40", "timeout");
        let list = problems(
            &[pi.clone(), nas.clone()],
            &[],
            &links(),
            &TunnelStates::new(),
        );
        assert_eq!(list.len(), 1, "{list:#?}");
        assert_eq!(list[0].subject_kind, SubjectKind::Tunnel);
        let nested: Vec<_> = list[0].nested.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(nested, ["nas", "pi"]);

        // One of the two still answers: each failing host stands on its own.
        let fine_nas = state("host", 4, "nas", Some(true), None);
        let list = problems(&[pi.clone(), fine_nas], &[], &links(), &TunnelStates::new());
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].subject_kind, SubjectKind::Host);

        // Its own checks say it is down (or degraded): a row of its own, the failing host
        // behind it nested; up or not yet checked, no row.
        use model::inventory::tunnel_health::{TunnelHealth, TunnelReadings, TunnelState};
        for (health, want) in [
            (TunnelHealth::Down, Some(Health::Failing)),
            (TunnelHealth::EndpointDown, Some(Health::Failing)),
            (TunnelHealth::Degraded, Some(Health::Degraded)),
            (TunnelHealth::Up, None),
            (TunnelHealth::Unknown, None),
        ] {
            let own = TunnelStates::from([(
                9,
                TunnelState {
                    health,
                    readings: TunnelReadings::default(),
                },
            )]);
            let list = problems(std::slice::from_ref(&pi), &[], &links(), &own);
            let tunnel = list.iter().find(|p| p.subject_kind == SubjectKind::Tunnel);
            assert_eq!(tunnel.map(|t| t.health), want, "{health:?}: {list:#?}");
            if let Some(t) = tunnel {
                assert!(t.what.starts_with(health.label()), "{}", t.what);
                assert_eq!(t.nested[0].name, "pi");
            }
        }
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
        use model::inventory::tunnel_health::{TunnelHealth, TunnelReadings, TunnelState};
        let tunnel = |health| TunnelState {
            health,
            readings: TunnelReadings::default(),
        };
        let states = std::collections::BTreeMap::from([
            (1, tunnel(TunnelHealth::EndpointDown)),
            (2, tunnel(TunnelHealth::Down)),
            (3, tunnel(TunnelHealth::Degraded)),
            (4, tunnel(TunnelHealth::Up)),
            (5, tunnel(TunnelHealth::Unknown)),
        ]);
        let tunnels = tunnel_tile(5, &states);
        assert_eq!(
            (
                tunnels.failing,
                tunnels.amber,
                tunnels.fine,
                tunnels.unknown()
            ),
            (2, 1, 1, 1)
        );
        assert_eq!(tunnels.health(), Health::Failing);
        assert!(tunnels.checked);
        let up = std::collections::BTreeMap::from([(4, tunnel(TunnelHealth::Up))]);
        assert_eq!(tunnel_tile(1, &up).health(), Health::Fine);
    }
}
