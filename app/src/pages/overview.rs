//! The overview people keep open: problems first, open alerts, how ready the services are
//! for IPv6-only and where that is heading, the inventory in tiles, what changed lately.
//! Once hydrated it reads again whenever the server says results, verdicts or incidents
//! were stored.

use super::alerts::{iso, when};
use super::live::use_live;
use super::loaded::ErrorMessage;
use super::verdicts::VerdictBadge;
use crate::queries::overview::{Health, Overview, Problem, Tile, load_overview};
use crate::queries::verdicts::Readiness;
use leptos::prelude::*;
use leptos_meta::Title;

/// An IPvFoo-style badge for a health, with its meaning in words for screen readers: a
/// green "6" works over IPv6, a red "4" works over IPv4 only, an amber "6" with a small "4"
/// works over IPv6 but loads from IPv4-only hosts, a "✗" works over neither.
#[component]
pub fn HealthBadge(health: Health) -> impl IntoView {
    let (class, mark, small, word) = match health {
        Health::Failing => ("verdict failing", "✗", "", "failing over IPv6"),
        Health::Degraded => ("verdict degraded", "4", "", "works over IPv4 only"),
        Health::Partial => ("verdict partial", "6", "4", "partly failing over IPv6"),
        Health::Fine => ("verdict ready", "6", "", "all fine over IPv6"),
        Health::Unknown => ("verdict unjudged", "?", "", "not checked yet"),
    };
    view! {
        <span class=class title=word>
            <span aria-hidden="true">{mark}{(!small.is_empty()).then(|| view! { <sub>{small}</sub> })}</span>
            <span class="sr-only">{word}</span>
        </span>
    }
}

/// On a result the failed self-test puts in doubt.
pub fn suspect_mark() -> impl IntoView {
    view! {
        " " <span class="suspect" title="this machine's own IPv6 failed its self-test: see the banner">
            <span class="suspect-mark" aria-hidden="true">"⚠"</span>
            " may be this machine's IPv6"
        </span>
    }
}

