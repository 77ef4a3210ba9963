//! What a user sees of the sync: its last round on the Import page (a result or the error),
//! and its changes on the overview marked as the runtime's.

use super::{docker, fake};
use crate::support::spawn;
use v6watch::sync::worker;

#[tokio::test]
async fn the_import_page_shows_each_syncs_last_round_and_the_overview_its_source() {
    let app = spawn().await;
    let page = app.page("/import").await;
    assert!(!page.contains("id=\"sync-status\""), "no sync, no section");

    let dir = tempfile::tempdir().unwrap();
    let (socket, answers) = docker::daemon(dir.path()).await;
    let target = docker::target(socket);
    worker::step(&app.pool, &target).await;
    let page = app.page("/import").await;
    assert!(page.contains("id=\"sync-docker\""), "{page}");
    assert!(page.contains("Docker sync"), "{page}");
    assert!(page.contains("on host pi: last run "), "{page}");
    assert!(page.contains("created, 0 updated"), "{page}");
    let overview = app.page("/").await;
    assert!(overview.contains("by sync docker"), "{overview}");

    answers.lock().unwrap()["fail"] = serde_json::json!(500);
    worker::step(&app.pool, &target).await;
    let page = app.page("/import").await;
    assert!(page.contains("failed: "), "{page}");
    assert!(page.contains("the Docker API answered 500"), "{page}");
    assert_eq!(fake::containers(&app.pool).await.len(), 1);
}
