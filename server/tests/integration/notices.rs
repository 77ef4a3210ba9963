//! After a form post, the page it leads to says what was done, once.

use crate::support::{location, spawn};
use reqwest::StatusCode;

#[tokio::test]
async fn a_saved_or_deleted_record_is_said_once_on_the_next_page() {
    let app = spawn().await;
    let r = app
        .post(
            "/actions/hosts",
            &[("name", "nas"), ("addresses", "2001:db8::5")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let host_page = location(&r);
    let page = app.page(&host_page).await;
    assert!(
        page.contains(r#"<p id="notice" role="status" class="notice ok">Host saved.</p>"#),
        "{page}"
    );
    let again = app.page(&host_page).await;
    assert!(!again.contains(r#"id="notice""#), "said once: {again}");

    // A refused form says nothing was saved: its own messages do.
    let r = app
        .post(
            "/actions/hosts",
            &[("name", "nas"), ("addresses", "2001:db8::zz")],
        )
        .await;
    let form = app.page(&location(&r)).await;
    assert!(!form.contains("Host saved."), "{form}");

    let id = host_page.rsplit('/').next().unwrap();
    let r = app.post(&format!("/actions/hosts/{id}/delete"), &[]).await;
    assert_eq!(location(&r), "/hosts");
    let list = app.page("/hosts").await;
    assert!(list.contains("Host deleted."), "{list}");
}
