//! The alert loop against a real database: a sequence of failing results gives exactly one
//! "opened" outbox row, recovery exactly one "resolved", and a restart sends nothing again.

use sqlx::SqlitePool;
use store::results::{NewResult, insert_batch};
use v6watch::alerts::worker::{WorkerSettings, step};

async fn open(dir: &tempfile::TempDir) -> SqlitePool {
    store::open(&dir.path().join("v6watch.db")).await.unwrap()
}

/// A host with one IPv6 address, so one echo check; returns the check's id.
async fn host_with_check(pool: &SqlitePool) -> i64 {
    sqlx::query("INSERT INTO hosts (id, name) VALUES (1, 'nas')")
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO addresses (host_id, address, kind) VALUES (1, '2001:db8:99::1', 'global')",
    )
    .execute(pool)
    .await
    .unwrap();
    store::checks::sync_from_inventory(pool).await.unwrap();
    sqlx::query_scalar("SELECT id FROM checks WHERE subject_kind = 'host' AND subject_id = 1")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn results(pool: &SqlitePool, check_id: i64, at: &mut i64, outcomes: &str) {
    let batch: Vec<NewResult> = outcomes
        .chars()
        .map(|c| {
            *at += 60_000;
            let ok = c == 'o';
            NewResult {
                check_id,
                at: *at,
                family: "v6",
                address: Some("2001:db8:99::1".into()),
                reason: if ok { "ok".into() } else { "timeout".into() },
                ok,
                latency_ms: ok.then_some(1.0),
                lateness_ms: None,
                detail: "[]".into(),
            }
        })
        .collect();
    insert_batch(pool, &batch).await.unwrap();
}

async fn outbox(pool: &SqlitePool) -> Vec<(String, String, String)> {
    sqlx::query_as("SELECT kind, subject_kind, path FROM alert_notifications ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn failing_results_give_one_opened_and_recovery_one_resolved_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let pool = open(&dir).await;
    let check = host_with_check(&pool).await;
    let settings = WorkerSettings::default();
    let mut at = 1_000_000;

    results(&pool, check, &mut at, "oxxx").await;
    step(&pool, &settings, at).await.unwrap();
    results(&pool, check, &mut at, "xx").await;
    step(&pool, &settings, at).await.unwrap();
    step(&pool, &settings, at).await.unwrap();
    let opened = outbox(&pool).await;
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0].0, "opened");
    assert_eq!(opened[0].1, "host");
    let (title, rule): (String, String) =
        sqlx::query_as("SELECT title, rule FROM incidents WHERE resolved_at IS NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(opened[0].2, "/alerts/1");
    assert_eq!(rule, "down");
    assert!(title.contains("nas"), "{title}");

    // A restart: the pool closes, a new one opens the same file; nothing is sent again.
    pool.close().await;
    let pool = open(&dir).await;
    step(&pool, &settings, at).await.unwrap();
    results(&pool, check, &mut at, "x").await;
    step(&pool, &settings, at).await.unwrap();
    assert_eq!(outbox(&pool).await.len(), 1);

    results(&pool, check, &mut at, "oo").await;
    step(&pool, &settings, at).await.unwrap();
    step(&pool, &settings, at).await.unwrap();
    pool.close().await;
    let pool = open(&dir).await;
    step(&pool, &settings, at).await.unwrap();
    let kinds: Vec<String> = outbox(&pool).await.into_iter().map(|r| r.0).collect();
    assert_eq!(kinds, ["opened", "resolved"]);
    let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incidents WHERE resolved_at IS NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(open, 0);
}

#[tokio::test]
async fn the_first_run_does_not_replay_old_history() {
    let dir = tempfile::tempdir().unwrap();
    let pool = open(&dir).await;
    let check = host_with_check(&pool).await;
    let mut at = 1_000_000;
    // A failure long ago, then recent passes: nothing to say about the old one.
    results(&pool, check, &mut at, "oxxxxx").await;
    at += 3_600_000;
    results(&pool, check, &mut at, "oo").await;
    step(&pool, &WorkerSettings::default(), at).await.unwrap();
    assert!(outbox(&pool).await.is_empty());
    let incidents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incidents")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(incidents, 0);
    // From then on, new failures count.
    results(&pool, check, &mut at, "xx").await;
    step(&pool, &WorkerSettings::default(), at).await.unwrap();
    assert_eq!(outbox(&pool).await.len(), 1);
}

#[tokio::test]
async fn a_muted_host_records_the_incident_without_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let pool = open(&dir).await;
    let check = host_with_check(&pool).await;
    let mut at = 1_000_000;
    sqlx::query("INSERT INTO alert_mutes (subject_kind, subject_id, until, created_at) VALUES ('host', 1, ?, 0)")
        .bind(at + 3_600_000)
        .execute(&pool)
        .await
        .unwrap();
    results(&pool, check, &mut at, "oxxx").await;
    step(&pool, &WorkerSettings::default(), at).await.unwrap();
    assert!(outbox(&pool).await.is_empty());
    let muted: bool = sqlx::query_scalar("SELECT muted FROM incidents")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(muted);
}

