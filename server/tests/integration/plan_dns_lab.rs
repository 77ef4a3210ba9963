//! The scheduled DNS-drift scan in the network-namespace lab: the lab nameserver's real
//! answers against the inventory, from the IPv6-only client, stored as address-plan findings
//! (and so on the plan page, in the API and in `/metrics`).
//!
//! `#[ignore]`d like every lab test; `scripts/test.sh` runs it as root with the lab up.

use crate::lab::{Client, Lab, run_in};

use probes::{ProbeConfig, Prober};
use sqlx::SqlitePool;
use std::collections::BTreeSet;
use std::net::SocketAddr;

async fn host(pool: &SqlitePool, name: &str, dns: &str, addresses: &[&str]) -> i64 {
    let id: i64 =
        sqlx::query_scalar("INSERT INTO hosts (name, dns_name) VALUES (?, ?) RETURNING id")
            .bind(name)
            .bind(dns)
            .fetch_one(pool)
            .await
            .unwrap();
    let addresses: Vec<std::net::IpAddr> = addresses.iter().map(|a| a.parse().unwrap()).collect();
    let mut conn = pool.acquire().await.unwrap();
    store::addresses::replace(&mut conn, store::addresses::Owner::Host(id), &addresses)
        .await
        .unwrap();
    id
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn the_dns_scan_finds_drift_missing_aaaa_and_a_without_aaaa_and_nothing_on_a_match() {
    let lab = Lab::get();
    let config = lab.config();
    let (dual, v6only, v4only) = (lab.name("dual"), lab.name("v6only"), lab.name("v4only"));
    let (web46_6, web46_4) = (
        lab.var("LAB_WEB46_6").to_string(),
        lab.var("LAB_WEB46_4").to_string(),
    );
    let web6 = lab.var("LAB_WEB6").to_string();
    let dir = tempfile::tempdir().unwrap();
    run_in(&Client::V6Only.namespace(&lab), move || async move {
        let pool = store::open(&dir.path().join("v6watch.db")).await.unwrap();
        // Matches its records: no finding.
        host(&pool, "web46", &dual, &[&web46_6, &web46_4]).await;
        // The name's AAAA is another address: drift, and its own address has no AAAA.
        host(&pool, "moved", &v6only, &["2001:db8:2::99"]).await;
        // A but no AAAA.
        host(&pool, "legacy", &v4only, &["198.51.100.4"]).await;
        let prober = Prober::new(config).unwrap();
        let found = v6watch::scheduler::dns_drift::step(&pool, &prober)
            .await
            .unwrap();
        let findings = store::plan_findings::dns(&pool).await.unwrap();
        let got: BTreeSet<(String, String)> = findings
            .iter()
            .map(|f| (f.objects[0].label.clone(), f.code.clone()))
            .collect();
        let want: BTreeSet<(String, String)> = [
            ("moved", "dns_drift"),
            ("moved", "missing_aaaa"),
            ("legacy", "a_without_aaaa"),
        ]
        .into_iter()
        .map(|(h, c)| (h.to_string(), c.to_string()))
        .collect();
        assert_eq!(got, want, "{findings:#?}");
        assert_eq!(found, 3);
        let drift = findings.iter().find(|f| f.code == "dns_drift").unwrap();
        assert!(drift.explanation.contains(&web6), "{}", drift.explanation);
        // The findings are the plan's: current() lists them with the pure rules' ones.
        let current = store::plan_findings::current(&pool).await.unwrap();
        assert!(current.iter().any(|f| f.code == "a_without_aaaa"));

        // Fixed in the inventory: the next scan stores no finding for it. A resolver that
        // does not answer stores none at all (an outage is no drift).
        sqlx::query("DELETE FROM hosts WHERE name IN ('moved', 'legacy')")
            .execute(&pool)
            .await
            .unwrap();
        v6watch::scheduler::dns_drift::step(&pool, &prober)
            .await
            .unwrap();
        assert!(store::plan_findings::dns(&pool).await.unwrap().is_empty());
        host(&pool, "legacy", &v4only, &["198.51.100.4"]).await;
        let silent = Prober::new(ProbeConfig {
            nameservers: vec![SocketAddr::new("2001:db8:ffff::53".parse().unwrap(), 53)],
            timeout: std::time::Duration::from_secs(1),
            ..ProbeConfig::default()
        })
        .unwrap();
        v6watch::scheduler::dns_drift::step(&pool, &silent)
            .await
            .unwrap();
        assert!(store::plan_findings::dns(&pool).await.unwrap().is_empty());
        pool.close().await;
    });
}
