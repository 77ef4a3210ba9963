//! IPv6-only verdicts on the pages: the badge (IPvFoo style: a green "6" when ready, an amber
//! "6" with a small "4" when partial, a red "4" when broken, always with the word for screen
//! readers), and a service's evidence panel: each dependency host, its addresses, verdict,
//! reason and the URLs that pulled it in, then the verdict history.

use super::charts::{ChartRange, Timeline, VerdictTimeline};
use super::live::use_live;
use super::loaded::loaded;
use crate::queries::history::load_verdict_timeline;
use crate::queries::verdicts::{
    DependencyRow, HistoryRow, RequestRow, ServiceVerdicts, VerdictDetail, load_service_verdicts,
};
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

/// What a probes reason code means, in words (see `probes/REASONS.md`).
pub fn reason_meaning(code: &str) -> &'static str {
    match code {
        "ok" => "works",
        "nxdomain" => "the name does not exist",
        "no_aaaa" => "no IPv6 address (no AAAA record)",
        "ipv4_literal" => "an IPv4 address: IPv6-only clients cannot reach it",
        "no_a" => "no IPv4 address (no A record)",
        "dns_error" => "the nameserver failed to answer properly, or the name is invalid",
        "dns_timeout" => "no nameserver answered in time",
        "timeout" => "no answer in time (dropped somewhere)",
        "unreachable" => "no route to its IPv6 address",
        "refused" => "nothing listens there over IPv6 (connection refused)",
        "reset" => "the connection was reset",
        "tls_error" => "the TLS handshake failed (certificate or protocol)",
        "http_status" => "answered with an unexpected HTTP status",
        "too_large" => "the answer was larger than the cap",
        "http_error" => "a malformed HTTP answer or redirect",
        "too_many_redirects" => "too many redirects",
        "redirect_to_ipv4_only" => "redirects to a host without working IPv6",
        "socket_error" => "a local socket could not be used",
        "denied" => "inside a --deny-target range: not probed",
        _ => "see the reason code",
    }
}

/// A service verdict badge; `None` is "not judged yet".
#[component]
pub fn VerdictBadge(verdict: Option<String>) -> impl IntoView {
    let (class, mark, small, word) = match verdict.as_deref() {
        Some("ready") => ("verdict ready", "6", "", "ready"),
        Some("partial") => ("verdict partial", "6", "4", "partial"),
        Some("broken") => ("verdict broken", "4", "", "broken"),
        _ => ("verdict unjudged", "?", "", "not judged yet"),
    };
    view! {
        <span class=class title=word>
            <span aria-hidden="true">{mark}{(!small.is_empty()).then(|| view! { <sub>{small}</sub> })}</span>
            <span class="sr-only">{word}</span>
        </span>
    }
}

/// A dependency host's badge: `ready` "6", `nat64` "6*" (only through NAT64), `broken` "4".
#[component]
pub fn DependencyBadge(verdict: String) -> impl IntoView {
    let (class, mark, word) = match verdict.as_str() {
        "ready" => ("verdict ready", "6", "ready"),
        "nat64" => ("verdict nat64", "6*", "ready through NAT64 only"),
        _ => ("verdict broken", "4", "broken"),
    };
    view! {
        <span class=class title=word>
            <span aria-hidden="true">{mark}</span>
            <span class="sr-only">{word}</span>
        </span>
    }
}

fn address_list(addresses: Vec<String>) -> impl IntoView {
    if addresses.is_empty() {
        view! { <span class="none">"none"</span> }.into_any()
    } else {
        view! {
            <ul class="addresses">
                {addresses.into_iter().map(|a| view! { <li><code>{a}</code></li> }).collect_view()}
            </ul>
        }
        .into_any()
    }
}

fn reason_cell(reason: Option<String>) -> impl IntoView {
    reason.map(|code| {
        let meaning = reason_meaning(&code);
        view! { <code>{code}</code> <span class="meaning">{meaning}</span> }
    })
}

/// Which judge found a host, in words.
fn found_by_text(found_by: &[String]) -> &'static str {
    let has = |j: &str| found_by.iter().any(|f| f == j);
    match (has("static"), has("browser")) {
        (true, true) => "found in the HTML and by the browser",
        (false, true) => "found by the browser only",
        _ => "found in the HTML or CSS",
    }
}

/// Requests shown before the rest fold away.
const REQUESTS_SHOWN: usize = 3;

