//! The verdict store: which saves make an event, and what the event says.

use super::*;
use crate::test_pool;
use verdict::{DepVerdict, DependencyVerdict};

async fn service(pool: &SqlitePool, name: &str, kind: &str, target: &str) -> i64 {
    let host: i64 = sqlx::query_scalar(
        "INSERT INTO hosts (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
    )
    .bind("web")
    .fetch_one(pool)
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO services (name, kind, target, host_id, dependencies) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(kind)
    .bind(target)
    .bind(host)
    .bind("registry.lab.test:443\n\nhttps://api.lab.test/")
    .fetch_one(pool)
    .await
    .unwrap()
}

fn dep(host: &str, verdict: DepVerdict) -> DependencyVerdict {
    DependencyVerdict {
        host: host.into(),
        verdict,
        reason: (verdict == DepVerdict::Broken).then_some(probes::Reason::NoAaaa),
        addresses: vec!["198.51.100.4".into()],
        urls: vec![format!("http://{host}/app.js")],
        kinds: vec!["script".into()],
        checked: None,
        detail: String::new(),
        found_by: Vec::new(),
        requests: Vec::new(),
    }
}

fn report(verdict: Verdict, deps: &[(&str, DepVerdict)]) -> ServiceVerdict {
    ServiceVerdict {
        target: "http://dual.lab.test/".into(),
        verdict,
        reason: (verdict == Verdict::Broken).then_some(probes::Reason::Timeout),
        addresses: vec!["2001:db8:2::46".into()],
        final_url: Some("http://dual.lab.test/".into()),
        nat64: false,
        dependencies: deps.iter().map(|(h, v)| dep(h, *v)).collect(),
        truncated: false,
        checked_at: None,
        detail: String::new(),
        judged_by: Vec::new(),
        browser_note: None,
    }
}