#[component]
pub fn OverviewPage() -> impl IntoView {
    let live = use_live();
    let data = Resource::new(live, |_| load_overview());
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        // A transition keeps the page in place while a live update reads again.
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => overview(o).into_any(),
                    Err(err) => view! { <ErrorMessage err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn overview(o: Overview) -> impl IntoView {
    view! {
        <section aria-labelledby="problems-heading">
            <h2 id="problems-heading">"Problems"</h2>
            {if o.problems.is_empty() {
                view! { <p class="empty" id="problems">"Nothing is failing."</p> }.into_any()
            } else {
                let suspect = o.monitor_suspect;
                view! {
                    <ul class="problems" id="problems">
                        {o.problems.into_iter().map(|p| problem_row(p, suspect)).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <p class=if o.failing_v6 == 0 { "v6-health ok" } else { "v6-health fail" } id="failing-v6" aria-live="polite">
            {if o.failing_v6 == 0 {
                "✓ No check is failing over IPv6.".to_string()
            } else {
                format!("✗ {} check(s) failing over IPv6.", o.failing_v6)
            }}
        </p>
        {(!o.open_alerts.is_empty()).then(|| view! {
            <section aria-labelledby="open-alerts-heading">
                <h2 id="open-alerts-heading">"Open alerts"</h2>
                <ul class="open-alerts" id="open-alerts">
                    {o.open_alerts.into_iter().map(|i| view! {
                        <li class=format!("severity-{}", i.severity)>
                            <a href=format!("/alerts/{}", i.id)>{i.title.clone()}</a>
                            " (" {i.severity.clone()} ", since "
                            <time datetime=iso(i.opened_at)>{when(i.opened_at)}</time> ")"
                        </li>
                    }).collect_view()}
                </ul>
                <p><a href="/alerts">"All alerts"</a></p>
            </section>
        })}
        <h2>"IPv6-only readiness"</h2>
        <p class="readiness" id="readiness">{match o.readiness.text() {
            Some(text) => text,
            None => "No service judged yet: HTTP(S) services get a verdict within a minute of being added.".to_string(),
        }}</p>
        {trend_text(&o.readiness, &o.trend.day_ago, &o.trend.week_ago).map(|text| view! {
            <p class="trend" id="readiness-trend">{text}</p>
        })}
        <ul class="tiles">
            {o.tiles.into_iter().map(tile).collect_view()}
            <li>
                <a href="/prefixes"><span class="count">{o.prefixes}</span>" "<span class="label">"Prefixes"</span></a>
            </li>
        </ul>
        {(!o.services_by_verdict.is_empty()).then(|| view! {
            <div class="table-scroll">
                <table class="list" id="service-verdicts">
                    <thead><tr><th scope="col">"IPv6-only"</th><th scope="col">"Service"</th><th scope="col">"Why"</th></tr></thead>
                    <tbody>
                        {o.services_by_verdict.clone().into_iter().map(|b| {
                            let why = match (b.verdict.as_deref(), b.reason.clone()) {
                                (Some("broken"), Some(code)) => format!("{code}: {}", super::verdicts::reason_meaning(&code)),
                                (Some("partial"), _) => "some hosts it loads from lack IPv6".to_string(),
                                (Some("ready"), _) => String::new(),
                                _ => "not judged yet".to_string(),
                            };
                            view! {
                                <tr>
                                    <td data-label="IPv6-only"><VerdictBadge verdict=b.verdict.clone()/></td>
                                    <td data-label="Service"><a href=format!("/services/{}", b.service_id)>{b.name.clone()}</a></td>
                                    <td data-label="Why">{why}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        <h2>"Recent changes"</h2>
        {if o.recent.is_empty() {
            view! { <p class="empty">"Nothing yet. Start by " <a href="/hosts/new">"adding a host"</a> "."</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="list">
                        <thead><tr><th scope="col">"When (UTC)"</th><th scope="col">"What"</th><th scope="col">"Change"</th></tr></thead>
                        <tbody>
                            {o.recent.into_iter().map(|c| {
                                let link = c.link();
                                view! {
                                    <tr>
                                        <td data-label="When (UTC)"><time datetime=c.at.clone()>{c.at.replace('T', " ").replace('Z', "")}</time></td>
                                        <td data-label="What">{c.entity.clone()} " " {match link {
                                            Some(href) => view! { <a href=href>{c.summary.clone()}</a> }.into_any(),
                                            None => view! { <span>{c.summary.clone()}</span> }.into_any(),
                                        }}</td>
                                        <td data-label="Change">{c.action.clone()} {(!c.source.is_empty()).then(|| view! { <small class="change-source">{format!(" by {}", c.source)}</small> })}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}

/// One subject's row: its worst state, name and link, what failed, a service's verdict,
/// the marker when the self-test puts it in doubt, and what its failure explains nested in
/// it.
fn problem_row(p: Problem, suspect: bool) -> AnyView {
    let nested = (!p.nested.is_empty()).then(|| {
        let label = format!("failing behind {}", p.name);
        view! {
            <ul class="problems nested" aria-label=label>
                {p.nested.into_iter().map(|n| problem_row(n, suspect)).collect_view()}
            </ul>
        }
    });
    view! {
        <li class=format!("problem {}", health_class(p.health))>
            <HealthBadge health=p.health/>
            " " <span class="subject-kind">{p.subject_kind.as_str()}</span>
            " " <a href=p.href>{p.name}</a>
            ": " <span class="what">{p.what}</span>
            {p.verdict.map(|v| view! { " · " <span class="verdict-outcome">{v}</span> })}
            {suspect.then(suspect_mark)}
            {nested}
        </li>
    }
    .into_any()
}

fn health_class(health: Health) -> &'static str {
    match health {
        Health::Failing => "failing",
        Health::Degraded => "degraded",
        Health::Partial => "partial",
        Health::Unknown => "unknown",
        Health::Fine => "fine",
    }
}

/// One tile: the count and label (one link), its badge, and the counts by state in words.
fn tile(t: Tile) -> impl IntoView {
    let mut parts = Vec::new();
    if t.failing > 0 {
        parts.push(format!("{} failing", t.failing));
    }
    if t.amber > 0 {
        parts.push(format!("{} degraded or partial", t.amber));
    }
    if t.fine > 0 {
        parts.push(format!("{} fine", t.fine));
    }
    if t.unknown() > 0 && t.total > 0 {
        parts.push(format!("{} not checked", t.unknown()));
    }
    if !t.checked {
        parts.clear();
    }
    let health = t.health();
    view! {
        <li class=format!("tile {}", health_class(health))>
            <a href=t.href.clone()><span class="count">{t.total}</span>" "<span class="label">{t.label.clone()}</span></a>
            {(t.total > 0 && t.checked).then(|| view! { " " <HealthBadge health/> })}
            {(!parts.is_empty()).then(|| view! { <span class="states">{parts.join(" · ")}</span> })}
        </li>
    }
}

/// "24 h ago: 50 % ready (1 of 2); 7 days ago: no verdicts", or `None` before any verdict.
fn trend_text(now: &Readiness, day: &Readiness, week: &Readiness) -> Option<String> {
    now.text()?;
    let then = |r: &Readiness| r.text().unwrap_or_else(|| "no verdicts".into());
    Some(format!(
        "24 h ago: {}; 7 days ago: {}.",
        then(day),
        then(week)
    ))
}
