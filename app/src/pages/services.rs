//! Service pages: list (with verdict badges), detail (with the IPv6-only verdict and its
//! evidence), create/edit, delete.

use super::charts::{ChartRange, Range, RangePicker};
use super::filters::{Choices, FilterForm, Shown, SortHeader, use_list_query};
use super::form::{
    ConfirmDelete, InventoryForm, SelectField, TextArea, TextField, choice_options, starting_values,
};
use super::live::use_live;
use super::loaded::{id_param, loaded};
use super::results::{ResultsData, ResultsPanel};
use super::status_cell::StatusCell;
use super::verdicts::{VerdictBadge, VerdictData, VerdictPanel};
use crate::queries::inventory::{get_service, list_services, load_choices};
use crate::queries::subject_status::{StatusMap, SubjectStatus, by_status, list_statuses};
use crate::queries::verdicts::{ServiceBadge, list_badges};
use leptos::prelude::*;
use leptos_meta::Title;
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::domain::listing::{ListQuery, by_text};
use model::inventory::{Service, ServiceInput, ServiceKind};

fn service_check(values: &FormValues) -> FieldErrors {
    ServiceInput::validate(values).err().unwrap_or_default()
}

fn owner_link(s: &model::inventory::Service) -> String {
    match (s.host_id, s.container_id) {
        (Some(h), _) => format!("/hosts/{h}"),
        (_, Some(c)) => format!("/containers/{c}"),
        _ => "/services".into(),
    }
}

/// Sortable columns of the services list, default first.
const SERVICE_SORTS: &[&str] = &["name", "verdict", "status", "kind", "target", "owner"];

/// A service with its verdict and its checks' status, as the list shows it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Row {
    service: Service,
    verdict: Option<String>,
    status: Option<SubjectStatus>,
}

fn verdict_rank(verdict: Option<&str>) -> u8 {
    match verdict {
        Some("broken") => 0,
        Some("partial") => 1,
        Some("ready") => 2,
        _ => 3,
    }
}

/// The services the query asks for, in its order.
fn listed_services(
    services: Vec<Service>,
    badges: &[ServiceBadge],
    statuses: &StatusMap,
    q: &ListQuery,
) -> Vec<Row> {
    let mut rows: Vec<Row> = services
        .into_iter()
        .map(|service| Row {
            status: statuses.get(&service.id).cloned(),
            verdict: badges
                .iter()
                .find(|b| b.service_id == service.id)
                .and_then(|b| b.verdict.clone()),
            service,
        })
        .filter(|r| {
            let s = &r.service;
            q.text_matches([s.name.as_str(), s.target.as_str(), s.owner_name.as_str()])
                && q.kind_matches(&s.kind)
                && q.verdict_matches(r.verdict.as_deref())
                && q.prefix_matches([s.target.as_str()])
        })
        .collect();
    q.sort(
        &mut rows,
        &[
            ("name", |a, b| by_text(&a.service.name, &b.service.name)),
            ("verdict", |a, b| {
                verdict_rank(a.verdict.as_deref()).cmp(&verdict_rank(b.verdict.as_deref()))
            }),
            ("status", |a, b| {
                by_status(&a.status, &b.status).then(by_text(&a.service.name, &b.service.name))
            }),
            ("kind", |a, b| by_text(&a.service.kind, &b.service.kind)),
            ("target", |a, b| {
                by_text(&a.service.target, &b.service.target)
            }),
            ("owner", |a, b| {
                by_text(&a.service.owner_name, &b.service.owner_name)
            }),
        ],
    );
    rows
}

fn verdict_choices() -> Vec<(String, String)> {
    [
        ("broken", "broken"),
        ("partial", "partial"),
        ("ready", "ready"),
        ("unjudged", "not judged"),
    ]
    .into_iter()
    .map(|(code, label)| (code.to_string(), label.to_string()))
    .collect()
}

