//! The results panel: what the scheduled probes of a host, container or service found.

use super::charts::{ChartRange, HistoryCharts};
use super::live::use_live;
use super::loaded::loaded;
use crate::queries::checks::{CheckPanel, StoredResult, checks_expected, load_checks};
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

/// The newest result of one family; a failure the failed self-test puts in doubt says so.
fn latest(label: &'static str, result: Option<StoredResult>, suspect: bool) -> impl IntoView {
    match result {
        None => view! { <tr><th scope="row">{label}</th><td colspan="5">"no result yet"</td></tr> }
            .into_any(),
        Some(r) => view! {
            <tr>
                <th scope="row">{label}</th>
                <td data-label="State">{verdict(r.ok)}{(suspect && !r.ok).then(super::overview::suspect_mark)}</td>
                <td data-label="Reason"><code>{r.reason.clone()}</code></td>
                <td data-label="Latency">{ms(r.latency_ms)}</td>
                <td data-label="Address used"><code>{r.address.clone().unwrap_or_else(|| "—".into())}</code></td>
                <td data-label="When (UTC)"><time datetime=iso(r.at)>{when(r.at)}</time></td>
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

/// Whether a check's target (`2001:db8::1`, `http://[2001:db8::1]:8080/`,
/// `2001:db8::1 port 22`) is an IPv6 address rather than a name.
fn names_ipv6_literal(target: &str) -> bool {
    let host = match target.split_once("://") {
        Some((_, rest)) => rest
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .map_or("", |(h, _)| h),
        None => target.split_whitespace().next().unwrap_or_default(),
    };
    host.parse::<std::net::Ipv6Addr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::names_ipv6_literal;

    #[test]
    fn an_ipv6_literal_target_is_told_from_a_name() {
        for yes in [
            "2001:db8::1",
            "http://[2001:db8::1]:8080/x",
            "fd00::5 port 22",
        ] {
            assert!(names_ipv6_literal(yes), "{yes}");
        }
        for no in [
            "192.0.2.1",
            "https://cloud.example/",
            "nas.lab port 22",
            "http://192.0.2.1/",
        ] {
            assert!(!names_ipv6_literal(no), "{no}");
        }
    }
}

/// The newest reading of the subject's checks, after a live update (None before any).
type Fresh = Resource<Result<Option<Vec<CheckPanel>>, ServerFnError>>;

#[component]
fn CheckCard(check: CheckPanel, back: String, fresh: Fresh) -> impl IntoView {
    let id = check.id;
    // An IPv6 address (or a URL naming one) is never probed over IPv4: no row waits for it.
    let v4_possible = check.latest_v4.is_some() || !names_ipv6_literal(&check.target);
    let heading = format!("{} {}", check.kind.to_uppercase(), check.target);
    let label = heading.clone();
    // Results, charts and evidence follow live updates; the heading and the forms hold
    // still, so what is typed into them stays. Worked out once per change, and only a card
    // whose check changed draws again.
    let initial = check.clone();
    let current = Memo::new(move |_| {
        fresh
            .get()
            .and_then(|r| r.ok().flatten())
            .and_then(|list| list.into_iter().find(|c| c.id == id))
            .unwrap_or_else(|| initial.clone())
    });
    let rows = move || {
        let c = current.get();
        let v4 = (v4_possible || c.latest_v4.is_some())
            .then(|| latest("IPv4", c.latest_v4.clone(), false));
        view! { {latest("IPv6", c.latest_v6, c.monitor_suspect)} {v4} }
    };
    let chart = {
        let heading = heading.clone();
        move || {
            let c = current.get();
            view! { <HistoryCharts history=c.history id=format!("check-{id}") name=heading.clone()/> }
        }
    };
    let evidence_list = move || {
        let c = current.get();
        [c.latest_v6, c.latest_v4]
            .into_iter()
            .flatten()
            .map(|r| evidence(&r))
            .collect_view()
    };
    view! {
        <section class="check" aria-label=label>
            <h3>{heading} " " <small>{format!("every {} s", check.interval_secs)}
                {if check.enabled { "" } else { " · disabled" }}</small></h3>
            <table class="list results">
                <thead><tr><th scope="col">"Family"</th><th scope="col">"State"</th><th scope="col">"Reason"</th>
                    <th scope="col">"Latency"</th><th scope="col">"Address used"</th><th scope="col">"When (UTC)"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {check.standing.as_ref().map(|s| view! {
                <p class="alert-standing" role="note">{super::alerts::standing_note(s)}</p>
            })}
            {chart}
            <details>
                <summary>"Evidence of the last run"</summary>
                <ul class="evidence">{evidence_list}</ul>
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

/// What a [`ResultsPanel`] shows, made with its page: every resource of a page is made
/// outside its suspenses, since one made while a suspended view renders gets another place in
/// the order on the server than in the browser (the page hydrates with the wrong data), and a
/// suspense that renders its children again makes it again, without end.
#[derive(Clone, Copy)]
pub struct ResultsData {
    panels: Resource<Result<Vec<CheckPanel>, ServerFnError>>,
    fresh: Fresh,
    expected: Resource<Result<bool, ServerFnError>>,
}

impl ResultsData {
    /// The checks of one subject (`host`, `container` or `service`) with their results and
    /// their history over `range`.
    pub fn new(subject: &'static str, id: Memo<Option<i64>>, range: ChartRange) -> Self {
        // Until the subject has checks, live updates read them again (a new host's or
        // service's checks appear by themselves); from then on the cards hold still and only
        // their results are read again, so what is typed into their forms stays.
        let live = use_live();
        let settled_for = RwSignal::new(None::<i64>);
        let settled = move || settled_for.get().is_some() && settled_for.get() == id.get();
        let load = move |id: Option<i64>, chosen| async move {
            let range = range.resolve(chosen).await;
            load_checks(
                subject.to_string(),
                id.unwrap_or_default(),
                range.code().to_string(),
            )
            .await
        };
        let panels = Resource::new(
            move || (id.get(), range.chosen(), if settled() { 0 } else { live() }),
            move |(id, chosen, _)| load(id, chosen),
        );
        let fresh: Fresh = Resource::new(
            move || (id.get(), range.chosen(), if settled() { live() } else { 0 }),
            move |(id, chosen, change)| async move {
                if change == 0 {
                    return Ok(None);
                }
                load(id, chosen).await.map(Some)
            },
        );
        let expected = Resource::new(
            move || id.get(),
            move |id| checks_expected(subject.to_string(), id.unwrap_or_default()),
        );
        Effect::new(move |_| {
            if panels.with(|p| matches!(p, Some(Ok(list)) if !list.is_empty())) {
                settled_for.set(id.get_untracked());
            }
        });
        Self {
            panels,
            fresh,
            expected,
        }
    }
}

/// The checks of one subject with their results and history.
#[component]
pub fn ResultsPanel(data: ResultsData, back: String) -> impl IntoView {
    let ResultsData {
        panels,
        fresh,
        expected,
    } = data;
    view! {
        <h2>"Checks and results"</h2>
        {loaded(panels, move |panels| {
            let back = back.clone();
            if panels.is_empty() {
                view! { <NoChecksYet expected/> }.into_any()
            } else {
                panels.into_iter().map(|check| view! { <CheckCard check back=back.clone() fresh/> }).collect_view().into_any()
            }
        })}
    }
}

/// What a subject without checks is waiting for: the scheduler (it derives the checks the
/// inventory calls for within seconds of a save), or an address or service to check.
#[component]
fn NoChecksYet(expected: Resource<Result<bool, ServerFnError>>) -> impl IntoView {
    view! {
        {loaded(expected, |expected| if expected {
            view! { <p class="empty pending" id="checks-pending">"Checks being set up: the first results appear here within seconds."</p> }.into_any()
        } else {
            view! { <p class="empty">"No checks: add an IPv6 address or a service."</p> }.into_any()
        })}
    }
}