#[tokio::test]
async fn a_verdict_event_becomes_one_alert_with_its_changes() {
    let dir = tempfile::tempdir().unwrap();
    let pool = open(&dir).await;
    sqlx::query("INSERT INTO hosts (id, name) VALUES (1, 'nas')")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO services (id, name, kind, target, host_id) VALUES (4, 'blog', 'http', 'http://blog.lab.test/', 1)")
        .execute(&pool)
        .await
        .unwrap();
    let changes = r#"[{"change":"verdict","before":"ready","after":"partial","reason":null},
                      {"change":"dependency_broken","host":"cdn.example","reason":"no_aaaa"}]"#;
    sqlx::query("INSERT INTO verdict_events (service_id, at, verdict_before, verdict_after, changes, report_after) VALUES (4, 5, 'ready', 'partial', ?, '{}')")
        .bind(changes)
        .execute(&pool)
        .await
        .unwrap();
    let settings = WorkerSettings::default();
    step(&pool, &settings, 10).await.unwrap();
    step(&pool, &settings, 200_000).await.unwrap();
    let rows = outbox(&pool).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].1, "service");
    let (before, after, evidence): (String, String, String) =
        sqlx::query_as("SELECT before, after, evidence FROM incidents")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((before.as_str(), after.as_str()), ("ready", "partial"));
    assert!(
        evidence.contains("dependency cdn.example broken over IPv6 (no_aaaa)"),
        "{evidence}"
    );
}

#[tokio::test]
async fn a_tunnel_far_end_down_folds_the_hosts_routed_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let pool = open(&dir).await;
    for sql in [
        "INSERT INTO hosts (id, name) VALUES (1, 'router'), (2, 'nas')",
        "INSERT INTO addresses (host_id, address, kind) VALUES (1, '2001:db8:ff::1', 'global'),
            (2, '2001:db8:10::5', 'global')",
        "INSERT INTO tunnels (id, name, kind, remote_v6, routed_prefixes)
            VALUES (7, 'he', 'sit', '2001:db8:ff::1', '2001:db8:10::/48')",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    store::checks::sync_from_inventory(&pool).await.unwrap();
    // The hosts' echo checks (the router holds the far end); the tunnel's own checks stay
    // silent here.
    let checks: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM checks WHERE subject_kind = 'host' ORDER BY subject_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(checks.len(), 2);
    let start = 1_000_000;
    for check in &checks {
        let mut at = start;
        results(&pool, *check, &mut at, "oxxx").await;
    }
    let settings = WorkerSettings::default();
    let last = start + 4 * 60_000;
    step(&pool, &settings, last).await.unwrap();
    // After the grace, still only the tunnel speaks.
    step(&pool, &settings, last + 200_000).await.unwrap();
    let rows = outbox(&pool).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("opened", "tunnel")
    );
    let folded: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT subject_kind, folded_into FROM incidents ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(folded.len(), 2, "{folded:?}");
    assert!(
        folded.contains(&("host".to_string(), Some(1))),
        "{folded:?}"
    );
}

/// A host added with two IPv6 addresses that fail from the start: one "never worked"
/// message, not one per address nor one per round, none again after a restart; the first
/// IPv6 success resolves it once.
#[tokio::test]
async fn a_host_that_never_worked_is_one_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let pool = open(&dir).await;
    let first = host_with_check(&pool).await;
    sqlx::query(
        "INSERT INTO addresses (host_id, address, kind) VALUES (1, '2001:db8:99::2', 'global')",
    )
    .execute(&pool)
    .await
    .unwrap();
    store::checks::sync_from_inventory(&pool).await.unwrap();
    let second: i64 = sqlx::query_scalar("SELECT id FROM checks WHERE id != ?")
        .bind(first)
        .fetch_one(&pool)
        .await
        .unwrap();
    let settings = WorkerSettings::default();
    let mut at = 1_000_000;

    // One failed run each: still inside the confirmation window.
    results(&pool, first, &mut at, "x").await;
    results(&pool, second, &mut at, "x").await;
    step(&pool, &settings, at).await.unwrap();
    assert!(outbox(&pool).await.is_empty());
    for _ in 0..3 {
        results(&pool, first, &mut at, "x").await;
        results(&pool, second, &mut at, "x").await;
        step(&pool, &settings, at).await.unwrap();
    }
    let opened = outbox(&pool).await;
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0].0, "opened");
    let (title, rule): (String, String) =
        sqlx::query_as("SELECT title, rule FROM incidents WHERE resolved_at IS NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(rule, "never_worked");
    assert_eq!(title, "Host nas: never worked over IPv6 (2001:db8:99::1)");

    // A restart, more failed rounds: nothing more.
    pool.close().await;
    let pool = open(&dir).await;
    results(&pool, first, &mut at, "xx").await;
    results(&pool, second, &mut at, "xx").await;
    step(&pool, &settings, at).await.unwrap();
    step(&pool, &settings, at).await.unwrap();
    assert_eq!(outbox(&pool).await.len(), 1);
    let incidents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incidents")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(incidents, 1);

    // Both addresses work at last: resolved, once.
    results(&pool, first, &mut at, "o").await;
    results(&pool, second, &mut at, "o").await;
    step(&pool, &settings, at).await.unwrap();
    step(&pool, &settings, at).await.unwrap();
    let kinds: Vec<String> = outbox(&pool).await.into_iter().map(|r| r.0).collect();
    assert_eq!(kinds, ["opened", "resolved"]);
}

/// On the detector's first run a check whose IPv6 success lies before the lookback is not
/// taken for one that never worked: its failure is an ordinary regression.
#[tokio::test]
async fn a_check_that_worked_long_before_the_first_run_regresses_instead() {
    let dir = tempfile::tempdir().unwrap();
    let pool = open(&dir).await;
    let check = host_with_check(&pool).await;
    let mut at = 1_000_000;
    results(&pool, check, &mut at, "o").await;
    at += 3_600_000;
    results(&pool, check, &mut at, "xxx").await;
    step(&pool, &WorkerSettings::default(), at).await.unwrap();
    let rules: Vec<String> = sqlx::query_scalar("SELECT rule FROM incidents")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(rules, ["down"]);
}
