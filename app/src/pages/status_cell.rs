//! The lists' status column: the badge, IPv6 and IPv4 in words, the IPv6 latency and when
//! it was last checked.

use super::alerts::{iso, when};
use super::overview::HealthBadge;
use crate::queries::subject_status::SubjectStatus;
use leptos::prelude::*;
use model::Health;

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
