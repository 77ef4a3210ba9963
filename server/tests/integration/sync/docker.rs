//! A fake Docker Engine API (`/_ping`, `/version`, `/v1.xx/containers/json`,
//! `/v1.xx/containers/{id}/json`, `/v1.xx/networks`) answering the `docker inspect` fixtures.

use super::fake::{self, Answers};
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use v6watch::sync::{Runtime, Target, round, worker};

/// `{"containers": [inspect...], "networks": [...], "fail": null | status}`.
async fn answer(State(answers): State<Answers>, uri: Uri) -> Response {
    let answers = answers.lock().unwrap().clone();
    // Requests carry the API version in front: /v1.47/containers/json.
    let path = uri.path();
    let path = match path.strip_prefix("/v1.") {
        Some(rest) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => path,
    };
    if let Some(status) = answers["fail"].as_u64()
        && path != "/version"
        && path != "/_ping"
    {
        let status = StatusCode::from_u16(status as u16).unwrap();
        return (status, axum::Json(json!({"message": "daemon broke"}))).into_response();
    }
    let containers = answers["containers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let body = match path {
        "/_ping" => return "OK".into_response(),
        "/version" => {
            json!({"ApiVersion": "1.47", "MinAPIVersion": "1.24", "Version": "27.3.1", "Os": "linux", "Arch": "arm64"})
        }
        "/containers/json" => Value::Array(
            containers
                .iter()
                .map(|c| json!({"Id": c["Id"], "Names": [c["Name"]], "State": "running"}))
                .collect(),
        ),
        "/networks" => answers["networks"].clone(),
        other => {
            let id = other
                .strip_prefix("/containers/")
                .and_then(|r| r.strip_suffix("/json"));
            match containers
                .iter()
                .find(|c| Some(c["Id"].as_str().unwrap_or("")) == id)
            {
                Some(c) => c.clone(),
                None => {
                    return (
                        StatusCode::NOT_FOUND,
                        axum::Json(json!({"message": "no such container"})),
                    )
                        .into_response();
                }
            }
        }
    };
    axum::Json(body).into_response()
}

/// A fake daemon answering the fixtures, and its answers to edit.
pub async fn daemon(dir: &Path) -> (PathBuf, Answers) {
    let answers: Answers = Arc::new(Mutex::new(json!({
        "containers": fake::fixture("docker-inspect.json"),
        "networks": fake::fixture("docker-network-inspect.json"),
        "fail": null,
    })));
    let router = Router::new().fallback(answer).with_state(answers.clone());
    (fake::serve(dir, "docker.sock", router).await, answers)
}

pub fn target(socket: PathBuf) -> Target {
    Target {
        runtime: Runtime::Docker,
        socket,
        host: "pi".into(),
    }
}

#[tokio::test]
async fn docker_sync_creates_then_idles_then_follows_a_changed_address_with_one_alert() {
    let dir = tempfile::tempdir().unwrap();
    let (socket, answers) = daemon(dir.path()).await;
    let pool = fake::pool(dir.path()).await;
    let target = target(socket);

    let first = round(&pool, &target, 1_000).await.unwrap();
    assert!(first.contains("created"), "{first}");
    assert_eq!(
        fake::containers(&pool).await,
        vec![(
            "pi/cloud".to_string(),
            vec!["fd00:db8:4::20".to_string(), "192.0.2.20".to_string()]
        )]
    );
    let snapshot = store::import::snapshot(&pool).await.unwrap();
    let cidrs: Vec<&str> = snapshot.prefixes.iter().map(|p| p.cidr.as_str()).collect();
    assert!(cidrs.contains(&"fd00:db8:4::/64"), "{cidrs:?}");
    assert!(
        !cidrs.contains(&"2001:db8:ffff::/64"),
        "v6 off on that network: {cidrs:?}"
    );
    let logged = fake::changes(&pool).await;
    assert!(
        logged.iter().any(|(e, a, s, src)| e == "container"
            && a == "created"
            && s == "cloud"
            && src == "sync docker"),
        "{logged:?}"
    );
    assert!(
        logged.iter().all(|(.., src)| src == "sync docker"),
        "{logged:?}"
    );
    let sent = fake::notices(&pool).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].0, "inventory");
    assert_eq!(sent[0].1, "info");
    assert!(
        sent[0].2.contains("container cloud appeared") && sent[0].2.contains("host pi"),
        "{sent:?}"
    );

    // The runtime unchanged: nothing logged, nothing sent.
    let second = round(&pool, &target, 2_000).await.unwrap();
    assert!(second.starts_with("no change"), "{second}");
    assert_eq!(fake::changes(&pool).await.len(), logged.len());
    assert_eq!(fake::notices(&pool).await.len(), 1);

    // The container comes back with another IPv6 address.
    {
        let mut a = answers.lock().unwrap();
        let web = &mut a["containers"][0]["NetworkSettings"]["Networks"]["web"];
        web["GlobalIPv6Address"] = json!("fd00:db8:4::21");
        web["IPAMConfig"]["IPv6Address"] = json!("fd00:db8:4::21");
    }
    let third = round(&pool, &target, 3_000).await.unwrap();
    assert_eq!(third, "0 created, 1 updated");
    let (_, addresses) = fake::containers(&pool).await.remove(0);
    assert!(
        addresses.contains(&"fd00:db8:4::21".to_string()),
        "{addresses:?}"
    );
    assert!(
        !addresses.contains(&"fd00:db8:4::20".to_string()),
        "the address the container gave up is no longer probed: {addresses:?}"
    );
    let now_logged = fake::assert_one_update_told(
        &pool,
        logged.len(),
        "cloud",
        "sync docker",
        "container cloud has a new address: fd00:db8:4::21",
    )
    .await;

    // Once: the next rounds are quiet again.
    round(&pool, &target, 4_000).await.unwrap();
    assert_eq!(fake::notices(&pool).await.len(), 2);
    assert_eq!(fake::changes(&pool).await.len(), now_logged.len());
}

#[tokio::test]
async fn docker_sync_message_reaches_every_enabled_channel_and_the_run_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (socket, _) = daemon(dir.path()).await;
    let pool = fake::pool(dir.path()).await;
    sqlx::query(
        "INSERT INTO channels (name, kind, url) VALUES ('hook', 'webhook', 'http://[::1]:9/')",
    )
    .execute(&pool)
    .await
    .unwrap();
    let run = worker::step(&pool, &target(socket)).await;
    assert!(run.ok, "{run:?}");
    assert_eq!(store::deliveries::fan_out(&pool, 5_000).await.unwrap(), 1);
    let runs = store::sync::runs(&pool).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].runtime, "docker");
    assert!(runs[0].message.contains("created"), "{runs:?}");
}
