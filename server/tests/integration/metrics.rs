//! `GET /metrics`: who may read it, and a body that the Prometheus project's own
//! OpenMetrics parser (the `prometheus-client` Python package, installed by
//! `scripts/install-deps.sh --test`) accepts, with the stored checks and verdicts in it.

use reqwest::StatusCode;
use serde_json::Value;
use std::process::Command;
use v6watch::web::{Wiring, router_with};

const TOKEN: &str = "scrape-secret-123";

/// Parses with `prometheus_client.openmetrics.parser` and prints every sample as JSON.
const PARSER: &str = r#"
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({"family": family.name, "type": family.type, "name": s.name,
                    "labels": s.labels, "value": s.value})
print(json.dumps(out))
"#;

fn parse(body: &str) -> Vec<Value> {
    let mut child = Command::new("python3")
        .args(["-c", PARSER])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the OpenMetrics parser refused the body (run scripts/install-deps.sh --test for the parser):\n{}\n{body}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

fn find<'a>(samples: &'a [Value], name: &str, labels: &[(&str, &str)]) -> Option<&'a Value> {
    samples.iter().find(|s| {
        s["name"] == name
            && labels
                .iter()
                .all(|(k, v)| s["labels"][*k].as_str() == Some(*v))
    })
}

async fn spawn(pool: sqlx::SqlitePool, dir: &std::path::Path) -> String {
    let wiring = Wiring {
        metrics_token: Some(TOKEN.into()),
        ..Wiring::default()
    };
    let router = router_with(pool, dir.to_str().unwrap(), false, wiring);
    let addr = crate::support::listen(router).await;
    format!("http://{addr}")
}

/// A host with one address check, a service with an HTTP check and a verdict, and results.
async fn fill(pool: &sqlx::SqlitePool) {
    let script = r#"
        INSERT INTO hosts (id, name) VALUES (1, 'edge "router"');
        INSERT INTO services (id, name, kind, target, host_id) VALUES (2, 'cloud', 'http', 'https://cloud.lab.test/', 1);
        INSERT INTO checks (id, subject_kind, subject_id, kind, spec)
            VALUES (10, 'host', 1, 'icmp', '{"kind":"icmp","address":"2001:db8::1"}'),
                   (11, 'service', 2, 'http', '{"kind":"http","url":"https://cloud.lab.test/","expected_status":null}');
        INSERT INTO results (check_id, at, family, reason, ok, latency_ms)
            VALUES (10, 1000, 'v6', 'timeout', 0, NULL),
                   (10, 2000, 'v6', 'ok', 1, 4.5),
                   (11, 2000, 'v6', 'no_aaaa', 0, NULL),
                   (11, 2000, 'v4', 'ok', 1, 20.0);
        INSERT INTO service_verdicts (service_id, at, verdict, reason, report)
            VALUES (2, 2000, 'broken', 'no_aaaa', '{}');
    "#;
    sqlx::raw_sql(script).execute(pool).await.unwrap();
}

#[tokio::test]
async fn a_scraper_needs_the_token_and_gets_parsable_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let pool = store::open(&dir.path().join("v6watch.db")).await.unwrap();
    fill(&pool).await;
    let base = spawn(pool, dir.path()).await;
    let client = reqwest::Client::new();
    let url = format!("{base}/metrics");

    let anonymous = client.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let wrong = client.get(&url).bearer_auth("nope").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(!wrong.text().await.unwrap().contains("v6watch_check_up"));

    let r = client.get(&url).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    let samples = parse(&r.text().await.unwrap());

    // The newest result per family counts, not an older one.
    let host_up = find(
        &samples,
        "v6watch_check_up",
        &[
            ("check_id", "10"),
            ("family", "v6"),
            ("subject", "edge \"router\""),
        ],
    )
    .expect("the host's check is reported with its name intact");
    assert_eq!(host_up["value"], 1.0);
    assert_eq!(host_up["labels"]["target"], "2001:db8::1");
    let latency = find(
        &samples,
        "v6watch_check_latency_seconds",
        &[("check_id", "10")],
    )
    .unwrap();
    assert_eq!(latency["value"], 0.0045);
    // Degraded: down over IPv6, up over IPv4.
    let v6 = find(
        &samples,
        "v6watch_check_up",
        &[("check_id", "11"), ("family", "v6")],
    )
    .unwrap();
    let v4 = find(
        &samples,
        "v6watch_check_up",
        &[("check_id", "11"), ("family", "v4")],
    )
    .unwrap();
    assert_eq!(
        (v6["value"].as_f64(), v4["value"].as_f64()),
        (Some(0.0), Some(1.0))
    );

    let broken = find(
        &samples,
        "v6watch_service_verdict",
        &[("service", "cloud"), ("verdict", "broken")],
    )
    .unwrap();
    assert_eq!(broken["value"], 1.0);
    let ready = find(
        &samples,
        "v6watch_service_verdict",
        &[("service", "cloud"), ("verdict", "ready")],
    )
    .unwrap();
    assert_eq!(ready["value"], 0.0);
    assert_eq!(
        find(&samples, "v6watch_services_ready_ratio", &[]).unwrap()["value"],
        0.0
    );
    assert_eq!(
        find(&samples, "v6watch_inventory_objects", &[("kind", "host")]).unwrap()["value"],
        1.0
    );
    let runs = find(&samples, "v6watch_probe_runs_total", &[]).unwrap();
    assert_eq!(runs["type"], "counter");
    assert!(
        find(
            &samples,
            "v6watch_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))]
        )
        .is_some()
    );
}

#[tokio::test]
async fn a_signed_in_user_can_read_the_metrics_without_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let pool = store::open(&dir.path().join("v6watch.db")).await.unwrap();
    let base = spawn(pool, dir.path()).await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .post(format!("{base}/actions/setup"))
        .header("origin", &base)
        .form(&[
            ("username", "admin"),
            ("password", "correct horse battery"),
            ("confirm", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let samples = parse(&r.text().await.unwrap());
    assert!(
        find(
            &samples,
            "v6watch_inventory_objects",
            &[("kind", "service")]
        )
        .is_some()
    );
}
