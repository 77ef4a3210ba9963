//! Verdict stage, judging: whether an IPv6-only client can use a web service.
//!
//! [`judge_url`] fetches the service over IPv6 only (whatever the vantage point: the IPv4
//! path of a dual-stack machine is never used), follows redirects hop by hop, reads the page
//! and its stylesheets for dependencies, adds declared ones, and checks every dependency host
//! over IPv6 only, a few at a time, each within the probe timeout.
//!
//! A judgement has one deadline, [`JUDGEMENT_ROUNDS`] probe timeouts after it starts: the page,
//! its stylesheets and its dependency hosts each get at most one, so a page with a hundred
//! dependencies whose DNS is dead ends on time like any other. Hosts not judged by then are
//! broken with `timeout` (an IPv6-only browser would be waiting on them too) and the verdict
//! is marked truncated.

mod declared;
mod host;
mod plan;

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt;
use probes::{ProbeConfig, Prober, Reason};
use tokio::time::Instant;
use url::Url;

pub use declared::{Declared, parse_declared};

use crate::extract::{Extracted, Limits, css, html};
use crate::{DepVerdict, DependencyVerdict, ServiceVerdict, service_verdict};
use declared::host_key;
use host::{addresses_of, check_host, shown_urls};
use plan::{DECLARED, HostPlan, plan_hosts};

/// Most dependency hosts checked per page; more set `truncated`.
pub const MAX_HOSTS: usize = 100;
/// Dependency hosts checked at the same time.
pub const CONCURRENT_HOSTS: usize = 8;
/// Stylesheets fetched at the same time.
const CONCURRENT_SHEETS: usize = 4;
/// Rounds of `@import` followed below the page's own stylesheets.
const IMPORT_DEPTH: usize = 4;
/// Body read from a dependency: enough to see that it answers.
pub const DEPENDENCY_BODY_CAP: usize = 64 * 1024;
/// Probe timeouts one judgement may take in all: the page, its stylesheets, its hosts.
pub const JUDGEMENT_ROUNDS: u32 = 3;

/// The longest a judgement takes with `prober`'s timeout (plus the page fetch's grace).
pub fn judgement_budget(prober: &Prober) -> Duration {
    prober.config().timeout * JUDGEMENT_ROUNDS
}

/// Judge the service at `url` for an IPv6-only client. `declared` dependencies are
/// `host:port`, `[IPv6]:port` or URLs; one that cannot be parsed shows as a broken dependency
/// with reason `dns_error`. Never fails: every problem is part of the verdict.
pub async fn judge_url(
    prober: &Prober,
    url: &Url,
    declared: &[String],
    limits: &Limits,
) -> ServiceVerdict {
    let deadline = Instant::now() + judgement_budget(prober);
    let host = host_key(url).unwrap_or_default();
    let (fetch, addresses) = tokio::join!(prober.fetch_v6(url), addresses_of(prober, &host));
    let service = if fetch.outcome.is_ok() {
        Ok(())
    } else {
        Err(fetch.outcome.reason)
    };
    let mut verdict = ServiceVerdict {
        target: url.to_string(),
        verdict: crate::Verdict::Broken,
        reason: None,
        addresses,
        final_url: Some(fetch.final_url.to_string()),
        nat64: fetch.outcome.is_ok() && fetch.outcome.synthesized,
        dependencies: Vec::new(),
        truncated: false,
        checked_at: Some(chrono::Utc::now()),
        detail: fetch.outcome.detail.clone(),
        judged_by: vec!["static".into()],
        browser_note: None,
    };
    if service.is_err() {
        (verdict.verdict, verdict.reason) = service_verdict(service, &[]);
        return verdict;
    }

    let mut extracted = if is_html(fetch.content_type.as_deref(), &fetch.body) {
        let text = String::from_utf8_lossy(&fetch.body);
        html::extract(&text, &fetch.final_url, limits)
    } else {
        Extracted::default()
    };
    // The stylesheets get one probe timeout; what they pull in after it is not seen.
    let sheets_by = (Instant::now() + prober.config().timeout).min(deadline);
    let sheets = add_stylesheets(prober, &mut extracted, limits);
    if tokio::time::timeout_at(sheets_by, sheets).await.is_err() {
        extracted.truncated = true;
    }

    let mut parsed = Vec::new();
    let mut invalid = Vec::new();
    for text in declared {
        match parse_declared(text) {
            Ok(item) => parsed.push(item),
            Err(why) => invalid.push(invalid_declared(text, why)),
        }
    }
    let mut plans = plan_hosts(&extracted.dependencies, &parsed);
    // A page over the body cap is judged on what was read; the verdict says it saw a part.
    let mut truncated = extracted.truncated || fetch.truncated;
    if plans.len() > MAX_HOSTS {
        plans.truncate(MAX_HOSTS);
        truncated = true;
    }

    let small = ProbeConfig {
        body_cap: DEPENDENCY_BODY_CAP.min(prober.config().body_cap),
        ..prober.config().clone()
    };
    let dependency_prober = Prober::new(small).ok();
    let checker = dependency_prober.as_ref().unwrap_or(prober);
    let (mut dependencies, late) = check_hosts_by(checker, plans, deadline).await;
    truncated |= late;
    dependencies.extend(invalid);

    let verdicts: Vec<DepVerdict> = dependencies.iter().map(|d| d.verdict).collect();
    (verdict.verdict, verdict.reason) = service_verdict(service, &verdicts);
    verdict.dependencies = dependencies;
    verdict.truncated = truncated;
    verdict
}

