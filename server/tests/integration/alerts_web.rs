//! The alerts pages and forms over HTTP: an incident is listed with what changed and its
//! evidence, hostile names are escaped, the header counts unread incidents, and acknowledge,
//! mute and thresholds are form posts that need a session.

use reqwest::StatusCode;
use store::results::{NewResult, insert_batch};
use v6watch::alerts::worker::{WorkerSettings, step};

use crate::support;

use support::{TestApp, location, serve};
use v6watch::web::Wiring;

const HOSTILE: &str = "<script>alert(1)</script>";

impl TestApp {
    /// A host with a hostile name whose echo check fails: one open incident. Returns the
    /// host's page and the check's id.
    async fn failing_host(&self) -> (String, i64) {
        let r = self
            .post(
                "/actions/hosts",
                &[("name", HOSTILE), ("addresses", "2001:db8:99::1")],
            )
            .await;
        let host = location(&r);
        assert!(host.starts_with("/hosts/"), "{host}");
        store::checks::sync_from_inventory(&self.pool)
            .await
            .unwrap();
        let check: i64 = sqlx::query_scalar("SELECT id FROM checks")
            .fetch_one(&self.pool)
            .await
            .unwrap();
        let rows: Vec<NewResult> = "oxx"
            .chars()
            .enumerate()
            .map(|(i, c)| NewResult {
                check_id: check,
                at: 1_000_000 + i as i64 * 60_000,
                family: "v6",
                address: Some("2001:db8:99::1".into()),
                reason: if c == 'o' { "ok" } else { "timeout" }.into(),
                ok: c == 'o',
                latency_ms: None,
                lateness_ms: None,
                detail: "[]".into(),
            })
            .collect();
        insert_batch(&self.pool, &rows).await.unwrap();
        step(&self.pool, &WorkerSettings::default(), 1_200_000)
            .await
            .unwrap();
        (host, check)
    }
}

/// A host added with an address that fails over IPv6 from its first result: `/alerts` and
/// the host's check say why no incident is open yet, then show the one "never worked"
/// incident.
#[tokio::test]
async fn a_host_failing_from_the_start_is_shown_as_never_worked() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let r = app
        .post(
            "/actions/hosts",
            &[("name", "lab"), ("addresses", "2001:db8:77::1")],
        )
        .await;
    let host = location(&r);
    store::checks::sync_from_inventory(&app.pool).await.unwrap();
    let check: i64 = sqlx::query_scalar("SELECT id FROM checks")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let failed = |at: i64| NewResult {
        check_id: check,
        at,
        family: "v6",
        address: Some("2001:db8:77::1".into()),
        reason: "timeout".into(),
        ok: false,
        latency_ms: None,
        lateness_ms: None,
        detail: "[]".into(),
    };
    insert_batch(&app.pool, &[failed(1_000_000)]).await.unwrap();
    step(&app.pool, &WorkerSettings::default(), 1_000_000)
        .await
        .unwrap();

    let waiting = "never worked over IPv6 since 1970-01-01 00:16 UTC — no incident yet: one opens after 2 failed runs in a row (1 so far)";
    let page = app.page("/alerts").await;
    assert!(page.contains("No open incidents."), "{page}");
    assert!(page.contains(waiting), "{page}");
    let page = app.page(&host).await;
    assert!(page.contains(waiting), "{page}");

    insert_batch(&app.pool, &[failed(1_060_000)]).await.unwrap();
    step(&app.pool, &WorkerSettings::default(), 1_060_000)
        .await
        .unwrap();
    let page = app.page("/alerts").await;
    assert!(
        page.contains("Host lab: never worked over IPv6 (2001:db8:77::1)"),
        "{page}"
    );
    assert!(page.contains("no IPv6 success yet"), "{page}");
    let open = "never worked over IPv6 since 1970-01-01 00:16 UTC — incident #1 is open (told once; not repeated while this lasts)";
    assert!(page.contains(open), "{page}");
    assert!(app.page(&host).await.contains(open));
    let detail = app.page("/alerts/1").await;
    assert!(detail.contains("never_worked"), "{detail}");
    assert!(
        detail.contains("2 failed runs over IPv6 and not one passed since the check was added"),
        "{detail}"
    );
    let sent: Vec<String> = sqlx::query_scalar("SELECT kind FROM alert_notifications")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(sent, ["opened"]);
}

