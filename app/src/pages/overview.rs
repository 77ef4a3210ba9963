//! The overview: what is in the inventory and what changed lately.

use super::loaded::loaded;
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
