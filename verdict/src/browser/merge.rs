//! The browser's findings folded into the static verdict. Pure code.
//!
//! A host the browser asked for is judged by the proxy's record (how connecting to it over
//! IPv6 went), and by the browser's own error when the connection worked but TLS or the
//! exchange failed. Hosts only the static judge found (`srcset` alternatives, declared
//! dependencies) keep its verdict. The service verdict is then made again from all of them.

use std::collections::BTreeMap;

use probes::Reason;

use super::ledger::Ledger;
use super::visit::Visit;
use crate::model::{DepVerdict, DependencyVerdict, SeenRequest, ServiceVerdict};
use crate::service_verdict;

/// Requests listed per host, at most.
const MAX_REQUESTS_PER_HOST: usize = 20;
/// URLs listed per host, at most (as the static judge).
const MAX_URLS: usize = 5;

pub const STATIC: &str = "static";
pub const BROWSER: &str = "browser";
/// The kind of a host only workers asked for.
const WORKER: &str = "worker";

/// The dependency kind of a browser request, in the static judge's words where they have one.
fn kind_of(request: &SeenRequest) -> String {
    match request.kind.as_str() {
        "subframe" => "frame".into(),
        "eventsource" => "fetch".into(),
        other => other.to_string(),
    }
}

/// A browser error that means the host failed over IPv6 although the proxy connected: TLS or
/// the exchange itself. CORS refusals, aborted requests and the like are not the network's.
fn exchange_failure(error: &str) -> Option<Reason> {
    if error.contains("ERR_CERT") || error.contains("ERR_SSL") || error.contains("ERR_BAD_SSL") {
        Some(Reason::TlsError)
    } else if error.contains("ERR_CONNECTION_RESET") || error.contains("ERR_CONNECTION_CLOSED") {
        Some(Reason::Reset)
    } else if error.contains("ERR_EMPTY_RESPONSE") || error.contains("ERR_INVALID_HTTP_RESPONSE") {
        Some(Reason::HttpError)
    } else if error.contains("ERR_TIMED_OUT") {
        Some(Reason::Timeout)
    } else {
        None
    }
}

/// How the proxy fared with `host` (any port): the first failure, else whether a NAT64
/// address carried it; None when the proxy never saw it.
fn proxy_result(
    ledger: &Ledger,
    host: &str,
) -> Option<(Result<bool, Reason>, String, Vec<String>)> {
    let entries: Vec<_> = ledger
        .hosts()
        .filter(|e| unbracket(&e.record.host) == host)
        .collect();
    if entries.is_empty() {
        return None;
    }
    let addresses = entries
        .iter()
        .flat_map(|e| e.record.attempts.iter().map(|a| a.address.to_string()))
        .fold(Vec::new(), |mut list, a| {
            if !list.contains(&a) {
                list.push(a);
            }
            list
        });
    if let Some(failed) = entries.iter().find(|e| !e.record.reason.is_ok()) {
        let detail = failed.record.detail.clone();
        return Some((Err(failed.record.reason), detail, addresses));
    }
    let synthesized = entries.iter().any(|e| e.record.synthesized());
    let detail = entries
        .first()
        .map(|e| e.record.detail.clone())
        .unwrap_or_default();
    Some((Ok(synthesized), detail, addresses))
}

