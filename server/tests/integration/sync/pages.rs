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

#[tokio::test]
async fn a_sync_that_finds_a_container_is_listed_on_the_alerts_page_and_tells_open_pages() {
    let app = spawn().await;
    let alerts = app.page("/alerts").await;
    assert!(!alerts.contains("id=\"notices\""), "no sync, no section");

    let dir = tempfile::tempdir().unwrap();
    let (socket, _answers) = docker::daemon(dir.path()).await;
    let bus = v6watch::events::EventBus::default();
    let mut heard = bus.subscribe();
    let cancel = tokio_util::sync::CancellationToken::new();
    let job = tokio::spawn(worker::run(
        app.pool.clone(),
        vec![docker::target(socket)],
        std::time::Duration::from_secs(3600),
        bus.clone(),
        cancel.clone(),
    ));
    let event = tokio::time::timeout(std::time::Duration::from_secs(30), heard.recv())
        .await
        .expect("a round that changed the inventory tells open pages")
        .unwrap();
    assert_eq!(event.changed, v6watch::events::Changed::Inventory);
    cancel.cancel();
    job.await.unwrap();

    let alerts = app.page("/alerts").await;
    let (_, section) = alerts
        .split_once("id=\"notices\"")
        .unwrap_or_else(|| panic!("{alerts}"));
    let title = &fake::notices(&app.pool).await[0].2;
    let shown = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(section.contains(&shown), "{title} not in {section}");
    assert!(section.contains("href=\"/hosts/"), "{section}");
}
