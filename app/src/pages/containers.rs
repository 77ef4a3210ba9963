//! Container pages: list, detail, create/edit, delete.

use super::charts::{ChartRange, RangePicker, range_param};
use super::exposure::{ExposurePanel, exposure_data};
use super::filters::{Choices, FilterForm, Shown, SortHeader, use_list_query};
use super::form::{
    ConfirmDelete, InventoryForm, SelectField, TextArea, TextField, choice_options, starting_values,
};
use super::hosts::AddressList;
use super::live::use_live;
use super::loaded::{id_param, loaded};
use super::results::{ResultsData, ResultsPanel};
use super::status_cell::StatusCell;
use crate::queries::inventory::{list_containers, load_choices, load_container};
use crate::queries::subject_status::{StatusMap, SubjectStatus, by_status, list_statuses};
use leptos::prelude::*;
use leptos_meta::Title;
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::domain::listing::{ListQuery, by_address, by_text};
use model::inventory::{Container, ContainerInput, ContainerRuntime, NetworkMode};

fn container_check(values: &FormValues) -> FieldErrors {
    ContainerInput::validate(values).err().unwrap_or_default()
}

/// Sortable columns of the containers list, default first.
const CONTAINER_SORTS: &[&str] = &["name", "status", "runtime", "host", "network", "address"];

/// A listed container with its status (`None`: no checks).
type ContainerRow = (Container, Option<SubjectStatus>);

/// The containers the query asks for, in its order.
fn listed_containers(
    containers: Vec<Container>,
    statuses: &StatusMap,
    q: &ListQuery,
) -> Vec<ContainerRow> {
    let mut containers: Vec<ContainerRow> = containers
        .into_iter()
        .map(|c| {
            let status = statuses.get(&c.id).cloned();
            (c, status)
        })
        .collect();
    containers.retain(|(c, _)| {
        let addresses = c.addresses.iter().map(|a| a.address.as_str());
        q.text_matches(
            [c.name.as_str(), c.host_name.as_str()]
                .into_iter()
                .chain(addresses.clone()),
        ) && q.kind_matches(&c.runtime)
            && q.prefix_matches(addresses)
    });
    q.sort(
        &mut containers,
        &[
            ("name", |(a, _), (b, _)| by_text(&a.name, &b.name)),
            ("status", |(a, x), (b, y)| {
                by_status(x, y).then(by_text(&a.name, &b.name))
            }),
            ("runtime", |(a, _), (b, _)| by_text(&a.runtime, &b.runtime)),
            ("host", |(a, _), (b, _)| by_text(&a.host_name, &b.host_name)),
            ("network", |(a, _), (b, _)| {
                by_text(&a.network_mode, &b.network_mode)
            }),
            ("address", |(a, _), (b, _)| {
                by_address(
                    a.addresses.first().map(|x| x.address.as_str()),
                    b.addresses.first().map(|x| x.address.as_str()),
                )
            }),
        ],
    );
    containers
}

