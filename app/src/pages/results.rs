//! The results panel: what the scheduled probes of a host, container or service found.

use super::charts::{HistoryCharts, Range};
use super::loaded::loaded;
use crate::queries::checks::{CheckPanel, StoredResult, load_checks};
use leptos::prelude::*;

fn when(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn iso(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn ms(latency: Option<f64>) -> String {
    latency.map_or_else(|| "—".into(), |l| format!("{l:.1} ms"))
}

/// "OK" or "FAILED" in words, so the state never rests on colour alone.
fn verdict(ok: bool) -> impl IntoView {
    view! {
        <span class=if ok { "state ok" } else { "state fail" }>
            {if ok { "✓ OK" } else { "✗ FAILED" }}
        </span>
    }
}

/// The newest result of one family.
fn latest(label: &'static str, result: Option<StoredResult>) -> impl IntoView {
    match result {
        None => view! { <tr><th scope="row">{label}</th><td colspan="5">"no result yet"</td></tr> }
            .into_any(),
        Some(r) => view! {
            <tr>
                <th scope="row">{label}</th>
                <td>{verdict(r.ok)}</td>
                <td><code>{r.reason.clone()}</code></td>
                <td>{ms(r.latency_ms)}</td>
                <td><code>{r.address.clone().unwrap_or_else(|| "—".into())}</code></td>
                <td><time datetime=iso(r.at)>{when(r.at)}</time></td>
            </tr>
        }
        .into_any(),
    }
}

fn evidence(result: &StoredResult) -> impl IntoView + use<> {
    let family = result.family.label();
    let items = result.evidence();
    view! {
        <li>
            {family} " at " {when(result.at)} ":"
            <ul>
                {items.into_iter().map(|e| view! {
                    <li>
                        <code>{e.address.unwrap_or_else(|| "no address".into())}</code>
                        " " <code>{e.reason}</code> " " {ms(e.latency_ms)} " " {e.detail}
                    </li>
                }).collect_view()}
            </ul>
        </li>
    }
}

#[component]
fn CheckCard(check: CheckPanel, back: String) -> impl IntoView {
    let id = check.id;
    let newest: Vec<StoredResult> = [check.latest_v6.clone(), check.latest_v4.clone()]
        .into_iter()
        .flatten()
        .collect();
    let heading = format!("{} {}", check.kind.to_uppercase(), check.target);
    let label = heading.clone();
    let chart = view! {
        <HistoryCharts history=check.history.clone() id=format!("check-{id}") name=heading.clone()/>
    }
    .into_any();
    view! {
        <section class="check" aria-label=label>
            <h3>{heading} " " <small>{format!("every {} s", check.interval_secs)}
                {if check.enabled { "" } else { " · disabled" }}</small></h3>
            <table class="list results">
                <thead><tr><th scope="col">"Family"</th><th scope="col">"State"</th><th scope="col">"Reason"</th>
                    <th scope="col">"Latency"</th><th scope="col">"Address used"</th><th scope="col">"When (UTC)"</th></tr></thead>
                <tbody>
                    {latest("IPv6", check.latest_v6.clone())}
                    {latest("IPv4", check.latest_v4.clone())}
                </tbody>
            </table>
            {chart}
            <details>
                <summary>"Evidence of the last run"</summary>
                <ul class="evidence">{newest.iter().map(evidence).collect_view()}</ul>
            </details>
            <div class="check-actions">
                <form method="post" action=format!("/actions/checks/{id}/run")>
                    <input type="hidden" name="back" value=back.clone()/>
                    <button type="submit">"Run now"</button>
                </form>
                <form method="post" action=format!("/actions/checks/{id}/enabled")>
                    <input type="hidden" name="back" value=back.clone()/>
                    <input type="hidden" name="enabled" value=if check.enabled { "0" } else { "1" }/>
                    <button type="submit">{if check.enabled { "Disable" } else { "Enable" }}</button>
                </form>
            </div>
            <form class="thresholds" method="post" action=format!("/actions/checks/{id}/thresholds")>
                <input type="hidden" name="back" value=back/>
                <label>"Alert after "
                    <input type="number" name="fail_after" min="1" max="100" required
                        value=check.fail_after.to_string()/>
                    " failed runs,"</label>
                " "
                <label>"resolve after "
                    <input type="number" name="recover_after" min="1" max="100" required
                        value=check.recover_after.to_string()/>
                    " passes"</label>
                " "
                <button type="submit">"Save thresholds"</button>
            </form>
        </section>
    }
}

/// The checks of one subject (`host`, `container` or `service`) with their results and their
/// history over `range`.
#[component]
pub fn ResultsPanel(
    subject: &'static str,
    id: i64,
    back: String,
    range: Memo<Range>,
) -> impl IntoView {
    let panels = Resource::new(
        move || (id, range.get()),
        move |(id, range)| load_checks(subject.to_string(), id, range.code().to_string()),
    );
    view! {
        <h2>"Checks and results"</h2>
        {loaded(panels, move |panels| {
            let back = back.clone();
            if panels.is_empty() {
                view! { <p class="empty">"No checks: add an IPv6 address or a service."</p> }.into_any()
            } else {
                panels.into_iter().map(|check| view! { <CheckCard check back=back.clone()/> }).collect_view().into_any()
            }
        })}
    }
}
