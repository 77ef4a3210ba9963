//! Verdict stage, judging: one dependency host over IPv6 only: its AAAA and A records, then
//! one HTTP(S) request (any HTTP answer counts: the network path is judged, not the
//! resource), or TCP connects for declared `host:port`s.

use std::time::Duration;

use futures::future::join_all;
use probes::{Family, ProbeSpec, Prober, Reason};

use super::declared::literal;
use super::plan::HostPlan;
use crate::{DependencyVerdict, dependency_verdict};

/// What reaching one URL or port over IPv6 gave.
struct Reach {
    /// `Ok(synthesized)` when it answered, else why not.
    result: Result<bool, Reason>,
    checked: String,
    detail: String,
}

/// The host's addresses (AAAA first, then A) as text; a literal is its own address.
pub(crate) async fn addresses_of(prober: &Prober, host: &str) -> Vec<String> {
    if let Some(ip) = literal(host) {
        return vec![ip.to_string()];
    }
    prober
        .resolve(host)
        .await
        .addresses()
        .iter()
        .map(ToString::to_string)
        .collect()
}

async fn reach_url(prober: &Prober, url: &url::Url) -> Reach {
    let fetch = prober.fetch_v6(url).await;
    let answered = fetch.status.is_some()
        && matches!(
            fetch.outcome.reason,
            Reason::Ok | Reason::HttpStatus | Reason::TooLarge
        );
    Reach {
        result: if answered {
            Ok(fetch.outcome.synthesized)
        } else {
            Err(fetch.outcome.reason)
        },
        checked: url.to_string(),
        detail: fetch.outcome.detail,
    }
}

async fn reach_port(prober: &Prober, host: &str, port: u16) -> Reach {
    let spec = ProbeSpec::Tcp {
        host: host.to_string(),
        port,
    };
    let report = prober.run(&spec).await;
    let checked = match literal(host) {
        Some(std::net::IpAddr::V6(v6)) => format!("[{v6}]:{port}"),
        _ => format!("{host}:{port}"),
    };
    let v6: Vec<_> = report.family(Family::V6).collect();
    let (result, detail) = match v6.iter().find(|o| o.is_ok()) {
        Some(ok) => (Ok(ok.synthesized), ok.detail.clone()),
        None => match v6.first() {
            Some(failed) => (Err(failed.reason), failed.detail.clone()),
            None => (Err(Reason::NoAaaa), format!("{host} has no IPv6 address")),
        },
    };
    Reach {
        result,
        checked,
        detail,
    }
}

/// Check one dependency host; never takes longer than the prober's timeout (plus a little).
pub(crate) async fn check_host(prober: &Prober, plan: HostPlan) -> DependencyVerdict {
    let limit = prober.config().timeout + Duration::from_millis(500);
    let reaches = async {
        let mut checks = Vec::new();
        if let Some(url) = plan.urls.first() {
            checks.push(futures::future::Either::Left(reach_url(prober, url)));
        }
        for port in &plan.ports {
            checks.push(futures::future::Either::Right(reach_port(
                prober, &plan.host, *port,
            )));
        }
        join_all(checks).await
    };
    let work = async { tokio::join!(addresses_of(prober, &plan.host), reaches) };
    let (addresses, reaches) = match tokio::time::timeout(limit, work).await {
        Ok(done) => done,
        Err(_) => (
            Vec::new(),
            vec![Reach {
                result: Err(Reason::Timeout),
                checked: plan.host.clone(),
                detail: format!("the check of {} did not finish in time", plan.host),
            }],
        ),
    };
    let failed = reaches.iter().find(|r| r.result.is_err());
    let result = match failed {
        Some(reach) => reach.result,
        None => Ok(reaches.iter().any(|r| r.result == Ok(true))),
    };
    let shown = failed.or(reaches.first());
    let (verdict, reason) = dependency_verdict(result);
    let urls = shown_urls(&plan);
    DependencyVerdict {
        host: plan.host,
        verdict,
        reason,
        addresses,
        urls,
        kinds: plan.kinds,
        checked: shown.map(|r| r.checked.clone()),
        detail: shown.map(|r| r.detail.clone()).unwrap_or_default(),
        found_by: vec!["static".into()],
        requests: Vec::new(),
    }
}

/// The URLs and declared `host:port`s a verdict on `plan`'s host lists.
pub(crate) fn shown_urls(plan: &HostPlan) -> Vec<String> {
    let mut urls: Vec<String> = plan.urls.iter().map(ToString::to_string).collect();
    urls.extend(plan.ports.iter().map(|port| match literal(&plan.host) {
        Some(std::net::IpAddr::V6(v6)) => format!("[{v6}]:{port}"),
        _ => format!("{}:{port}", plan.host),
    }));
    urls
}