async fn event_count(pool: &SqlitePool) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM verdict_events")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn events_record_first_verdicts_and_changes_only() {
    let (pool, _dir) = test_pool().await;
    let id = service(&pool, "shop", "http", "http://dual.lab.test/").await;
    use DepVerdict::{Broken as B, Ready as R};

    // First verdict: an event with no "before".
    let ready = report(Verdict::Ready, &[("cdn.lab.test", R), ("js.lab.test", R)]);
    let first = save(&pool, id, 1_000, &ready).await.unwrap();
    assert!(first.is_some());
    let events = history(&pool, id, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].verdict_before, None);
    assert_eq!(events[0].verdict_after, Verdict::Ready);
    assert!(events[0].changes.is_empty());
    assert_eq!(events[0].report_before, None);
    assert_eq!(events[0].report_after, ready);

    // The same verdict again: no event, but the latest is replaced (its time moves on).
    assert_eq!(save(&pool, id, 2_000, &ready).await.unwrap(), None);
    assert_eq!(event_count(&pool).await, 1);
    assert_eq!(latest(&pool, id).await.unwrap().unwrap().at, 2_000);

    // A dependency newly broken: one event with before and after.
    let partial = report(Verdict::Partial, &[("cdn.lab.test", R), ("js.lab.test", B)]);
    let broke = save(&pool, id, 3_000, &partial).await.unwrap().unwrap();
    let events: Vec<VerdictEventRow> = history(&pool, id, 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| Some(e.id) > first)
        .collect();
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e.id, broke);
    assert_eq!(
        (e.verdict_before, e.verdict_after),
        (Some(Verdict::Ready), Verdict::Partial)
    );
    assert_eq!(
        e.changes,
        vec![
            VerdictChange::Verdict {
                before: Verdict::Ready,
                after: Verdict::Partial,
                reason: None
            },
            VerdictChange::DependencyBroken {
                host: "js.lab.test".into(),
                reason: Some(probes::Reason::NoAaaa)
            },
        ]
    );
    assert_eq!(e.report_before.as_ref(), Some(&ready));
    assert_eq!(e.report_after, partial);
    let stored = latest(&pool, id).await.unwrap().unwrap();
    assert_eq!((stored.at, &stored.report), (3_000, &partial));

    // Another dependency broken while the verdict stays partial: still an event.
    let worse = report(Verdict::Partial, &[("cdn.lab.test", B), ("js.lab.test", B)]);
    save(&pool, id, 4_000, &worse).await.unwrap().unwrap();
    let e = history(&pool, id, 1).await.unwrap().remove(0);
    assert_eq!(
        (e.verdict_before, e.verdict_after),
        (Some(Verdict::Partial), Verdict::Partial)
    );
    assert_eq!(
        e.changes,
        vec![VerdictChange::DependencyBroken {
            host: "cdn.lab.test".into(),
            reason: Some(probes::Reason::NoAaaa)
        }]
    );

    // Recovered: an event naming the recovered hosts.
    let recovered = save(&pool, id, 5_000, &ready).await.unwrap().unwrap();
    let e = history(&pool, id, 10).await.unwrap().remove(0);
    assert_eq!(e.id, recovered);
    assert_eq!(e.verdict_before, Some(Verdict::Partial));
    assert!(e.changes.contains(&VerdictChange::DependencyRecovered {
        host: "js.lab.test".into(),
        verdict: DepVerdict::Ready
    }));
    assert!(e.changes.contains(&VerdictChange::DependencyRecovered {
        host: "cdn.lab.test".into(),
        verdict: DepVerdict::Ready
    }));

    // History is newest first; the alert stage reads oldest first from any id.
    let ids: Vec<i64> = history(&pool, id, 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(ids.len(), 4);
    assert!(ids.windows(2).all(|w| w[0] > w[1]));
    let after: Vec<i64> = crate::alert_state::verdict_events_after(&pool, ids[2], 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(after, vec![ids[1], ids[0]]);
    let limited = crate::alert_state::verdict_events_after(&pool, 0, 2);
    assert_eq!(limited.await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_deleted_service_takes_its_verdicts_along_and_late_verdicts_are_dropped() {
    let (pool, _dir) = test_pool().await;
    let id = service(&pool, "shop", "http", "http://dual.lab.test/").await;
    save(&pool, id, 1, &report(Verdict::Ready, &[]))
        .await
        .unwrap();
    crate::services::delete(&pool, id).await.unwrap();
    assert_eq!(latest(&pool, id).await.unwrap(), None);
    assert_eq!(event_count(&pool).await, 0);
    assert_eq!(
        save(&pool, id, 2, &report(Verdict::Ready, &[]))
            .await
            .unwrap(),
        None
    );
    assert_eq!(latest(&pool, id).await.unwrap(), None);
}

#[tokio::test]
async fn badges_list_every_service_with_its_verdict_if_any() {
    let (pool, _dir) = test_pool().await;
    let shop = service(&pool, "shop", "http", "http://dual.lab.test/").await;
    let ssh = service(&pool, "ssh", "tcp", "2001:db8::1").await;
    save(&pool, shop, 7, &report(Verdict::Broken, &[]))
        .await
        .unwrap();
    let badges = badges(&pool).await.unwrap();
    assert_eq!(badges.len(), 2);
    let b = badges.iter().find(|b| b.service_id == shop).unwrap();
    assert_eq!(
        (b.verdict.as_deref(), b.reason.as_deref(), b.at),
        (Some("broken"), Some("timeout"), Some(7))
    );
    let b = badges.iter().find(|b| b.service_id == ssh).unwrap();
    assert_eq!((b.verdict.as_deref(), b.at), (None, None));
}

#[tokio::test]
async fn judged_kind_badges_leave_out_services_that_are_never_judged() {
    let (pool, _dir) = test_pool().await;
    let wiki = service(&pool, "wiki", "http", "http://dual.lab.test/").await;
    service(&pool, "ssh", "tcp", "2001:db8::1").await;
    let dns = service(&pool, "dns", "dns", "dual.lab.test").await;
    // A verdict stored before the service's kind changed still shows.
    save(&pool, dns, 7, &report(Verdict::Ready, &[]))
        .await
        .unwrap();
    let ids: Vec<i64> = judged_kind_badges(&pool)
        .await
        .unwrap()
        .iter()
        .map(|b| b.service_id)
        .collect();
    assert_eq!(ids, [dns, wiki]);
}

#[tokio::test]
async fn only_http_services_with_their_check_enabled_are_judged() {
    let (pool, _dir) = test_pool().await;
    let shop = service(&pool, "shop", "http", "http://dual.lab.test/").await;
    let off = service(&pool, "off", "http", "https://v6only.lab.test/").await;
    service(&pool, "ssh", "tcp", "2001:db8::1").await;
    service(&pool, "odd", "http", "ftp://files.lab.test/").await;
    crate::checks::sync_from_inventory(&pool).await.unwrap();
    let check = crate::checks::of_subject(&pool, "service", off)
        .await
        .unwrap()
        .remove(0);
    crate::checks::set_enabled(&pool, check.id, false)
        .await
        .unwrap();
    let judged = to_judge(&pool).await.unwrap();
    assert_eq!(
        judged,
        vec![ToJudge {
            service_id: shop,
            url: "http://dual.lab.test/".into(),
            declared: vec![
                "registry.lab.test:443".into(),
                "https://api.lab.test/".into()
            ],
        }]
    );
}

#[tokio::test]
async fn verdict_requests_are_taken_once() {
    let (pool, _dir) = test_pool().await;
    let shop = service(&pool, "shop", "http", "http://dual.lab.test/").await;
    request(&pool, shop, 1).await.unwrap();
    request(&pool, shop, 2).await.unwrap();
    assert_eq!(take_requests(&pool).await.unwrap(), vec![shop]);
    assert!(take_requests(&pool).await.unwrap().is_empty());
}

#[tokio::test]
async fn the_timeline_reads_the_verdict_in_force_and_the_changes_of_a_span() {
    let (pool, _dir) = test_pool().await;
    let id = service(&pool, "cloud", "http", "http://dual.lab.test/").await;
    let other = service(&pool, "other", "http", "http://other.lab.test/").await;
    save(&pool, id, 1_000, &report(Verdict::Ready, &[]))
        .await
        .unwrap();
    save(&pool, id, 2_000, &report(Verdict::Broken, &[]))
        .await
        .unwrap();
    save(
        &pool,
        id,
        3_000,
        &report(Verdict::Partial, &[("cdn.lab.test", DepVerdict::Broken)]),
    )
    .await
    .unwrap();
    save(&pool, other, 2_500, &report(Verdict::Ready, &[]))
        .await
        .unwrap();

    assert_eq!(verdict_before(&pool, id, 1_000).await.unwrap(), None);
    assert_eq!(
        verdict_before(&pool, id, 2_500).await.unwrap().as_deref(),
        Some("broken")
    );
    assert_eq!(
        verdicts_between(&pool, id, 1_500, 3_000, 10).await.unwrap(),
        vec![(2_000, "broken".to_string())]
    );
    assert_eq!(
        verdicts_between(&pool, id, 0, 9_000, 2)
            .await
            .unwrap()
            .len(),
        2
    );
}

/// Many verdicts stored at once (as right after a restart, when every service is due) all
/// land: each save reads then writes, and must wait its turn rather than fail as busy.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_saves_all_land() {
    let (pool, _dir) = test_pool().await;
    let mut ids = Vec::new();
    for n in 0..16 {
        ids.push(service(&pool, &format!("s{n}"), "http", "http://dual.lab.test/").await);
    }
    let mut tasks = Vec::new();
    for (n, id) in ids.iter().copied().enumerate() {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            for round in 0..10i64 {
                let verdict = if (round + n as i64) % 2 == 0 {
                    Verdict::Ready
                } else {
                    Verdict::Broken
                };
                save(&pool, id, 1_000 + round, &report(verdict, &[])).await?;
            }
            Ok::<_, StoreError>(())
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("every save lands");
    }
    assert_eq!(event_count(&pool).await, 16 * 10);
}
