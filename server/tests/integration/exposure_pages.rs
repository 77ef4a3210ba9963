//! The exposure scan on the dashboard, over HTTP: a host page offers the opt-in, the opt-in
//! is stored (never for a host that does not exist), a scan's diff shows on the host page, on
//! `/exposure`, in `GET /api/v1/exposure` and in `/metrics`, and opting out forgets it.

use crate::api::support::spawn;
use crate::support::location;
use model::SubjectKind;
use probes::portscan::{DiffUpdate, ExposedPort};
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn a_host_is_scanned_only_once_opted_in_and_its_diff_shows_everywhere() {
    let app = spawn().await;
    let id: i64 = sqlx::query_scalar("INSERT INTO hosts (name) VALUES ('nas') RETURNING id")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let page = app.page(&format!("/hosts/{id}")).await;
    assert!(page.contains("Ports open over IPv6 only"), "{page}");
    assert!(page.contains("Scan this "), "the opt-in is offered: {page}");
    assert!(
        store::exposure::subjects(&app.pool)
            .await
            .unwrap()
            .is_empty()
    );

    let back = format!("/hosts/{id}");
    let action = format!("/actions/exposure/host/{id}");
    let r = app.post(&action, &[("back", &back), ("on", "1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), back);
    assert!(
        store::exposure::opted_in(&app.pool, SubjectKind::Host, id)
            .await
            .unwrap()
    );
    let page = app.page(&back).await;
    assert!(page.contains("Exposure scan on"), "the notice: {page}");
    assert!(page.contains("not scanned yet"), "{page}");
    assert!(page.contains("Stop scanning"));

    // Refused: a host that does not exist, a kind that has no scan, a value that is no choice.
    let r = app
        .post("/actions/exposure/host/9999", &[("back", "/"), ("on", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .post(
            &format!("/actions/exposure/service/{id}"),
            &[("back", "/"), ("on", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app.post(&action, &[("back", "/"), ("on", "yes")]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(store::exposure::subjects(&app.pool).await.unwrap().len(), 1);

    let update = DiffUpdate {
        current: vec![ExposedPort {
            port: 8086,
            first_seen: 1_796_000_000,
            last_seen: 1_796_000_000,
        }],
        opened: vec![8086],
        closed: vec![],
    };
    store::exposure::record_scan(
        &app.pool,
        SubjectKind::Host,
        id,
        1_796_000_000,
        Ok((&update, true)),
        &[],
    )
    .await
    .unwrap();
    let page = app.page(&back).await;
    assert!(page.contains("<code>8086</code>"), "{page}");
    assert!(page.contains("complete"));
    let all = app.page("/exposure").await;
    assert!(all.contains(&format!("/hosts/{id}#exposure")), "{all}");
    assert!(all.contains("<code>8086</code>"), "{all}");

    let token = app.make_token("reader", "read").await;
    let r = app
        .call(Some(&token), Method::GET, "/api/v1/exposure", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let subject = &r.json["subjects"][0];
    assert_eq!(subject["name"], "nas");
    assert_eq!(subject["subject_kind"], "host");
    assert_eq!(subject["last_complete"], true);
    assert_eq!(subject["ports"][0]["port"], 8086);
    assert_eq!(subject["ports"][0]["first_seen"], 1_796_000_000);

    let metrics = app.page("/metrics").await;
    assert!(
        metrics.contains(r#"v6watch_exposed_ports{subject_kind="host",subject="nas"} 1"#),
        "{metrics}"
    );

    // Out: the opt-in and the diff go.
    let r = app.post(&action, &[("back", &back), ("on", "0")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        store::exposure::subjects(&app.pool)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store::exposure::diff(&app.pool, SubjectKind::Host, id)
            .await
            .unwrap()
            .is_empty()
    );
    let page = app.page(&back).await;
    assert!(page.contains("Scan this "), "{page}");
}
