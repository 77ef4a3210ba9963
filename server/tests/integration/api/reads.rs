//! Reading through the API: checks with their newest result per family, a check's results
//! (bounded by `since` and `limit`), a service's verdict and verdict events, incidents.

use super::support::{TestApp, spawn};
use probes::Reason;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use store::results::{NewResult, insert_batch};
use verdict::{ServiceVerdict, Verdict};

async fn get(app: &TestApp, token: &str, path: &str) -> (StatusCode, Value) {
    let r = app.call(Some(token), Method::GET, path, None).await;
    (r.status, r.json)
}

fn result(check_id: i64, at: i64, family: &'static str, ok: bool) -> NewResult {
    NewResult {
        check_id,
        at,
        family,
        address: Some("2001:db8::10".into()),
        reason: if ok { "ok" } else { "timeout" }.into(),
        ok,
        latency_ms: ok.then_some(1.5),
        lateness_ms: None,
        detail: r#"[{"reason": "ok"}]"#.into(),
    }
}

#[tokio::test]
async fn checks_show_their_newest_results_and_results_are_bounded() {
    let app = spawn().await;
    let token = app.make_token("grafana", "read").await;
    let writer = app.make_token("writer", "write").await;
    let made = app
        .call(
            Some(&writer),
            Method::POST,
            "/api/v1/hosts",
            Some(json!({ "name": "nas", "addresses": ["2001:db8::10"] })),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED);
    store::checks::sync_from_inventory(&app.pool).await.unwrap();
    let check: i64 = sqlx::query_scalar("SELECT id FROM checks")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let rows: Vec<NewResult> = (0..5)
        .map(|i| result(check, 1_000 + i * 1_000, "v6", i != 4))
        .chain([result(check, 2_500, "v4", true)])
        .collect();
    insert_batch(&app.pool, &rows).await.unwrap();

    let (status, body) = get(&app, &token, "/api/v1/checks").await;
    assert_eq!(status, StatusCode::OK);
    let listed = &body["checks"][0];
    assert_eq!(listed["id"], check);
    assert_eq!(
        listed["spec"],
        json!({ "kind": "icmp", "address": "2001:db8::10" })
    );
    assert_eq!(listed["latest"]["v6"]["reason"], "timeout");
    assert_eq!(listed["latest"]["v6"]["at"], 5_000);
    assert_eq!(listed["latest"]["v4"]["ok"], true);
    assert_eq!(
        get(&app, &token, &format!("/api/v1/checks/{check}"))
            .await
            .1,
        *listed
    );

    let results = |query: &str| format!("/api/v1/checks/{check}/results{query}");
    let (_, all) = get(&app, &token, &results("")).await;
    assert_eq!(all["results"].as_array().unwrap().len(), 6);
    assert_eq!(all["results"][0]["detail"], json!([{ "reason": "ok" }]));
    let (_, recent) = get(&app, &token, &results("?since=3000&limit=2")).await;
    let times: Vec<i64> = recent["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["at"].as_i64().unwrap())
        .collect();
    assert_eq!(times, [5_000, 4_000]);
    for bad in ["?limit=0", "?limit=5000", "?since=yesterday"] {
        assert_eq!(
            get(&app, &token, &results(bad)).await.0,
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    assert_eq!(
        get(&app, &token, "/api/v1/checks/999/results").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, &token, "/api/v1/nothing-here").await.0,
        StatusCode::NOT_FOUND
    );
}

fn report(verdict: Verdict) -> ServiceVerdict {
    ServiceVerdict {
        target: "https://shop.lab.test/".into(),
        verdict,
        reason: (verdict == Verdict::Broken).then_some(Reason::Timeout),
        addresses: vec!["2001:db8:2::46".into()],
        final_url: None,
        nat64: false,
        dependencies: vec![],
        truncated: false,
        checked_at: None,
        detail: "answered 200 over IPv6".into(),
        judged_by: Vec::new(),
        browser_note: None,
    }
}

#[tokio::test]
async fn a_services_verdict_and_its_events_read_as_the_verdict_json() {
    let app = spawn().await;
    let token = app.make_token("reader", "read").await;
    let writer = app.make_token("writer", "write").await;
    let host = app
        .call(
            Some(&writer),
            Method::POST,
            "/api/v1/hosts",
            Some(json!({ "name": "web" })),
        )
        .await
        .json["id"]
        .clone();
    let made = app
        .call(
            Some(&writer),
            Method::POST,
            "/api/v1/services",
            Some(
                json!({ "name": "shop", "kind": "http", "target": "https://shop.lab.test/",
                           "owner": format!("host:{host}") }),
            ),
        )
        .await;
    let id = made.json["id"].as_i64().unwrap();
    let path = format!("/api/v1/services/{id}/verdict");
    assert_eq!(
        get(&app, &token, &path).await.0,
        StatusCode::NOT_FOUND,
        "not judged yet"
    );

    store::verdicts::save(&app.pool, id, 10_000, &report(Verdict::Ready))
        .await
        .unwrap();
    store::verdicts::save(&app.pool, id, 20_000, &report(Verdict::Broken))
        .await
        .unwrap();
    let (status, body) = get(&app, &token, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["at"], 20_000);
    assert_eq!(
        body["verdict"],
        serde_json::to_value(report(Verdict::Broken)).unwrap()
    );
    assert_eq!(body["verdict"]["verdict"], "broken");

    let (_, events) = get(&app, &token, &format!("{path}/events")).await;
    let events = events["events"].as_array().unwrap().clone();
    assert_eq!(events.len(), 2);
    assert_eq!(
        (
            events[0]["verdict_before"].as_str(),
            events[0]["verdict_after"].as_str()
        ),
        (Some("ready"), Some("broken"))
    );
    assert_eq!(events[1]["verdict_before"], Value::Null);
    assert_eq!(
        get(&app, &token, "/api/v1/services/999/verdict").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn incidents_list_open_ones_first_and_filter_by_state() {
    let app = spawn().await;
    let token = app.make_token("reader", "read").await;
    for (title, resolved) in [("nas is down", None), ("old outage", Some(9_000_i64))] {
        sqlx::query(
            "INSERT INTO incidents (rule, severity, subject_kind, subject_id, subject_name,
                                    opened_at, resolved_at, title, evidence)
             VALUES ('down', 'critical', 'host', 1, 'nas', 5000, ?, ?, '[\"timeout\"]')",
        )
        .bind(resolved)
        .bind(title)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    let titles = |body: &Value| -> Vec<String> {
        body["incidents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, all) = get(&app, &token, "/api/v1/incidents").await;
    assert_eq!(titles(&all), ["nas is down", "old outage"]);
    assert_eq!(all["incidents"][0]["state"], "open");
    assert_eq!(all["incidents"][0]["evidence"], json!(["timeout"]));
    assert_eq!(
        all["incidents"][0]["subject"],
        json!({ "kind": "host", "id": 1, "name": "nas" })
    );
    assert_eq!(
        titles(&get(&app, &token, "/api/v1/incidents?state=open").await.1),
        ["nas is down"]
    );
    assert_eq!(
        titles(
            &get(&app, &token, "/api/v1/incidents?state=resolved")
                .await
                .1
        ),
        ["old outage"]
    );
    assert_eq!(
        get(&app, &token, "/api/v1/incidents?state=maybe").await.0,
        StatusCode::BAD_REQUEST
    );
    let id = all["incidents"][1]["id"].as_i64().unwrap();
    let (status, one) = get(&app, &token, &format!("/api/v1/incidents/{id}")).await;
    assert_eq!(
        (status, one["resolved_at"].as_i64()),
        (StatusCode::OK, Some(9_000))
    );
}

#[tokio::test]
async fn a_bad_id_in_a_path_gets_the_apis_json_error() {
    let app = spawn().await;
    let token = app.make_token("grafana", "read").await;
    for path in [
        "/api/v1/checks/abc",
        "/api/v1/checks/1x/results",
        "/api/v1/services/-/verdict",
        "/api/v1/incidents/99999999999999999999",
        "/api/v1/hosts/nas",
    ] {
        let (status, body) = get(&app, &token, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        let message = body["error"].as_str().unwrap_or_default();
        assert!(message.contains("whole number"), "{path}: {body}");
    }
}
