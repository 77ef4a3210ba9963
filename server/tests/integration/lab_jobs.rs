//! The scheduled jobs end to end inside the network-namespace lab, with the real prober, the
//! real SQLite store and the lab nameserver, from the IPv6-only client:
//! - the verdict job judges the lab's partial and ready pages and stores their verdicts and
//!   events;
//! - the probe scheduler runs the checks an inventory of lab targets calls for and stores
//!   their results with the right reason codes.
//!
//! Every test here needs the lab and is `#[ignore]`d: `scripts/test.sh` runs them as root with
//! the lab up (`--include-ignored`); asked to run without the lab, they fail.

use crate::lab;

use lab::{Client, Lab, run_in};
use probes::{ProbeConfig, Prober, Reason};
use sqlx::SqlitePool;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use v6watch::scheduler::live_prober::LiveProber;
use v6watch::scheduler::{self, sqlite::SqliteChecks};
use v6watch::verdicts::{self, BrowserSetup, ProberJudge, sqlite::SqliteVerdicts};
use verdict::{DepVerdict, ServiceVerdict, Verdict, VerdictChange};

/// The lab settings plus the lab's NAT64 prefix, as a deployment there would set them.
fn config(lab: &Lab) -> ProbeConfig {
    ProbeConfig {
        nat64_prefixes: vec![lab.var("LAB_NAT64_LAB_NET6").parse().expect("prefix")],
        ..lab.config()
    }
}

async fn host(pool: &SqlitePool, name: &str, addresses: &[IpAddr]) -> i64 {
    let id: i64 = sqlx::query_scalar("INSERT INTO hosts (name) VALUES (?) RETURNING id")
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    store::addresses::replace(&mut conn, store::addresses::Owner::Host(id), addresses)
        .await
        .unwrap();
    id
}

async fn service(pool: &SqlitePool, host: i64, kind: &str, target: &str, port: Option<i64>) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO services (name, kind, target, port, host_id) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(target)
    .bind(kind)
    .bind(target)
    .bind(port)
    .bind(host)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Polls `done` every 100 ms for up to `limit`.
