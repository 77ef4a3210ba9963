//! Ports open over IPv6 that are closed over IPv4: the panel on host and container pages (opt
//! in, last scan, the diff) and `/exposure`, every opted-in subject in one place.

use super::alerts::{iso, when};
use super::loaded::loaded;
use crate::queries::exposure::{ExposedPortRow, Exposure, load_all_exposure, load_exposure};
use leptos::prelude::*;
use leptos_meta::Title;

fn at(secs: i64) -> impl IntoView {
    let ms = secs.saturating_mul(1000);
    view! { <time datetime=iso(ms)>{when(ms)}</time> }
}

fn port_row(p: ExposedPortRow) -> impl IntoView {
    view! {
        <tr>
            <th scope="row"><code>{p.port}</code></th>
            <td data-label="First seen">{at(p.first_seen)}</td>
            <td data-label="Last seen">{at(p.last_seen)}</td>
        </tr>
    }
}

/// The last scan in words.
fn last_scan(e: &Exposure) -> String {
    match (e.last_scan_at, e.last_error.is_empty(), e.last_complete) {
        (None, _, _) => "not scanned yet: the first scan runs within five minutes".into(),
        (Some(_), false, _) => format!("did not run: {}", e.last_error),
        (Some(_), true, true) => "complete".into(),
        (Some(_), true, false) => {
            "hit its time limit: ports it did not settle keep their earlier state".into()
        }
    }
}

fn diff_table(e: &Exposure) -> impl IntoView + use<> {
    if e.last_scan_at.is_none() {
        return view! { <p class="empty">"No scan yet."</p> }.into_any();
    }
    if e.ports.is_empty() {
        return view! { <p class="ok-text">"No port answers over IPv6 that is closed over IPv4."</p> }
            .into_any();
    }
    let rows = e.ports.clone();
    view! {
        <table class="list exposure">
            <thead><tr><th scope="col">"Port"</th><th scope="col">"First seen"</th><th scope="col">"Last seen"</th></tr></thead>
            <tbody>{rows.into_iter().map(port_row).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

/// The exposure of a host or container, read with its page (never inside a suspense).
pub type ExposureData = Resource<Result<Exposure, ServerFnError>>;

/// Reads the exposure of the `kind` (`host` or `container`) the page's `id` names.
pub fn exposure_data(kind: &'static str, id: Memo<Option<i64>>) -> ExposureData {
    Resource::new(
        move || id.get(),
        move |id| load_exposure(kind.to_string(), id.unwrap_or_default()),
    )
}

/// The exposure section of a host or container page.
#[component]
pub fn ExposurePanel(kind: &'static str, data: ExposureData, back: String) -> impl IntoView {
    view! {
        <section class="exposure-panel" aria-labelledby="exposure-title" id="exposure">
            <h2 id="exposure-title">"Ports open over IPv6 only"</h2>
            {loaded(data, move |e| {
                let action = format!("/actions/exposure/{}/{}", e.kind, e.id);
                let back = back.clone();
                if !e.opted_in {
                    return view! {
                        <p>"An IPv4-only firewall, or Docker before 27, can leave ports open to the internet over IPv6. "
                           "The exposure scan connects to the ports its services name and the 100 most common ones, over IPv6 and over IPv4, "
                           "at most every 6 hours and only at this " {kind} "'s own addresses, and alerts once for each port that answers over IPv6 only."</p>
                        <form method="post" action=action>
                            <input type="hidden" name="back" value=back/>
                            <input type="hidden" name="on" value="1"/>
                            <button type="submit">"Scan this " {kind} "'s ports"</button>
                        </form>
                    }
                    .into_any();
                }
                let scan = last_scan(&e);
                let table = diff_table(&e);
                view! {
                    <dl class="facts">
                        <dt>"Opted in"</dt><dd>{e.opted_in_at.map(at)}</dd>
                        <dt>"Last scan"</dt><dd>{e.last_scan_at.map(at)} " " <span id="last-scan">{scan}</span></dd>
                    </dl>
                    {table}
                    <form method="post" action=action>
                        <input type="hidden" name="back" value=back/>
                        <input type="hidden" name="on" value="0"/>
                        <button type="submit">"Stop scanning (forgets the diff)"</button>
                    </form>
                }
                .into_any()
            })}
        </section>
    }
}

/// `/exposure`: every opted-in host and container and what answers over IPv6 only.
#[component]
pub fn ExposurePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_all_exposure());
    view! {
        <Title text="Exposure"/>
        <h1>"Ports open over IPv6 only"</h1>
        <p class="hint">"Hosts and containers are scanned only when opted in on their page."</p>
        {loaded(data, |all| {
            if all.is_empty() {
                return view! { <p class="empty">"No host or container is opted in to the exposure scan yet: open one and choose \"Scan its ports\"."</p> }.into_any();
            }
            view! {
                <table class="list" id="exposure-subjects">
                    <thead><tr><th scope="col">"Subject"</th><th scope="col">"Open over IPv6 only"</th><th scope="col">"Last scan"</th></tr></thead>
                    <tbody>{all.into_iter().map(|e| {
                        let href = format!("/{}s/{}#exposure", e.kind, e.id);
                        let ports = if e.ports.is_empty() {
                            "none".to_string()
                        } else {
                            e.ports.iter().map(|p| p.port.to_string()).collect::<Vec<_>>().join(", ")
                        };
                        let scan = last_scan(&e);
                        let class = if e.ports.is_empty() { "" } else { "exposed" };
                        view! {
                            <tr class=class>
                                <th scope="row"><a href=href>{e.name.clone()}</a> " " <span class="kind">{e.kind.clone()}</span></th>
                                <td data-label="Open over IPv6 only"><code>{ports}</code></td>
                                <td data-label="Last scan">{e.last_scan_at.map(at)} " " {scan}</td>
                            </tr>
                        }
                    }).collect_view()}</tbody>
                </table>
            }.into_any()
        })}
    }
}
