//! The lists' status column: the badge, IPv6 and IPv4 in words, the IPv6 latency and when
//! it was last checked.

use super::alerts::{iso, when};
use super::overview::HealthBadge;
use crate::queries::subject_status::{SubjectStatus, TunnelStatus};
use leptos::prelude::*;
use model::Health;
use model::inventory::tunnel_health::TunnelState;

fn family(label: &'static str, ok: Option<bool>) -> String {
    match ok {
        Some(true) => format!("{label} ✓"),
        Some(false) => format!("{label} ✗"),
        None => format!("{label} –"),
    }
}

#[component]
pub fn StatusCell(status: Option<SubjectStatus>) -> impl IntoView {
    let Some(s) = status else {
        return view! { <td class="status" data-label="Status"><span class="muted">"no checks"</span></td> }
            .into_any();
    };
    view! {
        <td class="status" data-label="Status">
            <HealthBadge health=s.health.unwrap_or(Health::Unknown)/>
            " " <span class="families">{format!("{} · {}", family("IPv6", s.v6), family("IPv4", s.v4))}</span>
            {s.latency_ms.map(|ms| view! { " · " <span class="latency">{format!("{ms:.1} ms")}</span> })}
            {s.checked_at.map(|at| view! { <br/><small>"checked " <time datetime=iso(at)>{when(at)}</time></small> })}
        </td>
    }
    .into_any()
}

/// A tunnel's health from its own checks, as a word on a colour with its meaning as the
/// title, and the path MTU when one was measured.
#[component]
pub fn TunnelHealthBadge(state: TunnelState) -> impl IntoView {
    let health = state.health;
    let mtu = state
        .readings
        .path_mtu
        .map(|mtu| format!(" · path MTU {mtu}"));
    let hole = state
        .readings
        .pmtu_blackhole
        .then_some(" · PMTU black hole");
    view! {
        <span class=format!("tunnel-health health-{}", health.as_str()) title=health.meaning()
            data-health=health.as_str()>{health.label()}</span>
        {mtu.map(|text| view! { <small class="path-mtu">{text}</small> })}
        {hole.map(|text| view! { <small class="pmtu-hole">{text}</small> })}
    }
}

/// A tunnel's status cell: its own health, then the state of what it carries, with the
/// quickest and the median IPv6 answer among them.
#[component]
pub fn TunnelStatusCell(status: TunnelStatus) -> impl IntoView {
    let own = status
        .own
        .map(|state| view! { <TunnelHealthBadge state/><br/> });
    if status.carried == 0 {
        return view! { <td class="status" data-label="Status">{own}<span class="muted">"no hosts behind it"</span></td> }
            .into_any();
    }
    let Some(s) = status.status else {
        return view! { <td class="status" data-label="Status">{own}<span class="muted">"no checks behind it"</span></td> }
            .into_any();
    };
    let latency = match (status.best_ms, s.latency_ms) {
        (Some(best), Some(median)) => Some(format!("best {best:.1} ms · median {median:.1} ms")),
        _ => None,
    };
    let carried = match status.carried {
        1 => "1 host behind it".to_string(),
        n => format!("{n} hosts behind it"),
    };
    view! {
        <td class="status" data-label="Status">
            {own}
            <HealthBadge health=s.health.unwrap_or(Health::Unknown)/>
            " " <span class="families">{format!("{} · {}", family("IPv6", s.v6), family("IPv4", s.v4))}</span>
            {latency.map(|text| view! { " · " <span class="latency">{text}</span> })}
            <br/><small class="carried">{carried}</small>
            {s.checked_at.map(|at| view! { <small>" · checked " <time datetime=iso(at)>{when(at)}</time></small> })}
        </td>
    }
    .into_any()
}