#[component]
pub fn ServicesPage() -> impl IntoView {
    let query = use_list_query();
    // The rows follow live updates; the filter form above them does not.
    let live = use_live();
    let services = Resource::new(
        move || (query.get(), live()),
        |(q, _)| async move {
            let all = list_services().await?;
            let badges = list_badges().await?;
            let statuses = list_statuses("service".into()).await?;
            let total = all.len();
            Ok::<_, ServerFnError>((listed_services(all, &badges, &statuses, &q), total, q))
        },
    );
    view! {
        <Title text="Services"/>
        <div class="page-head"><h1>"Services"</h1><a class="button primary" href="/services/new">"Add service"</a></div>
        {move || {
            let kinds = Choices { label: "Kind", name: "kind", options: choice_options::<ServiceKind>() };
            let verdicts = Choices { label: "IPv6-only verdict", name: "verdict", options: verdict_choices() };
            view! { <FilterForm query=query.get() path="/services" search_hint="name, target or where it runs" choices=vec![kinds, verdicts]/> }
        }}
        {loaded(services, |(rows, total, q)| if total == 0 {
            view! { <p class="empty">"No services yet."</p> }.into_any()
        } else {
            let header = |label, key| view! { <SortHeader label key query=q.clone() keys=SERVICE_SORTS/> };
            view! {
                <Shown shown=rows.len() total what="services" query=q.clone()/>
                <div class="table-scroll">
                    <table class="list" id="services">
                        <thead><tr>
                            {header("IPv6-only", "verdict")}
                            {header("Name", "name")}
                            {header("Status", "status")}
                            {header("Kind", "kind")}
                            {header("Target", "target")}
                            {header("Runs on", "owner")}
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|Row { service: s, verdict, status }| {
                                let owner = owner_link(&s);
                                let judged = s.kind == "http";
                                view! {
                                    <tr>
                                        <td>{if judged || verdict.is_some() {
                                            view! { <VerdictBadge verdict/> }.into_any()
                                        } else {
                                            view! { <span class="muted">"—"</span> }.into_any()
                                        }}</td>
                                        <td><a href=format!("/services/{}", s.id)>{s.name}</a></td>
                                        <StatusCell status/>
                                        <td>{s.kind}</td>
                                        <td><code>{s.target}</code>{s.port.map(|p| format!(" port {p}"))}</td>
                                        <td><a href=owner>{s.owner_name}</a></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        })}
    }
}

#[component]
pub fn ServicePage() -> impl IntoView {
    let id = id_param();
    let service = Resource::new(move || id.get(), |id| get_service(id.unwrap_or_default()));
    // Every resource of the page is made here, outside its suspenses (see `ResultsData`).
    let default_range = Resource::new(
        move || id.get(),
        move |_| async move { service.await.map_or(Range::Day, |s| new_service_range(&s)) },
    );
    let chart_range = ChartRange::from_query_or(default_range);
    let verdicts = VerdictData::new(id, chart_range);
    let results = ResultsData::new("service", id, chart_range);
    view! {
        {loaded(service, move |s| {
            let owner = owner_link(&s);
            let path = format!("/services/{}", s.id);
            let judged = s.kind == "http";
            let range = chart_range.shown_or(new_service_range(&s));
            let port = (s.kind == "tcp").then(|| view! {
                <dt>"Port"</dt><dd>{s.port.map(|p| p.to_string()).unwrap_or_else(|| "—".into())}</dd>
            });
            let status = judged.then(|| view! {
                <dt>"Expected status"</dt><dd>{s.expected_status.map(|p| p.to_string()).unwrap_or_else(|| "any 2xx".into())}</dd>
            });
            let dependencies = (!s.dependencies.is_empty()).then(|| view! {
                <h2>"Declared dependencies"</h2>
                <ul>{s.dependencies.into_iter().map(|d| view! { <li><code>{d}</code></li> }).collect_view()}</ul>
            });
            view! {
                <Title text=s.name.clone()/>
                <div class="page-head">
                    <h1>{s.name.clone()}</h1>
                    <a class="button" href=format!("/services/{}/edit", s.id)>"Edit"</a>
                    <a class="button danger" href=format!("/services/{}/delete", s.id)>"Delete"</a>
                </div>
                <dl class="facts">
                    <dt>"Kind"</dt><dd>{s.kind}</dd>
                    <dt>"Target"</dt><dd><code>{s.target}</code></dd>
                    {port}
                    {status}
                    <dt>"Runs on"</dt><dd><a href=owner>{s.owner_name}</a></dd>
                </dl>
                {dependencies}
                <RangePicker path=path.clone() range/>
                <VerdictPanel data=verdicts judged/>
                <ResultsPanel data=results back=path/>
            }
        })}
    }
}

/// A service added today has an hour of history at most: its charts show that hour.
fn new_service_range(s: &Service) -> Range {
    if added_today(&s.created_at) {
        Range::Hour
    } else {
        Range::Day
    }
}

/// Whether a stored `created_at` (`2026-12-01T10:00:00Z`) is less than a day ago.
fn added_today(created_at: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(created_at)
        .map(|t| chrono::Utc::now().signed_duration_since(t) < chrono::TimeDelta::days(1))
        .unwrap_or(false)
}

#[component]
pub fn ServiceFormPage() -> impl IntoView {
    let id = id_param();
    let start = Resource::new(
        move || id.get(),
        |id| async move {
            let form = id.map_or("service-new".to_string(), |id| format!("service-edit-{id}"));
            let stored = async move {
                match id {
                    Some(id) => Ok(Some(get_service(id).await?.form_values())),
                    None => Ok(None),
                }
            };
            let start = starting_values(form, stored).await?;
            Ok::<_, ServerFnError>((id, start, load_choices().await?))
        },
    );
    view! {
        <Title text="Service"/>
        {loaded(start, |(id, (values, errors), choices)| {
            let (title, action, cancel) = match id {
                Some(id) => ("Edit service", format!("/actions/services/{id}"), format!("/services/{id}")),
                None => ("Add a service", "/actions/services".to_string(), "/services".to_string()),
            };
            let owners = choices
                .hosts
                .into_iter()
                .map(|(id, name)| (format!("host:{id}"), format!("host {name}")))
                .chain(choices.containers.into_iter().map(|(id, name)| (format!("container:{id}"), format!("container {name}"))))
                .collect();
            view! {
                <h1>{title}</h1>
                <InventoryForm action values errors validate=service_check submit="Save service" cancel>
                    <TextField name="name" label="Name" placeholder="Nextcloud"/>
                    <SelectField name="owner" label="Runs on" options=owners blank="— choose —"/>
                    <SelectField name="kind" label="Kind" options={choice_options::<ServiceKind>()}/>
                    <TextField name="target" label="Target" hint="A URL for HTTP(S); a host name or address otherwise." placeholder="https://cloud.home.example/"/>
                    <TextField name="port" label="Port (TCP)"/>
                    <TextField name="expected_status" label="Expected HTTP status" placeholder="200"/>
                    <TextArea name="dependencies" label="Declared dependencies" hint="One per line: host:port or a URL it needs (registry, package mirror, API)."/>
                </InventoryForm>
            }
        })}
    }
}

#[component]
pub fn ServiceDeletePage() -> impl IntoView {
    let id = id_param();
    let service = Resource::new(move || id.get(), |id| get_service(id.unwrap_or_default()));
    view! {
        <Title text="Delete service"/>
        {loaded(service, |s| view! {
            <ConfirmDelete
                what=format!("service {}", s.name)
                action=format!("/actions/services/{}/delete", s.id)
                cancel=format!("/services/{}", s.id)
                consequences=vec![]
            />
        })}
    }
}
