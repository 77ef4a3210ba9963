//! Tunnel pages: list, detail, create/edit, delete.

use super::charts::{History, HistoryCharts, RangePicker, range_param};
use super::filters::{Choices, FilterForm, Shown, SortHeader, use_list_query};
use super::form::{
    ConfirmDelete, InventoryForm, SelectField, TextArea, TextField, choice_options, starting_values,
};
use super::live::use_live;
use super::loaded::{id_param, loaded};
use super::status_cell::{TunnelHealthBadge, TunnelStatusCell};
use crate::queries::history::load_history;
use crate::queries::inventory::{
    FarEnd, OwnCheck, get_tunnel, list_tunnels, load_choices, load_tunnel,
};
use crate::queries::subject_status::{TunnelStatus, TunnelStatusMap, list_tunnel_statuses};
use leptos::prelude::*;
use leptos_meta::Title;
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::domain::listing::{ListQuery, by_address, by_text};
use model::inventory::tunnel_health::TunnelState;
use model::inventory::{Tunnel, TunnelInput, TunnelKind};

fn tunnel_check(values: &FormValues) -> FieldErrors {
    TunnelInput::validate(values).err().unwrap_or_default()
}

fn or_dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "—".into())
}

/// Sortable columns of the tunnels list, default first.
const TUNNEL_SORTS: &[&str] = &["name", "status", "kind", "host", "remote"];

/// A listed tunnel with the status of what it carries.
type TunnelRow = (Tunnel, TunnelStatus);

