//! Sockets that are missing, answer garbage or fail: a clear message naming the socket,
//! kept as the last run, and nothing stored changed.

use super::{docker, fake, lxd};
use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::json;
use sqlx::SqlitePool;
use v6watch::sync::{Target, worker};

/// What a round must leave alone.
async fn stored(pool: &SqlitePool) -> (usize, usize, String) {
    let inventory = store::import::snapshot(pool).await.unwrap();
    (
        fake::changes(pool).await.len(),
        fake::notices(pool).await.len(),
        format!("{inventory:?}"),
    )
}

/// A failed round: its message, after checking it changed nothing and was kept.
async fn fails(pool: &SqlitePool, target: &Target) -> String {
    let before = stored(pool).await;
    let run = worker::step(pool, target).await;
    assert!(!run.ok, "{run:?}");
    assert_eq!(
        stored(pool).await,
        before,
        "a failed round changed something"
    );
    let kept = store::sync::runs(pool).await.unwrap();
    assert!(
        kept.iter().any(|r| r.message == run.message && !r.ok),
        "{kept:?}"
    );
    assert!(
        run.message.contains(&target.socket.display().to_string()),
        "names the socket: {}",
        run.message
    );
    run.message
}

#[tokio::test]
async fn missing_sockets_are_named_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pool = fake::pool(dir.path()).await;
    let missing = dir.path().join("nothing-here.sock");
    let message = fails(&pool, &docker::target(missing.clone())).await;
    assert!(message.starts_with("Docker socket"), "{message}");
    assert!(message.contains("no such socket"), "{message}");
    let message = fails(&pool, &lxd::target(missing)).await;
    assert!(message.starts_with("LXD/Incus socket"), "{message}");
    assert!(message.contains("no such socket"), "{message}");
}

#[tokio::test]
async fn lxd_garbage_and_error_answers_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pool = fake::pool(dir.path()).await;
    // A good round first, so there is something to leave alone.
    let (good, _) = lxd::daemon(dir.path()).await;
    worker::step(&pool, &lxd::target(good)).await;
    assert_eq!(fake::containers(&pool).await.len(), 1);

    let garbage = Router::new().route("/1.0/instances", get(|| async { "<html>hello</html>" }));
    let socket = fake::serve(dir.path(), "garbage.sock", garbage).await;
    let message = fails(&pool, &lxd::target(socket)).await;
    assert!(message.contains("did not answer JSON"), "{message}");

    let broken = Router::new().route(
        "/1.0/instances",
        get(|| async {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(
                    json!({"type": "error", "error": "database is locked", "error_code": 500}),
                ),
            )
        }),
    );
    let socket = fake::serve(dir.path(), "broken.sock", broken).await;
    let message = fails(&pool, &lxd::target(socket)).await;
    assert!(
        message.contains("HTTP 500: database is locked"),
        "{message}"
    );

    let wrong = Router::new().route(
        "/1.0/instances",
        get(|| async { axum::Json(json!({"metadata": {"not": "a list"}})) }),
    );
    let socket = fake::serve(dir.path(), "wrong.sock", wrong).await;
    let message = fails(&pool, &lxd::target(socket)).await;
    assert!(message.contains("without a list of instances"), "{message}");

    // Instances the parser refuses: the import's own message, nothing applied.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let (socket, answers) = lxd::daemon(&other).await;
    answers.lock().unwrap()[0]["state"]["network"]["eth0"]["addresses"][0]["address"] = json!("zz");
    let message = fails(&pool, &lxd::target(socket)).await;
    assert!(message.contains("\"zz\" is not an IP address"), "{message}");
}

#[tokio::test]
async fn docker_error_answers_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pool = fake::pool(dir.path()).await;
    let (socket, answers) = docker::daemon(dir.path()).await;
    worker::step(&pool, &docker::target(socket.clone())).await;
    assert_eq!(fake::containers(&pool).await.len(), 1);

    answers.lock().unwrap()["fail"] = json!(500);
    let message = fails(&pool, &docker::target(socket.clone())).await;
    assert!(
        message.contains("the Docker API answered 500: daemon broke"),
        "{message}"
    );

    // A socket that is not Docker's: plain text where JSON belongs.
    let other = Router::new().fallback(|| async { "garbage" });
    let socket = fake::serve(dir.path(), "other.sock", other).await;
    let message = fails(&pool, &docker::target(socket)).await;
    assert!(
        message.contains("the answer is not the Docker API's JSON"),
        "{message}"
    );
}
