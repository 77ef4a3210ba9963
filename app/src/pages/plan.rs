//! The address plan: the prefix tree with the inventory's addresses placed inside.

use super::filters::{Choices, FilterForm, Shown, use_list_query};
use super::form::{ConfirmDelete, InventoryForm, TextField, starting_values};
use super::loaded::{id_param, loaded};
use crate::queries::inventory::get_prefix;
use crate::queries::plan::{PlacedAddress, address_plan};
use leptos::prelude::*;
use leptos_meta::Title;
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::inventory::PrefixInput;
use model::plan_rules::Finding;

fn prefix_check(values: &FormValues) -> FieldErrors {
    PrefixInput::validate(values).err().unwrap_or_default()
}

fn placed(addresses: Vec<PlacedAddress>) -> impl IntoView {
    view! {
        <ul class="placed">
            {addresses.into_iter().map(|a| view! {
                <li><code>{a.address}</code> " " <a href=a.owner_link>{a.owner}</a></li>
            }).collect_view()}
        </ul>
    }
}

fn findings(findings: Vec<Finding>) -> impl IntoView {
    view! {
        <section class="notice warn" id="findings">
            <h2>"Address-plan findings"</h2>
            <ul class="findings">
                {findings.into_iter().map(|f| view! {
                    <li class=format!("finding {}", f.severity.code()) data-code=f.code.clone()>
                        <strong>{format!("{} ({}): {}", f.code, f.severity.code(), f.subject)}</strong>
                        " " {f.objects.into_iter().map(|o| view! {
                            <a class="object" href=o.link>{format!("{} {}", o.kind, o.label)}</a>" "
                        }).collect_view()}
                        <p>{f.explanation}</p>
                        <p class="hint">{format!("What to do: {}", f.action)}</p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

fn family_choices() -> Vec<Choices> {
    vec![Choices {
        label: "Family",
        name: "kind",
        options: vec![
            ("ipv6".into(), "IPv6".into()),
            ("ipv4".into(), "IPv4".into()),
        ],
    }]
}

#[component]
pub fn PlanPage() -> impl IntoView {
    let query = use_list_query();
    let plan = Resource::new(
        move || query.get(),
        |q| async move {
            let all = address_plan().await?;
            let total = all.nodes.len();
            Ok::<_, ServerFnError>((all.filtered(&q), total, q))
        },
    );
    view! {
        <Title text="Address plan"/>
        <div class="page-head"><h1>"Address plan"</h1><a class="button primary" href="/prefixes/new">"Add prefix"</a></div>
        {loaded(plan, |(plan, total, q)| view! {
            {(total > 0).then(|| view! {
                <FilterForm query=q.clone() path="/prefixes" search_hint="prefix, purpose, address or owner" choices=family_choices()/>
                <Shown shown=plan.nodes.len() total what="prefixes" query=q.clone()/>
            })}
            {(!plan.findings.is_empty()).then(|| findings(plan.findings))}
            {(!plan.outside.is_empty()).then(|| view! {
                <section class="notice warn" id="outside" data-code="outside_prefixes">
                    <h2>"Addresses outside every declared prefix (outside_prefixes)"</h2>
                    {placed(plan.outside)}
                </section>
            })}
            {if plan.nodes.is_empty() && total > 0 {
                view! { <p class="empty">"No prefix matches."</p> }.into_any()
            } else if plan.nodes.is_empty() {
                view! { <p class="empty">"No prefixes yet: add the /48 or /56 your broker or ISP delegates, then the /64s inside it."</p> }.into_any()
            } else {
                view! {
                    <ul class="tree" id="plan">
                        {plan.nodes.into_iter().map(|n| view! {
                            <li style=format!("--depth: {}", n.depth) data-depth=n.depth>
                                <a href=format!("/prefixes/{}/edit", n.prefix.id)><code>{n.prefix.cidr}</code></a>
                                " " <span class="purpose">{n.prefix.purpose}</span>
                                " " <a class="small danger" href=format!("/prefixes/{}/delete", n.prefix.id)>"delete"</a>
                                {placed(n.addresses)}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        })}
    }
}

#[component]
pub fn PrefixFormPage() -> impl IntoView {
    let id = id_param();
    let start = Resource::new(
        move || id.get(),
        |id| async move {
            let form = id.map_or("prefix-new".to_string(), |id| format!("prefix-edit-{id}"));
            let stored = async move {
                match id {
                    Some(id) => Ok(Some(get_prefix(id).await?.form_values())),
                    None => Ok(None),
                }
            };
            starting_values(form, stored).await.map(|start| (id, start))
        },
    );
    view! {
        <Title text="Prefix"/>
        {loaded(start, |(id, (values, errors))| {
            let (title, action) = match id {
                Some(id) => ("Edit prefix", format!("/actions/prefixes/{id}")),
                None => ("Add a prefix", "/actions/prefixes".to_string()),
            };
            view! {
                <h1>{title}</h1>
                <InventoryForm action values errors validate=prefix_check submit="Save prefix" cancel="/prefixes".into()>
                    <TextField name="cidr" label="Prefix" placeholder="2001:db8:1::/48" hint="Address and length; IPv6 or IPv4."/>
                    <TextField name="purpose" label="Purpose" placeholder="LAN, containers, from the tunnel broker…"/>
                </InventoryForm>
            }
        })}
    }
}

#[component]
pub fn PrefixDeletePage() -> impl IntoView {
    let id = id_param();
    let prefix = Resource::new(move || id.get(), |id| get_prefix(id.unwrap_or_default()));
    view! {
        <Title text="Delete prefix"/>
        {loaded(prefix, |p| view! {
            <ConfirmDelete
                what=format!("prefix {}", p.cidr)
                action=format!("/actions/prefixes/{}/delete", p.id)
                cancel="/prefixes".into()
                consequences=vec!["addresses inside it move to its parent prefix, or are flagged as outside the plan".into()]
            />
        })}
    }
}