/// The tunnels the query asks for, in its order. "In prefix" matches the tunnel's own
/// addresses, endpoints and routed prefixes.
fn listed_tunnels(
    tunnels: Vec<Tunnel>,
    statuses: &TunnelStatusMap,
    q: &ListQuery,
) -> Vec<TunnelRow> {
    let mut tunnels: Vec<TunnelRow> = tunnels
        .into_iter()
        .map(|t| {
            let status = statuses.get(&t.id).cloned().unwrap_or_default();
            (t, status)
        })
        .collect();
    tunnels.retain(|(t, _)| {
        let addresses = [
            &t.local_v6,
            &t.remote_v6,
            &t.local_endpoint,
            &t.remote_endpoint,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain(t.routed_prefixes.iter().map(String::as_str));
        q.text_matches(
            [
                t.name.as_str(),
                t.broker.as_str(),
                t.host_name.as_deref().unwrap_or_default(),
            ]
            .into_iter()
            .chain(addresses.clone()),
        ) && q.kind_matches(&t.kind)
            && q.prefix_matches(addresses)
    });
    q.sort(
        &mut tunnels,
        &[
            ("name", |(a, _), (b, _)| by_text(&a.name, &b.name)),
            ("status", |(a, x), (b, y)| {
                x.rank().cmp(&y.rank()).then(by_text(&a.name, &b.name))
            }),
            ("kind", |(a, _), (b, _)| by_text(&a.kind, &b.kind)),
            ("host", |(a, _), (b, _)| {
                by_text(
                    a.host_name.as_deref().unwrap_or_default(),
                    b.host_name.as_deref().unwrap_or_default(),
                )
            }),
            ("remote", |(a, _), (b, _)| {
                by_address(a.remote_endpoint.as_deref(), b.remote_endpoint.as_deref())
            }),
        ],
    );
    tunnels
}

#[component]
pub fn TunnelsPage() -> impl IntoView {
    let query = use_list_query();
    // The rows follow live updates; the filter form above them does not, so what is typed
    // into it stays.
    let live = use_live();
    let tunnels = Resource::new(
        move || (query.get(), live()),
        |(q, _)| async move {
            let all = list_tunnels().await?;
            let statuses = list_tunnel_statuses().await?;
            let total = all.len();
            Ok::<_, ServerFnError>((listed_tunnels(all, &statuses, &q), total, q))
        },
    );
    view! {
        <Title text="Tunnels"/>
        <div class="page-head"><h1>"Tunnels"</h1><a class="button primary" href="/tunnels/new">"Add tunnel"</a></div>
        {move || {
            let kinds = Choices { label: "Kind", name: "kind", options: choice_options::<TunnelKind>() };
            view! { <FilterForm query=query.get() path="/tunnels" search_hint="name, broker, host or address" choices=vec![kinds]/> }
        }}
        {loaded(tunnels, |(tunnels, total, q)| if total == 0 {
            view! { <p class="empty">"No tunnels yet."</p> }.into_any()
        } else {
            let header = |label, key| view! { <SortHeader label key query=q.clone() keys=TUNNEL_SORTS/> };
            view! {
                <Shown shown=tunnels.len() total what="tunnels" query=q.clone()/>
                <div class="table-scroll">
                    <table class="list" id="tunnels">
                        <thead><tr>
                            {header("Name", "name")}
                            {header("Status", "status")}
                            {header("Kind", "kind")}
                            {header("Host", "host")}
                            {header("Remote endpoint", "remote")}
                            <th scope="col">"Routed prefixes"</th>
                        </tr></thead>
                        <tbody>
                            {tunnels.into_iter().map(|(t, status)| view! {
                                <tr>
                                    <td data-label="Name"><a href=format!("/tunnels/{}", t.id)>{t.name}</a></td>
                                    <TunnelStatusCell status/>
                                    <td data-label="Kind">{t.kind}</td>
                                    <td data-label="Host">{or_dash(t.host_name)}</td>
                                    <td data-label="Remote endpoint"><code>{or_dash(t.remote_endpoint)}</code></td>
                                    <td data-label="Routed prefixes">{t.routed_prefixes.join(", ")}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        })}
    }
}

/// The history of each check a tunnel page charts (its own and the far end's), by check.
type Histories = Resource<Result<Vec<(i64, History)>, ServerFnError>>;

/// The charts of `check_id` out of the page's histories.
fn check_charts(histories: Histories, check_id: i64, name: String) -> impl IntoView {
    loaded(histories, move |all| {
        all.into_iter()
            .find(|(id, _)| *id == check_id)
            .map(|(_, history)| {
                view! {
                    <HistoryCharts history id=format!("check-{check_id}") name=name.clone()/>
                }
            })
    })
}

/// The echo check of a host holding the tunnel's remote IPv6 address, over the page's range.
#[component]
fn FarEndPanel(far: FarEnd, histories: Histories) -> impl IntoView {
    let name = format!("ICMP {}", far.address);
    view! {
        <p>"Host " <a href=format!("/hosts/{}", far.host_id)>{far.host_name.clone()}</a>
            " also holds the remote IPv6 address " <code>{far.address.clone()}</code>
            ": its echo check counts as the tunnel's too."</p>
        {check_charts(histories, far.check_id, name)}
    }
}

/// One of the tunnel's own checks with its charts over the page's range.
#[component]
fn OwnCheckPanel(check: OwnCheck, histories: Histories) -> impl IntoView {
    let check_id = check.check_id;
    let name = match check.kind.as_str() {
        "pmtu" => format!("path MTU {}", check.target),
        _ => format!("ICMP {}", check.target),
    };
    view! {
        <section class="own-check" id=format!("own-check-{check_id}")>
            <h3>{check.role.clone()} " " <code>{check.target.clone()}</code></h3>
            {check_charts(histories, check_id, name)}
        </section>
    }
}

/// `text` as a sentence: a capital first letter and a full stop.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// The readings behind the health, in words.
fn readings_text(state: &TunnelState) -> Vec<(&'static str, String)> {
    let r = &state.readings;
    let answers = |v: Option<bool>| match v {
        Some(true) => "answers".to_string(),
        Some(false) => "does not answer".to_string(),
        None => "—".to_string(),
    };
    vec![
        ("Outer endpoint (echo)", answers(r.endpoint_answers)),
        ("Far end over IPv6 (echo)", answers(r.v6_answers)),
        (
            "Loss through the tunnel",
            r.v6_loss
                .map(|l| format!("{:.0} %", l * 100.0))
                .unwrap_or_else(|| "—".into()),
        ),
        (
            "Path MTU",
            match (r.path_mtu, r.pmtu_blackhole) {
                (Some(mtu), true) => format!(
                    "{mtu} — larger packets vanish without a Packet Too Big (PMTU black hole)"
                ),
                (Some(mtu), false) => mtu.to_string(),
                (None, _) => "—".into(),
            },
        ),
    ]
}

#[component]
pub fn TunnelPage() -> impl IntoView {
    let id = id_param();
    let range = range_param();
    let detail = Resource::new(move || id.get(), |id| load_tunnel(id.unwrap_or_default()));
    // Made here, outside the page's suspenses (see `ResultsData`): one resource for all the
    // charts, since how many checks there are is only known once the tunnel is read.
    let histories: Histories = Resource::new(
        move || (id.get(), range.get()),
        move |(_, range)| async move {
            let d = detail.await?;
            let checks = d
                .own_checks
                .iter()
                .map(|c| c.check_id)
                .chain(d.far_end.map(|f| f.check_id));
            let mut all = Vec::new();
            for check_id in checks {
                all.push((
                    check_id,
                    load_history(check_id, range.code().to_string()).await?,
                ));
            }
            Ok(all)
        },
    );
    view! {
        {loaded(detail, move |d| {
            let t = d.tunnel;
            let path = format!("/tunnels/{}", t.id);
            let onlink = t.onlink_prefix().map(|p| p.to_string()).unwrap_or_else(|| "—".into());
            view! {
                <Title text=t.name.clone()/>
                <div class="page-head">
                    <h1>{t.name.clone()}</h1>
                    {d.state.map(|state| view! { <span id="tunnel-health"><TunnelHealthBadge state/></span> })}
                    <a class="button" href=format!("/tunnels/{}/edit", t.id)>"Edit"</a>
                    <a class="button danger" href=format!("/tunnels/{}/delete", t.id)>"Delete"</a>
                </div>
                <dl class="facts">
                    <dt>"Kind"</dt><dd>{t.kind}</dd>
                    <dt>"Broker / provider"</dt><dd>{t.broker}</dd>
                    <dt>"Terminated on"</dt><dd>{match (t.host_id, t.host_name) {
                        (Some(id), Some(name)) => view! { <a href=format!("/hosts/{id}")>{name}</a> }.into_any(),
                        _ => view! { <span>"—"</span> }.into_any(),
                    }}</dd>
                    <dt>"Local endpoint"</dt><dd><code>{or_dash(t.local_endpoint)}</code></dd>
                    <dt>"Remote endpoint"</dt><dd><code>{or_dash(t.remote_endpoint)}</code></dd>
                    <dt>"Local IPv6"</dt><dd><code>{or_dash(t.local_v6)}</code></dd>
                    <dt>"Remote IPv6"</dt><dd><code>{or_dash(t.remote_v6.clone())}</code></dd>
                    <dt>"On-link prefix"</dt><dd><code>{onlink}</code></dd>
                    <dt>"MTU"</dt><dd>{t.mtu.map(|m| m.to_string()).unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Routed prefixes"</dt><dd>{t.routed_prefixes.join(", ")}</dd>
                </dl>
                <section class="related" aria-labelledby="related-title">
                    <h2 id="related-title">"Hosts routed through it"</h2>
                    {if d.routed.is_empty() {
                        view! { <p class="empty">"No host has an address in its routed prefixes."</p> }.into_any()
                    } else {
                        view! {
                            <ul id="routed-hosts">{d.routed.into_iter().map(|r| view! {
                                <li><a href=format!("/hosts/{}", r.host_id)>{r.host_name}</a>
                                    " " <code>{r.address}</code> " in " <code>{r.prefix}</code></li>
                            }).collect_view()}</ul>
                        }.into_any()
                    }}
                </section>
                <section aria-labelledby="health-title" id="tunnel-checks">
                    <h2 id="health-title">"Health"</h2>
                    {d.state.map(|state| view! {
                        <p class="health-meaning">{sentence(state.health.meaning())}</p>
                        <dl class="facts" id="tunnel-readings">
                            {readings_text(&state).into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                        </dl>
                    })}
                    {if d.own_checks.is_empty() {
                        let note = if d.wanted_checks > 0 {
                            format!("{} checks of this tunnel start with the scheduler's next inventory sync.", d.wanted_checks)
                        } else {
                            "Set the remote endpoint or the remote IPv6 tunnel address to watch this tunnel.".to_string()
                        };
                        view! { <p class="empty" id="own-checks-note">{note}</p> }.into_any()
                    } else {
                        view! {
                            <RangePicker path=path.clone() range/>
                            {d.own_checks.into_iter().map(|check| view! { <OwnCheckPanel check histories/> }).collect_view()}
                        }.into_any()
                    }}
                    {d.far_end.map(|far| view! { <FarEndPanel far histories/> })}
                </section>
            }
        })}
    }
}

#[component]
pub fn TunnelFormPage() -> impl IntoView {
    let id = id_param();
    let start = Resource::new(
        move || id.get(),
        |id| async move {
            let form = id.map_or("tunnel-new".to_string(), |id| format!("tunnel-edit-{id}"));
            let stored = async move {
                match id {
                    Some(id) => Ok(Some(get_tunnel(id).await?.form_values())),
                    None => Ok(None),
                }
            };
            let start = starting_values(form, stored).await?;
            Ok::<_, ServerFnError>((id, start, load_choices().await?))
        },
    );
    view! {
        <Title text="Tunnel"/>
        {loaded(start, |(id, (values, errors), choices)| {
            let (title, action, cancel) = match id {
                Some(id) => ("Edit tunnel", format!("/actions/tunnels/{id}"), format!("/tunnels/{id}")),
                None => ("Add a tunnel", "/actions/tunnels".to_string(), "/tunnels".to_string()),
            };
            let hosts = choices.hosts.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
            view! {
                <h1>{title}</h1>
                <InventoryForm action values errors validate=tunnel_check submit="Save tunnel" cancel>
                    <TextField name="name" label="Name" placeholder="he-tunnel"/>
                    <SelectField name="kind" label="Kind" options={choice_options::<TunnelKind>()}/>
                    <SelectField name="host_id" label="Terminated on host" options=hosts blank="— none —"/>
                    <TextField name="broker" label="Broker / provider" placeholder="tunnel broker, VPS, ISP"/>
                    <TextField name="local_endpoint" label="Local endpoint" hint="Outer address on this side (IPv4 for 6in4, 6to4, 6rd)."/>
                    <TextField name="remote_endpoint" label="Remote endpoint" hint="The broker's server or the peer."/>
                    <TextField name="local_v6" label="Local IPv6 tunnel address"/>
                    <TextField name="remote_v6" label="Remote IPv6 tunnel address"/>
                    <TextField name="mtu" label="MTU" placeholder="1480"/>
                    <TextArea name="routed_prefixes" label="Routed prefixes" hint="One per line, e.g. 2001:db8:2::/48."/>
                </InventoryForm>
            }
        })}
    }
}

#[component]
pub fn TunnelDeletePage() -> impl IntoView {
    let id = id_param();
    let tunnel = Resource::new(move || id.get(), |id| get_tunnel(id.unwrap_or_default()));
    view! {
        <Title text="Delete tunnel"/>
        {loaded(tunnel, |t| view! {
            <ConfirmDelete
                what=format!("tunnel {}", t.name)
                action=format!("/actions/tunnels/{}/delete", t.id)
                cancel=format!("/tunnels/{}", t.id)
                consequences=vec![]
            />
        })}
    }
}
