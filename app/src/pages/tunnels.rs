//! Tunnel pages: list, detail, create/edit, delete.

use super::charts::{HistoryCharts, Range, RangePicker, range_param};
use super::filters::{Choices, FilterForm, Shown, SortHeader, use_list_query};
use super::form::{
    ConfirmDelete, InventoryForm, SelectField, TextArea, TextField, choice_options, starting_values,
};
use super::live::use_live;
use super::loaded::{id_param, loaded};
use super::status_cell::TunnelStatusCell;
use crate::queries::history::load_history;
use crate::queries::inventory::{FarEnd, get_tunnel, list_tunnels, load_choices, load_tunnel};
use crate::queries::subject_status::{TunnelStatus, TunnelStatusMap, list_tunnel_statuses};
use leptos::prelude::*;
use leptos_meta::Title;
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::domain::listing::{ListQuery, by_address, by_text};
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

/// The far end's echo check over the page's range, or why there is none.
#[component]
fn FarEndPanel(
    far_end: Option<FarEnd>,
    remote_v6: Option<String>,
    range: Memo<Range>,
) -> impl IntoView {
    let Some(far) = far_end else {
        let note = match remote_v6 {
            Some(address) => format!(
                "No host in the inventory has the remote IPv6 address {address}: add it to a host to watch the tunnel's far end."
            ),
            None => "Set the remote IPv6 tunnel address, and add it to a host, to watch the tunnel's far end.".to_string(),
        };
        return view! { <p class="empty" id="far-end-note">{note}</p> }.into_any();
    };
    let check_id = far.check_id;
    let history = Resource::new(
        move || range.get(),
        move |range| load_history(check_id, range.code().to_string()),
    );
    let name = format!("ICMP {}", far.address);
    view! {
        <p>"Echo check of " <code>{far.address.clone()}</code> ", an address of host "
            <a href=format!("/hosts/{}", far.host_id)>{far.host_name.clone()}</a> "."</p>
        {loaded(history, move |history| view! {
            <HistoryCharts history id=format!("check-{check_id}") name=name.clone()/>
        })}
    }
    .into_any()
}

#[component]
pub fn TunnelPage() -> impl IntoView {
    let id = id_param();
    let range = range_param();
    let detail = Resource::new(move || id.get(), |id| load_tunnel(id.unwrap_or_default()));
    view! {
        {loaded(detail, move |d| {
            let t = d.tunnel;
            let path = format!("/tunnels/{}", t.id);
            view! {
                <Title text=t.name.clone()/>
                <div class="page-head">
                    <h1>{t.name.clone()}</h1>
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
                <h2>"Far end"</h2>
                <RangePicker path range/>
                <FarEndPanel far_end=d.far_end remote_v6=t.remote_v6 range/>
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