/// Check every planned host, [`CONCURRENT_HOSTS`] at a time, until `deadline`; hosts not
/// judged by then are broken with `timeout`. Keeps the plans' order; says whether any was late.
async fn check_hosts_by(
    checker: &Prober,
    plans: Vec<HostPlan>,
    deadline: Instant,
) -> (Vec<DependencyVerdict>, bool) {
    let mut judged: Vec<Option<DependencyVerdict>> = vec![None; plans.len()];
    {
        let checks = futures::stream::iter(plans.iter().cloned().enumerate())
            .map(|(index, plan)| async move { (index, check_host(checker, plan).await) })
            .buffer_unordered(CONCURRENT_HOSTS)
            .take_until(tokio::time::sleep_until(deadline));
        let mut checks = std::pin::pin!(checks);
        while let Some((index, verdict)) = checks.next().await {
            if let Some(slot) = judged.get_mut(index) {
                *slot = Some(verdict);
            }
        }
    }
    let mut late = false;
    let verdicts = plans
        .into_iter()
        .zip(judged)
        .map(|(plan, verdict)| {
            verdict.unwrap_or_else(|| {
                late = true;
                out_of_time(plan, checker.config().timeout)
            })
        })
        .collect();
    (verdicts, late)
}

/// A host the judgement's deadline passed before: broken, `timeout`.
fn out_of_time(plan: HostPlan, timeout: Duration) -> DependencyVerdict {
    let budget = timeout * JUDGEMENT_ROUNDS;
    let urls = shown_urls(&plan);
    DependencyVerdict {
        detail: format!(
            "not judged: the check's {:.1} s ran out before {} answered",
            budget.as_secs_f64(),
            plan.host
        ),
        host: plan.host,
        verdict: DepVerdict::Broken,
        reason: Some(Reason::Timeout),
        addresses: Vec::new(),
        checked: urls.first().cloned(),
        urls,
        kinds: plan.kinds,
        found_by: vec!["static".into()],
        requests: Vec::new(),
    }
}

/// A declared dependency that could not be parsed: broken, `dns_error` (not a usable name).
fn invalid_declared(text: &str, why: String) -> DependencyVerdict {
    DependencyVerdict {
        host: text.trim().to_string(),
        verdict: DepVerdict::Broken,
        reason: Some(Reason::DnsError),
        addresses: Vec::new(),
        urls: vec![text.trim().to_string()],
        kinds: vec![DECLARED.to_string()],
        checked: None,
        detail: format!("not a usable declared dependency: {why}"),
        found_by: vec!["static".into()],
        requests: Vec::new(),
    }
}

/// Whether a response is a page to read: an HTML content type, or none and markup.
fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type {
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            ct.contains("html")
        }
        None => body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'<'),
    }
}

/// Fetch the stylesheets the page links (and those they `@import`), over IPv6, within
/// `max_stylesheets`, and fold what they pull in into `extracted`.
async fn add_stylesheets(prober: &Prober, extracted: &mut Extracted, limits: &Limits) {
    let mut fetched: HashSet<Url> = HashSet::new();
    for _ in 0..=IMPORT_DEPTH {
        let pending: Vec<Url> = extracted
            .stylesheets()
            .map(|d| d.url.clone())
            .filter(|u| !fetched.contains(u))
            .collect();
        if pending.is_empty() {
            return;
        }
        let room = limits.max_stylesheets.saturating_sub(fetched.len());
        if pending.len() > room {
            extracted.truncated = true;
        }
        let batch: Vec<Url> = pending.into_iter().take(room).collect();
        if batch.is_empty() {
            return;
        }
        fetched.extend(batch.iter().cloned());
        let sheets: Vec<_> = futures::stream::iter(batch)
            .map(|url| async move { prober.fetch_v6(&url).await })
            .buffered(CONCURRENT_SHEETS)
            .collect()
            .await;
        for sheet in sheets {
            let success = sheet.status.is_some_and(|s| (200..300).contains(&s));
            if success && !sheet.body.is_empty() {
                let text = String::from_utf8_lossy(&sheet.body);
                let found = css::extract(&text, &sheet.final_url, limits);
                extracted.merge(found, limits);
            }
        }
    }
    if extracted.stylesheets().any(|d| !fetched.contains(&d.url)) {
        extracted.truncated = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_told_by_content_type_or_markup() {
        let cases: &[(Option<&str>, &[u8], bool)] = &[
            (Some("text/html; charset=utf-8"), b"", true),
            (Some("application/xhtml+xml"), b"<x/>", true),
            (Some("text/plain"), b"<html>", false),
            (Some("image/png"), b"PNG", false),
            (None, b"  \n<!doctype html>", true),
            (None, b"PNG", false),
            (None, b"", false),
        ];
        for (ct, body, want) in cases {
            assert_eq!(is_html(*ct, body), *want, "{ct:?}");
        }
    }
}
