//! The overview: how ready the services are for IPv6-only, what is in the inventory and what
//! changed lately.

use super::loaded::loaded;
use super::verdicts::VerdictBadge;
use crate::queries::overview::load_overview;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_overview());
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        {loaded(data, |o| {
            let tiles = [
                ("Hosts", o.hosts, "/hosts"),
                ("Prefixes", o.prefixes, "/prefixes"),
                ("Tunnels", o.tunnels, "/tunnels"),
                ("Containers", o.containers, "/containers"),
                ("Services", o.services, "/services"),
            ];
            view! {
                <ul class="tiles">
                    {tiles.into_iter().map(|(label, count, href)| view! {
                        <li><a href=href><span class="count">{count}</span>" "<span class="label">{label}</span></a></li>
                    }).collect_view()}
                </ul>
                <p class=if o.failing_v6 == 0 { "v6-health ok" } else { "v6-health fail" } id="failing-v6">
                    {if o.failing_v6 == 0 {
                        "✓ No check is failing over IPv6.".to_string()
                    } else {
                        format!("✗ {} check(s) failing over IPv6.", o.failing_v6)
                    }}
                </p>
                <h2>"IPv6-only readiness"</h2>
                <p class="readiness" id="readiness">{match o.readiness.text() {
                    Some(text) => text,
                    None => "No service judged yet: HTTP(S) services get a verdict within a minute of being added.".to_string(),
                }}</p>
                {(!o.services_by_verdict.is_empty()).then(|| view! {
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
                                        <td><VerdictBadge verdict=b.verdict.clone()/></td>
                                        <td><a href=format!("/services/{}", b.service_id)>{b.name.clone()}</a></td>
                                        <td>{why}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
                <h2>"Recent changes"</h2>
                {if o.recent.is_empty() {
                    view! { <p class="empty">"Nothing yet. Start by " <a href="/hosts/new">"adding a host"</a> "."</p> }.into_any()
                } else {
                    view! {
                        <table class="list">
                            <thead><tr><th scope="col">"When (UTC)"</th><th scope="col">"What"</th><th scope="col">"Change"</th></tr></thead>
                            <tbody>
                                {o.recent.into_iter().map(|c| {
                                    let link = c.link();
                                    view! {
                                        <tr>
                                            <td><time datetime=c.at.clone()>{c.at.replace('T', " ").replace('Z', "")}</time></td>
                                            <td>{c.entity.clone()} " " {match link {
                                                Some(href) => view! { <a href=href>{c.summary.clone()}</a> }.into_any(),
                                                None => view! { <span>{c.summary.clone()}</span> }.into_any(),
                                            }}</td>
                                            <td>{c.action.clone()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            }
        })}
    }
}