#[tokio::test]
async fn the_alerts_page_lists_an_incident_escaped_with_its_evidence_and_counts_unread() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    app.failing_host().await;

    // Before the user looks, the header says one new incident, on any page.
    let overview = app.page("/").await;
    assert!(overview.contains(r#"href="/alerts""#), "{overview}");
    assert!(overview.contains(r#"class="unread""#), "{overview}");

    let page = app.page("/alerts").await;
    assert!(!page.contains(HOSTILE), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(page.contains("down over IPv6 (2001:db8:99::1)"), "{page}");
    assert!(page.contains("IPv6 ok"), "before: {page}");
    assert!(page.contains("IPv6 timeout"), "after: {page}");
    assert!(page.contains(r#"href="/alerts/1""#), "{page}");

    let detail = app.page("/alerts/1").await;
    assert!(!detail.contains(HOSTILE), "{detail}");
    assert!(
        detail.contains("IPv6: timeout at 2001:db8:99::1"),
        "{detail}"
    );
    assert!(
        detail.contains("2 failed runs in a row over IPv6"),
        "{detail}"
    );
    assert!(detail.contains("opened at"), "the message sent: {detail}");

    // Seen: the count is gone.
    let overview = app.page("/").await;
    assert!(!overview.contains(r#"class="unread""#), "{overview}");

    let missing = app
        .client
        .get(format!("{}/alerts/99", app.base))
        .send()
        .await
        .unwrap();
    assert!(missing.text().await.unwrap().contains("Not found"));
}

#[tokio::test]
async fn acknowledge_mute_and_thresholds_work_and_need_a_session() {
    let app = serve(Wiring::default()).await;
    app.set_up().await;
    let (host, check) = app.failing_host().await;
    let host_id = host.rsplit('/').next().unwrap().to_string();
    let subject = format!("host:{host_id}");
    let thresholds = format!("/actions/checks/{check}/thresholds");

    let r = app
        .post("/actions/alerts/1/acknowledge", &[("back", "/alerts/1")])
        .await;
    assert_eq!(
        (r.status(), location(&r)),
        (StatusCode::SEE_OTHER, "/alerts/1".into())
    );
    let by: Option<String> =
        sqlx::query_scalar("SELECT acknowledged_by FROM incidents WHERE id = 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(by.as_deref(), Some("admin"));
    assert!(app.page("/alerts/1").await.contains(" by admin"));

    // A bad time goes back with a message and stores nothing.
    let r = app
        .post(
            "/actions/alerts/mutes",
            &[("subject", &subject), ("until", "soon")],
        )
        .await;
    assert_eq!(location(&r), "/alerts");
    assert!(app.page("/alerts").await.contains("a date and time, like"));
    let r = app
        .post(
            "/actions/alerts/mutes",
            &[
                ("subject", &subject),
                ("until", "2099-01-01T00:00"),
                ("note", "disk swap"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/alerts");
    let page = app.page("/alerts").await;
    assert!(page.contains("muted until"), "{page}");
    assert!(page.contains("2099-01-01 00:00 UTC"), "{page}");
    assert!(page.contains("disk swap"), "{page}");
    let mute: i64 = sqlx::query_scalar("SELECT id FROM alert_mutes")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let r = app
        .post(
            &thresholds,
            &[("fail_after", "3"), ("recover_after", "1"), ("back", &host)],
        )
        .await;
    assert_eq!(location(&r), host);
    let stored: (i64, i64) = sqlx::query_as(
        "SELECT fail_after, recover_after FROM check_alert_thresholds WHERE check_id = ?",
    )
    .bind(check)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored, (3, 1));
    assert!(
        app.page(&host)
            .await
            .contains(r#"name="fail_after" min="1" max="100" required value="3""#)
    );
    let r = app
        .post(&thresholds, &[("fail_after", "0"), ("recover_after", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let r = app
        .post(&format!("/actions/alerts/mutes/{mute}/delete"), &[])
        .await;
    assert_eq!(location(&r), "/alerts");

    // Signed out, every one of them is refused and changes nothing.
    app.post("/actions/logout", &[]).await;
    let refused = [
        app.post("/actions/alerts/1/acknowledge", &[]).await,
        app.post(
            "/actions/alerts/mutes",
            &[("subject", &subject), ("until", "2099-01-01T00:00")],
        )
        .await,
        app.post(&thresholds, &[("fail_after", "9"), ("recover_after", "9")])
            .await,
    ];
    for r in refused {
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let mutes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM alert_mutes")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(mutes, 0);
    let r = app
        .client
        .get(format!("{}/alerts", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login?next=%2Falerts");
}
