//! Exposure scans end to end in the lab: web46 (dual stack) answers on 8086 over IPv6 only
//! and on 80 over both. Opted in and scanned by the scheduler's exposure step from the
//! dual-stack client, 8086 is in the stored diff, 80 is not, and exactly one alert is queued;
//! a second scan queues none. A host not opted in is never scanned.

use crate::lab;

use lab::{Client, Lab, run_in};
use model::SubjectKind;
use probes::portscan::ScanLimits;
use sqlx::SqlitePool;
use std::net::IpAddr;
use std::time::Duration;
use v6watch::scheduler::exposure::{ExposureSettings, step};

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

#[test]
#[ignore = "needs the network-namespace lab (tests/lab/lab.sh up) and V6WATCH_LAB=1"]
fn an_ipv6_only_port_is_stored_and_alerted_once() {
    let lab = Lab::get();
    let v6only = lab.port("LAB_V6ONLY_PORT");
    let addresses = vec![lab.ip("LAB_WEB46_6"), lab.ip("LAB_WEB46_4")];
    let settings = ExposureSettings {
        limits: ScanLimits {
            concurrency: 8,
            connect_timeout: Duration::from_secs(2),
            deadline: Duration::from_secs(60),
        },
        ports: vec![22, 80, v6only, lab.port("LAB_V4ONLY_PORT")],
        ..ExposureSettings::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v6watch.db");
    run_in(&Client::DualStack.namespace(&lab), move || async move {
        let pool = store::open(&path).await.unwrap();
        let web = host(&pool, "web46", &addresses).await;
        let idle = host(&pool, "not-opted", &addresses).await;
        store::exposure::set_opt_in(&pool, SubjectKind::Host, web, true, 1)
            .await
            .unwrap();

        let first = step(&pool, &settings, 1_000).await.unwrap();
        assert_eq!((first.scanned, first.alerts), (1, 1), "{first:?}");
        let diff = store::exposure::diff(&pool, SubjectKind::Host, web)
            .await
            .unwrap();
        let ports: Vec<u16> = diff.iter().map(|p| p.port).collect();
        assert_eq!(ports, vec![v6only]);
        assert!(
            store::exposure::diff(&pool, SubjectKind::Host, idle)
                .await
                .unwrap()
                .is_empty()
        );

        // Due again (every is 6 h): a later scan finds the same port and queues nothing new.
        let second = step(&pool, &settings, 1_000 + 7 * 3600).await.unwrap();
        assert_eq!((second.scanned, second.alerts), (1, 0), "{second:?}");
        let titles: Vec<String> = sqlx::query_scalar(
            "SELECT title FROM alert_notifications WHERE details LIKE '%ipv6_only_port%'",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(titles.len(), 1, "{titles:?}");
        assert!(titles[0].contains("web46") && titles[0].contains(&v6only.to_string()));
        assert!(titles[0].contains("2001:db8:2::46"), "{}", titles[0]);
        let kept = store::exposure::diff(&pool, SubjectKind::Host, web)
            .await
            .unwrap();
        assert_eq!(kept[0].first_seen, 1_000);
        assert_eq!(kept[0].last_seen, 1_000 + 7 * 3600);
        let scanned: Vec<i64> = store::exposure::subjects(&pool)
            .await
            .unwrap()
            .iter()
            .map(|s| s.subject_id)
            .collect();
        assert_eq!(
            scanned,
            vec![web],
            "the host not opted in is not a scan subject"
        );
    });
}
