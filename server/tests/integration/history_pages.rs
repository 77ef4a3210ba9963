//! History on the detail pages, over HTTP: latency and loss charts with uptime per family
//! over `?range=`, raw results for short ranges and hourly rollups for long ones, the verdict
//! timeline, and the related objects (tunnels, hosts routed through them, containers,
//! services) as links.

use probes::Reason;
use reqwest::StatusCode;
use verdict::{ServiceVerdict, Verdict};

const HOUR_MS: i64 = 3_600_000;

use crate::support;

use support::{TestApp, section, spawn};

impl TestApp {
    /// Posts an inventory form and returns the new item's id from the redirect.
    async fn create(&self, path: &str, form: &[(&str, &str)]) -> i64 {
        let r = self.post(path, form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
        let location = r.headers()["location"].to_str().unwrap().to_string();
        match location.rsplit('/').next().and_then(|id| id.parse().ok()) {
            Some(id) => id,
            None => {
                let form = self.page(&location).await;
                let errors: Vec<&str> = form.split("field-error").skip(1).collect();
                panic!("{path} went back to {location}: {errors:?}")
            }
        }
    }

    /// The id of the echo check of a host address.
    async fn echo_check(&self, address: &str) -> i64 {
        store::checks::sync_from_inventory(&self.pool)
            .await
            .unwrap();
        sqlx::query_scalar("SELECT id FROM checks WHERE kind = 'icmp' AND spec LIKE ?")
            .bind(format!("%\"{address}\"%"))
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// 30 days of hourly rollups up to the last full hour (IPv6: every run passes, 20 ms on
/// average; IPv4: half pass), except the hours in `missing` (Unix ms, half-open); then
/// the last 3 hours of raw results, one run a minute (IPv6: all pass at 5 ms; IPv4: a pass
/// and a failure each minute).
async fn fill(pool: &sqlx::SqlitePool, check: i64, now: i64, missing: (i64, i64)) {
    let this_hour = now / HOUR_MS * HOUR_MS;
    let mut tx = pool.begin().await.unwrap();
    for h in 1..=30 * 24 {
        let hour = this_hour - h * HOUR_MS;
        if hour >= missing.0 && hour < missing.1 {
            continue;
        }
        for (family, ok, avg) in [("v6", 60, 20.0), ("v4", 30, 40.0)] {
            sqlx::query(
                "INSERT INTO result_rollups (check_id, family, hour, count, ok_count,
                     min_latency_ms, avg_latency_ms, max_latency_ms) VALUES (?, ?, ?, 60, ?, ?, ?, ?)",
            )
            .bind(check)
            .bind(family)
            .bind(hour / 1000)
            .bind(ok)
            .bind(avg / 2.0)
            .bind(avg)
            .bind(avg * 1.5)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    let minute = now / 60_000 * 60_000;
    let mut batch = Vec::new();
    for m in 0..180 {
        let at = minute - m * 60_000;
        let run = |family: &'static str, at: i64, ok: bool, ms: f64| store::results::NewResult {
            check_id: check,
            at,
            family,
            address: None,
            reason: if ok { "ok" } else { "timeout" }.into(),
            ok,
            latency_ms: ok.then_some(ms),
            lateness_ms: None,
            detail: "[]".into(),
        };
        batch.push(run("v6", at, true, 5.0));
        batch.push(run("v4", at, true, 9.0));
        batch.push(run("v4", at + 1, false, 0.0));
    }
    store::results::insert_batch(pool, &batch).await.unwrap();
}

#[tokio::test]
async fn a_host_page_charts_its_address_check_over_the_chosen_range() {
    let app = spawn().await;
    let host = app
        .create(
            "/actions/hosts",
            &[("name", "nas"), ("addresses", "2001:db8:2::10")],
        )
        .await;
    let check = app.echo_check("2001:db8:2::10").await;
    let now = now_ms();
    // Three 2-hour buckets of the 7-day chart without any rollup.
    let bucket = 2 * HOUR_MS;
    let start = (now / bucket + 1) * bucket - 84 * bucket;
    fill(
        &app.pool,
        check,
        now,
        (start + 10 * bucket, start + 13 * bucket),
    )
    .await;

    // 7 days: rollups for the older hours, every run for the newest.
    let page = app.page(&format!("/hosts/{host}?range=7d")).await;
    let chart = section(&page, r#"class="chart latency-chart""#, "</svg>");
    assert!(page.contains(&format!(
        r#"role="img" aria-labelledby="check-{check}-latency-title check-{check}-latency-desc""#
    )));
    assert!(chart.contains("over the last 7 days"), "{chart}");
    // 84 buckets, 3 of them without data: 81 points per family, the gap greyed.
    assert_eq!(chart.matches(r#"class="pt v6""#).count(), 81, "{chart}");
    assert_eq!(chart.matches(r#"class="pt v4""#).count(), 81);
    assert_eq!(chart.matches(r#"class="nodata""#).count(), 1);
    assert!(chart.contains("IPv6: median 20.0 ms"), "{chart}");
    let uptime = section(&page, r#"<dl class="uptime">"#, "</dl>");
    assert!(
        uptime.contains("<dt>IPv6 uptime</dt><dd><strong>100 %</strong>"),
        "{uptime}"
    );
    assert!(
        uptime.contains("<dt>IPv4 uptime</dt><dd><strong>50 %</strong>"),
        "{uptime}"
    );
    assert!(page.contains(r#"aria-current="page">7 d</a>"#), "{page}");
    assert!(page.contains("hourly summaries"));

    // 1 hour: every run, read from the raw results only (5 ms, not the rollups' 20 ms).
    let page = app.page(&format!("/hosts/{host}?range=1h")).await;
    let chart = section(&page, r#"class="chart latency-chart""#, "</svg>");
    assert_eq!(chart.matches(r#"class="pt v6""#).count(), 60, "{chart}");
    assert!(
        chart.contains("IPv6: median 5.0 ms, 0 % loss, up 100 % of 60 runs"),
        "{chart}"
    );
    assert!(
        chart.contains("IPv4: median 9.0 ms, 50 % loss, up 50 % of 120 runs"),
        "{chart}"
    );
    assert!(!chart.contains("20.0 ms"), "{chart}");
    assert!(!chart.contains(r#"class="nodata""#));
    let loss = section(&page, r#"class="chart loss-chart""#, "</svg>");
    assert_eq!(loss.matches(r#"class="loss v4""#).count(), 60, "{loss}");
    assert_eq!(loss.matches(r#"class="loss v6""#).count(), 0);

    // 30 days: 60 buckets of 12 hours.
    let page = app.page(&format!("/hosts/{host}?range=30d")).await;
    let chart = section(&page, r#"class="chart latency-chart""#, "</svg>");
    assert!(chart.contains("over the last 30 days"));
    let points = chart.matches(r#"class="pt v6""#).count();
    assert!((59..=60).contains(&points), "{points}");

    // No range or a bogus one: 24 hours.
    for path in [
        format!("/hosts/{host}"),
        format!("/hosts/{host}?range=1y%3Cscript%3E"),
    ] {
        let page = app.page(&path).await;
        let chart = section(&page, r#"class="chart latency-chart""#, "</svg>");
        assert!(chart.contains("over the last 24 hours"), "{path}");
        assert!(page.contains(r#"aria-current="page">24 h</a>"#), "{path}");
        assert!(!page.contains("<script>"), "{path}");
    }
}

#[tokio::test]
async fn hosts_tunnels_and_containers_link_to_what_they_relate_to() {
    let app = spawn().await;
    let router = app.create("/actions/hosts", &[("name", "router")]).await;
    let nas = app
        .create(
            "/actions/hosts",
            &[("name", "nas"), ("addresses", "2001:db8:2::10\n192.0.2.10")],
        )
        .await;
    let broker = app
        .create(
            "/actions/hosts",
            &[("name", "broker-end"), ("addresses", "2001:db8:ffff::1")],
        )
        .await;
    let router_id = router.to_string();
    let tunnel = app
        .create(
            "/actions/tunnels",
            &[
                ("name", "he"),
                ("kind", "wireguard"),
                ("host_id", &router_id),
                ("remote_endpoint", "192.0.2.1"),
                ("remote_v6", "2001:db8:ffff::1"),
                ("routed_prefixes", "2001:db8:2::/48"),
            ],
        )
        .await;
    let lonely = app
        .create(
            "/actions/tunnels",
            &[
                ("name", "spare"),
                ("kind", "gre"),
                ("remote_endpoint", "192.0.2.2"),
                ("remote_v6", "2001:db8:eeee::1"),
            ],
        )
        .await;
    let nas_id = nas.to_string();
    let container = app
        .create(
            "/actions/containers",
            &[
                ("name", "web"),
                ("host_id", &nas_id),
                ("runtime", "lxc"),
                ("network_mode", "bridged"),
                ("addresses", "2001:db8:2::20"),
            ],
        )
        .await;
    let service = app
        .create(
            "/actions/services",
            &[
                ("name", "files"),
                ("owner", &format!("container:{container}")),
                ("kind", "tcp"),
                ("target", "2001:db8:2::20"),
                ("port", "445"),
            ],
        )
        .await;
    let far_end = app.echo_check("2001:db8:ffff::1").await;

    let page = app.page(&format!("/hosts/{nas}")).await;
    let behind = section(&page, r#"id="behind-tunnels""#, "</ul>");
    assert!(
        behind.contains(&format!(r#"<a href="/tunnels/{tunnel}">he</a>"#)),
        "{behind}"
    );
    assert!(behind.contains("2001:db8:2::/48") && behind.contains("2001:db8:2::10"));
    assert!(
        page.contains(&format!(r#"<a href="/containers/{container}">web</a>"#)),
        "{page}"
    );

    let page = app.page(&format!("/hosts/{router}")).await;
    assert!(
        page.contains(&format!(r#"<a href="/tunnels/{tunnel}">he</a>"#)),
        "terminated here"
    );
    assert!(page.contains("No tunnel routes a prefix holding this host"));

    let page = app.page(&format!("/tunnels/{tunnel}?range=1h")).await;
    let routed = section(&page, r#"id="routed-hosts""#, "</ul>");
    assert!(
        routed.contains(&format!(r#"<a href="/hosts/{nas}">nas</a>"#)),
        "{routed}"
    );
    assert!(!routed.contains("broker-end") && !routed.contains("router"));
    assert!(
        page.contains(&format!(r#"<a href="/hosts/{broker}">broker-end</a>"#)),
        "far end's host"
    );
    assert!(
        page.contains(&format!(r#"id="check-{far_end}-latency-title""#)),
        "{page}"
    );
    assert!(page.contains("over the last hour"));
    assert!(page.contains("No runs in this range"));

    let page = app.page(&format!("/tunnels/{lonely}")).await;
    // No host holds its far end, yet it is watched: its own checks (outer echo, far echo,
    // path MTU) are charted.
    let checks = section(&page, r#"id="tunnel-checks""#, "</main>");
    assert_eq!(
        checks.matches(r#"class="own-check""#).count(),
        3,
        "{checks}"
    );
    assert!(checks.contains("latency-chart"));
    assert!(!checks.contains("also holds the remote IPv6 address"));

    let page = app.page(&format!("/containers/{container}")).await;
    let related = section(&page, r#"class="related""#, "</section>");
    assert!(
        related.contains(&format!(r#"<a href="/hosts/{nas}">nas</a>"#)),
        "{related}"
    );
    assert!(
        related.contains(&format!(r#"<a href="/services/{service}">files</a>"#)),
        "{related}"
    );
    assert!(
        page.contains("latency-chart"),
        "the container's address check is charted"
    );
}

fn report(verdict: Verdict) -> ServiceVerdict {
    ServiceVerdict {
        target: "http://dual.lab.test/".into(),
        verdict,
        reason: (verdict == Verdict::Broken).then_some(Reason::Timeout),
        addresses: vec!["2001:db8:2::46".into()],
        final_url: None,
        nat64: false,
        dependencies: Vec::new(),
        truncated: false,
        checked_at: None,
        detail: String::new(),
        judged_by: Vec::new(),
        browser_note: None,
    }
}

#[tokio::test]
async fn a_service_page_draws_its_verdict_timeline() {
    let app = spawn().await;
    let host = app.create("/actions/hosts", &[("name", "web")]).await;
    let service = app
        .create(
            "/actions/services",
            &[
                ("name", "shop"),
                ("owner", &format!("host:{host}")),
                ("kind", "http"),
                ("target", "http://dual.lab.test/"),
            ],
        )
        .await;
    let now = now_ms();
    let save = |at, verdict| {
        let pool = app.pool.clone();
        async move {
            store::verdicts::save(&pool, service, at, &report(verdict))
                .await
                .unwrap();
        }
    };
    save(now - 30 * HOUR_MS, Verdict::Ready).await;
    save(now - 6 * HOUR_MS, Verdict::Broken).await;
    save(now - 3 * HOUR_MS, Verdict::Ready).await;

    // (A service added today opens on the last hour: its day is asked for.)
    let page = app.page(&format!("/services/{service}?range=24h")).await;
    let timeline = section(&page, r#"class="chart timeline""#, "</svg>");
    // Ready since before the range, broken for 3 hours, ready again.
    assert_eq!(
        timeline.matches(r#"class="span ready""#).count(),
        2,
        "{timeline}"
    );
    assert_eq!(timeline.matches(r#"class="span broken""#).count(), 1);
    assert!(
        timeline.contains("Over the last 24 hours: broken 12"),
        "{timeline}"
    );
    assert!(page.contains(r#"id="verdict-history""#));

    // Over the last hour it has been ready throughout.
    let page = app.page(&format!("/services/{service}?range=1h")).await;
    let timeline = section(&page, r#"class="chart timeline""#, "</svg>");
    assert_eq!(timeline.matches(r#"class="span "#).count(), 1, "{timeline}");
    assert!(timeline.contains("ready 100 % of the time"), "{timeline}");
}
