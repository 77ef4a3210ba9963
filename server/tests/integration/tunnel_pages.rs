//! A tunnel watched from its own record, over HTTP: saving it (inner addresses the way
//! brokers show them) derives its three checks, and their newest results make its health,
//! shown on the tunnels list, the tunnel page, the overview tile, in `GET /api/v1/tunnels`
//! and in `/metrics`.

use crate::api::support::spawn;
use crate::support::{location, section};
use reqwest::{Method, StatusCode};
use store::results::{NewResult, insert_batch};

fn result(check_id: i64, at: i64, family: &'static str, reason: &str, detail: String) -> NewResult {
    NewResult {
        check_id,
        at,
        family,
        address: None,
        reason: reason.into(),
        ok: reason == "ok",
        latency_ms: (reason == "ok").then_some(4.0),
        lateness_ms: None,
        detail,
    }
}

fn pmtu_detail(mtu: u16, reason: &str) -> String {
    format!(
        r#"[{{"probe":"pmtu","family":"v6","address":"2001:db8:41::1","reason":"{reason}","latency_ms":4.0,"detail":"path MTU {mtu}","path_mtu":{mtu}}}]"#
    )
}

#[tokio::test]
async fn a_tunnels_own_checks_make_its_health_on_every_page_the_api_and_metrics() {
    let app = spawn().await;
    let r = app
        .post(
            "/actions/tunnels",
            &[
                ("name", "he"),
                ("kind", "6in4"),
                ("remote_endpoint", "198.51.100.41"),
                ("local_v6", "2001:db8:41::2/64"),
                ("remote_v6", "2001:db8:41::1/64"),
                ("mtu", "1480"),
                ("routed_prefixes", "2001:db8:42::/64"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let back = location(&r);
    let id: i64 = back.rsplit('/').next().unwrap().parse().unwrap();

    // The on-link length is kept: shown as a prefix, and in the edit form as typed.
    let page = app.page(&back).await;
    assert!(page.contains("2001:db8:41::/64"), "{page}");
    let form = app.page(&format!("/tunnels/{id}/edit")).await;
    assert!(form.contains(r#"value="2001:db8:41::2/64""#), "{form}");

    store::checks::sync_from_inventory(&app.pool).await.unwrap();
    let own = store::checks::of_subject(&app.pool, "tunnel", id)
        .await
        .unwrap();
    let find = |kind: &str, on: &str| {
        own.iter()
            .find(|c| c.kind == kind && c.spec.contains(on))
            .unwrap_or_else(|| panic!("no {kind} check of {on}: {own:?}"))
            .id
    };
    let (outer, far, pmtu) = (
        find("icmp", "198.51.100.41"),
        find("icmp", "2001:db8:41::1"),
        find("pmtu", "2001:db8:41::1"),
    );
    assert_eq!(own.len(), 3);
    let page = app.page(&back).await;
    assert!(page.contains(r#"data-health="unknown""#), "{page}");
    for check in [outer, far, pmtu] {
        assert!(
            page.contains(&format!(r#"id="own-check-{check}""#)),
            "{page}"
        );
    }

    // Echoes pass, but the path MTU is below the tunnel's 1480: degraded.
    insert_batch(
        &app.pool,
        &[
            result(outer, 1_000, "v4", "ok", "[]".into()),
            result(far, 1_000, "v6", "ok", "[]".into()),
            result(pmtu, 1_000, "v6", "ok", pmtu_detail(1280, "ok")),
        ],
    )
    .await
    .unwrap();
    let list = app.page("/tunnels").await;
    let row = section(&list, r#"id="tunnels""#, "</table>");
    assert!(row.contains(r#"data-health="degraded""#), "{row}");
    assert!(row.contains("path MTU 1280"), "{row}");
    let page = app.page(&back).await;
    let head = section(&page, r#"id="tunnel-health""#, "</div>");
    assert!(head.contains(">degraded<"), "{head}");
    let readings = section(&page, r#"id="tunnel-readings""#, "</dl>");
    assert!(readings.contains("1280"), "{readings}");
    let overview = app.page("/").await;
    let tile = section(
        &overview,
        r#"<a href="/tunnels"><span class="count">"#,
        "</li>",
    );
    assert!(tile.contains("1 degraded or partial"), "{tile}");
    let problems = section(&overview, r#"id="problems""#, "</section>");
    assert!(
        problems.contains(&format!(r#"href="/tunnels/{id}""#)),
        "{problems}"
    );
    assert!(
        problems.contains("degraded: the far end answers"),
        "{problems}"
    );

    let token = app.make_token("reader", "read").await;
    let r = app
        .call(Some(&token), Method::GET, "/api/v1/tunnels", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let t = &r.json["tunnels"][0];
    assert_eq!(t["health"], "degraded", "{t}");
    assert_eq!(t["readings"]["path_mtu"], 1280);
    assert_eq!(t["readings"]["endpoint_answers"], true);
    assert_eq!(t["onlink_len"], 64);
    let metrics = app.page("/metrics").await;
    assert!(
        metrics.contains(r#"v6watch_tunnel_health{tunnel="he",health="degraded"} 1"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"v6watch_tunnel_path_mtu_bytes{tunnel="he"} 1280"#));

    // IPv6 through the tunnel stops while the broker's IPv4 end answers: down.
    insert_batch(
        &app.pool,
        &[
            result(outer, 2_000, "v4", "ok", "[]".into()),
            result(far, 2_000, "v6", "timeout", "[]".into()),
            result(pmtu, 2_000, "v6", "timeout", "[]".into()),
        ],
    )
    .await
    .unwrap();
    let r = app
        .call(
            Some(&token),
            Method::GET,
            &format!("/api/v1/tunnels/{id}"),
            None,
        )
        .await;
    assert_eq!(r.json["health"], "down", "{}", r.json);
    let metrics = app.page("/metrics").await;
    assert!(metrics.contains(r#"v6watch_tunnel_health{tunnel="he",health="down"} 1"#));
    assert!(metrics.contains(r#"v6watch_tunnel_health{tunnel="he",health="degraded"} 0"#));
    let overview = app.page("/").await;
    let tile = section(
        &overview,
        r#"<a href="/tunnels"><span class="count">"#,
        "</li>",
    );
    assert!(tile.contains("1 failing"), "{tile}");
    // And its broker's end stops answering too: endpoint down.
    insert_batch(
        &app.pool,
        &[result(outer, 3_000, "v4", "timeout", "[]".into())],
    )
    .await
    .unwrap();
    let page = app.page(&back).await;
    let head = section(&page, r#"id="tunnel-health""#, "</div>");
    assert!(head.contains(">endpoint down<"), "{head}");

    // Deleting the tunnel takes its checks.
    let r = app
        .post(&format!("/actions/tunnels/{id}/delete"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        store::checks::of_subject(&app.pool, "tunnel", id)
            .await
            .unwrap()
            .is_empty()
    );
}
