//! The Import page: upload (or paste) an LXD/Incus, Docker or DNS zone file, see what it
//! would create, update or leave alone, untick rows to leave out, and apply the rest in
//! one transaction.

use super::loaded::loaded;
use crate::queries::imports::{ImportPreview, PreviewRow, read_import_preview};
use leptos::prelude::*;
use leptos_meta::Title;

fn preview_row(row: PreviewRow) -> impl IntoView {
    let changing = row.action != "unchanged";
    let label = format!("{} {}", row.entity, row.key);
    view! {
        <tr class=format!("plan-{}", row.action)>
            <td data-label="Apply">
                {changing.then(|| view! {
                    <input type="checkbox" name="row" value=row.id.clone() checked=true aria-label=label.clone()/>
                })}
            </td>
            <td data-label="Action">{row.action.clone()}</td>
            <td data-label="Kind">{row.entity.clone()}</td>
            <td data-label="Record">{row.key.clone()} {row.matched_by.map(|by| view! { <small>" (matched by " {by} ")"</small> })}</td>
            <td data-label="Changes">
                <ul class="changes">
                    {row.changes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                </ul>
            </td>
        </tr>
    }
}

/// A live sync's last round: "Docker sync on pi: last run 2026-12-01 12:03:00 UTC, 2 created".
fn sync_run(run: store::rows::SyncRun) -> impl IntoView {
    let label = if run.runtime == "docker" {
        "Docker"
    } else {
        "LXD/Incus"
    };
    let when = chrono::DateTime::from_timestamp_millis(run.at)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_default();
    let class = if run.ok {
        "sync-run ok"
    } else {
        "sync-run error"
    };
    view! {
        <li class=class id=format!("sync-{}", run.runtime)>
            <strong>{format!("{label} sync")}</strong>
            {format!(" of {} on host {}: last run {when}, ", run.socket, run.host)}
            {if run.ok { view! { <span>{run.message}</span> }.into_any() } else { view! { <span role="alert">{format!("failed: {}", run.message)}</span> }.into_any() }}
        </li>
    }
}

fn kind_option(code: &'static str, label: &'static str, selected: bool) -> impl IntoView {
    view! { <option value=code selected=selected>{label}</option> }
}

fn page(p: ImportPreview) -> impl IntoView {
    let kind = if p.kind.is_empty() {
        "lxd".to_string()
    } else {
        p.kind.clone()
    };
    let has_rows = !p.rows.is_empty();
    let changes = p.rows.iter().filter(|r| r.action != "unchanged").count();
    let sync = (!p.sync.is_empty()).then(|| {
        view! {
            <section id="sync-status">
                <h2>"Live sync"</h2>
                <ul>{p.sync.into_iter().map(sync_run).collect_view()}</ul>
            </section>
        }
    });
    view! {
        {sync}
        {p.applied.map(|text| view! { <section class="notice ok" id="import-applied" role="status"><p>{text}</p></section> })}
        {p.error.map(|text| view! { <section class="notice error" id="import-error" role="alert"><p>{text}</p></section> })}
        <form method="post" action="/actions/import/preview" enctype="multipart/form-data" class="inventory-form" id="import-form">
            <label>"Kind"
                <select name="kind">
                    {kind_option("lxd", "LXD / Incus (lxc list --format json)", kind == "lxd")}
                    {kind_option("docker", "Docker (docker inspect, docker network inspect)", kind == "docker")}
                    {kind_option("zone", "DNS zone file", kind == "zone")}
                </select>
            </label>
            <label>"Parent host (LXD, Docker)" <input type="text" name="host" value=p.host.clone() placeholder="pi"/></label>
            <label>"Origin (zone)" <input type="text" name="origin" value=p.origin.clone() placeholder="lab.example"/></label>
            <label>"File (at most 4 MiB)" <input type="file" name="file"/></label>
            <label>"…or paste it" <textarea name="text" rows="6"></textarea></label>
            <button type="submit">"Preview"</button>
        </form>
        {has_rows.then(|| view! {
            <h2>"Preview of " {p.file_name.clone()}</h2>
            <p>{format!("{changes} change(s); untick a row to leave it out.")}</p>
            <form method="post" action="/actions/import/apply" id="import-apply">
                <table id="import-preview">
                    <thead><tr><th>"Apply"</th><th>"Action"</th><th>"Kind"</th><th>"Record"</th><th>"Changes"</th></tr></thead>
                    <tbody>{p.rows.into_iter().map(preview_row).collect_view()}</tbody>
                </table>
                <button type="submit">"Apply"</button>
            </form>
        })}
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let preview = Resource::new(|| (), |_| read_import_preview());
    view! {
        <Title text="Import"/>
        <h1>"Import"</h1>
        <p>"Read hosts, containers and prefixes from what already knows them. Nothing changes until you apply the preview; importing the same file again changes nothing."</p>
        {loaded(preview, page)}
    }
}
