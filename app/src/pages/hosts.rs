//! Host pages: list, detail, create/edit, delete.

use super::charts::{ChartRange, RangePicker, range_param};
use super::exposure::{ExposurePanel, exposure_data};
use super::filters::{FilterForm, Shown, SortHeader, use_list_query};
use super::form::{ConfirmDelete, InventoryForm, TextArea, TextField, starting_values};
use super::live::use_live;
use super::loaded::{id_param, loaded};
use super::results::{ResultsData, ResultsPanel};
use super::status_cell::StatusCell;
use crate::queries::inventory::{list_hosts, load_host};
use crate::queries::subject_status::{StatusMap, SubjectStatus, by_status, list_statuses};
use leptos::prelude::*;
use leptos_meta::Title;
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::domain::listing::{ListQuery, by_address, by_text};
use model::inventory::{Address, Host, HostInput};

pub fn host_check(values: &FormValues) -> FieldErrors {
    HostInput::validate(values).err().unwrap_or_default()
}

#[component]
pub fn AddressList(addresses: Vec<Address>) -> impl IntoView {
    view! {
        <ul class="addresses">
            {addresses.into_iter().map(|a| view! {
                <li>
                    <code>{a.address}</code>
                    " " <span class=format!("kind kind-{}", a.kind.code())>{a.kind.as_str()}</span>
                    {a.mac.map(|mac| view! { " " <span class="mac" title="MAC encoded in the EUI-64 interface id">"EUI-64 " {mac}</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// Sortable columns of the hosts list, default first.
const HOST_SORTS: &[&str] = &["name", "status", "dns", "address", "tags"];

/// A listed host with its status (`None`: no checks).
type HostRow = (Host, Option<SubjectStatus>);

/// The hosts the query asks for, in its order.
fn listed_hosts(hosts: Vec<Host>, statuses: &StatusMap, q: &ListQuery) -> Vec<HostRow> {
    let mut hosts: Vec<HostRow> = hosts
        .into_iter()
        .map(|h| {
            let status = statuses.get(&h.id).cloned();
            (h, status)
        })
        .collect();
    hosts.retain(|(h, _)| {
        let addresses = h.addresses.iter().map(|a| a.address.as_str());
        q.text_matches(
            [h.name.as_str(), h.dns_name.as_deref().unwrap_or_default()]
                .into_iter()
                .chain(addresses.clone()),
        ) && q.tag_matches(&h.tags)
            && q.prefix_matches(addresses)
    });
    q.sort(
        &mut hosts,
        &[
            ("name", |(a, _), (b, _)| by_text(&a.name, &b.name)),
            ("status", |(a, x), (b, y)| {
                by_status(x, y).then(by_text(&a.name, &b.name))
            }),
            ("dns", |(a, _), (b, _)| {
                by_text(
                    a.dns_name.as_deref().unwrap_or_default(),
                    b.dns_name.as_deref().unwrap_or_default(),
                )
            }),
            ("address", |(a, _), (b, _)| {
                by_address(
                    a.addresses.first().map(|x| x.address.as_str()),
                    b.addresses.first().map(|x| x.address.as_str()),
                )
            }),
            ("tags", |(a, _), (b, _)| {
                by_text(&a.tags.join(","), &b.tags.join(","))
            }),
        ],
    );
    hosts
}

#[component]
pub fn HostsPage() -> impl IntoView {
    let query = use_list_query();
    // The rows follow live updates; the filter form above them does not, so what is typed
    // into it stays.
    let live = use_live();
    let hosts = Resource::new(
        move || (query.get(), live()),
        |(q, _)| async move {
            let all = list_hosts().await?;
            let statuses = list_statuses("host".into()).await?;
            let total = all.len();
            Ok::<_, ServerFnError>((listed_hosts(all, &statuses, &q), total, q))
        },
    );
    view! {
        <Title text="Hosts"/>
        <div class="page-head"><h1>"Hosts"</h1><a class="button primary" href="/hosts/new">"Add host"</a>
            <a class="button" href="/exposure">"Ports open over IPv6 only"</a></div>
        {move || view! { <FilterForm query=query.get() path="/hosts" search_hint="name, DNS name or address" tag=true/> }}
        {loaded(hosts, |(hosts, total, q)| if total == 0 {
            view! { <p class="empty">"No hosts yet."</p> }.into_any()
        } else {
            let header = |label, key| view! { <SortHeader label key query=q.clone() keys=HOST_SORTS/> };
            view! {
                <Shown shown=hosts.len() total what="hosts" query=q.clone()/>
                <div class="table-scroll">
                    <table class="list" id="hosts">
                        <thead><tr>
                            {header("Name", "name")}
                            {header("Status", "status")}
                            {header("DNS name", "dns")}
                            {header("Addresses", "address")}
                            {header("Tags", "tags")}
                        </tr></thead>
                        <tbody>
                            {hosts.into_iter().map(|(h, status)| view! {
                                <tr>
                                    <td><a href=format!("/hosts/{}", h.id)>{h.name}</a></td>
                                    <StatusCell status/>
                                    <td>{h.dns_name.unwrap_or_default()}</td>
                                    <td><AddressList addresses=h.addresses/></td>
                                    <td>{h.tags.join(", ")}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        })}
    }
}

#[component]
pub fn HostPage() -> impl IntoView {
    let id = id_param();
    let range = range_param();
    // Every resource of the page is made here, outside its suspenses (see `ResultsData`).
    let results = ResultsData::new("host", id, ChartRange::from_query());
    let exposure = exposure_data("host", id);
    let detail = Resource::new(move || id.get(), |id| load_host(id.unwrap_or_default()));
    view! {
        {loaded(detail, move |d| {
            let h = d.host;
            let path = format!("/hosts/{}", h.id);
            view! {
                <Title text=h.name.clone()/>
                <div class="page-head">
                    <h1>{h.name.clone()}</h1>
                    <a class="button" href=format!("/hosts/{}/edit", h.id)>"Edit"</a>
                    <a class="button danger" href=format!("/hosts/{}/delete", h.id)>"Delete"</a>
                </div>
                <dl class="facts">
                    <dt>"DNS name"</dt><dd>{h.dns_name.unwrap_or_else(|| "—".into())}</dd>
                    <dt>"Tags"</dt><dd>{h.tags.join(", ")}</dd>
                    <dt>"Notes"</dt><dd class="notes">{h.notes}</dd>
                    <dt>"Updated"</dt><dd>{h.updated_at}</dd>
                </dl>
                <h2>"Addresses"</h2>
                <AddressList addresses=h.addresses/>
                <section class="related" aria-labelledby="related-title">
                    <h2 id="related-title">"Related"</h2>
                    <h3>"Behind tunnels"</h3>
                    {if d.behind.is_empty() {
                        view! { <p class="empty">"No tunnel routes a prefix holding this host's addresses."</p> }.into_any()
                    } else {
                        view! {
                            <ul id="behind-tunnels">{d.behind.into_iter().map(|r| view! {
                                <li><a href=format!("/tunnels/{}", r.tunnel_id)>{r.tunnel_name}</a>
                                    " routes " <code>{r.prefix}</code> ", which holds " <code>{r.address}</code></li>
                            }).collect_view()}</ul>
                        }.into_any()
                    }}
                    <h3>"Tunnels terminated here"</h3>
                    {if d.tunnels.is_empty() {
                        view! { <p class="empty">"None."</p> }.into_any()
                    } else {
                        view! { <ul>{d.tunnels.into_iter().map(|t| view! { <li><a href=format!("/tunnels/{}", t.id)>{t.name}</a> " (" {t.kind} ")"</li> }).collect_view()}</ul> }.into_any()
                    }}
                    <h3>"Containers"</h3>
                    {if d.containers.is_empty() {
                        view! { <p class="empty">"None."</p> }.into_any()
                    } else {
                        view! { <ul>{d.containers.into_iter().map(|c| view! { <li><a href=format!("/containers/{}", c.id)>{c.name}</a> " (" {c.runtime} ")"</li> }).collect_view()}</ul> }.into_any()
                    }}
                    <h3>"Services"</h3>
                    {if d.services.is_empty() {
                        view! { <p class="empty">"None."</p> }.into_any()
                    } else {
                        view! { <ul>{d.services.into_iter().map(|s| view! { <li><a href=format!("/services/{}", s.id)>{s.name}</a> " " <code>{s.target}</code></li> }).collect_view()}</ul> }.into_any()
                    }}
                </section>
                <ExposurePanel kind="host" data=exposure back=path.clone()/>
                <RangePicker path=path.clone() range/>
                <ResultsPanel data=results back=path/>
            }
        })}
    }
}

#[component]
pub fn HostFormPage() -> impl IntoView {
    let id = id_param();
    let start = Resource::new(
        move || id.get(),
        |id| async move {
            let form = match id {
                Some(id) => format!("host-edit-{id}"),
                None => "host-new".to_string(),
            };
            let stored = async move {
                match id {
                    Some(id) => Ok(Some(load_host(id).await?.host.form_values())),
                    None => Ok(None),
                }
            };
            starting_values(form, stored).await.map(|start| (id, start))
        },
    );
    view! {
        <Title text="Host"/>
        {loaded(start, |(id, (values, errors))| {
            let (title, action, cancel) = match id {
                Some(id) => ("Edit host", format!("/actions/hosts/{id}"), format!("/hosts/{id}")),
                None => ("Add a host", "/actions/hosts".to_string(), "/hosts".to_string()),
            };
            view! {
                <h1>{title}</h1>
                <InventoryForm action values errors validate=host_check submit="Save host" cancel>
                    <TextField name="name" label="Name" placeholder="router"/>
                    <TextField name="dns_name" label="DNS name (optional)" placeholder="router.home.example"/>
                    <TextArea name="addresses" label="Addresses" hint="One IPv6 or IPv4 address per line." placeholder="2001:db8::1"/>
                    <TextField name="tags" label="Tags" hint="Separated by commas or spaces."/>
                    <TextArea name="notes" label="Notes"/>
                </InventoryForm>
            }
        })}
    }
}

#[component]
pub fn HostDeletePage() -> impl IntoView {
    let id = id_param();
    let detail = Resource::new(move || id.get(), |id| load_host(id.unwrap_or_default()));
    view! {
        <Title text="Delete host"/>
        {loaded(detail, |d| {
            let mut consequences: Vec<String> = Vec::new();
            consequences.extend(d.dependents.containers.iter().map(|c| format!("container {c} is deleted")));
            consequences.extend(d.dependents.services.iter().map(|s| format!("service {s} is deleted")));
            consequences.extend(d.dependents.tunnels.iter().map(|t| format!("tunnel {t} keeps its data but no longer names a host")));
            view! {
                <ConfirmDelete
                    what=format!("host {}", d.host.name)
                    action=format!("/actions/hosts/{}/delete", d.host.id)
                    cancel=format!("/hosts/{}", d.host.id)
                    consequences
                />
            }
        })}
    }
}
