//! A fake LXD/Incus REST API answering `GET /1.0/instances?recursion=2&all-projects=true`
//! with the `incus list --format json` fixture as its `metadata`, and an older one that
//! knows no `all-projects`.

use super::fake::{self, Answers};
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use v6watch::sync::{Runtime, Target, round};

async fn instances(
    State(answers): State<Answers>,
    RawQuery(query): RawQuery,
) -> axum::Json<serde_json::Value> {
    assert_eq!(query.as_deref(), Some("recursion=2&all-projects=true"));
    let metadata = answers.lock().unwrap().clone();
    axum::Json(
        json!({"type": "sync", "status": "Success", "status_code": 200, "operation": "", "error_code": 0, "error": "", "metadata": metadata}),
    )
}

pub async fn daemon(dir: &Path) -> (PathBuf, Answers) {
    let answers: Answers = Arc::new(Mutex::new(fake::fixture("incus-list.json")));
    let router = Router::new()
        .route("/1.0/instances", get(instances))
        .with_state(answers.clone());
    (fake::serve(dir, "incus.socket", router).await, answers)
}

pub fn target(socket: PathBuf) -> Target {
    Target {
        runtime: Runtime::Lxd,
        socket,
        host: "nuc".into(),
    }
}

#[tokio::test]
async fn lxd_sync_creates_then_idles_then_follows_a_changed_address_with_one_alert() {
    let dir = tempfile::tempdir().unwrap();
    let (socket, answers) = daemon(dir.path()).await;
    let pool = fake::pool(dir.path()).await;
    let target = target(socket);

    let first = round(&pool, &target, 1_000).await.unwrap();
    assert!(first.contains("created"), "{first}");
    let stored = fake::containers(&pool).await;
    assert!(
        stored
            .iter()
            .any(|(key, a)| key == "nuc/dns" && a.contains(&"2001:db8:2::53".to_string())),
        "{stored:?}"
    );
    let logged = fake::changes(&pool).await;
    assert!(
        logged.iter().all(|(.., src)| src == "sync lxd"),
        "{logged:?}"
    );
    assert_eq!(fake::notices(&pool).await.len(), 1);

    assert!(
        round(&pool, &target, 2_000)
            .await
            .unwrap()
            .starts_with("no change")
    );
    assert_eq!(fake::changes(&pool).await.len(), logged.len());

    answers.lock().unwrap()[0]["state"]["network"]["eth0"]["addresses"][0]["address"] =
        json!("2001:db8:2::5353");
    assert_eq!(
        round(&pool, &target, 3_000).await.unwrap(),
        "0 created, 1 updated"
    );
    fake::assert_one_update_told(
        &pool,
        logged.len(),
        "dns",
        "sync lxd",
        "container dns has a new address: 2001:db8:2::5353 on LXD/Incus host nuc",
    )
    .await;
    round(&pool, &target, 4_000).await.unwrap();
    assert_eq!(fake::notices(&pool).await.len(), 2);
}

/// An LXD before `all-projects` answers 400 to it; its default project is read instead.
async fn old_instances(RawQuery(query): RawQuery) -> axum::response::Response {
    use axum::response::IntoResponse;
    if query.as_deref() != Some("recursion=2") {
        let refusal = json!({"type": "error", "error": "unknown parameter", "error_code": 400});
        return (axum::http::StatusCode::BAD_REQUEST, axum::Json(refusal)).into_response();
    }
    let web = json!([{"name": "web", "type": "container", "state": {"network": {"eth0": {
        "addresses": [{"family": "inet6", "address": "2001:db8:4::80", "scope": "global"}]}}}}]);
    axum::Json(json!({"type": "sync", "status_code": 200, "metadata": web})).into_response()
}

#[tokio::test]
async fn a_daemon_without_all_projects_is_read_from_its_default_project() {
    let dir = tempfile::tempdir().unwrap();
    let router = Router::new().route("/1.0/instances", get(old_instances));
    let socket = fake::serve(dir.path(), "lxd.socket", router).await;
    let pool = fake::pool(dir.path()).await;
    let told = round(&pool, &target(socket), 1_000).await.unwrap();
    assert!(told.contains("created"), "{told}");
    let stored = fake::containers(&pool).await;
    assert!(
        stored
            .iter()
            .any(|(key, a)| key == "nuc/web" && a == &["2001:db8:4::80".to_string()]),
        "{stored:?}"
    );
}
