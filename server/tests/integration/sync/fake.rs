//! Fake daemons: an axum router on a Unix socket, answering from fixtures the test can
//! change between rounds; and what the store holds, read for the assertions.

use axum::Router;
use serde_json::Value;
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The import fixtures (shaped like real `docker inspect` and `incus list` output).
pub fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../model/tests/fixtures/import")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// What a fake daemon answers; the test edits it between rounds.
pub type Answers = Arc<Mutex<Value>>;

/// Serves `router` on `dir/name` until the test's runtime ends.
pub async fn serve(dir: &Path, name: &str, router: Router) -> PathBuf {
    let socket = dir.join(name);
    let listener = tokio::net::UnixListener::bind(&socket).unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    socket
}

pub async fn pool(dir: &Path) -> SqlitePool {
    store::open(&dir.join("v6watch.db")).await.unwrap()
}

/// The change log: (entity, action, summary, source), oldest first.
pub async fn changes(pool: &SqlitePool) -> Vec<(String, String, String, String)> {
    sqlx::query_as("SELECT entity, action, summary, source FROM changes ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// The outbox: (kind, severity, title, body), oldest first.
pub async fn notices(pool: &SqlitePool) -> Vec<(String, String, String, String)> {
    sqlx::query_as("SELECT kind, severity, title, body FROM alert_notifications ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// The stored containers with their addresses, as the plan sees them.
pub async fn containers(pool: &SqlitePool) -> Vec<(String, Vec<String>)> {
    store::import::snapshot(pool)
        .await
        .unwrap()
        .containers
        .into_iter()
        .map(|c| (c.key(), c.addresses))
        .collect()
}

/// After a round that moved one container: exactly one more change, an update of
/// `container` marked with `source`, and a second message whose title contains `said`. The
/// changes logged so far.
pub async fn assert_one_update_told(
    pool: &SqlitePool,
    logged_before: usize,
    container: &str,
    source: &str,
    said: &str,
) -> Vec<(String, String, String, String)> {
    let now_logged = changes(pool).await;
    assert_eq!(now_logged.len(), logged_before + 1, "{now_logged:?}");
    assert_eq!(
        now_logged.last().unwrap(),
        &(
            "container".into(),
            "updated".into(),
            container.into(),
            source.into()
        )
    );
    let sent = notices(pool).await;
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent[1].2.contains(said), "{sent:?}");
    now_logged
}