fn request_item(r: RequestRow) -> impl IntoView {
    let class = format!("request {}", r.outcome);
    let (how, ended) = (r.how(), r.ended());
    view! {
        <li class=class><code>{r.url}</code>
            <span class="how">{how} " · " <span class="ended">{ended}</span></span></li>
    }
}

/// The browser's requests to the host with what asked for each (like IPvFoo's popup), or
/// the URLs the static judge read when the browser did not ask for it.
fn pulled_in_by(requests: Vec<RequestRow>, urls: Vec<String>, more_urls: usize) -> impl IntoView {
    if requests.is_empty() {
        return view! {
            <ul class="urls">
                {urls.into_iter().map(|u| view! { <li><code>{u}</code></li> }).collect_view()}
            </ul>
            {(more_urls > 0).then(|| view! { <p class="more">{format!("and {more_urls} more")}</p> })}
        }
        .into_any();
    }
    let mut first = requests;
    let rest = first.split_off(first.len().min(REQUESTS_SHOWN));
    let folded = (!rest.is_empty()).then(|| {
        let label = format!("{} more request(s)", rest.len());
        view! {
            <details class="more-requests"><summary>{label}</summary>
                <ul class="urls requests">{rest.into_iter().map(request_item).collect_view()}</ul>
            </details>
        }
    });
    view! {
        <ul class="urls requests">{first.into_iter().map(request_item).collect_view()}</ul>
        {folded}
    }
    .into_any()
}

fn dependency_row(d: DependencyRow) -> impl IntoView {
    let class = format!("dep {}", d.verdict);
    view! {
        <tr class=class>
            <th scope="row"><code>{d.host}</code></th>
            <td data-label="Verdict"><DependencyBadge verdict=d.verdict/></td>
            <td data-label="Reason">{reason_cell(d.reason)}
                {(!d.detail.is_empty()).then(|| view! { <div class="detail">{d.detail}</div> })}</td>
            <td data-label="IPv6">{address_list(d.v6)}</td>
            <td data-label="IPv4">{address_list(d.v4)}</td>
            <td data-label="Used for">{d.kinds.join(", ")}
                <span class="found-by">{found_by_text(&d.found_by)}</span></td>
            <td data-label="Pulled in by">{pulled_in_by(d.requests, d.urls, d.more_urls)}</td>
        </tr>
    }
}

fn latest_view(v: VerdictDetail) -> impl IntoView {
    let broken_count = v
        .dependencies
        .iter()
        .filter(|d| d.verdict == "broken")
        .count();
    let count = v.dependencies.len();
    let summary = match v.verdict.as_str() {
        "ready" => "Usable from an IPv6-only network: the service and every host it loads from work over IPv6.".to_string(),
        "partial" => format!("The service works over IPv6, but {broken_count} of the {count} hosts it loads from do not."),
        _ => "The service itself does not work over IPv6.".to_string(),
    };
    let judged_by = match (v.static_only(), &v.browser_note) {
        (false, _) => {
            "a real browser (Chromium) through an IPv6-only proxy, and the page's HTML and CSS"
        }
        (true, Some(_)) => "the page's HTML and CSS only (static)",
        (true, None) if v.verdict == "broken" => {
            "the probes: the service itself fails over IPv6, so what its page loads does not matter"
        }
        (true, None) => "the page's HTML and CSS only (a verdict from before the browser judge)",
    };
    let static_note = v.browser_note.clone().filter(|_| v.static_only());
    view! {
        <div class="verdict-head">
            <VerdictBadge verdict=Some(v.verdict.clone())/>
            <p><strong>{v.verdict.clone()}</strong> ": " {summary}</p>
        </div>
        <dl class="facts">
            {v.reason.map(|code| {
                let meaning = reason_meaning(&code);
                view! { <dt>"Reason"</dt><dd><code>{code}</code> " " {meaning}</dd> }
            })}
            {(!v.detail.is_empty()).then(|| view! { <dt>"Detail"</dt><dd>{v.detail.clone()}</dd> })}
            <dt>"Final URL"</dt><dd><code>{v.final_url.clone().unwrap_or_else(|| "—".into())}</code></dd>
            <dt>"IPv6 addresses"</dt><dd>{address_list(v.v6)}</dd>
            <dt>"IPv4 addresses"</dt><dd>{address_list(v.v4)}</dd>
            {v.nat64.then(|| view! { <dt>"NAT64"</dt><dd>"answers only through a NAT64 address"</dd> })}
            <dt>"Judged (UTC)"</dt><dd><time datetime=iso(v.at)>{when(v.at)}</time></dd>
            <dt>"Judged by"</dt><dd id="judged-by">{judged_by}</dd>
        </dl>
        {static_note.map(|note| view! {
            <p class="notice warn" id="static-only">"Static only: " {note}</p>
        })}
        {v.truncated.then(|| view! {
            <p class="notice warn">"A limit (page size, number of resources, stylesheets or hosts) left part of the page unchecked."</p>
        })}
        <h3>"Hosts it loads from"</h3>
        {if v.dependencies.is_empty() {
            view! { <p class="empty">"No other hosts."</p> }.into_any()
        } else {
            view! {
                <table class="list deps" id="dependencies">
                    <thead><tr><th scope="col">"Host"</th><th scope="col">"Verdict"</th><th scope="col">"Reason"</th>
                        <th scope="col">"IPv6"</th><th scope="col">"IPv4"</th><th scope="col">"Used for"</th>
                        <th scope="col">"Pulled in by"</th></tr></thead>
                    <tbody>{v.dependencies.into_iter().map(dependency_row).collect_view()}</tbody>
                </table>
            }.into_any()
        }}
    }
}

