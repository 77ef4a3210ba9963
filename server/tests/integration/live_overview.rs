//! The overview people keep open, over HTTP: `GET /events` refuses strangers and streams a
//! change as soon as the scheduler's store has written a batch of results; the overview
//! lists problems first (worst first, each with its reason and link), then the open alerts
//! and tiles with IPvFoo-style badges.

use reqwest::StatusCode;
use std::time::Duration;
use store::results::NewResult;
use v6watch::alerts::worker::{WorkerSettings, step};
use v6watch::scheduler::CheckStore;
use v6watch::scheduler::sqlite::SqliteChecks;
use v6watch::web::Wiring;

use crate::support;

use support::{TestApp, serve};

impl TestApp {
    /// A host with one address; returns its id and its echo check's id.
    async fn host_with_address(&self, name: &str, address: &str) -> (i64, i64) {
        let r = self
            .post("/actions/hosts", &[("name", name), ("addresses", address)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let id: i64 = r.headers()["location"]
            .to_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        store::checks::sync_from_inventory(&self.pool)
            .await
            .unwrap();
        let check = sqlx::query_scalar(
            "SELECT id FROM checks WHERE subject_kind = 'host' AND subject_id = ? LIMIT 1",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await
        .unwrap();
        (id, check)
    }
}

impl TestApp {
    /// The ids of the checks on one subject, in order.
    async fn checks_of(&self, kind: &str, id: i64) -> Vec<i64> {
        sqlx::query_scalar(
            "SELECT id FROM checks WHERE subject_kind = ? AND subject_id = ? ORDER BY id",
        )
        .bind(kind)
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }
}

/// `runs` over IPv6 (o ok, x failed), one a minute, with optionally an IPv4 run each time.
fn results(check: i64, address: &str, runs: &str, v4_ok: Option<bool>) -> Vec<NewResult> {
    let mut rows = Vec::new();
    for (i, c) in runs.chars().enumerate() {
        let at = 1_000_000 + i as i64 * 60_000;
        rows.push(NewResult {
            check_id: check,
            at,
            family: "v6",
            address: Some(address.into()),
            reason: if c == 'o' { "ok" } else { "no_route" }.into(),
            ok: c == 'o',
            latency_ms: None,
            lateness_ms: None,
            detail: "[]".into(),
        });
        if let Some(ok) = v4_ok {
            rows.push(NewResult {
                check_id: check,
                at,
                family: "v4",
                address: Some("192.0.2.1".into()),
                reason: if ok { "ok" } else { "timeout" }.into(),
                ok,
                latency_ms: None,
                lateness_ms: None,
                detail: "[]".into(),
            });
        }
    }
    rows
}

#[tokio::test]
async fn events_need_a_session_and_stream_a_change_once_results_are_stored() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let stranger = reqwest::Client::new();
    let refused = stranger
        .get(format!("{}/events", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    let (_, check) = app.host_with_address("nas", "2001:db8:5::1").await;
    // As a browser asks: compressed, the stream would be held back in the encoder.
    let r = app
        .client
        .get(format!("{}/events", app.base))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    assert!(r.headers().get("content-encoding").is_none());
    let mut stream = r;

    // The scheduler's store writes a batch, as the running scheduler does.
    let store = SqliteChecks::new(app.pool.clone()).publishing(app.events.clone());
    store
        .save(results(check, "2001:db8:5::1", "x", None))
        .await
        .unwrap();

    let mut seen = String::new();
    let heard = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(chunk) = stream.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("\n\n") {
                break;
            }
        }
    })
    .await;
    assert!(heard.is_ok(), "no event within the limit: {seen:?}");
    assert!(
        seen.contains(r#"data: {"seq":1,"changed":"results"}"#),
        "{seen:?}"
    );
    assert!(seen.contains("id: 1"), "{seen:?}");
}

#[tokio::test]
async fn the_overview_lists_problems_first_worst_first_then_open_alerts_and_badged_tiles() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let (fine, fine_check) = app.host_with_address("aaa-fine", "2001:db8:1::1").await;
    let (degraded, degraded_check) = app.host_with_address("mmm-degraded", "2001:db8:2::1").await;
    let (down, down_check) = app.host_with_address("zzz-down", "2001:db8:3::1").await;
    let mut batch = results(fine_check, "2001:db8:1::1", "ooo", Some(true));
    batch.extend(results(degraded_check, "2001:db8:2::1", "oxx", Some(true)));
    batch.extend(results(down_check, "2001:db8:3::1", "oxx", Some(false)));
    store::results::insert_batch(&app.pool, &batch)
        .await
        .unwrap();
    step(&app.pool, &WorkerSettings::default(), 1_200_000)
        .await
        .unwrap();
    let _ = fine;

    let page = app.page("/").await;
    let at = |needle: &str| {
        page.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing: {page}"))
    };
    // Problems come first, before the counts and the readiness figure.
    assert!(at(r#"id="problems""#) < at(r#"id="failing-v6""#));
    assert!(at(r#"id="problems""#) < at(r#"class="tiles""#));
    assert!(at(r#"id="problems""#) < at(r#"id="readiness""#));
    let problems = page
        .split(r#"id="problems""#)
        .nth(1)
        .unwrap()
        .split("</ul>")
        .next()
        .unwrap();
    // Worst first: failing over IPv6 with IPv4 down too, then degraded (IPv4 still works).
    let down_at = problems
        .find(&format!(r#"href="/hosts/{down}""#))
        .expect(problems);
    let degraded_at = problems
        .find(&format!(r#"href="/hosts/{degraded}""#))
        .expect(problems);
    assert!(down_at < degraded_at, "{problems}");
    assert!(!problems.contains("aaa-fine"), "{problems}");
    assert!(problems.contains("no_route"), "reason code: {problems}");
    assert!(problems.contains("IPv4 works"), "{problems}");
    assert!(
        problems.contains("failing over IPv6"),
        "badge words: {problems}"
    );
    // IPvFoo's language: IPv4 only is a red 4 (never a 6), neither family a ✗.
    let badge_of = |host: i64| {
        let row = problems
            .split("<li")
            .find(|li| li.contains(&format!(r#"href="/hosts/{host}""#)))
            .unwrap();
        row.split(r#"class="verdict "#)
            .nth(1)
            .map(|b| b.split("</span>").take(2).collect::<String>())
            .unwrap_or_default()
    };
    let degraded_badge = badge_of(degraded);
    assert!(
        degraded_badge.starts_with(r#"degraded""#)
            && degraded_badge.contains("works over IPv4 only")
            && degraded_badge.contains(r#"<span aria-hidden="true">4"#),
        "{degraded_badge}"
    );
    let down_badge = badge_of(down);
    assert!(
        down_badge.starts_with("failing") && down_badge.contains(r#"<span aria-hidden="true">✗"#),
        "{down_badge}"
    );
    assert!(page.contains("✗ 2 check(s) failing over IPv6."), "{page}");

    // The open incidents link to their pages.
    let alerts = page
        .split(r#"id="open-alerts""#)
        .nth(1)
        .expect("open alerts")
        .split("</ul>")
        .next()
        .unwrap();
    assert!(alerts.contains(r#"href="/alerts/"#), "{alerts}");
    assert!(alerts.contains("zzz-down"), "{alerts}");

    // The hosts tile counts by state and carries the worst one's mark with its words.
    let tiles = page
        .split(r#"class="tiles""#)
        .nth(1)
        .unwrap()
        .split("</ul>")
        .next()
        .unwrap();
    let hosts_tile = tiles.split("<li").find(|t| t.contains(">Hosts<")).unwrap();
    assert!(hosts_tile.contains(">3<"), "{hosts_tile}");
    assert!(
        hosts_tile.contains("1 failing · 1 degraded or partial · 1 fine"),
        "{hosts_tile}"
    );
    assert!(
        hosts_tile.contains(r#"class="verdict failing""#),
        "{hosts_tile}"
    );
}

#[tokio::test]
async fn a_calm_overview_says_nothing_is_failing() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let (_, check) = app.host_with_address("router", "2001:db8:1::1").await;
    store::results::insert_batch(&app.pool, &results(check, "2001:db8:1::1", "o", Some(true)))
        .await
        .unwrap();
    let page = app.page("/").await;
    assert!(page.contains("Nothing is failing."), "{page}");
    assert!(!page.contains(r#"id="open-alerts""#), "{page}");
    let tiles = page.split(r#"class="tiles""#).nth(1).unwrap();
    let hosts_tile = tiles.split("<li").find(|t| t.contains(">Hosts<")).unwrap();
    assert!(
        hosts_tile.contains(r#"class="verdict ready""#),
        "{hosts_tile}"
    );
    assert!(hosts_tile.contains("all fine over IPv6"), "{hosts_tile}");
}

#[tokio::test]
async fn the_verdict_store_and_the_alert_loop_announce_what_they_stored() {
    use v6watch::events::Changed;
    use v6watch::verdicts::VerdictStore;
    use v6watch::verdicts::sqlite::SqliteVerdicts;

    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let mut heard = app.events.subscribe();

    let (host, check) = app.host_with_address("pi", "2001:db8:7::1").await;
    let service: i64 = sqlx::query_scalar(
        "INSERT INTO services (name, kind, target, host_id) VALUES ('cloud', 'http', 'http://cloud.lab.test/', ?) RETURNING id",
    )
    .bind(host)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let verdicts = SqliteVerdicts::new(app.pool.clone()).publishing(app.events.clone());
    verdicts
        .save(
            service,
            verdict::ServiceVerdict {
                target: "http://cloud.lab.test/".into(),
                verdict: verdict::Verdict::Ready,
                reason: None,
                addresses: vec!["2001:db8:7::80".into()],
                final_url: None,
                nat64: false,
                dependencies: vec![],
                truncated: false,
                checked_at: None,
                detail: "answered 200 over IPv6".into(),
                judged_by: Vec::new(),
                browser_note: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(next(&mut heard).await, Changed::Verdict);

    // A check that passed fails twice: the running alert loop opens an incident and says so.
    let now = v6watch::scheduler::unix_ms();
    let mut batch = results(check, "2001:db8:7::1", "oxx", None);
    for (i, row) in batch.iter_mut().enumerate() {
        row.at = now - 120_000 + i as i64 * 30_000;
    }
    store::results::insert_batch(&app.pool, &batch)
        .await
        .unwrap();
    let cancel = tokio_util::sync::CancellationToken::new();
    let settings = WorkerSettings {
        interval: Duration::from_millis(100),
        ..WorkerSettings::default()
    };
    let alerts = tokio::spawn(v6watch::alerts::worker::run(
        app.pool.clone(),
        settings,
        app.events.clone(),
        cancel.clone(),
    ));
    assert_eq!(next(&mut heard).await, Changed::Incidents);
    cancel.cancel();
    alerts.await.unwrap();
    let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incidents WHERE resolved_at IS NULL")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(open, 1);
}

async fn next(
    rx: &mut tokio::sync::broadcast::Receiver<v6watch::events::Event>,
) -> v6watch::events::Changed {
    tokio::time::timeout(Duration::from_secs(20), rx.recv())
        .await
        .expect("an event within the limit")
        .unwrap()
        .changed
}

fn judged(verdict: verdict::Verdict) -> verdict::ServiceVerdict {
    verdict::ServiceVerdict {
        target: "http://cloud.lab.test/".into(),
        verdict,
        reason: (verdict == verdict::Verdict::Broken).then_some(probes::Reason::Timeout),
        addresses: vec!["2001:db8:7::80".into()],
        final_url: None,
        nat64: false,
        dependencies: vec![],
        truncated: false,
        checked_at: None,
        detail: String::new(),
        judged_by: Vec::new(),
        browser_note: None,
    }
}

#[tokio::test]
async fn the_readiness_figure_comes_with_its_value_a_day_and_a_week_ago() {
    use verdict::Verdict::{Broken, Ready};
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let (host, _) = app.host_with_address("web", "2001:db8:7::1").await;
    let mut ids = Vec::new();
    for name in ["blog", "cloud"] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO services (name, kind, target, host_id) VALUES (?, 'http', 'http://x.lab.test/', ?) RETURNING id",
        )
        .bind(name)
        .bind(host)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        ids.push(id);
    }
    let now = v6watch::scheduler::unix_ms();
    let day = 24 * 3_600_000;
    // blog: broken eight days ago, ready since two days ago; cloud: judged only today.
    for (id, at, verdict) in [
        (ids[0], now - 8 * day, Broken),
        (ids[0], now - 2 * day, Ready),
        (ids[1], now - 60_000, Broken),
    ] {
        store::verdicts::save(&app.pool, id, at, &judged(verdict))
            .await
            .unwrap();
    }
    let page = app.page("/").await;
    assert!(page.contains("50 % ready (1 of 2)"), "{page}");
    let trend = page
        .split(r#"id="readiness-trend""#)
        .nth(1)
        .expect("a trend line")
        .split("</p>")
        .next()
        .unwrap();
    assert!(
        trend.contains("24 h ago: 100 % ready (1 of 1); 7 days ago: 0 % ready (0 of 1)."),
        "{trend}"
    );
}

#[tokio::test]
async fn a_failed_self_test_is_explained_once_then_folded_and_marks_the_results_it_doubts() {
    let wiring = Wiring::default();
    wiring.board.set(app::queries::status::SelfTestStatus {
        at: "2026-12-01T10:00:00Z".into(),
        problems: vec![app::queries::status::SelfTestProblem {
            found: "no global IPv6 address: only ::1 (loopback)".into(),
            advice: "Give it a global address.".into(),
        }],
        ..Default::default()
    });
    let app = serve(wiring).await;
    app.set_up().await;
    let (host, check) = app.host_with_address("nas", "2001:db8:9::1").await;
    store::results::insert_batch(&app.pool, &results(check, "2001:db8:9::1", "x", None))
        .await
        .unwrap();

    let banner = |page: &str| {
        page.split(r#"id="self-test""#)
            .nth(1)
            .map(|b| b.split("</details>").next().unwrap().to_string())
    };
    let first = app.page("/").await;
    let opened = banner(&first).expect("a failed self-test has a banner");
    assert!(
        opened.starts_with(" open") || opened.contains(" open>"),
        "unfolded first: {opened}"
    );
    assert!(opened.contains("::1 (loopback)"), "{opened}");
    assert!(!opened.contains("unique-local"), "{opened}");
    assert!(
        opened.contains("Give it a global address."),
        "what to do: {opened}"
    );
    // The problem it may explain is marked, not every page painted red.
    let problems = first.split(r#"id="problems""#).nth(1).unwrap();
    let row = problems.split("</li>").next().unwrap();
    assert!(
        row.contains("may be this machine&#x27;s IPv6")
            || row.contains("may be this machine's IPv6"),
        "{row}"
    );

    let later = app.page(&format!("/hosts/{host}")).await;
    let folded = banner(&later).expect("still there, folded");
    assert!(!folded.contains(" open"), "folded once read: {folded}");
    let ipv6_row = later
        .split(r#"<th scope="row">IPv6</th>"#)
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        ipv6_row.contains("FAILED") && ipv6_row.contains("may be this machine"),
        "{ipv6_row}"
    );
}

#[tokio::test]
async fn the_hosts_list_shows_each_hosts_status_and_sorts_by_it() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let (_, fine) = app.host_with_address("aaa-fine", "2001:db8:1::1").await;
    let (_, degraded) = app.host_with_address("bbb-degraded", "2001:db8:2::1").await;
    let (bare, _) = (
        app.post("/actions/hosts", &[("name", "ccc-bare")]).await,
        (),
    );
    assert_eq!(bare.status(), StatusCode::SEE_OTHER);
    let mut batch = results(fine, "2001:db8:1::1", "o", Some(true));
    batch.extend(results(degraded, "2001:db8:2::1", "x", Some(true)));
    store::results::insert_batch(&app.pool, &batch)
        .await
        .unwrap();

    let row_of = |page: &str, name: &str| {
        page.split("<tr>")
            .find(|r| r.contains(&format!(">{name}</a>")))
            .unwrap_or_else(|| panic!("{name} not listed: {page}"))
            .split("</tr>")
            .next()
            .unwrap()
            .to_string()
    };
    let page = app.page("/hosts").await;
    let degraded_row = row_of(&page, "bbb-degraded");
    assert!(
        degraded_row.contains("works over IPv4 only"),
        "{degraded_row}"
    );
    assert!(degraded_row.contains("IPv6 ✗ · IPv4 ✓"), "{degraded_row}");
    assert!(degraded_row.contains("checked "), "{degraded_row}");
    let fine_row = row_of(&page, "aaa-fine");
    assert!(fine_row.contains("IPv6 ✓ · IPv4 ✓"), "{fine_row}");
    assert!(row_of(&page, "ccc-bare").contains("no checks"));

    // By status: the worst first, the host without checks last.
    let page = app.page("/hosts?sort=status&dir=asc").await;
    let at = |name: &str| page.find(&format!(">{name}</a>")).unwrap();
    assert!(at("bbb-degraded") < at("aaa-fine"), "{page}");
    assert!(at("aaa-fine") < at("ccc-bare"), "{page}");
}

#[tokio::test]
async fn the_overview_groups_problems_by_subject_and_nests_them_under_their_root_cause() {
    use verdict::Verdict::Broken;
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let (pi, _) = app
        .host_with_address("pi", "2001:db8:4::10\n2001:db8:4::11")
        .await;
    let container: i64 = sqlx::query_scalar(
        "INSERT INTO containers (name, runtime, host_id, network_mode) VALUES ('web', 'lxc', ?, 'bridged') RETURNING id",
    )
    .bind(pi)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO addresses (container_id, address, kind) VALUES (?, '2001:db8:4::20', 'global')")
        .bind(container)
        .execute(&app.pool)
        .await
        .unwrap();
    let service: i64 = sqlx::query_scalar(
        "INSERT INTO services (name, kind, target, host_id) VALUES ('cloud', 'http', 'http://cloud.lab.test/', ?) RETURNING id",
    )
    .bind(pi)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    store::checks::sync_from_inventory(&app.pool).await.unwrap();
    let host_checks = app.checks_of("host", pi).await;
    assert_eq!(host_checks.len(), 2);
    let mut batch = results(host_checks[0], "2001:db8:4::10", "x", None);
    batch.extend(results(host_checks[1], "2001:db8:4::11", "x", None));
    let container_check = app.checks_of("container", container).await[0];
    batch.extend(results(container_check, "2001:db8:4::20", "x", None));
    let service_check = app.checks_of("service", service).await[0];
    batch.extend(results(service_check, "2001:db8:4::80", "x", None));
    store::results::insert_batch(&app.pool, &batch)
        .await
        .unwrap();
    store::verdicts::save(
        &app.pool,
        service,
        v6watch::scheduler::unix_ms(),
        &judged(Broken),
    )
    .await
    .unwrap();

    let page = app.page("/").await;
    let problems = page
        .split(r#"<ul id="problems" class="problems">"#)
        .nth(1)
        .unwrap_or_else(|| panic!("no problems: {page}"))
        .split("</section>")
        .next()
        .unwrap();
    // One row for the host, naming both failing addresses.
    assert_eq!(
        problems.matches(&format!(r#"href="/hosts/{pi}""#)).count(),
        1,
        "{problems}"
    );
    assert!(
        problems.contains("2001:db8:4::10, 2001:db8:4::11 — no_route"),
        "{problems}"
    );
    // The container and the service sit under the host, inside its row.
    let (host_row, after) = problems
        .split_once(r#"<ul aria-label="failing behind pi" class="problems nested">"#)
        .expect("a nested list");
    assert!(host_row.contains(">pi</a>"), "{host_row}");
    assert!(!host_row.contains("/containers/"), "{host_row}");
    let nested = after.split("</ul>").next().unwrap();
    assert!(
        nested.contains(&format!(r#"href="/containers/{container}""#)),
        "{nested}"
    );
    assert!(nested.contains("2001:db8:4::20 — no_route"), "{nested}");
    // One row for the service with its check's outcome and its verdict.
    let service_rows: Vec<&str> = problems
        .split("<li")
        .filter(|li| li.contains(&format!(r#"href="/services/{service}""#)))
        .collect();
    assert_eq!(service_rows.len(), 1, "{problems}");
    let row = service_rows[0];
    assert!(
        row.contains("HTTP check fails over IPv6 — no_route"),
        "{row}"
    );
    assert!(row.contains("IPv6-only verdict: broken — timeout"), "{row}");
    assert!(
        nested.contains(&format!(r#"href="/services/{service}""#)),
        "{nested}"
    );
    // Four checks fail, in three rows.
    assert_eq!(problems.matches("<li").count(), 3, "{problems}");
}

#[tokio::test]
async fn the_tunnels_list_shows_the_status_of_the_hosts_behind_each_and_sorts_by_it() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let (_, a) = app.host_with_address("a", "2001:db8:10::1").await;
    let (_, b) = app.host_with_address("b", "2001:db8:10::2").await;
    let (_, c) = app.host_with_address("c", "2001:db8:10::3").await;
    sqlx::query(
        "INSERT INTO tunnels (name, kind, remote_endpoint, routed_prefixes) VALUES
            ('zz-he', '6in4', '198.51.100.1', '2001:db8:10::/64'),
            ('aa-idle', 'wireguard', '203.0.113.9', 'fd10::/64')",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let mut batch = Vec::new();
    for (check, address, run, ms) in [
        (a, "2001:db8:10::1", "o", Some(2.0)),
        (b, "2001:db8:10::2", "x", None),
        (c, "2001:db8:10::3", "o", Some(4.0)),
    ] {
        let mut rows = results(check, address, run, Some(true));
        rows[0].latency_ms = ms;
        batch.extend(rows);
    }
    store::results::insert_batch(&app.pool, &batch)
        .await
        .unwrap();

    let row_of = |page: &str, name: &str| {
        page.split("<tr>")
            .find(|r| r.contains(&format!(">{name}</a>")))
            .unwrap_or_else(|| panic!("{name} not listed: {page}"))
            .split("</tr>")
            .next()
            .unwrap()
            .to_string()
    };
    let page = app.page("/tunnels").await;
    let he = row_of(&page, "zz-he");
    assert!(he.contains(r#"data-label="Status""#), "{he}");
    assert!(he.contains("works over IPv4 only"), "worst state: {he}");
    assert!(he.contains("IPv6 ✗ · IPv4 ✓"), "{he}");
    assert!(he.contains("best 2.0 ms · median 3.0 ms"), "{he}");
    assert!(he.contains("3 hosts behind it"), "{he}");
    assert!(he.contains("checked "), "{he}");
    assert!(he.contains(r#"data-label="Routed prefixes""#), "{he}");
    let idle = row_of(&page, "aa-idle");
    assert!(idle.contains("no hosts behind it"), "{idle}");

    // By status: the tunnel with something failing behind it first, the idle one last.
    let page = app.page("/tunnels?sort=status&dir=asc").await;
    let at = |name: &str| page.find(&format!(">{name}</a>")).unwrap();
    assert!(at("zz-he") < at("aa-idle"), "{page}");
    let page = app.page("/tunnels").await;
    let at = |name: &str| page.find(&format!(">{name}</a>")).unwrap();
    assert!(at("aa-idle") < at("zz-he"), "by name: {page}");
}
