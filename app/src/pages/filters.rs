//! The filter form above an inventory list (a plain GET form: works without JavaScript),
//! sortable column headers, and the "showing n of m" line.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use model::domain::listing::ListQuery;

/// The list query of the current address, parsed.
pub fn use_list_query() -> Memo<ListQuery> {
    let params = use_query_map();
    Memo::new(move |_| {
        let params = params.read();
        ListQuery::parse(|key| params.get(key))
    })
}

/// A select of the filter form: its label, field name and (code, label) options.
pub struct Choices {
    pub label: &'static str,
    pub name: &'static str,
    pub options: Vec<(String, String)>,
}

/// The filter form. `tag` adds the tag field; `choices` adds selects (kind, verdict).
#[component]
pub fn FilterForm(
    query: ListQuery,
    /// The list's own path, for "Clear".
    path: &'static str,
    /// What the search field searches, as a hint.
    search_hint: &'static str,
    #[prop(optional)] tag: bool,
    #[prop(optional)] choices: Vec<Choices>,
) -> impl IntoView {
    let selects = choices
        .into_iter()
        .map(|c| {
            let current = match c.name {
                "verdict" => query.verdict.clone(),
                _ => query.kind.clone(),
            };
            let id = format!("filter-{}", c.name);
            view! {
                <div class="field">
                    <label for=id.clone()>{c.label}</label>
                    <select id=id name=c.name>
                        <option value="" selected=current.is_empty()>"Any"</option>
                        {c.options.into_iter().map(|(value, text)| {
                            let selected = value == current;
                            view! { <option value=value selected=selected>{text}</option> }
                        }).collect_view()}
                    </select>
                </div>
            }
        })
        .collect_view();
    let error = query.prefix_error.clone();
    view! {
        <form class="filters" method="get" action=path role="search" aria-label="Filter the list">
            <div class="field">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" name="q" type="search" value=query.q.clone() placeholder=search_hint/>
            </div>
            {tag.then(|| view! {
                <div class="field">
                    <label for="filter-tag">"Tag"</label>
                    <input id="filter-tag" name="tag" type="text" value=query.tag.clone()/>
                </div>
            })}
            {selects}
            <div class="field" class:invalid=error.is_some()>
                <label for="filter-prefix">"In prefix"</label>
                <input id="filter-prefix" name="prefix" type="text" value=query.prefix_text.clone()
                    placeholder="2001:db8:1::/48" aria-describedby="prefix-error" spellcheck="false"/>
            </div>
            {(!query.sort.is_empty()).then(|| view! {
                <input type="hidden" name="sort" value=query.sort.clone()/>
                <input type="hidden" name="dir" value=if query.desc { "desc" } else { "asc" }/>
            })}
            <div class="actions">
                <button type="submit">"Filter"</button>
                " " <a href=path>"Clear"</a>
            </div>
        </form>
        {error.map(|e| view! {
            <p class="notice error" id="prefix-error" role="alert">
                "In prefix: " {e} ". The list is not filtered by prefix."
            </p>
        })}
    }
}

/// A column header that sorts the list by `key` when followed; the sorted one says so to
/// screen readers with `aria-sort`.
#[component]
pub fn SortHeader(
    label: &'static str,
    key: &'static str,
    query: ListQuery,
    /// The column keys of this list, default first.
    keys: &'static [&'static str],
) -> impl IntoView {
    let active = query.active_sort(keys) == Some(key);
    let sort = active.then_some(if query.desc {
        "descending"
    } else {
        "ascending"
    });
    let arrow = sort.map(|s| if s == "descending" { " ↓" } else { " ↑" });
    view! {
        <th scope="col" aria-sort=sort>
            <a href=query.sort_link(key, active) class="sort">{label}{arrow.map(|a| view! { <span aria-hidden="true">{a}</span> })}</a>
        </th>
    }
}

/// "Showing 2 of 5 hosts." when a filter is on.
#[component]
pub fn Shown(shown: usize, total: usize, what: &'static str, query: ListQuery) -> impl IntoView {
    (query.filters()).then(|| {
        view! { <p class="shown" id="shown">{format!("Showing {shown} of {total} {what}.")}</p> }
    })
}