fn history_view(history: Vec<HistoryRow>) -> impl IntoView {
    if history.is_empty() {
        return view! { <p class="empty">"No verdicts yet."</p> }.into_any();
    }
    view! {
        <table class="list history" id="verdict-history">
            <thead><tr><th scope="col">"When (UTC)"</th><th scope="col">"Verdict"</th><th scope="col">"What changed"</th></tr></thead>
            <tbody>
                {history.into_iter().map(|h| view! {
                    <tr>
                        <td data-label="When (UTC)"><time datetime=iso(h.at)>{when(h.at)}</time></td>
                        <td data-label="Verdict" class="transition">
                            {h.before.clone().map(|b| view! { <VerdictBadge verdict=Some(b)/> " → " })}
                            <VerdictBadge verdict=Some(h.after.clone())/>
                            " " {match h.before { Some(b) => format!("{b} → {}", h.after), None => h.after }}
                        </td>
                        <td data-label="What changed"><ul class="changes">{h.changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// What a [`VerdictPanel`] shows, made with its page, outside its suspenses (see
/// `ResultsData`).
#[derive(Clone, Copy)]
pub struct VerdictData {
    data: Resource<Result<ServiceVerdicts, ServerFnError>>,
    timeline: Resource<Result<Timeline, ServerFnError>>,
}

impl VerdictData {
    /// The verdicts of the service the page's `id` names, with its timeline over `range`.
    pub fn new(id: Memo<Option<i64>>, range: ChartRange) -> Self {
        // Nothing here is typed into, so the whole panel reads again on every live update.
        let live = use_live();
        let data = Resource::new(
            move || (id.get(), live()),
            |(id, _)| load_service_verdicts(id.unwrap_or_default()),
        );
        let timeline = Resource::new(
            move || (id.get(), range.chosen(), live()),
            move |(id, chosen, _)| async move {
                let range = range.resolve(chosen).await;
                load_verdict_timeline(id.unwrap_or_default(), range.code().to_string()).await
            },
        );
        Self { data, timeline }
    }
}

/// The verdict section of a service page. `judged` is false for kinds that get no verdict.
#[component]
pub fn VerdictPanel(data: VerdictData, judged: bool) -> impl IntoView {
    let VerdictData { data, timeline } = data;
    view! {
        <section class="verdict-panel" aria-labelledby="verdict-title">
            <h2 id="verdict-title">"IPv6-only verdict"</h2>
            {loaded(data, move |data| {
                let latest = match data.latest {
                    Some(v) => latest_view(v).into_any(),
                    None if judged => view! { <p class="empty">"Not judged yet: the first verdict comes within a minute of adding the service."</p> }.into_any(),
                    None => view! { <p class="empty">"Only HTTP(S) services get a verdict."</p> }.into_any(),
                };
                view! { {latest} }
            })}
            {judged.then(|| view! {
                <h3>"Verdict over time"</h3>
                {loaded(timeline, |timeline| view! { <VerdictTimeline timeline/> })}
            })}
            <h3>"Verdict history"</h3>
            {loaded(data, |data| history_view(data.history))}
        </section>
    }
}