fn unbracket(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

fn host_of_url(url: Option<&str>) -> Option<String> {
    let url = url::Url::parse(url?).ok()?;
    Some(match url.host()? {
        url::Host::Ipv6(ip) => ip.to_string(),
        host => host.to_string().to_ascii_lowercase(),
    })
}

/// Requests that are the page itself, not something it loads: the main document (and its
/// redirects) and the icon a browser asks for by itself.
fn is_the_page(request: &SeenRequest, page_host: Option<&str>) -> bool {
    if request.host.is_empty() {
        return true;
    }
    let on_page_host = page_host == Some(request.host.as_str());
    request.kind == "document"
        || (on_page_host
            && request.kind == "other"
            && url::Url::parse(&request.url).is_ok_and(|u| u.path() == "/favicon.ico"))
}

/// `judged` (the static verdict) with what the browser's `visit` saw.
pub fn merge(mut judged: ServiceVerdict, visit: &Visit) -> ServiceVerdict {
    if !judged.judged_by.iter().any(|j| j == BROWSER) {
        judged.judged_by.push(BROWSER.into());
    }
    let page_host = host_of_url(judged.final_url.as_deref());
    let mut by_host: BTreeMap<String, Vec<&SeenRequest>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for request in &visit.requests {
        if is_the_page(request, page_host.as_deref()) {
            continue;
        }
        if !by_host.contains_key(&request.host) {
            order.push(request.host.clone());
        }
        by_host
            .entry(request.host.clone())
            .or_default()
            .push(request);
    }
    let page_hosts: Vec<String> = visit
        .requests
        .iter()
        .filter(|r| is_the_page(r, page_host.as_deref()))
        .map(|r| r.host.clone())
        .chain(page_host.clone())
        .chain(host_of_url(Some(&judged.target)))
        .chain(visit.redirected_from.iter().cloned())
        .collect();
    // The proxy also carries what the page's own session does not report: requests of
    // dedicated, shared and service workers. A host only the proxy saw is a worker's.
    let mut worker_hosts: Vec<String> = Vec::new();
    for entry in visit.ledger.hosts() {
        let host = unbracket(&entry.record.host);
        if !by_host.contains_key(&host)
            && !page_hosts.contains(&host)
            && !worker_hosts.contains(&host)
        {
            worker_hosts.push(host);
        }
    }
    for host in worker_hosts {
        let mut found = judge_host(&host, &[], &visit.ledger);
        found.kinds = vec![WORKER.into()];
        found.requests = proxy_requests(&host, &visit.ledger);
        found.detail = format!(
            "{} (asked for by a worker: the page's own requests do not show it)",
            found.detail
        );
        match judged.dependencies.iter_mut().find(|d| d.host == host) {
            Some(known) => fold_into(known, found),
            None => judged.dependencies.push(found),
        }
    }
    for host in order {
        let requests = by_host.remove(&host).unwrap_or_default();
        let found = judge_host(&host, &requests, &visit.ledger);
        match judged.dependencies.iter_mut().find(|d| d.host == host) {
            Some(known) => fold_into(known, found),
            None => judged.dependencies.push(found),
        }
    }
    for dep in &mut judged.dependencies {
        if dep.found_by.is_empty() {
            dep.found_by.push(STATIC.into());
        }
    }
    judged.truncated |= visit.truncated || visit.timed_out;
    let service = match judged.reason {
        Some(reason) => Err(reason),
        None => Ok(()),
    };
    let verdicts: Vec<DepVerdict> = judged.dependencies.iter().map(|d| d.verdict).collect();
    (judged.verdict, judged.reason) = service_verdict(service, &verdicts);
    judged
}

/// What the proxy carried to `host` for requests the page did not report: one per port, as
/// far as the proxy knows them (host and port; the path is inside the tunnel).
fn proxy_requests(host: &str, ledger: &Ledger) -> Vec<SeenRequest> {
    ledger
        .hosts()
        .filter(|e| unbracket(&e.record.host) == host)
        .take(MAX_REQUESTS_PER_HOST)
        .map(|e| {
            let failed = !e.record.reason.is_ok();
            SeenRequest {
                url: format!("{}:{}", e.record.host, e.record.port),
                host: host.to_string(),
                kind: WORKER.into(),
                initiator: WORKER.into(),
                outcome: if failed { "failed" } else { "ok" }.into(),
                error: failed.then(|| e.record.reason.as_str().to_string()),
                status: None,
            }
        })
        .collect()
}

/// The browser's verdict on one host from its requests and the proxy's record.
fn judge_host(host: &str, requests: &[&SeenRequest], ledger: &Ledger) -> DependencyVerdict {
    let mut kinds: Vec<String> = Vec::new();
    for request in requests {
        let kind = kind_of(request);
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    let urls: Vec<String> =
        requests
            .iter()
            .map(|r| r.url.clone())
            .fold(Vec::new(), |mut list, url| {
                if !list.contains(&url) && list.len() < MAX_URLS {
                    list.push(url);
                }
                list
            });
    let exchange = requests
        .iter()
        .filter(|r| r.outcome == "failed")
        .find_map(|r| {
            r.error
                .as_deref()
                .and_then(exchange_failure)
                .map(|why| (why, *r))
        });
    let any_ok = requests.iter().any(|r| r.outcome == "ok");
    let (result, detail, addresses) = match (proxy_result(ledger, host), exchange) {
        (Some((Err(reason), detail, addresses)), _) => (Err(reason), detail, addresses),
        (Some((Ok(_), _, addresses)), Some((reason, request))) if !any_ok => {
            let detail = format!(
                "connected over IPv6, but the browser's request for {} failed: {}",
                request.url,
                request.error.clone().unwrap_or_default()
            );
            (Err(reason), detail, addresses)
        }
        (Some((Ok(synthesized), detail, addresses)), _) => (Ok(synthesized), detail, addresses),
        // Requested but never through the proxy (the browser answered it from memory, or a
        // data: URL): nothing to judge, so it counts as working.
        (None, _) => (
            Ok(false),
            "not fetched over the network".to_string(),
            Vec::new(),
        ),
    };
    let (verdict, reason) = crate::dependency_verdict(result);
    DependencyVerdict {
        host: host.to_string(),
        verdict,
        reason,
        addresses,
        checked: urls.first().cloned(),
        urls,
        kinds,
        detail,
        found_by: vec![BROWSER.into()],
        requests: requests
            .iter()
            .take(MAX_REQUESTS_PER_HOST)
            .map(|r| (*r).clone())
            .collect(),
    }
}

/// A host both judges found: the browser's verdict wins (it is what an IPv6-only browser
/// met), the static judge's URLs and kinds stay.
fn fold_into(known: &mut DependencyVerdict, found: DependencyVerdict) {
    if known.found_by.is_empty() {
        known.found_by.push(STATIC.into());
    }
    known.found_by.push(BROWSER.into());
    for kind in found.kinds {
        if !known.kinds.contains(&kind) {
            known.kinds.push(kind);
        }
    }
    for url in found.urls {
        if !known.urls.contains(&url) && known.urls.len() < MAX_URLS {
            known.urls.push(url);
        }
    }
    known.requests = found.requests;
    known.verdict = found.verdict;
    known.reason = found.reason;
    known.detail = found.detail;
    if !found.addresses.is_empty() && known.addresses.is_empty() {
        known.addresses = found.addresses;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Verdict;
    use probes::{ConnectAttempt, PathRecord};

    fn record(host: &str, reason: Reason, synthesized: bool) -> PathRecord {
        PathRecord {
            host: host.into(),
            port: 80,
            reason,
            detail: format!("{host}: {}", reason.as_str()),
            attempts: if reason == Reason::NoAaaa {
                Vec::new()
            } else {
                vec![ConnectAttempt {
                    address: "2001:db8::1".parse().unwrap(),
                    synthesized,
                    reason,
                    detail: String::new(),
                    latency_ms: None,
                }]
            },
        }
    }

    fn request(url: &str, kind: &str, outcome: &str, error: Option<&str>) -> SeenRequest {
        SeenRequest {
            url: url.into(),
            host: url::Url::parse(url).unwrap().host_str().unwrap().into(),
            kind: kind.into(),
            initiator: "script".into(),
            outcome: outcome.into(),
            error: error.map(str::to_string),
            status: None,
        }
    }

    fn page(deps: Vec<DependencyVerdict>) -> ServiceVerdict {
        ServiceVerdict {
            target: "http://page.test/".into(),
            verdict: Verdict::Ready,
            reason: None,
            addresses: vec![],
            final_url: Some("http://page.test/".into()),
            nat64: false,
            dependencies: deps,
            truncated: false,
            checked_at: None,
            detail: String::new(),
            judged_by: vec![STATIC.into()],
            browser_note: None,
        }
    }

    fn static_dep(host: &str, verdict: DepVerdict, kind: &str) -> DependencyVerdict {
        DependencyVerdict {
            host: host.into(),
            verdict,
            reason: (verdict == DepVerdict::Broken).then_some(Reason::NoAaaa),
            addresses: vec![],
            urls: vec![format!("http://{host}/static")],
            kinds: vec![kind.into()],
            checked: None,
            detail: String::new(),
            found_by: vec![STATIC.into()],
            requests: vec![],
        }
    }

    fn visit(records: Vec<PathRecord>, requests: Vec<SeenRequest>) -> Visit {
        let mut ledger = Ledger::default();
        for r in records {
            ledger.record(r);
        }
        Visit {
            requests,
            ledger,
            ..Visit::default()
        }
    }

    #[test]
    fn the_browsers_hosts_are_judged_by_the_proxy_and_the_browser() {
        // (proxy record, request outcome and error, dependency verdict and reason)
        type Case = (
            Reason,
            bool,
            &'static str,
            Option<&'static str>,
            DepVerdict,
            Option<Reason>,
        );
        let cases: &[Case] = &[
            (Reason::Ok, false, "ok", None, DepVerdict::Ready, None),
            (Reason::Ok, true, "ok", None, DepVerdict::Nat64, None),
            (
                Reason::NoAaaa,
                false,
                "failed",
                Some("net::ERR_TUNNEL_CONNECTION_FAILED"),
                DepVerdict::Broken,
                Some(Reason::NoAaaa),
            ),
            (
                Reason::Timeout,
                false,
                "failed",
                Some("net::ERR_TUNNEL_CONNECTION_FAILED"),
                DepVerdict::Broken,
                Some(Reason::Timeout),
            ),
            // Connected over IPv6, but TLS failed in the browser.
            (
                Reason::Ok,
                false,
                "failed",
                Some("net::ERR_CERT_COMMON_NAME_INVALID"),
                DepVerdict::Broken,
                Some(Reason::TlsError),
            ),
            // A CORS refusal is the page's business, not the network's.
            (
                Reason::Ok,
                false,
                "failed",
                Some("net::ERR_FAILED"),
                DepVerdict::Ready,
                None,
            ),
            (Reason::Ok, false, "pending", None, DepVerdict::Ready, None),
        ];
        for (proxy, synthesized, outcome, error, verdict, reason) in cases {
            let seen = visit(
                vec![record("api.test", *proxy, *synthesized)],
                vec![request("http://api.test/data", "fetch", outcome, *error)],
            );
            let merged = merge(page(vec![]), &seen);
            let dep = &merged.dependencies[0];
            assert_eq!(
                (dep.verdict, dep.reason),
                (*verdict, *reason),
                "{proxy:?} {outcome} {error:?}"
            );
            assert_eq!(dep.found_by, vec![BROWSER.to_string()]);
            assert_eq!(dep.kinds, vec!["fetch".to_string()]);
            let want = if verdict.works() {
                Verdict::Ready
            } else {
                Verdict::Partial
            };
            assert_eq!(merged.verdict, want);
            assert_eq!(
                merged.judged_by,
                vec![STATIC.to_string(), BROWSER.to_string()]
            );
        }
    }

    #[test]
    fn a_host_only_the_proxy_saw_is_a_workers_and_is_judged_too() {
        let seen = visit(
            vec![
                record("page.test", Reason::Ok, false),
                record("api.test", Reason::Ok, false),
                record("v4.test", Reason::NoAaaa, false),
            ],
            vec![request("http://api.test/data", "fetch", "ok", None)],
        );
        let merged = merge(page(vec![]), &seen);
        let hosts: Vec<&str> = merged
            .dependencies
            .iter()
            .map(|d| d.host.as_str())
            .collect();
        assert_eq!(
            hosts,
            ["v4.test", "api.test"],
            "the page's own host is no dependency"
        );
        let worker = &merged.dependencies[0];
        assert_eq!(worker.kinds, ["worker"]);
        assert_eq!(
            (worker.verdict, worker.reason),
            (DepVerdict::Broken, Some(Reason::NoAaaa))
        );
        assert_eq!(worker.found_by, [BROWSER]);
        assert_eq!(worker.requests.len(), 1, "what the proxy carried stands in");
        assert_eq!(worker.requests[0].url, "v4.test:80");
        assert_eq!(worker.requests[0].error.as_deref(), Some("no_aaaa"));
        assert_eq!(merged.verdict, Verdict::Partial);
    }

    #[test]
    fn hosts_the_page_redirected_through_are_not_workers() {
        let mut seen = visit(
            vec![
                record("old.test", Reason::Ok, false),
                record("hop.test", Reason::Ok, false),
                record("page.test", Reason::Ok, false),
            ],
            vec![],
        );
        seen.redirected_from = vec!["hop.test".into()];
        let mut judged = page(vec![]);
        judged.target = "http://old.test/".into();
        let merged = merge(judged, &seen);
        assert!(merged.dependencies.is_empty(), "{:?}", merged.dependencies);
    }

    #[test]
    fn a_host_both_judges_found_takes_the_browsers_verdict_and_keeps_the_static_kinds() {
        let judged = page(vec![
            static_dep("cdn.test", DepVerdict::Ready, "script"),
            static_dep("alt.test", DepVerdict::Broken, "image"),
        ]);
        let seen = visit(
            vec![record("cdn.test", Reason::Refused, false)],
            vec![request(
                "http://cdn.test/app.js",
                "script",
                "failed",
                Some("net::ERR_TUNNEL_CONNECTION_FAILED"),
            )],
        );
        let merged = merge(judged, &seen);
        assert_eq!(merged.verdict, Verdict::Partial);
        let cdn = merged
            .dependencies
            .iter()
            .find(|d| d.host == "cdn.test")
            .unwrap();
        assert_eq!(
            (cdn.verdict, cdn.reason),
            (DepVerdict::Broken, Some(Reason::Refused))
        );
        assert_eq!(cdn.found_by, vec![STATIC.to_string(), BROWSER.to_string()]);
        assert_eq!(
            cdn.urls,
            vec![
                "http://cdn.test/static".to_string(),
                "http://cdn.test/app.js".to_string()
            ]
        );
        // Only the static judge saw the srcset alternative: its verdict stands.
        let alt = merged
            .dependencies
            .iter()
            .find(|d| d.host == "alt.test")
            .unwrap();
        assert_eq!(
            (alt.verdict, alt.found_by.clone()),
            (DepVerdict::Broken, vec![STATIC.to_string()])
        );
    }

    #[test]
    fn the_page_itself_is_no_dependency() {
        let seen = visit(
            vec![record("page.test", Reason::Ok, false)],
            vec![
                request("http://page.test/", "document", "ok", None),
                request(
                    "http://page.test/favicon.ico",
                    "other",
                    "failed",
                    Some("net::ERR_FAILED"),
                ),
                request("http://page.test/app.js", "script", "ok", None),
            ],
        );
        let merged = merge(page(vec![]), &seen);
        let hosts: Vec<_> = merged
            .dependencies
            .iter()
            .map(|d| (d.host.as_str(), d.requests.len()))
            .collect();
        assert_eq!(
            hosts,
            vec![("page.test", 1)],
            "only the script on the page's own host"
        );
    }

    #[test]
    fn a_visit_that_ran_out_of_time_marks_the_verdict_truncated() {
        let mut seen = visit(vec![], vec![]);
        seen.timed_out = true;
        assert!(merge(page(vec![]), &seen).truncated);
    }
}