async fn eventually<F, Fut>(limit: Duration, done: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let end = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < end {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn the_verdict_job_stores_the_lab_pages_verdicts_and_their_events() {
    let lab = Lab::get();
    let config = config(&lab);
    let partial_url = format!("http://{}/pages/partial.html", lab.name("dual"));
    let ready_url = format!("http://{}/pages/ready.html", lab.name("dual"));
    let broken_hosts: Vec<(String, Reason)> = [
        ("v4only", Reason::NoAaaa),
        ("missing", Reason::Nxdomain),
        ("blackhole", Reason::Timeout),
        ("v4port", Reason::Refused),
        ("font4", Reason::NoAaaa),
    ]
    .into_iter()
    .map(|(short, reason)| (lab.name(short), reason))
    .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6watch.db");

    run_in(&Client::V6Only.namespace(&lab), move || async move {
        let pool = store::open(&path).await.unwrap();
        let web = host(&pool, "web46", &[]).await;
        let partial = service(&pool, web, "http", &partial_url, None).await;
        let ready = service(&pool, web, "http", &ready_url, None).await;
        // An earlier verdict said the partial page was ready: the job's verdict is a change.
        let earlier = ServiceVerdict {
            target: partial_url.clone(),
            verdict: Verdict::Ready,
            reason: None,
            addresses: Vec::new(),
            final_url: None,
            nat64: false,
            dependencies: Vec::new(),
            truncated: false,
            checked_at: None,
            detail: String::new(),
            judged_by: Vec::new(),
            browser_note: None,
        };
        store::verdicts::save(&pool, partial, 1, &earlier)
            .await
            .unwrap();

        let prober = Arc::new(LiveProber::start(config, &Default::default()).unwrap());
        let settings = verdicts::VerdictJobSettings {
            interval: Duration::from_secs(3600),
            judge_timeout: Duration::from_secs(60),
            resync: Duration::from_millis(200),
            ..verdicts::VerdictJobSettings::default()
        };
        let cancel = CancellationToken::new();
        let job = tokio::spawn(verdicts::run(
            Arc::new(ProberJudge::new(prober, BrowserSetup::none())),
            Arc::new(SqliteVerdicts::new(pool.clone())),
            settings,
            cancel.clone(),
        ));
        let judged = eventually(Duration::from_secs(90), || {
            let pool = pool.clone();
            async move {
                let count: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM service_verdicts WHERE at > 1")
                        .fetch_one(&pool)
                        .await
                        .unwrap();
                count == 2
            }
        })
        .await;
        cancel.cancel();
        job.await.unwrap();
        assert!(judged, "both pages judged within 90 s");

        let got = store::verdicts::latest(&pool, partial)
            .await
            .unwrap()
            .unwrap()
            .report;
        println!("{}", serde_json::to_string_pretty(&got).unwrap());
        assert_eq!(got.verdict, Verdict::Partial);
        let broken_deps = || {
            got.dependencies
                .iter()
                .filter(|d| d.verdict == DepVerdict::Broken)
        };
        let mut broken: Vec<(String, Option<Reason>)> =
            broken_deps().map(|d| (d.host.clone(), d.reason)).collect();
        broken.sort();
        let mut want: Vec<(String, Option<Reason>)> = broken_hosts
            .iter()
            .map(|(h, r)| (h.clone(), Some(*r)))
            .collect();
        want.sort();
        assert_eq!(broken, want);
        assert!(broken_deps().all(|d| !d.urls.is_empty()));

        let got = store::verdicts::latest(&pool, ready)
            .await
            .unwrap()
            .unwrap()
            .report;
        assert_eq!((got.verdict, got.reason), (Verdict::Ready, None));
        assert!(
            got.dependencies
                .iter()
                .all(|d| d.verdict == DepVerdict::Ready)
        );

        // Events: the ready page's first verdict; the partial page's change from ready.
        let mut events = store::verdicts::history(&pool, ready, 10).await.unwrap();
        events.extend(store::verdicts::history(&pool, partial, 10).await.unwrap());
        events.sort_by_key(|e| e.id);
        assert_eq!(events.len(), 3, "{events:#?}");
        let first = events.iter().find(|e| e.service_id == ready).unwrap();
        assert_eq!(
            (first.verdict_before, first.verdict_after),
            (None, Verdict::Ready)
        );
        let change = events
            .iter()
            .rev()
            .find(|e| e.service_id == partial)
            .unwrap();
        assert_eq!(
            (change.verdict_before, change.verdict_after),
            (Some(Verdict::Ready), Verdict::Partial)
        );
        assert_eq!(
            change.changes.first(),
            Some(&VerdictChange::Verdict {
                before: Verdict::Ready,
                after: Verdict::Partial,
                reason: None
            })
        );
        for (host, reason) in &broken_hosts {
            assert!(
                change.changes.contains(&VerdictChange::DependencyBroken {
                    host: host.clone(),
                    reason: Some(*reason)
                }),
                "{host}: {:?}",
                change.changes
            );
        }
        assert_eq!(change.report_before.as_ref(), Some(&earlier));
        pool.close().await;
    });
}

#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn the_scheduler_stores_lab_results_with_their_reasons() {
    let lab = Lab::get();
    let config = config(&lab);
    let web6: IpAddr = lab.ip("LAB_WEB6");
    let v6only = format!("http://{}/", lab.name("v6only"));
    let v4only = lab.name("v4only");
    let blackhole = format!("http://{}/", lab.name("blackhole"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6watch.db");

    run_in(&Client::V6Only.namespace(&lab), move || async move {
        let pool = store::open(&path).await.unwrap();
        let h = host(&pool, "web6", &[web6]).await;
        service(&pool, h, "http", &v6only, None).await;
        service(&pool, h, "tcp", &v4only, Some(80)).await;
        service(&pool, h, "http", &blackhole, None).await;

        let prober = Arc::new(Prober::new(config).unwrap());
        let settings = scheduler::SchedulerSettings {
            probe_timeout: Duration::from_secs(7),
            resync: Duration::from_millis(200),
            batch_age: Duration::from_millis(100),
            seed: 7,
            ..scheduler::SchedulerSettings::default()
        };
        let cancel = CancellationToken::new();
        let job = tokio::spawn(scheduler::run(
            prober,
            Arc::new(SqliteChecks::new(pool.clone())),
            settings,
            Arc::new(Notify::new()),
            cancel.clone(),
        ));
        let done = eventually(Duration::from_secs(60), || {
            let pool = pool.clone();
            async move {
                let count: i64 = sqlx::query_scalar(
                    "SELECT COUNT(DISTINCT check_id) FROM results WHERE family = 'v6'",
                )
                .fetch_one(&pool)
                .await
                .unwrap();
                count == 4
            }
        })
        .await;
        cancel.cancel();
        job.await.unwrap();
        assert!(done, "every check has an IPv6 result within 60 s");

        // (what the check probes, IPv6 reason, ok)
        let rows: Vec<(String, String, bool)> = sqlx::query_as(
            "SELECT c.spec, r.reason, r.ok FROM results r JOIN checks c ON c.id = r.check_id
              WHERE r.family = 'v6' ORDER BY c.id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        println!("{rows:#?}");
        let reason_of = |needle: &str| {
            let found: Vec<&(String, String, bool)> = rows
                .iter()
                .filter(|(spec, _, _)| spec.contains(needle))
                .collect();
            assert_eq!(found.len(), 1, "{needle}: {rows:?}");
            (found[0].1.clone(), found[0].2)
        };
        assert_eq!(
            reason_of(&format!("\"icmp\",\"address\":\"{web6}\"")),
            ("ok".to_string(), true)
        );
        assert_eq!(reason_of(&v6only), ("ok".to_string(), true));
        assert_eq!(reason_of(&v4only), ("no_aaaa".to_string(), false));
        assert_eq!(reason_of(&blackhole), ("timeout".to_string(), false));
        pool.close().await;
    });
}

/// A resolver saved on the settings page reaches the probes without a restart: a lab name
/// that the flags' resolver (a lab host with no DNS server) cannot answer resolves once the
/// lab's DNS server is saved, and the flags' resolver is back once the field is emptied.
#[test]
#[ignore = "needs the network-namespace lab (as root: bash tests/lab/lab.sh up); scripts/test.sh runs it"]
fn a_saved_resolver_is_used_by_the_next_probe() {
    use model::settings::ProbeSettings;
    use probes::{Family, ProbeSpec};
    let lab = Lab::get();
    let base = ProbeConfig {
        nameservers: vec![std::net::SocketAddr::new(lab.ip("LAB_WEB6"), 53)],
        ..config(&lab)
    };
    let saved = ProbeSettings {
        resolvers: vec![lab.dns().to_string()],
        nat64_prefixes: Vec::new(),
        browser_judge: None,
    };
    let spec = ProbeSpec::Dns {
        name: lab.name("v6only"),
    };
    run_in(&Client::V6Only.namespace(&lab), move || async move {
        let live = LiveProber::start(base, &ProbeSettings::default()).unwrap();
        let reason = async |live: &LiveProber| {
            let report = scheduler::ProbeRunner::run(live, &spec).await;
            report.family(Family::V6).next().map(|o| o.reason)
        };
        assert_ne!(reason(&live).await, Some(Reason::Ok), "the flags' resolver");
        live.apply(&saved).unwrap();
        assert_eq!(reason(&live).await, Some(Reason::Ok), "the saved resolver");
        live.apply(&ProbeSettings::default()).unwrap();
        assert_ne!(
            reason(&live).await,
            Some(Reason::Ok),
            "the flags' resolver again"
        );
    });
}
