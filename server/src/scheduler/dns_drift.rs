//! Scheduler stage, DNS drift: every quarter of an hour, ask the configured resolvers for the
//! AAAA and A records of every host's DNS name and store what the address-plan DNS rules
//! find (`dns_drift`, `missing_aaaa`, `a_without_aaaa`) for the plan page, the API and
//! `/metrics`, then runs the address-plan watch. A name the resolver could not answer gives
//! no finding: an outage is no drift.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use model::plan_rules::{DnsAnswer, dns_findings, dns_names};
use probes::{Prober, Reason};
use sqlx::SqlitePool;
use tokio_util::sync::CancellationToken;

use super::live_prober::LiveProber;

/// Time between two scans.
pub const EVERY: Duration = Duration::from_secs(15 * 60);

/// Names resolved at once.
const AT_ONCE: usize = 8;

/// The records the rules compare, or None when the resolver gave no answer about the name
/// (a timeout, SERVFAIL, a refusal): "no records" and NXDOMAIN are answers.
pub fn answer_of(resolved: &probes::DnsAnswer) -> Option<DnsAnswer> {
    let answered =
        |reason: Reason| matches!(reason, Reason::NoAaaa | Reason::NoA | Reason::Nxdomain);
    let aaaa = match &resolved.aaaa {
        Ok(list) => list.clone(),
        Err(reason) if answered(*reason) => Vec::new(),
        Err(_) => return None,
    };
    let a = match &resolved.a {
        Ok(list) => list.clone(),
        // Without an answer about A, "A but no AAAA" cannot be said; the AAAA rules still can.
        Err(_) => Vec::new(),
    };
    Some(DnsAnswer { aaaa, a })
}

/// One scan: resolve every host's name, store the findings. Returns how many there are.
pub async fn step(pool: &SqlitePool, prober: &Prober) -> anyhow::Result<usize> {
    let loaded = store::plan_findings::load(pool).await?;
    let names = dns_names(&loaded.inventory());
    let mut answers: HashMap<String, Option<DnsAnswer>> = HashMap::new();
    for chunk in names.chunks(AT_ONCE) {
        let resolved =
            futures::future::join_all(chunk.iter().map(|name| prober.resolve(name))).await;
        for (name, r) in chunk.iter().zip(resolved) {
            answers.insert(name.clone(), answer_of(&r));
        }
    }
    let findings = dns_findings(&loaded.inventory(), |name| {
        answers.get(name).cloned().flatten()
    });
    store::plan_findings::replace_dns(pool, &findings).await?;
    Ok(findings.len())
}

/// Scans now and then every [`EVERY`] until cancelled, with the prober the settings page
/// last set (so a saved resolver is used).
pub async fn run(pool: SqlitePool, live: Arc<LiveProber>, cancel: CancellationToken) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = tick.tick() => {}
        }
        match step(&pool, &live.get()).await {
            Ok(found) => tracing::debug!(found, "DNS drift scan done"),
            Err(e) => tracing::warn!("DNS drift scan failed: {e:#}"),
        }
        // The DNS findings just stored join the inventory rules' in the plan watch.
        match super::plan_watch::step(&pool, chrono::Utc::now().timestamp_millis()).await {
            Ok(told) if !told.is_empty() => {
                tracing::info!(problems = told.len(), "new address-plan problems told");
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("address-plan watch failed: {e:#}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(
        aaaa: Result<Vec<&str>, Reason>,
        a: Result<Vec<&str>, Reason>,
    ) -> probes::DnsAnswer {
        probes::DnsAnswer {
            name: "nas.lab.test.".into(),
            aaaa: aaaa.map(|l| l.iter().map(|x| x.parse().unwrap()).collect()),
            a: a.map(|l| l.iter().map(|x| x.parse().unwrap()).collect()),
            synthesized: Vec::new(),
            aaaa_detail: String::new(),
            a_detail: String::new(),
            aaaa_ms: 0.0,
            a_ms: 0.0,
        }
    }

    #[test]
    fn an_outage_is_no_answer_and_no_records_are_one() {
        let got = answer_of(&resolved(Ok(vec!["2001:db8::1"]), Err(Reason::NoA))).unwrap();
        assert_eq!(
            got.aaaa,
            ["2001:db8::1".parse::<std::net::Ipv6Addr>().unwrap()]
        );
        assert!(got.a.is_empty());
        let got = answer_of(&resolved(Err(Reason::NoAaaa), Ok(vec!["192.0.2.1"]))).unwrap();
        assert!(got.aaaa.is_empty());
        assert_eq!(got.a.len(), 1);
        assert!(answer_of(&resolved(Err(Reason::Nxdomain), Err(Reason::Nxdomain))).is_some());
        for outage in [Reason::DnsTimeout, Reason::DnsError] {
            assert_eq!(
                answer_of(&resolved(Err(outage), Ok(vec!["192.0.2.1"]))),
                None
            );
        }
    }
}