#[component]
pub fn ContainersPage() -> impl IntoView {
    let query = use_list_query();
    // The rows follow live updates; the filter form above them does not.
    let live = use_live();
    let containers = Resource::new(
        move || (query.get(), live()),
        |(q, _)| async move {
            let all = list_containers().await?;
            let statuses = list_statuses("container".into()).await?;
            let total = all.len();
            Ok::<_, ServerFnError>((listed_containers(all, &statuses, &q), total, q))
        },
    );
    view! {
        <Title text="Containers"/>
        <div class="page-head"><h1>"Containers"</h1><a class="button primary" href="/containers/new">"Add container"</a>
            <a class="button" href="/exposure">"Ports open over IPv6 only"</a></div>
        {move || {
            let runtimes = Choices { label: "Runtime", name: "kind", options: choice_options::<ContainerRuntime>() };
            view! { <FilterForm query=query.get() path="/containers" search_hint="name, host or address" choices=vec![runtimes]/> }
        }}
        {loaded(containers, |(containers, total, q)| if total == 0 {
            view! { <p class="empty">"No containers yet."</p> }.into_any()
        } else {
            let header = |label, key| view! { <SortHeader label key query=q.clone() keys=CONTAINER_SORTS/> };
            view! {
                <Shown shown=containers.len() total what="containers" query=q.clone()/>
                <div class="table-scroll">
                    <table class="list" id="containers">
                        <thead><tr>
                            {header("Name", "name")}
                            {header("Status", "status")}
                            {header("Runtime", "runtime")}
                            {header("Host", "host")}
                            {header("Network", "network")}
                            {header("Addresses", "address")}
                            <th scope="col">"Ports"</th>
                        </tr></thead>
                        <tbody>
                            {containers.into_iter().map(|(c, status)| view! {
                                <tr>
                                    <td><a href=format!("/containers/{}", c.id)>{c.name}</a></td>
                                    <StatusCell status/>
                                    <td>{c.runtime}</td>
                                    <td><a href=format!("/hosts/{}", c.host_id)>{c.host_name}</a></td>
                                    <td>{c.network_mode}</td>
                                    <td><AddressList addresses=c.addresses/></td>
                                    <td>{c.published_ports.join(", ")}</td>
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
pub fn ContainerPage() -> impl IntoView {
    let id = id_param();
    let range = range_param();
    // Every resource of the page is made here, outside its suspenses (see `ResultsData`).
    let results = ResultsData::new("container", id, ChartRange::from_query());
    let exposure = exposure_data("container", id);
    let detail = Resource::new(
        move || id.get(),
        |id| load_container(id.unwrap_or_default()),
    );
    view! {
        {loaded(detail, move |d| {
            let c = d.container;
            let path = format!("/containers/{}", c.id);
            view! {
                <Title text=c.name.clone()/>
                <div class="page-head">
                    <h1>{c.name.clone()}</h1>
                    <a class="button" href=format!("/containers/{}/edit", c.id)>"Edit"</a>
                    <a class="button danger" href=format!("/containers/{}/delete", c.id)>"Delete"</a>
                </div>
                <dl class="facts">
                    <dt>"Runtime"</dt><dd>{c.runtime}</dd>
                    <dt>"Host"</dt><dd><a href=format!("/hosts/{}", c.host_id)>{c.host_name.clone()}</a></dd>
                    <dt>"Network mode"</dt><dd>{c.network_mode}</dd>
                    <dt>"Published ports"</dt><dd>{c.published_ports.join(", ")}</dd>
                    <dt>"Notes"</dt><dd class="notes">{c.notes}</dd>
                </dl>
                <h2>"Addresses"</h2>
                <AddressList addresses=c.addresses/>
                <section class="related" aria-labelledby="related-title">
                    <h2 id="related-title">"Related"</h2>
                    <p>"Runs on host " <a href=format!("/hosts/{}", c.host_id)>{c.host_name}</a></p>
                    <h3>"Services"</h3>
                    {if d.services.is_empty() {
                        view! { <p class="empty">"None."</p> }.into_any()
                    } else {
                        view! { <ul>{d.services.into_iter().map(|s| view! { <li><a href=format!("/services/{}", s.id)>{s.name}</a> " " <code>{s.target}</code></li> }).collect_view()}</ul> }.into_any()
                    }}
                </section>
                <ExposurePanel kind="container" data=exposure back=path.clone()/>
                <RangePicker path=path.clone() range/>
                <ResultsPanel data=results back=path/>
            }
        })}
    }
}

#[component]
pub fn ContainerFormPage() -> impl IntoView {
    let id = id_param();
    let start = Resource::new(
        move || id.get(),
        |id| async move {
            let form = id.map_or("container-new".to_string(), |id| {
                format!("container-edit-{id}")
            });
            let stored = async move {
                match id {
                    Some(id) => Ok(Some(load_container(id).await?.container.form_values())),
                    None => Ok(None),
                }
            };
            let start = starting_values(form, stored).await?;
            Ok::<_, ServerFnError>((id, start, load_choices().await?))
        },
    );
    view! {
        <Title text="Container"/>
        {loaded(start, |(id, (values, errors), choices)| {
            let (title, action, cancel) = match id {
                Some(id) => ("Edit container", format!("/actions/containers/{id}"), format!("/containers/{id}")),
                None => ("Add a container", "/actions/containers".to_string(), "/containers".to_string()),
            };
            let hosts = choices.hosts.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
            view! {
                <h1>{title}</h1>
                <InventoryForm action values errors validate=container_check submit="Save container" cancel>
                    <TextField name="name" label="Name" placeholder="nextcloud"/>
                    <SelectField name="host_id" label="Runs on host" options=hosts blank="— choose —"/>
                    <SelectField name="runtime" label="Runtime" options={choice_options::<ContainerRuntime>()}/>
                    <SelectField name="network_mode" label="Network mode" options={choice_options::<NetworkMode>()}/>
                    <TextArea name="addresses" label="Addresses" hint="One per line."/>
                    <TextArea name="published_ports" label="Published ports" hint="One per line: 8080:80/tcp, 443, [2001:db8::5]:8443:443."/>
                    <TextArea name="notes" label="Notes"/>
                </InventoryForm>
            }
        })}
    }
}

#[component]
pub fn ContainerDeletePage() -> impl IntoView {
    let id = id_param();
    let detail = Resource::new(
        move || id.get(),
        |id| load_container(id.unwrap_or_default()),
    );
    view! {
        <Title text="Delete container"/>
        {loaded(detail, |d| view! {
            <ConfirmDelete
                what=format!("container {}", d.container.name)
                action=format!("/actions/containers/{}/delete", d.container.id)
                cancel=format!("/containers/{}", d.container.id)
                consequences=d.services.iter().map(|s| format!("service {} is deleted", s.name)).collect()
            />
        })}
    }
}
